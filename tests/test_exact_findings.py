"""Findings that say exactly what is wrong: as many as there are mistakes, with their notes,
in the language asked for, and counts that add up."""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gendoc.check.prose_figures import figures_in
from gendoc.cli.main import main
from tests.conftest import ROOT, replace_once


def gendoc(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def edited(project: Path, file: str, old: str, new: str) -> Path:
    path = project / "reports" / file
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    return path


def test_two_missing_keys_give_two_findings(project):
    path = edited(project, "zhifu-drc/2020.yaml", "granted: {natural: 7, commercial: 0,", "granted: {")
    code, out, _ = gendoc("validate", "--root", str(project), str(path))
    assert code == 1
    assert [re.sub(r".*缺少必填项", "", line) for line in out.splitlines()] == [
        "「自然人」（natural） [table3.results.granted]", "「商业企业」（commercial） [table3.results.granted]"]


def test_a_stated_total_names_its_figures_in_the_language_asked_for(project):
    path = edited(project, "sample-bureau/2022.yaml", "org_other: 3}   # 一、本年新收", "org_other: 3, total: 99}   # 一、")
    _, zh, _ = gendoc("validate", "--root", str(project), str(path))
    related = [line.strip() for line in zh.splitlines() if line.startswith("    ")]
    assert len(related) == 6 and all(re.fullmatch(r".*:\d+:\d+: 「表三/一、本年新收政府信息公开申请数量/.+」 = \d+", r) for r in related)
    _, en, _ = gendoc("validate", "--lang", "en", "--root", str(project), str(path))
    assert "is stated as 99 but the figures add up to 61" in en
    derived = edited(project, "sample-bureau/2022.yaml", "natural: 45, commercial: 7", "natural: 4, commercial: 7")
    _, en, _ = gendoc("validate", "--lang", "en", "--root", str(project), str(derived))
    assert "(computed from the figures on lines" in en and "计算值" not in en


def test_the_build_counts_only_the_reports_it_wrote(project, tmp_path):
    edited(project, "zhifu-drc/2020.yaml", "natural: 7,", "natural: -7,")
    total = len(list((project / "reports").rglob("*.yaml")))
    code, _, err = gendoc("build", "--root", str(project), "-o", str(tmp_path / "out"))
    assert code == 1
    assert f"已生成 {total - 1} 份报告（1 份有错误，未生成）：1 个错误" in err
    _, _, err = gendoc("build", "--lang", "en", "--root", str(project), "-o", str(tmp_path / "out"))
    assert f"{total - 1} report(s) built (1 not built: errors): 1 error(s)" in err


def test_diff_lists_every_new_figure_typed_into_prose(project):
    before = project / "reports" / "zhifu-drc" / "2020.yaml"
    after = project / "before.yaml"
    shutil.copy(before, after)
    after, before = before, after
    sentence = "我局无收取信息处理费情况。"
    typed = "".join(f"办理{n}件，" for n in range(3, 19))  # sixteen figures in one paragraph
    edited(project, "zhifu-drc/2020.yaml", sentence, typed + "办理3件。")
    _, out, _ = gendoc("diff", "--root", str(project), str(before), str(after))
    broken = [line for line in out.splitlines() if "warning[N003]" in line]
    assert len(broken) == 17
    assert {re.search(r"「(\d+件)」", line).group(1) for line in broken} == {f"{n}件" for n in range(3, 19)}


@pytest.mark.parametrize("text, figure", [
    ("申请四件", "四件"), ("共十二件", "十二件"), ("两千条", "两千条"), ("①件", "①件"), ("١٠件", "١٠件"),
    ("收到申请4件", "4件"),
])
def test_every_way_of_typing_a_figure_is_found(text, figure):
    assert [f for _, f in figures_in(text)] == [figure]


@pytest.mark.parametrize("text", ["第一批", "每一项", "统一部署", "唯一", "一次性告知", "六个部分组成", "{{ fees }}万元"])
def test_words_that_are_no_figures(text):
    assert figures_in(text) == ()


def test_chinese_numerals_in_prose_are_located(project):
    path = edited(project, "zhifu-drc/2020.yaml", "我局无收取信息处理费情况。", "全年举办培训四场。")
    code, out, _ = gendoc("validate", "--root", str(project), str(path))
    (line,) = out.splitlines()
    assert code == 0 and "warning[N003]: 正文中直接写了数字「四场」" in line


@pytest.mark.parametrize("typed, hint", [
    ("0x10", "——不接受十六进制或八进制写法，请写十进制数 16"),
    ("0o17", "——不接受十六进制或八进制写法，请写十进制数 15"),
    ("١٠", "——这些不是半角阿拉伯数字，请改为 10"),
    ('"10"', "——加了引号的数字是文字，请去掉引号"),
])
def test_non_decimal_figures_are_refused_with_the_right_hint(project, typed, hint):
    path = edited(project, "zhifu-drc/2020.yaml", "granted: {natural: 7,", f"granted: {{natural: {typed},")
    code, out, _ = gendoc("validate", "--root", str(project), str(path))
    (line,) = out.splitlines()
    assert code == 1
    assert line.endswith(f"error[S001]: 表三「三、本年度办理结果」/「（一）予以公开」/「自然人」应为整数，实为文字「{typed}」"
                         f"{hint} [table3.results.granted.natural]")


def _readme_textconv_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"`(git config diff\.gendoc\.textconv [^`]+)`", readme).group(1)


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "gendoc").exists(), reason="needs the clone's .venv (make build)")
def test_the_readmes_textconv_setting_works_without_gendoc_on_path(tmp_path):
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("schemas", "templates"):
        shutil.copytree(ROOT / name, clone / name)
    (clone / "reports" / "zhifu-drc").mkdir(parents=True)
    shutil.copy(ROOT / "reports" / "zhifu-drc" / "2020.yaml", clone / "reports" / "zhifu-drc" / "2020.yaml")
    shutil.copy(ROOT / ".gitattributes", clone / ".gitattributes")
    (clone / ".venv").symlink_to(ROOT / ".venv")  # what `make build` makes in a fresh clone
    env = {**os.environ, "PATH": "/usr/bin:/bin", "GIT_CONFIG_GLOBAL": "/dev/null"}
    env.pop("VIRTUAL_ENV", None)

    def sh(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=120)

    assert sh("git init -q && git add -A && git -c user.name=t -c user.email=t@e commit -qm seed").returncode == 0
    assert sh(_readme_textconv_command()).returncode == 0
    report = clone / "reports" / "zhifu-drc" / "2020.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("granted: {natural: 7,", "granted: {natural: 8,", 1),
                      encoding="utf-8")
    done = sh("cd reports && git diff")
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\+.*（一）予以公开.*自然人.*8$", done.stdout, re.M), done.stdout
