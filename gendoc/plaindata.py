"""Plain-data helpers shared by the stages: report data is dicts, lists and scalars only."""
from __future__ import annotations

import re
from typing import Any


def copy_data(value: Any) -> Any:
    """A deep copy of plain YAML data: several times faster than copy.deepcopy, which has to
    handle any Python object."""
    if isinstance(value, dict):
        return {k: copy_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_data(v) for v in value]
    return value


def get_path(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def dotted(text: str) -> tuple:
    """A data path from its printed form — the one parser of paths in rules files, table
    slots and templates. Keys are joined by dots; a list index is written `[0]` (as
    `format_path` prints it) or as a plain number step (`overview.parts.0`, as rules write
    it): "table3.results.granted.natural", "sections.overview.parts[0].text"."""
    steps: list[Any] = []
    for key, index in _STEP.findall(text):
        steps.append(int(index) if index else int(key) if key.isdigit() else key)
    return tuple(steps)
