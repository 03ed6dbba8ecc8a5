"""Schema-driven table grids: the official tables with every merged cell, for any output.

The code never names a row or a column. A table object in the kind's schema carries an
`x-layout`; its properties, in schema order, with their `title`s (the official labels) and
`x-group`s (the merged header cell above a run of columns), are the rows and columns.
Three layouts cover the national formats:

`rows` (表三) — body rows are the table's nested objects. An object whose properties are all
    figures is a *row*; any other object is a *group*, whose label cell spans (rowspan) every
    row beneath it. Label cells of shallower rows span (colspan) the unused label columns,
    so every row has the same number of grid columns. The column header is a tree:
    `x-layout.header` above all columns, then the `x-group`s, then the column titles; a
    title that ends higher than the deepest header row spans down to it (rowspan). The
    corner cell (`x-layout.corner`) spans the label columns and the header rows.
    x-layout: {kind: rows, corner: <text>, header: <text>}
`subtables` (表二) — one caption row per sub-table (spanning `width`), then a header row
    (`label_header` + the column titles), then one row per item. A sub-table with fewer
    value columns than width-1 lets its LAST header/value cell span the rest. A property
    marked `x-unit-for: <column>` is not a column: it is the unit printed with that column.
    x-layout: {kind: subtables, label_header: <text>, width: <int>}
`columns` (表四) — no label column; the nested objects are the header tree (with their own
    `x-group`s above them), their figures the leaf columns, and there is one data row.
    x-layout: {kind: columns}
`form` (a two-column form: item, value) — every value is a row of its own; an object is a
    group whose label cell spans (rowspan) the rows beneath it, nested groups adding label
    columns; a shallower item's label spans (colspan) the unused label columns. No header.
    x-layout: {kind: form}

Values are not only figures. A property with an `enum` prints its choices as boxes, the
chosen one ticked (☑是 □否); an array of `enum` items ticks every chosen one; text prints as
typed; a property marked `x-detail-for: <key>` is not a row: its text follows that item's
boxes (□其他：…). A value the schema does not require may be left out: its cell is empty.

Derived figures (`x-derived`, e.g. 总计 rows and columns) are ordinary schema properties and
are read from the derived data like any other figure. Validation and derivation run first,
so a figure missing here is a programming error (`GridError`), never a blank cell.

A `Grid` serves HTML (`header_rows` / `body_rows` of `Cell`s with rowspan/colspan) and text
outputs (`flat()`: `FlatTable`s with flattened labels, e.g. "法人或其他组织·商业企业" and
"三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Callable

from gendoc.plaindata import dotted
from gendoc.render.filters import amount, num, signed
from gendoc.render.unknown_cells import MARK, UNKNOWN, is_unknown
from gendoc.kind.labels import SchemaIndex, format_path

HEAD_SEPARATOR = "·"
LABEL_SEPARATOR = " / "


class GridError(Exception):
    """The schema's layout or the (validated, derived) data does not make a table."""


@dataclass(frozen=True)
class Cell:
    """One cell of the grid, placed at the first free position of its row (HTML rules)."""

    text: str
    value: Any = None
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    numeric: bool = False
    path: tuple = ()
    # corner | caption | head (column header) | group (row group label) | label (row label) | value
    role: str = "value"
    id: str = ""            # header cells: the id that figure cells name in `headers`
    headers: tuple = ()     # figure cells: every header cell over it, outermost first


@dataclass(frozen=True)
class FlatTable:
    """A table without merged cells, for Markdown pipe tables and other plain-text outputs."""

    caption: str | None
    headers: list[str]
    rows: list[list[str]]
    label_columns: int = 1  # leading columns that hold labels (the rest hold figures)

    def column_groups(self) -> list[FlatTable]:
        """The table cut into one table per merged head above the columns ("行政复议·结果维持"
        belongs to 行政复议, "行政诉讼·复议后起诉·总计" to 行政诉讼·复议后起诉), each head keeping
        its full label: a table of one row under many heads reads as a few narrow tables
        rather than one of one-character strips."""
        groups: list[list[int]] = []
        parents: list[str] = []
        for i, head in enumerate(self.headers):
            parent = head.rpartition(HEAD_SEPARATOR)[0]
            if not groups or parents[-1] != parent:
                groups.append([])
                parents.append(parent)
            groups[-1].append(i)
        return [FlatTable(self.caption if n == 0 else None, [self.headers[i] for i in columns],
                          [[row[i] for i in columns] for row in self.rows], 0)
                for n, columns in enumerate(groups)]


@dataclass
class Grid:
    key: str
    title: str
    short: str | None
    layout: str
    width: int
    header_rows: list[list[Cell]]
    body_rows: list[list[Cell]]
    flat_tables: list[FlatTable] = field(default_factory=list)

    def rows(self) -> list[list[Cell]]:
        return self.header_rows + self.body_rows

    def flat(self) -> list[FlatTable]:
        return list(self.flat_tables)

    def matrix(self) -> list[list[Cell]]:
        """Every grid position filled with the cell covering it (merged cells repeat)."""
        return _matrix(self.rows(), self.width)


def _matrix(rows: list[list[Cell]], width: int) -> list[list[Cell]]:
    grid: list[list[Cell | None]] = [[None] * width for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while c < width and grid[r][c] is not None:
                c += 1
            if c + cell.colspan > width or r + cell.rowspan > len(rows):
                raise GridError(f"cell {cell.text!r} overflows the {width}-column grid (row {r + 1})")
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if grid[r + dr][c + dc] is not None:
                        raise GridError(f"cell {cell.text!r} overlaps another cell (row {r + 1})")
                    grid[r + dr][c + dc] = cell
            c += cell.colspan
    for r, filled in enumerate(grid):
        if any(cell is None for cell in filled):
            raise GridError(f"row {r + 1} does not fill the {width}-column grid")
    return grid  # type: ignore[return-value]


# -- entry point ---------------------------------------------------------------------------

def build_grid(index: SchemaIndex, data: dict, table_key: str) -> Grid:
    """The grid of the table at `data[table_key]`, laid out by the schema's `x-layout`.

    The layout depends on the schema only, so it is worked out once per kind and table;
    each report then only fills in its figures.
    """
    return _fill(shape_grid(index, table_key), _Figures(index, data))


# A value cell's text in a shape: "\x00<path>\x01", filled with the figure per report.
_SLOT = "\x00"
_SLOT_END = "\x01"
SLOT_PATTERN = re.compile("\x00([^\x01]*)\x01")  # a slot, its path captured


def shape_grid(index: SchemaIndex, table_key: str) -> Grid:
    """The grid with a slot in place of every figure: the same for all reports of a kind."""
    # Cached on the index itself: the shape lives exactly as long as the schema it comes from.
    memo = index.cache(("#shape", table_key))
    if "grid" not in memo:
        memo["grid"] = _shape(index, table_key)
    grid: Grid = memo["grid"]
    return grid


def split_slots(text: str) -> list[str]:
    """Text rendered from a shape grid, split once: even items are fixed text, odd items
    the slots (figure paths) between them."""
    return SLOT_PATTERN.split(text)


def fill_slots(index: SchemaIndex, data: dict, parts: list[str], escape: Callable[[str], str],
               figures: dict[str, str] | None = None) -> str:
    """The split text with each slot replaced by its figure, escaped. `figures` (slot → text)
    may be shared by the outputs of one report: a figure is formatted once for all."""
    report = _Figures(index, data)
    known = {} if figures is None else figures
    memo = index.cache("#slots")  # once per table, not once per cell
    out = list(parts)
    for i in range(1, len(out), 2):
        slot = out[i]
        text = known.get(slot)
        if text is None:
            text = known[slot] = _slot_text(report, slot, memo)
        out[i] = text if text.isdigit() else escape(text)  # plain digits need no escaping
    return "".join(out)




_TICKED, _UNTICKED = "☑", "□"


def _value_style(index: SchemaIndex, path: tuple) -> tuple[str, Any]:
    """How a value cell prints, from the schema: (style, choices)."""
    choices = index.get(path, "enum")
    if isinstance(choices, list):
        return "choice", choices
    items = index.get(path, "items")
    if index.get(path, "type") == "array" and isinstance(items, dict) and isinstance(items.get("enum"), list):
        return "choices", items["enum"]
    if index.get(path, "type") == "string":
        return "text", None
    minimum = index.get(path, "minimum")
    return ("signed" if isinstance(minimum, (int, float)) and minimum < 0 else "plain"), None


def _boxes(choices: list, chosen: Any) -> str:
    picked = set(chosen) if isinstance(chosen, list) else {chosen}
    return " ".join((_TICKED if c in picked else _UNTICKED) + str(c) for c in choices)


def _optional(index: SchemaIndex, path: tuple) -> bool:
    """A value the schema lets an author leave out (its cell is then empty)."""
    return path[-1] not in index.required(path[:-1])


def _slot_text(b: _Figures, slot: str, memo: dict | None = None) -> str:
    """The text of one slot's cell — the one way a figure becomes cell text, for templates
    (fill_slots) and grids (build_grid) alike — with the schema lookups done once per kind
    rather than once per cell of every report (`memo`: the index's cache of them)."""
    if memo is None:
        memo = b.index.cache("#slots")
    known = memo.get(slot)
    if known is None:
        path = dotted(slot)
        style, choices = _value_style(b.index, path)
        known = memo[slot] = (path, style, _unit_key(b.index, path[:-1], path[-1]), choices,
                              _detail_key(b.index, path[:-1], path[-1]), _optional(b.index, path))
    path, style, unit_key, choices, detail_key, optional = known
    node: Any = b.data
    try:
        for step in path:
            node = node[step]
    except (KeyError, IndexError, TypeError):
        if optional:
            node = None
        else:
            node = b.value(path)  # raises the located GridError
    if type(node) is int and style == "plain" and unit_key is None:
        return str(node)  # the common case, without the checks below
    if style in ("choice", "choices", "text") or (node is None and optional):
        text = "" if node is None else _boxes(choices, node) if choices is not None else str(node)
        detail = b.optional(path[:-1] + (detail_key,)) if detail_key else None
        return f"{text}：{detail}" if isinstance(detail, str) and detail.strip() else text
    value = b.value(path)
    if value is UNKNOWN:
        return MARK
    if style == "signed":
        return signed(value)
    unit = b.unit_of(path[:-1], path[-1])
    return num(value) if unit is None else amount(value, unit)


def _shape(index: SchemaIndex, table_key: str) -> Grid:
    path = (table_key,)
    layout = index.get(path, "x-layout")
    if not isinstance(layout, dict) or layout.get("kind") not in LAYOUTS:
        raise GridError(f"{table_key}: no x-layout of a known kind ({', '.join(LAYOUTS)}) in the schema")
    grid = LAYOUTS[layout["kind"]](_Builder(index, path, layout))
    _matrix(grid.rows(), grid.width)  # every row must fill the grid exactly
    return _with_headers(grid)


def _with_headers(grid: Grid) -> Grid:
    """Ids on the header cells, and on every figure cell the ids of all the header cells it
    sits under and beside, outermost first: a screen reader then announces a figure's full
    path — 「三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密 / 申请人情况 / 自然人」 — which
    `scope` alone cannot express for merged, multi-level headers (WCAG technique H43).

    Row headers are the label and group cells to the left in the figure's row; column headers
    the head cells above it in its column, up to and including a sub-table's caption row."""
    rows = grid.rows()
    matrix = _matrix(rows, grid.width)
    ids: dict[int, str] = {}
    for row in rows:
        for cell in row:
            if cell.header and cell.role != "corner":
                ids[id(cell)] = f"{grid.key}-h{len(ids) + 1}"
    found: dict[int, tuple] = {}
    for r, line in enumerate(matrix):
        for c, cell in enumerate(line):
            if cell.header or id(cell) in found:
                continue
            heads: list[Cell] = []
            for left in line[:c]:
                if left.role in ("group", "label") and all(left is not h for h in heads):
                    heads.append(left)
            above: list[Cell] = []
            for rr in range(r - 1, -1, -1):
                over = matrix[rr][c]
                if over.role in ("head", "caption") and all(over is not h for h in above):
                    above.insert(0, over)
                    if over.role == "caption":
                        break
            found[id(cell)] = tuple(ids[id(h)] for h in heads + above)

    def marked(row: list[Cell]) -> list[Cell]:
        return [replace(cell, id=ids.get(id(cell), ""), headers=found.get(id(cell), ())) for cell in row]

    return Grid(grid.key, grid.title, grid.short, grid.layout, grid.width,
                [marked(row) for row in grid.header_rows], [marked(row) for row in grid.body_rows],
                grid.flat_tables)


def _fill(shape: Grid, report: _Figures) -> Grid:
    """The shape with this report's figures in its value cells (the texts fill_slots gives)."""
    texts: dict[str, str] = {}

    def cells(row: list[Cell]) -> list[Cell]:
        out = []
        for cell in row:
            if cell.role == "value":
                real = report.cell(cell)
                texts[cell.text] = real.text
                cell = replace(real, headers=cell.headers)
            out.append(cell)
        return out

    body = [cells(row) for row in shape.body_rows]
    flat = [FlatTable(t.caption, t.headers, [[texts.get(x, x) for x in row] for row in t.rows], t.label_columns)
            for t in shape.flat_tables]
    return Grid(shape.key, shape.title, shape.short, shape.layout, shape.width, shape.header_rows, body, flat)


class _Builder:
    """Schema walking shared by the layouts: a table's shape, a slot in every value cell."""

    def __init__(self, index: SchemaIndex, path: tuple, layout: dict):
        self.index = index
        self.path = path
        self.layout = layout

    def grid(self, width: int, header_rows, body_rows, flat) -> Grid:
        return Grid(
            key=self.path[-1],
            title=self.title(self.path),
            short=self.index.get(self.path, "x-short"),
            layout=self.layout["kind"],
            width=width,
            header_rows=header_rows,
            body_rows=body_rows,
            flat_tables=flat,
        )

    def title(self, path: tuple) -> str:
        title = self.index.title(path)
        if not isinstance(title, str):
            raise GridError(f"{format_path(path)}: no title in the schema")
        return title

    def children(self, path: tuple) -> list[str]:
        """Properties in schema order, without the `x-unit-for` ones (they are units), the
        `x-detail-for` ones (they complete another cell) and the `x-subtotal` ones (group
        subtotals for the prose: the official table has no such row)."""
        return [k for k in self.index.properties(path)
                if not self.index.get(path + (k,), "x-unit-for") and not self.index.get(path + (k,), "x-detail-for")
                and not self.index.get(path + (k,), "x-subtotal")]

    def is_figure(self, path: tuple) -> bool:
        return not self.index.properties(path)

    def is_row(self, path: tuple) -> bool:
        """An object whose properties are all figures."""
        keys = self.index.properties(path)
        return bool(keys) and all(self.is_figure(path + (k,)) for k in keys)

    def leaves(self, is_leaf: Callable[[tuple], bool], what: str) -> list[tuple[tuple, int]]:
        """The table's leaves (rows of figures, or single items) with their depth, 1 for the
        top: every object between is a group of them."""
        leaves: list[tuple[tuple, int]] = []

        def collect(path: tuple, level: int) -> None:
            for key in self.children(path):
                child = path + (key,)
                if is_leaf(child):
                    leaves.append((child, level))
                elif not self.is_figure(child):
                    collect(child, level + 1)
                else:
                    raise GridError(f"{format_path(child)}: a figure where a row or a group of rows was expected")

        collect(self.path, 1)
        if not leaves:
            raise GridError(f"{format_path(self.path)}: no {what} in the schema")
        return leaves

    def labelled_rows(self, is_leaf: Callable[[tuple], bool], label_depth: int,
                      values: Callable[[tuple], list[Cell]]) -> tuple[list[list[Cell]], list[list[str]]]:
        """Body rows under label columns: a leaf's label spans the label columns its depth
        leaves free, a group's label spans down every row beneath it; and the same rows flat,
        labels joined ("三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密")."""
        flat_rows: list[list[str]] = []

        def body(path: tuple, level: int, trail: list[str]) -> list[list[Cell]]:
            out: list[list[Cell]] = []
            for key in self.children(path):
                child = path + (key,)
                title = self.title(child)
                if is_leaf(child):
                    cells = values(child)
                    out.append([Cell(title, colspan=label_depth - level + 1, header=True, role="label", path=child)] + cells)
                    flat_rows.append([LABEL_SEPARATOR.join(trail + [title])] + [c.text for c in cells])
                else:
                    sub = body(child, level + 1, trail + [title])
                    if sub:
                        sub[0].insert(0, Cell(title, rowspan=len(sub), header=True, role="group", path=child))
                        out.extend(sub)
            return out

        return body(self.path, 1, []), flat_rows

    def value_cell(self, path: tuple, colspan: int = 1) -> Cell:
        """A slot for the figure at `path`: filled per report by `_slot_text`."""
        numeric = _value_style(self.index, path)[0] in ("plain", "signed")
        return Cell(_SLOT + ".".join(map(str, path)) + _SLOT_END, colspan=colspan, numeric=numeric, path=path)


class _Figures:
    """One report's figures, looked up by data path for the cells of its tables."""

    def __init__(self, index: SchemaIndex, data: dict):
        self.index = index
        self.data = data

    def value(self, path: tuple) -> Any:
        node: Any = self.data
        for step in path:
            if isinstance(node, dict) and step in node:
                node = node[step]
            else:
                raise GridError(
                    f"{format_path(path)} ({self.index.place(path)}): figure missing — "
                    "tables are built from validated, derived data"
                )
        if is_unknown(node):  # a figure not known yet (a draft)
            return UNKNOWN
        if isinstance(node, bool) or not isinstance(node, (int, Decimal, float)):
            raise GridError(f"{format_path(path)} ({self.index.place(path)}): not a number: {node!r}")
        return node

    def unit_of(self, row: tuple, key: str) -> Any:
        unit_key = _unit_key(self.index, row, key)
        if unit_key is None:
            return None
        container = self.optional(row)
        return container.get(unit_key) if isinstance(container, dict) else None

    def optional(self, path: tuple) -> Any:
        """The value at `path`, or None when the report leaves it out."""
        node: Any = self.data
        for step in path:
            if not isinstance(node, dict) or step not in node:
                return None
            node = node[step]
        return node

    def cell(self, slot: Cell) -> Cell:
        """The shape's value cell `slot` with this report's figure in it."""
        text = _slot_text(self, ".".join(map(str, slot.path)))
        value = self.value(slot.path) if slot.numeric and text else self.optional(slot.path)
        return Cell(text, value=value, colspan=slot.colspan, rowspan=slot.rowspan, numeric=slot.numeric, path=slot.path)


def _unit_key(index: SchemaIndex, row: tuple, key: str) -> str | None:
    """The property holding the unit of `row.key` (x-unit-for), looked up once per schema."""
    memo = index.cache("#units")
    if (row, key) not in memo:
        memo[(row, key)] = next((other for other in index.properties(row)
                                 if index.get(row + (other,), "x-unit-for") == key), None)
    found: str | None = memo[(row, key)]
    return found


def _detail_key(index: SchemaIndex, row: tuple, key: str) -> str | None:
    """The property whose text completes `row.key`'s cell (x-detail-for), once per schema."""
    memo = index.cache("#details")
    if (row, key) not in memo:
        memo[(row, key)] = next((other for other in index.properties(row)
                                 if index.get(row + (other,), "x-detail-for") == key), None)
    found: str | None = memo[(row, key)]
    return found


# -- column header trees (rows and columns layouts) ---------------------------------------

@dataclass
class _Column:
    rel: tuple                     # path of the figure, relative to its row (or to the table)
    heads: list[tuple[Any, str]]   # header path, top down: (identity, title)


def _header_rows(columns: list[_Column]) -> list[list[Cell]]:
    """Header cells of a column tree: equal adjacent prefixes merge (colspan); a column whose
    header path is shorter than the deepest one lets its last cell span down (rowspan)."""
    depth = max(len(c.heads) for c in columns)
    rows: list[list[Cell]] = [[] for _ in range(depth)]
    for level in range(depth):
        i = 0
        while i < len(columns):
            col = columns[i]
            if level >= len(col.heads):
                i += 1
                continue
            prefix = col.heads[: level + 1]
            j = i + 1
            while j < len(columns) and columns[j].heads[: level + 1] == prefix and len(columns[j].heads) > level:
                j += 1
            last = level == len(col.heads) - 1
            rows[level].append(Cell(
                col.heads[level][1], colspan=j - i, rowspan=depth - level if last else 1,
                header=True, role="head", path=col.rel if last else (),
            ))
            i = j
    return rows


def _flat_heads(columns: list[_Column]) -> list[str]:
    """"法人或其他组织·商业企业": header paths joined, without a title spanning every column."""
    shared = {
        head for head in columns[0].heads if all(head in c.heads for c in columns)
    } if len(columns) > 1 else set()
    out = []
    for col in columns:
        titles = [title for ident, title in col.heads if (ident, title) not in shared]
        out.append(HEAD_SEPARATOR.join(titles or [col.heads[-1][1]]))
    return out


# -- layout: rows (表三) -------------------------------------------------------------------

def _rows_layout(b: _Builder) -> Grid:
    leaves = b.leaves(b.is_row, "rows")
    label_depth = max(level for _, level in leaves)
    first_row = leaves[0][0]
    keys = b.children(first_row)
    for row, _ in leaves[1:]:
        if b.children(row) != keys:
            raise GridError(f"{format_path(row)}: columns differ from {format_path(first_row)}")

    header_text = b.layout.get("header")
    columns = []
    for key in keys:
        heads: list[tuple[Any, str]] = []
        if header_text:
            heads.append((("header",), header_text))
        group = b.index.get(first_row + (key,), "x-group")
        if group:
            heads.append((("group", group), group))
        heads.append((("column", key), b.title(first_row + (key,))))
        columns.append(_Column((key,), heads))
    header_rows = _header_rows(columns)
    corner = Cell(
        str(b.layout.get("corner", "")), colspan=label_depth, rowspan=len(header_rows),
        header=True, role="corner",
    )
    header_rows[0].insert(0, corner)

    body_rows, flat_rows = b.labelled_rows(b.is_row, label_depth, lambda row: [b.value_cell(row + (k,)) for k in keys])
    flat = FlatTable(None, [corner.text] + _flat_heads(columns), flat_rows, label_columns=1)
    return b.grid(label_depth + len(keys), header_rows, body_rows, [flat])


# -- layout: subtables (表二) --------------------------------------------------------------

def _subtables_layout(b: _Builder) -> Grid:
    width = b.layout.get("width")
    label_header = str(b.layout.get("label_header", ""))
    if isinstance(width, bool) or not isinstance(width, int) or width < 2:
        raise GridError(f"{format_path(b.path)}: x-layout.width must be an integer ≥ 2")
    body_rows: list[list[Cell]] = []
    flat: list[FlatTable] = []
    for sub_key in b.children(b.path):
        sub = b.path + (sub_key,)
        caption = b.title(sub)
        rows = b.children(sub)
        if not rows or not all(b.is_row(sub + (r,)) for r in rows):
            raise GridError(f"{format_path(sub)}: a sub-table must hold rows of figures")
        keys = b.children(sub + (rows[0],))
        for r in rows[1:]:
            if b.children(sub + (r,)) != keys:
                raise GridError(f"{format_path(sub + (r,))}: columns differ from {format_path(sub + (rows[0],))}")
        if len(keys) > width - 1:
            raise GridError(f"{format_path(sub)}: {len(keys)} columns do not fit a grid of width {width}")
        spans = [1] * (len(keys) - 1) + [width - len(keys)]
        body_rows.append([Cell(caption, colspan=width, header=True, role="caption", path=sub)])
        titles = [b.title(sub + (rows[0], k)) for k in keys]
        body_rows.append(
            [Cell(label_header, header=True, role="head")]
            + [Cell(t, colspan=s, header=True, role="head", path=(k,)) for t, s, k in zip(titles, spans, keys)]
        )
        flat_rows = []
        for r in rows:
            row = sub + (r,)
            label = b.title(row)
            cells = [b.value_cell(row + (k,), colspan=s) for k, s in zip(keys, spans)]
            body_rows.append([Cell(label, header=True, role="label", path=row)] + cells)
            flat_rows.append([label] + [c.text for c in cells])
        flat.append(FlatTable(caption, [label_header] + titles, flat_rows, label_columns=1))
    return b.grid(width, [], body_rows, flat)


# -- layout: columns (表四) ----------------------------------------------------------------

def _columns_layout(b: _Builder) -> Grid:
    columns: list[_Column] = []

    def collect(path: tuple, heads: list[tuple[Any, str]]) -> None:
        for key in b.children(path):
            child = path + (key,)
            own = list(heads)
            group = b.index.get(child, "x-group")
            if group:
                own.append((("group", path, group), group))
            own.append((("node", child), b.title(child)))
            if b.is_figure(child):
                columns.append(_Column(child[len(b.path):], own))
            else:
                collect(child, own)

    collect(b.path, [])
    if not columns:
        raise GridError(f"{format_path(b.path)}: no columns in the schema")
    header_rows = _header_rows(columns)
    values = [b.value_cell(b.path + c.rel) for c in columns]
    flat = FlatTable(None, _flat_heads(columns), [[c.text for c in values]], label_columns=0)
    return b.grid(len(columns), header_rows, [values], [flat])


# -- layout: form (a two-column form: item, value) ----------------------------------------

def _form_layout(b: _Builder) -> Grid:
    label_depth = max(level for _, level in b.leaves(b.is_figure, "items"))
    body_rows, flat_rows = b.labelled_rows(b.is_figure, label_depth, lambda item: [b.value_cell(item)])
    heads = b.layout.get("columns") or ["", ""]
    flat = FlatTable(None, [str(h) for h in heads[:2]], flat_rows, label_columns=1)
    return b.grid(label_depth + 1, [], body_rows, [flat])


# Layout kinds by the name a schema's x-layout gives; a new layout is one more function.
LAYOUTS: dict[str, Callable[[_Builder], Grid]] = {
    "rows": _rows_layout,
    "subtables": _subtables_layout,
    "columns": _columns_layout,
    "form": _form_layout,
}
