"""What the overview of many agencies knows and works out: statuses, region totals, changes.

Every build keeps, per report, a few facts beside its findings (`report_facts`): its
publication date, whether it is a draft, the kind's overview *measures* (kind.yaml
`overview.measures`, expressions as in rules.yaml) and the figures of the tables the kind sums
over a region (`overview.totals`, in the order of the table's grid). The overview is worked
out from those summaries alone, so a no-op build never reloads a report to draw it.

Nothing here names a row of a kind: measures, tables and charts are the kind's data.
"""
from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gendoc.check.expressions import DivisionByZero, Missing, compiled, parse
from gendoc.diagnostics import ERROR, WARNING, code_class
from gendoc.render.table_grid import shape_grid

# Status tokens in the order the overview lists them, with their words.
STATUSES = {
    "pass": "通过", "warning": "警告", "error": "错误", "draft": "草稿", "missing": "缺失", "late": "逾期",
}
# A report is due by 31 January of the year after its report year (条例第五十条).
DUE_MONTH_DAY = (1, 31)


# -- facts kept per report ------------------------------------------------------------------

def total_paths(kind, table: str) -> list[tuple]:
    """The figure paths of a summed table, in the order of its grid's value cells."""
    memo = kind.compiled.setdefault("overview-paths", {})
    if table not in memo:
        shape = shape_grid(kind.index, table)
        memo[table] = [cell.path for row in shape.body_rows for cell in row if cell.role == "value"]
    return memo[table]


def _by_row(kind, table: str) -> tuple[list[tuple], list[tuple[int, Any]]]:
    """`total_paths` as the rows that hold the figures (each walked to once a report) and,
    in the same order, (row number, key) of each figure."""
    memo = kind.compiled.setdefault("overview-rows", {})
    if table not in memo:
        rows: dict[tuple, int] = {}
        cells = [(rows.setdefault(path[:-1], len(rows)), path[-1]) for path in total_paths(kind, table)]
        memo[table] = (list(rows), cells)
    return memo[table]


def _measures(kind) -> dict[str, Any]:
    memo = kind.compiled.get("overview-measures")
    if memo is None:
        memo = kind.compiled["overview-measures"] = {
            key: compiled(parse(str(spec["expr"]), "number"))
            for key, spec in (kind.overview.get("measures") or {}).items()
        }
    return memo


def plain_number(value: Any) -> int | str | None:
    """A figure as the state file keeps it: int, or exact decimal text; None when unknown."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (Decimal, float)):
        exact = Decimal(repr(value)) if isinstance(value, float) else value
        return int(exact) if exact == exact.to_integral_value() else str(exact)
    return None


def as_number(value: int | str | None) -> int | Decimal | None:
    return Decimal(value) if isinstance(value, str) else value


def report_facts(kind, data: dict) -> dict[str, Any]:
    """Name (kind.yaml `overview.name`, by default agency.name), publication date, draft or
    not, measures and summed-table figures of one derived report."""
    name: Any = data
    for step in str(kind.overview.get("name", "agency.name")).split("."):
        name = name.get(step) if isinstance(name, dict) else None
    facts: dict[str, Any] = {
        "agency_name": name if isinstance(name, str) else "",
        "published": str(data.get("published") or ""),
        "draft": data.get("status") == "draft",
        "measures": {},
        "figures": {},
    }
    if not kind.overview:
        return facts
    roots = {"data": data, "prev": None, "kind": {}}
    for key, evaluate in _measures(kind).items():
        try:
            facts["measures"][key] = plain_number(evaluate(roots, None))
        except (Missing, DivisionByZero, TypeError, ArithmeticError):
            facts["measures"][key] = None  # unknown (a draft's null figure): drawn as a gap
    for table in kind.overview.get("totals") or ():
        rows, cells = _by_row(kind, table)
        containers = []
        for path in rows:
            node: Any = data
            for step in path:
                node = node.get(step) if isinstance(node, dict) else None  # not there: an optional row
            containers.append(node if isinstance(node, dict) else {})
        values = []
        for row, key in cells:
            node = containers[row].get(key)
            # Nearly every figure is a whole number, kept as it is (a table has hundreds).
            values.append(node if type(node) is int else plain_number(node))
        facts["figures"][table] = values
    return facts


# -- the overview's model -------------------------------------------------------------------

@dataclass
class Entry:
    """One agency in one report year: its report, or the lack of one."""

    agency: str
    name: str
    year: int
    summary: Any = None           # the build's Summary; None when the report is missing
    statuses: list[str] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # findings by class (文件, 勾稽关系, …)

    @property
    def final(self) -> bool:
        """Counted in region totals: present, not a draft, no errors."""
        return self.summary is not None and not ({"error", "draft", "missing"} & set(self.statuses))

    def measure(self, key: str):
        if self.summary is None:
            return None
        return as_number(self.summary.measures.get(key))


@dataclass
class Region:
    """The totals of one report year over every final report of one kind."""

    kind_id: str
    tables: dict[str, dict]        # table key → nested data holding the summed figures
    included: int                  # final reports summed
    of: int                        # reports of that kind and year


@dataclass
class YearView:
    year: int
    entries: list[Entry]
    regions: list[Region]

    def count(self, status: str) -> int:
        return sum(status in e.statuses for e in self.entries)

    @property
    def included(self) -> int:
        return sum(r.included for r in self.regions)


@dataclass
class AgencyView:
    agency: str
    name: str
    entries: list[Entry]           # oldest year first, missing years included


@dataclass
class Overview:
    years: list[YearView]          # newest first
    agencies: list[AgencyView]     # by id
    measures: dict[str, str]       # measure id → label, in the kinds' order
    charts: list[dict]             # the kinds' chart specs, first kind to name a title wins
    kinds: dict[str, Any] = field(default_factory=dict)

    def region_measure(self, year: int, key: str):
        """A measure summed over the year's final reports (None when none has it)."""
        view = next((v for v in self.years if v.year == year), None)
        values = [e.measure(key) for e in view.entries if e.final] if view else []
        known = [v for v in values if v is not None]
        return sum(known) if known else None


def is_late(published: str, year: int) -> bool:
    try:
        day = _dt.date.fromisoformat(published[:10])
    except ValueError:
        return False  # no usable date: the schema has already said so
    return day > _dt.date(year + 1, *DUE_MONTH_DAY)


def report_statuses(summary) -> list[str]:
    if summary.status == "errors":
        tokens = ["error"]
    elif summary.draft:
        tokens = ["draft"]
    else:
        tokens = ["warning" if summary.status == "warnings" else "pass"]
    if not summary.draft and summary.year is not None and is_late(summary.published, summary.year):
        tokens.append("late")
    return tokens


def _entry(summary, name: str) -> Entry:
    classes: dict[str, int] = defaultdict(int)
    errors = warnings = 0
    for d in summary.diagnostics:
        errors += d.severity == ERROR
        warnings += d.severity == WARNING
        if d.severity in (ERROR, WARNING):
            classes[code_class(d.code)] += 1
    return Entry(summary.agency, name, summary.year, summary, report_statuses(summary), errors, warnings, dict(classes))


def _region(kind, year: int, entries: list[Entry]) -> Region:
    tables: dict[str, dict] = {}
    final = [e for e in entries if e.final]
    for table in kind.overview.get("totals") or ():
        paths = total_paths(kind, table)
        rows = [e.summary.figures.get(table) or [] for e in final]
        try:
            # Nearly always every figure is a whole number: the columns summed in C. A gap
            # (None) or a decimal (its text) makes `sum` raise, and the loop below decides.
            if any(len(row) != len(paths) for row in rows):
                raise TypeError
            sums: list[int | Decimal] = [sum(column) for column in zip(*rows)] if rows else [0] * len(paths)
        except TypeError:
            sums = [0] * len(paths)
            for values in rows:
                for i, value in enumerate(values[: len(paths)]):
                    if type(value) is int:
                        sums[i] += value
                    elif (number := as_number(value)) is not None:
                        sums[i] += number
        data: dict = {}
        for path, value in zip(paths, sums):
            node = data
            for step in path[:-1]:
                node = node.setdefault(step, {})
            node[path[-1]] = value
        tables[table] = data
    return Region(kind.id, tables, len(final), len(entries))


def overview_of(summaries: list, kinds) -> Overview:
    """The overview of every report the build knows. `kinds` is the project's KindRegistry."""
    by_agency: dict[str, dict[int, Any]] = defaultdict(dict)
    names: dict[str, str] = {}
    for s in sorted(summaries, key=lambda s: (s.agency, s.year or 0, s.file)):
        if s.year is None:
            continue  # a file whose year cannot be told: its findings say why
        by_agency[s.agency][s.year] = s
        if s.agency_name:
            names[s.agency] = s.agency_name  # the newest report's name wins
    if not by_agency:
        return Overview([], [], {}, [])
    latest = max(year for years in by_agency.values() for year in years)
    per_year: dict[int, list[Entry]] = defaultdict(list)
    agencies = []
    for agency in sorted(by_agency):
        years = by_agency[agency]
        name = names.get(agency, agency)
        # Every year from the agency's first report up to the latest report year of the
        # project is expected: a gap, or a year after its last report, is 缺失.
        entries = []
        for year in range(min(years), latest + 1):
            summary = years.get(year)
            entry = _entry(summary, name) if summary else Entry(agency, name, year, None, ["missing"])
            entries.append(entry)
            per_year[year].append(entry)
        agencies.append(AgencyView(agency, name, entries))
    used_kinds: dict[str, Any] = {}
    for s in summaries:
        if s.kind_id and s.kind_id not in used_kinds:
            kind = kinds.get(s.kind_id)
            if kind is not None:
                used_kinds[s.kind_id] = kind
    views = []
    for year in sorted(per_year, reverse=True):
        entries = per_year[year]
        regions = []
        for kind_id, kind in sorted(used_kinds.items()):
            of_kind = [e for e in entries if e.summary is not None and e.summary.kind_id == kind_id]
            if of_kind and kind.overview.get("totals"):
                regions.append(_region(kind, year, of_kind))
        views.append(YearView(year, entries, regions))
    measures: dict[str, str] = {}
    charts: list[dict] = []
    # Newest kind first: its labels and charts are the ones people know today.
    for kind in sorted(used_kinds.values(), key=lambda k: k.first_year, reverse=True):
        for key, spec in (kind.overview.get("measures") or {}).items():
            measures.setdefault(key, str(spec.get("label", key)))
        for chart in kind.overview.get("charts") or ():
            if all(c["title"] != chart["title"] for c in charts):
                charts.append(dict(chart))
    return Overview(views, agencies, measures, charts, used_kinds)
