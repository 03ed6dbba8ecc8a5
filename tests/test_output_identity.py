"""A build never deletes what it did not replace, and never writes one report over another.

Each test is a sequence of commands a user ran that lost outputs or mixed reports up.
"""
from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from gendoc.build import incremental
from gendoc.cli.main import main

import re

from tests.conftest import ROOT

REPORTS = sorted(p.relative_to(ROOT / "reports").with_suffix("").as_posix() for p in (ROOT / "reports").rglob("*.yaml"))
OUTPUTS = sorted(f"{r}.{fmt}" for r in REPORTS for fmt in ("html", "md"))
_REPORT_OUTPUT = re.compile(r"[^/]+/[0-9]{4}\.(html|md)")


def gendoc(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def present(out: Path, *, everything: bool = False) -> list[str]:
    """The report outputs in `out` (with `everything`, every file but gendoc's own pages)."""
    names = (p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return sorted(n for n in names if _REPORT_OUTPUT.fullmatch(n) or (everything and "/" not in n and n.endswith(".css")
                                                                        or everything and n.endswith(".txt")))


def test_a_build_from_another_folder_keeps_every_output(project, monkeypatch):
    out = project / "build"
    monkeypatch.chdir(project)
    assert gendoc("build", "--root", str(project))[0] == 0
    monkeypatch.chdir(project / "reports")
    assert gendoc("build", "--root", str(project))[0] == 0
    assert present(out) == OUTPUTS
    monkeypatch.chdir(project)
    code, _, err = gendoc("build", "--root", str(project))
    assert (code, present(out)) == (0, OUTPUTS)
    assert f"已生成 {len(REPORTS)} 份报告" in err


def test_another_spelling_of_a_path_is_the_same_report(project, monkeypatch):
    monkeypatch.chdir(project)
    assert gendoc("build", "--root", ".")[0] == 0
    assert gendoc("build", "--root", ".", "reports/../reports/zhifu-drc/2020.yaml")[0] == 0
    code, _, _ = gendoc("build", "--root", ".")
    assert (code, present(project / "build")) == (0, OUTPUTS)
    state = json.loads((project / "build" / incremental.STATE_FILE).read_text(encoding="utf-8"))
    assert sorted(r["key"] for r in state["reports"]) == [f"reports/{r}.yaml" for r in REPORTS]


def test_building_another_project_from_here_leaves_this_ones_outputs(project, tmp_path, monkeypatch):
    other = tmp_path / "other"
    for name in ("schemas", "templates", "reports"):
        shutil.copytree(project / name, other / name)
    monkeypatch.chdir(project)
    assert gendoc("build", "--root", ".")[0] == 0
    assert gendoc("build", "--root", str(other), "-o", str(other / "build"))[0] == 0
    assert gendoc("build", "--root", str(other), "-o", str(other / "build"))[0] == 0
    assert present(project / "build") == OUTPUTS == present(other / "build")


@pytest.mark.parametrize("rival", ["zhifu-drc/2020.yml", "archive/zhifu-drc/2020.yaml"])
def test_two_files_for_one_report_are_both_refused_and_nothing_is_overwritten(project, rival):
    out = project / "build"
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    before = (out / "zhifu-drc" / "2020.html").read_bytes()
    seed = project / "reports" / "zhifu-drc" / "2020.yaml"
    copy = project / "reports" / rival
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(seed.read_text(encoding="utf-8").replace("烟台市芝罘区发展和改革局", "另一个局", 1), encoding="utf-8")
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(out))
    assert code == 1
    lines = sorted(line for line in findings.splitlines() if "F007" in line)
    seed_shown, copy_shown = str(seed), str(copy)
    assert lines == sorted([
        f"{seed_shown}: error[F007]: 与 {copy_shown} 对应同一份报告 zhifu-drc/2020（同一机关同一年度只能有一个文件）：都不生成，请删除或改名其一",
        f"{copy_shown}: error[F007]: 与 {seed_shown} 对应同一份报告 zhifu-drc/2020（同一机关同一年度只能有一个文件）：都不生成，请删除或改名其一",
    ])
    assert (out / "zhifu-drc" / "2020.html").read_bytes() == before
    # validate says the same, and naming one file does not get round it
    assert gendoc("validate", "--root", str(project))[0] == 1
    assert "F007" in gendoc("build", "--root", str(project), "-o", str(out), str(copy))[1]
    assert (out / "zhifu-drc" / "2020.html").read_bytes() == before
    # deleting the copy deletes nothing of the report's
    copy.unlink()
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    assert (out / "zhifu-drc" / "2020.html").read_bytes() == before


@pytest.mark.parametrize("name", ["2020 copy.yaml", "02020.yaml", "２０２０.yaml", "2020².yaml", "2020.YAML",
                                  "2020.yaml.txt"])
def test_a_file_not_named_by_its_year_is_skipped_with_a_finding(project, name):
    out = project / "build"
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    before = (out / "zhifu-drc" / "2020.html").read_bytes()
    seed = project / "reports" / "zhifu-drc" / "2020.yaml"
    odd = seed.with_name(name)
    odd.write_text(seed.read_text(encoding="utf-8").replace("烟台市芝罘区发展和改革局", "另一个局", 1), encoding="utf-8")
    for command in (["validate"], ["build", "-o", str(out)]):
        code, findings, _ = gendoc(*command, "--root", str(project))
        assert code == 0
        assert findings.splitlines() == [
            f"{odd}: warning[F006]: 已跳过「{name}」：报告文件名应为四位年份加 .yaml（如 2020.yaml），所在目录名为机关标识"]
    assert (out / "zhifu-drc" / "2020.html").read_bytes() == before
    # named on the command line, it is an error: the user asked for that file
    code, findings, _ = gendoc("validate", "--root", str(project), str(odd))
    assert code == 1 and "error[F006]" in findings
    odd.unlink()
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    assert present(out) == OUTPUTS


def test_new_refuses_when_the_year_exists_under_any_extension(project):
    folder = project / "reports" / "sample-bureau"
    (folder / "2023.yml").write_text("year: 2023\n", encoding="utf-8")
    code, _, err = gendoc("new", "--root", str(project), "sample-bureau", "2023")
    assert code == 1 and "2023.yml 已存在" in err
    assert not (folder / "2023.yaml").exists()


def test_outputs_of_a_renamed_agency_go_but_nothing_else(project):
    out = project / "build"
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    (out / "zhifu-drc" / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "extra.css").write_text("mine", encoding="utf-8")
    (project / "reports" / "zhifu-drc").rename(project / "reports" / "zhifu-fgj")
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    renamed = [o.replace("zhifu-drc/", "zhifu-fgj/") for o in OUTPUTS]
    assert present(out) == sorted(renamed)
    assert (out / "zhifu-drc" / "notes.txt").read_text(encoding="utf-8") == "mine"  # not gendoc's: kept
    assert (out / "extra.css").read_text(encoding="utf-8") == "mine"
    (project / "reports" / "sample-bureau").rename(project / "reports" / "sample-2")
    (out / "zhifu-drc" / "notes.txt").unlink()
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    assert present(out) == sorted(o.replace("sample-bureau/", "sample-2/") for o in renamed)
    assert not (out / "sample-bureau").exists()


def test_a_failure_of_the_machine_is_not_replayed(project):
    out = project / "build"
    out.mkdir()
    (out / "zhifu-drc").write_text("a file where a folder should be", encoding="utf-8")
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(out))
    assert code == 1 and "error[F005]" in findings
    (out / "zhifu-drc").unlink()
    code, findings, _ = gendoc("build", "--root", str(project), "-o", str(out))
    assert (code, findings) == (0, "")
    assert present(out) == OUTPUTS


def test_the_index_lists_every_known_report_after_building_one(project):
    out = project / "build"
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    report = project / "reports" / "zhifu-drc" / "2020.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("natural: 7,", "natural: -7,", 1), encoding="utf-8")
    assert gendoc("build", "--root", str(project), "-o", str(out), str(report))[0] == 1
    assert "sample-bureau/2022.html" in (out / "index.html").read_text(encoding="utf-8")
    year = (out / "index-2020.html").read_text(encoding="utf-8")
    assert '<tr data-status="error " data-name="烟台市芝罘区发展和改革局 zhifu-drc">' in year  # its new status


def test_a_build_killed_after_saving_its_state_keeps_the_index_complete(project, monkeypatch):
    out = project / "build"
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    shutil.copytree(project / "reports" / "sample-bureau", project / "reports" / "sample-new")
    real_save = incremental.BuildResult.save

    def save_then_die(self):
        real_save(self)
        raise SystemExit(137)

    monkeypatch.setattr(incremental.BuildResult, "save", save_then_die)
    with pytest.raises(SystemExit):
        gendoc("build", "--root", str(project), "-o", str(out))
    monkeypatch.setattr(incremental.BuildResult, "save", real_save)
    assert gendoc("build", "--root", str(project), "-o", str(out))[0] == 0
    assert "sample-new/2022.html" in (out / "index.html").read_text(encoding="utf-8")
