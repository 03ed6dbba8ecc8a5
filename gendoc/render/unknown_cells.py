"""Figures not known yet, as the outputs show them: "—", in prose and in tables alike.

A draft may hold `null` figures (and the totals over them are null too). Rendering swaps
each null for `UNKNOWN`, a value that prints as "—", stays unknown through arithmetic
(`a - b` with either unknown is unknown), is false in `{% if %}` and compares false, so
narrative templates written for complete reports render a draft without a special case.
Filters given it return "—" as well (render/engine.py's filter wrapper).
"""
from __future__ import annotations

from typing import Any

MARK = "—"
LEGEND = "「—」表示尚未填写的数字（草稿）"


class _Unknown:
    __slots__ = ()

    def __str__(self) -> str:
        return MARK

    __repr__ = __str__

    def __html__(self) -> str:
        return MARK

    def __format__(self, spec: str) -> str:
        return MARK

    def __bool__(self) -> bool:
        return False

    def _same(self, *_: Any) -> _Unknown:
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _same
    __neg__ = __pos__ = __abs__ = __round__ = _same

    def _false(self, _: Any) -> bool:
        return False

    __lt__ = __le__ = __gt__ = __ge__ = _false

    def __eq__(self, other: Any) -> bool:
        return other is self

    def __hash__(self) -> int:
        return 0


UNKNOWN = _Unknown()


def is_unknown(value: Any) -> bool:
    return value is None or value is UNKNOWN


def with_unknowns(data: Any) -> tuple[Any, bool]:
    """The data with every null replaced by UNKNOWN, and whether there was one. Only the
    containers on the way to a null are copied; a complete report comes back as it was."""
    if isinstance(data, dict):
        out: Any = None
        for key, value in data.items():
            if value is None:
                new, found = UNKNOWN, True
            elif isinstance(value, (dict, list)):
                new, found = with_unknowns(value)
            else:
                continue
            if found:
                if out is None:
                    out = dict(data)
                out[key] = new
        return (data, False) if out is None else (out, True)
    if isinstance(data, list):
        items = [with_unknowns(v) if isinstance(v, (dict, list)) else ((UNKNOWN, True) if v is None else (v, False))
                 for v in data]
        if any(found for _, found in items):
            return [v for v, _ in items], True
        return data, False
    return data, False
