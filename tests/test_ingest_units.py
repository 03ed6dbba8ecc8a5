"""The small pieces of import: the grid expander, text folding, cell figures, numerals."""
from __future__ import annotations

from decimal import Decimal

import pytest

from gendoc.check.numerals import parse_number
from gendoc.ingest.grid import expand
from gendoc.ingest.normalize import clean, figure_of, fold, label_key


def test_expand_places_cells_like_a_browser():
    # A rowspan-2 cell, a colspan-2 header, and a row whose first position is taken from above.
    rows = [[("a", 1, 2), ("b", 2, 1)], [("c", 1, 1), ("d", 1, 1)], [("e", 3, 1)]]
    assert expand(rows) == [["a", "b", "b"], ["a", "c", "d"], ["e", "e", "e"]]


def test_expand_pads_ragged_rows_and_clamps_hostile_spans():
    assert expand([[("a", 1, 1)], [("b", 1, 1), ("c", 1, 1)]]) == [["a", None], ["b", "c"]]
    # rowspan past the table's end stops at its end; colspan is clamped
    grid = expand([[("x", 5000, 99999)], [("y", 1, 1)]])
    assert len(grid) == 2 and len(grid[0]) == 1001 and grid[1][:2] == ["x", "x"]


def test_rowspan_reaching_past_a_short_row():
    rows = [[("a", 1, 1), ("b", 1, 1), ("c", 1, 2)], [("d", 1, 1)]]
    assert expand(rows) == [["a", "b", "c"], ["d", None, "c"]]


@pytest.mark.parametrize("raw, folded", [
    ("⼀⼆⼈", "一二人"),            # Kangxi radicals, as PDFs extract CJK
    ("⻓江", "长江"),                # CJK Radicals Supplement, not folded by NFKC
    ("１２３", "123"),
])
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_clean_keeps_chinese_punctuation_and_collapses_spaces():
    assert clean("\u00a0（一）予以公开\u3000 ,") == "（一）予以公开 ，"


@pytest.mark.parametrize("label, key", [
    ("3.危及“三安全一稳定”", "危及三安全一稳定"),
    ("3.危及三安全一稳定", "危及三安全一稳定"),
    ("（三） 不予公开", "不予公开"),
    ("、本年度办理结果", "本年度办理结果"),
    ("一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量"),
    ("(七)总计", "总计"),
])
def test_label_key(label, key):
    assert label_key(label) == key


@pytest.mark.parametrize("text, value, noted", [
    ("10", 10, False), ("１０", 10, False), ("1,234", 1234, False), ("", 0, True), ("—", 0, True),
    ("-", 0, True), ("无", 0, True), ("-3", -3, False), ("12.50", Decimal("12.50"), False), ("7件", 7, True),
    ("\u00a0", 0, True),
])
def test_figure_of(text, value, noted):
    figure = figure_of(text)
    assert figure is not None and figure.value == value and bool(figure.note) == noted


@pytest.mark.parametrize("text", ["自然人", "总计", "1.属于国家秘密", "2020年"])
def test_labels_are_not_figures(text):
    assert figure_of(text) is None


@pytest.mark.parametrize("text, value", [
    ("4", 4), ("四", 4), ("十", 10), ("十二", 12), ("二十六", 26), ("一百零二", 102), ("两千", 2000),
    ("一万二千三百", 12300), ("1,234", 1234), ("１２", 12), ("二〇二〇", 2020),
])
def test_numerals(text, value):
    assert parse_number(text) == value


def test_not_numerals():
    assert parse_number("是") is None and parse_number("") is None


def test_markdown_reads_raw_html_tables_in_their_place_with_their_lines():
    from gendoc.ingest.read_markdown import read_markdown
    from gendoc.ingest.document import Paragraph, Table

    text = ("# 标题\n\n三、收到和处理政府信息公开申请情况\n\n"
            "<table>\n<tr><th rowspan=\"2\">三、本年度办理结果</th><th>（一）予以公开</th><td>7</td></tr>\n"
            "<tr><th>（二）部分公开</th><td>1</td></tr>\n</table>\n\n"
            "| 行政复议·结果维持 | 行政复议·总计 |\n| :---: | :---: |\n| 1 | 1 |\n\n后文第14行\n")
    doc = read_markdown(text.encode("utf-8"), "r.md", "x")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Table", "Paragraph"]
    html_table = doc.blocks[2]
    assert isinstance(html_table, Table) and html_table.line == 5
    assert [[c.text for c in row] for row in html_table.rows] == [
        ["三、本年度办理结果", "（一）予以公开", "7"], ["三、本年度办理结果", "（二）部分公开", "1"]]
    assert html_table.rows[0][0].ident == html_table.rows[1][0].ident  # one merged cell
    assert html_table.rows[1][2].line == 7
    last = doc.blocks[-1]
    assert isinstance(last, Paragraph) and (last.text, last.line) == ("后文第14行", 14)
