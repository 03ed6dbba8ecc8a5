"""`gendoc validate | build` — parse options, call the pipeline, print, pick the exit code.

Exit codes: 0 no errors (warnings are printed but do not fail), 1 findings, 2 usage error.
"""
from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path
from typing import Sequence

from gendoc import __version__

from gendoc.cli.exit_codes import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_USAGE


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit code for usage errors is already 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"gendoc: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gendoc", description="从 YAML 数据生成政府信息公开工作年度报告（HTML、Markdown）并校验勾稽关系。")
    parser.add_argument("--version", action="version", version=f"gendoc {__version__}")
    # --format, --lang and --root mean the same to every command that takes them
    options = _Parser(add_help=False)
    options.add_argument("--format", dest="output_format", choices=["text", "json", "github"], default="text",
                        help="输出格式：text（默认）、json、github（GitHub Actions 注释）")
    options.add_argument("--lang", choices=["zh", "en"], default=os.environ.get("GENDOC_LANG", "zh"),
                         help="提示信息语言（默认 zh，或环境变量 GENDOC_LANG）")
    options.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/、templates/）")
    common = _Parser(add_help=False, parents=[options])
    common.add_argument("paths", nargs="*", metavar="PATH", help="报告文件或目录（默认：reports/ 下全部 .yaml）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("validate", parents=[common], help="只校验，不生成").set_defaults(handler="validate")
    build = sub.add_parser("build", parents=[common], help="校验并生成 HTML 与 Markdown")
    build.add_argument("-o", "--output", type=Path, default=None, help="输出目录（默认 build/）")
    build.add_argument("-j", "--jobs", type=int, default=None, help="并行进程数（默认：CPU 核数）")
    build.add_argument("--force", action="store_true", help="忽略上次构建的记录，全部重新生成")
    build.add_argument("--outputs", default=None, metavar="FORMATS",
                       help="只生成这些格式，逗号分隔，如 html,md,docx,pdf（默认：文档类型 kind.yaml 所列全部；"
                            "或环境变量 GENDOC_OUTPUTS）"),
    build.set_defaults(handler="build")
    new = sub.add_parser("new", parents=[options], help="从该机关最近一年的报告生成新一年的报告文件")
    new.add_argument("agency", help="机关目录名，如 zhifu-drc")
    new.add_argument("year", type=int, help="报告年度，如 2021")
    new.add_argument("--name", default=None, help="新机关的全称（没有上一年报告时，从本格式的骨架开始）")
    new.set_defaults(handler="new")
    for module in EXTRA_COMMANDS:  # further command groups register their own subcommands
        module.register(sub, common)
    return parser


def _extra_commands() -> list:
    """Command groups kept in their own modules (each has `register(sub, common)` and
    sets `handler` to a callable taking (project, args) and returning an exit code)."""
    from gendoc.cli import ingest, kinds, review, serve, workbook

    return [review, ingest, workbook, serve, kinds]


EXTRA_COMMANDS = _extra_commands()


def main(argv: Sequence[str] | None = None) -> int:
    _usable_streams()
    args = build_parser().parse_args(argv)
    from gendoc.cli import commands

    try:
        return commands.run(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
        _stdout_failed()
        return EXIT_FINDINGS
    except OSError as exc:
        # Every file gendoc reads or writes reports its own failures as findings; an error
        # naming no file, of the kinds a full or lost output gives, is the output's.
        if exc.filename is not None or exc.errno not in _OUTPUT_ERRORS:
            raise
        _stdout_failed()
        sys.stderr.write(f"gendoc: 无法写出结果（cannot write the output）：{exc.strerror or exc}\n")
        return EXIT_FINDINGS


_OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, errno.EDQUOT}


def _usable_streams() -> None:
    """Output that cannot go where it should must not end in a traceback: a closed stream
    (`>&-`) becomes the null device, and a terminal that cannot show Chinese
    (`PYTHONIOENCODING=ascii`) gets escapes (\\u6587) instead of an encoding error."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
        elif hasattr(stream, "reconfigure"):
            try:
                "中".encode(stream.encoding or "ascii")
            except (UnicodeEncodeError, LookupError):
                stream.reconfigure(errors="backslashreplace")


def _stdout_failed() -> bool:
    """Whether standard output cannot take what was written (a full disk: `>/dev/full`).
    If so, it is pointed at the null device, so that the interpreter's last flush at exit
    does not fail again."""
    try:
        sys.stdout.flush()
        return False
    except OSError:
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())
            os.close(null)
        except (OSError, ValueError, AttributeError):
            pass
        return True
