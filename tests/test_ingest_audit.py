"""`gendoc audit`: a folder of published reports → league table, a page per report quoting
the source, audit.csv and audit.json; the same bytes with one worker or several."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from gendoc.build.project import Project
from gendoc.cli.main import main
from gendoc.ingest import audit

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "tests" / "fixtures" / "ingest" / "zhifu-drc-2020-annual-report.txt"


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("published")
    shutil.copy(SEED_TEXT, folder / "zhifu-2020.txt")
    built = tmp_path_factory.mktemp("built")
    project = Project(ROOT)
    for rel in ("sample-bureau/2021.yaml", "sample-bureau/2022.yaml"):
        result = project.build(ROOT / "reports" / rel, built)
        shutil.copy(result.outputs["html"], folder / rel.replace("/", "-").replace(".yaml", ".html"))
    late = (folder / "sample-bureau-2022.html").read_text(encoding="utf-8")
    (folder / "late.html").write_text(late.replace("发布时间：2023年1月18日", "发布时间：2023年2月3日"), encoding="utf-8")
    (folder / "notes.txt").write_text("会议纪要\n今天开会讨论了三件事。\n", encoding="utf-8")
    return folder


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_audit_writes_the_league_table_and_records(sources, tmp_path, capsys):
    out = tmp_path / "audit"
    code, stdout, stderr = run(capsys, "audit", "--root", str(ROOT), str(sources), "-o", str(out), "-j", "1")
    assert code == 1
    assert "已核查 5 份报告" in stderr
    lines = stdout.splitlines()
    assert any("zhifu-2020.txt:14:26: error[N010]" in line and "收到政府信息公开申请4件" in line for line in lines)
    assert any("late.html" in line and "error[A001]" in line and "2023-02-03" in line and "2023-01-31" in line
               for line in lines)
    assert any("notes.txt" in line and "error[I001]" in line for line in lines)
    records = {Path(r["file"]).name: r for r in json.loads((out / "audit.json").read_text(encoding="utf-8"))}
    assert records["sample-bureau-2021.html"]["errors"] == 0 and records["sample-bureau-2021.html"]["on_time"] is True
    assert records["late.html"]["on_time"] is False and records["late.html"]["deadline"] == "2023-01-31"
    zhifu = records["zhifu-2020.txt"]
    assert (zhifu["agency"], zhifu["year"], zhifu["kind"]) == ("烟台市芝罘区发展和改革局", 2020, "annual-report-2019")
    n010 = [f for f in zhifu["findings"] if f["code"] == "N010"]
    assert n010[0]["line"] == 14 and "收到政府信息公开申请4件" in n010[0]["quote"]
    rows = list(csv.DictReader(io.StringIO((out / "audit.csv").read_text(encoding="utf-8"))))
    assert [Path(r["file"]).name for r in rows] == sorted(records)
    assert next(r for r in rows if r["file"].endswith("zhifu-2020.txt"))["正文与表格_errors/warnings"] == "2/0"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "共 5 份报告" in index and "否（逾期）" in index and "烟台市芝罘区发展和改革局" in index
    page = next(p for p in (out / "reports").iterdir() if "收到政府信息公开申请4件" in p.read_text(encoding="utf-8"))
    assert f'href="{page.relative_to(out).as_posix()}"' in index
    assert "<blockquote>从受理情况来看，2020年我局收到政府信息公开申请4件" in page.read_text(encoding="utf-8")


def test_audit_output_is_the_same_with_several_workers(sources, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(audit, "PARALLEL_THRESHOLD", 1)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"audit-{jobs}"
        run(capsys, "audit", "--root", str(ROOT), str(sources), "-o", str(out), "-j", jobs)
        outs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outs[0] == outs[1] and len(outs[0]) == 3 + 5


@pytest.mark.parametrize("fmt, check", [
    ("json", lambda text: len(json.loads(text)) == 5),
    ("csv", lambda text: len(text.splitlines()) == 6 and text.startswith("file,agency,year")),
])
def test_audit_formats_on_stdout(sources, tmp_path, capsys, fmt, check):
    code, stdout, _ = run(capsys, "audit", "--root", str(ROOT), str(sources), "-o", str(tmp_path / "a"),
                          "--format", fmt)
    assert code == 1 and check(stdout)


def test_audit_of_a_missing_folder_is_a_finding(tmp_path, capsys):
    code, _, stderr = run(capsys, "audit", "--root", str(ROOT), str(tmp_path / "nope"), "-o", str(tmp_path / "a"))
    assert code == 1 and "F001" in stderr
