"""`gendoc import` of the seed's published text: the tables of reports/zhifu-drc/2020.yaml,
and the contradiction this project started from, quoted."""
from __future__ import annotations

from pathlib import Path

import pytest

from gendoc.build.project import Project
from gendoc.cli.main import main
from gendoc.ingest.importer import import_document
from gendoc.ingest.readers import read_source
from gendoc.load.yaml_loader import load_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
SEED_TEXT = FIXTURES / "zhifu-drc-2020-annual-report.txt"
SEED_YAML = ROOT / "reports" / "zhifu-drc" / "2020.yaml"


@pytest.fixture(scope="module")
def imported():
    return import_document(read_source(SEED_TEXT), Project(ROOT).kinds)


def test_tables_equal_the_hand_transcribed_report(imported):
    expected = load_file(SEED_YAML).data
    assert imported.kind.id == "annual-report-2019"
    for table in ("table2", "table3", "table4"):
        assert imported.data[table] == expected[table], table


def test_the_4_versus_10_contradiction_is_found_and_quoted(imported):
    n010 = [d for d in imported.findings if d.code == "N010"]
    received = [d for d in n010 if d.params["stated"] == 4 and "收到政府信息公开申请4件" in d.params["quote"]]
    assert len(received) == 1
    d = received[0]
    assert d.params["actual"] == 10
    assert d.params["place"] == "表三「一、本年新收政府信息公开申请数量」/「总计」"
    assert d.severity == "error"
    # line 14 of the published text, at the figure 4
    line = SEED_TEXT.read_text(encoding="utf-8").splitlines()[d.line - 1]
    assert d.line == 14 and line[d.col - 1] == "4"
    assert "从受理情况来看，2020年我局收到政府信息公开申请4件" in d.message()
    # 全年办理依申请公开4件 against （七）总计 10
    handled = [x for x in n010 if "办理依申请公开4件" in x.params["quote"]]
    assert [x.params["actual"] for x in handled] == [10]


def test_identity_dates_and_contacts(imported):
    data = imported.data
    assert data["year"] == 2020 and data["published"] == "2020-12-31 14:38:32"
    assert data["agency"] == {"name": "烟台市芝罘区发展和改革局", "address": "烟台市市府街76号", "postcode": "264001",
                              "phone": "0535-6226719", "fax": "0535-6233785"}


def test_label_repairs_are_reported_once_per_row(imported):
    repairs = [d for d in imported.findings if d.code == "I017"]
    assert [d.path for d in repairs] == ["table3.results.denied.enforcement_file", "table3.results.denied.admin_query"]
    assert "「7.于行政执法案卷」按「7.属于行政执法案卷」读取" in repairs[0].message()


def test_narrative_sections_and_parts(imported):
    data = imported.data
    titles = [p["title"] for p in data["overview"]["parts"]]
    assert titles == ["主动公开情况", "依申请公开工作", "政府信息管理", "平台建设", "重点领域信息公开",
                      "建议提案办理", "监督保障", "信息处理费情况"]
    assert data["overview"]["parts"][7]["text"] == "我局无收取信息处理费情况。\n"
    assert [p["title"] for p in data["problems"]["parts"]] == ["工作中存在的主要问题和不足", "下步措施"]
    assert "现公布{{ agency.name }}{{ year }}年政府信息公开年度报告" in data["preamble"]
    # the contradicted figure stays as published: it is for a person to decide
    assert "收到政府信息公开申请4件" in data["overview"]["parts"][1]["text"]


def test_import_command_writes_a_valid_report_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "reports"
    code = main(["import", "--root", str(ROOT), str(SEED_TEXT), "-o", str(out), "--agency", "zhifu-drc"])
    stdout, stderr = capsys.readouterr()
    assert code == 1  # the contradiction is an error
    target = out / "zhifu-drc" / "2020.yaml"
    assert f"→ {target}" in stderr
    assert "error[N010]" in stdout and "收到政府信息公开申请4件" in stdout
    text = target.read_text(encoding="utf-8")
    assert "# 原文件 SHA-256：" in text and "zhifu-drc-2020-annual-report.txt" in text
    assert "原文：标签「7.于行政执法案卷」按「7.属于行政执法案卷」读取" in text
    result = Project(ROOT).check(target)
    assert result.report is not None
    assert {d.code for d in result.diagnostics if d.severity == "error"} == {"N010"}
    assert result.report.data["table3"]["results"]["total"]["total"] == 10
    before = target.read_bytes()
    code = main(["import", "--root", str(ROOT), str(SEED_TEXT), "-o", str(out), "--agency", "zhifu-drc"])
    stdout, _ = capsys.readouterr()
    assert code == 1 and "error[I018]" in stdout and "已存在，不会覆盖" in stdout
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["2020.yaml"]  # no temporary left


def test_gendoc_reports_a_literal_figure_that_contradicts_its_table(project, capsys):
    """The same claims, on a report file: a contradicted literal is an error (N010), an
    agreeing one stays the N003 warning."""
    path = project / "reports" / "zhifu-drc" / "2020.yaml"
    text = path.read_text(encoding="utf-8")
    wrong = text.replace("收到政府信息公开申请{{ table3.new_received.total }}件", "收到政府信息公开申请4件", 1)
    path.write_text(wrong, encoding="utf-8")
    code = main(["validate", "--root", str(project), str(path)])
    out, _ = capsys.readouterr()
    assert code == 1
    n010 = [line for line in out.splitlines() if "[N010]" in line]
    assert len(n010) == 1 and "称本年新收政府信息公开申请数量为 4，但表三「一、本年新收政府信息公开申请数量」/「总计」为 10" in n010[0]
    lineno = next(i for i, line in enumerate(wrong.splitlines(), 1) if "我局收到政府信息公开申请4件，申请方式" in line)
    assert f"2020.yaml:{lineno}:" in n010[0]
    path.write_text(text.replace("收到政府信息公开申请{{ table3.new_received.total }}件", "收到政府信息公开申请10件", 1),
                    encoding="utf-8")
    code = main(["validate", "--root", str(project), str(path)])
    out, _ = capsys.readouterr()
    assert code == 0 and "[N010]" not in out and "warning[N003]" in out
