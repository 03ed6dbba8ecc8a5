"""The overview at scale: 5,000 agencies × 5 years, drawn from the summaries a build keeps.

The overview is made from the build's per-report summaries alone (never from the reports), so
its cost is measured on summaries: the facts of one real derived report (the sample agency's
2022 report), varied per agency and year, with some reports missing, late, with warnings or
errors. Printed: the time `write_overview` takes (every page rendered and written into an
empty folder), the size of the pages, and — when headless Chromium is installed — how long
the browser takes to load and lay out the largest pages.

    python -m bench.overview [AGENCIES] [YEARS]
"""
from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def summaries(agencies: int, years: int) -> tuple[list, object]:
    from gendoc.build.incremental import Summary
    from gendoc.build.overview_data import report_facts
    from gendoc.build.project import Project
    from gendoc.diagnostics import ERROR, WARNING, Diagnostic

    project = Project(ROOT)
    result = project.validate(ROOT / "reports" / "sample-bureau" / "2022.yaml")
    facts = report_facts(result.kind, result.report.data)
    rng = random.Random(14)
    out = []
    first = 2025 - years + 1
    for a in range(agencies):
        agency = f"agency-{a:05d}"
        for year in range(first, 2026):
            roll = rng.random()
            if roll < 0.02:
                continue  # missing
            scale = rng.randint(1, 9)
            figures = {t: [v * scale if isinstance(v, int) else v for v in values]
                       for t, values in facts["figures"].items()}
            measures = {k: v * scale if isinstance(v, int) else v for k, v in facts["measures"].items()}
            found = []
            if roll > 0.97:
                found = [Diagnostic(ERROR, "T3-1", {}, f"reports/{agency}/{year}.yaml", 104, 27)]
            elif roll > 0.90:
                found = [Diagnostic(WARNING, "N003", {"figure": "10"}, f"reports/{agency}/{year}.yaml", 40, 3)]
            published = f"{year + 1}-01-{rng.randint(5, 31):02d}" if roll < 0.95 else f"{year + 1}-02-15"
            out.append(Summary(
                file=f"reports/{agency}/{year}.yaml", agency=agency, year=year, kind_id=result.kind.id,
                kind_title=result.kind.title, agency_name=f"合成区第{a}局", fingerprint=f"{a}-{year}",
                outputs={"html": f"{agency}/{year}.html", "md": f"{agency}/{year}.md"},
                diagnostics=found, published=published, draft=False, measures=measures, figures=figures))
    return out, project.kinds


def browser_load_seconds(page: Path) -> float | None:
    try:
        sys.path.insert(0, str(ROOT))
        from tests.browser import chromium
    except ImportError:
        return None
    try:
        with chromium() as web:
            web.get(page.as_uri())
            return web.execute_script(
                "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd / 1000;")
    except BaseException:  # no browser here: the figure is left out
        return None


def measure(agencies: int = 5000, years: int = 5) -> dict[str, float]:
    from gendoc.build.overview_pages import write_overview

    made, kinds = summaries(agencies, years)
    work = Path(tempfile.mkdtemp(prefix="gendoc-overview-"))
    try:
        started = time.perf_counter()
        problems = write_overview(made, kinds, ROOT / "templates", work)
        seconds = time.perf_counter() - started
        assert not problems, problems
        # One report changed (a new fingerprint): its agency's page, its year's and the landing
        # page are rendered again, not the thousands of others.
        made[len(made) // 2] = replace(made[len(made) // 2], fingerprint="changed")
        again = time.perf_counter()
        assert not write_overview(made, kinds, ROOT / "templates", work)
        one = time.perf_counter() - again
        pages = list(work.rglob("*.html"))
        year_page = max(work.glob("index-*.html"), key=lambda p: p.stat().st_size)
        return {
            "reports": len(made), "seconds": seconds, "one": one, "pages": len(pages),
            "index_kb": (work / "index.html").stat().st_size / 1024,
            "year_kb": year_page.stat().st_size / 1024,
            "agency_kb": (work / "agency-00000" / "index.html").stat().st_size / 1024,
            "total_mb": sum(p.stat().st_size for p in pages) / 1024 / 1024,
            "index_load": browser_load_seconds(work / "index.html"),
            "year_load": browser_load_seconds(year_page),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def rows(agencies: int = 5000, years: int = 5) -> list[tuple[str, str]]:
    """(measurement, figure) rows for `make bench`'s table."""
    f = measure(agencies, years)
    load = (lambda v: "— (no Chromium)" if v is None else f"{v:.2f} s")
    at = f"overview of {agencies:,} agencies × {years} years"
    return [
        (f"{at} ({f['reports']:,} reports, {f['pages']:,} pages): every page rendered and written "
         "(`write_overview`, empty folder)", f"{f['seconds']:.2f} s"),
        (f"{at}: again after one report changed", f"{f['one']:.2f} s"),
        (f"{at}: `index.html` (newest year in full, charts, years)", f"{f['index_kb']:,.0f} KB"),
        (f"{at}: largest `index-<year>.html`", f"{f['year_kb']:,.0f} KB"),
        (f"{at}: one agency page", f"{f['agency_kb']:,.1f} KB"),
        (f"{at}: all overview pages", f"{f['total_mb']:,.1f} MB"),
        (f"{at}: `index.html` loaded in headless Chromium (load event)", load(f["index_load"])),
        (f"{at}: largest year page loaded in headless Chromium (load event)", load(f["year_load"])),
    ]


def table(agencies: int = 5000, years: int = 5) -> list[str]:
    return ["| measurement | figure |", "|---|---|"] + [f"| {what} | {value} |" for what, value in rows(agencies, years)]


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print("\n".join(table(*args)))
