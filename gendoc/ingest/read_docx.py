"""A Word file (.docx) → paragraphs and expanded tables.

python-docx reads the package; the text of a paragraph is taken from its `w:t` elements, so
a tracked insertion counts and a tracked deletion (`w:delText`) does not — the document as it
would read with every change accepted — and the number of tracked changes is a finding.
Merged cells come back from python-docx once per grid position they cover (gridSpan and
vMerge), the same cell each time: its identity is the merged cell's. A .docx is a zip: its
declared sizes are checked first, so a zip bomb is refused before anything is inflated.
Positions are paragraph numbers (tables count as one paragraph each).
"""
from __future__ import annotations

import io
import zipfile

from gendoc.diagnostics import ERROR, WARNING, Diagnostic
from gendoc.ingest.document import Cell, Paragraph, SourceDocument, Table
from gendoc.ingest.normalize import clean

MAX_INFLATED = 200 * 1024 * 1024   # a report's Word file inflates to a few MB
MAX_RATIO = 200                    # text XML compresses well, but not 1000:1
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(raw: bytes, file: str, digest: str) -> SourceDocument:
    doc = SourceDocument(file=file, digest=digest, kind_of_file="docx")
    problem = _zip_problem(raw)
    if problem:
        doc.findings.append(Diagnostic(ERROR, "I004", {"reason": problem}, file))
        return doc
    import docx  # python-docx
    from docx.table import Table as DocxTable

    word = docx.Document(io.BytesIO(raw))
    doc.title = clean(word.core_properties.title or "")
    body = word.element.body
    changes = sum(1 for el in body.iter() if el.tag in (W + "ins", W + "del"))
    if changes:
        doc.findings.append(Diagnostic(WARNING, "I019", {"count": changes}, file, 1, 1))
    number = 0
    for child in body.iterchildren():
        number += 1
        if child.tag == W + "p":
            text = clean(_text(child))
            if text:
                style = _style(child)
                doc.blocks.append(Paragraph(text, number, 1, style.lower().startswith(("heading", "title", "标题"))))
        elif child.tag == W + "tbl":
            table = DocxTable(child, word)
            rows = []
            # one number per merged cell: the dict holds each cell element, so its proxy
            # (and what it is compared by) stays the same object for the whole table
            idents: dict = {}
            for row in table.rows:
                cells = []
                for c in row.cells:
                    ident = idents.setdefault(c._tc, len(idents) + 1 + 100000 * number)
                    cells.append(Cell(clean("".join(_text(p) for p in c._tc.iter(W + "p"))), ident, number, 1))
                rows.append(cells)
            width = max((len(r) for r in rows), default=0)
            rows = [r + [Cell("", -1 - i) for i in range(width - len(r))] for r in rows if r]
            if rows:
                doc.blocks.append(Table(rows, number))
    return doc


def _text(p) -> str:
    """A paragraph's text with tracked changes accepted: w:t counts, w:delText does not."""
    return "".join(t.text or "" for t in p.iter(W + "t"))


def _style(p) -> str:
    ppr = p.find(W + "pPr")
    style = ppr.find(W + "pStyle") if ppr is not None else None
    return (style.get(W + "val") or "") if style is not None else ""


def _zip_problem(raw: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        return "不是有效的 Word（.docx）文件：不是 zip 压缩包"
    infos = archive.infolist()
    inflated = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if inflated > MAX_INFLATED or inflated / packed > MAX_RATIO:
        return f"解压后 {inflated} 字节（压缩 {packed} 字节）：疑似压缩炸弹，未解压"
    if "word/document.xml" not in {i.filename for i in infos}:
        return "不是 Word 文档：缺少 word/document.xml"
    return None
