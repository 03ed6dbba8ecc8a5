"""The yearly cycle: last year's 结转 becomes this year's 上年结转, checked and carried."""
from __future__ import annotations


import yaml

from gendoc.cli.main import main
from gendoc.build.project import Project
from tests.conftest import line_of, replace_once

SAMPLE = ("reports", "sample-bureau")


def test_changing_2022_carried_over_breaks_x1_naming_both_files(project, capsys):
    folder = project.joinpath(*SAMPLE)
    this = folder / "2022.yaml"
    text = replace_once(this.read_text(encoding="utf-8"), "carried_over: {natural: 3,", "carried_over: {natural: 4,")
    this.write_text(text, encoding="utf-8")
    code = main(["validate", "--root", str(project), str(this)])
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    x1 = [i for i, line in enumerate(lines) if "error[X-1]" in line]
    assert x1, out
    first = lines[x1[0]]
    assert first.startswith(f"{this}:{line_of(text, 'carried_over:')}:")
    assert "上年报告「表三/四、结转下年度继续办理/自然人」(3)" in first
    last_year_line = line_of((folder / "2021.yaml").read_text(encoding="utf-8"), "carried_forward:")
    related = lines[x1[0] + 1: x1[0] + 4]
    assert any(line.strip().startswith(f"{folder / '2021.yaml'}:{last_year_line}:") for line in related), related


def test_new_report_carries_last_years_carried_forward(project, capsys):
    code = main(["new", "--root", str(project), "sample-bureau", "2023"])
    assert code == 0, capsys.readouterr()
    made = project.joinpath(*SAMPLE, "2023.yaml")
    text = made.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/annual-report-2021/schema.json\n")
    data = yaml.safe_load(text)
    last = yaml.safe_load(project.joinpath(*SAMPLE, "2022.yaml").read_text(encoding="utf-8"))
    assert data["format"] == "annual-report-2021" and data["year"] == 2023
    assert data["agency"] == last["agency"]
    assert data["status"] == "draft" and data["published"] is None
    assert data["table3"]["carried_over"] == last["table3"]["carried_forward"]
    # this year's figures are not known yet: unknown, never 0
    assert data["table3"]["carried_forward"] == dict.fromkeys(last["table3"]["carried_forward"], None)
    assert data["table2"]["art20_1"]["normative"]["in_force"] is None
    assert data["table3"]["new_received"] == dict.fromkeys(last["table3"]["new_received"], None)
    assert data["table2"]["art20_8"]["fees"]["amount"] is None
    assert data["problems"] == last["problems"]  # narrative kept for editing
    result = Project(project).check(made)
    assert [d for d in result.diagnostics if d.severity == "error"] == []
    assert "carried_over: {natural: 2, commercial: 1, research: 0, social: 0, legal: 0, org_other: 0}" in text
    # and it builds as it stands
    assert main(["build", "--root", str(project), "-o", str(project / "out"), str(made)]) == 0


def test_new_refuses_to_overwrite_and_needs_a_start(project, capsys):
    before = project.joinpath(*SAMPLE, "2022.yaml").read_bytes()
    assert main(["new", "--root", str(project), "sample-bureau", "2022"]) == 1
    assert project.joinpath(*SAMPLE, "2022.yaml").read_bytes() == before
    assert "已存在，不会覆盖" in capsys.readouterr().err
    assert main(["new", "--root", str(project), "no-such-agency", "2023"]) == 1
    err = capsys.readouterr().err
    assert "没有 2023 年以前的报告" in err and "--name" in err


def test_new_rolls_a_2020_report_into_the_2021_format(project, capsys):
    # The prose kept from 2020 names a table 二 figure of the 2019 format: the kind's
    # migration moves the reference to the 2021 figure, so the draft renders as it stands.
    assert main(["new", "--root", str(project), "zhifu-drc", "2021"]) == 0
    capsys.readouterr()
    made = project / "reports" / "zhifu-drc" / "2021.yaml"
    data = yaml.safe_load(made.read_text(encoding="utf-8"))
    assert data["format"] == "annual-report-2021"
    assert set(data["table2"]["art20_1"]["normative"]) == {"issued", "repealed", "in_force"}
    assert set(data["table3"]["results"]["other"]) == {"no_correction", "no_fee", "other"}
    result = Project(project).check(made)
    assert result.ok, [d.message() for d in result.diagnostics]
    capsys.readouterr()


def test_x3_last_years_count_plus_its_change_is_this_years_last_year(project, capsys):
    """X-3 (2019 format) with a non-zero 本年增/减 in last year's report: 6 + 3 = 9."""
    folder = project / "reports" / "zhifu-drc"
    seed = (folder / "2020.yaml").read_text(encoding="utf-8")
    last = replace_once(seed.replace("year: 2020", "year: 2019"), "licensing: {last_year: 6, change: 0,",
                        "licensing: {last_year: 6, change: 3,")
    (folder / "2019.yaml").write_text(last, encoding="utf-8")
    this = folder / "2020.yaml"
    this.write_text(replace_once(seed, "licensing: {last_year: 6,", "licensing: {last_year: 9,"), encoding="utf-8")
    assert main(["validate", "--root", str(project), str(this)]) == 0
    assert "X-3" not in capsys.readouterr().out
    this.write_text(seed, encoding="utf-8")  # 6 again: last year's change forgotten
    assert main(["validate", "--root", str(project), str(this)]) == 0  # a warning
    out = capsys.readouterr().out
    assert f"{this}:{line_of(seed, 'licensing:')}:" in out and "warning[X-3]" in out
