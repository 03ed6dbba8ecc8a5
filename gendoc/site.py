"""build/index.html: every agency and year, with a link to its report and its status."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from gendoc.diagnostics import count_by_severity
from gendoc.pipeline import ReportResult

STATUS_WORDS = {"clean": "通过", "warnings": "有警告", "errors": "有错误"}


def index_entries(results: list[ReportResult], out_dir: Path) -> list[dict]:
    """One entry per agency (sorted by id), its years newest first."""
    by_agency: dict[str, list[ReportResult]] = defaultdict(list)
    for result in results:
        by_agency[result.agency].append(result)
    entries = []
    for agency in sorted(by_agency):
        rows = []
        name = agency
        for result in sorted(by_agency[agency], key=lambda r: (r.year or 0, r.file), reverse=True):
            if result.report is not None:
                name = result.report.data.get("agency", {}).get("name", name)
            html = out_dir / agency / f"{result.year}.html"
            counts = count_by_severity(result.diagnostics)
            rows.append({
                "year": result.year,
                "kind": result.kind.title if result.kind else "",
                "status": result.status,
                "status_text": STATUS_WORDS[result.status],
                "errors": counts["error"],
                "warnings": counts["warning"],
                "html": f"{agency}/{result.year}.html" if html.exists() else None,
                "md": f"{agency}/{result.year}.md" if html.with_suffix(".md").exists() else None,
                "stale": result.status == "errors" and html.exists(),
            })
        entries.append({"id": agency, "name": name, "years": rows})
    return entries


def render_index(results: list[ReportResult], out_dir: Path, templates_dir: Path) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(templates_dir / "common")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env.get_template("index.html.j2").render(agencies=index_entries(results, out_dir))
