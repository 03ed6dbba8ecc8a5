"""`gendoc import | audit` — published reports (web pages, Word, PDF, text) read back.

    gendoc import SOURCE... [-o DIR] [--agency ID]   new report files DIR/<agency>/<year>.yaml
    gendoc audit  SOURCE_OR_FOLDER... [-o DIR] [-j N] [--format text|json|csv]

`import` exits 1 when a source has errors (a contradiction between prose and tables, a
broken 勾稽关系, a source that is not a report) — it still writes the file when the report
could be read, never over an existing one; 2 on a usage error.
"""
from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _lazy(name: str):
    def handler(project, args) -> int:
        return getattr(importlib.import_module("gendoc.cli.ingest"), name)(project, args)

    return handler


def register(sub, common) -> None:
    lang_default = os.environ.get("GENDOC_LANG", "zh")
    imp = sub.add_parser(
        "import", help="把已发布的年度报告（网页、Word、PDF、文本）导入为报告文件",
        description="按表格标签读取已发布报告的表二、表三、表四，核对合计与正文中的数字，写出 DIR/<机关>/<年度>.yaml（不覆盖已有文件）。")
    imp.add_argument("sources", nargs="+", metavar="SOURCE",
                     help="已保存的网页（.html/.htm/.shtml）、Word（.docx）、PDF 或文本（.txt/.md）")
    imp.add_argument("-o", "--output", type=Path, default=None, help="输出目录（默认 reports/）")
    imp.add_argument("--agency", default=None, help="机关目录名（默认：报告标题中的机关名称）")
    imp.add_argument("--into", type=Path, default=None, metavar="REPORT.yaml",
                     help="导入 Excel 工作簿（.xlsx）时：把其中的数字按标签写入这个已有的报告文件")
    imp.add_argument("--format", dest="output_format", choices=["text", "json", "github"], default="text")
    imp.add_argument("--lang", choices=["zh", "en"], default=lang_default)
    imp.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/）")
    imp.set_defaults(handler=_lazy("run_import"))


def agency_folder(name: str | None) -> str:
    """A folder name from the agency's name: path separators and control characters out."""
    text = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "-", (name or "").strip()).strip(". -")
    return text or "unknown-agency"


def run_import(project, args) -> int:
    from gendoc.cli.reporters import REPORTERS, wants_colour
    from gendoc.ingest.importer import import_document
    from gendoc.ingest.readers import read_source
    from gendoc.ingest.report_writer import TargetExists, report_text, write_new

    out_dir = args.output or (project.root / "reports")
    failed = False
    workbooks = [s for s in args.sources if Path(s).suffix.lower() == ".xlsx"]
    if workbooks:  # the fill-in workbook: figures into an existing report (cli/workbook.py)
        from gendoc.cli.workbook import run_xlsx_import

        codes = [run_xlsx_import(project, args, Path(s)) for s in workbooks]
        if len(workbooks) == len(args.sources):
            return max(codes)
        failed = any(codes)
    for source in (s for s in args.sources if Path(s).suffix.lower() != ".xlsx"):
        path = Path(source)
        imp = import_document(read_source(path), project.kinds)
        findings = list(imp.findings)
        written = None
        if imp.data is not None:
            target = out_dir / (args.agency or agency_folder(imp.agency)) / f"{imp.year}.yaml"
            try:
                write_new(target, report_text(imp, path.name))
                written = target
            except TargetExists:
                from gendoc.diagnostics import ERROR, Diagnostic

                findings.append(Diagnostic(ERROR, "I018", {"target": str(target)}, str(target)))
            except OSError as exc:
                from gendoc.diagnostics import ERROR, Diagnostic

                findings.append(Diagnostic(ERROR, "F005", {"target": str(target), "reason": exc.strerror or str(exc)},
                                           str(target)))
        REPORTERS[args.output_format](findings, sys.stdout, args.lang, wants_colour(sys.stdout))
        sys.stdout.flush()
        if written is not None:
            kind = imp.kind.title if args.lang == "zh" else imp.kind.title_en
            sys.stderr.write(f"已导入 {source} → {written}（{kind}）\n" if args.lang == "zh"
                             else f"imported {source} → {written} ({kind})\n")
        failed = failed or written is None or any(d.severity == "error" for d in findings)
    return EXIT_FINDINGS if failed else EXIT_OK
