"""Many published reports checked at once (`gendoc audit`): import without writing, plus
the publication deadline. One `AuditRecord` per source: plain data (picklable, JSON-able),
so that workers can produce them and every output format is written from the same list.

The deadline: 《中华人民共和国政府信息公开条例》第五十条 — the annual report is published
before 31 January of the following year.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gendoc.diagnostics import ERROR, WARNING, Diagnostic
from gendoc.ingest.document import Paragraph, SourceDocument, Table
from gendoc.ingest.readers import READERS, read_source

PARALLEL_THRESHOLD = 40  # below this, starting workers costs more than it saves
# Finding classes of the league table, by what a finding is about.
CLASSES = {"I": "读取", "R": "勾稽关系", "N": "正文与表格", "A": "期限", "F": "文件", "Y": "文件", "S": "格式", "W": "缺数"}


@dataclass
class AuditFinding:
    code: str          # the code, or the rule's id (T3-1) for a broken rule
    severity: str
    message: str
    path: str
    line: int
    col: int
    quote: str         # the source text at that place (paragraph or table row)


@dataclass
class AuditRecord:
    file: str
    digest: str
    agency: str | None
    year: int | None
    kind: str | None           # kind id
    kind_title: str | None
    published: str | None
    deadline: str | None
    on_time: bool | None       # None: no publication date or no year
    findings: list[AuditFinding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    def by_class(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for f in self.findings:
            if f.severity in (ERROR, WARNING):
                name = class_of(f.code)
                out.setdefault(name, {ERROR: 0, WARNING: 0})[f.severity] += 1
        return out


def class_of(code: str) -> str:
    """A rule's id (T3-1, X-1) is a 勾稽关系; catalogue codes go by their letter."""
    return CLASSES["R"] if "-" in code else CLASSES.get(code[:1], "其他")


def sources_in(targets: list[str]) -> tuple[list[Path], list[Diagnostic]]:
    """Files to audit: named files, and every file of a known type below named folders."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS)
            if not found:
                problems.append(Diagnostic(ERROR, "F002", {"target": target}, target))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Diagnostic(ERROR, "F001", {"target": target}, target))
    return sorted(dict.fromkeys(files)), problems


def audit_one(path: Path, registry) -> AuditRecord:
    from gendoc.ingest.importer import import_document

    doc = read_source(path)
    imp = import_document(doc, registry)
    findings = list(imp.findings)
    published = imp.data.get("published") if imp.data else None
    deadline = on_time = None
    if imp.year is not None and imp.data is not None:
        limit = date(imp.year + 1, 1, 31)
        deadline = limit.isoformat()
        if published:
            on_time = date.fromisoformat(published[:10]) <= limit
            if not on_time:
                findings.append(Diagnostic(ERROR, "A001", {"published": published[:10], "deadline": deadline},
                                           str(path), 0, 0, "published"))
        else:
            findings.append(Diagnostic(WARNING, "A002", {}, str(path), 0, 0, "published"))
    quotes = _quotes(doc)
    return AuditRecord(
        file=str(path), digest=doc.digest, agency=imp.agency, year=imp.year,
        kind=imp.kind.id if imp.kind else None, kind_title=imp.kind.title if imp.kind else None,
        published=published, deadline=deadline, on_time=on_time,
        findings=[AuditFinding(d.params.get("rule") or d.code, d.severity, d.message(), d.path, d.line, d.col,
                               quotes.get(d.line, "")) for d in sorted(findings, key=lambda d: (d.line, d.col, d.code))],
    )


def _quotes(doc: SourceDocument) -> dict[int, str]:
    """Source text by line: the paragraph starting there, or the table row holding a cell
    that starts there."""
    out: dict[int, str] = {}
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.setdefault(block.line, block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                seen, texts = set(), []
                for cell in row:
                    if cell.ident not in seen and cell.text:
                        seen.add(cell.ident)
                        texts.append(cell.text)
                for cell in row:
                    if cell.line:
                        out.setdefault(cell.line, " | ".join(texts))
    return out


_WORKER: dict = {}


def _init(root: str) -> None:
    if "registry" not in _WORKER:
        from gendoc.kind.registry import KindRegistry

        _WORKER["registry"] = KindRegistry(Path(root))


def _work(paths: list[str]) -> list[AuditRecord]:
    return [audit_one(Path(p), _WORKER["registry"]) for p in paths]


def audit_many(files: list[Path], registry, jobs: int | None = None) -> list[AuditRecord]:
    """Every file audited, in path order whatever the number of workers (output is
    deterministic)."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(files) < PARALLEL_THRESHOLD:
        return [audit_one(f, registry) for f in files]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _warm(registry)
    _WORKER["registry"] = registry
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    size = max(1, min(50, len(files) // (jobs * 4)))
    chunks = [[str(f) for f in files[i:i + size]] for i in range(0, len(files), size)]
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init, initargs=(str(registry.root),)) as pool:
        results = list(pool.map(_work, chunks))
    return [record for chunk in results for record in chunk]


def _warm(registry) -> None:
    """Load what every import needs once, before forking: kinds, table models, claims."""
    from gendoc.check.prose_claims import claim_specs
    from gendoc.ingest.table_model import table_models

    for kind_id in registry.ids():
        kind = registry.get(kind_id)
        table_models(kind.index)
        claim_specs(kind)
        kind.rules  # noqa: B018 — a cached property, computed now
