"""A third document kind, added as folders only: no change under gendoc/ is needed."""
from __future__ import annotations

import shutil
from pathlib import Path

from gendoc.cli.main import main

FIXTURE = Path(__file__).parent / "fixtures" / "third-kind"


def test_a_kind_from_a_fixture_folder_builds(tmp_path, capsys):
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    out = tmp_path / "out"
    code = main(["build", "--root", str(root), "-o", str(out), str(root / "reports")])
    assert code == 0, capsys.readouterr()
    html = (out / "demo-office" / "2024.html").read_text(encoding="utf-8")
    assert "<th>人员经费</th><th>公用经费</th><th>项目支出</th><th>合计</th>" in html
    assert "<td>120</td><td>30</td><td>50</td><td>200</td>" in html
    assert "全年支出200万元，占年初预算的80%。" in html
    md = (out / "demo-office" / "2024.md").read_text(encoding="utf-8")
    assert "| 120 | 30 | 50 | 200 |" in md


def test_the_third_kinds_rules_run(tmp_path, capsys):
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    report = root / "reports" / "demo-office" / "2024.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("budget: 250", "budget: 150"), encoding="utf-8")
    code = main(["validate", "--root", str(root), str(report)])
    out = capsys.readouterr().out
    assert code == 0  # a warning does not fail
    assert f"{report}:5:" in out and "warning[B-2]: 支出合计不应超过年初预算" in out
    assert "「支出表/合计」(200)" in out
