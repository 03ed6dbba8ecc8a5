"""The overview pages: build/index.html, build/index-<year>.html and build/<agency>/index.html.

`index.html` is the landing page: the region's charts over the years, the years at a glance,
and the newest year in full; `index-<year>.html` is one report year (every agency with its
status and findings, filters, the region's totals of the kind's summed tables in the official
layout); `<agency>/index.html` puts an agency's years side by side with their changes.

Every link is built from path segments, each percent-encoded (`href`): an agency folder named
`javascript:…`, `dept#1` or `q?x=1` is a plain relative link to its own folder. The pages are
worked out from the build's summaries (gendoc/build/overview_data.py), written only when
their text changed, and a page gendoc wrote and no longer produces is removed.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from jinja2 import TemplateError

from gendoc.build.atomic_write import write_if_changed
from gendoc.build.overview_data import (STATUSES, AgencyView, Entry, Overview, YearView, as_number, overview_of,
                                        report_statuses)
from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.render.charts import CHARTS, Series
from gendoc.render.filters import num, pct, signed
from gendoc.render.table_grid import build_grid
from gendoc.render.template_errors import classify, located_failure

MANIFEST = ".gendoc-overview.json"
# One stylesheet for every overview page: inlined, its ~25 KB were repeated in each of the
# thousands of agency pages of a large region (125 MB of CSS at 5,000 agencies).
STYLESHEET = "gendoc-overview.css"
FORMAT_LABELS = {"html": "HTML", "md": "Markdown", "docx": "Word", "pdf": "PDF"}


def href(*segments: str) -> str:
    """A relative link from path segments, each percent-encoded: no segment can become a
    scheme (`javascript:`), a query (`?`), a fragment (`#`) or a further folder (`/`)."""
    return "/".join(map(_encoded, segments))


@lru_cache(maxsize=8192)
def _encoded(segment: str) -> str:
    """One segment percent-encoded: an agency's folder is in a dozen links of a build."""
    return quote(str(segment), safe="")


def year_page(year: int) -> str:
    return f"index-{year}.html"


def agency_page(agency: str) -> tuple[str, ...]:
    return (agency, "index.html")


# -- context for the templates ----------------------------------------------------------------

@dataclass(slots=True)
class _Row:
    """One report (or its absence) as a year page's row and an agency page's column. Read as
    attributes: a template's `r.name` on a dict is a failed attribute lookup first, and the
    pages of 1,000 reports make a hundred thousand of them."""

    agency: str
    name: str
    year: int
    agency_href: str
    statuses: list[tuple[str, str]]
    errors: int
    warnings: int
    classes: str
    kind: str
    links: list[tuple[str, str]]
    stale: bool


def _row(entry: Entry, base: str, present: Callable[[str, str], bool]) -> _Row:
    s = entry.summary
    links, stale = [], False
    if s is not None:
        for fmt in s.outputs:
            name = f"{entry.year}.{fmt}"
            if present(entry.agency, name):
                links.append((FORMAT_LABELS.get(fmt, fmt.upper()), base + href(entry.agency, name)))
        stale = bool(links) and "error" in entry.statuses
    return _Row(
        entry.agency, entry.name, entry.year, base + href(*agency_page(entry.agency)),
        [(t, STATUSES[t]) for t in entry.statuses], entry.errors, entry.warnings,
        "，".join(f"{name} {n}" for name, n in sorted(entry.classes.items(), key=lambda kv: -kv[1]))
        if entry.classes else "",
        s.kind_title if s is not None else "", links, stale,
    )


def _change(value, before) -> str:
    if value is None or before is None:
        return ""
    diff = value - before
    text = f"{signed(diff)}"
    if before:
        share = pct(diff, before)
        text += f"（{share if share.startswith('-') else '+' + share}）" if diff else ""
    return text


def _charts(overview: Overview, prefix: str, categories: list[str],
            values_of: Callable[[str], list]) -> list[tuple[str, str]]:
    """Every chart of the kinds, over `categories`; `values_of(measure)` gives its figure in
    each category."""
    out = []
    for n, chart in enumerate(overview.charts):
        draw = CHARTS.get(str(chart.get("type")))
        keys = [k for k in chart.get("measures", ()) if k in overview.measures]
        if draw is None or not keys or not categories:
            continue
        series = [Series(overview.measures[k], values_of(k)) for k in keys]
        if all(v is None for s in series for v in s.values):
            continue  # none of these reports has the figures (another kind's chart)
        title = str(chart["title"])
        out.append((title, draw(f"{prefix}-chart-{n + 1}", title, categories, series, chart.get("unit", "件"))))
    return out


def _years_table(overview: Overview, base: str) -> list[dict]:
    return [{
        "year": v.year, "href": base + year_page(v.year), "agencies": len(v.entries),
        "counts": [(t, word, v.count(t)) for t, word in STATUSES.items()],
        "included": v.included,
    } for v in overview.years]


def _region_tables(overview: Overview, view: YearView, render_grid) -> list[dict]:
    out = []
    for region in view.regions:
        kind = overview.kinds[region.kind_id]
        grids = [render_grid(build_grid(kind.index, data, table)) for table, data in region.tables.items()]
        out.append({"kind": kind.title, "included": region.included, "of": region.of, "grids": grids})
    return out


class _Pages:
    def __init__(self, overview: Overview, templates_dir: Path, out_dir: Path):
        from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

        from gendoc.render.engine import bytecode_cache

        self.overview = overview
        self.out_dir = out_dir
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(templates_dir / "overview")),
                                 FileSystemLoader(str(templates_dir / "common"))]),
            autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, bytecode_cache=bytecode_cache(templates_dir.parent))
        self.grid_table = getattr(self.env.get_template("tables.html.j2").module, "grid_table")
        for name in ("year.html.j2", "agency.html.j2"):  # loaded here, before renderers fork
            self.env.get_template(name)
        self.years_table = {base: _years_table(overview, base) for base in ("", "../")}
        self.year_views = {v.year: v for v in overview.years}
        self.agency_views = {v.agency: v for v in overview.agencies}
        self._present: dict[tuple[str, str], bool] = {}
        self._year_parts: dict[int, tuple[list[_Row], list[dict]]] = {}

    def present(self, agency: str, name: str) -> bool:
        """Whether the output is in the folder (linked only then), looked at once per
        output: a report is listed on its year's page, its agency's and the landing page."""
        known = self._present.get((agency, name))
        if known is None:
            known = self._present[(agency, name)] = os.path.exists(os.path.join(self.out_dir, agency, name))
        return known

    def stylesheet(self) -> str:
        """The reports' own stylesheet (one font stack for every page gendoc writes) and the
        overview's additions."""
        return "".join(self.env.get_template(name).render() for name in ("report.css", "overview.css"))

    def year(self, view: YearView, landing: bool) -> str:
        ov = self.overview
        charts: list[tuple[str, str]] = []
        if landing:
            years = sorted(v.year for v in ov.years)
            charts = _charts(ov, "region", [f"{y}年" for y in years],
                             lambda k: [ov.region_measure(y, k) for y in years])
        # The landing page shows the newest year as its year page does: worked out once.
        if view.year not in self._year_parts:
            self._year_parts[view.year] = ([_row(e, "", self.present) for e in view.entries],
                                           _region_tables(ov, view, self.grid_table))
        rows, regions = self._year_parts[view.year]
        return self.env.get_template("year.html.j2").render(
            base="", landing=landing, view=view, years=self.years_table[""], rows=rows,
            statuses=[(t, word, view.count(t)) for t, word in STATUSES.items()],
            regions=regions, charts=charts,
            this_page="index.html" if landing else year_page(view.year),
        )

    def agency(self, view: AgencyView) -> str:
        ov = self.overview
        entries = view.entries
        shown = [e for e in entries if e.summary is not None and "error" not in e.statuses]
        charts = _charts(ov, "agency", [f"{e.year}年" for e in shown], lambda k: [e.measure(k) for e in shown])
        # Each measure's row: (label, [(figure or "—", change on the year before or "")]), the
        # text worked out here in one pass (the template only places it).
        figures = [None if e.summary is None else e.summary.measures for e in entries]
        measures = []
        for key, label in ov.measures.items():
            cells, before, known = [], None, False
            for of_year in figures:
                value = None if of_year is None else of_year.get(key)
                if type(value) is str:
                    value = as_number(value)  # a decimal figure, kept as its exact text
                if value is None:
                    cells.append(("—", ""))
                else:
                    known = True
                    cells.append((num(value), _change(value, before)))
                before = value if of_year is not None else before
            if known:
                measures.append((label, cells))
        return self.env.get_template("agency.html.j2").render(
            base="../", view=view, years=self.years_table["../"],
            columns=[_row(e, "../", self.present) for e in entries], measures=measures, charts=charts,
        )


def _shared_digest(summaries: list, templates_dir: Path) -> str:
    """What every page depends on: the code, the templates, the report years and kinds."""
    from gendoc.build.incremental import code_digest

    h = hashlib.sha256(code_digest().encode())
    for folder in ("overview", "common"):
        for path in sorted((templates_dir / folder).rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(templates_dir)).encode() + path.read_bytes())
    h.update(json.dumps(sorted({(s.year or 0, s.kind_id or "") for s in summaries})).encode())
    return h.hexdigest()


# json.dumps(..., ensure_ascii=False) without building an encoder for each of the thousands
# of reports: the same text.
_as_json = json.JSONEncoder(ensure_ascii=False).encode


def _shown(s) -> bytes:
    """What a page shows of a report by default: its fingerprints (content, kind, code),
    findings and outputs."""
    return _as_json([s.file, s.fingerprint, s.status, sorted(s.outputs), s.agency_name]).encode()


def _digest(shared: str, summaries: list, shown: Callable[[Any], bytes] = _shown) -> str:
    """What a page shows of `summaries` (`shown` of each), after `shared`."""
    h = hashlib.sha256(shared.encode())
    for s in sorted(summaries, key=lambda s: s.file):
        h.update(shown(s))
    return h.hexdigest()


def _years_digest(summaries: list) -> str:
    """What every year page shows of every report, beyond its own year's: each agency's name
    (the newest report's), the years it has reports for (the others are listed as missing)
    and each report's statuses (the table of years). A report whose figures or text change
    but not its status leaves the other years' pages as they were."""
    return _digest("", summaries, lambda s: _as_json([s.file, s.agency, s.year, s.agency_name,
                                                      report_statuses(s)]).encode())


def overview_pages(summaries: list, kinds, templates_dir: Path, out_dir: Path,
                   known: dict[str, str] | None = None) -> dict[str, tuple[str, str | None]]:
    """Every overview page: relative output path → (digest of what it shows, HTML). A page whose
    digest is the one in `known` (the last build's) is not rendered again: its HTML is None."""
    return {rel: (digest, None if render is None else render())
            for rel, digest, render in _planned_pages(summaries, kinds, templates_dir, out_dir, known)}


def _planned_pages(summaries: list, kinds, templates_dir: Path, out_dir: Path,
                   known: dict[str, str] | None = None) -> list[tuple[str, str, Callable[..., str] | None]]:
    """Every overview page as (relative output path, digest, how to render it — None when
    the page is the one the last build wrote)."""
    known = known or {}
    shared = _shared_digest(summaries, templates_dir)
    # Each report is in the landing page's digest, its year's and its agency's: its part
    # of them worked out once.
    shown_once = {id(s): _shown(s) for s in summaries}

    def shown(s) -> bytes:
        return shown_once[id(s)]

    everything = _digest(shared, summaries, shown)
    by_agency: dict[str, list] = {}
    for s in summaries:
        if s.year is not None:
            by_agency.setdefault(s.agency, []).append(s)
    built: list = []  # the overview and its renderer, worked out only when a page needs them

    def pages() -> _Pages:
        if not built:
            built.append(_Pages(overview_of(summaries, kinds), templates_dir, out_dir))
        return built[0]

    out: list[tuple[str, str, Callable[..., str] | None]] = []

    def page(rel: str, digest: str, render: Callable[..., str]) -> None:
        out.append((rel, digest, None if known.get(rel) == digest else render))

    page(STYLESHEET, shared, lambda: pages().stylesheet())
    if not by_agency:
        page("index.html", everything, lambda: pages().env.get_template("empty.html.j2").render(base="", years=[]))
        return out
    years = [s.year for group in by_agency.values() for s in group]
    by_year: dict[int, list] = {}
    for group in by_agency.values():
        for s in group:
            by_year.setdefault(s.year, []).append(s)
    # Every year from the first report to the newest has its page (overview_data.overview_of).
    page("index.html", everything, lambda: pages().year(pages().overview.years[0], landing=True))
    every_year = shared + _years_digest(summaries)
    for year in range(max(years), min(years) - 1, -1):
        page(year_page(year), _digest(every_year, by_year.get(year, []), shown),
             lambda year=year: pages().year(pages().year_views[year], landing=False))
    for agency in sorted(by_agency):
        page("/".join(agency_page(agency)), _digest(shared, by_agency[agency], shown),
             lambda agency=agency: pages().agency(pages().agency_views[agency]))
    if any(render is not None for rel, _, render in out if rel != STYLESHEET):
        pages()  # worked out here, once, rather than in each process that renders pages
    return out


# Below this much work, starting processes costs more than it saves: 48 agency pages' worth.
# A year page (and the landing page) lists every agency, a row costing about a tenth of an
# agency page: at 250 agencies one year page weighs as much as 25 agency pages.
PARALLEL_PAGES = 48
YEAR_ROWS_PER_PAGE = 10
_TO_RENDER: list[tuple[str, Path, Callable[..., str]]] = []  # what forked renderers inherit


def _render_and_write(share: int, shares: int) -> list[tuple[str, Diagnostic | None]]:
    """Render and write every `shares`-th page from `share` on: (page, finding or None)."""
    done: list[tuple[str, Diagnostic | None]] = []
    for rel, target, render in _TO_RENDER[share::shares]:
        try:
            write_if_changed(target, render())
            done.append((rel, None))
        except OSError as exc:
            done.append((rel, Diagnostic(ERROR, "F005", {"target": str(target), "reason": exc.strerror or str(exc)},
                                         str(target))))
        except TemplateError as exc:  # a project's overview template edited wrong: its line, not a traceback
            done.append((rel, _template_problem(exc)))
    return done


def _template_problem(exc: TemplateError) -> Diagnostic:
    """The failure of an overview template, at the innermost template line it passed."""
    located = located_failure(exc, {}, lambda filename: filename.endswith(".j2"))
    if located is not None:
        return located
    code, params = classify(exc, {})
    return Diagnostic(ERROR, code, params, "templates/overview")


def _render_all(jobs: int, weight: float) -> list[tuple[str, Diagnostic | None]]:
    """Every page of `_TO_RENDER`, on `jobs` cores: forked processes inherit the overview
    already worked out (nothing is pickled but the findings), this one renders a share too.
    `weight`: the work, in agency pages (`_weight`)."""
    if jobs <= 1 or weight < PARALLEL_PAGES or not hasattr(os, "fork"):
        return _render_and_write(0, 1)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context("fork")) as pool:
        others = [pool.submit(_render_and_write, share, jobs) for share in range(1, jobs)]
        done = _render_and_write(0, jobs)
        for share, future in enumerate(others, 1):
            try:
                done += future.result()
            except BrokenProcessPool:  # a renderer was killed: its pages are rendered here
                done += _render_and_write(share, jobs)
    return done


def _weight(to_render: list[str], planned: list) -> float:
    """The work of rendering these pages, in agency pages: a year page or the landing page
    lists every agency (after one agency's name changed, every year page is rendered again)."""
    agencies = sum(1 for rel, _, _ in planned if rel.endswith("/index.html"))
    lists = sum(1 for rel in to_render if "/" not in rel and rel.endswith(".html"))
    return len(to_render) - lists + lists * max(1.0, agencies / YEAR_ROWS_PER_PAGE)


def write_overview(summaries: list, kinds, templates_dir: Path, out_dir: Path, jobs: int = 1) -> list[Diagnostic]:
    """Write the overview pages whose content changed (one report's change re-renders its
    agency's page, its year's page and the landing page, not the thousands of others); remove
    the pages gendoc wrote before and no longer produces. Failures to write are findings.
    `jobs` > 1 renders many pages on that many cores (forked: not from a threaded server)."""
    manifest_path = out_dir / MANIFEST
    try:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
        known = {rel: digest for rel, digest in old["pages"].items()
                 if isinstance(rel, str) and isinstance(digest, str) and (out_dir / rel).is_file()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        known = {}
    try:
        planned = _planned_pages(summaries, kinds, templates_dir, out_dir, known)
    except TemplateError as exc:  # a template that does not compile: nothing is written
        return [_template_problem(exc)]
    pages = {rel: digest for rel, digest, _ in planned}
    _TO_RENDER[:] = [(rel, out_dir / rel, render) for rel, _, render in planned if render is not None]
    try:
        done = _render_all(jobs, _weight([rel for rel, _, _ in _TO_RENDER], planned))
    finally:
        _TO_RENDER.clear()
    problems = []
    for rel, problem in done:
        if problem is not None:
            problems.append(problem)
            known.pop(rel, None)
    for rel in known:
        if rel not in pages and not os.path.isabs(rel) and ".." not in Path(rel).parts:
            target = out_dir / rel
            try:
                target.unlink()
                if target.parent != out_dir and not any(target.parent.iterdir()):
                    target.parent.rmdir()
            except OSError:
                pass  # already gone, or the folder holds other files: nothing to do
    written = {rel: digest for rel, digest in pages.items()
               if not any(p.params.get("target") == str(out_dir / rel) for p in problems)}
    try:
        write_if_changed(manifest_path, json.dumps({"pages": written}, ensure_ascii=False, sort_keys=True))
    except OSError as exc:
        problems.append(Diagnostic(ERROR, "F005", {"target": str(manifest_path), "reason": exc.strerror or str(exc)},
                                   str(manifest_path)))
    return problems
