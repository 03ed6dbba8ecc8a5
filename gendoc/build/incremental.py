"""Build many reports: only what changed, across cores, in bounded memory.

A report is rebuilt when its fingerprint changes: its own bytes, last year's file (cross-year
rules and year-over-year prose read it), every file of its document kind (schema, rules,
templates, shared ones included) and gendoc's own code. Fingerprints, statuses and findings
of the last build are kept in `<out>/.gendoc-state.json`, so an unchanged report costs one
file read and its findings are replayed without loading it. Workers return small summaries
(never the report data), so memory stays flat however many reports there are.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from gendoc.diagnostics import Diagnostic, Location, status_of
from gendoc.build.project import REPORT_SUFFIXES, Project, report_identity

STATE_FILE = ".gendoc-state.json"
STATE_VERSION = 3
# Findings about the machine, not the report (an output that could not be written): the
# next build tries again even when nothing changed.
RETRIED = {"F005"}
PARALLEL_THRESHOLD = 24  # below this, starting worker processes costs more than it saves


@dataclass
class Summary:
    """What the CLI, the index page and the next build need to know about one report."""

    file: str
    agency: str
    year: int | None
    kind_id: str | None = None
    kind_title: str = ""
    agency_name: str = ""
    fingerprint: str = ""
    content: str = ""   # hash of the report's bytes and last year's
    stamp: str = ""     # sizes and modification times those bytes were read at
    outputs: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # What the overview shows (gendoc/build/overview_data.py `report_facts`).
    published: str = ""
    draft: bool = False
    measures: dict[str, int | str | None] = field(default_factory=dict)
    figures: dict[str, list] = field(default_factory=dict)
    reused: bool = False

    @property
    def status(self) -> str:
        return status_of(self.diagnostics)

    @property
    def ok(self) -> bool:
        return self.status != "errors"

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("reused")
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Summary":
        diagnostics = [Diagnostic(**{**d, "related": [Location(**loc) for loc in d["related"]]})
                       for d in data.pop("diagnostics")]
        return cls(**data, diagnostics=diagnostics, reused=True)


# -- fingerprints -----------------------------------------------------------------------------

def _digest_files(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """gendoc's own code: a new version re-renders everything."""
    return _digest_files(Path(__file__).resolve().parents[1].rglob("*.py"))


class Fingerprints:
    def __init__(self, project: Project):
        self.project = project
        self._kinds: dict[str | None, str] = {}

    def kind_digest(self, kind_id: str | None) -> str:
        if kind_id not in self._kinds:
            kind = self.project.kinds.get(kind_id) if kind_id else None
            self._kinds[kind_id] = _digest_files(kind.source_files()) if kind else ""
        return self._kinds[kind_id]

    def of(self, path: Path, kind_id: str | None, old: "Summary | None" = None) -> tuple[str, str, str]:
        """(fingerprint, content hash, stamp). The content hash covers the report's bytes and
        last year's; when the stamp (size and modification time of both files) is the one
        recorded last time, the recorded content hash is reused without reading the files, as
        make and ninja trust modification times."""
        files = [path] + self._prev_files(path)
        stamp = "|".join(f"{f.name}:{st.st_size}:{st.st_mtime_ns}" for f in files for st in [f.stat()])
        if old is not None and old.stamp == stamp and old.content:
            content = old.content
        else:
            h = hashlib.sha256()
            for i, f in enumerate(files):
                h.update(b"prev" if i else b"")
                h.update(f.read_bytes())
            content = h.hexdigest()
        key = hashlib.sha256(f"{code_digest()}|{self.kind_digest(kind_id)}|{content}".encode()).hexdigest()
        return key, content, stamp

    @staticmethod
    def _prev_files(path: Path) -> list[Path]:
        _, year = report_identity(path)
        if year is None:
            return []
        for suffix in REPORT_SUFFIXES:
            prev = path.with_name(f"{year - 1}{suffix}")
            if prev.is_file():
                return [prev]
        return []


# -- state ------------------------------------------------------------------------------------

def load_state(out_dir: Path) -> dict[str, Summary]:
    try:
        raw = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
        if raw.get("version") != STATE_VERSION:
            return {}
        return {item["file"]: Summary.from_json(item) for item in raw["reports"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no usable state: build everything


def save_state(out_dir: Path, summaries: list[Summary]) -> None:
    from gendoc.build.atomic_write import write_if_changed

    payload = {"version": STATE_VERSION, "reports": [s.to_json() for s in summaries]}
    write_if_changed(out_dir / STATE_FILE, json.dumps(payload, ensure_ascii=False, sort_keys=True))


# -- building ---------------------------------------------------------------------------------

def summarise(project: Project, path: Path, out_dir: Path, fingerprint: str) -> Summary:
    from gendoc.build.overview_data import report_facts

    result = project.build(path, out_dir)
    facts: dict = {}
    if result.report is not None and result.kind is not None:
        facts = report_facts(result.kind, result.report.data)
    return Summary(
        file=result.file, agency=result.agency, year=result.year,
        kind_id=result.kind.id if result.kind else None, kind_title=result.kind.title if result.kind else "",
        fingerprint=fingerprint,
        outputs={fmt: str(p) for fmt, p in result.outputs.items()}, diagnostics=result.diagnostics, **facts,
    )


_WORKER: dict = {}


def _init_worker(root: str, out_dir: str) -> None:
    if _WORKER.get("root") != root:  # spawned, not forked: nothing inherited
        _WORKER.update(project=Project(Path(root)), out=Path(out_dir), root=root)


def _work(task: tuple[str, str]) -> Summary:
    path, fingerprint = task
    return summarise(_WORKER["project"], Path(path), _WORKER["out"], fingerprint)


def _run(project: Project, tasks: list[tuple[str, str]], out_dir: Path, jobs: int) -> Iterator[Summary]:
    if jobs > 1 and len(tasks) >= PARALLEL_THRESHOLD:
        import multiprocessing

        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        chunk = max(1, min(32, len(tasks) // (jobs * 8)))
        # Forked workers inherit a warm project: kinds loaded, schema gates and templates
        # compiled once here rather than once in every worker.
        warm(project)
        _WORKER.update(project=project, out=out_dir, root=str(project.root))
        with context.Pool(jobs, _init_worker, (str(project.root), str(out_dir))) as pool:
            yield from pool.imap_unordered(_work, tasks, chunksize=chunk)
    else:
        for path, fingerprint in tasks:
            yield summarise(project, Path(path), out_dir, fingerprint)


def warm(project: Project) -> None:
    from gendoc.check.schema_gate import gate_for
    from gendoc.render.engine import warm_templates

    for kind_id in project.kinds.ids():
        kind = project.kinds.get(kind_id)
        gate_for(kind)
        kind.rules  # noqa: B018 — a cached property, computed now
        warm_templates(kind)


@dataclass
class BuildResult:
    summaries: list[Summary]
    changed: bool  # anything rebuilt or removed: pages listing every report must follow


def build_all(project: Project, files: list[Path], out_dir: Path, *, jobs: int | None = None,
              full: bool = True, force: bool = False) -> BuildResult:
    """Build `files` into `out_dir`; when `full`, also drop outputs of deleted reports."""
    jobs = jobs or os.cpu_count() or 1
    state = {} if force else load_state(out_dir)
    prints = Fingerprints(project)
    summaries: list[Summary] = []
    tasks: list[tuple[str, str]] = []
    marks: dict[str, tuple[str, str]] = {}
    for path in files:
        key = str(path)
        old = state.get(key)
        fingerprint, content, stamp = prints.of(path, old.kind_id if old else None, old)
        marks[key] = (content, stamp)
        outputs_present = old is not None and all(Path(p).exists() for p in old.outputs.values())
        if (old is not None and old.fingerprint == fingerprint and outputs_present and (old.outputs or not old.ok)
                and not any(d.code in RETRIED for d in old.diagnostics)):
            old.content, old.stamp = content, stamp
            summaries.append(old)
        else:
            tasks.append((key, fingerprint))
    for summary in _run(project, tasks, out_dir, jobs):
        old = state.get(summary.file)
        # The kind is known only after loading: when it differs from the one the fingerprint
        # assumed, take the fingerprint again so that the next build can skip this report.
        summary.content, summary.stamp = marks[summary.file]
        if summary.kind_id != (old.kind_id if old else None):
            summary.fingerprint = prints.of(Path(summary.file), summary.kind_id, summary)[0]
        if not summary.ok and old is not None:
            # Its last good outputs stay on disk untouched; remember them so that deleting
            # the report later still removes them.
            summary.outputs = old.outputs
        summaries.append(summary)
    summaries.sort(key=lambda s: s.file)
    changed = any(not s.reused for s in summaries)
    if full:
        keep = {s.file for s in summaries}
        for file, old in state.items():
            if file not in keep:
                _remove_outputs(old, out_dir)
                changed = True
        save_state(out_dir, summaries)
    else:
        merged = {**state, **{s.file: s for s in summaries}}
        save_state(out_dir, sorted(merged.values(), key=lambda s: s.file))
    return BuildResult(summaries, changed)


def _remove_outputs(old: Summary, out_dir: Path) -> None:
    for output in old.outputs.values():
        target = Path(output)
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        folder = target.parent
        if folder != out_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
