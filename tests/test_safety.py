"""Nothing the user wrote is touched; a failing report never damages its last good output."""
from __future__ import annotations

import hashlib
from pathlib import Path

from gendoc.cli.main import main
from gendoc.build.atomic_write import write_if_changed
from tests.conftest import replace_once


def tree_digest(*folders: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validate_and_build_never_modify_inputs(project, tmp_path, capsys):
    before = tree_digest(project / "reports", project / "templates", project / "schemas")
    assert main(["validate", "--root", str(project)]) in (0, 1)
    assert main(["build", "--root", str(project), "-o", str(tmp_path / "out")]) in (0, 1)
    broken = project / "reports" / "zhifu-drc" / "2020.yaml"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(replace_once(text, "granted: {natural: 7", "granted: {natural: 9"), encoding="utf-8")
    before_broken = tree_digest(project / "reports", project / "templates", project / "schemas")
    assert main(["build", "--root", str(project), "-o", str(tmp_path / "out")]) == 1
    assert tree_digest(project / "reports", project / "templates", project / "schemas") == before_broken
    assert set(before) == set(before_broken)
    capsys.readouterr()


def test_a_failing_report_keeps_its_previous_good_output(project, tmp_path, capsys):
    out = tmp_path / "out"
    report = project / "reports" / "zhifu-drc" / "2020.yaml"
    assert main(["build", "--root", str(project), "-o", str(out), str(report)]) == 0
    html = out / "zhifu-drc" / "2020.html"
    good = html.read_bytes()
    assert "收到政府信息公开申请10件" in good.decode("utf-8")
    text = report.read_text(encoding="utf-8")
    report.write_text(replace_once(text, "new_received: {natural: 10", "new_received: {natural: 11"), encoding="utf-8")
    assert main(["build", "--root", str(project), "-o", str(out), str(report)]) == 1
    assert html.read_bytes() == good
    assert not [p for p in html.parent.iterdir() if p.name.endswith(".tmp")]
    capsys.readouterr()


def test_write_if_changed_is_atomic_and_lazy(tmp_path):
    target = tmp_path / "a" / "b.html"
    assert write_if_changed(target, "一") is True
    stamp = target.stat().st_mtime_ns
    assert write_if_changed(target, "一") is False
    assert target.stat().st_mtime_ns == stamp
    assert write_if_changed(target, "二") is True
    assert target.read_text(encoding="utf-8") == "二"
    assert [p.name for p in target.parent.iterdir()] == ["b.html"]
