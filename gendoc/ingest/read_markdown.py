"""Markdown → paragraphs and tables: the text and pipe tables as `read_text` reads them, and
raw HTML tables — which gendoc writes for tables whose labels nest (表三), and which people
paste from web pages — by the HTML reader, each in its place.

An HTML table in Markdown is a block of raw HTML: it starts on a line of its own with
`<table` and ends with `</table>`. The two readers each see the whole file with the other's
part blanked out line for line, so every paragraph, table and cell keeps its own line number.
"""
from __future__ import annotations

import re

from gendoc.diagnostics import WARNING, Diagnostic
from gendoc.ingest.document import SourceDocument
from gendoc.ingest.read_html import decode_page, read_html
from gendoc.ingest.read_text import read_text

_HTML_TABLE = re.compile(r"^[ ]{0,3}<table\b.*?</table>[ \t]*$", re.S | re.M | re.I)


def read_markdown(raw: bytes, file: str, digest: str) -> SourceDocument:
    text, encoding, damaged = decode_page(raw)
    tables = list(_HTML_TABLE.finditer(text))
    if not tables:
        return read_text(raw, file, digest)
    prose, markup, at = [], [], 0
    for match in tables:
        prose += [text[at:match.start()], _blank(match.group(0))]
        markup += [_blank(text[at:match.start()]), match.group(0)]
        at = match.end()
    prose.append(text[at:])
    doc = read_text("".join(prose).encode("utf-8"), file, digest)
    doc.findings = [Diagnostic(WARNING, "I003", {"encoding": encoding}, file, 1, 1)] if damaged else []
    page = '<meta charset="utf-8">' + "".join(markup)
    found = read_html(page.encode("utf-8"), file, digest).tables()
    # each table in its place among the text's blocks, by line
    for table in found:
        position = next((i for i, b in enumerate(doc.blocks) if b.line > table.line), len(doc.blocks))
        doc.blocks.insert(position, table)
    return doc


def _blank(text: str) -> str:
    """As many line breaks as `text` has: what stands in for the other reader's part."""
    return "\n" * text.count("\n")
