"""Plain text (and Markdown) → paragraphs and tables.

Hard-wrapped text (copied from a PDF) is joined back into paragraphs. Two table spellings
are recognised: rows of cells separated by `|` (Markdown pipe tables,
text pasted from Word) or by tabs, which become tables; and one cell per line (what copying
a web page's table as text gives, with or without a closing `|` on each cell), which stays
a run of short paragraphs — the label matcher reads those as a stream. Markdown heading marks and emphasis are dropped.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from gendoc.diagnostics import WARNING, Diagnostic
from gendoc.ingest.document import Cell, Paragraph, SourceDocument, Table
from gendoc.ingest.normalize import PARAGRAPH_START, clean
from gendoc.ingest.read_html import decode_page

_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_EMPHASIS = re.compile(r"\*\*|__")
_CELL_LINE = re.compile(r"^[^|]+\|$")
_WRAP_MIN, _WRAP_SLACK = 30, 4   # in printed columns
_SENTENCE_ENDS = ("。", "！", "？", "；", "：", ":", "」", "”")


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
    doc.blocks = _unwrap(doc.blocks)
    if not doc.blocks:
        return doc
    first = doc.blocks[0]
    if isinstance(first, Paragraph):
        doc.title = first.text
    return doc


def _unwrap(blocks: list) -> list:
    """Text copied from a PDF is hard-wrapped: most long lines have the page's width and a
    paragraph goes on over several of them. A line of that width that ends no sentence is
    joined with the next unless the next starts a numbered heading. Text not wrapped that
    way (one paragraph a line, one cell a line) is left as it is."""
    lengths = [_width(b.text) for b in blocks if isinstance(b, Paragraph) and _width(b.text) >= _WRAP_MIN]
    if len(lengths) < 5:
        return blocks
    width = Counter(lengths).most_common(1)[0][0]
    if sum(1 for n in lengths if abs(n - width) <= _WRAP_SLACK) < max(5, 0.3 * len(lengths)):
        return blocks
    out: list = []
    last_line = 0   # length of the last physical line of out[-1]
    for block in blocks:
        prev = out[-1] if out else None
        if (isinstance(block, Paragraph) and isinstance(prev, Paragraph) and not prev.heading
                and abs(last_line - width) <= _WRAP_SLACK and not prev.text.endswith(_SENTENCE_ENDS)
                and not PARAGRAPH_START.match(block.text)):
            out[-1] = Paragraph(prev.text + block.text, prev.line, prev.col, prev.heading)
        else:
            out.append(block)
        last_line = _width(block.text) if isinstance(block, Paragraph) else 0
    return out


def _width(text: str) -> int:
    """Printed width: a CJK character takes two columns, like the page it was wrapped on."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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
