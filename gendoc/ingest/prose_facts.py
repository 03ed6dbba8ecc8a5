"""Figures the prose states that no table holds → `facts`, so next year's text stays live.

全年共审核发布各类公开政府信息249条 names a figure the tables do not have. On import the
number becomes `{{ facts.fact_1.value }}`, and `facts.fact_1` is `{label: 审核发布各类公开政府信息,
value: 249, unit: 条}`: the label is the words right before the number in its clause, less
the connecting words around them (全年共…, …达). A figure is left as published text when its
clause names nothing usable (占33.9%), when it is not written as plain digits (四件 and
1,234件 would print differently from a reference), or when it states a table figure (those
are references, or findings, already).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from gendoc.check.prose_figures import figures_in

_PLAIN = re.compile(r"^(\d+(?:\.\d+)?)(\D.*)$")
_CLAUSE_END = "，。；：、,;:（(）)《》“”\"\n"
# words that join a clause to its figure without naming anything
_LEADING = re.compile(r"^(?:(?:19|20)\d{2}年度?|\{\{ year \}\}年度?|其中|全年|年内|本年度|本年|今年|全县|全区|全市|"
                      r"我局|我县|我区|我市|我镇|我乡|我委|我办|我中心|累计|共计|合计|总计|共|另|已|均|并|还|又|和|及|等)+")
_TRAILING = re.compile(r"(?:共计|累计|合计|共|计|达到|达|为|约|了|超过|超|近|逾|突破|有|在|是|的)+$")

MIN_LABEL, MAX_LABEL = 2, 20


@dataclass(frozen=True)
class ProseFact:
    start: int      # offset of the number in the text
    end: int
    label: str
    value: int | Decimal
    unit: str


def facts_in(text: str, taken: list[tuple[int, int]]) -> list[ProseFact]:
    """The figures of `text` that can become facts; `taken`: spans already claimed (table
    figures stated in the prose), left alone."""
    out = []
    for offset, figure in figures_in(text):
        m = _PLAIN.match(figure)
        if not m or any(a <= offset < b for a, b in taken):
            continue
        number, unit = m.group(1), m.group(2)
        end = offset + len(number)
        if text[offset:end] != number:
            continue   # digits of another script, or a space inside the number
        label = _label(text[:offset])
        if label:
            value: int | Decimal = Decimal(number) if "." in number else int(number)
            out.append(ProseFact(offset, end, label, value, unit))
    return out


def _label(before: str) -> str:
    cut = max(before.rfind(ch) for ch in _CLAUSE_END)
    clause = before[cut + 1:].strip()
    if clause.endswith(("自", "从", "于")):
        return ""
    label = _TRAILING.sub("", _LEADING.sub("", clause)).strip()
    if not MIN_LABEL <= len(label) <= MAX_LABEL or re.search(r"[\d{}]", label):
        return ""
    return label
