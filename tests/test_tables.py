"""Schema-driven grids: the official tables, merged cells and labels included.

The expected labels are copied from the format specification (spec/report-format.md §3–§5),
not derived from the schema: these tests are what catches a schema title that drifted.
"""
from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path

import pytest

from gendoc.kind.registry import KindRegistry
from gendoc.kind.labels import SchemaIndex
from gendoc.render.table_grid import Cell, GridError, build_grid

ROOT = Path(__file__).resolve().parent.parent
COLS = ["natural", "commercial", "research", "social", "legal", "org_other"]

CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_HEADER = [
    [CORNER] * 3 + ["申请人情况"] * 7,
    [CORNER] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
    [CORNER] * 3 + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
]
RESULTS = "三、本年度办理结果"
# spec §4.3 (2019): the rows of §4.2 with （六）其他处理 as one row.
T3_ROWS_2019 = [
    ["一、本年新收政府信息公开申请数量"],
    ["二、上年结转政府信息公开申请数量"],
    [RESULTS, "（一）予以公开"],
    [RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    [RESULTS, "（三）不予公开", "1.属于国家秘密"],
    [RESULTS, "（三）不予公开", "2.其他法律行政法规禁止公开"],
    [RESULTS, "（三）不予公开", "3.危及“三安全一稳定”"],
    [RESULTS, "（三）不予公开", "4.保护第三方合法权益"],
    [RESULTS, "（三）不予公开", "5.属于三类内部事务信息"],
    [RESULTS, "（三）不予公开", "6.属于四类过程性信息"],
    [RESULTS, "（三）不予公开", "7.属于行政执法案卷"],
    [RESULTS, "（三）不予公开", "8.属于行政查询事项"],
    [RESULTS, "（四）无法提供", "1.本机关不掌握相关政府信息"],
    [RESULTS, "（四）无法提供", "2.没有现成信息需要另行制作"],
    [RESULTS, "（四）无法提供", "3.补正后申请内容仍不明确"],
    [RESULTS, "（五）不予处理", "1.信访举报投诉类申请"],
    [RESULTS, "（五）不予处理", "2.重复申请"],
    [RESULTS, "（五）不予处理", "3.要求提供公开出版物"],
    [RESULTS, "（五）不予处理", "4.无正当理由大量反复申请"],
    [RESULTS, "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"],
    [RESULTS, "（六）其他处理"],
    [RESULTS, "（七）总计"],
    ["四、结转下年度继续办理"],
]
T3_OTHER_2021 = [
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
]


# -- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kind():
    return KindRegistry(ROOT).get("annual-report-2019")


def t3_row(seed: int) -> dict:
    """A row with distinct figures (so a cell in the wrong place shows) and its 总计."""
    row = {c: seed * 10 + i for i, c in enumerate(COLS)}
    row["total"] = sum(row.values())
    return row


def table3_data(index: SchemaIndex) -> dict:
    """Every row of the schema's table 三 filled, derived rows added by hand (as rules.py would)."""
    seed = iter(range(1, 100))

    def fill(path: tuple) -> dict:
        out = {}
        for key in index.properties(path):
            child = path + (key,)
            props = index.properties(child)
            if "natural" in props:
                if index.get(child, "x-derived"):
                    continue
                out[key] = t3_row(next(seed))
            else:
                out[key] = fill(child)
        return out

    data = fill(("table3",))
    results = data["results"]
    leaves = []

    def collect(node: dict) -> None:
        for value in node.values():
            if "natural" in value:
                leaves.append(value)
            else:
                collect(value)

    collect(results)
    results["total"] = {c: sum(r[c] for r in leaves) for c in COLS + ["total"]}
    return {"table3": data}


def table2_data() -> dict:
    return {"table2": {
        "art20_1": {"regulations": {"new_made": 1, "new_published": 2, "total_published": 3},
                    "normative": {"new_made": 4, "new_published": 5, "total_published": 6}},
        "art20_5": {"licensing": {"last_year": 6, "change": 3, "decisions": 7},
                    "other_services": {"last_year": 0, "change": 0, "decisions": 0}},
        "art20_6": {"penalty": {"last_year": 24, "change": -2, "decisions": 9},
                    "coercion": {"last_year": 4, "change": 0, "decisions": 1}},
        "art20_8": {"fees": {"last_year": 2, "change": -1}},
        "art20_9": {"procurement": {"projects": 5, "amount": Decimal("12.50"), "amount_unit": "万元"}},
    }}


def table4_data() -> dict:
    groups = {}
    for g, base in (("review", 1), ("direct_suit", 11), ("suit_after_review", 21)):
        row = {"maintained": base, "corrected": base + 1, "other": base + 2, "pending": base + 3}
        row["total"] = sum(row.values())
        groups[g] = row
    return {"table4": groups}


def matrix(rows: list[list[Cell]]) -> list[list[Cell]]:
    """An independent reading of the grid the way a browser lays out rowspan/colspan."""
    out: list[list[Cell | None]] = [[] for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while c < len(out[r]) and out[r][c] is not None:
                c += 1
            for dr in range(cell.rowspan):
                target = out[r + dr]
                while len(target) < c + cell.colspan:
                    target.append(None)
                for dc in range(cell.colspan):
                    assert target[c + dc] is None, f"overlap at row {r + dr}, col {c + dc}"
                    target[c + dc] = cell
            c += cell.colspan
    return out  # type: ignore[return-value]


def texts(row: list[Cell]) -> list[str]:
    return [c.text for c in row]


def distinct(cells: list[Cell]) -> list[str]:
    out: list[str] = []
    for cell in cells:
        if not out or out[-1] != cell.text:
            out.append(cell.text)
    return out


# -- 表三 ------------------------------------------------------------------------------------

def test_table3_2019_grid(kind):
    data = table3_data(kind.index)
    grid = build_grid(kind.index, data, "table3")
    assert grid.title == "三、收到和处理政府信息公开申请情况"
    assert grid.width == 10
    m = matrix(grid.rows())
    assert all(len(row) == 10 and None not in row for row in m)
    assert [texts(row) for row in m[:3]] == T3_HEADER
    body = m[3:]
    assert [distinct(row[:3]) for row in body] == T3_ROWS_2019

    results_cell = next(c for row in grid.body_rows for c in row if c.text == RESULTS)
    assert results_cell.rowspan == 20 and results_cell.colspan == 1
    spans = {c.text: (c.rowspan, c.colspan) for row in grid.body_rows for c in row if not c.numeric}
    assert spans["（三）不予公开"] == (8, 1)
    assert spans["（四）无法提供"] == (3, 1)
    assert spans["（五）不予处理"] == (5, 1)
    assert spans["（一）予以公开"] == (1, 2)
    assert spans["（六）其他处理"] == (1, 2)
    assert spans["（七）总计"] == (1, 2)
    assert spans["一、本年新收政府信息公开申请数量"] == (1, 3)
    assert spans["四、结转下年度继续办理"] == (1, 3)
    corner = grid.header_rows[0][0]
    assert (corner.text, corner.rowspan, corner.colspan) == (CORNER, 3, 3)

    # Figures: each row's 7 cells in column order, derived 总计 column and （七）总计 row included.
    t3 = data["table3"]
    assert texts(body[0][3:]) == [str(t3["new_received"][c]) for c in COLS + ["total"]]
    row = body[[r[-1] for r in T3_ROWS_2019].index("1.本机关不掌握相关政府信息")]
    assert [c.value for c in row[3:]] == [t3["results"]["unable"]["not_held"][c] for c in COLS + ["total"]]
    total_row = body[[r[-1] for r in T3_ROWS_2019].index("（七）总计")]
    assert [c.value for c in total_row[3:]] == [t3["results"]["total"][c] for c in COLS + ["total"]]
    assert all(c.numeric and not c.header for c in total_row[3:])
    assert total_row[3].path == ("table3", "results", "total", "natural")


def test_table3_2021_split_other_gives_rowspan_22(kind):
    """The 2021 format splits （六）其他处理 into three rows: same code, rowspan 22."""
    schema = copy.deepcopy(kind.schema)
    results = schema["properties"]["table3"]["properties"]["results"]
    row_ref = copy.deepcopy(results["properties"]["granted"]["allOf"])
    results["properties"]["other"] = {
        "title": "（六）其他处理",
        "type": "object",
        "properties": {
            key: {"title": title, "allOf": copy.deepcopy(row_ref)}
            for key, title in zip(["no_correction", "no_fee", "other"], T3_OTHER_2021)
        },
    }
    documents = dict(kind.documents)
    documents[kind.schema_uri] = schema
    index = SchemaIndex(schema, kind.schema_uri, documents)
    grid = build_grid(index, table3_data(index), "table3")
    m = matrix(grid.rows())
    assert all(len(row) == 10 and None not in row for row in m)
    results_cell = next(c for row in grid.body_rows for c in row if c.text == RESULTS)
    assert results_cell.rowspan == 22
    other = next(c for row in grid.body_rows for c in row if c.text == "（六）其他处理")
    assert (other.rowspan, other.colspan) == (3, 1)
    labels = [distinct(row[:3]) for row in m[3:]]
    assert labels[20:23] == [[RESULTS, "（六）其他处理", t] for t in T3_OTHER_2021]
    assert len(labels) == 25


def test_table3_flat(kind):
    data = table3_data(kind.index)
    [flat] = build_grid(kind.index, data, "table3").flat()
    assert flat.headers == [
        CORNER, "自然人", "法人或其他组织·商业企业", "法人或其他组织·科研机构", "法人或其他组织·社会公益组织",
        "法人或其他组织·法律服务机构", "法人或其他组织·其他", "总计",
    ]
    assert [row[0] for row in flat.rows] == [" / ".join(r) for r in T3_ROWS_2019]
    assert flat.rows[4][0] == "三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密"
    assert all(len(row) == 8 for row in flat.rows)
    assert flat.rows[0][1:] == [str(data["table3"]["new_received"][c]) for c in COLS + ["total"]]


def test_missing_figure_is_an_error_not_a_blank(kind):
    data = table3_data(kind.index)
    del data["table3"]["results"]["total"]  # derivation did not run
    with pytest.raises(GridError, match="results.total"):
        build_grid(kind.index, data, "table3")
    data = table3_data(kind.index)
    del data["table3"]["carried_over"]["legal"]
    with pytest.raises(GridError, match="carried_over.legal"):
        build_grid(kind.index, data, "table3")


# -- 表二 ------------------------------------------------------------------------------------

def test_table2_2019_subtables(kind):
    grid = build_grid(kind.index, table2_data(), "table2")
    assert grid.title == "二、主动公开政府信息情况"
    assert grid.width == 4 and grid.header_rows == []
    m = matrix(grid.rows())
    assert all(len(row) == 4 and None not in row for row in m)
    # spec §3.2 skeleton, row by row (merged cells repeated across the columns they span)
    assert [texts(row) for row in m] == [
        ["第二十条第（一）项"] * 4,
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "1", "2", "3"],
        ["规范性文件", "4", "5", "6"],
        ["第二十条第（五）项"] * 4,
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", "6", "+3", "7"],
        ["其他对外管理服务事项", "0", "0", "0"],
        ["第二十条第（六）项"] * 4,
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政处罚", "24", "-2", "9"],
        ["行政强制", "4", "0", "1"],
        ["第二十条第（八）项"] * 4,
        ["信息内容", "上一年项目数量", "本年增/减", "本年增/减"],
        ["行政事业性收费", "2", "-1", "-1"],
        ["第二十条第（九）项"] * 4,
        ["信息内容", "采购项目数量", "采购总金额", "采购总金额"],
        ["政府集中采购", "5", "12.50万元", "12.50万元"],
    ]
    captions = [row[0] for row in grid.body_rows if row[0].role == "caption"]
    assert all(c.colspan == 4 and c.header for c in captions)
    fees_header = grid.body_rows[13]
    assert [(c.text, c.colspan) for c in fees_header] == [("信息内容", 1), ("上一年项目数量", 1), ("本年增/减", 2)]
    amount_cell = grid.body_rows[17][2]
    assert amount_cell.value == Decimal("12.50") and amount_cell.colspan == 2
    assert amount_cell.path == ("table2", "art20_9", "procurement", "amount")


def test_table2_flat_one_table_per_subtable(kind):
    flats = build_grid(kind.index, table2_data(), "table2").flat()
    assert [f.caption for f in flats] == [
        "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项",
    ]
    assert flats[3].headers == ["信息内容", "上一年项目数量", "本年增/减"]
    assert flats[3].rows == [["行政事业性收费", "2", "-1"]]
    assert flats[4].headers == ["信息内容", "采购项目数量", "采购总金额"]  # the unit is no column
    assert flats[4].rows == [["政府集中采购", "5", "12.50万元"]]


def test_table2_amount_without_unit(kind):
    data = table2_data()
    del data["table2"]["art20_9"]["procurement"]["amount_unit"]
    data["table2"]["art20_9"]["procurement"]["amount"] = 0
    flats = build_grid(kind.index, data, "table2").flat()
    assert flats[4].rows == [["政府集中采购", "5", "0"]]


# -- 表四 ------------------------------------------------------------------------------------

def test_table4_columns(kind):
    grid = build_grid(kind.index, table4_data(), "table4")
    assert grid.title == "四、政府信息公开行政复议、行政诉讼情况"
    assert grid.width == 15
    h1, h2, h3 = grid.header_rows
    assert [(c.text, c.colspan, c.rowspan) for c in h1] == [("行政复议", 5, 1), ("行政诉讼", 10, 1)]
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [(c.text, c.colspan, c.rowspan) for c in h2] == (
        [(t, 1, 2) for t in leaves] + [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)]
    )
    assert [(c.text, c.colspan, c.rowspan) for c in h3] == [(t, 1, 1) for t in leaves * 2]
    [row] = grid.body_rows
    assert [c.text for c in row] == [str(v) for v in (1, 2, 3, 4, 10, 11, 12, 13, 14, 50, 21, 22, 23, 24, 90)]
    m = matrix(grid.rows())
    assert all(len(r) == 15 and None not in r for r in m)
    assert [f"{m[0][i].text}/{m[1][i].text}/{m[2][i].text}" for i in (0, 4, 5, 14)] == [
        "行政复议/结果维持/结果维持", "行政复议/总计/总计",
        "行政诉讼/未经复议直接起诉/结果维持", "行政诉讼/复议后起诉/总计",
    ]
    [flat] = grid.flat()
    assert flat.label_columns == 0
    assert flat.headers[0] == "行政复议·结果维持"
    assert flat.headers[5] == "行政诉讼·未经复议直接起诉·结果维持"
    assert flat.headers[14] == "行政诉讼·复议后起诉·总计"
    assert flat.rows == [[c.text for c in row]]


def test_unknown_table_is_an_error(kind):
    with pytest.raises(GridError):
        build_grid(kind.index, {}, "agency")


# -- the 2021 kind, when the project has it -------------------------------------------------

@pytest.fixture(scope="module")
def kind2021():
    kind = KindRegistry(ROOT).get("annual-report-2021")
    if kind is None:
        pytest.skip("no annual-report-2021 kind in this project")
    return kind


def test_2021_table3_rowspan_22(kind2021):
    grid = build_grid(kind2021.index, table3_data(kind2021.index), "table3")
    m = matrix(grid.rows())
    assert all(len(row) == 10 and None not in row for row in m)
    assert [texts(row) for row in m[:3]] == T3_HEADER
    expected = T3_ROWS_2019[:20] + [[RESULTS, "（六）其他处理", t] for t in T3_OTHER_2021] + T3_ROWS_2019[21:]
    assert [distinct(row[:3]) for row in m[3:]] == expected
    results_cell = next(c for row in grid.body_rows for c in row if c.text == RESULTS)
    assert results_cell.rowspan == 22


def test_2021_table2_single_value_subtables_span(kind2021):
    data = {"table2": {
        "art20_1": {"regulations": {"issued": 0, "repealed": 0, "in_force": 0},
                    "normative": {"issued": 4, "repealed": 2, "in_force": 19}},
        "art20_5": {"licensing": {"decisions": 1415}},
        "art20_6": {"penalty": {"decisions": 298}, "coercion": {"decisions": 31}},
        "art20_8": {"fees": {"amount": Decimal("190.457379")}},
    }}
    grid = build_grid(kind2021.index, data, "table2")
    # spec §3.1 skeleton, cell by cell with its colspan
    assert [[(c.text, c.colspan) for c in row] for row in grid.body_rows] == [
        [("第二十条第（一）项", 4)],
        [("信息内容", 1), ("本年制发件数", 1), ("本年废止件数", 1), ("现行有效件数", 1)],
        [("规章", 1), ("0", 1), ("0", 1), ("0", 1)],
        [("行政规范性文件", 1), ("4", 1), ("2", 1), ("19", 1)],
        [("第二十条第（五）项", 4)],
        [("信息内容", 1), ("本年处理决定数量", 3)],
        [("行政许可", 1), ("1415", 3)],
        [("第二十条第（六）项", 4)],
        [("信息内容", 1), ("本年处理决定数量", 3)],
        [("行政处罚", 1), ("298", 3)],
        [("行政强制", 1), ("31", 3)],
        [("第二十条第（八）项", 4)],
        [("信息内容", 1), ("本年收费金额（单位：万元）", 3)],
        [("行政事业性收费", 1), ("190.457379", 3)],
    ]


@pytest.mark.parametrize("report", ["zhifu-drc/2020.yaml", "sample-bureau/2022.yaml", "sample-bureau-website/2022.yaml"])
def test_the_tables_tested_here_are_the_tables_pages_show(report):
    """build_grid (what the tests above check) and the slots pages are filled through give
    the same table, cell for cell, in HTML and in Markdown."""
    from gendoc.build.project import Project
    from gendoc.render.engine import _layout_env, render_document

    result = Project(ROOT).check(ROOT / "reports" / report)
    assert result.ok
    kind, data = result.kind, result.report.data
    tables = [key for key in kind.index.properties(()) if isinstance(kind.index.get((key,), "x-layout"), dict)]
    assert tables
    for fmt, macro_file, macro in (("html", "tables.html.j2", "grid_table"), ("md", "tables.md.j2", "grid_tables")):
        page = render_document(kind, data, None, fmt, result.report.sourcemap).text
        module = _layout_env(kind, fmt).get_template(macro_file).module
        for key in tables:
            text = str(getattr(module, macro)(build_grid(kind.index, data, key))).strip()
            if fmt == "md":  # a page never has more than one blank line in a row
                text = re.sub(r"\n{3,}", "\n\n", text)
            assert text in page, (fmt, key)
