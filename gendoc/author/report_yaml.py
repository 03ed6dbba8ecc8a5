"""Write report data back out as YAML a clerk can read and review, shaped by the schema.

Rows of figures become one-line flow mappings with their official label as a comment
(`granted: {natural: 7, …}  # （一）予以公开`), narrative becomes `|` blocks, everything else is
quoted so that YAML can never reinterpret it. Derived figures are left out: gendoc computes them.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from gendoc.kind.labels import SchemaIndex

INDENT = "  "


# Text that YAML reads back as the same text without quotes: no leading digit or sign (which
# could make a number or date), no indicator characters, no ": " or " #".
_PLAIN = re.compile(r"^[^\s\d\-+.~\"'#&*!|>%@`{}\[\],:?][^#:{}\[\],]*(?<!\s)$")
_RESERVED = {"null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"}


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text not in _RESERVED and "\n" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _is_row(value: Any, index: SchemaIndex, path: tuple) -> bool:
    """A mapping of plain figures, written on one line."""
    return (isinstance(value, dict) and bool(value)
            and all(not isinstance(v, (dict, list)) and not index.get(path + (k,), "x-narrative")
                    for k, v in value.items()))


def emit(data: dict, index: SchemaIndex, header: list[str]) -> str:
    lines = list(header)
    _mapping(data, (), index, 0, lines)
    return "\n".join(lines) + "\n"


def _mapping(data: dict, path: tuple, index: SchemaIndex, depth: int, lines: list[str]) -> None:
    pad = INDENT * depth
    for key, value in data.items():
        sub = path + (key,)
        if index.get(sub, "x-derived"):
            continue
        title = index.title(sub)
        comment = f"  # {title}" if title and title != key else ""
        if index.get(sub, "x-narrative") and isinstance(value, str):
            lines.append(f"{pad}{key}: |")
            lines.extend(f"{pad}{INDENT}{line}".rstrip() for line in value.rstrip("\n").split("\n"))
        elif depth > 0 and _is_row(value, index, sub):
            cells = ", ".join(f"{k}: {scalar(v)}" for k, v in value.items() if not index.get(sub + (k,), "x-derived"))
            lines.append(f"{pad}{key}: {{{cells}}}{comment}")
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:{comment}")
            _mapping(value, sub, index, depth + 1, lines)
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:{comment}")
            for i, item in enumerate(value):
                if _is_row(item, index, sub + (i,)):
                    cells = ", ".join(f"{k}: {scalar(v)}" for k, v in item.items())
                    lines.append(f"{pad}{INDENT}- {{{cells}}}")
                elif isinstance(item, dict):
                    inner: list[str] = []
                    _mapping(item, sub + (i,), index, depth + 2, inner)
                    first = inner[0][len(INDENT * (depth + 2)):]
                    lines.append(f"{pad}{INDENT}- {first}")
                    lines.extend(inner[1:])
                else:
                    lines.append(f"{pad}{INDENT}- {scalar(item)}")
        else:
            lines.append(f"{pad}{key}: {scalar(value)}{comment}")
