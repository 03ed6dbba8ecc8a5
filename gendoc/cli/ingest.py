"""`gendoc import | audit` — published reports (web pages, Word, PDF, text) read back.

    gendoc import SOURCE... [-o DIR] [--agency ID]   new report files DIR/<agency>/<year>.yaml
    gendoc audit  SOURCE_OR_FOLDER... [-o DIR] [-j N] [--format text|json|csv]

`audit` exits 1 when any report has an error (or a source cannot be found), 0 otherwise.

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

    audit = sub.add_parser(
        "audit", help="批量核查已发布的年度报告：勾稽关系、合计、正文与表格是否一致、格式、是否按期发布",
        description="导入但不写报告文件：对每份报告给出问题清单，写出 DIR/index.html（排名表，可排序，每份报告一页并引用原文）、"
                    "audit.csv 与 audit.json。")
    audit.add_argument("sources", nargs="+", metavar="SOURCE_OR_FOLDER", help="已发布报告的文件或目录")
    audit.add_argument("-o", "--output", type=Path, default=Path("audit"), help="输出目录（默认 audit/）")
    audit.add_argument("-j", "--jobs", type=int, default=None, help="并行进程数（默认：CPU 核数）")
    audit.add_argument("--format", dest="output_format", choices=["text", "json", "csv"], default="text",
                       help="标准输出的格式：text（每个问题一行，默认）、json、csv（每份报告一条）")
    audit.add_argument("--lang", choices=["zh", "en"], default=lang_default)
    audit.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/、templates/）")
    audit.set_defaults(handler=_lazy("run_audit"))


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


def run_audit(project, args) -> int:
    from gendoc.cli.reporters import REPORTERS, wants_colour
    from gendoc.ingest.audit import audit_many, sources_in
    from gendoc.ingest.audit_report import as_csv, as_json, write_audit

    if args.jobs is not None and args.jobs < 1:
        sys.stderr.write("gendoc audit: -j 应为正整数\n")
        return EXIT_USAGE
    files, problems = sources_in(args.sources)
    records = audit_many(files, project.kinds, args.jobs)
    try:
        write_audit(records, args.output, project.root / "templates")
    except OSError as exc:
        from gendoc.diagnostics import ERROR, Diagnostic

        problems.append(Diagnostic(ERROR, "F005", {"target": str(args.output), "reason": exc.strerror or str(exc)},
                                   str(args.output)))
    if args.output_format == "json":
        sys.stdout.write(as_json(records))
    elif args.output_format == "csv":
        sys.stdout.write(as_csv(records))
    else:
        for r in records:
            for f in r.findings:
                if f.severity == "info":
                    continue
                where = f"{r.file}:{f.line}:{f.col}" if f.line else r.file
                sys.stdout.write(f"{where}: {f.severity}[{f.code}]: {f.message}\n")  # the message ends with [path]
    REPORTERS["text"](problems, sys.stderr, args.lang, wants_colour(sys.stderr))
    errors = sum(r.errors for r in records)
    late = sum(1 for r in records if r.on_time is False)
    sys.stderr.write(f"已核查 {len(records)} 份报告：{errors} 个错误，{sum(r.warnings for r in records)} 个警告，"
                     f"{late} 份逾期；结果见 {args.output / 'index.html'}\n")
    failing = errors or any(p.severity == "error" for p in problems)
    return EXIT_FINDINGS if failing else EXIT_OK
