"""build/index.html: every agency and year, with a link to its report and its status."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from gendoc.diagnostics import count_by_severity

STATUS_WORDS = {"clean": "通过", "warnings": "有警告", "errors": "有错误"}


def index_entries(summaries: list, out_dir: Path) -> list[dict]:
    """One entry per agency (sorted by id), its years newest first."""
    by_agency: dict[str, list] = defaultdict(list)
    for summary in summaries:
        by_agency[summary.agency].append(summary)
    entries = []
    for agency in sorted(by_agency):
        rows = []
        name = agency
        for summary in sorted(by_agency[agency], key=lambda s: (s.year or 0, s.file), reverse=True):
            name = summary.agency_name or name if name == agency else name
            html = out_dir / agency / f"{summary.year}.html"
            counts = count_by_severity(summary.diagnostics)
            rows.append({
                "year": summary.year if summary.year is not None else Path(summary.file).stem,
                "kind": summary.kind_title,
                "status": summary.status,
                "status_text": STATUS_WORDS[summary.status],
                "errors": counts["error"],
                "warnings": counts["warning"],
                "html": f"{agency}/{summary.year}.html" if html.exists() else None,
                "md": f"{agency}/{summary.year}.md" if html.with_suffix(".md").exists() else None,
                "stale": summary.status == "errors" and html.exists(),
            })
        entries.append({"id": agency, "name": name, "years": rows})
    return entries


def render_index(summaries: list, out_dir: Path, templates_dir: Path) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from gendoc.render.engine import bytecode_cache

    env = Environment(loader=FileSystemLoader(str(templates_dir / "common")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      bytecode_cache=bytecode_cache(templates_dir.parent))
    return env.get_template("index.html.j2").render(agencies=index_entries(summaries, out_dir))
