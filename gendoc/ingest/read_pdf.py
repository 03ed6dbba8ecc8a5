"""A PDF with a text layer → paragraphs and tables, page by page.

pdfplumber finds the ruled tables of a page (cells as text, a merged cell given once and
None at the positions it covers); the words outside those tables are read as lines. PDF
fonts often map CJK to Kangxi radicals (⼀⼆⼈): every text goes through `normalize.clean`,
which folds them. Lines are joined into paragraphs unless a line ends a sentence or the next
one starts with a heading's numbering. A PDF without any text is a scan: a finding, no
guessing. Positions are page numbers.
"""
from __future__ import annotations

import io
import re

from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.ingest.document import Cell, Paragraph, SourceDocument, Table
from gendoc.ingest.normalize import CJK, PARAGRAPH_START, clean

MAX_PAGES = 200
_CJK_GAP = re.compile(f"(?<=[{CJK}])\\s+(?=[{CJK}])")
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,3}\s*(?:页)?[-—–－\s]*$")  # - 3 -, 第3页
_ENDS = ("。", "；", "！", "？", "：", ":")


def read_pdf(raw: bytes, file: str, digest: str) -> SourceDocument:
    import pdfplumber

    doc = SourceDocument(file=file, digest=digest, kind_of_file="pdf")
    ident = 0
    any_text = False
    lines: list[tuple[int, str]] = []   # (page, text) of the lines not yet made paragraphs
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        meta = pdf.metadata or {}
        doc.title = clean(str(meta.get("Title") or ""))
        for number, page in enumerate(pdf.pages[:MAX_PAGES], 1):
            if page.chars:
                any_text = True
            found = [part for part in (_table_part(t) for t in page.find_tables()) if part is not None]
            boxes = [box for _t, _first, _count, box in found]
            items: list[tuple[float, Table | str]] = []
            for t, first, count, box in found:
                rows: list[list[Cell]] = []
                for r, row in enumerate(t.extract()[first:first + count], first):
                    cells: list[Cell] = []
                    for i, text in enumerate(row):
                        if text is None:  # covered by a merged cell: the one whose box covers it
                            covering = _covering(t, r, i, first, rows, cells)
                            if covering is not None:
                                cells.append(covering)
                                continue
                        ident += 1
                        cells.append(Cell(clean(text or ""), ident, number, 1))
                    rows.append(cells)
                items.append((box[1], Table(rows, number)))
            outside = page.filter(_outside(boxes)) if boxes else page
            for line in outside.extract_text_lines(return_chars=False):
                items.append((line["top"], _unjustify(clean(line["text"]))))
            items.sort(key=lambda x: x[0])
            for _, item in items:
                if isinstance(item, Table):
                    _flush(doc, lines)
                    doc.blocks.append(item)
                elif item:
                    lines.append((number, item))
            # a paragraph goes on over the page break: lines are flushed at tables and at the end
        _flush(doc, lines)
    if not any_text:
        doc.findings.append(Diagnostic(ERROR, "I006", {}, file, 1, 1))
    return doc


def _table_part(t):
    """The part of a found table that is a table: (table, first row, row count, its box).

    Reports are often printed inside a ruled frame, and pdfplumber takes the frame for a
    table whose rows are the lines of text: rows with one cell across the whole width at the
    start or end of a "table" are running text, read as lines; a "table" of nothing else is
    no table at all."""
    rows = t.rows
    x0, _top, x1, _bottom = t.bbox

    def across(row) -> bool:
        real = [c for c in row.cells if c is not None]
        return len(real) == 1 and real[0][0] <= x0 + 2 and real[0][2] >= x1 - 2

    first, last = 0, len(rows)
    while first < last and across(rows[first]):
        first += 1
    while last > first and across(rows[last - 1]):
        last -= 1
    if first == last:
        return None
    box = (x0, rows[first].bbox[1], x1, rows[last - 1].bbox[3])
    return t, first, last - first, box


def _covering(t, r: int, i: int, first: int, rows: list, cells: list):
    """The cell already read that covers position (r, i): pdfplumber gives None for every
    position a merged cell covers, without saying whether it spans columns or rows, so the
    boxes decide (a header cell spanning two rows must not be copied to its right)."""
    boxes = [row.cells[i] for row in t.rows if i < len(row.cells) and row.cells[i] is not None]
    column = min(boxes, key=lambda b: b[2] - b[0], default=None)  # the narrowest: one column's own
    left_box = next((c for c in reversed(t.rows[r].cells[:i]) if c is not None), None)
    if cells and left_box is not None and column is not None and left_box[2] > (column[0] + column[2]) / 2:
        return cells[-1]
    if rows and i < len(rows[-1]):
        return rows[-1][i]
    return cells[-1] if cells else None


def _unjustify(text: str) -> str:
    """Justified lines come out with spaces between CJK characters (号 ， 邮 编 ： 223100):
    spaces mean nothing between them, and they break every pattern that reads the text."""
    return _CJK_GAP.sub("", text)


def _outside(boxes: list):
    def test(obj) -> bool:
        return not any(_inside(obj, b) for b in boxes)

    return test


def _inside(obj, box) -> bool:
    x0, top, x1, bottom = box
    return obj.get("x0", 0) >= x0 - 1 and obj.get("x1", 0) <= x1 + 1 and obj.get("top", 0) >= top - 1 \
        and obj.get("bottom", 0) <= bottom + 1


def _flush(doc: SourceDocument, lines: list[tuple[int, str]]) -> None:
    """Lines → paragraphs: a line continues the one before unless that one ended a
    sentence or this one starts a numbered heading. A paragraph is placed on its first page."""
    current, page = "", 0
    for number, line in ((n, x) for n, x in lines if not _PAGE_NUMBER.match(x)):
        if current and (current.endswith(_ENDS) or PARAGRAPH_START.match(line) or len(current) < 20):
            doc.blocks.append(Paragraph(current, page, 1))
            current = ""
        if not current:
            page = number
        current += line
    if current:
        doc.blocks.append(Paragraph(current, page, 1))
    lines.clear()
