"""Plain-data helpers shared by the stages: report data is dicts, lists and scalars only."""
from __future__ import annotations

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


def set_path(data: Any, path: tuple, value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def dotted(text: str) -> tuple:
    """"table3.results.granted.natural" / "overview.parts.0" → a data path (digits are list
    indices): the form paths take in rules files and in table slots."""
    return tuple(int(step) if step.isdigit() else step for step in text.split("."))
