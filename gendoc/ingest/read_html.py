"""A saved web page → paragraphs and expanded tables.

lxml's HTML parser (libxml2) copes with the markup real portals publish: unclosed tags,
Word-pasted `<span>` soup, `<o:p>` and conditional comments. The page is decoded here, not
by the parser: pages declare `gb2312` and then use GBK characters, so every GB encoding is
read as GB18030 (its superset), and a page with no declaration is tried as UTF-8, then GB18030.

Portals wrap the article in layout tables; a table that contains another table is layout,
and its cells are read as ordinary content. Only innermost tables are data tables.
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

from gendoc.diagnostics import WARNING, Diagnostic
from gendoc.ingest.document import Cell, Paragraph, SourceDocument, Table
from gendoc.ingest.grid import expand
from gendoc.ingest.normalize import clean, join_lines

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
          "blockquote", "pre", "center", "header", "footer", "main", "dl", "dt", "dd", "tr", "form",
          "address", "figure", "figcaption", "caption", "hr", "body", "font-block"}
_SKIP = {"script", "style", "noscript", "head", "template", "iframe", "object", "select", "button"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Where CMSs used in Chinese government portals put the publication time.
_META_PUBLISHED = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time",
                   "dc.date", "dcterms.issued", "dcterms.created", "publishtime", "pub_date")


def decode_page(raw: bytes) -> tuple[str, str, bool]:
    """(text, encoding used, whether undecodable bytes were replaced)."""
    head = raw[:4096]
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace"), "utf-8", b"\xef\xbf\xbd" in raw
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", "replace"), "utf-16", False
    m = _DECLARED.search(head)
    declared = m.group(1).decode("ascii", "replace").lower() if m else ""
    candidates = (["gb18030"] if declared in _GB else [declared] if declared else []) + ["utf-8", "gb18030"]
    for enc in dict.fromkeys(candidates):
        try:
            return raw.decode(enc), enc, False
        except (UnicodeDecodeError, LookupError):
            continue
    enc = "gb18030" if declared in _GB else "utf-8"
    return raw.decode(enc, "replace"), enc, True


def read_html(raw: bytes, file: str, digest: str) -> SourceDocument:
    text, encoding, damaged = decode_page(raw)
    doc = SourceDocument(file=file, digest=digest, kind_of_file="html")
    if damaged:
        doc.findings.append(Diagnostic(WARNING, "I003", {"encoding": encoding}, file, 1, 1))
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError):
        return doc
    title = root.find(".//title")
    if title is not None:
        doc.title = clean(title.text_content())
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in _META_PUBLISHED and meta.get("content") and doc.published is None:
            doc.published = clean(meta.get("content"))
    body = root.find("body")
    _Walker(doc).walk(body if body is not None else root)
    return doc


class _Walker:
    def __init__(self, doc: SourceDocument):
        self.doc = doc
        self.buffer: list[str] = []
        self.line = 0
        self.heading = False
        self.next_ident = 0

    def flush(self) -> None:
        text = clean(join_lines("".join(self.buffer)))
        if text:
            self.doc.blocks.append(Paragraph(text, self.line, 1, self.heading))
        self.buffer = []
        self.line = 0
        self.heading = False

    def add_text(self, text: str | None, line: int) -> None:
        if text:
            if not self.buffer or not "".join(self.buffer).strip():
                self.line = line
            self.buffer.append(text)

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comment or processing instruction: only its tail is text
            self.add_text(el.tail, getattr(el, "sourceline", 0) or 0)
            return
        tag = tag.lower().split(":")[-1]
        line = el.sourceline or 0
        if tag in _SKIP:
            pass
        elif tag == "table" and el.find(".//table") is None:
            self.flush()
            self.table(el)
        elif tag == "br":
            self.flush()
        elif tag in _BLOCK or tag in ("table", "tbody", "thead", "tfoot", "td", "th"):
            self.flush()
            self.heading = tag in _HEADINGS
            self.add_text(el.text, line)
            for child in el:
                self.walk(child)
            self.flush()
        else:
            self.add_text(el.text, line)
            for child in el:
                self.walk(child)
        if tag != "html":
            self.add_text(el.tail, line)

    def table(self, el) -> None:
        rows = []
        for tr in el.iter("tr"):
            row = []
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                    continue
                text = clean(join_lines("".join(_cell_text(td))))
                self.next_ident += 1
                cell = Cell(text, self.next_ident, td.sourceline or 0, 1)
                row.append((cell, _span(td.get("colspan")), _span(td.get("rowspan"))))
            rows.append(row)
        grid = expand(rows)
        filled = [[c if c is not None else Cell("", -1 - i) for i, c in enumerate(row)] for row in grid]
        filled = [row for row in filled if row]
        if filled:
            self.doc.blocks.append(Table(filled, el.sourceline or 0))


def _cell_text(td) -> list[str]:
    """Text of a cell; <br> and paragraphs inside a cell join without a space (labels are
    wrapped across lines: 本年新<br>制作数量)."""
    out = []
    if td.text:
        out.append(td.text)
    for child in td:
        if isinstance(child.tag, str) and child.tag.lower() not in _SKIP:
            out.extend(_cell_text(child))
        if child.tail:
            out.append(child.tail)
    return out


def _span(value: str | None) -> int:
    m = re.match(r"\s*(\d+)", value or "")
    return int(m.group(1)) if m and int(m.group(1)) > 0 else 1
