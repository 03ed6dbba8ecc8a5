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
from gendoc.ingest.normalize import clean

MAX_PAGES = 200
_ENDS = ("。", "；", "！", "？", "：", ":")
_STARTS = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]|[一二三四五六七八九十]是)")


def read_pdf(raw: bytes, file: str, digest: str) -> SourceDocument:
    import pdfplumber

    doc = SourceDocument(file=file, digest=digest, kind_of_file="pdf")
    ident = 0
    any_text = False
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        meta = pdf.metadata or {}
        doc.title = clean(str(meta.get("Title") or ""))
        for number, page in enumerate(pdf.pages[:MAX_PAGES], 1):
            if page.chars:
                any_text = True
            found = page.find_tables()
            boxes = [t.bbox for t in found]
            items: list[tuple[float, Table | str]] = []
            for t in found:
                rows: list[list[Cell]] = []
                for row in t.extract():
                    cells: list[Cell] = []
                    for i, text in enumerate(row):
                        if text is None:  # covered by a merged cell: the one to its left, else above
                            if cells:
                                cells.append(cells[-1])
                                continue
                            if rows and i < len(rows[-1]):
                                cells.append(rows[-1][i])
                                continue
                        ident += 1
                        cells.append(Cell(clean(text or ""), ident, number, 1))
                    rows.append(cells)
                items.append((t.bbox[1], Table(rows, number)))
            outside = page.filter(_outside(boxes)) if boxes else page
            for line in outside.extract_text_lines(return_chars=False):
                items.append((line["top"], clean(line["text"])))
            items.sort(key=lambda x: x[0])
            lines: list[str] = []
            for _, item in items:
                if isinstance(item, Table):
                    _flush(doc, lines, number)
                    doc.blocks.append(item)
                elif item:
                    lines.append(item)
            _flush(doc, lines, number)
    if not any_text:
        doc.findings.append(Diagnostic(ERROR, "I006", {}, file, 1, 1))
    return doc


def _outside(boxes: list):
    def test(obj) -> bool:
        return not any(_inside(obj, b) for b in boxes)

    return test


def _inside(obj, box) -> bool:
    x0, top, x1, bottom = box
    return obj.get("x0", 0) >= x0 - 1 and obj.get("x1", 0) <= x1 + 1 and obj.get("top", 0) >= top - 1 \
        and obj.get("bottom", 0) <= bottom + 1


def _flush(doc: SourceDocument, lines: list[str], page: int) -> None:
    """Lines → paragraphs: a line continues the one before unless that one ended a
    sentence or this one starts a numbered heading."""
    current = ""
    for line in lines:
        if current and (current.endswith(_ENDS) or _STARTS.match(line) or len(current) < 20):
            doc.blocks.append(Paragraph(current, page, 1))
            current = line
        else:
            current += line
    if current:
        doc.blocks.append(Paragraph(current, page, 1))
    lines.clear()
