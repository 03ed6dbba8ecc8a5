"""The Word output: 公文 page set-up, official fonts, the tables' merged cells equal to the
HTML page's, repeated heads, unsplit rows, page numbers — read from the file's own XML."""
from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from gendoc.build.project import Project
from gendoc.render.engine import render_documents

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def rendered(report: str) -> tuple[bytes, str]:
    project = Project(ROOT)
    path = ROOT / "reports" / report
    result = project.check(path)
    assert result.ok, result.diagnostics
    prev = project.previous(path, result.year)
    out = render_documents(result.kind, result.report.data, prev.data if prev else None, ["html", "docx"],
                           result.report.sourcemap)
    assert out["docx"].diagnostics == []
    return out["docx"].text, out["html"].text


@pytest.fixture(scope="module")
def seed() -> tuple[dict[str, ET.Element], str, bytes]:
    data, html = rendered("zhifu-drc/2020.yaml")
    return parts(data), html, data


def parts(data: bytes) -> dict[str, ET.Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: ET.fromstring(archive.read(name)) for name in archive.namelist() if name.endswith(".xml")}


def attr(element: ET.Element, name: str) -> str | None:
    return element.get(W + name)


def style(styles: ET.Element, style_id: str) -> ET.Element:
    found = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
    assert found is not None, style_id
    return found


# -- the page -----------------------------------------------------------------------------------

def test_a4_with_the_gongwen_margins_in_twips(seed):
    xml, _, _ = seed
    body = xml["word/document.xml"].find("w:body", NS)
    first = body.find(".//w:sectPr", NS)  # the first section's: portrait
    size, margins = first.find("w:pgSz", NS), first.find("w:pgMar", NS)
    assert (attr(size, "w"), attr(size, "h")) == ("11906", "16838")      # 210 × 297 mm
    assert attr(margins, "top") == "2098"       # 天头 37 mm
    assert attr(margins, "bottom") == "1984"    # 35 mm
    assert attr(margins, "left") == "1587"      # 订口 28 mm
    assert attr(margins, "right") == "1474"     # 26 mm: 版心 156 mm wide
    settings = xml["word/settings.xml"]
    assert settings.find("w:mirrorMargins", NS) is not None      # 订口 on the binding side
    assert settings.find("w:evenAndOddHeaders", NS) is not None  # odd and even footers


def test_22_lines_of_28_characters(seed):
    xml, _, _ = seed
    grid = xml["word/document.xml"].find(".//w:sectPr/w:docGrid", NS)
    assert attr(grid, "linePitch") == "579"  # 225 mm / 22 lines, in twips
    normal = style(xml["word/styles.xml"], "Normal")
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert (attr(spacing, "line"), attr(spacing, "lineRule")) == ("579", "exact")
    size = int(attr(normal.find("w:rPr/w:sz", NS), "val")) * 10  # half-points → twips
    condensed = int(attr(normal.find("w:rPr/w:spacing", NS), "val"))
    assert (8844 // (size + condensed)) == 28  # 156 mm = 8844 twips hold exactly 28 characters


@pytest.mark.parametrize("style_id, font, half_points", [
    ("Normal", "仿宋_GB2312", 32),      # body 3号仿宋
    ("Title", "方正小标宋简体", 44),     # title 2号小标宋
    ("Heading1", "黑体", 32),           # 一级标题 3号黑体
    ("Heading2", "楷体_GB2312", 32),    # 二级标题 3号楷体
    ("Footer", "宋体", 28),             # page numbers 4号宋体
])
def test_official_fonts_are_east_asian_fonts(seed, style_id, font, half_points):
    xml, _, _ = seed
    found = style(xml["word/styles.xml"], style_id)
    assert attr(found.find("w:rPr/w:rFonts", NS), "eastAsia") == font
    assert attr(found.find("w:rPr/w:sz", NS), "val") == str(half_points)
    # No theme font may override the official one.
    defaults = xml["word/styles.xml"].find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert not any(name.endswith("Theme") for name in defaults.attrib)


def test_title_centred_and_headings_in_their_styles(seed):
    xml, _, _ = seed
    assert attr(style(xml["word/styles.xml"], "Title").find("w:pPr/w:jc", NS), "val") == "center"
    paragraphs = xml["word/document.xml"].findall(".//w:body/w:p", NS)
    by_style = {}
    for p in paragraphs:
        s = p.find("w:pPr/w:pStyle", NS)
        by_style.setdefault(attr(s, "val") if s is not None else "Normal", []).append(text_of(p))
    assert by_style["Title"] == ["烟台市芝罘区发展和改革局2020年政府信息公开工作年度报告"]
    assert by_style["Heading1"][:3] == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
    assert "（一）主动公开情况" in by_style["Heading2"]


def text_of(element: ET.Element) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t"))


def test_the_prose_says_what_the_table_says(seed):
    xml, _, _ = seed
    body = text_of(xml["word/document.xml"])
    assert "收到政府信息公开申请10件" in body
    assert "收到政府信息公开申请4件" not in body


# -- page numbers ------------------------------------------------------------------------------

def test_page_numbers_right_on_odd_pages_left_on_even_pages(seed):
    xml, _, _ = seed
    rels = ET.fromstring(zipfile.ZipFile(io.BytesIO(seed[2])).read("word/_rels/document.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    sect = xml["word/document.xml"].find(".//w:sectPr", NS)
    refs = {attr(r, "type"): targets[r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
            for r in sect.findall("w:footerReference", NS)}
    assert set(refs) == {"default", "even"}
    for kind, side in (("default", "right"), ("even", "left")):
        footer = xml["word/" + refs[kind]]
        p = footer.find("w:p", NS)
        assert attr(p.find("w:pPr/w:jc", NS), "val") == side
        assert attr(p.find("w:pPr/w:ind", NS), side) == "280"  # one 4号 character in
        instr = "".join(t.text for t in p.iter(W + "instrText"))
        assert instr.strip() == "PAGE"
        assert text_of(p) == "— 1 —"  # 一字线, the field's cached number, 一字线


# -- tables: the same merged cells as the HTML page -------------------------------------------

class _HtmlTables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[tuple]]] = {}
        self.current = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("data-grid"):
            self.current = self.tables[a["data-grid"]] = []
        elif self.current is not None and tag == "tr":
            self.current.append([])
        elif self.current is not None and tag in ("th", "td"):
            self.cell = [int(a.get("rowspan", 1)), int(a.get("colspan", 1)), ""]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.current[-1].append((" ".join(self.cell[2].split()), self.cell[0], self.cell[1]))
            self.cell = None
        elif tag == "table":
            self.current = None


def html_tables(html: str) -> dict[str, list[list[tuple]]]:
    parser = _HtmlTables()
    parser.feed(html)
    return parser.tables


def docx_tables(document: ET.Element) -> list[list[list[tuple]]]:
    """Each Word table as rows of (text, rowspan, colspan), continuation cells of a vertical
    merge counted into the rowspan of the cell that starts it, as HTML writes them."""
    out = []
    for table in document.iter(W + "tbl"):
        rows = table.findall("w:tr", NS)
        placed: list[list[tuple]] = []
        starts: dict[tuple[int, int], list] = {}
        for r, tr in enumerate(rows):
            row: list = []
            col = 0
            for tc in tr.findall("w:tc", NS):
                span_el = tc.find("w:tcPr/w:gridSpan", NS)
                span = int(attr(span_el, "val")) if span_el is not None else 1
                merge = tc.find("w:tcPr/w:vMerge", NS)
                if merge is not None and attr(merge, "val") != "restart":
                    starts[(r - 1, col)][1] += 1
                    starts[(r, col)] = starts.pop((r - 1, col))
                else:
                    cell = [text_of(tc), 1, span]
                    row.append(cell)
                    if merge is not None:
                        starts[(r, col)] = cell
                col += span
            placed.append(row)
        out.append([[tuple(c) for c in row] for row in placed])
    return out


def test_every_table_has_exactly_the_merged_cells_of_the_html_page(seed):
    xml, html, _ = seed
    expected = html_tables(html)
    found = docx_tables(xml["word/document.xml"])
    assert list(expected) == ["table2", "table3", "table4"]
    assert len(found) == 3
    for key, table in zip(expected, found):
        assert table == expected[key], key
    table3 = found[1]
    spans = [c for row in table3 for c in row]
    # table 三 of the 2019 format: merges in both directions, counted as the HTML writes them
    assert sum(1 for c in spans if c[1] > 1) == sum(1 for row in expected["table3"] for c in row if c[1] > 1) > 3
    assert sum(1 for c in spans if c[2] > 1) == sum(1 for row in expected["table3"] for c in row if c[2] > 1) > 3
    assert ("一、本年新收政府信息公开申请数量", 1, 3) in table3[3]
    assert [c[0] for c in table3[3][1:]] == ["10", "0", "0", "0", "0", "0", "10"]


def test_column_heads_repeat_on_every_page_and_rows_never_split(seed):
    xml, html, _ = seed
    tables = list(xml["word/document.xml"].iter(W + "tbl"))
    heads = [sum(1 for tr in t.findall("w:tr", NS) if tr.find("w:trPr/w:tblHeader", NS) is not None) for t in tables]
    assert heads == [0, 3, 3]  # 表二 has no column head; 表三 and 表四 three head rows each
    for t in tables:
        rows = t.findall("w:tr", NS)
        assert all(tr.find("w:trPr/w:cantSplit", NS) is not None for tr in rows)
        flags = [tr.find("w:trPr/w:tblHeader", NS) is not None for tr in rows]
        assert flags == sorted(flags, reverse=True)  # head rows come first
        # a row of heads only keeps with the next row: no page ends on heads without figures
        for tr in rows:
            figures = any(tc.findtext(".//w:t", "", NS).strip().isdigit() for tc in tr.findall("w:tc", NS))
            kept = [p.find("w:pPr/w:keepNext", NS) is not None for p in tr.iter(W + "p")]
            assert kept == [not figures] * len(kept), "".join(tr.itertext())
    table2_rows = ["".join(tr.itertext()) for tr in tables[0].findall("w:tr", NS)
                   if tr.find(".//w:keepNext", NS) is not None]
    assert table2_rows[:2] == ["第二十条第（一）项", "信息内容本年新制作数量本年新公开数量对外公开总数量"]


def test_tables_fit_the_type_area(seed):
    xml, _, _ = seed
    document = xml["word/document.xml"]
    sections = document.findall(".//w:sectPr", NS)
    orientations = [attr(s.find("w:pgSz", NS), "orient") for s in sections]
    assert orientations == [None, "landscape", None]  # 表四 (15 columns) turns its page
    for table in document.iter(W + "tbl"):
        widths = [int(attr(c, "w")) for c in table.findall("w:tblGrid/w:gridCol", NS)]
        assert sum(widths) in (8844, 12756)  # the 版心: 156 mm, or 225 mm on a landscape page
        # the table's stated width is its columns' (a non-number here makes Word repair the file)
        table_width = table.find("w:tblPr/w:tblW", NS)
        assert (attr(table_width, "w"), attr(table_width, "type")) == (str(sum(widths)), "dxa")


def test_same_report_same_bytes():
    first, _ = rendered("zhifu-drc/2020.yaml")
    again, _ = rendered("zhifu-drc/2020.yaml")
    assert first == again


@pytest.mark.parametrize("report", ["sample-bureau/2022.yaml", "sample-city-portal/2022.yaml"])
def test_other_kinds_render_through_the_same_mechanism(report):
    """The 2021 format and the 政府网站工作年度报表: no code of their own, the same grids."""
    data, html = rendered(report)
    xml = parts(data)
    expected = html_tables(html)
    assert docx_tables(xml["word/document.xml"]) == list(expected.values())
