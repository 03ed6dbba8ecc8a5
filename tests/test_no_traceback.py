"""No traceback, no hang: whatever the machine does, gendoc answers with a finding or a
clear message and the right exit code."""
from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gendoc.build import incremental
from gendoc.build.project import Project
from gendoc.cli.main import main
from tests.conftest import ROOT

BROKEN = ["natural: 7,", "natural: -7,"]  # one S004 finding


def gendoc(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def run(command: str, *, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """A shell command line with gendoc as this interpreter's module."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(["bash", "-c", command.replace("gendoc ", f"'{sys.executable}' -m gendoc ")],
                          capture_output=True, text=True, timeout=timeout, env=environment, cwd=ROOT)


def broken_copy(project: Path) -> Path:
    report = project / "reports" / "zhifu-drc" / "2020.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace(*BROKEN, 1), encoding="utf-8")
    return report


def test_an_output_folder_that_is_a_file(project, tmp_path):
    out = tmp_path / "out"
    out.write_text("not a folder", encoding="utf-8")
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(out))
    assert code == 1
    assert "error[F005]" in findings
    assert out.read_text(encoding="utf-8") == "not a folder"


def refuse_temporary_files(monkeypatch, error: OSError, prefix: str = ".") -> None:
    """Every output is first written to a temporary file (`.<name>.<pid>.<n>.tmp`) beside
    it: make creating those whose name starts with `prefix` fail as a full or read-only
    disk would."""
    real_open = os.open

    def refusing(path, *args, **kwargs):
        name = os.path.basename(path)
        if name.startswith(prefix) and name.endswith(".tmp"):
            raise error
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", refusing)


@pytest.mark.parametrize("failure", [errno.EACCES, errno.ENOSPC])
def test_an_output_folder_that_cannot_be_written(project, tmp_path, monkeypatch, failure):
    refuse_temporary_files(monkeypatch, OSError(failure, os.strerror(failure)))
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(tmp_path / "out"), "-j", "1")
    assert code == 1
    lines = findings.splitlines()
    assert lines and all("error[F005]" in line and os.strerror(failure) in line for line in lines if "F005" in line)
    assert any(".gendoc-state.json" in line for line in lines)  # the state too: a finding


def test_disk_full_while_writing_the_overview(project, tmp_path, monkeypatch):
    refuse_temporary_files(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), ".index")
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(tmp_path / "out"))
    assert code == 1 and "index.html：No space left on device" in findings


def test_a_report_that_vanishes_or_cannot_be_read_during_a_build(project, tmp_path):
    p = Project(project)
    files, _ = p.discover([])
    gone = next(f for f in files if f.name == "2020.yaml")
    Path(gone).unlink()
    built = incremental.build_all(p, files, tmp_path / "out", jobs=1)
    (summary,) = [s for s in built.summaries if s.file == str(gone)]
    assert [d.code for d in summary.diagnostics] == ["F001"]
    assert incremental.Fingerprints(p).of(Path(gone), None) == ("", "", "")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file of mode 000")
def test_a_report_of_mode_000(project, tmp_path):
    report = project / "reports" / "zhifu-drc" / "2020.yaml"
    report.chmod(0)
    try:
        code, findings, _ = gendoc("build", "--root", str(project), "-o", str(tmp_path / "out"))
    finally:
        report.chmod(0o644)
    assert code == 1 and "error[F003]" in findings


def test_a_worker_killed_by_the_system_ends_the_build_with_findings(project, tmp_path, monkeypatch):
    for i in range(12):
        shutil.copytree(project / "reports" / "sample-bureau", project / "reports" / f"sample-{i:02d}")
    victim = str(project / "reports" / "sample-05" / "2022.yaml")
    real = incremental.summarise

    def killed_on_victim(project_, path, *args):
        if str(path).endswith("sample-05/2022.yaml") and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
        return real(project_, path, *args)

    parent = os.getpid()
    monkeypatch.setattr(incremental, "summarise", killed_on_victim)
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(tmp_path / "out"), "-j", "2")
    assert code == 1
    lost = [line for line in findings.splitlines() if "F008" in line]
    assert any(line.startswith(f"{victim}: error[F008]: 生成本报告的进程意外终止") for line in lost)
    monkeypatch.setattr(incremental, "summarise", real)
    # the next build tries them again, and succeeds
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(tmp_path / "out"), "-j", "2")
    assert (code, "F008" in findings) == (0, False)


def test_an_ascii_terminal(project):
    report = broken_copy(project)
    done = run(f"gendoc validate --root '{project}' '{report}'", env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "error[S004]" in done.stdout and "\\u" in done.stdout


def test_stdout_closed_or_full(project):
    report = broken_copy(project)
    closed = run(f"gendoc validate --root '{project}' '{report}' >&-")
    assert closed.returncode == 1 and "Traceback" not in closed.stderr
    if os.path.exists("/dev/full"):
        full = run(f"gendoc validate --root '{project}' '{report}' >/dev/full")
        assert full.returncode == 1 and "Traceback" not in full.stderr and "Exception ignored" not in full.stderr
        assert "gendoc: 无法写出结果（cannot write the output）：No space left on device" in full.stderr


def test_textconv_of_an_endless_file():
    done = run("gendoc textconv /dev/zero", timeout=30)
    assert done.returncode == 0
    assert done.stdout.startswith("# gendoc textconv: 文件超过 2000000 字节，不是报告文件")


def test_a_kind_without_an_id(project):
    manifest = project / "schemas" / "annual-report-2021" / "kind.yaml"
    manifest.write_text("\n".join(line for line in manifest.read_text(encoding="utf-8").splitlines()
                                  if not line.startswith("id:")) + "\n", encoding="utf-8")
    code, _, err = gendoc("validate", "--root", str(project))
    assert code == 2
    assert f"{manifest}: 缺少文档类型标识 id（missing the kind's id）" in err


def test_the_benchmark_generator_explains_itself():
    done = subprocess.run([sys.executable, "-m", "bench.generate", "--help"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0 and "usage: python -m bench.generate" in done.stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("environment, coloured", [
    ({}, True), ({"NO_COLOR": ""}, False), ({"NO_COLOR": "1"}, False), ({"TERM": "dumb"}, False),
])
def test_colour_only_on_a_terminal_that_wants_it(monkeypatch, environment, coloured):
    from gendoc.cli.reporters import wants_colour

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert wants_colour(_Terminal()) is coloured
