"""End to end on the real report gendoc started from, and on the 2021-format sample."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from gendoc.cli.main import main
from tests.test_render import html_matrix, parse

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

# Table 三's row labels (label columns C1 | C2 | C3), copied from the spec §4.2/§4.3 — not
# derived from the schema, so that a wrong schema title fails here.
RESULTS = "三、本年度办理结果"
DENIED = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
          "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]
UNABLE = ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]
NOT_PROCESSED = ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                 "5.要求行政机关确认或重新出具已获取信息"]
OTHER_2021 = ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]


def expected_rows(other: list[str] | None) -> list[tuple[str, str, str]]:
    first, second, forward = ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "四、结转下年度继续办理")
    rows = [(first,) * 3, (second,) * 3,
            (RESULTS, "（一）予以公开", "（一）予以公开"),
            (RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")]
    rows += [(RESULTS, "（三）不予公开", x) for x in DENIED]
    rows += [(RESULTS, "（四）无法提供", x) for x in UNABLE]
    rows += [(RESULTS, "（五）不予处理", x) for x in NOT_PROCESSED]
    rows += [(RESULTS, "（六）其他处理", x) for x in other] if other else [(RESULTS, "（六）其他处理", "（六）其他处理")]
    rows += [(RESULTS, "（七）总计", "（七）总计"), (forward,) * 3]
    return rows


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    assert main(["build", "--root", str(ROOT), "-o", str(out)]) == 0
    return out


def test_golden_files_byte_for_byte(built):
    golden = sorted(p.relative_to(GOLDEN) for p in GOLDEN.rglob("*")
                    if p.is_file() and p.relative_to(GOLDEN).parts[0] != "pages")  # printed pages: test_page_images
    produced = sorted(p.relative_to(built) for p in built.rglob("*") if p.suffix in (".html", ".md") and p.parent != built)
    assert produced == golden, "run `make golden` after an intended change, and review the diff"
    for rel in golden:
        assert (built / rel).read_bytes() == (GOLDEN / rel).read_bytes(), f"{rel} differs from its golden file"


def table3(built: Path, rel: str) -> tuple[list[list[str]], list]:
    page = parse((built / rel).read_text(encoding="utf-8"))
    rows = next(t for t in page.tables if any(c[0] == RESULTS for row in t for c in row))
    return html_matrix(rows), rows


@pytest.mark.parametrize("rel, other, rowspan", [
    ("zhifu-drc/2020.html", None, 20),
    ("sample-bureau/2021.html", OTHER_2021, 22),
    ("sample-bureau/2022.html", OTHER_2021, 22),
])
def test_table3_grid_is_the_official_layout(built, rel, other, rowspan):
    matrix, rows = table3(built, rel)
    assert all(len(row) == 10 for row in matrix), [len(r) for r in matrix]
    assert matrix[0][0] == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert matrix[0][3:] == ["申请人情况"] * 7
    assert matrix[1][3:] == ["自然人"] + ["法人或其他组织"] * 5 + ["总计"]
    assert matrix[2][3:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert [tuple(row[:3]) for row in matrix[3:]] == expected_rows(other)
    spans = [rs for row in rows for text, _, rs in row if text == RESULTS]
    assert spans == [rowspan]


def test_seed_prose_states_the_tables_figures(built):
    html = (built / "zhifu-drc" / "2020.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "2020年我局收到政府信息公开申请10件" in text
    assert "全年办理依申请公开10件，其中予以公开7件，因本机关不掌握相关政府信息无法提供3件" in text
    assert "申请4件" not in text and "均不属于本行政机关公开范围" not in text
    assert "全局累计公开政府信息288条" in text
    assert "分别于2020年6月24日和9月28日" in text
    matrix, _ = table3(built, "zhifu-drc/2020.html")
    rows = {row[2]: row[3:] for row in matrix[3:]}
    assert rows["一、本年新收政府信息公开申请数量"] == ["10", "0", "0", "0", "0", "0", "10"]
    assert rows["（一）予以公开"] == ["7", "0", "0", "0", "0", "0", "7"]
    assert rows["1.本机关不掌握相关政府信息"] == ["3", "0", "0", "0", "0", "0", "3"]
    assert rows["（七）总计"] == ["10", "0", "0", "0", "0", "0", "10"]


def test_index_lists_every_report_with_its_status(built):
    index = (built / "index.html").read_text(encoding="utf-8")
    # The newest year in full; every year's page lists that year's reports.
    assert 'href="sample-city-portal/2022.html"' in index and "烟台市芝罘区发展和改革局" in index
    for year, rel in ((2020, "zhifu-drc/2020.html"), (2021, "sample-bureau/2021.html"), (2022, "sample-bureau/2022.html"),
                      (2021, "sample-bureau-website/2021.html"), (2022, "sample-city-portal/2022.html")):
        page = (built / f"index-{year}.html").read_text(encoding="utf-8")
        assert f'href="{rel}"' in page and f'href="index-{year}.html"' in index
        assert '<span class="status s-pass">通过</span>' in page
