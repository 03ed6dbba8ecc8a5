"""Group subtotals of table 三 are derived figures the prose can use; the tables stay official."""
from __future__ import annotations


from gendoc.build.project import Project
from gendoc.cli.main import main
from tests.conftest import ROOT, replace_once


def _results(path: str) -> dict:
    result = Project(ROOT).check(ROOT / path)
    assert result.ok
    return result.report.data["table3"]["results"]


def test_2021_format_subtotals_per_column():
    results = _results("reports/sample-bureau/2022.yaml")
    # （三）不予公开: prohibited 1 + third_party 2 (+1 法律服务机构) + internal 1 + process 1 + query 2
    assert results["denied_total"] == {"natural": 7, "commercial": 0, "research": 0, "social": 0,
                                       "legal": 1, "org_other": 0, "total": 8}
    assert results["unable_total"]["total"] == 10
    assert results["not_processed_total"]["total"] == 4
    assert results["other_total"] == {"natural": 3, "commercial": 1, "research": 0, "social": 0,
                                      "legal": 0, "org_other": 1, "total": 5}
    groups = ("granted", "partial")
    assert results["total"]["total"] == sum(results[g]["total"] for g in groups) + sum(
        results[f"{g}_total"]["total"] for g in ("denied", "unable", "not_processed", "other"))


def test_2019_format_other_subtotal_is_the_row():
    results = _results("reports/zhifu-drc/2020.yaml")
    assert results["unable_total"]["total"] == 3
    assert results["other_total"] == results["other"]


def test_the_prose_states_the_subtotals_and_the_table_has_no_subtotal_row(project, capsys):
    out = project / "out"
    assert main(["build", "--root", str(project), "-o", str(out), str(project / "reports" / "sample-bureau")]) == 0
    html = (out / "sample-bureau" / "2022.html").read_text(encoding="utf-8")
    assert "不予公开8件，占12.9%" in html and "其他处理5件" in html
    assert "小计" not in html


def test_a_typed_subtotal_must_match(project, capsys):
    path = project / "reports" / "sample-bureau" / "2022.yaml"
    text = replace_once(path.read_text(encoding="utf-8"), "    unable:   # （四）无法提供",
                        "    unable_total: {natural: 1, commercial: 0, research: 0, social: 0, legal: 0, org_other: 0}\n"
                        "    unable:   # （四）无法提供")
    path.write_text(text, encoding="utf-8")
    assert main(["validate", "--root", str(project), str(path)]) == 1
    out = capsys.readouterr().out
    assert "error[T3-6]" in out and "（四）无法提供小计" in out
