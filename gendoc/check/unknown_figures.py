"""Figures not known yet: `null` (`~`) in a draft, an error in a final report.

A report says what it is with `status: draft | final` (absent: final). The schema lets a
figure be null wherever its type lists "null" (counts, amounts, facts, the publication
date); this module decides whether the report may hold one:

- in a draft, each unknown value is one warning (W001) at its own line, named by its
  official label, and the rules that could not be checked because of them are listed once
  (W003, from the rule ids `apply_rules` skipped);
- in a final report each is an error (W002): a published report has every figure.

The module knows no row of any kind: "may be null" is read from the schema.
"""
from __future__ import annotations

from typing import Any, Iterator

from gendoc.diagnostics import ERROR, INFO, WARNING, Diagnostic
from gendoc.kind.labels import format_path

DRAFT, FINAL = "draft", "final"


def is_draft(data: Any) -> bool:
    return isinstance(data, dict) and data.get("status") == DRAFT


def null_paths(data: Any, path: tuple = ()) -> Iterator[tuple]:
    """Data paths of every null value, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            if value is None:
                yield path + (key,)
            elif isinstance(value, (dict, list)):
                yield from null_paths(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if value is None:
                yield path + (i,)
            elif isinstance(value, (dict, list)):
                yield from null_paths(value, path + (i,))


def may_be_unknown(index, path: tuple) -> bool:
    """Whether the schema lets the value at `path` be null (a figure not known yet)."""
    kind = index.get(path, "type")
    return isinstance(kind, list) and "null" in kind


def null_and_unknown(index, data: Any) -> tuple[bool, list[tuple]]:
    """Whether the data holds any null at all, and the nulls the schema allows (figures not
    known yet; the others are the schema check's to report): a report with no null at all is
    rendered without looking for one again."""
    if not _holds_null(data):  # the usual case: found without building a path per value
        return False, []
    nulls = list(null_paths(data))
    return bool(nulls), [p for p in nulls if may_be_unknown(index, p)]


def _holds_null(data: Any) -> bool:
    """Whether a null sits anywhere in `data`: one plain loop, no path built, no generator."""
    for value in data.values() if isinstance(data, dict) else data if isinstance(data, list) else ():
        if value is None:
            return True
        if isinstance(value, (dict, list)) and _holds_null(value):
            return True
    return False


def _place(index, data: dict, path: tuple) -> str:
    """The official label; a row that names itself (`label:`, as facts do) adds its name."""
    place = index.place(path)
    parent: Any = data
    for step in path[:-1]:
        parent = parent[step]
    own = parent.get("label") if isinstance(parent, dict) else None
    if isinstance(own, str) and own and path[-1] != "label":
        place = f"{place}（{own}）"
    return str(place)


def unknown_findings(kind, data: dict, file: str, sourcemap, unknown: list[tuple]) -> list[Diagnostic]:
    """W001 per unknown value of a draft; W002 per unknown value of a final report."""
    draft = is_draft(data)
    out = []
    for path in unknown:
        line, col = sourcemap.value(path)
        out.append(Diagnostic(WARNING if draft else ERROR, "W001" if draft else "W002",
                              {"place": _place(kind.index, data, path)}, file, line, col, format_path(path)))
    return out


def skipped_rules_finding(kind, data: dict, file: str, sourcemap, skipped: list[str],
                          unknown: list[tuple]) -> list[Diagnostic]:
    """One note, at the first unknown figure, naming every check the unknown figures kept
    from running (never one per rule and column: a draft with a blank table would drown its
    real findings). A final report gets none: its unknown figures are errors already."""
    if not skipped or not unknown or not is_draft(data):
        return []
    line, col = sourcemap.value(unknown[0])
    titles = {rule["id"]: rule.get("title", "") for rule in kind.rules["checks"]}
    ids = list(dict.fromkeys(skipped))
    listed = "；".join(f"{rid} {titles.get(rid, '')}".strip() for rid in ids)
    return [Diagnostic(INFO, "W003", {"count": len(ids), "rules": listed, "rules_en": ", ".join(ids)}, file, line, col)]
