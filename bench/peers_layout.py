"""What the peers of `make bench-peers` are given of each document kind, as plain data.

A Hugo site or a hand-written script would spell out each table's HTML once — the official
labels, the merged cells — and the order of the report's sections. Here that is taken from
the kind's schema by gendoc (the same layout gendoc's own pages use) and handed to the peers
as JSON, so their pages show the same labels in the same cells without anyone copying them
by hand. Per kind:

    {"sections": [{"key": "preamble", "title": "引言", "type": "text" | "section" | "table"}, …],
     "tables": {"table3": {"title": …, "head": [[cell, …], …], "body": [[cell, …], …]}}}

a cell being {"t": text, "h": header?, "cs": colspan, "rs": rowspan} or, for a figure,
{"p": "table3.new_received.natural", "d": derived?, "s": signed?, "cs", "rs"}. A derived figure (总计,
小计) is not in the report file: each peer computes it (`is_derived` says which names are).
"""
from __future__ import annotations

from pathlib import Path

from gendoc.kind.labels import SchemaIndex
from gendoc.kind.registry import KindRegistry
from gendoc.render.table_grid import Cell, shape_grid


def is_derived(path) -> bool:
    """Derived figures of the annual-report kinds: the 总计 rows and columns (`total`), the
    group subtotals (`denied_total`, …) and `proactive.total` — what the kinds' `derive`
    rules compute."""
    return any(part == "total" or part.endswith("_total") for part in path)


def _cell(index: SchemaIndex, cell: Cell) -> dict:
    out: dict = {"cs": cell.colspan, "rs": cell.rowspan}
    if cell.role == "value":
        out["p"] = ".".join(cell.path)
        out["d"] = is_derived(cell.path)
        minimum = index.get(cell.path, "minimum")
        out["s"] = isinstance(minimum, (int, float)) and minimum < 0  # a change: printed with its sign, +3
    else:
        out["t"] = cell.text
        out["h"] = True
    return out


def _section_type(node: dict) -> str | None:
    refs = [part.get("$ref", "") for part in node.get("allOf", [])]
    if "x-layout" in node or any(ref.endswith("/table4") for ref in refs):
        return "table"
    for ref in refs:
        if ref.endswith("/narrative"):
            return "text"
        if ref.endswith("/section"):
            return "section"
    return None


def export_layouts(project: Path) -> dict[str, dict]:
    """Sections and table layouts of every document kind under project/schemas."""
    registry = KindRegistry(project)
    out: dict[str, dict] = {}
    for kind_id in registry.ids():
        kind = registry.get(kind_id)
        if kind is None or not kind_id.startswith("annual-report-"):  # the kinds the synthetic projects use
            continue
        sections, tables = [], {}
        for key, node in kind.schema["properties"].items():
            kind_of = _section_type(node)
            if kind_of is None:
                continue
            sections.append({"key": key, "title": node.get("title", ""), "type": kind_of})
            if kind_of == "table":
                grid = shape_grid(kind.index, key)
                tables[key] = {"title": grid.title,
                               "head": [[_cell(kind.index, c) for c in row] for row in grid.header_rows],
                               "body": [[_cell(kind.index, c) for c in row] for row in grid.body_rows]}
        out[kind.id] = {"sections": sections, "tables": tables}
    return out
