"""`gendoc diff | textconv | schema` — reviewing figure changes, in git and in editors.

    gendoc diff [REV | REV1..REV2 | REV1...REV2] [PATH...]   figures that changed between revisions
    gendoc diff A.yaml B.yaml                                 two files, e.g. one agency's two years
    gendoc textconv FILE                                      git diff driver: a line per figure
    gendoc schema KIND [-o FILE]                              one-file copy of a kind's schema

`diff` exits 0 whether or not anything changed (it is a review tool), 1 when a report could
not be loaded on one side (its findings are printed), 2 on a usage error (not a git
repository, unknown revision). `textconv` always exits 0: a broken file is shown as its raw
text with a note, so that `git diff` keeps working.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

from gendoc.cli.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE


def _lazy(module: str, name: str):
    """The handler, imported only when its command runs: `gendoc validate` must not pay for
    git plumbing and diff rendering at start-up."""

    def handler(project, args) -> int:
        return getattr(importlib.import_module(module), name)(project, args)

    return handler


def register(sub, common) -> None:
    lang_default = os.environ.get("GENDOC_LANG", "zh")

    diff = sub.add_parser(
        "diff", help="逐项比较报告数字的变化（git 版本之间，或两个文件）",
        description="逐项比较报告数字的变化，用正式表格标签显示：填报的数字、随之变动的合计、状态变化的规则、改动过的正文。"
                    "默认比较 HEAD 与工作区中 reports/ 下的全部报告。",
        epilog="例：gendoc diff；gendoc diff main..HEAD；gendoc diff origin/main...HEAD --format md；"
               "gendoc diff reports/a/2021.yaml reports/a/2022.yaml")
    diff.add_argument("items", nargs="*", metavar="REV|PATH",
                      help="可选的 git 版本（REV、REV1..REV2 或 REV1...REV2），然后是报告文件或目录；"
                           "或恰好两个报告文件")
    diff.add_argument("--format", dest="output_format", choices=["text", "md", "json"], default="text",
                      help="输出格式：text（默认）、md（可直接贴到合并请求评论）、json")
    diff.add_argument("--lang", choices=["zh", "en"], default=lang_default, help="提示信息语言（默认 zh）")
    diff.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/）")
    diff.set_defaults(handler=_lazy("gendoc.cli.review_diff", "run_diff"))

    textconv = sub.add_parser(
        "textconv", help="git 差异驱动：每个数字一行，带正式标签",
        description="把报告文件转换为每个数字一行、带正式标签的文本，供 git diff / git log -p 使用。"
                    "设置：.gitattributes 中写 `reports/**/*.yaml diff=gendoc`，"
                    "再执行 git config diff.gendoc.textconv \"gendoc textconv\"。")
    textconv.add_argument("file", metavar="FILE")
    textconv.add_argument("--lang", choices=["zh", "en"], default=lang_default)
    textconv.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/）")
    textconv.set_defaults(handler=_lazy("gendoc.cli.review_textconv", "run_textconv"))

    schema = sub.add_parser(
        "schema", help="导出某种文档类型的单文件 JSON Schema（供编辑器等使用）",
        description="把文档类型的 JSON Schema（draft-07）连同它引用的 ../common/defs.json 合成一个文件，"
                    "所有 $ref 都指向文件内的 definitions。")
    schema.add_argument("kind", metavar="KIND", help="文档类型，如 annual-report-2021")
    schema.add_argument("-o", "--output", type=Path, default=None, help="写入的文件（默认：标准输出）")
    schema.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/）")
    schema.set_defaults(handler=_lazy("gendoc.cli.review", "run_schema"))



def run_schema(project, args) -> int:
    from gendoc.review.schema_bundle import bundle_schema

    kind = project.kinds.get(args.kind)
    if kind is None:
        known = "、".join(project.kinds.ids())
        sys.stderr.write(f"gendoc schema: 没有文档类型「{args.kind}」（unknown kind）；已有：{known}\n")
        return EXIT_USAGE
    text = json.dumps(bundle_schema(kind), ensure_ascii=False, indent=2) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    from gendoc.build.atomic_write import write_if_changed

    try:
        write_if_changed(args.output, text)
    except OSError as exc:
        sys.stderr.write(f"gendoc schema: 无法写入 {args.output}（cannot write）：{exc.strerror or exc}\n")
        return EXIT_FINDINGS
    sys.stderr.write(f"已写入 {args.output}（{kind.title}，单文件 JSON Schema draft-07）\n")
    return EXIT_OK
