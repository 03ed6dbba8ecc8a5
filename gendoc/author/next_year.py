"""`gendoc new <agency> <year>`: start next January's report from the agency's latest one.

Agency details and narrative are kept; every figure becomes 0, except what the kind's
`carry` rules take from last year — 二、上年结转 from last year's 四、结转下年度继续办理 (so
X-1 holds from the first keystroke), and the like — so the new file validates as it stands.
The format follows the year, so a 2020 report rolls over into the 2021 format's tables.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from gendoc.author.report_yaml import emit
from gendoc.kind.registry import Kind
from gendoc.build.project import Project, report_identity
from gendoc.check.rules import carry_over


class ScaffoldError(Exception):
    """Why no new report could be started (shown to the user as is)."""


@dataclass
class Scaffolded:
    path: Path
    source: Path
    kind: Kind


def latest_report(folder: Path, before: int) -> Path | None:
    years = []
    for path in folder.glob("*.y*ml"):
        _, year = report_identity(path)
        if year is not None and year < before:
            years.append((year, path))
    return max(years)[1] if years else None


def new_report(project: Project, agency: str, year: int) -> Scaffolded:
    folder = project.root / "reports" / agency
    target = folder / f"{year}.yaml"
    # Any file of that year (2021.yml, 2021.YAML) would be a second file for one report.
    taken = sorted(p for p in folder.glob(f"{year}.*") if p.suffix.lower() in (".yaml", ".yml")) if folder.is_dir() else []
    if taken:
        raise ScaffoldError(f"{taken[0]} 已存在，不会覆盖（already exists; not overwritten）")
    source = latest_report(folder, year)
    if source is None:
        raise ScaffoldError(f"reports/{agency}/ 下没有 {year} 年以前的报告可作为起点（no earlier report of {agency}）")
    last = project.check(source)
    if last.report is None or not last.ok or last.kind is None:
        raise ScaffoldError(f"{source} 有错误，请先修正（fix its errors first: gendoc validate {source}）")
    # The same document, in the format its family uses for that year (a 2020 annual report
    # becomes a 2021-format one; a website's form stays a website's form).
    kind = project.kinds.for_year(year, last.kind.family)
    if kind is None:
        raise ScaffoldError(f"没有适用于 {year} 年度的报告格式（no format covers {year}）")
    data = _next_year(kind, last.report.data, last.kind, year)
    header = [f"# yaml-language-server: $schema=../../schemas/{kind.id}/schema.json",
              f"# {year}年度报告，由 gendoc new 从 {source.name} 生成：数字已清零（按本格式规定从上年带入的除外），请填写本年数字并修改正文。"]
    text = emit(data, kind.index, header)
    folder.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return Scaffolded(target, source, kind)


def _next_year(kind: Kind, last: dict, last_kind: Kind, year: int) -> dict:
    """The new kind's shape, filled from last year's data where the shapes agree."""
    out: dict[str, Any] = {}
    for key in kind.index.properties(()):
        path = (key,)
        if key == "format":
            out[key] = kind.id
        elif key == "year":
            out[key] = year
        elif key == "published":
            out[key] = f"{year + 1}-01-31"
        elif key in last and kind.index.get(path, "x-short") is None:
            out[key] = _zeroed(copy.deepcopy(last[key]), kind, path)
        elif kind.index.get(path, "x-short") is not None:
            out[key] = _skeleton(kind, path)
    return carry_over(kind, out, last)


def _zeroed(value: Any, kind: Kind, path: tuple) -> Any:
    """Figures become 0; text (agency, narrative, labels, dates) is kept."""
    if isinstance(value, dict):
        return {k: _zeroed(v, kind, path + (k,)) for k, v in value.items() if not kind.index.get(path + (k,), "x-derived")}
    if isinstance(value, list):
        return [_zeroed(v, kind, path + (i,)) for i, v in enumerate(value)]
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return 0
    return value


def _skeleton(kind: Kind, path: tuple) -> Any:
    """A table of the kind's schema with every typed figure 0 (derived ones left out)."""
    names = kind.index.properties(path)
    if not names:
        return 0
    return {name: _skeleton(kind, path + (name,)) for name in names
            if not kind.index.get(path + (name,), "x-derived")
            and not kind.index.get(path + (name,), "x-unit-for")}
