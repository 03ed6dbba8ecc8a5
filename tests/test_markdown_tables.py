"""The Markdown report as a code-hosting site shows it: rendered by a GFM table parser
(markdown-it-py's GFM table rule, raw HTML passed through as GitHub and Gitea do) and read back
cell by cell, merged cells expanded by gendoc's own grid expander (the browser's rule)."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from gendoc.ingest.grid import expand

GOLDEN = Path(__file__).resolve().parent / "golden"


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self.cell: list[str] | None = None
        self.spans = (1, 1)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self.cell = []
            a = dict(attrs)
            self.spans = (int(a.get("colspan") or 1), int(a.get("rowspan") or 1))

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.tables[-1][-1].append(("".join(self.cell).strip(), *self.spans))
            self.cell = None


def gfm_tables(markdown: str) -> list[list[list[str | None]]]:
    """Every table as a browser lays it out: a merged cell at each position it covers, None
    where a row leaves a position empty."""
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    parser = _Tables()
    parser.feed(html)
    return [expand(rows) for rows in parser.tables]


@pytest.mark.parametrize("report", ["zhifu-drc/2020.md", "sample-bureau/2022.md"])
def test_every_table_renders_as_a_table_of_readable_width(report):
    tables = gfm_tables((GOLDEN / report).read_text(encoding="utf-8"))
    assert len(tables) >= 8  # table 二's sub-tables, 三, 四
    for table in tables:
        assert all(None not in row for row in table), table[0]  # no row with a missing cell
        # no strip of one-character columns: a pipe table has at most eight; table 三 (ten
        # grid columns) keeps its nested labels in three narrow columns, none joined
        figures = [c for c in range(len(table[0])) if any((row[c] or "").isdigit() for row in table)]
        assert len(figures) <= 7 and not any(" / " in (cell or "") for row in table for cell in row)


def test_table_4_is_one_narrow_table_per_merged_head():
    tables = gfm_tables((GOLDEN / "zhifu-drc/2020.md").read_text(encoding="utf-8"))
    parts = [t for t in tables if t[0][0].startswith(("行政复议", "行政诉讼"))]
    assert [t[0][0] for t in parts] == ["行政复议·结果维持", "行政诉讼·未经复议直接起诉·结果维持",
                                        "行政诉讼·复议后起诉·结果维持"]
    for t in parts:
        assert len(t) == 2 and len(t[0]) == 5 and t[0][-1].endswith("总计") and t[1] == ["0"] * 5


def test_table_3_is_the_official_grid_with_its_merges():
    tables = gfm_tables((GOLDEN / "zhifu-drc/2020.md").read_text(encoding="utf-8"))
    table3 = next(t for t in tables if "申请人情况" in t[0])
    # the three header rows as published: 申请人情况 over everything, 法人或其他组织 over five
    assert table3[0][3:] == ["申请人情况"] * 7
    assert table3[1][3:] == ["自然人"] + ["法人或其他组织"] * 5 + ["总计"]
    assert table3[2][3:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    rows = {tuple(dict.fromkeys(row[:3])): row[3:] for row in table3[3:]}
    assert rows[("一、本年新收政府信息公开申请数量",)] == ["10", "0", "0", "0", "0", "0", "10"]
    assert rows[("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息")][0] == "3"
    assert rows[("三、本年度办理结果", "（一）予以公开")] == ["7", "0", "0", "0", "0", "0", "7"]
    assert rows[("四、结转下年度继续办理",)][-1] == "0"
    assert len(rows) == 23  # every row of the 2019 format's table 三


def test_the_sample_agencys_table_3_figures_sit_under_their_heads():
    tables = gfm_tables((GOLDEN / "sample-bureau/2022.md").read_text(encoding="utf-8"))
    table3 = next(t for t in tables if "申请人情况" in t[0])
    heads = table3[2]
    rows = {tuple(dict.fromkeys(row[:3])): dict(zip(heads[3:], row[3:])) for row in table3[3:]}
    granted = rows[("三、本年度办理结果", "（一）予以公开")]
    assert granted["总计"] == "28"
    assert sum(int(v) for k, v in granted.items() if k != "总计") == 28
