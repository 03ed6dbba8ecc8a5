"""`gendoc xlsx REPORT.yaml -o FILE.xlsx`: the fill-in workbook departments type figures into.

One sheet per table of the kind (表二, 表三, 表四 for the annual report), laid out as the
official grid: merged headers and row groups, labels locked (the sheet is protected, no
password: it guards against slips, not people), every typed figure an unlocked cell that
accepts only what the schema accepts (whole numbers ≥ 0; 本年增/减 signed; amounts decimal
≥ 0), and every total a formula over the cells it adds up, so it updates as people type.
A last sheet lists the 勾稽关系 in words. Figures not known yet are empty cells.

Nothing here names a row: the grid, the types and the totals all come from the kind.
"""
from __future__ import annotations

import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from gendoc.author.workbook_layout import computed, placements
from gendoc.check.rules import apply_rules
from gendoc.check.unknown_figures import null_paths
from gendoc.plaindata import copy_data
from gendoc.render.table_grid import shape_grid

TITLE_ROW = 1      # the table's title, merged across the grid
FIRST_ROW = 3      # the grid starts here (a blank row between)
_THIN = Side(style="thin", color="666666")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="F3F4F6")
_TOTAL_FILL = PatternFill("solid", fgColor="E8EEF7")
_ADDITIVE = re.compile(r"^[\w.*\s+()]+$")  # a sum: paths, sum(), + — nothing else


def table_keys(kind) -> list[str]:
    """The kind's tables, in document order (top-level objects with an x-layout)."""
    return [k for k in kind.index.properties(()) if isinstance(kind.index.get((k,), "x-layout"), dict)]


def export_workbook(kind, data: dict, target) -> None:
    """Write the workbook for one report's data (derived or not) to `target`."""
    report = _with_sources(kind, data)
    book = Workbook()
    book.remove(book.active)
    for key in table_keys(kind):
        _table_sheet(book, kind, key, data, report)
    _rules_sheet(book, kind)
    book.save(target)


def _with_sources(kind, data: dict):
    """The derivations over the data with unknowns as 0: which typed figures each total adds."""
    filled = copy_data(data)
    for path in null_paths(filled):
        node = filled
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = 0
    report, _ = apply_rules(kind, filled, "", _Nowhere())
    return report


class _Nowhere:
    """A source map for data that has no file (the rules' messages are not used here)."""

    file = ""

    def value(self, path) -> tuple[int, int]:
        return 0, 0

    key = value


def _figure(data: dict, path: tuple) -> Any:
    node: Any = data
    for step in path:
        if not isinstance(node, (dict, list)):
            return None
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node if isinstance(node, (int, float)) or type(node).__name__ == "Decimal" else None


def _table_sheet(book: Workbook, kind, key: str, data: dict, report) -> None:
    grid = shape_grid(kind.index, key)
    sheet = book.create_sheet(grid.short or key)
    sheet.cell(TITLE_ROW, 1, grid.title).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=grid.width)
    where: dict[tuple, str] = {}
    placed = placements(grid)
    for p in placed:
        if p.cell.role == "value":
            where[p.cell.path] = f"{get_column_letter(p.col + 1)}{FIRST_ROW + p.row}"
    validations: dict[str, DataValidation] = {}
    for p in placed:
        row, col = FIRST_ROW + p.row, p.col + 1
        cell = sheet.cell(row, col)
        if p.cell.rowspan > 1 or p.cell.colspan > 1:
            sheet.merge_cells(start_row=row, start_column=col,
                              end_row=row + p.cell.rowspan - 1, end_column=col + p.cell.colspan - 1)
        for dr in range(p.cell.rowspan):
            for dc in range(p.cell.colspan):
                sheet.cell(row + dr, col + dc).border = _BORDER
        if p.cell.role != "value":
            cell.value = p.cell.text
            cell.fill = _LABEL_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center",
                                       horizontal="left" if p.cell.role in ("label", "group", "caption") else "center")
            continue
        path = p.cell.path
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if computed(kind.index, path):
            cell.value = _formula(report, path, where)
            cell.fill = _TOTAL_FILL
            continue
        cell.value = _figure(data, path)
        cell.protection = Protection(locked=False)
        rule = _validation(kind.index, path)
        if rule not in validations:
            validations[rule] = _data_validation(rule)
            sheet.add_data_validation(validations[rule])
        validations[rule].add(cell.coordinate)
    for col in range(1, grid.width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 14
    sheet.column_dimensions["A"].width = 22
    sheet.protection.sheet = True  # labels and totals locked; the figures are open


def _formula(report, path: tuple, where: dict[tuple, str]) -> Any:
    """A total as a formula over the typed cells it adds up; its value when it is not a
    plain sum or adds figures that live outside this sheet."""
    text = report.provenance.get(path, "")
    sources = report.sources(path) if text else []
    if text and _ADDITIVE.match(text) and sources and all(s in where for s in sources):
        return "=SUM(" + ",".join(where[s] for s in sources) + ")"
    return _figure(report.data, path)


def _validation(index, path: tuple) -> str:
    kind = index.get(path, "type")
    names = kind if isinstance(kind, list) else [kind]
    minimum = index.get(path, "minimum")
    if "number" in names:
        return "decimal"
    return "signed" if isinstance(minimum, (int, float)) and minimum < 0 else "count"


def _data_validation(rule: str) -> DataValidation:
    if rule == "decimal":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        dv.error = "请填写不小于 0 的数（可带小数）"
    elif rule == "signed":
        dv = DataValidation(type="whole", operator="between", formula1="-999999999", formula2="999999999")
        dv.error = "请填写整数，减少用负数表示，如 -8"
    else:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        dv.error = "请填写不小于 0 的整数（件数）"
    dv.errorTitle = "数字不符合要求"
    dv.showErrorMessage = True
    dv.allow_blank = True  # blank: not known yet
    return dv


def _rules_sheet(book: Workbook, kind) -> None:
    sheet = book.create_sheet("勾稽关系")
    sheet.append(["填写说明"])
    sheet.append(["只在白色单元格填写数字；尚不知道的留空。合计（底色为蓝）由公式计算，不要填写。"])
    sheet.append(["填好后用 gendoc import 本文件 --into 报告文件.yaml 把数字读回报告文件（按表格标签读取，插行、挪动均可）。"])
    sheet.append([])
    sheet.append(["规则", "类别", "内容"])
    for rule in kind.rules["checks"]:
        severity = {"error": "必须满足", "warning": "应当满足（提示）"}.get(rule.get("severity", "error"), "")
        sheet.append([rule["id"], severity, rule.get("title", "")])
    for rule in kind.rules["derive"]:
        sheet.append([rule["id"], "由公式计算", rule.get("title", "")])
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 90
    for row in sheet.iter_rows(min_row=5, max_row=5):
        for cell in row:
            cell.font = Font(bold=True)
    sheet["A1"].font = Font(bold=True)
