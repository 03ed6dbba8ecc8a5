"""`gendoc kind check [KIND…] | kind new NAME` — for the people who write document kinds.

`kind check` exits 0 when every kind checked is sound, 2 when any file of one is broken (a
kind maintainer's error, as a usage error is); each problem is printed located in the
kind's own file. `kind new` exits 0, or 2 when the name is unusable or taken.
"""
from __future__ import annotations

import sys

from gendoc.cli.exit_codes import EXIT_OK, EXIT_USAGE


def register(sub, common) -> None:
    kind = sub.add_parser("kind", help="文档类型（schema、规则、模板）的检查与新建",
                          description="检查文档类型的全部文件，或新建一个可直接生成样例报告的文档类型。")
    actions = kind.add_subparsers(dest="kind_command", required=True, parser_class=sub._parser_class)
    check = actions.add_parser("check", help="检查文档类型：schema、规则、表格、模板", parents=[_options(common)])
    check.add_argument("kinds", nargs="*", metavar="KIND", help="文档类型（默认：全部）")
    check.set_defaults(handler=run_check)
    new = actions.add_parser("new", help="新建文档类型（含样例报告）", parents=[_options(common)])
    new.add_argument("name", metavar="NAME", help="文档类型名，如 my-form（小写字母、数字、连字符）")
    new.add_argument("--year", type=int, default=None, help="样例报告的年度（默认：上一年）")
    new.set_defaults(handler=run_new)


def _options(common):
    """The shared options without the PATH positional of validate/build."""
    import argparse

    shared = argparse.ArgumentParser(add_help=False)
    for action in common._actions:
        if action.option_strings and action.dest != "help":
            shared._add_action(action)
    return shared


def run_check(project, args) -> int:
    from gendoc.build.kind_check import check_kind
    from gendoc.cli.commands import emit, unique_findings

    names = args.kinds or project.kinds.ids()
    unknown = [n for n in names if project.kinds.get(n) is None]
    if unknown:
        sys.stderr.write(f"gendoc kind check: 未知的文档类型 {'、'.join(unknown)}（可用：{'、'.join(project.kinds.ids())}）\n")
        return EXIT_USAGE
    found = unique_findings([d for name in names for d in check_kind(project, project.kinds.get(name))])
    emit(args, found)
    if args.output_format == "text":
        sys.stderr.write(f"已检查 {len(names)} 种文档类型（{'、'.join(names)}）：{len(found)} 个问题\n")
    return EXIT_USAGE if found else EXIT_OK


def run_new(project, args) -> int:
    from gendoc.author.kind_scaffold import KindScaffoldError, new_kind

    try:
        made = new_kind(project.root, args.name, args.year)
    except KindScaffoldError as exc:
        sys.stderr.write(f"gendoc kind new: {exc}\n")
        return EXIT_USAGE
    for path in made.files:
        sys.stderr.write(f"已生成 {path}\n")
    sys.stderr.write(f"下一步：gendoc kind check {made.name}；gendoc build {made.sample.parent}\n")
    return EXIT_OK
