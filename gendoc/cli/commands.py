"""What each subcommand does with the library, and what it prints."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from gendoc.cli.reporters import REPORTERS, wants_colour
from gendoc.diagnostics import ERROR, Diagnostic, count_by_severity, is_kind_problem
from gendoc.kind.registry import KindError
from gendoc.build.project import Project, default_root

from gendoc.cli.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE


def run(args) -> int:
    outputs = getattr(args, "outputs", None)
    if outputs is not None:
        from gendoc.render.engine import FORMATS
        from gendoc.render.paged import PAGED_FORMATS

        outputs = [f.strip() for f in outputs.split(",") if f.strip()]
        known = FORMATS + PAGED_FORMATS
        unknown = [f for f in outputs if f not in known]
        if unknown or not outputs:
            sys.stderr.write(f"gendoc: --outputs：未知的输出格式「{'、'.join(unknown)}」（可用：{','.join(known)}）\n")
            return EXIT_USAGE
    project = Project(args.root or default_root(), outputs)
    handlers = {"validate": _validate, "build": _build, "new": _new}
    handler = handlers.get(args.handler, args.handler)
    try:
        return handler(project, args)
    except KindError as exc:
        sys.stderr.write(f"gendoc: 文档类型定义有误（document kind is broken）：{exc}\n")
        return EXIT_USAGE


def _targets(project: Project, args) -> tuple[list[Path], list[Diagnostic]]:
    return project.discover(args.paths)


def unique_findings(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Each finding once: a broken kind's come with every report of the kind (and a rules
    file shared by two kinds is found broken in both)."""
    seen: set[tuple] = set()
    unique = []
    for d in diagnostics:
        key = (d.file, d.line, d.col, d.code, d.path, repr(d.params))
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique


def emit(args, diagnostics: list[Diagnostic]) -> None:
    _emit(args, diagnostics)


def _emit(args, diagnostics: list[Diagnostic]) -> None:
    stream = sys.stdout
    diagnostics = unique_findings(diagnostics)
    REPORTERS[args.output_format](diagnostics, stream, args.lang, wants_colour(stream))
    stream.flush()


def _summary(args, results: list, extra: list[Diagnostic], verb: str, started: float | None = None) -> None:
    """The one line at the end: how many reports, errors and warnings, and the time taken."""
    import time

    counts = count_by_severity([d for r in results for d in r.diagnostics] + extra)
    if args.output_format != "text":
        return
    seconds = time.monotonic() - started if started is not None else None
    # A build counts the reports it wrote (or found up to date), never one with errors:
    # that one keeps its last good output, or has none.
    done = len(results) if verb == "checked" else sum(1 for r in results if r.ok and r.outputs)
    left = len(results) - done
    if args.lang == "en":
        line = f"{done} report(s) {verb}"
        line += f" ({left} not built: errors)" if left else ""
        line += f": {counts[ERROR]} error(s), {counts['warning']} warning(s)"
        line += f" in {seconds:.1f} s" if seconds is not None else ""
    else:
        word = "已校验" if verb == "checked" else "已生成"
        line = f"{word} {done} 份报告" + (f"（{left} 份有错误，未生成）" if left else "")
        line += f"：{counts[ERROR]} 个错误，{counts['warning']} 个警告"
        line += f"（用时 {seconds:.1f} 秒）" if seconds is not None else ""
    sys.stderr.write(line + "\n")


def _exit_code(results: list, extra: list[Diagnostic]) -> int:
    if any(is_kind_problem(d.code) for r in results for d in r.diagnostics):
        return EXIT_USAGE  # the kind's own files are broken: a maintainer's error, not the report's
    failing = any(not r.ok for r in results) or any(d.severity == ERROR for d in extra)
    return EXIT_FINDINGS if failing else EXIT_OK


def _validate(project: Project, args) -> int:
    from gendoc.cli.progress import Progress

    files, problems = _targets(project, args)
    progress = Progress(len(files), "校验" if args.lang == "zh" else "checking", lang=args.lang)
    results = []
    for done, f in enumerate(files, 1):
        results.append(project.validate(f))
        progress(done)
    progress.close()
    _emit(args, problems + [d for r in results for d in r.diagnostics])
    _summary(args, results, problems, "checked", progress.started)
    return _exit_code(results, problems)


def _build(project: Project, args) -> int:
    from gendoc.build.incremental import build_all
    from gendoc.cli.progress import Progress

    files, problems = _targets(project, args)
    out_dir = args.output or (project.root / "build")
    full = not args.paths  # only a build of everything may drop outputs of deleted reports
    progress = Progress(len(files), "生成" if args.lang == "zh" else "building", lang=args.lang)
    built = build_all(project, files, out_dir, jobs=args.jobs, full=full, force=args.force, progress=progress)
    progress.close()
    summaries = built.summaries
    problems += built.problems
    # The overview lists every report the output folder knows of, not only those of this
    # build; it is written before the state, so that a build killed in between redoes it.
    # A project without overview templates (a kind kept in a folder of its own) has none.
    if (project.root / "templates" / "overview").is_dir():
        from gendoc.build.overview_pages import write_overview

        problems += write_overview(built.known, project.kinds, project.root / "templates", out_dir,
                                   jobs=args.jobs or os.cpu_count() or 1)
    problems += built.save()
    _emit(args, problems + [d for s in summaries for d in s.diagnostics])
    _summary(args, summaries, problems, "built", progress.started)
    return _exit_code(summaries, problems)


def _new(project: Project, args) -> int:
    from gendoc.author.next_year import ScaffoldError, new_report

    try:
        made = new_report(project, args.agency, args.year, name=args.name)
    except ScaffoldError as exc:
        sys.stderr.write(f"gendoc new: {exc}\n")
        return EXIT_FINDINGS
    result = project.validate(made.path)
    # The figures still to fill are one W001 each: counted here, listed by `gendoc validate`.
    unknown = [d for d in result.diagnostics if d.code == "W001"]
    _emit(args, made.findings + [d for d in result.diagnostics if d.code not in ("W001", "W003")])
    start = made.source.name if made.source else f"schemas/{made.kind.id}/skeleton.yaml"
    sys.stderr.write(f"已生成草稿 {made.path}（{made.kind.title}，起点：{start}）：{len(unknown)} 个数字待填写"
                     f"（gendoc validate {made.path} 逐一列出），填完后把 status 改为 final\n")
    return _exit_code([result], [])
