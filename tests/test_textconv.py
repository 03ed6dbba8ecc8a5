"""`gendoc textconv`: the git diff driver — a line per figure, never a failure."""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from gendoc.cli.main import main
from tests.conftest import ROOT, SEED, replace_once

GRANTED = "表三 / 三、本年度办理结果 / （一）予以公开 / 自然人"


def textconv(capsysbinary, path: Path, *extra: str) -> tuple[int, str]:
    code = main(["textconv", "--root", str(ROOT), *extra, str(path)])
    out, _ = capsysbinary.readouterr()
    return code, out.decode("utf-8", "replace")


def test_seed_as_labelled_lines(capsysbinary):
    code, out = textconv(capsysbinary, SEED)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# 政府信息公开工作年度报告（2019 版格式）"
    assert f"{GRANTED} = 7" in lines
    assert "表三 / 一、本年新收政府信息公开申请数量 / 法人或其他组织 / 商业企业 = 0" in lines
    assert "表三 / 三、本年度办理结果 / （四）无法提供 / 1.本机关不掌握相关政府信息 / 自然人 = 3" in lines
    # derived totals are included and marked
    assert "表三 / 三、本年度办理结果 / （七）总计 / 总计 = 10（计算值）" in lines
    assert "表四 / 行政诉讼 / 复议后起诉 / 总计 = 0（计算值）" in lines
    assert "主动公开政府信息（正文统计） / 合计 = 288（计算值）" in lines
    # narrative: the label, then the text indented
    at = lines.index("六、其他需要报告的事项 / 正文:")
    assert lines[at + 1].startswith("    在提升电子政务水平方面")
    # a clean report has no findings section
    assert "# 检查结果" not in lines


def test_same_figures_same_text_whatever_the_key_order_or_file_name(tmp_path, capsysbinary):
    text = SEED.read_text(encoding="utf-8")
    moved = replace_once(text, "granted: {natural: 7, commercial: 0,", "granted: {commercial: 0, natural: 7,")
    # the temporary file git hands to a textconv command has another name
    other = tmp_path / "Xy12ab_2020.yaml"
    other.write_text(moved, encoding="utf-8")
    assert textconv(capsysbinary, other) == textconv(capsysbinary, SEED)


def test_findings_listed_last(tmp_path, capsysbinary):
    broken = tmp_path / "2020.yaml"
    broken.write_text(replace_once(SEED.read_text(encoding="utf-8"), "granted: {natural: 7", "granted: {natural: 8"),
                      encoding="utf-8")
    code, out = textconv(capsysbinary, broken)
    assert code == 0
    lines = out.splitlines()
    assert f"{GRANTED} = 8" in lines
    findings = lines[lines.index("# 检查结果") + 1:]
    assert findings and all(line.startswith("error[T3-1] ") for line in findings)


@pytest.mark.parametrize("content", [
    b"format: [\nyear: 2020\n",                                     # YAML syntax error
    "format: annual-report-2019\nagency: {name: 烟台市}\n".encode("gb18030"),  # GBK, not UTF-8
    b"just some text\n",                                            # not a mapping
    b"format: no-such-kind\nyear: 2020\n",                           # unknown format
    b"",                                                             # empty
])
def test_unreadable_file_prints_raw_text_and_exits_0(tmp_path, capsysbinary, content):
    path = tmp_path / "2020.yaml"
    path.write_bytes(content)
    code = main(["textconv", "--root", str(ROOT), str(path)])
    out, _ = capsysbinary.readouterr()
    assert code == 0
    assert out.startswith(b"# gendoc textconv: ")
    assert out.endswith(content)  # the raw bytes, untouched


def test_missing_file_and_internal_error_exit_0(tmp_path, capsysbinary, monkeypatch):
    code = main(["textconv", "--root", str(ROOT), str(tmp_path / "gone.yaml")])
    out, _ = capsysbinary.readouterr()
    assert code == 0 and out.startswith(b"# gendoc textconv: ")

    import gendoc.cli.review_textconv as review

    def boom(*_a, **_k):
        raise RuntimeError("bug")

    monkeypatch.setattr(review, "figure_lines", boom)
    code = main(["textconv", "--root", str(ROOT), str(SEED)])
    out, _ = capsysbinary.readouterr()
    assert code == 0
    assert out.startswith("# gendoc textconv: 内部错误".encode())
    assert out.endswith(SEED.read_bytes())


def test_the_repository_uses_the_driver():
    attributes = (ROOT / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert "reports/**/*.yaml diff=gendoc" in attributes
    done = subprocess.run(["git", "check-attr", "diff", "--", "reports/zhifu-drc/2020.yaml"],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode == 0:  # a source tree without .git (an sdist) has no attributes to ask
        assert done.stdout.strip().endswith("diff: gendoc")


def test_git_diff_and_log_show_labelled_figures(project):
    def git(*args: str) -> str:
        command = f"{shlex.quote(sys.executable)} -m gendoc textconv --root {shlex.quote(str(project))}"
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                   GIT_PAGER="cat", GIT_CONFIG_NOSYSTEM="1")
        done = subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org",
                               "-c", "commit.gpgsign=false", "-c", f"diff.gendoc.textconv={command}", *args],
                              cwd=project, capture_output=True, env=env, check=True)
        return done.stdout.decode("utf-8")

    (project / ".gitattributes").write_bytes((ROOT / ".gitattributes").read_bytes())
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "seed")
    seed = project / "reports" / "zhifu-drc" / "2020.yaml"
    seed.write_text(replace_once(seed.read_text(encoding="utf-8"), "granted: {natural: 7", "granted: {natural: 8"),
                    encoding="utf-8")

    out = git("diff")
    assert f"-{GRANTED} = 7\n" in out
    assert f"+{GRANTED} = 8\n" in out
    assert "-表三 / 三、本年度办理结果 / （七）总计 / 总计 = 10（计算值）\n" in out
    assert "+表三 / 三、本年度办理结果 / （七）总计 / 总计 = 11（计算值）\n" in out
    assert "+error[T3-1] " in out
    assert "granted: {natural" not in out  # the YAML itself is not what is shown

    git("commit", "-q", "-am", "eight")
    log = git("log", "-p", "-1")
    assert f"+{GRANTED} = 8\n" in log
    assert "granted: {natural" in git("diff", "--no-textconv", "HEAD~1")
