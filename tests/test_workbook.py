"""The fill-in workbook: `gendoc xlsx` writes the official tables for departments to type
into; `gendoc import FILE.xlsx --into REPORT.yaml` reads the figures back by their labels."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from gendoc.build.project import Project
from gendoc.cli.main import main

FIGURE = re.compile(r"([{,]\s*)(\w+): -?[0-9.]+(?=\s*[,}])")


def _export(project: Path, rel: str, capsys) -> Path:
    out = project / "book.xlsx"
    assert main(["xlsx", "--root", str(project), str(project / rel), "-o", str(out)]) == 0, capsys.readouterr()
    return out


def _blank_tables(path: Path) -> str:
    """The report with every figure of its tables unknown: the state the workbook fills."""
    text = path.read_text(encoding="utf-8")
    head, tables = text.split("\ntable2:", 1)
    tables = FIGURE.sub(lambda m: f"{m.group(1)}{m.group(2)}: ~", tables)
    path.write_text(head + "\ntable2:" + tables.replace("status: final", "status: draft"), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(next(i for i, line in enumerate(lines) if line.startswith("year:")) + 1, "status: draft")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path.read_text(encoding="utf-8")


def _tables(project: Path, path: Path) -> dict:
    result = Project(project).check(path)
    assert result.report is not None
    return {k: result.report.data[k] for k in ("table2", "table3", "table4")}


def test_the_workbook_has_the_official_layout_and_guards_its_labels(project, capsys):
    book = load_workbook(_export(project, "reports/sample-bureau/2022.yaml", capsys))
    assert book.sheetnames == ["表二", "表三", "表四", "勾稽关系"]
    t3 = book["表三"]
    assert t3["A1"].value == "三、收到和处理政府信息公开申请情况"
    assert t3.protection.sheet is True
    row = next(r for r in range(1, 40) if t3.cell(r, 1).value == "一、本年新收政府信息公开申请数量")
    assert [t3.cell(row, c).value for c in range(4, 10)] == [45, 7, 2, 1, 3, 3]
    assert t3.cell(row, 10).value == f"=SUM(D{row},E{row},F{row},G{row},H{row},I{row})"
    assert t3.cell(row, 1).protection.locked and not t3.cell(row, 4).protection.locked
    assert t3.cell(row, 10).protection.locked  # totals are formulas, not for typing
    merged = {str(r) for r in t3.merged_cells.ranges}
    header = next(r for r in range(1, 10) if t3.cell(r, 5).value == "法人或其他组织")
    assert f"E{header}:I{header}" in merged  # 法人或其他组织 over its five columns
    # （七）总计 adds every typed row of its column: a formula over all of them
    total = next(r for r in range(1, 40) if t3.cell(r, 2).value == "（七）总计")
    # 2 rows + 8 + 3 + 5 + 3 in the groups: 21 cells
    assert t3.cell(total, 4).value.startswith("=SUM(") and t3.cell(total, 4).value.count(",") == 20
    rules = list(t3.data_validations.dataValidation)
    assert any(dv.type == "whole" and dv.operator == "greaterThanOrEqual" and dv.formula1 == "0"
               and f"D{row}" in str(dv.sqref) for dv in rules)
    t4 = book["表四"]
    assert {"A3:E3", "F3:O3", "F4:J4", "K4:O4"} <= {str(r) for r in t4.merged_cells.ranges}
    assert [t4.cell(6, c).value for c in range(1, 6)] == [2, 1, 0, 0, "=SUM(A6,B6,C6,D6)"]
    t2 = book["表二"]
    fees = next(r for r in range(1, 40) if t2.cell(r, 1).value == "行政事业性收费")
    assert any(dv.type == "decimal" and f"B{fees}" in str(dv.sqref) for dv in t2.data_validations.dataValidation)
    words = [row[2] for row in book["勾稽关系"].iter_rows(values_only=True) if row and row[0] == "T3-1"]
    assert words == ["第一项加第二项之和，等于第三项加第四项之和"]


@pytest.mark.parametrize("rel", ["reports/sample-bureau/2022.yaml", "reports/zhifu-drc/2020.yaml"])
def test_round_trip_fills_a_blank_report_with_the_same_figures(project, capsys, rel):
    original = _tables(project, project / rel)
    book = _export(project, rel, capsys)
    target = project / rel
    blank = _blank_tables(target)
    assert _tables(project, target)["table3"]["new_received"]["natural"] is None
    assert main(["import", "--root", str(project), str(book), "--into", str(target)]) == 0, capsys.readouterr()
    assert _tables(project, target) == original
    text = target.read_text(encoding="utf-8")
    # narrative and comments kept: only figures changed
    comments = lambda t: [line.split("#", 1)[1] for line in t.splitlines() if "#" in line and "{" not in line.split("#")[0][-3:]]
    assert comments(text) == comments(blank)
    assert yaml.safe_load(text)["overview"] == yaml.safe_load(blank)["overview"]


def _insert_row(sheet, at: int) -> None:
    """Insert a row as a spreadsheet program does: merged ranges below move down with it."""
    ranges = list(sheet.merged_cells.ranges)
    for merged in ranges:
        sheet.merged_cells.remove(merged)
    sheet.insert_rows(at)
    for merged in ranges:
        if merged.min_row >= at:
            merged.shift(0, 1)
        elif merged.max_row >= at:
            merged.expand(down=1)
        sheet.merged_cells.add(merged)


def _move(sheet, rows: int, cols: int) -> None:
    """Move every cell and merged range, as cutting and pasting the table does."""
    ranges = list(sheet.merged_cells.ranges)
    for merged in ranges:
        sheet.merged_cells.remove(merged)
    sheet.move_range(f"A1:{sheet.cell(sheet.max_row, sheet.max_column).coordinate}", rows=rows, cols=cols)
    for merged in ranges:
        merged.shift(cols, rows)
        sheet.merged_cells.add(merged)


def test_figures_are_found_by_label_after_rows_are_inserted_and_blocks_moved(project, capsys):
    rel = "reports/sample-bureau/2022.yaml"
    original = _tables(project, project / rel)
    path = _export(project, rel, capsys)
    book = load_workbook(path)
    t3 = book["表三"]
    _insert_row(t3, 6)  # above 一、本年新收
    t3["A6"] = "说明：以下为本局汇总数"
    _insert_row(t3, 10)
    t3["B10"] = "（部门自填备注）"
    t3["D10"] = 99  # a number under no label of the table
    t4 = book["表四"]
    _move(t4, 3, 2)  # the whole table moved down and right
    book["表二"].title = "主动公开"  # a renamed sheet: found by its title text
    book.save(path)
    target = project / rel
    _blank_tables(target)
    code = main(["import", "--root", str(project), str(path), "--into", str(target)])
    out = capsys.readouterr().out
    assert code == 0, out
    unplaced = [line for line in out.splitlines() if "[X001]" in line]
    assert len(unplaced) == 1
    assert unplaced[0].startswith(f"{path}:10:4: warning[X001]: 表三!D10 的数字 99 无法按标签对应")
    assert "（行：三、本年度办理结果；列：申请人情况/自然人）" in unplaced[0]
    assert _tables(project, target) == original


def test_cells_that_are_not_figures_are_located_findings(project, capsys):
    rel = "reports/sample-bureau/2022.yaml"
    path = _export(project, rel, capsys)
    book = load_workbook(path)
    t3 = book["表三"]
    t3["D6"] = "四十五"
    t3["E6"] = 7.5
    book.save(path)
    target = project / rel
    before = target.read_text(encoding="utf-8")
    code = main(["import", "--root", str(project), str(path), "--into", str(target)])
    out = capsys.readouterr().out
    assert code == 1
    x002 = [line for line in out.splitlines() if "[X002]" in line]
    assert [line.split(": error")[0] for line in x002] == [f"{path}:6:4", f"{path}:6:5"]
    assert "表三!D6 的值「四十五」不是表三「一、本年新收政府信息公开申请数量」/「自然人」可用的数字" in x002[0]
    assert target.read_text(encoding="utf-8") == before  # nothing read changed a figure


def test_a_workbook_needs_a_report_to_go_into(project, capsys):
    path = _export(project, "reports/sample-bureau/2022.yaml", capsys)
    assert main(["import", "--root", str(project), str(path)]) == 2
    assert "--into" in capsys.readouterr().err


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("GENDOC_REQUIRE_OFFICE"):
        pytest.fail("LibreOffice (soffice) is required (GENDOC_REQUIRE_OFFICE=1)")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("rel", ["reports/sample-bureau/2022.yaml", "reports/zhifu-drc/2020.yaml"])
def test_a_workbook_saved_by_libreoffice_imports_too(project, capsys, tmp_path, rel):
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice not installed (make test-slow installs it through .ci/run)")
    original = _tables(project, project / rel)
    path = _export(project, rel, capsys)
    book = load_workbook(path)
    book["表四"]["A6"] = book["表四"]["A6"].value + 5  # a clerk's edit: 行政复议 / 结果维持
    book.save(path)
    out_dir = tmp_path / "lo"
    subprocess.run([soffice, "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(out_dir), str(path)],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    saved = out_dir / path.name
    recalculated = load_workbook(saved, data_only=True)
    assert recalculated["表四"]["E6"].value == original["table4"]["review"]["total"] + 5  # the formula ran
    target = project / rel
    _blank_tables(target)
    assert main(["import", "--root", str(project), str(saved), "--into", str(target)]) == 0, capsys.readouterr()
    expected = original
    expected["table4"]["review"]["maintained"] += 5
    expected["table4"]["review"]["total"] += 5
    assert _tables(project, target) == expected
