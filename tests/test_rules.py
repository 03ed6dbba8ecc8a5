"""Each consistency rule of the 2019 format, broken in a copy of the seed, at the right line."""
from __future__ import annotations

from pathlib import Path

import pytest

from gendoc.build.project import Project
from tests.conftest import line_of, replace_once

ROW = "{natural: %s, commercial: 0, research: 0, social: 0, legal: 0, org_other: 0%s}"


def check(root: Path, text: str, name: str = "2020.yaml"):
    path = root / "reports" / "zhifu-drc" / name
    path.write_text(text, encoding="utf-8")
    return Project(root).check(path)


def findings(result, rule: str):
    return [d for d in result.diagnostics if d.params.get("rule") == rule]


def seed(root: Path) -> str:
    return (root / "reports" / "zhifu-drc" / "2020.yaml").read_text(encoding="utf-8")


def test_the_seed_is_clean(project):
    result = check(project, seed(project))
    assert result.diagnostics == []
    t3 = result.report.data["table3"]
    assert t3["new_received"]["total"] == 10
    assert t3["results"]["total"]["total"] == 10
    assert t3["results"]["granted"]["total"] == 7
    assert t3["results"]["unable"]["not_held"]["total"] == 3
    assert result.report.data["proactive"]["total"] == 288
    assert result.report.data["table4"]["review"]["total"] == 0


def test_t3_1_new_plus_carried_equals_handled_plus_forwarded(project):
    text = replace_once(seed(project), "new_received: " + ROW % (10, ""), "new_received: " + ROW % (11, ""))
    result = check(project, text)
    broken = findings(result, "T3-1")
    assert [d.path for d in broken] == ["table3.new_received.natural"]  # one mistake, one finding
    first = broken[0]
    assert first.severity == "error"
    assert first.line == line_of(text, "new_received:")
    message = first.message()
    assert "第一项加第二项之和，等于第三项加第四项之和" in message
    assert "「表三/一、本年新收政府信息公开申请数量/自然人」(11)" in message
    assert "= 11，但" in message and message.endswith("= 10 [table3.new_received.natural]")
    assert line_of(text, "carried_forward:") in {loc.line for loc in first.related}


def test_t3_3_stated_grand_total_must_match(project):
    stated = "    total: " + ROW % (9, "") + "\n"
    text = replace_once(seed(project), "  carried_forward:", stated + "  carried_forward:")
    result = check(project, text)
    broken = findings(result, "T3-3")
    assert len(broken) == 1
    assert broken[0].line == line_of(text, "    total: {natural: 9")
    assert "「（七）总计」/「自然人」填写为 9，但按各项计算应为 10" in broken[0].message()
    # the computed total is what counts: T3-1 holds with it, and it is what pages show
    assert findings(result, "T3-1") == []
    assert result.report.data["table3"]["results"]["total"]["natural"] == 10


def test_t3_4_stated_row_total_must_match(project):
    text = replace_once(seed(project), "granted: " + ROW % (7, ""), "granted: " + ROW % (7, ", total: 8"))
    result = check(project, text)
    broken = findings(result, "T3-4")
    assert len(broken) == 1
    assert broken[0].line == line_of(text, "granted:")
    assert broken[0].message().startswith("表三「三、本年度办理结果」/「（一）予以公开」/「总计」填写为 8，但按各项计算应为 7")


@pytest.mark.parametrize("rule, group, label", [
    ("T4-1", "review", "行政复议"),
    ("T4-2", "direct_suit", "未经复议直接起诉"),
    ("T4-3", "suit_after_review", "复议后起诉"),
])
def test_t4_stated_totals_must_match(project, rule, group, label):
    text = seed(project)
    old = f"{group}: {{maintained: 0, corrected: 0, other: 0, pending: 0}}"
    text = replace_once(text, old, f"{group}: {{maintained: 1, corrected: 0, other: 0, pending: 0, total: 2}}")
    result = check(project, text)
    broken = findings(result, rule)
    assert len(broken) == 1, result.diagnostics
    assert broken[0].line == line_of(text, f"{group}: {{maintained: 1")
    assert f"「{label}」/「总计」填写为 2，但按各项计算应为 1" in broken[0].message()


def test_x_1_carried_over_must_match_last_years_carried_forward(project):
    last_year = seed(project).replace("year: 2020", "year: 2019", 1)
    last_year = replace_once(last_year, "carried_forward: " + ROW % (0, ""), "carried_forward: " + ROW % (2, ""))
    last_year = replace_once(last_year, "not_held: " + ROW % (3, ""), "not_held: " + ROW % (1, ""))
    (project / "reports" / "zhifu-drc" / "2019.yaml").write_text(last_year, encoding="utf-8")
    result = check(project, seed(project))
    broken = findings(result, "X-1")
    assert [d.path for d in broken] == ["table3.carried_over.natural"]
    this_line = line_of(seed(project), "carried_over:")
    prev_line = line_of(last_year, "carried_forward:")
    assert broken[0].line == this_line
    assert {(Path(loc.file).name, loc.line) for loc in broken[0].related} >= {("2019.yaml", prev_line)}
    assert "上年报告「表三/四、结转下年度继续办理/自然人」(2)" in broken[0].message()


def test_x_4_year_must_fit_the_format(project):
    text = seed(project).replace("year: 2020", "year: 2022", 1)
    result = check(project, text, "2022.yaml")
    broken = findings(result, "X-4")
    assert len(broken) == 1
    assert broken[0].line == line_of(text, "year: 2022")
    assert "「报告年度」 = 2022" in broken[0].message()


def test_file_name_must_match_year(project):
    text = seed(project).replace("year: 2020", "year: 2019", 1)
    result = check(project, text)
    codes = [d.code for d in result.diagnostics]
    assert "F004" in codes


def test_derivation_leaves_the_loaded_data_untouched(project):
    import copy

    from gendoc.load.yaml_loader import load_file
    from gendoc.check.rules import apply_rules

    path = project / "reports" / "zhifu-drc" / "2020.yaml"
    loaded = load_file(path)
    before = copy.deepcopy(loaded.data)
    kind = Project(project).kinds.get("annual-report-2019")
    report, _ = apply_rules(kind, loaded.data, str(path), loaded.sourcemap)
    assert loaded.data == before  # copy on write: totals went into copies only
    assert "total" not in loaded.data["table3"]["new_received"]
    assert report.data["table3"]["new_received"]["total"] == 10
