"""What the peers of `make bench-peers` are given of each document kind, as plain data.

A Hugo site or a hand-written script would spell out each table's HTML once — the official
labels, the merged cells — and the order of the report's sections. Here that is taken from
the kind's schema by gendoc (the same layout gendoc's own pages use) and handed to the peers
as JSON, so their pages show the same labels in the same cells without anyone copying them
by hand. Per kind:

    {"sections": [{"key": "preamble", "title": "引言", "type": "text" | "section" | "table"}, …],
     "tables": {"table3": {"title": …, "head": [[cell, …], …], "body": [[cell, …], …],
                           "md": {"html": …, "tables": [{"caption": …, "head": …, "rows": [[cell, …], …]}]}}}}

a cell being {"t": text, "h": header?, "cs": colspan, "rs": rowspan} or, for a figure,
{"p": "table3.new_received.natural", "d": derived?, "s": signed?, "n": numeric?, "cs", "rs"}. A
derived figure (总计, 小计) is not in the report file: each peer computes it (`is_derived` says
which names are).

`md` is the table as gendoc's Markdown writes it (templates/common/tables.md.j2), decided
once per kind as a Markdown author would when writing the page template: `html` when the
table's row labels nest (表三: an HTML table with its merges, from `head` and `body`),
otherwise pipe tables — one per sub-table (表二, each under its bold caption) or, for a
single row under many heads (表四), one per merged head — whose header and alignment lines
are written out (`head`) and whose rows are label texts (escaped for a pipe cell) and figures.
"""
from __future__ import annotations

from pathlib import Path

from markupsafe import escape

from gendoc.kind.labels import SchemaIndex
from gendoc.kind.registry import KindRegistry
from gendoc.render.markup import md_cell
from gendoc.render.table_grid import SLOT_PATTERN, Cell, FlatTable, Grid, shape_grid


def is_derived(path) -> bool:
    """Derived figures of the annual-report kinds: the 总计 rows and columns (`total`), the
    group subtotals (`denied_total`, …) and `proactive.total` — what the kinds' `derive`
    rules compute."""
    return any(part == "total" or part.endswith("_total") for part in path)


def _figure(index: SchemaIndex, path: tuple, numeric: bool) -> dict:
    minimum = index.get(path, "minimum")
    return {"p": ".".join(path), "d": is_derived(path),
            "s": isinstance(minimum, (int, float)) and minimum < 0,  # a change: printed with its sign, +3
            "n": numeric}


def _cell(index: SchemaIndex, cell: Cell) -> dict:
    out: dict = {"cs": cell.colspan, "rs": cell.rowspan}
    if cell.role == "value":
        out.update(_figure(index, cell.path, cell.numeric))
    else:
        out["t"] = cell.text
        out["h"] = True
    return out


def _pipe_table(index: SchemaIndex, table: FlatTable) -> dict:
    """One pipe table: its header and alignment lines as text, its rows as cells."""
    head = "| " + " | ".join(md_cell(escape(h)) for h in table.headers) + " |\n|" + "".join(
        " :--- |" if i < table.label_columns else " :---: |" for i in range(len(table.headers)))
    rows = []
    for row in table.rows:
        cells = []
        for text in row:
            slot = SLOT_PATTERN.fullmatch(text)
            cells.append(_figure(index, tuple(slot.group(1).split(".")), True) if slot else {"t": md_cell(escape(text))})
        rows.append(cells)
    return {"caption": md_cell(escape(table.caption)) if table.caption else None, "head": head, "rows": rows}


def _markdown(index: SchemaIndex, grid: Grid) -> dict:
    """The table as gendoc's Markdown writes it (the choices of templates/common/tables.md.j2)."""
    if grid.layout == "rows" and any(cell.rowspan > 1 for row in grid.body_rows for cell in row):
        return {"html": True, "tables": []}
    tables = []
    for table in grid.flat():
        if table.label_columns == 0 and len(table.rows) == 1 and len(table.headers) > 6:
            tables += table.column_groups()
        else:
            tables.append(table)
    return {"html": False, "tables": [_pipe_table(index, t) for t in tables]}


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
                               "body": [[_cell(kind.index, c) for c in row] for row in grid.body_rows],
                               "md": _markdown(kind.index, grid)}
        out[kind.id] = {"sections": sections, "tables": tables}
    return out
