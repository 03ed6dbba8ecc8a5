"""Where a table's figures sit in a spreadsheet, and how a figure is found again by its labels.

The fill-in workbook (`gendoc xlsx`) lays each table out as the official grid
(render/table_grid.py's shape: merged headers, row groups). People then insert rows, add
notes, move blocks around; so reading it back (`gendoc import FILE.xlsx`) never goes by cell
address. Each figure is known by its *signature*: the label texts to its left in its row,
and the header texts above it in its column (the nearest run of text cells, skipping figures
and blank cells). Both sides compute signatures with the same function over a matrix of
entries, so what the export wrote is what the import finds, wherever it moved.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from gendoc.render.table_grid import Cell, Grid

# A label or header of the kind; a figure's slot; any other text (a note someone typed, or a
# word typed where a figure belongs): never a label, so it cannot change a signature.
TEXT, VALUE, OTHER = "text", "value", "other"


@dataclass(frozen=True)
class Entry:
    """One position of a table matrix: a text (label, header) or a value slot, with the
    anchor (top-left) of the merged range it belongs to."""

    kind: str
    text: str = ""
    anchor: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Placed:
    row: int
    col: int
    cell: Cell


def placements(grid: Grid) -> list[Placed]:
    """Every cell of the grid at its (row, col), HTML's placement rule (first free column)."""
    rows = grid.rows()
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append(Placed(r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


def normal(text: Any) -> str:
    """Labels compared as people retype them: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def matrix_of(grid: Grid) -> tuple[list[list[Entry | None]], dict[tuple[int, int], tuple]]:
    """The grid as entries, and the figure path of each value anchor."""
    rows = grid.rows()
    matrix: list[list[Entry | None]] = [[None] * grid.width for _ in rows]
    paths: dict[tuple[int, int], tuple] = {}
    for p in placements(grid):
        is_value = p.cell.role == "value"
        entry = Entry(VALUE if is_value else TEXT, "" if is_value else p.cell.text, (p.row, p.col))
        for dr in range(p.cell.rowspan):
            for dc in range(p.cell.colspan):
                matrix[p.row + dr][p.col + dc] = entry
        if is_value:
            paths[(p.row, p.col)] = p.cell.path
    return matrix, paths


def signature(matrix: list[list[Entry | None]], r: int, c: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(row labels, column labels) of the value anchored at (r, c)."""
    row_labels: list[str] = []
    for entry in matrix[r][:c]:
        if entry is not None and entry.kind == TEXT and (not row_labels or row_labels[-1] != normal(entry.text)):
            if normal(entry.text):
                row_labels.append(normal(entry.text))
    column: list[str] = []
    started = False
    for above in range(r - 1, -1, -1):
        entry = matrix[above][c] if c < len(matrix[above]) else None
        if entry is not None and entry.kind == TEXT and normal(entry.text):
            started = True
            if not column or column[-1] != normal(entry.text):
                column.append(normal(entry.text))
        elif started:
            break
    return tuple(row_labels), tuple(reversed(column))


def computed(index, path: tuple) -> bool:
    """A figure gendoc computes: it, or the row it belongs to, is x-derived (（七）总计)."""
    return any(index.get(path[:i], "x-derived") for i in range(1, len(path) + 1))


def vocabulary(grids) -> set[str]:
    """Every label, header and title of the tables: what counts as a label when reading."""
    words = set()
    for grid in grids:
        words.add(normal(grid.title))
        for p in placements(grid):
            if p.cell.role != "value":
                words.add(normal(p.cell.text))
    return words


def signatures_of(grid: Grid) -> dict[tuple, tuple]:
    """signature → figure path, for every value cell of a table."""
    matrix, paths = matrix_of(grid)
    return {signature(matrix, r, c): path for (r, c), path in paths.items()}
