"""`gendoc textconv`: a git diff driver printing one labelled line per figure."""
from __future__ import annotations

import sys
from pathlib import Path

from gendoc.diagnostics import ERROR
from gendoc.load.yaml_loader import DEFAULT_MAX_BYTES
from gendoc.review.figure_diff import figure_lines
from gendoc.build.project import Project

from gendoc.cli.exit_codes import EXIT_OK
from gendoc.cli.review_diff import _load



def run_textconv(project: Project, args) -> int:
    """Never fails loudly: whatever the file holds, git diff gets text and exit status 0."""
    out = getattr(sys.stdout, "buffer", None)

    def write(text: str | bytes) -> None:
        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        if out is not None:
            out.write(data)
            out.flush()
        else:  # a text-only stream (tests capturing output)
            sys.stdout.write(data.decode("utf-8", "replace"))
            sys.stdout.flush()

    try:
        with open(args.file, "rb") as handle:
            # Bounded: `gendoc textconv /dev/zero` (or a huge file) must end; a report is
            # at most DEFAULT_MAX_BYTES, and git only needs to see that this is not one.
            raw = handle.read(DEFAULT_MAX_BYTES + 1)
    except OSError as exc:
        write(f"# gendoc textconv: 无法读取文件（cannot read the file）: {exc.strerror or exc}\n")
        return EXIT_OK
    if len(raw) > DEFAULT_MAX_BYTES:
        write(f"# gendoc textconv: 文件超过 {DEFAULT_MAX_BYTES} 字节，不是报告文件（too large for a report; not shown）\n")
        return EXIT_OK
    try:
        text, note = textconv(project, raw, args.lang)
    except Exception as exc:
        text, note = None, [f"# gendoc textconv: 内部错误，以下为原文（internal error, raw text follows）: "
                            f"{type(exc).__name__}"]
    if text is not None:
        write(text)
        return EXIT_OK
    write("".join(line + "\n" for line in note))
    write(raw)
    if raw and not raw.endswith(b"\n"):
        write(b"\n")
    return EXIT_OK


def textconv(project: Project, raw: bytes, lang: str = "zh") -> tuple[str | None, list[str]]:
    """(the labelled rendering of a report file's bytes, []), or — when the bytes cannot be
    read as a report — (None, the note lines to print above the raw text).

    The result depends on the bytes alone (not on the file's name or last year's file), so that
    both sides of a `git diff` are rendered alike.
    """
    name = "report.yaml"
    loaded = _load(raw, name)
    result = None
    if loaded.data is not None:
        result = project.check(Path(name), loaded, prev=None)
    if result is None or result.report is None:
        problems = result.diagnostics if result is not None else loaded.diagnostics
        note = ["# gendoc textconv: 无法作为报告读取，以下为原文（cannot read as a report; raw text follows）"]
        for d in problems:
            if d.severity == ERROR:
                where = f"{d.line}:{d.col}: " if d.line else ""
                note.append(f"# {where}{d.severity}[{d.code}] {d.message(lang)}".replace("\n", " "))
        return None, note
    return "".join(line + "\n" for line in figure_lines(result, lang)), []
