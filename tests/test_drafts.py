"""Drafts: figures not known yet are `null`; a draft says so with warnings, a final report
cannot hold one, and the outputs mark the unknown cells and the draft itself."""
from __future__ import annotations

import re

from gendoc.build.project import Project
from gendoc.cli.main import main
from tests.conftest import line_of, replace_once

SAMPLE_2022 = ("reports", "sample-bureau", "2022.yaml")


def _draft(project, *edits, status="draft"):
    path = project.joinpath(*SAMPLE_2022)
    text = path.read_text(encoding="utf-8")
    text = replace_once(text, "year: 2022\n", f"year: 2022\nstatus: {status}\n")
    for old, new in edits:
        text = replace_once(text, old, new)
    path.write_text(text, encoding="utf-8")
    return path, text


NEW_RECEIVED_UNKNOWN = ("new_received: {natural: 45,", "new_received: {natural: ~,")
FEE_UNKNOWN = ("fees: {amount: 9.7420}", "fees: {amount: null}")
FACT_UNKNOWN = ("wechat_posts: {label: 政务微信公众号发布信息, value: 452,", "wechat_posts: {label: 政务微信公众号发布信息, value: null,")


def test_a_draft_warns_once_per_unknown_figure_at_its_line_with_its_label(project, capsys):
    path, text = _draft(project, NEW_RECEIVED_UNKNOWN, FEE_UNKNOWN, FACT_UNKNOWN)
    code = main(["validate", "--root", str(project), str(path)])
    out = capsys.readouterr().out
    assert code == 0, out  # warnings only
    w001 = [line for line in out.splitlines() if "warning[W001]" in line]
    assert len(w001) == 3, out
    received = line_of(text, "new_received:")
    assert w001 == sorted(w001, key=lambda line: int(line.split(":")[1]))
    assert w001[0].startswith(f"{path}:{line_of(text, 'wechat_posts:')}:")
    assert "（政务微信公众号发布信息）尚未填写" in w001[0]
    assert "表二「第二十条第（八）项」/「行政事业性收费」/「本年收费金额（单位：万元）」尚未填写" in w001[1]
    assert w001[2].startswith(f"{path}:{received}:")
    assert "表三「一、本年新收政府信息公开申请数量」/「自然人」尚未填写（null）" in w001[2]
    assert w001[2].endswith("[table3.new_received.natural]")
    # T3-1 cannot be checked for the 自然人 column: said once, not as a broken rule
    assert "error" not in out
    notes = [line for line in out.splitlines() if "[W003]" in line]
    assert len(notes) == 1 and "T3-1" in notes[0], out
    assert notes[0].startswith(f"{path}:{line_of(text, 'wechat_posts:')}:")


def test_a_final_report_with_an_unknown_figure_is_an_error(project, capsys):
    path, text = _draft(project, NEW_RECEIVED_UNKNOWN, status="final")
    assert main(["validate", "--root", str(project), str(path)]) == 1
    out = capsys.readouterr().out
    errors = [line for line in out.splitlines() if "error[" in line]
    assert len(errors) == 1, out
    assert errors[0].startswith(f"{path}:{line_of(text, 'new_received:')}:")
    assert "error[W002]" in errors[0] and "不能有未填写的数字" in errors[0]


def test_no_status_means_final(project, capsys):
    path = project.joinpath(*SAMPLE_2022)
    path.write_text(replace_once(path.read_text(encoding="utf-8"), *NEW_RECEIVED_UNKNOWN), encoding="utf-8")
    assert main(["validate", "--root", str(project), str(path)]) == 1
    assert "error[W002]" in capsys.readouterr().out


def test_the_rules_still_check_what_is_known(project, capsys):
    # 商业企业 column broken on purpose while 自然人 is unknown: T3-1 still fires for it
    path, _ = _draft(project, NEW_RECEIVED_UNKNOWN, ("carried_over: {natural: 3, commercial: 1,", "carried_over: {natural: 3, commercial: 5,"))
    assert main(["validate", "--root", str(project), str(path)]) == 1
    out = capsys.readouterr().out
    assert "error[T3-1]" in out and "商业企业" in out


def test_the_rendered_draft_marks_unknown_cells_and_itself(project, capsys):
    path, _ = _draft(project, NEW_RECEIVED_UNKNOWN, FEE_UNKNOWN, ("published: \"2023-01-18\"", "published: ~"))
    out_dir = project / "out"
    assert main(["build", "--root", str(project), "-o", str(out_dir)]) == 0, capsys.readouterr()
    html = (out_dir / "sample-bureau" / "2022.html").read_text(encoding="utf-8")
    md = (out_dir / "sample-bureau" / "2022.md").read_text(encoding="utf-8")
    assert "<h1>【草稿】示例区示例局（样例数据）2022年政府信息公开工作年度报告</h1>" in html
    assert '<p class="draft-mark" role="note">草稿 · 尚未定稿，不得发布</p>' in html
    assert "「—」表示尚未填写的数字（草稿）" in html and "「—」表示尚未填写的数字（草稿）" in md
    assert "> **草稿** · 尚未定稿，不得发布" in md
    assert "发布时间：—" in html
    # table 三, row 一: 自然人 unknown, so is 总计; the other columns are known
    row = re.search(r"一、本年新收政府信息公开申请数量</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'<td [^>]*class="value num">([^<]*)</td>', row) == ["—", "7", "2", "1", "3", "3", "—"]
    md_row = re.search(r"一、本年新收政府信息公开申请数量</th>(.*?)</tr>", md).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", md_row) == ["—", "7", "2", "1", "3", "3", "—"]
    # prose: the unknown figure, a filter over it and arithmetic with it all print "—"
    assert "本局新收政府信息公开申请—件（其中自然人申请—件，法人或其他组织申请—件），同比—" in html
    assert "依法收取行政事业性收费—万元" in html
    # the index shows the draft as a draft
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    assert '<li><span class="status s-draft">草稿</span> 1</li>' in index


def test_a_complete_draft_is_marked_but_has_no_legend(project, capsys):
    path, _ = _draft(project)
    result = Project(project).check(path)
    assert [d.code for d in result.diagnostics] == []
    out_dir = project / "out"
    assert main(["build", "--root", str(project), "-o", str(out_dir), str(path)]) == 0
    html = (out_dir / "sample-bureau" / "2022.html").read_text(encoding="utf-8")
    assert "draft-mark" in html.split("</style>")[1] and "unknown-legend" not in html.split("</style>")[1]


def test_next_years_report_reads_a_draft_with_unknowns_as_last_year(project, capsys):
    """A draft 2021 with an unknown 结转: the 2022 report's X-1 for that column is skipped,
    and its year-over-year phrases print "—" rather than failing."""
    folder = project / "reports" / "sample-bureau"
    last = folder / "2021.yaml"
    text = last.read_text(encoding="utf-8")
    text = replace_once(text, "year: 2021\n", "year: 2021\nstatus: draft\n")
    text = re.sub(r"new_received: \{natural: \d+,", "new_received: {natural: ~,", text, count=1)
    last.write_text(text, encoding="utf-8")
    out_dir = project / "out"
    assert main(["build", "--root", str(project), "-o", str(out_dir), str(folder / "2022.yaml")]) == 0, capsys.readouterr()
    html = (out_dir / "sample-bureau" / "2022.html").read_text(encoding="utf-8")
    assert "法人或其他组织申请16件），同比—；" in html
