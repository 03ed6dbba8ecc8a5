"""Plain text (and Markdown) → paragraphs and tables.

Two table spellings are recognised: rows of cells separated by `|` (Markdown pipe tables,
text pasted from Word) or by tabs, which become tables; and one cell per line (what copying
a web page's table as text gives, with or without a closing `|` on each cell), which stays
a run of short paragraphs — the label matcher reads those as a stream. Markdown heading marks and emphasis are dropped.
"""
from __future__ import annotations

import re

from gendoc.diagnostics import WARNING, Diagnostic
from gendoc.ingest.document import Cell, Paragraph, SourceDocument, Table
from gendoc.ingest.normalize import clean
from gendoc.ingest.read_html import decode_page

_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_EMPHASIS = re.compile(r"\*\*|__")
_CELL_LINE = re.compile(r"^[^|]+\|$")


def read_text(raw: bytes, file: str, digest: str) -> SourceDocument:
    text, encoding, damaged = decode_page(raw)
    doc = SourceDocument(file=file, digest=digest, kind_of_file="text")
    if damaged:
        doc.findings.append(Diagnostic(WARNING, "I003", {"encoding": encoding}, file, 1, 1))
    rows: list[list[Cell]] = []
    ident = 0
    table_line = 0

    def end_table() -> None:
        nonlocal rows
        if rows:
            width = max(len(r) for r in rows)
            doc.blocks.append(Table([r + [Cell("", -1)] * (width - len(r)) for r in rows], table_line))
            rows = []

    for number, line in enumerate(text.splitlines(), 1):
        if _RULE.match(line) and "-" in line:
            continue
        stripped = line.strip()
        if stripped and (set(stripped) == {"|"} or _CELL_LINE.match(stripped)):
            # a web page's table copied as text, one cell per line each closed by "|": a bare
            # "|" is an empty cell (its place in the row counts), "||" "|||" the filler of
            # merged cells
            end_table()
            if stripped == "|" or _CELL_LINE.match(stripped):
                doc.blocks.append(Paragraph(clean(stripped[:-1]), number, 1))
            continue
        cells = _split_cells(line)
        if cells is not None:
            if not rows:
                table_line = number
            row = []
            for cell in cells:
                ident += 1
                row.append(Cell(clean(_EMPHASIS.sub("", cell)), ident, number, 1))
            rows.append(row)
            continue
        end_table()
        heading = bool(_HEADING.match(line))
        body = clean(_EMPHASIS.sub("", _HEADING.sub("", line)))
        if body:
            col = len(line) - len(line.lstrip()) + 1
            doc.blocks.append(Paragraph(body, number, col, heading))
    end_table()
    if not doc.blocks:
        return doc
    first = doc.blocks[0]
    if isinstance(first, Paragraph):
        doc.title = first.text
    return doc


def _split_cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if "|" in stripped and stripped.count("|") >= 2 or stripped.startswith("|"):
        parts = stripped.strip("|").split("|")
        return [p.strip() for p in parts]
    if "\t" in stripped:
        parts = [p.strip() for p in stripped.split("\t")]
        if len([p for p in parts if p]) >= 2:
            return parts
    return None
