"""The command line as a user runs it: exit codes, located findings, outputs."""
from __future__ import annotations

import json

from gendoc.cli.main import main
from tests.conftest import line_of, replace_once


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_clean_seed_exits_0(project, capsys):
    code, out, err = run(capsys, "validate", "--root", str(project), str(project / "reports"))
    assert code == 0
    assert out == ""
    count = len(list((project / "reports").rglob("*.yaml")))
    assert f"已校验 {count} 份报告：0 个错误，0 个警告" in err


def test_validate_changed_figure_names_rule_and_line(project, capsys):
    path = project / "reports" / "zhifu-drc" / "2020.yaml"
    text = replace_once(path.read_text(encoding="utf-8"), "granted: {natural: 7", "granted: {natural: 6")
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--root", str(project), str(path))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:{line_of(text, 'new_received:')}:")
    assert "error[T3-1]" in first
    assert f"{path}:{line_of(text, 'granted:')}:" in out  # the changed figure is listed too


def test_json_and_github_formats(project, capsys):
    path = project / "reports" / "zhifu-drc" / "2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("year: 2020", "year: 2022"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--root", str(project), "--format", "json", str(path))
    assert code == 1
    items = json.loads(out)
    assert {i["rule"] for i in items if i["rule"]} == {"X-4"}
    assert {i["code"] for i in items} == {"F004", "R001"}
    code, out, _ = run(capsys, "validate", "--root", str(project), "--format", "github", str(path))
    assert out.startswith(f"::error file={path},line=")


def test_english_messages(project, capsys):
    path = project / "reports" / "zhifu-drc" / "2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("year: 2020", "year: 2019"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--root", str(project), "--lang", "en", str(path))
    assert code == 1
    assert "the file name says 2020 but year is 2019" in out


def test_missing_path_and_directory_without_reports(project, capsys, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run(capsys, "validate", "--root", str(project), str(tmp_path / "nope.yaml"), str(empty))
    assert code == 1
    assert f"{tmp_path / 'nope.yaml'}: error[F001]: 找不到文件或目录" in out
    assert "error[F002]" in out


def test_usage_error_exits_2(capsys):
    code = None
    try:
        main(["frobnicate"])
    except SystemExit as exc:
        code = exc.code
    assert code == 2


def test_github_annotations_escape_what_github_reads_as_syntax():
    import io

    from gendoc.cli.reporters import github
    from gendoc.diagnostics import Diagnostic

    out = io.StringIO()
    finding = Diagnostic("error", "N004", {"problem": "100%\r\n第二行"}, "reports/a,b:c/2020.yaml", 3, 5)
    github([finding], out, "zh", False)
    assert out.getvalue() == ("::error file=reports/a%2Cb%3Ac/2020.yaml,line=3,col=5,title=N004::"
                              "模板渲染出错：100%25%0D%0A第二行\n")


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    import io

    from gendoc.cli.reporters import wants_colour

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert wants_colour(Terminal()) is True
    assert wants_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert wants_colour(Terminal()) is False
