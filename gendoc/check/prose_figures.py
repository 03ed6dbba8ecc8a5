"""Narrative checks that need no rendering: figures typed as literal digits into prose.

A sentence like 收到政府信息公开申请4件 is exactly how the seed report came to contradict its
own table: the 4 was typed by hand while the table said 10. In a narrative field every count
must come from the data ({{ table3.new_received.total }}); a digit followed by a counting
word is reported as a warning at the line and column where it was typed.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from gendoc.plaindata import get_path
from gendoc.diagnostics import WARNING, Diagnostic
from gendoc.kind.labels import format_path, narrative_paths

# Jinja blocks are data references, not literal figures: blank them out, keeping offsets.
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# A number followed by a counting word. The number: digits of any script (ASCII, full-width,
# Arabic-Indic …) with optional decimals, circled or parenthesised digits (①, ⑿, ⒈, ❶, ㉑),
# or Chinese numerals (四件, 十二件, 两千余条) — but not an ordinal (第一批), "each" (每一项,
# 逐一) or a word in which 一 is no count (统一, 唯一, 同一, 单一, 万一); 一次性 and the
# format's own "六个部分" (the parts of every report) are no figures either.
_COUNTING = r"(件|条|项|个(?!部分)|人次|人|户|次(?!性)|家|份|篇|期|场|起|宗|万元|元|%|％|名|批|处)"
_ENCLOSED = "\u2460-\u249b\u24ea-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf"
_FIGURE = re.compile(
    r"(?<![A-Za-z_.．\d])(\d+(?:[.．]\d+)?|[" + _ENCLOSED + r"]+)\s*" + _COUNTING
    + r"|(?<![第每逐统唯同单万之零〇一二两三四五六七八九十百千亿])"
    r"([零〇一二两三四五六七八九十百千万亿]*[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*)" + _COUNTING
)


def literal_figures(kind, data: Any, file: str, sourcemap, text: str | None) -> list[Diagnostic]:
    out = []
    lines: list[str] | None = None
    for path in narrative_paths(kind.index, data):
        value = get_path(data, path)
        for offset, figure in figures_in(value):
            if lines is None:
                lines = text.split("\n") if text else []
            line, col = position_in_file(sourcemap.value(path), value, offset, lines)
            out.append(Diagnostic(WARNING, "N003", {"figure": figure}, file, line, col, format_path(path)))
    return out


@lru_cache(maxsize=4096)
def figures_in(value: str) -> tuple[tuple[int, str], ...]:
    """(offset, figure) of every literal figure outside {{ }} / {% %} / {# #}; the same text
    gives the same answer, and narrative text repeats from report to report."""
    blanked = _JINJA.sub(lambda m: " " * len(m.group(0)), value)
    return tuple((m.start(), m.group(0).replace(" ", "")) for m in _FIGURE.finditer(blanked))


def position_in_file(start: tuple[int, int], value: str, offset: int, lines: list[str]) -> tuple[int, int]:
    """Where character `offset` of a narrative string sits in the file.

    Exact for `|` and `>` block scalars (the usual way to write prose); for a one-line scalar
    it is exact when the text has no escapes, else the scalar's start.
    """
    line, col = start
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    indicator = source[col - 1:col] if col > 0 else ""
    before = value[:offset]
    row = before.count("\n")
    if indicator in ("|", ">"):
        content_line = line + 1 + row
        if content_line - 1 < len(lines):
            body = lines[content_line - 1]
            indent = len(body) - len(body.lstrip(" "))
            return content_line, indent + len(before) - (before.rfind("\n") + 1) + 1
        return start
    quote = 1 if indicator in ("'", '"') else 0
    if row == 0 and source[col - 1 + quote:].startswith(value[:offset]):
        return line, col + quote + offset
    return start

