"""Attacks through report files and options: each must be refused with a located finding or
come out inert — never a live link, a misread figure, a runaway render or a replaced device."""
from __future__ import annotations

import contextlib
import io
import os
import stat
import time
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from gendoc.cli.main import main
from tests.conftest import line_of, replace_once

PLAIN_SENTENCE = "我局无收取信息处理费情况。"


def gendoc(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def seed_with(project: Path, old: str, new: str) -> Path:
    path = project / "reports" / "zhifu-drc" / "2020.yaml"
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    return path


def every_url(markdown: str) -> list[str]:
    """Every destination a CommonMark renderer that trusts all links would produce."""
    parser = MarkdownIt("commonmark", {"html": True})
    parser.validateLink = lambda url: True
    urls = []
    for token in parser.parse(markdown):
        for child in token.children or []:
            if child.type == "link_open":
                urls.append(child.attrGet("href"))
            elif child.type == "image":
                urls.append(child.attrGet("src"))
    return urls


def runs_code(url: str) -> bool:
    from html import unescape
    from urllib.parse import unquote

    plain = "".join(c for c in unescape(unquote(url)) if c > " " and c != "\\").lower()
    return plain.startswith(("javascript:", "vbscript:", "data:", "file:"))


LINK_TRICKS = [
    "[a](<javascript:alert(1)>)", "<javascript:alert(2)>", "[a](javascript&colon;x)", "[a](&#106;avascript:x)",
    "[r]\n\n        [r]: javascript:x", "![i](<data:text/html,x>)", "[v](vbscript&#58;msgbox)", "[t](java\tscript:x)",
    "[p](JaVaScRiPt:x)",
]


@pytest.mark.parametrize("trick", LINK_TRICKS)
def test_no_link_in_the_markdown_output_runs_code(project, tmp_path, trick):
    seed_with(project, PLAIN_SENTENCE, f"见 {trick} 与 [官网](https://www.zhifu.gov.cn/)。")
    out = tmp_path / "out"
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    markdown = (out / "zhifu-drc" / "2020.md").read_text(encoding="utf-8")
    assert [u for u in every_url(markdown) if runs_code(u)] == []
    assert "见 " in markdown and "官网" in markdown  # the sentence is kept, as text


def test_a_link_trick_in_a_name_is_inert_in_the_markdown(project, tmp_path):
    seed_with(project, "name: 烟台市芝罘区发展和改革局", "name: '[局](<javascript:alert(1)>)'")
    out = tmp_path / "out"
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    assert [u for u in every_url((out / "zhifu-drc" / "2020.md").read_text(encoding="utf-8")) if runs_code(u)] == []


def test_a_bidi_control_in_the_data_is_a_located_error(project):
    path = seed_with(project, "granted: {natural: 7,", "granted: {natural: \u202e7,")
    code, out, _ = gendoc("validate", "--root", str(project), str(path))
    line = line_of(path.read_text(encoding="utf-8"), "\u202e")
    assert code == 1
    assert out.splitlines()[0] == (
        f"{path}:{line}:24: error[Y014]: 含有不可见的控制字符 U+202E（RIGHT-TO-LEFT OVERRIDE）："
        "它会改变文字和数字的显示顺序或隐藏内容，使页面与数据不一致，请删除")


@pytest.mark.parametrize("sneaked", ["&#x202e;", "&#8206;", "{{ '\\u2066' }}", "1&ZeroWidthSpace;0"])
def test_an_invisible_character_made_by_a_narrative_is_a_located_error(project, tmp_path, sneaked):
    path = seed_with(project, PLAIN_SENTENCE, f"见{sneaked}附件。")
    out = tmp_path / "out"
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(out), str(path))
    assert code == 1
    (finding,) = findings.splitlines()
    assert "error[N007]: 正文渲染结果含有不可见的控制字符 U+" in finding and finding.endswith("[overview.parts[7].text]")
    assert not (out / "zhifu-drc" / "2020.html").exists()


RUNAWAYS = {
    "center": "{{ 'x'|center(10**8) }}",
    "format": "{{ '%0100000000d'|format(1) }}",
    "percent": "{{ '%0100000000d' % 1 }}",
    "method": "{{ 'x'.ljust(10**8) }}",
    "str.format": "{{ '{:>100000000}'.format(1) }}",
    "nested loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "long output": "{% for i in range(100000) %}{% for j in range(100) %}x{% endfor %}{% endfor %}",
    "lipsum": "{{ lipsum(10**6) }}",
}


@pytest.mark.parametrize("name", RUNAWAYS)
def test_a_runaway_narrative_is_stopped_with_a_located_finding(project, tmp_path, name, monkeypatch):
    from gendoc.render import narrative_limits

    monkeypatch.setattr(narrative_limits, "SECONDS_PER_REPORT", 1.0)
    path = seed_with(project, PLAIN_SENTENCE, RUNAWAYS[name])
    started = time.monotonic()
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(tmp_path / "out"), str(path))
    assert time.monotonic() - started < 20
    assert code == 1
    (finding,) = findings.splitlines()
    line = line_of(path.read_text(encoding="utf-8"), RUNAWAYS[name][:20])
    assert finding.startswith(f"{path}:{line}:")
    assert ("error[N006]: 正文超出限制" in finding or "error[N002]" in finding and name == "lipsum"), finding
    assert finding.endswith("[overview.parts[7].text]")


def test_large_figures_pass_through_filters_and_calls(project, tmp_path):
    path = seed_with(project, PLAIN_SENTENCE, "共{{ 250000 | num }}元，{{ '{:,}'.format(1234567) }}。")
    path = seed_with(project, "value: 141, unit: 户", "value: 2500000, unit: 户")
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(tmp_path / "out"), str(path))
    assert (code, "N006" in findings) == (0, False)
    assert "1,234,567" in (tmp_path / "out" / "zhifu-drc" / "2020.html").read_text(encoding="utf-8")


def test_a_gigantic_fact_is_refused_by_the_schema(project):
    path = seed_with(project, "value: 141, unit: 户", "value: 9e99999999, unit: 户")
    code, out, _ = gendoc("validate", "--root", str(project), str(path))
    assert code == 1
    (finding,) = out.splitlines()
    assert "error[S005]" in finding and finding.endswith("[facts.wechat_subscribers.value]")


@pytest.mark.parametrize("thing", ["fifo", "symlink", "folder"])
def test_schema_writes_only_regular_files(tmp_path, thing):
    target = tmp_path / "out.json"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    if thing == "fifo":
        os.mkfifo(target)
    elif thing == "symlink":
        target.symlink_to(victim)
    else:
        target.mkdir()
    before = os.lstat(target)
    code, _, err = gendoc("schema", "annual-report-2021", "-o", str(target))
    assert code == 1
    assert f"gendoc schema: 无法写入 {target}（cannot write）：不是普通文件" in err
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (stat.S_IFMT(before.st_mode), before.st_ino)
    assert victim.read_text(encoding="utf-8") == "keep"


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_schema_leaves_a_device_alone(tmp_path):
    # A device node of its own (the same as /dev/full): a regression must not cost the
    # machine its /dev/full.
    device = tmp_path / "full"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    before = os.lstat(device)
    code, _, err = gendoc("schema", "annual-report-2021", "-o", str(device))
    assert code == 1 and "不是普通文件" in err
    after = os.lstat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_github_annotations_cannot_be_forged_by_a_folder_name(project):
    folder = project / "reports" / "x,line=1,title=FAKE::injected"
    folder.mkdir()
    report = folder / "2020.yaml"
    report.write_bytes((project / "reports" / "zhifu-drc" / "2020.yaml").read_bytes().replace(b"natural: 7,", b"natural: -7,", 1))
    code, out, _ = gendoc("validate", "--root", str(project), "--format", "github", str(report))
    assert code == 1
    (line,) = [text for text in out.splitlines() if "%2Cline=1" in text]
    command, _, message = line.partition("::")[2].partition("::")
    properties = dict(p.split("=", 1) for p in command.split(" ", 1)[1].split(","))
    assert set(properties) == {"file", "line", "col", "title"}
    assert properties["file"].endswith("x%2Cline=1%2Ctitle=FAKE%3A%3Ainjected/2020.yaml")
    assert properties["title"] == "S004" and properties["line"] != "1"


@pytest.mark.parametrize("text", [*LINK_TRICKS, "见 [官网](https://www.zhifu.gov.cn/)。", "javaſcript:x", "fİle:x", "数据：10件", "java\nscript&colon;",
                                  ":javascript:x", "|:---|data:x", "daTA\t:x", "vbscripᴛ:x"])
def test_the_quick_scheme_scan_finds_all_the_full_expression_finds(text):
    # The page-wide scan lowers the text and looks for plain strings; it must say "maybe"
    # whenever the case-blind expression (which `_unsafe_url` uses) would find a scheme.
    import html
    import re

    from gendoc.render import markup

    full = re.search(r"(?:javascript|vbscript|data|file):", re.sub(r"[\x00-\x20\\\x7f]", "", html.unescape(text)), re.I)
    assert markup._could_hide_scheme(text) == bool(full)


def test_the_quick_scheme_scan_agrees_with_the_full_expression_on_random_texts():
    # Texts made of what matters to the scan: scheme letters in both cases, letters that
    # fold into ASCII ones, invisible characters, colons typed and as references, table rows.
    import html
    import random
    import re

    from gendoc.render import markup

    pieces = [*"javscriptbdaflTAEJSCRIPT:|- \t\n\\&;#x3a58ſİKı数", "&colon;", "&#58;", "&#x3A;", "\x00", "\x7f",
              "&#106;", "javascript", "data", "file", "vbscript", ":x", "|:---|"]
    rng = random.Random(17)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 24)))
        full = re.search(r"(?:javascript|vbscript|data|file):", re.sub(r"[\x00-\x20\\\x7f]", "", html.unescape(text)), re.I)
        assert markup._could_hide_scheme(text) == bool(full), repr(text)
