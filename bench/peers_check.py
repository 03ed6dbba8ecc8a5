"""Read the official tables back from a report page — gendoc's or a peer's — so that
`make bench-peers` compares tools that wrote the same figures in the same cells, never a
tool against an empty page.

`tables(html)` gives, per table caption, its rows as (label, figures): the label is the
text of the row's last header cell ("（一）予以公开"; "" for table 四's one row of figures),
the figures the texts of its data cells in order.
"""
from __future__ import annotations

from html.parser import HTMLParser

Row = tuple[str, list[str]]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[Row]] = {}
        self.caption: str | None = None
        self.text: list[str] | None = None
        self.label = ""
        self.figures: list[str] = []
        self.rows: list[Row] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("caption", "th", "td"):
            self.text = []
        elif tag == "tr":
            self.label, self.figures = "", []
        elif tag == "table":
            self.rows = []

    def handle_endtag(self, tag):
        if tag in ("caption", "th", "td") and self.text is not None:
            text = "".join(self.text).strip()
            if tag == "caption":
                self.caption = text
            elif tag == "th":
                self.label = text
            else:
                self.figures.append(text)
            self.text = None
        elif tag == "tr" and self.figures:
            self.rows.append((self.label, self.figures))
        elif tag == "table" and self.caption:
            self.tables[self.caption] = self.rows

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def tables(html: str) -> dict[str, list[Row]]:
    """Every captioned table of a page: caption → [(row label, [figure texts])]."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def figure(html: str, caption: str, label: str, column: int) -> str:
    """The text of one data cell: the table whose caption starts with `caption`, the first row
    labelled `label`, its `column`-th data cell (negative counts from the right)."""
    for title, rows in tables(html).items():
        if title.startswith(caption):
            for row_label, figures in rows:
                if row_label == label:
                    return figures[column]
            raise KeyError(f"{caption}: no row {label!r}")
    raise KeyError(f"no table {caption!r}")


# The cells `make bench-peers` and its test check by name, beyond comparing whole tables:
# (what, caption, row label, data cell, where the figure is in the report file or None for a total).
CHECKED = [
    ("收到申请数（自然人）", "三、", "一、本年新收政府信息公开申请数量", 0, ("table3", "new_received", "natural")),
    ("予以公开（总计）", "三、", "（一）予以公开", -1, None),
    ("行政复议 结果维持", "四、", "", 0, ("table4", "review", "maintained")),
]


def same_figures(reference: str, other: str, data: dict) -> list[str]:
    """What differs between two pages of one report: the named cells against the report's own
    figures, and every data cell of every table. Empty when the pages agree."""
    problems = []
    for what, caption, label, column, path in CHECKED:
        mine = figure(reference, caption, label, column)
        theirs = figure(other, caption, label, column)
        if path is not None:
            value = data
            for key in path:
                value = value[key]
            if mine != str(value):
                problems.append(f"{what}: reference page shows {mine}, the report says {value}")
        if theirs != mine:
            problems.append(f"{what}: {theirs} instead of {mine}")
    want, got = tables(reference), tables(other)
    for caption, rows in want.items():
        if caption not in got:
            problems.append(f"table {caption} missing")
        elif [figures for _, figures in got[caption]] != [figures for _, figures in rows]:
            problems.append(f"table {caption}: figures differ")
    return problems
