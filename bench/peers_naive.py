"""The straightforward Python script a team would write instead of gendoc: one of the peers
of `make bench-peers`.

For each report: PyYAML's C loader, jsonschema against its kind's schema (the validator for
the schema's draft, built once per kind), the derived figures (总计, 小计) in plain Python,
each narrative rendered by Jinja (a new template per text and report, as `from_string`
does — `--compile-once` keeps one per distinct text) with last year's report as `prev`,
then markdown-it-py, and one Jinja page with the prose and the three tables. HTML only; no
rules beyond the schema, no positions in messages, no Markdown output.

    python bench/peers_naive.py PROJECT OUT --layouts LAYOUTS.json [--jobs N] [--compile-once]

LAYOUTS.json holds each kind's section order and table layouts (bench/peers_layout.py): the
HTML of the tables written out once, as such a script's template would have it.
"""
from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import jinja2
import jsonschema
import yaml
from markdown_it import MarkdownIt
from referencing import Registry, Resource

COLUMNS = ["natural", "commercial", "research", "social", "legal", "org_other"]
PAGE = Path(__file__).resolve().parent / "peers" / "naive_page.html.j2"


def pct(part, whole, digits=1):
    if whole == 0:
        return "0%"
    value = (Decimal(str(part)) * 100 / Decimal(str(whole))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    text = format(value, "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


_percent = pct  # yoy has a parameter named pct


def yoy(current, previous, unit="", pct=False):
    diff = current - previous
    if diff == 0:
        return "持平"
    text = ("增加" if diff > 0 else "减少") + str(abs(diff)) + unit
    if pct and previous:
        text += f"（{'增长' if diff > 0 else '下降'}{_percent(abs(diff), abs(previous))}）"
    return text


def date_zh(value, fmt="ymd"):
    y, m, d = (int(part) for part in str(value).split(" ")[0].split("-"))
    return {"ymd": f"{y}年{m}月{d}日", "md": f"{m}月{d}日", "ym": f"{y}年{m}月", "y": f"{y}年"}[fmt]


def amount(value, unit=None):
    return f"{value}{unit or ''}"


def derive(report: dict) -> None:
    """Add the figures the official tables and the prose show but nobody types."""
    for node in report["table3"].values():
        if "natural" in node:
            node["total"] = sum(node[c] for c in COLUMNS)
            continue
        grand = dict.fromkeys([*COLUMNS, "total"], 0)
        for name, group in list(node.items()):
            rows = [group] if "natural" in group else list(group.values())
            subtotal = dict.fromkeys(grand, 0)
            for row in rows:
                row["total"] = sum(row[c] for c in COLUMNS)
                for column in subtotal:
                    subtotal[column] += row[column]
            node[f"{name}_total"] = subtotal
            for column in grand:
                grand[column] += subtotal[column]
        node["total"] = grand
    for row in report["table4"].values():
        row["total"] = sum(row.values())
    report["proactive"]["total"] = sum(item["count"] for item in report["proactive"]["categories"])


def lookup(data, dotted):
    for part in dotted.split("."):
        data = data[part]
    return data


class Renderer:
    def __init__(self, project: Path, layouts: dict, compile_once: bool):
        self.layouts = layouts
        self.env = jinja2.Environment(undefined=jinja2.StrictUndefined)
        self.env.filters.update(pct=pct, yoy=yoy, date_zh=date_zh, amount=amount)
        self.narrative = functools.lru_cache(maxsize=None)(self.env.from_string) if compile_once else self.env.from_string
        self.page = jinja2.Environment(loader=jinja2.FileSystemLoader(PAGE.parent), autoescape=True).get_template(PAGE.name)
        self.markdown = MarkdownIt("commonmark", {"html": False})
        schemas = project / "schemas"
        registry = Registry().with_resources(
            (path.resolve().as_uri(), Resource.from_contents(json.loads(path.read_text(encoding="utf-8"))))
            for path in schemas.rglob("*.json"))
        self.validators = {}
        for kind in layouts:
            path = schemas / kind / "schema.json"
            schema = {**json.loads(path.read_text(encoding="utf-8")), "$id": path.resolve().as_uri()}
            self.validators[kind] = jsonschema.validators.validator_for(schema)(schema, registry=registry)

    def prose(self, text: str, context: dict):
        return jinja2.utils.markupsafe.Markup(self.markdown.render(self.narrative(text).render(context)))

    def render(self, report: dict, prev: dict | None) -> str:
        layout = self.layouts[report["format"]]
        context = {**report, "prev": prev}
        sections = []
        for section in layout["sections"]:
            value = report.get(section["key"])
            if value is None:
                continue
            if section["type"] == "text":
                sections.append({**section, "text": self.prose(value, context)})
            elif section["type"] == "section":
                sections.append({**section, "text": self.prose(value["text"], context) if "text" in value else "",
                                 "parts": [{"title": p["title"], "text": self.prose(p["text"], context)} for p in value.get("parts", [])]})
            else:
                sections.append({**section, "table": layout["tables"][section["key"]]})
        return self.page.render(r=report, sections=sections, lookup=lookup, date_zh=date_zh)


RENDERER: Renderer | None = None


def start(project: Path, layouts: dict, compile_once: bool) -> None:
    global RENDERER
    RENDERER = Renderer(project, layouts, compile_once)


def agency(job: tuple[Path, Path]) -> list[str]:
    """Every year of one agency, oldest first (a year's prose compares with the one before)."""
    folder, out = job
    assert RENDERER is not None
    problems: list[str] = []
    prev = None
    for path in sorted(folder.glob("*.yaml")):
        report = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        errors = list(RENDERER.validators[report["format"]].iter_errors(report))
        if errors:
            problems.extend(f"{path}: {e.message}" for e in errors)
            prev = None
            continue
        derive(report)
        target = out / folder.name / f"{path.stem}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(RENDERER.render(report, prev if prev and prev["year"] == report["year"] - 1 else None), encoding="utf-8")
        prev = report
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--layouts", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--compile-once", action="store_true")
    options = parser.parse_args(argv)
    layouts = json.loads(options.layouts.read_text(encoding="utf-8"))
    jobs = [(folder, options.out) for folder in sorted((options.project / "reports").iterdir()) if folder.is_dir()]
    setup = (options.project, layouts, options.compile_once)
    if options.jobs > 1:
        with multiprocessing.Pool(options.jobs, initializer=start, initargs=setup) as pool:
            problems = [p for found in pool.imap_unordered(agency, jobs, chunksize=8) for p in found]
    else:
        start(*setup)
        problems = [p for job in jobs for p in agency(job)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
