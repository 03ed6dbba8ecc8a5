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
from pathlib import Path
from typing import Any
from urllib.parse import quote

from gendoc.build.atomic_write import write_if_changed
from gendoc.build.overview_data import STATUSES, AgencyView, Entry, Overview, YearView, overview_of
from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.render.charts import CHARTS, Series
from gendoc.render.filters import num, pct, signed
from gendoc.render.table_grid import build_grid

MANIFEST = ".gendoc-overview.json"
FORMAT_LABELS = {"html": "HTML", "md": "Markdown", "docx": "Word", "pdf": "PDF"}


def href(*segments: str) -> str:
    """A relative link from path segments, each percent-encoded: no segment can become a
    scheme (`javascript:`), a query (`?`), a fragment (`#`) or a further folder (`/`)."""
    return "/".join(quote(str(s), safe="") for s in segments)


def year_page(year: int) -> str:
    return f"index-{year}.html"


def agency_page(agency: str) -> tuple[str, ...]:
    return (agency, "index.html")


# -- context for the templates ----------------------------------------------------------------

def _row(entry: Entry, base: str, out_dir: Path) -> dict[str, Any]:
    s = entry.summary
    links, stale = [], False
    if s is not None:
        for fmt in s.outputs:
            name = f"{entry.year}.{fmt}"
            if (out_dir / entry.agency / name).exists():
                links.append((FORMAT_LABELS.get(fmt, fmt.upper()), base + href(entry.agency, name)))
        stale = bool(links) and "error" in entry.statuses
    return {
        "agency": entry.agency, "name": entry.name, "year": entry.year,
        "agency_href": base + href(*agency_page(entry.agency)),
        "statuses": [(t, STATUSES[t]) for t in entry.statuses],
        "errors": entry.errors, "warnings": entry.warnings,
        "classes": "，".join(f"{name} {n}" for name, n in sorted(entry.classes.items(), key=lambda kv: -kv[1])),
        "kind": s.kind_title if s is not None else "",
        "links": links, "stale": stale,
    }


def _change(value, before) -> str:
    if value is None or before is None:
        return ""
    diff = value - before
    text = f"{signed(diff)}"
    if before:
        share = pct(diff, before)
        text += f"（{share if share.startswith('-') else '+' + share}）" if diff else ""
    return text


def _charts(overview: Overview, prefix: str, categories: list[str], value_of) -> list[tuple[str, str]]:
    """Every chart of the kinds, over `categories`; `value_of(index, measure)` gives a figure."""
    out = []
    for n, chart in enumerate(overview.charts):
        draw = CHARTS.get(str(chart.get("type")))
        keys = [k for k in chart.get("measures", ()) if k in overview.measures]
        if draw is None or not keys or not categories:
            continue
        series = [Series(overview.measures[k], [value_of(i, k) for i in range(len(categories))]) for k in keys]
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
        self.years_table = {base: _years_table(overview, base) for base in ("", "../")}

    def year(self, view: YearView, landing: bool) -> str:
        ov = self.overview
        charts: list[tuple[str, str]] = []
        if landing:
            years = sorted(v.year for v in ov.years)
            charts = _charts(ov, "region", [f"{y}年" for y in years],
                             lambda i, k: ov.region_measure(years[i], k))
        return self.env.get_template("year.html.j2").render(
            base="", landing=landing, view=view, years=self.years_table[""],
            rows=[_row(e, "", self.out_dir) for e in view.entries],
            statuses=[(t, word, view.count(t)) for t, word in STATUSES.items()],
            regions=_region_tables(ov, view, self.grid_table), charts=charts,
            this_page="index.html" if landing else year_page(view.year),
        )

    def agency(self, view: AgencyView) -> str:
        ov = self.overview
        entries = view.entries
        shown = [e for e in entries if e.summary is not None and "error" not in e.statuses]
        charts = _charts(ov, "agency", [f"{e.year}年" for e in shown], lambda i, k: shown[i].measure(k))
        measures = []
        for key, label in ov.measures.items():
            cells, before = [], None
            for e in entries:
                value = e.measure(key)
                cells.append({"value": "" if value is None else num(value), "change": _change(value, before)})
                before = value if e.summary is not None else before
            if any(c["value"] for c in cells):
                measures.append({"label": label, "cells": cells})
        return self.env.get_template("agency.html.j2").render(
            base="../", view=view, years=self.years_table["../"],
            columns=[_row(e, "../", self.out_dir) for e in entries], measures=measures, charts=charts,
        )


def _inputs_digest(summaries: list, templates_dir: Path) -> str:
    """What the pages depend on: every report's fingerprint and findings, the templates, the code."""
    from gendoc.build.incremental import code_digest

    h = hashlib.sha256(code_digest().encode())
    for folder in ("overview", "common"):
        for path in sorted((templates_dir / folder).rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(templates_dir)).encode() + path.read_bytes())
    for s in sorted(summaries, key=lambda s: s.file):
        h.update(json.dumps([s.file, s.fingerprint, s.status, sorted(s.outputs)], ensure_ascii=False).encode())
    return h.hexdigest()


def overview_pages(summaries: list, kinds, templates_dir: Path, out_dir: Path) -> dict[str, str]:
    """Every overview page: relative output path → HTML."""
    overview = overview_of(summaries, kinds)
    pages = _Pages(overview, templates_dir, out_dir)
    out: dict[str, str] = {}
    if not overview.years:
        out["index.html"] = pages.env.get_template("empty.html.j2").render(base="", years=[])
        return out
    out["index.html"] = pages.year(overview.years[0], landing=True)
    for view in overview.years:
        out[year_page(view.year)] = pages.year(view, landing=False)
    for agency in overview.agencies:
        out["/".join(agency_page(agency.agency))] = pages.agency(agency)
    return out


def write_overview(summaries: list, kinds, templates_dir: Path, out_dir: Path) -> list[Diagnostic]:
    """Write the overview pages (skipped when nothing they show changed); remove the ones gendoc
    wrote before and no longer produces. Failures to write are findings, never exceptions."""
    manifest_path = out_dir / MANIFEST
    try:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    digest = _inputs_digest(summaries, templates_dir)
    old_pages = old.get("pages", []) if isinstance(old, dict) else []
    if old.get("digest") == digest and all((out_dir / p).is_file() for p in old_pages):
        return []
    pages = overview_pages(summaries, kinds, templates_dir, out_dir)
    problems = []
    for rel, text in pages.items():
        target = out_dir / rel
        try:
            write_if_changed(target, text)
        except OSError as exc:
            problems.append(Diagnostic(ERROR, "F005", {"target": str(target), "reason": exc.strerror or str(exc)},
                                       str(target)))
    for rel in old_pages:
        if rel not in pages and isinstance(rel, str) and not os.path.isabs(rel) and ".." not in Path(rel).parts:
            target = out_dir / rel
            try:
                target.unlink()
                if target.parent != out_dir and not any(target.parent.iterdir()):
                    target.parent.rmdir()
            except OSError:
                pass  # already gone, or the folder holds other files: nothing to do
    if not problems:
        write_if_changed(manifest_path, json.dumps({"digest": digest, "pages": sorted(pages)}, ensure_ascii=False))
    return problems
