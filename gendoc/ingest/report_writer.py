"""Imported data → a new report file: schema-ordered YAML with the source named at the top
and a comment on every line holding a repaired or doubtful figure. Never overwrites, never
leaves a half-written file (written beside the target, then linked into place)."""
from __future__ import annotations

import os
from pathlib import Path

from gendoc.author.report_yaml import emit
from gendoc.ingest.importer import Imported
from gendoc.ingest.table_model import table_models
from gendoc.load.yaml_loader import load_text


class TargetExists(Exception):
    pass


def report_text(imp: Imported, source_name: str) -> str:
    kind = imp.kind
    header = [
        f"# yaml-language-server: $schema=../../schemas/{kind.id}/schema.json",
        f"# 由 gendoc import 从已发布的报告导入：{source_name}",
        f"# 原文件 SHA-256：{imp.source.digest}",
        # Which figures are totals is the kind's data (x-derived), so the note names none.
        "# 合计等由规则计算的数字不写入本文件，由 gendoc 计算；原文给出的合计已与计算结果核对。",
    ]
    missing = [f.path for m in table_models(kind.index) for f in m.figures()
               if not f.derived and f.path not in imp.readings]
    if missing:
        header.append(f"# 草稿：原文没有给出 {len(missing)} 个数字（null），请补填后再发布。")
    assert imp.data is not None, "only a successful import is written"
    text = emit(imp.data, kind.index, header)
    return _annotate(text, imp)


def _annotate(text: str, imp: Imported) -> str:
    """One comment per line that holds a figure read with a repair or a doubt."""
    if not imp.notes:
        return text
    loaded = load_text(text, "<import>")
    lines = text.split("\n")
    by_line: dict[int, list[str]] = {}
    for path, notes in imp.notes.items():
        line, _ = loaded.sourcemap.value(path)
        if line <= 0:
            continue
        for note in notes:
            if note not in by_line.setdefault(line, []):
                by_line[line].append(note)
    for line, notes in by_line.items():
        mark = "；" if " # " in lines[line - 1] else "  # "
        lines[line - 1] += mark + "原文：" + "；".join(notes)
    return "\n".join(lines)


def write_new(target: Path, text: str) -> None:
    """Create `target` with `text`; TargetExists when it is already there."""
    from gendoc.build.atomic_write import stage

    if target.exists():
        raise TargetExists(str(target))
    tmp = stage(target, text.encode("utf-8"))  # written in full beside it, as every output is
    try:
        try:
            os.link(tmp, target)  # fails if the target appeared meanwhile: never overwrite
        except FileExistsError:
            raise TargetExists(str(target)) from None
    finally:
        os.unlink(tmp)
