"""Read the official tables back from a report page — gendoc's or a peer's, HTML or
Markdown — so that `make bench-peers` compares tools that wrote the same figures in the same
cells, never a tool against an empty page.

`tables(page, fmt)` gives, per table, its rows as (label, figures). In HTML a table is named
by its caption; the label is the text of the row's last header cell ("（一）予以公开"; "" for
table 四's one row of figures), the figures the texts of its data cells in order. In Markdown
a table is named by the `##` heading above it and may be several pipe tables (表二's
sub-tables, 表四's column groups) or an HTML table (表三, whose rows nest): a pipe row's label
is its last left-aligned cell ("" when none is), its figures the other cells; an HTML table's
rows are read as above.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

Row = tuple[str, list[str]]
_PIPE = re.compile(r"(?<!\\)\|")  # a cell border: `|` not escaped as `\|`


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


def tables(page: str, fmt: str = "html") -> dict[str, list[Row]]:
    """Every table of a page: caption (HTML) or heading (Markdown) → [(row label, [figure texts])]."""
    if fmt == "md":
        return _markdown_tables(page)
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def _pipe_cells(line: str) -> list[str]:
    return [cell.strip().replace("\\|", "|").replace("\\\\", "\\") for cell in _PIPE.split(line.strip())[1:-1]]


def _markdown_tables(markdown: str) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = {}
    heading = ""
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            heading = line[3:].strip()
        elif line.startswith("<table"):  # an HTML block: up to its closing tag
            end = next((j for j in range(i, len(lines)) if lines[j].startswith("</table>")), len(lines) - 1)
            parser = _Tables()
            parser.feed("\n".join(lines[i:end + 1]))
            found.setdefault(heading, []).extend(parser.rows)
            i = end
        elif line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|"):
            # a pipe table: its header line, the alignment line (`:---` marks a label column),
            # then its rows
            labels = sum(1 for cell in _pipe_cells(lines[i + 1]) if not cell.endswith(":"))
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = _pipe_cells(lines[i])
                found.setdefault(heading, []).append((cells[labels - 1] if labels else "", cells[labels:]))
                i += 1
            continue
        i += 1
    return found


def figure(page: str, caption: str, label: str, column: int, fmt: str = "html") -> str:
    """The text of one data cell: the table whose caption starts with `caption`, the first row
    labelled `label`, its `column`-th data cell (negative counts from the right)."""
    for title, rows in tables(page, fmt).items():
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


def same_figures(reference: str, other: str, data: dict, fmt: str = "html") -> list[str]:
    """What differs between two pages of one report in one format (gendoc's page first): the
    named cells against the report's own figures, and every data cell of every table, row by
    row under the same labels. Empty when the pages agree."""
    problems = []
    for what, caption, label, column, path in CHECKED:
        mine = figure(reference, caption, label, column, fmt)
        try:
            theirs = figure(other, caption, label, column, fmt)
        except (KeyError, IndexError) as missing:
            problems.append(f"{what}: {missing}")
            continue
        if path is not None:
            value = data
            for key in path:
                value = value[key]
            if mine != str(value):
                problems.append(f"{what}: reference page shows {mine}, the report says {value}")
        if theirs != mine:
            problems.append(f"{what}: {theirs} instead of {mine}")
    want, got = tables(reference, fmt), tables(other, fmt)
    if not want:
        problems.append("no tables in the reference page")
    for caption, rows in want.items():
        if caption not in got:
            problems.append(f"table {caption} missing")
        elif got[caption] != rows:
            differ = [f"{label or '(figures)'}: {theirs} instead of {mine}"
                      for (label, mine), (_, theirs) in zip(rows, got[caption]) if mine != theirs]
            problems.append(f"table {caption}: " + ("; ".join(differ) if differ else
                            f"{len(got[caption])} rows instead of {len(rows)}, or other labels"))
    return problems
