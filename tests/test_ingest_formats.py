"""Word and PDF sources, and bad input: each a clear finding, never a traceback, never a
half-written report file."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from gendoc.build.project import Project
from gendoc.cli.main import main
from gendoc.ingest.importer import import_document
from gendoc.ingest.readers import read_source
from tests.test_ingest_roundtrip import REPORTS, typed_figures

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
SEED_TEXT = FIXTURES / "zhifu-drc-2020-annual-report.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    project = Project(ROOT)
    return project, {path: project.build(path, out) for path in REPORTS}


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_own_word_file_reads_back_to_the_same_figures(built, path):
    project, results = built
    result = results[path]
    if "docx" not in result.outputs:
        pytest.skip("this kind makes no Word file")
    imp = import_document(read_source(result.outputs["docx"]), project.kinds)
    assert imp.kind is result.kind and imp.year == result.year
    assert typed_figures(imp.kind, imp.data) == typed_figures(result.kind, result.report.data)
    assert [d.message() for d in imp.findings if d.severity != "info"] == []


def test_pdf_with_a_text_layer():
    """gendoc's own Word file of the seed report, printed to PDF by LibreOffice (a fixture:
    tests/fixtures/README.md). Tables 二 and 三 read back exactly; the cells of table 四 whose
    merged headers the PDF does not give stay unknown, with a finding — never a guess."""
    project = Project(ROOT)
    imp = import_document(read_source(FIXTURES / "zhifu-drc-2020-gendoc.pdf"), project.kinds)
    seed = project.check(ROOT / "reports" / "zhifu-drc" / "2020.yaml")
    assert imp.kind.id == "annual-report-2019" and imp.year == 2020 and imp.agency == "烟台市芝罘区发展和改革局"
    got, want = typed_figures(imp.kind, imp.data), typed_figures(seed.kind, seed.report.data)
    for path, value in want.items():
        if path[0] in ("table2", "table3"):
            assert got[path] == value, path
        else:
            assert got[path] in (value, None), path
    unknown = [p for p, v in got.items() if v is None]
    if unknown:
        assert any(d.code == "I015" for d in imp.findings)


def _docx_with_tracked_changes(tmp_path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("示例局2021年政府信息公开工作年度报告")
    p = document.add_paragraph("全年收到申请")
    ins = p._p.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ins", {})
    p._p.append(ins)
    path = tmp_path / "tracked.docx"
    document.save(path)
    return path


def _zip_bomb(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))  # ~1000:1
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    return path


IMAGE_ONLY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                  b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                  b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
                  b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.mark.parametrize("name, make, code", [
    ("not-a-report", lambda d: _write(d / "notes.txt", "会议纪要\n今天开会。\n"), "I001"),
    ("pre-2019", lambda d: _write(d / "old.txt", SEED_TEXT.read_text(encoding="utf-8")
                                  .replace("2020年政府信息公开工作年度报告", "2018年政府信息公开工作年度报告", 1)), "I008"),
    ("image-only-pdf", lambda d: _write_bytes(d / "scan.pdf", IMAGE_ONLY_PDF), "I006"),
    ("not-a-zip-docx", lambda d: _write_bytes(d / "fake.docx", b"<html>not word</html>"), "I004"),
    ("zip-bomb", _zip_bomb, "I004"),
    ("fifty-megabytes", lambda d: _sparse(d / "huge.html", 50 * 1024 * 1024), "I002"),
    ("unknown-type", lambda d: _write(d / "report.odt", "x"), "I005"),
])
def test_bad_input_is_one_clear_finding_and_no_file(tmp_path, capsys, name, make, code):
    source = make(tmp_path)
    out = tmp_path / "reports"
    exit_code = main(["import", "--root", str(ROOT), str(source), "-o", str(out)])
    stdout, stderr = capsys.readouterr()
    assert exit_code == 1
    assert f"error[{code}]" in stdout and "Traceback" not in stdout + stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_tracked_changes_are_a_finding(tmp_path):
    imp = import_document(read_source(_docx_with_tracked_changes(tmp_path)), Project(ROOT).kinds)
    assert [d.params for d in imp.findings if d.code == "I019"] == [{"count": 1}]


def test_truncated_page_keeps_what_it_gives_and_says_what_is_missing(tmp_path, capsys):
    page = (ROOT / "tests" / "fixtures" / "ingest" / "zhifu-drc-2020-annual-report.txt").read_text(encoding="utf-8")
    cut = page[: page.index("1.本机关不掌握相关政府信息")]
    source = _write(tmp_path / "cut.txt", cut)
    imp = import_document(read_source(source), Project(ROOT).kinds)
    assert imp.data["table3"]["new_received"]["natural"] == 10
    assert imp.data["table3"]["results"]["unable"]["not_held"]["natural"] is None
    assert {d.code for d in imp.findings} >= {"I010", "I015"}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def test_a_row_published_in_the_earlier_formats_shape_is_said_to_be_so(built, tmp_path):
    """A 2022 report (2021 format) whose （六）其他处理 is one row with figures, as in the 2019
    format: the three rows 2021 splits it into stay unknown, and I021 says why, at that row."""
    import re

    project, results = built
    path = ROOT / "reports" / "sample-bureau" / "2022.yaml"
    page = results[path].outputs["html"].read_text(encoding="utf-8")
    group = page.index("（六）其他处理</th>")
    start, end = page.rfind("<tr>", 0, group), page.rfind("<tr>", 0, page.index("（七）总计</th>"))
    one_row = ('<tr><th colspan="2">（六）其他处理</th>'
               + "".join(f"<td>{v}</td>" for v in (3, 1, 0, 0, 0, 1, 5)) + "</tr>\n")
    mixed = page[:start] + one_row + page[end:]
    # the outer group 三、本年度办理结果 now spans two rows fewer
    mixed = re.sub(r'rowspan="(\d+)"([^>]*>三、本年度办理结果)', lambda m: f'rowspan="{int(m[1]) - 2}"{m[2]}', mixed)
    source = tmp_path / "2022.html"
    source.write_text(mixed, encoding="utf-8")
    imp = import_document(read_source(source), project.kinds)
    assert imp.kind.id == "annual-report-2021"
    i021 = [d for d in imp.findings if d.code == "I021"]
    assert len(i021) == 1 and i021[0].path == "table3.results.other" and i021[0].severity == "warning"
    assert i021[0].line == mixed[:mixed.index('<th colspan="2">（六）其他处理')].count("\n") + 1
    assert "分为 3 行（1.申请人无正当理由逾期不补正" in i021[0].message()
    assert imp.data["table3"]["results"]["other"]["no_correction"]["natural"] is None
    # gendoc's own page, untouched, has no such finding
    own = import_document(read_source(results[path].outputs["html"]), project.kinds)
    assert not [d for d in own.findings if d.code == "I021"]
