"""`gendoc kind check`: every file of a kind checked before a report meets it.

One call per kind gathers what the stages know how to check — the manifest (kind.yaml, K016),
the schema files (draft-07, titles, annotations: `check/schema_lint.py`), the rules
(`check/rules_lint.py`), the table layouts and templates (`render/kind_lint.py`), the
migration from the previous format (migrations.yaml, K017) — each finding located in the
kind's own file.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from gendoc.build.atomic_write import write_if_changed
from gendoc.build.report_files import relative_to_cwd as relative_to_here
from gendoc.diagnostics import ERROR, Diagnostic, Location, is_kind_problem
from gendoc.load.yaml_loader import load_file



def check_kind(project, kind) -> list[Diagnostic]:
    from gendoc.check.rules_lint import lint_rules
    from gendoc.check.schema_lint import lint_schema, lint_siblings
    from gendoc.render.kind_lint import lint_layouts, lint_templates

    found = lint_manifest(kind)
    schema = lint_schema(kind)
    found += schema
    if not any(d.code == "K010" for d in schema):  # an invalid schema makes the rest guesswork
        found += lint_siblings(kind) + lint_rules(kind) + lint_layouts(kind) + lint_templates(kind)
        found += lint_migrations(project, kind)
    return _here([_as_kind_problem(d) for d in found])


def cached_check_kind(project, kind) -> list[Diagnostic]:
    """`check_kind`, answered from <project>/.gendoc-cache/kinds/ when none of the kind's
    files (nor the checks themselves) changed since: every build and validate runs it, and
    a sound kind must not cost them the ~0.3 s of a full check. The key covers the kind's
    files and gendoc's own code."""
    digest = _digest(kind)
    folder = Path(os.environ.get("GENDOC_CACHE") or Path(project.root) / ".gendoc-cache") / "kinds"
    cache = folder / f"{kind.id}.json"
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("digest") == digest:
            return [_diagnostic(d) for d in stored["findings"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    found = check_kind(project, kind)
    try:
        write_if_changed(cache, json.dumps({"digest": digest, "findings": [asdict(d) for d in found]},
                                           ensure_ascii=False, default=str))
    except OSError:
        pass  # a read-only checkout only costs time
    return found


def _digest(kind) -> str:
    # gendoc's own code too: what a template may read, what a layout accepts, live there
    code = sorted(Path(__file__).resolve().parents[1].rglob("*.py"))
    sha = hashlib.sha256()
    for path in [*kind.source_files(), *code]:
        sha.update(os.fspath(path).encode())
        try:
            sha.update(path.read_bytes())
        except OSError:
            sha.update(b"\0missing")
    sha.update(os.fspath(Path.cwd()).encode())  # findings name files relative to it
    return sha.hexdigest()


def _diagnostic(stored: dict) -> Diagnostic:
    related = [Location(**loc) for loc in stored.pop("related", [])]
    return Diagnostic(**stored, related=related)


def _as_kind_problem(d: Diagnostic) -> Diagnostic:
    """A kind file that does not even load (YAML syntax, duplicate key) is a kind problem
    too: K009, with the loader's own message, so that it exits 2 like the others."""
    if is_kind_problem(d.code):
        return d
    return Diagnostic(d.severity, "K009", {"problem": d.message()}, d.file, d.line, d.col, d.path, d.related)


def lint_manifest(kind) -> list[Diagnostic]:
    manifest = kind.folder / "kind.yaml"
    loaded = load_file(manifest)
    if not isinstance(loaded.data, dict):
        return loaded.diagnostics
    meta, where = loaded.data, loaded.sourcemap
    found = list(loaded.diagnostics)

    def problem(at: tuple, text: str) -> None:
        line, col = where.value(at) if where.has(at) else (1, 1)
        found.append(Diagnostic(ERROR, "K016", {"problem": text}, str(manifest), line, col, ".".join(at)))

    if meta.get("id") != kind.folder.name:
        problem(("id",), f"id「{meta.get('id')}」应与目录名「{kind.folder.name}」相同（报告的 format 写的就是它）")
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        problem(("title",), "缺少 title（本格式的正式名称）")
    years = meta.get("years")
    if not isinstance(years, dict) or not isinstance(years.get("first"), int) \
            or not isinstance(years.get("last", 9999) or 9999, int):
        problem(("years",), "years 应为 {first: 首个报告年度, last: 最后报告年度（可省略）}")
    outputs = meta.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        problem(("outputs",), "outputs 应列出每种输出格式的模板，如 {html: report.html.j2, md: report.md.j2}")
    return found


def lint_migrations(project, kind) -> list[Diagnostic]:
    """migrations.yaml (how `gendoc new` moves a report from the previous format): `from` is a
    kind, every old path is declared by it, every new path by this kind (K017)."""
    from gendoc.check.rules_lint import undeclared
    from gendoc.plaindata import dotted

    file = kind.folder / "migrations.yaml"
    if not file.is_file():
        return []
    loaded = load_file(file)
    if not isinstance(loaded.data, dict):
        return loaded.diagnostics
    doc, where = loaded.data, loaded.sourcemap
    found = list(loaded.diagnostics)

    def problem(at: tuple, text: str, key: bool = True) -> None:
        line, col = where.key(at) if key else where.value(at)
        found.append(Diagnostic(ERROR, "K017", {"problem": text}, str(file), line, col, ".".join(map(str, at))))

    old_kind = project.kinds.get(str(doc.get("from")))
    if old_kind is None:
        problem(("from",), f"from「{doc.get('from')}」不是已有的文档类型（可用：{'、'.join(project.kinds.ids())}）", key=False)
        return found
    for old, new in (doc.get("map") or {}).items():
        why = undeclared(old_kind.index, dotted(str(old)))
        if why:
            problem(("map", old), f"旧格式 {old_kind.id} 中没有：{why}")
        targets = new.values() if isinstance(new, dict) else [new]
        for target in targets:
            why = undeclared(kind.index, dotted(str(target)))
            if why:
                problem(("map", old), f"本格式中没有：{why}")
    for old in doc.get("dropped") or {}:
        why = undeclared(old_kind.index, dotted(str(old)))
        if why:
            problem(("dropped", old), f"旧格式 {old_kind.id} 中没有：{why}")
    return found


def _here(found: list[Diagnostic]) -> list[Diagnostic]:
    """Findings name files relative to the current folder, as report findings do."""
    for d in found:
        d.file = str(relative_to_here(Path(d.file)))
    return found
