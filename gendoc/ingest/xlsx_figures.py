"""`gendoc import FILE.xlsx --into REPORT.yaml`: figures typed into the fill-in workbook, read
back by their labels into a report file, keeping its narrative and comments.

Every sheet is read as a matrix of labels and values (merged ranges spread over their cells);
each value is known by its signature — its row's labels and its column's headers
(author/workbook_layout.py) — so inserted rows, moved blocks, renamed sheets and a workbook
re-saved by LibreOffice or Excel (formulas recalculated) all read the same. Totals are not
read (gendoc computes them). Findings, located as FILE.xlsx:row:col with the sheet's cell
name: a number no label places (X001), a value that is not a figure (X002), a figure given
twice (X003), a figure the workbook does not have (X004, the file's value kept).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gendoc.author import round_trip
from gendoc.author.workbook_layout import (OTHER, TEXT, VALUE, Entry, computed, normal, signature,
                                           signatures_of, vocabulary)
from gendoc.author.xlsx_export import table_keys
from gendoc.diagnostics import ERROR, WARNING, Diagnostic
from gendoc.kind.labels import format_path
from gendoc.render.table_grid import shape_grid


@dataclass
class WorkbookFigures:
    figures: dict[tuple, Any] = field(default_factory=dict)   # path → value (None: left empty)
    findings: list[Diagnostic] = field(default_factory=list)


def read_workbook(kind, file: Path) -> WorkbookFigures:
    from openpyxl import load_workbook

    out = WorkbookFigures()
    try:
        book = load_workbook(file, data_only=False)
    except Exception as exc:
        out.findings.append(Diagnostic(ERROR, "F003", {"reason": f"{file}: {exc}"}, str(file)))
        return out
    tables = {key: shape_grid(kind.index, key) for key in table_keys(kind)}
    every = {}
    for grid in tables.values():
        every.update(signatures_of(grid))
    words = vocabulary(tables.values())
    seen: dict[tuple, str] = {}
    for sheet in book.worksheets:
        matrix, covered = _matrix(sheet, words)
        known = _table_of(sheet, matrix, tables) or every
        for r, row in enumerate(matrix):
            for c, entry in enumerate(row):
                if (r, c) in covered or (entry is not None and (entry.kind == TEXT or entry.anchor != (r, c))):
                    continue
                raw = sheet.cell(r + 1, c + 1).value if entry is not None else None
                labels = signature(matrix, r, c)
                path = known.get(labels)
                where = f"{sheet.title}!{sheet.cell(r + 1, c + 1).coordinate}"
                if path is None:
                    if entry is not None and entry.kind == VALUE and not _formula(raw):
                        out.findings.append(Diagnostic(
                            WARNING, "X001", {"cell": where, "value": raw, "labels": _words(labels)},
                            str(file), r + 1, c + 1))
                    continue
                if computed(kind.index, path):
                    continue  # a total: gendoc computes it
                value, ok = _figure(raw, kind.index, path)
                if not ok:
                    out.findings.append(Diagnostic(
                        ERROR, "X002", {"cell": where, "value": raw, "place": kind.index.place(path)},
                        str(file), r + 1, c + 1, format_path(path)))
                    continue
                if path in seen:
                    out.findings.append(Diagnostic(
                        ERROR, "X003", {"cell": where, "first": seen[path], "place": kind.index.place(path)},
                        str(file), r + 1, c + 1, format_path(path)))
                    continue
                seen[path] = where
                out.figures[path] = value
    for path in every.values():
        if path not in seen and not computed(kind.index, path):
            out.findings.append(Diagnostic(WARNING, "X004", {"place": kind.index.place(path)}, str(file), 1, 1,
                                           format_path(path)))
    return out


def _matrix(sheet, words: set[str]) -> tuple[list[list[Entry | None]], set[tuple[int, int]]]:
    """The sheet as entries, and the positions a merged range covers beyond its top-left."""
    rows, cols = sheet.max_row, sheet.max_column
    matrix: list[list[Entry | None]] = [[None] * cols for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            value = sheet.cell(r + 1, c + 1).value
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            kind = VALUE if _looks_like_figure(value) else TEXT if normal(value) in words else OTHER
            matrix[r][c] = Entry(kind, "" if kind == VALUE else str(value), (r, c))
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        anchor = matrix[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                if (r, c) != (merged.min_row - 1, merged.min_col - 1):
                    covered.add((r, c))
                if anchor is not None and r < rows and c < cols:
                    matrix[r][c] = anchor
    return matrix, covered


def _looks_like_figure(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)) or _formula(value):
        return True
    try:
        Decimal(str(value).strip())
        return True
    except Exception:
        return False


def _formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _table_of(sheet, matrix, tables: dict) -> dict | None:
    """The signatures of the table this sheet holds: by its name (表三) or its title text."""
    texts = {normal(e.text) for row in matrix[:6] for e in row if e is not None and e.kind == TEXT}
    for grid in tables.values():
        if normal(sheet.title) == normal(grid.short or grid.key) or normal(grid.title) in texts:
            return signatures_of(grid)
    return None


def _figure(raw: Any, index, path: tuple) -> tuple[Any, bool]:
    """The cell as the schema wants it: None (blank), a whole number, or for an amount the
    number as typed."""
    if raw is None:
        return None, True
    if _formula(raw):
        return None, False
    try:
        number = Decimal(str(raw).strip())
    except Exception:
        return None, False
    kind = index.get(path, "type")
    names = kind if isinstance(kind, list) else [kind]
    minimum = index.get(path, "minimum")
    if isinstance(minimum, (int, float)) and number < minimum:
        return None, False
    if "number" in names:
        return (int(number) if number == number.to_integral_value() else number), True
    if number != number.to_integral_value():
        return None, False
    return int(number), True


def _words(labels: tuple) -> str:
    rows, cols = labels
    return f"行：{'/'.join(rows) or '（无）'}；列：{'/'.join(cols) or '（无）'}"


def merge_into(text: str, figures: dict[tuple, Any]) -> tuple[str, int]:
    """The report file's text with the workbook's figures set; comments, narrative and layout
    kept. Returns the new text and how many figures changed."""
    doc = round_trip.load(text)
    changed = 0
    for path, value in figures.items():
        node = doc
        for step in path[:-1]:
            if not isinstance(node, (dict, list)):
                node = None
                break
            try:
                node = node[step]
            except (KeyError, IndexError):
                node = None
                break
        if node is None or not isinstance(node, dict) or path[-1] not in node:
            continue  # the file lacks the row: the schema check will say so
        old = node[path[-1]]
        if old is not None and value is not None and not isinstance(old, bool) and _same(old, value):
            continue  # as typed already (9.7420 stays 9.7420)
        if old is None and value is None:
            continue
        node[path[-1]] = value
        changed += 1
    return (round_trip.dump(doc) if changed else text), changed


def _same(old: Any, new: Any) -> bool:
    try:
        return Decimal(str(old)) == Decimal(str(new))
    except Exception:
        return False
