"""The Markdown report as a code-hosting site shows it: rendered by a GFM table parser
(markdown-it-py's GFM table rule) and read back cell by cell."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

GOLDEN = Path(__file__).resolve().parent / "golden"


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self.cell = []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None


def gfm_tables(markdown: str) -> list[list[list[str]]]:
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    parser = _Tables()
    parser.feed(html)
    return parser.tables


@pytest.mark.parametrize("report", ["zhifu-drc/2020.md", "sample-bureau/2022.md"])
def test_every_table_renders_as_a_table_of_readable_width(report):
    tables = gfm_tables((GOLDEN / report).read_text(encoding="utf-8"))
    assert len(tables) >= 8  # table 二's sub-tables, 三, 四
    for table in tables:
        widths = {len(row) for row in table}
        assert len(widths) == 1, table[0]       # no row with a stray or missing cell
        assert widths.pop() <= 8                # no strip of one-character columns


def test_table_4_is_one_narrow_table_per_merged_head():
    tables = gfm_tables((GOLDEN / "zhifu-drc/2020.md").read_text(encoding="utf-8"))
    parts = [t for t in tables if t[0][0].startswith(("行政复议", "行政诉讼"))]
    assert [t[0][0] for t in parts] == ["行政复议·结果维持", "行政诉讼·未经复议直接起诉·结果维持",
                                        "行政诉讼·复议后起诉·结果维持"]
    for t in parts:
        assert len(t) == 2 and len(t[0]) == 5 and t[0][-1].endswith("总计") and t[1] == ["0"] * 5


def test_table_3_keeps_its_rows_with_their_official_labels():
    tables = gfm_tables((GOLDEN / "zhifu-drc/2020.md").read_text(encoding="utf-8"))
    table3 = next(t for t in tables if t[0][1] == "自然人")
    assert table3[0][-1] == "总计"
    rows = {row[0]: row[1:] for row in table3[1:]}
    assert rows["一、本年新收政府信息公开申请数量"] == ["10", "0", "0", "0", "0", "0", "10"]
    assert rows["三、本年度办理结果 / （四）无法提供 / 1.本机关不掌握相关政府信息"][0] == "3"
