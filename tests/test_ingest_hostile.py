"""Hostile variants of real published pages: each takes a real fixture, makes one mess real
pages make (a GBK page, Word span soup, `&nbsp;`, full-width digits, `—` for zero, label
variants, a missing 总计 column, reordered rows, split and merged cells, a page cut short),
and checks that the same figures come back, in the same cells, with the notes and
findings that mess should give. Every transform asserts that it changed the page."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from gendoc.build.project import Project
from gendoc.ingest.importer import Imported, import_document
from gendoc.ingest.readers import read_source
from tests.conftest import ingest_fixture

ROOT = Path(__file__).resolve().parent.parent
SH = ingest_fixture("shanghai-gov-office-2019.html")   # 2019 format, one-line portal markup


def sy() -> Path:
    """沭阳县发展和改革局 2023 (2021 format, Word span soup): kept outside the repository."""
    return ingest_fixture("shuyang-drc-2023.html")

TABLES = ("table2", "table3", "table4")


@cache
def kinds():
    return Project(ROOT).kinds


@cache
def original(path: Path) -> Imported:
    return import_document(read_source(path), kinds())


def variant(tmp_path: Path, source: Path, page: str | bytes) -> Imported:
    target = tmp_path / source.name
    if isinstance(page, str):
        target.write_text(page, encoding="utf-8")
    else:
        target.write_bytes(page)
    return import_document(read_source(target), kinds())


def changed(before: str, after: str, at_least: int = 1) -> str:
    """The transformed page, after checking the transform did something."""
    assert after != before
    assert sum(1 for a, b in zip(before, after) if a != b) + abs(len(after) - len(before)) >= at_least
    return after


def same_figures(imp: Imported, source: Path) -> None:
    for name in TABLES:
        assert imp.data[name] == original(source).data[name], name


def codes(imp: Imported) -> list[tuple[str, str]]:
    return [(d.code, d.path) for d in imp.findings if d.severity in ("error", "warning")]


def notes(imp: Imported) -> list[str]:
    return [d.message() for d in imp.findings if d.code == "I017"]


def test_gbk_page(tmp_path):
    page = SH.read_text(encoding="utf-8")
    gbk = changed(page, page.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'))
    imp = variant(tmp_path, SH, gbk.encode("gbk"))
    same_figures(imp, SH)
    assert imp.agency == "上海市人民政府办公厅"
    assert codes(imp) == codes(original(SH))   # the same real errors, nothing from decoding


def test_word_span_soup_around_and_inside_figures_and_labels(tmp_path):
    page = SH.read_text(encoding="utf-8")

    def soup_figure(m: re.Match) -> str:
        digits = m.group(1)
        head, tail = digits[:1], digits[1:]
        return (f'<p align="center"><span style="font-size:10.5pt;mso-bidi-font-size:11.0pt"><span lang="EN-US">{head}</span>'
                f'<span lang="EN-US" style="font-family:宋体">{tail}</span></span><o:p></o:p></p>')

    def soup_label(m: re.Match) -> str:
        text = m.group(1)
        return "<p>" + "".join(f'<span style="font-family:仿宋_GB2312;mso-ascii-font-family:\'Times New Roman\'">{ch}</span>'
                               for ch in text) + "<o:p></o:p></p>"

    soup = changed(page, re.sub(r'<p align="center">(\d+)</p>', soup_figure, page), at_least=50)
    soup = changed(soup, re.sub(r"<p>(\d\.[^<]{2,40})</p>", soup_label, soup), at_least=50)
    imp = variant(tmp_path, SH, soup)
    same_figures(imp, SH)
    assert codes(imp) == codes(original(SH))


def test_nbsp_around_figures(tmp_path):
    page = SH.read_text(encoding="utf-8")
    padded = changed(page, re.sub(r'<p align="center">(\d+)</p>', r'<p align="center">&nbsp;\1&nbsp;&nbsp;</p>', page), 20)
    imp = variant(tmp_path, SH, padded)
    same_figures(imp, SH)


def test_full_width_digits(tmp_path):
    page = SH.read_text(encoding="utf-8")
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    full = changed(page, re.sub(r'(<p align="center">)(\d+)(</p>)', lambda m: m[1] + m[2].translate(wide) + m[3], page), 20)
    assert "８２１" in full
    imp = variant(tmp_path, SH, full)
    same_figures(imp, SH)
    assert imp.data["table3"]["new_received"]["natural"] == 821


def test_dash_for_zero_on_the_portal_page(tmp_path):
    page = SH.read_text(encoding="utf-8")
    dashes = changed(page, page.replace('align="center">0</p>', 'align="center">—</p>'), 14)
    imp = variant(tmp_path, SH, dashes)
    same_figures(imp, SH)
    assert imp.data["table2"]["art20_5"]["licensing"]["last_year"] == 0
    assert any("「—」按 0 读取" in n for n in notes(imp))
    assert codes(imp) == codes(original(SH))  # the page's own errors, nothing more


def test_dash_and_blank_for_zero(tmp_path):
    SY = sy()
    page = SY.read_text(encoding="utf-8")
    zero = '<span style="font-family: 微软雅黑;">0</span>'
    dashes = changed(page, page.replace(zero, '<span style="font-family: 微软雅黑;">—</span>'), 60)
    imp = variant(tmp_path, SY, dashes)
    same_figures(imp, SY)
    assert imp.data["table3"]["results"]["denied"]["state_secret"]["natural"] == 0
    assert any("「—」按 0 读取" in n for n in notes(imp))
    assert codes(imp) == []


@pytest.mark.parametrize("published, variant_label, row", [
    ("3.危及“三安全一稳定”", '3.危及"三安全一稳定"', ("results", "denied", "three_security")),   # ASCII quotes
    ("1.属于国家秘密", "属于国家秘密", ("results", "denied", "state_secret")),                       # no 序号
    ("一、本年新收政府信息公开申请数量", "一、本年新收 政府信息公开  申请数量", ("new_received",)),   # extra spaces
    ("（一）予以公开", "(一)予以公开", ("results", "granted")),                                     # half-width brackets
    ("5.属于三类内部事务信息", "5．属于三类内部事务信息 ", ("results", "denied", "internal_affairs")),  # full-width dot
])
def test_label_variants(tmp_path, published, variant_label, row):
    page = SH.read_text(encoding="utf-8")
    imp = variant(tmp_path, SH, changed(page, page.replace(f"<p>{published}</p>", f"<p>{variant_label}</p>")))
    same_figures(imp, SH)
    node = imp.data["table3"]
    for step in row:
        node = node[step]
    assert node["natural"] == {"three_security": 0, "state_secret": 14, "new_received": 821, "granted": 258,
                               "internal_affairs": 5}[row[-1]]
    # read exactly: none of these is even a repair worth a note
    assert not [n for n in notes(imp) if "标签" in n]


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", page)


def test_missing_total_column_derives_the_totals(tmp_path):
    page = SH.read_text(encoding="utf-8")
    t3_start = page.index("三、收到和处理政府信息公开申请情况")
    t3_end = page.index("</table>", t3_start)
    table3 = page[t3_start:t3_end]
    without = re.sub(r'<td nowrap="nowrap"(?: rowspan="2")? style="width:62px;"><p align="center">[^<]*</p></td>', "", table3)
    assert table3.count("width:62px") == 24 and without.count("width:62px") == 0   # 总计: header and 23 rows
    imp = variant(tmp_path, SH, changed(page, page[:t3_start] + without + page[t3_end:]))
    same_figures(imp, SH)
    assert imp.derived["table3"]["new_received"]["total"] == 859
    assert imp.derived["table3"]["results"]["granted"]["total"] == 272
    # the blank published totals were the page's errors: with no 总计 column there is nothing to
    # contradict, and the prose findings stay
    assert codes(imp) == [("N010", ""), ("N010", ""), ("N011", "")]


def test_rows_reordered(tmp_path):
    page = SH.read_text(encoding="utf-8")
    rows = _rows(page)
    new_received = next(r for r in rows if "一、本年新收" in r)
    carried = next(r for r in rows if "二、上年结转" in r)
    prohibited = next(r for r in rows if "2.其他法律行政法规禁止公开" in r)
    third_party = next(r for r in rows if "4.保护第三方合法权益" in r)
    swapped = page.replace(new_received, "\0").replace(carried, new_received).replace("\0", carried)
    swapped = swapped.replace(prohibited, "\0").replace(third_party, prohibited).replace("\0", third_party)
    imp = variant(tmp_path, SH, changed(page, swapped, 100))
    same_figures(imp, SH)
    assert codes(imp) == codes(original(SH))


def test_label_cell_split_and_blank_cells_merged(tmp_path):
    page = SH.read_text(encoding="utf-8")
    split = changed(page, page.replace(
        '<td colspan="2" nowrap="nowrap" style="width:194px;"><p>（一）予以公开</p></td>',
        '<td nowrap="nowrap"><p>（一）</p></td><td nowrap="nowrap"><p>予以公开</p></td>'))
    # 科研机构 and 社会公益组织 of 一、本年新收 are blank: one cell across both columns
    blank = '<td nowrap="nowrap" style="width:47px;"><p align="center">&nbsp;</p></td><td nowrap="nowrap" style="width:66px;"><p align="center">&nbsp;</p></td>'
    row = next(r for r in _rows(split) if "一、本年新收" in r)
    merged = changed(split, split.replace(row, row.replace(blank, '<td colspan="2" nowrap="nowrap"><p align="center">&nbsp;</p></td>')))
    imp = variant(tmp_path, SH, merged)
    same_figures(imp, SH)
    assert imp.data["table3"]["new_received"]["research"] == 0 and imp.data["table3"]["new_received"]["social"] == 0


# A download that stopped in 三、本年度办理结果, just before 7.属于行政执法案卷: what came
# before the cut is read (（三）6. natural), what came after is unknown, never 0.
@pytest.mark.parametrize("source, marker, before", [
    (lambda: SH, "<p>7.属于行政执法案卷</p>", 3),
    (sy, "7.<font", 0),
], ids=["shanghai", "shuyang"])
def test_page_cut_in_table_three_is_truncated(tmp_path, source, marker, before):
    path = source()
    page = path.read_text(encoding="utf-8")
    imp = variant(tmp_path, path, changed(page, page[: page.index(marker)], 1000))
    truncated = [d for d in imp.findings if d.code == "I020"]
    assert len(truncated) == 1
    assert "在「三、收到和处理政府信息公开申请情况」处中断" in truncated[0].message()
    assert imp.data["table3"]["results"]["denied"]["process_info"]["natural"] == before
    assert imp.data["table3"]["results"]["denied"]["enforcement_file"]["natural"] is None
    assert ("I010", "table4") in codes(imp)


def test_complete_pages_are_not_called_truncated():
    for source in (SH, sy()):
        assert not [d for d in original(source).findings if d.code == "I020"]
