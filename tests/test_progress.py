"""The progress bar: drawn on a terminal only, wiped at the end; a one-line summary follows."""
from __future__ import annotations

import io

from gendoc.cli import progress as progress_module
from gendoc.cli.main import main
from gendoc.cli.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal_with_count_and_time_left(monkeypatch):
    monkeypatch.setattr(progress_module, "QUIET_SECONDS", 0.0)
    monkeypatch.setattr(progress_module, "REDRAW_SECONDS", 0.0)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    clock = iter([100.0, 102.0, 104.0])
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    term = Terminal()
    bar = Progress(10, "生成", term)
    bar(4)  # 4 of 10 after 2 s: 3 s left
    assert term.getvalue() == "\r生成 [█████████···············] 4/10  40% 剩余约 3 秒\x1b[K"
    bar(10)
    assert term.getvalue().endswith("10/10 100% 完成\x1b[K")
    bar.close()
    assert term.getvalue().endswith("\r\x1b[K")


def test_no_bar_in_ci_on_a_dumb_terminal_or_in_a_pipe(monkeypatch):
    monkeypatch.setattr(progress_module, "QUIET_SECONDS", 0.0)
    for env, stream in ((("CI", "true"), Terminal()), (("TERM", "dumb"), Terminal()), (None, io.StringIO())):
        monkeypatch.delenv("CI", raising=False)
        monkeypatch.setenv("TERM", "xterm")
        if env:
            monkeypatch.setenv(*env)
        bar = Progress(10, "生成", stream)
        bar(5)
        bar.close()
        assert stream.getvalue() == ""


def test_summary_line_says_how_long_it_took(project, tmp_path, capsys):
    assert main(["build", "--root", str(project), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err  # not a terminal: no bar
    lines = err.strip().splitlines()
    assert lines[-1].startswith("已生成 ") and "（用时 " in lines[-1] and lines[-1].endswith(" 秒）")
