"""Nothing the user wrote is touched; a failing report never damages its last good output."""
from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

from gendoc.cli.main import main
from gendoc.build.atomic_write import write_if_changed
from tests.conftest import replace_once


def tree_digest(*folders: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validate_and_build_never_modify_inputs(project, tmp_path, capsys):
    before = tree_digest(project / "reports", project / "templates", project / "schemas")
    assert main(["validate", "--root", str(project)]) == 0
    assert main(["build", "--root", str(project), "-o", str(tmp_path / "out")]) == 0
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


def test_a_replaced_output_is_a_new_file_never_rewritten_in_place(tmp_path):
    """A reader holding the old file (here: a second link to it) keeps reading the old
    content whole: the new one is a different file renamed over it."""
    target = tmp_path / "b.html"
    write_if_changed(target, "旧" * 1000)
    reader = tmp_path / "reader.html"
    os.link(target, reader)
    write_if_changed(target, "新")
    assert reader.read_text(encoding="utf-8") == "旧" * 1000
    assert target.read_text(encoding="utf-8") == "新"
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~_umask()  # published, not owner-only


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "b.html"
    write_if_changed(target, "旧")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full_disk)
    try:
        write_if_changed(target, "新")
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    else:
        raise AssertionError("the failure must reach the caller")
    assert target.read_text(encoding="utf-8") == "旧"
    assert [p.name for p in tmp_path.iterdir()] == ["b.html"]


def test_html_and_markdown_are_written_as_a_pair(project, tmp_path, monkeypatch, capsys):
    """When one output of a report cannot be written, none is replaced: a new HTML never
    stands beside an old Markdown."""
    out = tmp_path / "out"
    report = project / "reports" / "zhifu-drc" / "2020.yaml"
    assert main(["build", "--root", str(project), "-o", str(out), str(report)]) == 0
    html, md = out / "zhifu-drc" / "2020.html", out / "zhifu-drc" / "2020.md"
    docx = out / "zhifu-drc" / "2020.docx"
    before = {p: p.read_bytes() for p in (html, md, docx)}
    text = report.read_text(encoding="utf-8").replace("收到政府信息公开申请", "共收到政府信息公开申请")
    report.write_text(text, encoding="utf-8")
    real_open = os.open

    def no_room_for_markdown(path, *args, **kwargs):
        if os.path.basename(path).startswith(".2020.md."):  # the Markdown's temporary file
            raise OSError(errno.ENOSPC, "No space left on device", str(md))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", no_room_for_markdown)
    assert main(["build", "--root", str(project), "-o", str(out), str(report)]) == 1
    assert f"{md}: error[F005]: 无法写入输出文件 {md}：No space left on device" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in (html, md, docx)} == before
    assert [p.name for p in html.parent.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    monkeypatch.setattr(os, "open", real_open)
    # a failed write is tried again by the next build, though the report has not changed
    assert main(["build", "--root", str(project), "-o", str(out), str(report)]) == 0
    assert "共收到政府信息公开申请" in html.read_text(encoding="utf-8")
    assert "共收到政府信息公开申请" in md.read_text(encoding="utf-8")
