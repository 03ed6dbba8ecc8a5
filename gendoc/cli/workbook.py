"""`gendoc xlsx` and the workbook route of `gendoc import` — the fill-in spreadsheet.

    gendoc xlsx   REPORT.yaml -o FILE.xlsx            the report's tables as a fill-in workbook
    gendoc import FILE.xlsx --into REPORT.yaml        its figures read back by label

`import` of a workbook exits 1 when a cell could not be read as a figure (X002, X003) or
the report then has errors; it writes the report file only when a figure changed.
"""
from __future__ import annotations

import sys
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def register(sub, common) -> None:
    xlsx = sub.add_parser("xlsx",
                          help="把报告的表二、表三、表四导出为供各部门填写的 Excel 工作簿",
                          description="按正式表格样式导出填报用工作簿：合并表头、锁定标签、数字校验、合计为公式，另附勾稽关系说明。")
    xlsx.add_argument("report", type=Path, metavar="REPORT.yaml")
    xlsx.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")
    xlsx.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/）")
    xlsx.add_argument("--format", dest="output_format", choices=["text", "json", "github"], default="text")
    xlsx.add_argument("--lang", choices=["zh", "en"], default="zh")
    xlsx.set_defaults(handler=run_export)


def _report(project, path: Path):
    result = project.check(path)
    if result.report is None or result.kind is None:
        return result, None
    return result, result.report.data


def run_export(project, args) -> int:
    from gendoc.author.xlsx_export import export_workbook
    from gendoc.cli.reporters import REPORTERS, wants_colour

    result, data = _report(project, args.report)
    if data is None:
        REPORTERS[args.output_format](result.diagnostics, sys.stdout, args.lang, wants_colour(sys.stdout))
        return EXIT_FINDINGS
    try:
        export_workbook(result.kind, data, args.output)
    except OSError as exc:
        sys.stderr.write(f"gendoc xlsx: 无法写入 {args.output}：{exc.strerror or exc}\n")
        return EXIT_FINDINGS
    sys.stderr.write(f"已导出 {args.output}（{result.kind.title}）\n")
    return EXIT_OK


def run_xlsx_import(project, args, source: Path) -> int:
    from gendoc.build.atomic_write import write_if_changed
    from gendoc.cli.reporters import REPORTERS, wants_colour
    from gendoc.ingest.xlsx_figures import merge_into, read_workbook

    into = getattr(args, "into", None)
    if into is None:
        sys.stderr.write("gendoc import: 导入工作簿需要 --into 报告文件.yaml（the workbook's figures go into an existing report file）\n")
        return EXIT_USAGE
    result, data = _report(project, into)
    if data is None:
        REPORTERS[args.output_format](result.diagnostics, sys.stdout, args.lang, wants_colour(sys.stdout))
        return EXIT_FINDINGS
    read = read_workbook(result.kind, source)
    text = into.read_text(encoding="utf-8-sig")
    new_text, changed = merge_into(text, read.figures)
    if changed:
        write_if_changed(into, new_text)
    after = project.check(into) if changed else result
    findings = read.findings + [d for d in after.diagnostics if d.severity == "error"]
    REPORTERS[args.output_format](findings, sys.stdout, args.lang, wants_colour(sys.stdout))
    sys.stderr.write(f"已从 {source} 读入 {len(read.figures)} 个数字，{changed} 个有变化 → {into}\n")
    return EXIT_FINDINGS if any(d.severity == "error" for d in findings) else EXIT_OK
