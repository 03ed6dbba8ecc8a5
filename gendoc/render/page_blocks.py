"""The rendered HTML page as a flat list of blocks, for the paged writers (DOCX).

The HTML page is the one layout every kind already has (its template puts the sections in
the official order and takes every heading from the schema), so the paged formats follow it
rather than a second template that could drift from it: `<h1>` is the document title, `<h2>`
and `<h3>` the 一级/二级标题, paragraphs and list items body text, and a `<table
data-grid="KEY">` stands for the table grid KEY — the writer draws it from the grid
(gendoc.render.table_grid), never from the HTML cells, so every format has the same merges.

Only what gendoc's own templates and CommonMark produce is expected; any other element is
read for its text, so nothing typed into a report is ever dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    # title | heading | paragraph | table
    kind: str
    runs: list[Run] = field(default_factory=list)
    level: int = 0          # headings: 1 for <h2>, 2 for <h3>, 3 below
    align: str = "body"     # paragraphs: body (first line indented) | center
    grid: str = ""          # tables: the grid key

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dt", "dd", "figcaption"}
_SKIP_TAGS = {"head", "style", "script", "template", "title"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SPACE = re.compile(r"\s+")
# A line break in CJK prose is not a space (CommonMark keeps the source's soft breaks).
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])")


# A drawn table's cells are never read (the writer draws the grid): they are cut out before
# parsing, which is most of the page's tags. gendoc's tables hold no tables.
_GRID_TABLE = re.compile(r'(<table\b[^>]*\bdata-grid="[^"]*"[^>]*>).*?</table>', re.S)
_HEAD = re.compile(r"<head\b.*?</head>", re.S)


def page_blocks(html: str) -> list[Block]:
    parser = _Parser()
    parser.feed(_GRID_TABLE.sub(r"\1</table>", _HEAD.sub("", html, count=1)))
    parser.close()
    parser.flush()
    return parser.blocks


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._runs: list[Run] = []
        self._current: Block | None = None
        self._skip = 0          # open elements inside a skipped one (<head>, <style>, hidden)
        self._table = 0         # inside a drawn table
        self._bold = 0
        self._italic = 0
        self._lists: list[list] = []  # [ordered, next number]

    # -- structure ---------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if self._skip:  # inside <head>, <style>, or an element hidden from readers (a scroll cue)
            self._skip += tag not in _VOID
            return
        if tag in _SKIP_TAGS or attributes.get("aria-hidden") == "true":
            self._skip = int(tag not in _VOID)
            return
        if self._table:
            self._table += tag == "table"
            return
        if tag == "table":
            self.flush()
            key = attributes.get("data-grid") or ""
            if key:
                self.blocks.append(Block("table", grid=key))
                self._table = 1
            return
        if tag in ("strong", "b"):
            self._bold += 1
        elif tag in ("em", "i"):
            self._italic += 1
        elif tag == "br":
            self._text("\n", raw=True)
        elif tag in ("ul", "ol"):
            self.flush()
            self._lists.append([tag == "ol", int(attributes.get("start") or 1)])
        elif tag in _BLOCK_TAGS or tag in ("th", "td"):
            self.flush()
            self._current = _block_for(tag, attributes)
            if tag == "li" and self._lists:
                ordered, number = self._lists[-1]
                self._text(f"{number}. " if ordered else "· ", raw=True)
                self._lists[-1][1] += 1
        elif tag in ("div", "section", "header", "main", "article", "footer", "tr", "hr"):
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            self._skip -= 1
            return
        if self._table:
            self._table -= tag == "table"
            return
        if tag in ("strong", "b"):
            self._bold = max(0, self._bold - 1)
        elif tag in ("em", "i"):
            self._italic = max(0, self._italic - 1)
        elif tag in ("ul", "ol"):
            self.flush()
            if self._lists:
                self._lists.pop()
        elif tag in _BLOCK_TAGS or tag in ("div", "section", "header", "main", "th", "td", "tr"):
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._table:
            self._text(data)

    # -- text ------------------------------------------------------------------------------
    def _text(self, data: str, raw: bool = False) -> None:
        text = data if raw else _SPACE.sub(" ", data)
        if not text or (text == " " and not self._runs):
            return
        run = Run(text, bool(self._bold), bool(self._italic))
        if self._runs and self._runs[-1].bold == run.bold and self._runs[-1].italic == run.italic:
            self._runs[-1] = Run(self._runs[-1].text + text, run.bold, run.italic)
        else:
            self._runs.append(run)

    def flush(self) -> None:
        runs = [Run(_CJK_GAP.sub("", r.text), r.bold, r.italic) for r in self._runs]
        if runs:
            runs[0] = Run(runs[0].text.lstrip(" "), runs[0].bold, runs[0].italic)
            runs[-1] = Run(runs[-1].text.rstrip(" "), runs[-1].bold, runs[-1].italic)
        runs = [r for r in runs if r.text]
        if runs:
            block = self._current or Block("paragraph")
            block.runs = runs
            self.blocks.append(block)
        self._runs = []
        self._current = None


def _block_for(tag: str, attributes: dict) -> Block:
    if tag == "h1":
        return Block("title")
    if tag in ("h2", "h3", "h4", "h5", "h6"):
        return Block("heading", level=min(3, int(tag[1]) - 1))
    classes = (attributes.get("class") or "").split()
    return Block("paragraph", align="center" if "center" in classes else "body")
