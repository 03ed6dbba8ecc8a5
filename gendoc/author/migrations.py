"""Format changes as data: how a report of the previous format becomes one of this format.

A kind may ship `migrations.yaml` next to its schema:

    from: annual-report-2019
    map:                                   # old path → new path; `*` is the same key on both sides
      table2.art20_1.*.new_made: table2.art20_1.*.issued
      table3.results.other: {figures: table3.results.other.other, narrative: table3.results.other_total}
    dropped:                               # what the new format no longer has, and why
      table2.art20_9: 2021 版格式没有第二十条第（九）项（政府集中采购）

A path maps by its most specific pattern, the rest of the path carried along
(`table3.results.other.natural` → `table3.results.other.other.natural`). Figures move by the
`figures` target, references in narrative text by the `narrative` one (one string: both).
What has no place in the new format is reported, with the `dropped` reason when there is one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from gendoc.check.prose_figures import _JINJA

Pattern = tuple[str, ...]


class MigrationError(Exception):
    """A kind's migrations.yaml is broken (a kind maintainer's mistake)."""


@dataclass
class Migration:
    source: str
    target: str
    figures: list[tuple[Pattern, Pattern]] = field(default_factory=list)
    narrative: list[tuple[Pattern, Pattern]] = field(default_factory=list)
    dropped: list[tuple[Pattern, str]] = field(default_factory=list)

    def figure_path(self, path: tuple) -> tuple | None:
        return _mapped(self.figures, path)

    def narrative_path(self, path: tuple) -> tuple | None:
        return _mapped(self.narrative, path)

    def reason(self, path: tuple) -> str | None:
        best = _best([(p, r) for p, r in self.dropped], path)
        return best[1] if best else None


def _split(text: str) -> Pattern:
    return tuple(str(text).split("."))


def _matches(pattern: Pattern, path: tuple) -> list[Any] | None:
    """The keys the `*`s stand for, or None when the pattern does not cover the path."""
    if len(path) < len(pattern):
        return None
    stars = []
    for want, have in zip(pattern, path):
        if want == "*":
            stars.append(have)
        elif want != str(have):
            return None
    return stars


def _best(entries: list[tuple[Pattern, Any]], path: tuple) -> tuple[Pattern, Any] | None:
    """The most specific entry covering the path: the longest pattern, then fewer `*`s."""
    found = [(p, v) for p, v in entries if _matches(p, path) is not None]
    if not found:
        return None
    return max(found, key=lambda e: (len(e[0]), -e[0].count("*")))


def _mapped(entries: list[tuple[Pattern, Pattern]], path: tuple) -> tuple | None:
    best = _best(entries, path)
    if best is None:
        return None
    pattern, target = best
    stars = iter(_matches(pattern, path) or [])
    head = tuple(next(stars) if step == "*" else step for step in target)
    return head + tuple(path[len(pattern):])


def load_migration(kind) -> Migration | None:
    """The kind's migration from its previous format, or None when it declares none."""
    file = kind.folder / "migrations.yaml"
    if not file.is_file():
        return None
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        migration = Migration(str(raw["from"]), kind.id)
        for old, new in (raw.get("map") or {}).items():
            if isinstance(new, dict):
                figures, narrative = new.get("figures"), new.get("narrative")
            else:
                figures = narrative = new
            if figures:
                migration.figures.append((_split(old), _split(figures)))
            if narrative:
                migration.narrative.append((_split(old), _split(narrative)))
        for old, why in (raw.get("dropped") or {}).items():
            migration.dropped.append((_split(old), str(why)))
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise MigrationError(f"{file}: {exc}") from exc
    return migration


# -- narrative references ------------------------------------------------------------------

_REFERENCE = re.compile(r"(?<![\w.'\"])(prev\.)?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)")


def rewrite_references(text: str, tops: set[str], exists: Callable[[tuple], bool],
                       migration: Migration) -> tuple[str, list[tuple[str, str | None]]]:
    """The narrative with every reference to a figure moved by the migration, and the
    references it could not place: (reference as written, reason or None).

    Only names that start at a top-level key of the report are references (`c.name` of a
    loop is not). `prev.…` is last year's report, still in the old format: left as it is.
    """
    unplaced: list[tuple[str, str | None]] = []

    def one(match: re.Match) -> str:
        if match.group(1):
            return match.group(0)
        path = tuple(match.group(2).split("."))
        if path[0] not in tops or exists(path):
            return match.group(0)
        new = migration.narrative_path(path)
        if new is not None and exists(new):
            return ".".join(map(str, new))
        unplaced.append((match.group(2), migration.reason(path)))
        return match.group(0)

    def tag(match: re.Match) -> str:
        return _REFERENCE.sub(one, match.group(0))

    return _JINJA.sub(tag, text), unplaced
