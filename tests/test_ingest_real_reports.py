"""Real published reports (tests/fixtures/README.md says where each comes from), imported:
the right number in the right cell, read by label, and every finding the report earns —
checked by hand against the published tables and text (the comments say how)."""
from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import jinja2
import pytest

from gendoc.build.project import Project
from gendoc.ingest.importer import Imported, import_document
from gendoc.ingest.readers import read_source
from tests.conftest import ingest_fixture

ROOT = Path(__file__).resolve().parent.parent


@cache
def imported(name: str) -> Imported:
    return import_document(read_source(ingest_fixture(name)), Project(ROOT).kinds)


def problems(imp: Imported) -> list[tuple[str, str]]:
    """Every error and warning as (code, data path), in order; prose findings carry no path."""
    return [(d.code, d.path) for d in imp.findings if d.severity in ("error", "warning")]


def rendered(imp: Imported, text: str) -> str:
    """Imported narrative as a report shows it: references filled from the report's data."""
    return jinja2.Environment().from_string(text).render(**imp.derived, facts=imp.data.get("facts", {}))


def published(imp: Imported, start: str) -> str:
    """The published paragraph that starts with `start`, as read from the source."""
    return next(p.text for p in imp.source.paragraphs() if p.text.startswith(start))


def table(imp: Imported, dotted: str):
    node = imp.data
    for step in dotted.split("."):
        node = node[step]
    return node


def derived(imp: Imported, dotted: str):
    node = imp.derived
    for step in dotted.split("."):
        node = node[step]
    return node


# -- 2019年上海市人民政府办公厅政府信息公开工作年度报告 (portal page, 2019 format) -------------

SH = "shanghai-gov-office-2019.html"


def test_shanghai_identity_and_format():
    imp = imported(SH)
    assert imp.kind.id == "annual-report-2019"
    assert (imp.agency, imp.year, imp.data["published"]) == ("上海市人民政府办公厅", 2019, "2020-01-31")


@pytest.mark.parametrize("path, value", [
    ("table2.art20_1.regulations.new_made", 13), ("table2.art20_1.regulations.total_published", 524),
    ("table2.art20_1.normative.new_made", 60), ("table2.art20_1.normative.total_published", 368),
    ("table2.art20_9.procurement.projects", 6),
    # 采购总金额 published as 251000元: the figure, and its unit in the column's unit field
    ("table2.art20_9.procurement.amount", 251000), ("table2.art20_9.procurement.amount_unit", "元"),
    ("table3.new_received.natural", 821), ("table3.new_received.commercial", 35),
    ("table3.new_received.research", 0),  # &nbsp; cell
    ("table3.new_received.legal", 2), ("table3.new_received.org_other", 1),
    ("table3.carried_over.natural", 18),
    ("table3.results.granted.natural", 258), ("table3.results.granted.commercial", 12),
    ("table3.results.partial.natural", 3),
    ("table3.results.denied.state_secret.natural", 14), ("table3.results.denied.process_info.commercial", 1),
    ("table3.results.denied.admin_query.commercial", 2),
    ("table3.results.unable.not_held.natural", 252), ("table3.results.unable.need_creation.natural", 44),
    ("table3.results.unable.unclear.natural", 25),
    ("table3.results.not_processed.petition.natural", 148), ("table3.results.not_processed.repeated.commercial", 4),
    ("table3.carried_forward.natural", 72),
    ("table4.review.maintained", 5), ("table4.review.pending", 2),
    ("table4.direct_suit.maintained", 8), ("table4.direct_suit.pending", 1),
    ("table4.suit_after_review.maintained", 0),
])
def test_shanghai_figures(path, value):
    assert table(imported(SH), path) == value


def test_shanghai_totals_agree_where_published_and_are_derived():
    imp = imported(SH)
    # published 859 / 18 / 805 / 72, and 859 + 18 = 805 + 72
    assert derived(imp, "table3.new_received.total") == 859
    assert derived(imp, "table3.carried_over.total") == 18
    assert derived(imp, "table3.results.total.total") == 805
    assert derived(imp, "table3.carried_forward.total") == 72


def test_shanghai_findings_are_the_real_errors():
    imp = imported(SH)
    # The page leaves 总计 blank in eleven result rows that have figures (each checked
    # against the published cells): a blank total is read as 0 and the sum is named.
    blank_totals = ["granted", "partial", "denied.state_secret", "denied.internal_affairs", "denied.process_info",
                    "denied.admin_query", "unable.not_held", "unable.need_creation", "unable.unclear",
                    "not_processed.petition", "not_processed.repeated"]
    assert problems(imp) == [("R002", f"table3.results.{row}.total") for row in blank_totals] + [
        ("N010", ""), ("N010", ""), ("N011", "")]
    granted = next(d for d in imp.findings if d.code == "R002" and d.path == "table3.results.granted.total")
    assert (granted.params["stated"], "272" in granted.message()) == (0, True)   # 258 + 12 + 1 + 1
    assert granted.related[0].note == "原文此格为空白，按 0 读取"   # not a printed 0
    n010 = [d for d in imp.findings if d.code == "N010"]
    # 予以公开及部分公开258件: the table gives 272 + 3 = 275 (258 is 自然人 予以公开 alone)
    assert (n010[0].params["stated"], n010[0].params["actual"]) == (258, 275)
    assert "予以公开及部分公开258件" in n010[0].params["quote"]
    # 无法提供265件: the table's 无法提供 rows add up to 265 + 47 + 25 = 337
    assert (n010[1].params["stated"], n010[1].params["actual"]) == (265, 337)
    # 行政复议7件…均获维持, while table 四 has 2 复议 尚未审结
    assert "均获维持" in next(d for d in imp.findings if d.code == "N011").params["quote"]
    assert all(d.line == 8 for d in imp.findings)  # the article is one line of the page


def test_shanghai_narrative():
    imp = imported(SH)
    applications = imp.data["overview"]["parts"][1]
    assert applications["title"] == "依申请公开方面"
    # figures the table confirms become references; contradicted ones stay as published
    assert "共受理政府信息公开申请{{ table3.new_received.total }}件" in applications["text"]
    assert "答复政府信息公开申请{{ table3.results.total.total }}件" in applications["text"]
    assert "予以公开及部分公开258件" in applications["text"]
    # 五、政府信息公开工作存在的主要问题及改进情况: the kind's 五 worded differently
    assert [p["title"] for p in imp.data["problems"]["parts"]] == ["主要问题", "改进措施"]
    assert imp.data["other_matters"] == {"text": "无。\n"}



# The same report as a Word file and as a PDF, made here from the page (tests/fixtures/README.md):
# Word as LibreOffice saves a web page (merges as gridSpan/vMerge), PDF as Chromium prints it
# (ruled tables broken across pages, figures placed by position). Each container must give
# the page's figures and the page's findings — the real errors included.
@pytest.mark.parametrize("container", ["shanghai-gov-office-2019.docx", "shanghai-gov-office-2019.pdf"])
def test_shanghai_as_word_and_as_pdf_gives_the_pages_figures_and_findings(container):
    page, other = imported(SH), imported(container)
    assert (other.kind.id, other.agency, other.year) == (page.kind.id, page.agency, page.year)
    assert other.data["published"] == "2020-01-31"
    for name in ("table2", "table3", "table4"):
        assert other.data[name] == page.data[name], name
    assert sorted(problems(other)) == sorted(problems(page))
    assert [d.code for d in other.findings if d.code == "N010"] == ["N010", "N010"]

# -- 沭阳县发展和改革局2023年政府信息公开年度报告 (portal page, Word span soup, 2021 format) ----

SY = "shuyang-drc-2023.html"


def test_shuyang_identity_contacts_and_publication_date_from_the_portal_table():
    imp = imported(SY)
    assert imp.kind.id == "annual-report-2021"
    assert (imp.agency, imp.year) == ("沭阳县发展和改革局", 2023)
    assert imp.data["published"] == "2024-01-17"   # 公开日期 cell of the portal's information table
    assert imp.data["agency"] == {"name": "沭阳县发展和改革局", "address": "沭阳县沭城街道苏州东路42号",
                                  "postcode": "223600", "phone": "0527—83593059"}


@pytest.mark.parametrize("path, value", [
    ("table2.art20_1.normative.issued", 8), ("table2.art20_1.normative.in_force", 18),
    ("table2.art20_5.licensing.decisions", 0), ("table2.art20_8.fees.amount", 0),
    ("table3.new_received.natural", 26), ("table3.new_received.commercial", 0),
    ("table3.results.granted.natural", 26), ("table3.results.denied.three_security.natural", 0),
    ("table3.results.other.no_correction.natural", 0), ("table3.carried_forward.natural", 0),
    ("table4.review.pending", 1), ("table4.review.maintained", 0),
])
def test_shuyang_figures(path, value):
    assert table(imported(SY), path) == value


def test_shuyang_is_consistent_and_its_prose_is_tied_to_the_table():
    imp = imported(SY)
    assert problems(imp) == []
    assert derived(imp, "table3.results.total.total") == 26 and derived(imp, "table4.review.total") == 1
    # 规范性文件 is the 2021 format's 行政规范性文件: read, with a note
    assert any(d.code == "I017" and "「规范性文件」按「行政规范性文件」读取" in d.message() for d in imp.findings)
    parts = imp.data["overview"]["parts"]
    assert [p["title"] for p in parts] == ["主动公开政府信息情况", "依申请公开政府信息情况", "完善公开制度规范，加强政府信息管理",
                                           "加强平台建设，扩展公开渠道", "及时回应关切，自觉接受监督"]
    assert "共收到依申请信息公开{{ table3.new_received.total }}件" in parts[1]["text"]
    # the site's headings above the report's own title are not its text
    assert imp.data["preamble"].startswith("根据《中华人民共和国政府信息公开条例》")
    assert [p["title"] for p in imp.data["problems"]["parts"]] == ["存在的主要问题", "整改措施"]


# -- 洪泽区人民政府2023/2024年政府信息公开工作年度报告 (published PDFs, 2021 format) ----------

HZ23, HZ24 = "hongze-gov-2023.pdf", "hongze-gov-2024.pdf"


@pytest.mark.parametrize("name, agency, year", [(HZ23, "洪泽区人民政府", 2023), (HZ24, "淮安市洪泽区人民政府", 2024)])
def test_hongze_identity_from_a_title_on_two_lines(name, agency, year):
    imp = imported(name)
    assert (imp.kind.id, imp.agency, imp.year) == ("annual-report-2021", agency, year)
    assert imp.data["agency"]["postcode"] == "223100"   # 邮 编 ： 223100, justified in the PDF


@pytest.mark.parametrize("name, path, value", [
    (HZ23, "table2.art20_1.normative.repealed", 5), (HZ23, "table2.art20_5.licensing.decisions", 550),
    (HZ23, "table2.art20_6.penalty.decisions", 4119), (HZ23, "table2.art20_8.fees.amount", Decimal("7730.28")),
    (HZ23, "table3.new_received.natural", 21), (HZ23, "table3.results.partial.natural", 4),
    (HZ23, "table3.results.unable.not_held.natural", 10),
    # on the next page, with no header repeated: read under the first page's headers
    (HZ23, "table3.results.not_processed.petition.natural", 1), (HZ23, "table3.results.not_processed.petition.commercial", 0),
    (HZ23, "table4.review.maintained", 10), (HZ23, "table4.review.corrected", 1),
    (HZ23, "table4.suit_after_review.maintained", 5),
    (HZ24, "table2.art20_6.penalty.decisions", 2776), (HZ24, "table2.art20_8.fees.amount", 7545),
    (HZ24, "table3.new_received.natural", 95), (HZ24, "table3.results.granted.natural", 50),
    (HZ24, "table3.results.denied.three_security.natural", 1), (HZ24, "table3.results.unable.not_held.natural", 31),
    (HZ24, "table3.results.unable.need_creation.natural", 1),
    (HZ24, "table4.review.maintained", 1), (HZ24, "table4.review.corrected", 1),
    (HZ24, "table4.suit_after_review.other", 1),
])
def test_hongze_figures(name, path, value):
    assert table(imported(name), path) == value


def test_hongze_2023_findings():
    imp = imported(HZ23)
    # The published table 四 gives 复议 10 维持 + 1 纠正 with 总计 0, and 复议后起诉 5 维持 with
    # 总计 0 (pdftotext -layout shows the same row: 10 1 0 0 0 0 0 0 0 0 5 0 0 0 0). Its
    # （六）其他处理 is one row, as in the 2019 format: the 2021 format's three rows are unknown,
    # and I021 says why.
    assert problems(imp) == [("I015", "table3.results.other.no_correction.natural"), ("I021", "table3.results.other"),
                             ("R002", "table4.review.total"), ("R002", "table4.suit_after_review.total")]
    i021 = next(d for d in imp.findings if d.code == "I021")
    assert i021.message().startswith("「（六）其他处理」按政府信息公开工作年度报告（2019 版格式）填写为一行，"
                                     "政府信息公开工作年度报告（2021 版格式）中它分为 3 行（1.申请人无正当理由逾期不补正")
    assert [d.params["stated"] for d in imp.findings if d.code == "R002"] == [0, 0]
    # printed 0s, not blanks
    assert not [r for d in imp.findings if d.code == "R002" for r in d.related if "空白" in r.note]
    assert table(imp, "table3.results.other.no_correction.natural") is None
    assert derived(imp, "table4.review.total") == 11
    assert "受理政府信息公开申请 {{ table3.new_received.total }} 件" in imp.data["overview"]["parts"][1]["text"]
    # a paragraph that goes on over the page break (“分 | - 1 - | 级审核”) is one paragraph
    assert "严格执行“分级审核、先审后发”程序" in imp.data["overview"]["parts"][2]["text"]


def test_hongze_2024_prose_contradicts_its_table():
    imp = imported(HZ24)
    assert problems(imp) == [("I015", "table3.results.other.no_correction.natural"), ("N010", ""),
                             ("I021", "table3.results.other")]
    n010 = imp.findings[[d.code for d in imp.findings].index("N010")]
    assert (n010.params["stated"], n010.params["actual"]) == (17, 95)
    assert "区政府办代表区政府受理政府信息公开申请 17 件" in n010.params["quote"]
    assert derived(imp, "table3.results.total.total") == 95 and derived(imp, "table4.suit_after_review.total") == 3


# -- stored copies that hold only the beginning of a page: partial reports -----------------

@pytest.mark.parametrize("name, kind, agency, year", [
    ("xiaogan-research-office-2019-partial.txt", "annual-report-2019", "市政府研究室", 2019),
    ("songmutang-town-2022-partial.txt", "annual-report-2021", "桃江县松木塘镇人民政府", 2022),
    ("taiping-town-2022-partial.txt", "annual-report-2021", "太平镇人民政府", 2022),
    ("district-statistics-bureau-2023-partial.txt", "annual-report-2021", "区统计局", 2023),
])
def test_partial_copies_are_read_as_far_as_they_go_and_said_to_be_cut(name, kind, agency, year):
    imp = imported(name)
    assert (imp.kind.id, imp.agency, imp.year) == (kind, agency, year)
    cut = [d for d in imp.findings if d.code == "I020"]
    assert len(cut) == 1 and cut[0].severity == "warning"
    assert "「五、存在的主要问题及改进情况」「六、其他需要报告的事项」均未出现" in cut[0].message()
    assert not [d for d in imp.findings if d.severity == "error"]
    assert imp.data["status"] == "draft"   # figures the source does not give stay null: a draft


def test_complete_reports_are_not_drafts_and_incomplete_tables_are():
    for name in (SH, SY, WORD, WORD_HTML):
        assert "status" not in imported(name).data, name
    # 洪泽区 publishes （六）其他处理 as one row: the 2021 format's three rows are unknown
    for name in (HZ23, HZ24):
        assert imported(name).data["status"] == "draft", name


def test_partial_xiaogan_2019():
    imp = imported("xiaogan-research-office-2019-partial.txt")
    # title on two lines: 市政府研究室2019年政府信息公开 / 工作年度报告
    assert table(imp, "table2.art20_6.penalty.decisions") == 0
    assert table(imp, "table2.art20_1.regulations.total_published") == 0
    # the copy cut the two-line headers 本年新 / 制作数量 to 本年新: which column is unknown
    assert table(imp, "table2.art20_1.regulations.new_made") is None
    assert problems(imp) == [("I010", "table3"), ("I010", "table4"), ("I015", "table2.art20_1.regulations.new_made"),
                             ("I020", "")]
    assert [d.params["count"] for d in imp.findings if d.code == "I015"] == [8]


def test_partial_songmutang_2022():
    imp = imported("songmutang-town-2022-partial.txt")
    assert table(imp, "table2.art20_1.regulations.issued") == 2   # as published (a town's 规章)
    assert table(imp, "table2.art20_6.penalty.decisions") == 9
    assert table(imp, "table2.art20_8.fees.amount") is None        # the copy ends in its header
    assert table(imp, "table3.new_received.natural") is None
    assert problems(imp) == [("I010", "table3"), ("I010", "table4"), ("I015", "table2.art20_8.fees.amount"),
                             ("I020", "")]


def test_partial_taiping_2022_one_cell_per_line():
    imp = imported("taiping-town-2022-partial.txt")
    assert table(imp, "table3.new_received.natural") == 0
    assert table(imp, "table3.results.denied.three_security.org_other") == 0
    assert table(imp, "table3.results.denied.third_party.natural") is None
    assert problems(imp) == [("I010", "table4"), ("I015", "table3.results.denied.third_party.natural"), ("I020", "")]


def test_partial_statistics_bureau_2023_cells_closed_by_pipes():
    imp = imported("district-statistics-bureau-2023-partial.txt")
    assert table(imp, "table2.art20_1.regulations.issued") == 0    # published as 「/」
    assert any(d.code == "I017" and "「/」按 0 读取" in d.message() for d in imp.findings)
    assert table(imp, "table3.new_received.natural") == 0          # blank cells, each its own "|" line
    assert derived(imp, "table3.new_received.total") == 0
    assert table(imp, "table3.results.partial.natural") is None
    # the copy has eight cells in 予以公开's row where the table has seven
    assert problems(imp) == [("I010", "table4"), ("I015", "table3.results.partial.natural"), ("I014", ""), ("I020", "")]


# -- 沭阳县人民政府2025年政府信息公开工作年度报告: a Word file and its HTML export, made here
#    from the stored text and figures (the stored copy spells the county 沐阳) -------------

WORD, WORD_HTML = "shuyang-gov-2025.docx", "shuyang-gov-2025.html"


@pytest.mark.parametrize("name", [WORD, WORD_HTML])
def test_word_report_and_its_html_export_read_alike(name):
    imp = imported(name)
    assert (imp.kind.id, imp.agency, imp.year) == ("annual-report-2021", "沐阳县人民政府", 2025)
    assert imp.data["published"] == "2026-01-23"   # the dateline under the title
    for path, value in [("table2.art20_5.licensing.decisions", 517645), ("table2.art20_6.penalty.decisions", 693957),
                        ("table2.art20_8.fees.amount", Decimal("4068.208")),
                        ("table3.new_received.natural", 705), ("table3.new_received.legal", 5),
                        ("table3.carried_over.natural", 36), ("table3.results.partial.legal", 2),
                        ("table3.results.unable.not_held.natural", 111),
                        ("table3.results.not_processed.repeated.commercial", 1),
                        ("table3.results.other.no_correction.natural", 9), ("table3.results.other.no_fee.natural", 7),
                        ("table3.results.other.other.natural", 142), ("table3.carried_forward.natural", 31),
                        ("table4.review.maintained", 27), ("table4.review.pending", 15),
                        ("table4.suit_after_review.other", 1)]:
        assert table(imp, path) == value, path
    assert derived(imp, "table3.results.total.total") == 718 and derived(imp, "table4.review.total") == 61
    # 共受理政府信息公开申请 749 件 counts the 36 carried over with the 713 received
    assert problems(imp) == [("N010", "")]
    n010 = next(d for d in imp.findings if d.code == "N010")
    assert (n010.params["stated"], n010.params["actual"]) == (749, 713)
    text = imp.data["overview"]["parts"][1]["text"]
    assert "结转下一年 {{ table3.carried_forward.total }} 件" in text
    # the dateline and the signature are not text of any section
    assert imp.data["preamble"].startswith("依据《中华人民共和国政府信息公开条例》")
    assert rendered(imp, imp.data["other_matters"]["text"]).endswith("其中民政局1件，收取380元。")
    # figures the prose states that no table holds are kept as facts, named by their clause
    facts = imp.data["facts"]
    assert facts["fact_2"] == {"label": "督促县直部门在信息公开页面发布信息", "value": 3044, "unit": "条"}
    assert facts["fact_13"] == {"label": "自然人申请", "value": 741, "unit": "件"}
    assert "共办理 {{ table3.results.total.total }} 件" in text   # a table figure: a reference, not a fact
    assert [f["label"] for f in facts.values()][-2:] == ["民政局", "收取"]


# -- the narrative comes back live: references and facts render to the published words ------

def _narratives(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from _narratives(value)
    elif isinstance(node, list):
        for value in node:
            yield from _narratives(value)


@pytest.mark.parametrize("name", [SH, SY, HZ23, HZ24, WORD, WORD_HTML, "zhifu-drc-2020-annual-report.txt"])
def test_every_imported_paragraph_renders_to_the_published_one(name):
    imp = imported(name)
    sources = [p.text for p in imp.source.paragraphs()]
    narrative = {k: v for k, v in imp.data.items() if imp.kind.index.below((k,), "x-narrative")}
    texts = list(_narratives(narrative)) + [v for v in narrative.values() if isinstance(v, str)]
    checked = 0
    for text in texts:
        for paragraph in rendered(imp, text).split("\n\n"):
            paragraph = paragraph.strip()
            if paragraph and paragraph != "（原文此处无正文）":
                assert any(paragraph in source for source in sources), paragraph
                checked += 1
    assert checked >= 5


def test_figures_no_table_holds_become_facts():
    imp = imported(SY)
    assert imp.data["facts"] == {
        "fact_1": {"label": "审核发布各类公开政府信息", "value": 249, "unit": "条"},
        "fact_2": {"label": "发布行政公文和政策解读信息", "value": 9, "unit": "条"},
        "fact_3": {"label": "机构设置和人事任免信息", "value": 7, "unit": "条"},
        "fact_4": {"label": "重点工作", "value": 39, "unit": "条"},
        "fact_5": {"label": "财政预决算信息", "value": 6, "unit": "条"},
        "fact_6": {"label": "信息公开年度报告", "value": 1, "unit": "条"},
        "fact_7": {"label": "政府信息公开指南", "value": 1, "unit": "条"},
        "fact_8": {"label": "政府网站信息", "value": 185, "unit": "条"},
        "fact_9": {"label": "政府信息公开制度", "value": 1, "unit": "条"},
        "fact_10": {"label": "受理网络问政", "value": 182, "unit": "件"},
        "fact_11": {"label": "承办的县人大建议和政协提案办理满意率", "value": 100, "unit": "%"},
    }
    text = imp.data["overview"]["parts"][0]["text"]
    assert "全年共审核发布各类公开政府信息{{ facts.fact_1.value }}条" in text
    assert rendered(imp, text).strip() == published(imp, "2023年，我局严格审签程序")
    # a figure contradicting the table stays as published, never a fact (it is a finding)
    sh = imported(SH)
    assert "予以公开及部分公开258件" in sh.data["overview"]["parts"][1]["text"]
    assert 258 not in [f["value"] for f in sh.data["facts"].values()]
    # a date is not a count: 自202011起 in the seed's damaged text stays text
    seed = imported("zhifu-drc-2020-annual-report.txt")
    assert "统计期限自202011起" in seed.data["preamble"]


# -- 2024年上海市科委政府信息公开工作年度报告: the text a PDF extraction gave (stored copy) --
#    Tables appended under their own numbers (一、主动公开… 二、收到和处理…), header debris
#    (业 | 构 | 益组织), rows as "label figures" lines, labels torn from their figures.

STCSM = "shanghai-stcsm-2024-pdf-text.md"


def test_pdf_text_dump_reads_what_its_rows_still_say():
    imp = imported(STCSM)
    assert (imp.kind.id, imp.agency, imp.year) == ("annual-report-2021", "上海市科委", 2024)
    for path, value in [("table2.art20_1.normative.issued", 13), ("table2.art20_1.normative.in_force", 55),
                        ("table2.art20_5.licensing.decisions", 97),          # the line 行政许可 97
                        ("table2.art20_8.fees.amount", 0),
                        ("table3.new_received.natural", 32), ("table3.new_received.commercial", 2),
                        ("table3.carried_over.natural", 2), ("table3.results.granted.natural", 9),
                        ("table3.results.denied.process_info.natural", 1), ("table3.results.other.other.natural", 4),
                        ("table3.carried_forward.natural", 1), ("table4.review.maintained", 1),
                        ("table4.direct_suit.maintained", 0)]:
        assert table(imp, path) == value, path
    # rows whose labels the extraction tore from their figures stay unknown, never guessed
    assert table(imp, "table3.results.unable.not_held.natural") is None
    assert table(imp, "table3.results.partial.natural") is None
    found = problems(imp)
    assert found[0] == ("I015", "table3.results.partial.natural")
    assert {code for code, _path in found[1:]} == {"I013"}   # columns in the official order, said each time
    assert imp.data["status"] == "draft"
    assert derived(imp, "table4.review.total") == 1
    # hard-wrapped lines joined back into paragraphs, so the prose's figures are found
    text = imp.data["overview"]["text"]
    assert ("全年收到政府信息公开申请 {{ table3.new_received.total }} 件，"
            "上年结转政府信息公开申请 {{ table3.carried_over.total }} 件，所有申请均已按要求办理完成。") in text
