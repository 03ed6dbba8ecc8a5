"""Incremental and parallel builds give exactly the outputs of a full serial build."""
from __future__ import annotations

import shutil
from pathlib import Path

from gendoc.build.incremental import build_all
from gendoc.cli.main import main
from gendoc.build.project import Project


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".gendoc-state.json"}


def many_reports(project: Path, agencies: int) -> None:
    """Copies of the sample agency under other ids: enough reports to use worker processes."""
    source = project / "reports" / "sample-bureau"
    for i in range(agencies):
        shutil.copytree(source, project / "reports" / f"sample-{i:02d}")


def build(project: Path, out: Path, **kwargs):
    p = Project(project)
    files, _ = p.discover([])
    built = build_all(p, files, out, **kwargs)
    built.save()
    return built.summaries


def test_parallel_and_serial_builds_are_byte_identical(project, tmp_path):
    many_reports(project, 12)
    serial = build(project, tmp_path / "serial", jobs=1)
    parallel = build(project, tmp_path / "parallel", jobs=2)
    assert len(serial) == len(parallel) >= 24
    assert all(s.ok for s in parallel)
    assert outputs(tmp_path / "serial") == outputs(tmp_path / "parallel")


def test_incremental_build_redoes_only_what_changed(project, tmp_path):
    out = tmp_path / "out"
    first = build(project, out)
    assert not any(s.reused for s in first)
    again = build(project, out)
    assert all(s.reused for s in again)
    # Changing 2021 re-renders 2021 and 2022 (which reads 2021 as last year), nothing else.
    report = project / "reports" / "sample-bureau" / "2021.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("示例区示例局", "示例区样例局", 1), encoding="utf-8")
    third = build(project, out)
    rebuilt = sorted(Path(s.file).relative_to(project / "reports").as_posix() for s in third if not s.reused)
    assert rebuilt == ["sample-bureau/2021.yaml", "sample-bureau/2022.yaml"]
    # ...and the result equals a build from scratch.
    fresh = tmp_path / "fresh"
    build(project, fresh)
    assert outputs(out) == outputs(fresh)


def test_a_template_change_rebuilds_its_kind(project, tmp_path):
    out = tmp_path / "out"
    build(project, out)
    css = next((project / "templates" / "common").glob("*.css"), None) or next((project / "templates" / "common").iterdir())
    css.write_text(css.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not any(s.reused for s in build(project, out))


def test_deleting_a_report_removes_its_outputs(project, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--root", str(project), "-o", str(out)]) == 0
    assert 'href="sample-bureau/2022.html"' in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "sample-bureau" / "2022.html").exists()
    (project / "reports" / "sample-bureau" / "2022.yaml").unlink()
    assert main(["build", "--root", str(project), "-o", str(out)]) == 0
    assert not (out / "sample-bureau" / "2022.html").exists()
    assert 'href="sample-bureau/2022.html"' not in (out / "index.html").read_text(encoding="utf-8")
    assert not (out / "sample-bureau" / "2022.md").exists()
    assert (out / "sample-bureau" / "2021.html").exists()


def test_findings_are_replayed_when_nothing_changed(project, tmp_path):
    report = project / "reports" / "zhifu-drc" / "2020.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("收到政府信息公开申请{{ table3.new_received.total }}件",
                                                                "收到政府信息公开申请10件", 1), encoding="utf-8")
    out = tmp_path / "out"
    first = [d for s in build(project, out) for d in s.diagnostics]
    second = build(project, out)
    assert all(s.reused for s in second)
    assert [d for s in second for d in s.diagnostics] == first
    assert [d.code for d in first] == ["N003"]


def test_force_rebuilds_what_an_ordinary_build_would_reuse(project, tmp_path, capsys):
    out = tmp_path / "out"
    report = project / "reports" / "zhifu-drc" / "2020.yaml"
    assert main(["build", "--root", str(project), "-o", str(out), str(report)]) == 0
    html = out / "zhifu-drc" / "2020.html"
    good = html.read_bytes()
    html.write_bytes(good.replace("收到政府信息公开申请10件".encode(), "收到政府信息公开申请99件".encode()))
    assert main(["build", "--root", str(project), "-o", str(out), str(report)]) == 0
    assert html.read_bytes() != good  # nothing changed in the inputs: the output is trusted
    assert main(["build", "--root", str(project), "-o", str(out), "--force", str(report)]) == 0
    assert html.read_bytes() == good
    capsys.readouterr()


def test_a_new_version_of_gendoc_rebuilds_everything(project, tmp_path, monkeypatch):
    import gendoc
    from gendoc.build import incremental

    files = sorted(Path(gendoc.__file__).parent.rglob("*.py"))
    assert incremental.code_digest() == incremental._digest_files(files)  # all of gendoc's code
    out = tmp_path / "out"
    build(project, out)
    assert all(s.reused for s in build(project, out))
    monkeypatch.setattr(incremental, "code_digest", lambda: "another version")
    assert not any(s.reused for s in build(project, out))


def test_a_failing_report_still_owns_its_last_good_outputs(project, tmp_path, capsys):
    out = tmp_path / "out"
    report = project / "reports" / "zhifu-drc" / "2020.yaml"
    assert main(["build", "--root", str(project), "-o", str(out)]) == 0
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("new_received: {natural: 10", "new_received: {natural: 11", 1), encoding="utf-8")
    assert main(["build", "--root", str(project), "-o", str(out)]) == 1
    assert (out / "zhifu-drc" / "2020.html").exists()  # kept, marked stale in the index
    report.unlink()  # deleting the report later still removes them
    assert main(["build", "--root", str(project), "-o", str(out)]) == 0
    assert not (out / "zhifu-drc" / "2020.html").exists() and not (out / "zhifu-drc" / "2020.md").exists()
    capsys.readouterr()


def test_a_report_edited_while_it_is_built_is_built_again_next_time(project, tmp_path, monkeypatch):
    # Its fingerprint is the one of the bytes as they were before the build, whatever
    # happens to the file during it: the next build sees the edit and builds it again.
    report = project / "reports" / "sample-bureau" / "2022.yaml"
    original_build = Project.build

    def build_then_edit(self, path, out_dir):
        result = original_build(self, path, out_dir)
        if Path(path) == report:
            report.write_text(report.read_text(encoding="utf-8").replace("“政策问答”栏目", "“政策咨询”栏目", 1),
                              encoding="utf-8")
        return result

    out = tmp_path / "out"
    monkeypatch.setattr(Project, "build", build_then_edit)
    build(project, out, jobs=1)
    monkeypatch.setattr(Project, "build", original_build)
    again = build(project, out, jobs=1)
    rebuilt = [Path(s.file).name for s in again if not s.reused and Path(s.file).parent.name == "sample-bureau"]
    assert rebuilt == ["2022.yaml"]
    assert "“政策咨询”栏目" in (out / "sample-bureau" / "2022.html").read_text(encoding="utf-8")
