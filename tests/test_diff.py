"""`gendoc diff`: figure changes between git revisions, in the report's own labels.

Each test makes a throwaway git repository from a copy of the project, commits it, changes
a report and runs the command in-process.
"""
from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from gendoc.cli.main import build_parser, main
from gendoc.review.figure_diff import compare, label
from gendoc.build.project import Project
from tests.conftest import ROOT, replace_once

SEED_REL = "reports/zhifu-drc/2020.yaml"
GRANTED = "表三 / 三、本年度办理结果 / （一）予以公开 / 自然人"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args],
                          cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(project: Path) -> Path:
    """The project copy as a git repository with one commit (the seed as it is)."""
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "seed")
    return project


def edit(repo: Path, rel: str, old: str, new: str) -> Path:
    path = repo / rel
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def section(out: str, title: str) -> list[str]:
    """The indented lines under one heading of the text output."""
    lines = out.splitlines()
    start = lines.index(f"  {title}") + 1
    found = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        found.append(line.strip())
    return found


# -- the done-when: one figure changed in the seed ------------------------------------------

def test_changed_figure_label_old_new_every_moved_total_and_broken_rule(repo, capsys):
    edit(repo, SEED_REL, "granted: {natural: 7", "granted: {natural: 8")
    code, out, err = run(capsys, "diff", "--root", str(repo))
    assert code == 0, err
    assert out.startswith("gendoc diff: HEAD → 工作区\n")
    assert SEED_REL in out
    assert section(out, "填报的数据") == [f"{GRANTED}: 7 → 8"]
    # every total that moved with it, and nothing else
    assert section(out, "随之变动的合计（计算值）") == [
        "表三 / 三、本年度办理结果 / （一）予以公开 / 总计: 7 → 8",
        "表三 / 三、本年度办理结果 / （七）总计 / 自然人: 10 → 11",
        "表三 / 三、本年度办理结果 / （七）总计 / 总计: 10 → 11",
    ]
    broken = section(out, "规则状态变化")
    assert broken and all(line.startswith("新违反 error[T3-1]") for line in broken)
    assert any("「表三/三、本年度办理结果/（七）总计/自然人」" in line for line in broken)
    assert f"{SEED_REL}:" in broken[0]  # where to look: file:line:col
    # typed figures first, then totals, then rules
    assert out.index("填报的数据") < out.index("随之变动的合计") < out.index("规则状态变化")
    assert "共比较 7 份报告：1 份有变化，0 份新增，0 份删除" in out


def test_first_application_row_as_in_the_issue(repo, capsys):
    edit(repo, SEED_REL, "new_received: {natural: 10", "new_received: {natural: 4")
    git(repo, "commit", "-qam", "as published")
    edit(repo, SEED_REL, "new_received: {natural: 4", "new_received: {natural: 10")
    code, out, _ = run(capsys, "diff", "--root", str(repo))
    assert code == 0
    assert "表三 / 一、本年新收政府信息公开申请数量 / 自然人: 4 → 10" in out
    assert "表三 / 一、本年新收政府信息公开申请数量 / 总计: 4 → 10" in out
    assert all(line.startswith("已修复 error[T3-1]") for line in section(out, "规则状态变化"))


def test_markdown_is_a_table_per_report(repo, capsys):
    edit(repo, SEED_REL, "granted: {natural: 7", "granted: {natural: 8")
    code, out, _ = run(capsys, "diff", "--root", str(repo), "--format", "md")
    assert code == 0
    assert out.startswith("## gendoc diff: `HEAD` → `工作区`")
    assert f"### `{SEED_REL}`" in out
    assert "| | 项目 | 原值 | 新值 |" in out
    assert f"| 填报 | {GRANTED} | 7 | 8 |" in out
    assert "| 合计 | 表三 / 三、本年度办理结果 / （七）总计 / 总计 | 10 | 11 |" in out
    assert "- 新违反 `T3-1` (error)：" in out


def test_json_output(repo, capsys):
    edit(repo, SEED_REL, "granted: {natural: 7", "granted: {natural: 8")
    code, out, _ = run(capsys, "diff", "--root", str(repo), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    (report,) = doc["reports"]
    assert report["file"] == SEED_REL and report["status"] == "changed"
    assert report["typed"] == [{"path": "table3.results.granted.natural", "label": GRANTED, "old": 7, "new": 8}]
    assert {f["rule"] for f in report["findings"]} == {"T3-1"}


def test_no_change_exits_0(repo, capsys):
    code, out, _ = run(capsys, "diff", "--root", str(repo))
    assert code == 0
    assert out.startswith("没有变化：HEAD → 工作区")


# -- revisions, paths, ranges ---------------------------------------------------------------

def test_range_between_commits_and_paths(repo, capsys):
    edit(repo, SEED_REL, "granted: {natural: 7", "granted: {natural: 8")
    git(repo, "commit", "-qam", "break")
    code, out, _ = run(capsys, "diff", "--root", str(repo), "HEAD~1..HEAD")
    assert code == 0
    assert out.startswith("gendoc diff: HEAD~1 → HEAD\n")
    assert f"{GRANTED}: 7 → 8" in out
    # a path limits the comparison; the working tree is the default right side
    code, out, _ = run(capsys, "diff", "--root", str(repo), "HEAD~1", str(repo / "reports" / "sample-bureau"))
    assert code == 0 and "没有变化" in out
    # A...B compares against the merge base, as git does
    code, out, _ = run(capsys, "diff", "--root", str(repo), "main~1...main")
    assert code == 0 and f"{GRANTED}: 7 → 8" in out


def test_rule_fixed_when_going_back(repo, capsys):
    edit(repo, SEED_REL, "granted: {natural: 7", "granted: {natural: 8")
    git(repo, "commit", "-qam", "break")
    edit(repo, SEED_REL, "granted: {natural: 8", "granted: {natural: 7")
    code, out, _ = run(capsys, "diff", "--root", str(repo))
    assert f"{GRANTED}: 8 → 7" in out
    fixed = section(out, "规则状态变化")
    assert fixed and all(line.startswith("已修复 error[T3-1]") for line in fixed)


def test_cross_year_rule_uses_last_year_from_the_same_revision(repo, capsys):
    # 2021's 结转下年度 changes: 2022's file is untouched, but its X-1 breaks.
    rel21, rel22 = "reports/sample-bureau/2021.yaml", "reports/sample-bureau/2022.yaml"
    edit(repo, rel21, "carried_forward: {natural: 3", "carried_forward: {natural: 4")
    git(repo, "commit", "-qam", "change 2021")
    code, out, _ = run(capsys, "diff", "--root", str(repo), "HEAD~1..HEAD")
    assert code == 0
    part22 = out[out.index(rel22):]
    assert "新违反 error[X-1]" in part22
    assert "填报的数据" not in part22.split("\n\n")[0]


def test_added_and_deleted_reports(repo, capsys):
    (repo / "reports" / "new-agency").mkdir()
    (repo / "reports" / "new-agency" / "2022.yaml").write_bytes((repo / "reports/sample-bureau/2022.yaml").read_bytes())
    git(repo, "rm", "-q", "reports/sample-bureau/2021.yaml")
    code, out, _ = run(capsys, "diff", "--root", str(repo))
    assert code == 0
    assert "reports/new-agency/2022.yaml：新增的报告（annual-report-2021，2022 年度）" in out
    assert "reports/sample-bureau/2021.yaml：删除的报告" in out
    code, out, _ = run(capsys, "diff", "--root", str(repo), "--format", "md")
    assert "### `reports/sample-bureau/2021.yaml` — 删除的报告" in out


def test_narrative_change_names_the_field_not_the_text(repo, capsys):
    edit(repo, SEED_REL, "我局无收取信息处理费情况。", "我局本年度无收取信息处理费情况。")
    code, out, _ = run(capsys, "diff", "--root", str(repo))
    assert code == 0
    assert section(out, "正文有改动") == ["一、总体情况 / 分项 / 第8项（信息处理费情况） / 正文"]
    assert "本年度无收取" not in out


# -- errors -----------------------------------------------------------------------------------

def test_unknown_revision_is_a_usage_error(repo, capsys):
    code, _, err = run(capsys, "diff", "--root", str(repo), "no-such-branch")
    assert code == 2
    assert "no-such-branch" in err and "既不是 git 版本" in err
    code, _, err = run(capsys, "diff", "--root", str(repo), "HEAD..no-such-branch")
    assert code == 2 and "unknown revision" in err


def test_not_a_git_repository_is_a_usage_error(project, capsys):
    code, _, err = run(capsys, "diff", "--root", str(project))
    assert code == 2
    assert "不在 git 仓库中" in err


def test_file_broken_at_a_revision_reports_its_findings(repo, capsys):
    good = (repo / SEED_REL).read_text(encoding="utf-8")
    (repo / SEED_REL).write_text("format: [\n" + good, encoding="utf-8")
    git(repo, "commit", "-qam", "broken")
    (repo / SEED_REL).write_text(good, encoding="utf-8")
    code, out, err = run(capsys, "diff", "--root", str(repo))
    assert code == 1
    assert f"HEAD:{SEED_REL}:" in err and "error[Y001]" in err
    assert f"{SEED_REL}：无法读取，未能比较" in out


# -- two files ---------------------------------------------------------------------------------

def test_two_files_of_one_agency(project, capsys):
    a, b = project / "reports/sample-bureau/2021.yaml", project / "reports/sample-bureau/2022.yaml"
    code, out, _ = run(capsys, "diff", "--root", str(project), str(a), str(b))
    assert code == 0
    assert f"{a} → {b}" in out
    assert "报告年度: 2021 → 2022" in section(out, "填报的数据")
    assert "无法比较" not in out


def test_two_files_across_formats_list_what_cannot_be_compared(project, capsys):
    a, b = project / SEED_REL, project / "reports/sample-bureau/2021.yaml"
    code, out, _ = run(capsys, "diff", "--root", str(project), str(a), str(b))
    assert code == 0
    typed = section(out, "填报的数据")
    assert "报告格式: annual-report-2019 → annual-report-2021" in typed
    assert any(line.startswith("表三 / 一、本年新收政府信息公开申请数量 / 自然人: 10 → ") for line in typed)
    rows = section(out, "无法比较（只有一种格式有）")
    only19 = "[只在政府信息公开工作年度报告（2019 版格式）中] "
    only21 = "[只在政府信息公开工作年度报告（2021 版格式）中] "
    assert (only19 + "表三 / 三、本年度办理结果 / （六）其他处理 / 自然人、商业企业、科研机构、社会公益组织、"
            "法律服务机构、其他、总计") in rows
    assert any(r.startswith(only21 + "表三 / 三、本年度办理结果 / （六）其他处理 / 1.申请人无正当理由逾期不补正")
               for r in rows)
    assert only19 + "表二 / 第二十条第（九）项" in rows
    # what cannot be compared is not also listed as a change; the group's subtotal (derived
    # in both formats) can be compared, and is
    changed = typed + section(out, "随之变动的合计（计算值）")
    assert not any("（六）其他处理 /" in line for line in changed)
    assert "表三 / 三、本年度办理结果 / （六）其他处理小计 / 总计: 0 → 4" in changed


# -- the library ----------------------------------------------------------------------------------

def test_compare_library_and_labels(project):
    proj = Project(project)
    seed = project / SEED_REL
    before = proj.check(seed)
    edit(project, SEED_REL, "fax: 0535-6233785", "fax: 0535-6233786")
    after = Project(project).check(seed)
    diff = compare(before, after, SEED_REL)
    assert diff.status == "changed"
    assert [(c.label, c.old, c.new) for c in diff.typed] == [("机关信息 / 传真", "0535-6233785", "0535-6233786")]
    assert diff.derived == [] and diff.findings == []
    kind = before.kind
    data = before.report.data
    assert label(kind, ("table3", "new_received", "commercial"), data) == \
        "表三 / 一、本年新收政府信息公开申请数量 / 法人或其他组织 / 商业企业"
    assert label(kind, ("facts", "wechat_visitors", "value"), data) == "正文中的其他数字 / 微信公众号访客数 / 数值"
    assert label(kind, ("proactive", "categories", 2, "count"), data) == \
        "主动公开政府信息（正文统计） / 分类 / 第3项（政策解读类） / 条数"


# -- the CI recipe ---------------------------------------------------------------------------------

def test_ci_recipe_runs_real_commands():
    workflow = ROOT / "docs" / "ci" / "github-actions.yml"
    doc = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    steps = [s for job in doc["jobs"].values() for s in job["steps"]]
    commands = [line.strip() for s in steps for line in s.get("run", "").splitlines()
                if line.strip().startswith("gendoc ")]
    verbs = {shlex.split(c)[1] for c in commands}
    assert {"validate", "build", "diff"} <= verbs
    parser = build_parser()
    for command in commands:
        argv = [a for a in shlex.split(command.split(">")[0]) if "$" not in a][1:]
        parser.parse_args(argv)  # exits 2 on an option gendoc does not have
    assert any("--format md" in c for c in commands if c.startswith("gendoc diff"))
    assert "docs/ci/github-actions.yml" in (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
