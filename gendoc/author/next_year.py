"""`gendoc new AGENCY YEAR [--name 全称]`: this year's draft, from last year's file or from scratch.

From last year's report (the latest earlier one of the agency), the new file is that file
edited, not rewritten (`round_trip.py`): its comments, key order and keys the schema leaves
open survive. It becomes `status: draft`, `published: ~`; every figure of this year is `~`
(not known yet — a 0 would validate and print as a real figure); what the kind's `carry`
rules take from last year (二、上年结转 from 四、结转下年度继续办理; the 2019 format's
上一年项目数量) is filled in. Across a format change the kind's `migrations.yaml` moves the
figures and the narrative's references, and whatever has no place in the new format is
reported (W005, at its line in last year's file; W006, at the reference in the new file).
Every year or date typed as text in the narrative is flagged (W004) with a comment above it.

An agency without an earlier report starts, with `--name`, from the kind's `skeleton.yaml`:
every section with a short placeholder, every figure unknown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gendoc.author import round_trip
from gendoc.author.draft_shape import move_figures, shape
from gendoc.author.migrations import MigrationError, load_migration, rewrite_references
from gendoc.author.year_literals import year_bound
from gendoc.build.project import Project, report_identity
from gendoc.check.prose_figures import position_in_file
from gendoc.check.rules import carry_over
from gendoc.diagnostics import WARNING, Diagnostic
from gendoc.kind.labels import format_path, narrative_paths
from gendoc.kind.registry import Kind
from gendoc.load.yaml_loader import load_text
from gendoc.plaindata import get_path


class ScaffoldError(Exception):
    """Why no new report could be started (shown to the user as is)."""


@dataclass
class Scaffolded:
    path: Path
    source: Path | None
    kind: Kind
    findings: list[Diagnostic] = field(default_factory=list)


def latest_report(folder: Path, before: int) -> Path | None:
    years = []
    for path in folder.glob("*.y*ml"):
        _, year = report_identity(path)
        if year is not None and year < before:
            years.append((year, path))
    return max(years)[1] if years else None


def new_report(project: Project, agency: str, year: int, name: str | None = None,
               family: str | None = None) -> Scaffolded:
    folder = project.root / "reports" / agency
    target = folder / f"{year}.yaml"
    # Any file of that year (2021.yml, 2021.YAML) would be a second file for one report.
    taken = sorted(p for p in folder.glob(f"{year}.*") if p.suffix.lower() in (".yaml", ".yml")) if folder.is_dir() else []
    if taken:
        raise ScaffoldError(f"{taken[0]} 已存在，不会覆盖（already exists; not overwritten）")
    source = latest_report(folder, year)
    if source is None:
        if not name:
            raise ScaffoldError(
                f"reports/{agency}/ 下没有 {year} 年以前的报告可作为起点；新机关请用 --name 给出机关全称，"
                f"如 gendoc new {agency} {year} --name 某某区某某局（no earlier report of {agency}: "
                "give the agency's full name with --name to start from the format's skeleton）")
        return _from_skeleton(project, target, year, name, family)
    last = project.check(source)
    if last.report is None or not last.ok or last.kind is None:
        raise ScaffoldError(f"{source} 有错误，请先修正（fix its errors first: gendoc validate {source}）")
    # The same document, in the format its family uses for that year (a 2020 annual report
    # becomes a 2021-format one; a website's form stays a website's form).
    kind = project.kinds.for_year(year, last.kind.family)
    if kind is None:
        raise ScaffoldError(f"没有适用于 {year} 年度的报告格式（no format covers {year}）")
    migration = None
    if kind.id != last.kind.id:
        try:
            migration = load_migration(kind)
        except MigrationError as exc:
            raise ScaffoldError(str(exc)) from exc
        if migration is None or migration.source != last.kind.id:
            raise ScaffoldError(f"{kind.id} 没有从 {last.kind.id} 转换的说明（schemas/{kind.id}/migrations.yaml）")
    text = source.read_text(encoding="utf-8-sig")
    doc = round_trip.load(text)
    findings: list[Diagnostic] = []
    if migration is not None:
        move_figures(doc, migration, kind.index)
    for removed in shape(doc, kind.index):
        reason = migration.reason(removed.path) if migration else None
        findings.append(Diagnostic(
            WARNING, "W005", {"place": last.kind.index.place(removed.path), "format": kind.title,
                              "reason": f"：{reason}" if reason else ""},
            str(source), removed.line, removed.col, format_path(removed.path)))
    _set_header(doc, kind, year)
    carry_over(kind, doc, last.report.data)
    unplaced = _narratives(doc, kind, migration)
    out = round_trip.dump(doc)
    out = re.sub(r"(\$schema=\S*?schemas/)[^/\s]+(/schema\.json)", rf"\g<1>{kind.id}\g<2>", out, count=1)
    _write(target, out)
    findings.extend(_located(target, out, kind, unplaced))
    return Scaffolded(target, source, kind, findings)


def _from_skeleton(project: Project, target: Path, year: int, name: str, family: str | None) -> Scaffolded:
    kind = project.kinds.for_year(year, family or "annual-report")
    if kind is None:
        raise ScaffoldError(f"没有适用于 {year} 年度的报告格式（no format covers {year}）")
    skeleton = kind.folder / "skeleton.yaml"
    if not skeleton.is_file():
        raise ScaffoldError(f"{kind.id} 没有新机关用的骨架文件（schemas/{kind.id}/skeleton.yaml）")
    doc = round_trip.load(skeleton.read_text(encoding="utf-8"))
    doc.setdefault("agency", round_trip.block_map())["name"] = name
    shape(doc, kind.index)
    _set_header(doc, kind, year)
    out = round_trip.dump(doc)
    _write(target, out)
    return Scaffolded(target, None, kind, _located(target, out, kind, []))


def _set_header(doc: Any, kind: Kind, year: int) -> None:
    doc["format"] = kind.id
    doc["year"] = year
    if "status" in doc:
        doc["status"] = "draft"
    else:
        round_trip.insert_after(doc, "year", "status", "draft")
    if "published" in kind.index.properties(()):
        doc["published"] = None  # not published yet


def _narratives(doc: Any, kind: Kind, migration) -> list[tuple[tuple, str, str, str | None]]:
    """Rewrite the narrative's references across a format change; flag year-bound words.
    Returns what must be reported: (path, code, literal, reason)."""
    tops = set(kind.index.properties(()))
    report: list[tuple[tuple, str, str, str | None]] = []
    for path in list(narrative_paths(kind.index, doc)):
        parent = get_path(doc, path[:-1])
        text = parent[path[-1]]
        if migration is not None:
            new_text, unplaced = rewrite_references(str(text), tops, kind.index.exists, migration)
            if new_text != text:
                parent[path[-1]] = type(text)(new_text) if type(text) is not str else new_text
            report.extend((path, "W006", ref, why) for ref, why in unplaced)
        found = year_bound(str(parent[path[-1]]))
        report.extend((path, "W004", literal, None) for _, literal in found)
        if found:
            words = "、".join(dict.fromkeys(literal for _, literal in found))
            where = round_trip.key_line(parent, path[-1])
            indent = (where[1] - 1) if where else 0
            parent.yaml_set_comment_before_after_key(
                path[-1], before=f"待核对（gendoc new）：正文含上年的日期或年份「{words}」，请改为本年度的或改用 {{{{ year }}}}",
                indent=indent)
    return report


def _located(target: Path, text: str, kind: Kind, items: list) -> list[Diagnostic]:
    """W004 / W006 at their line and column in the new file."""
    if not items:
        return []
    loaded = load_text(text, str(target))
    lines = text.split("\n")
    out = []
    for path, code, literal, reason in items:
        value = get_path(loaded.data, path)
        offset = str(value).find(literal)
        line, col = position_in_file(loaded.sourcemap.value(path), str(value), max(offset, 0), lines)
        params = {"place": kind.index.place(path), "literal": literal, "format": kind.title,
                  "reason": f"：{reason}" if reason else ""}
        out.append(Diagnostic(WARNING, code, params, str(target), line, col, format_path(path)))
    return out


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
