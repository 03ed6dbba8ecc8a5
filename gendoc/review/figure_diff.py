"""Compare two derived reports figure by figure, in the kind's official labels.

What a reviewer needs from a change to a report file, in this order:

1. the figures a person typed that changed (`表三 / 一、本年新收政府信息公开申请数量 / 自然人: 4 → 10`),
2. the derived totals that moved with them (paths gendoc computes: `x-derived` in the schema, or
   the target of a `derive` rule),
3. the rules and checks whose status changed — newly broken, newly fixed — found by comparing
   the sets of (rule id, data path) findings of the two versions,
4. which narrative fields changed (by label; the text itself is for `git diff`),
5. across two document kinds: the rows one kind has and the other has not, which cannot be
   compared.

Nothing here reads git, prints or exits: the inputs are `ReportResult`s (from
`Project.check`), the outputs plain data that the CLI renders as text, Markdown or JSON.
The same flattening gives `gendoc textconv` its line-per-figure rendering (`figure_lines`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

from gendoc.diagnostics import Diagnostic
from gendoc.build.project import ReportResult
from gendoc.load.sourcemap import format_path

SEP = " / "


# -- flattening ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One scalar of a report: a typed figure, a derived total, a field or a narrative text."""

    path: tuple
    value: Any
    derived: bool = False
    narrative: bool = False


def figures(result: ReportResult) -> dict[tuple, Figure]:
    """Every scalar of the derived report, in the schema's order (stable under key reordering)."""
    if result.report is None or result.kind is None:
        return {}
    index = result.kind.index
    derived_paths = result.report.provenance
    out: dict[tuple, Figure] = {}
    for path, value in _walk(index, result.report.data, ()):
        derived = path in derived_paths or bool(index.get(path, "x-derived"))
        narrative = isinstance(value, str) and bool(index.get(path, "x-narrative"))
        out[path] = Figure(path, value, derived, narrative)
    return out


def _walk(index, node: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    stack: list[tuple[tuple, Any]] = [(path, node)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, dict):
            declared = [k for k in index.properties(here) if k in value] if index.exists(here) else []
            keys = declared + [k for k in value if k not in declared]
            stack.extend((here + (k,), value[k]) for k in reversed(keys))
        elif isinstance(value, list):
            stack.extend((here + (i,), value[i]) for i in reversed(range(len(value))))
        else:
            yield here, value


# -- labels -------------------------------------------------------------------------------

def label(kind, path: tuple, data: Any = None, sep: str = SEP) -> str:
    """A data path named the way the printed report names it: 表三 / （一）予以公开 / 自然人.

    Titles come from the kind's schema (`x-group` headers included, the table's `x-short`
    first). A list item is 第N项, followed by its own title or name when it has one; a key
    the schema does not title (e.g. under `facts`) is named by its data's `label`.
    """
    return sep.join(label_parts(kind, path, data))


def label_parts(kind, path: tuple, data: Any = None) -> list[str]:
    path = tuple(path)
    if kind is None:
        return [format_path(path)] if path else []
    return kind.index.chain(path, data, short=True)


def show(value: Any) -> str:
    """A value as a person reads it in a diff line."""
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) != isinstance(b, bool) or isinstance(a, str) != isinstance(b, str):
        return False
    return a == b


# -- comparing ----------------------------------------------------------------------------

@dataclass
class Change:
    path: tuple
    label: str
    old: Any          # None: absent in the old version
    new: Any          # None: absent in the new version
    derived: bool = False
    narrative: bool = False


@dataclass
class FindingChange:
    status: str       # "broken" (newly) or "fixed" (newly)
    rule: str         # rule id (T3-1) or finding code (S001)
    diagnostic: Diagnostic


@dataclass
class Uncomparable:
    """Rows that only one of two document kinds has."""

    side: str         # "old" or "new"
    kind_id: str
    kind_title: str
    label: str        # the row's parent, e.g. 表三 / 三、本年度办理结果 / （六）其他处理
    items: list[str]  # what only this kind has under it


@dataclass
class ReportDiff:
    name: str
    old: ReportResult | None
    new: ReportResult | None
    typed: list[Change] = field(default_factory=list)
    derived: list[Change] = field(default_factory=list)
    narrative: list[Change] = field(default_factory=list)
    findings: list[FindingChange] = field(default_factory=list)
    uncomparable: list[Uncomparable] = field(default_factory=list)

    @property
    def status(self) -> str:
        """added / deleted / unreadable / changed / unchanged."""
        if self.old is None and self.new is None:
            return "unchanged"
        if self.old is None:
            return "unreadable" if self.new is None or self.new.report is None else "added"
        if self.new is None:
            return "deleted"
        if self.old.report is None or self.new.report is None:
            return "unreadable"
        if self.typed or self.derived or self.narrative or self.findings or self.uncomparable:
            return "changed"
        return "unchanged"

    @property
    def unreadable(self) -> list[ReportResult]:
        """The sides that could not be loaded (YAML error, unknown format...)."""
        return [r for r in (self.old, self.new) if r is not None and r.report is None]

    @property
    def cross_kind(self) -> bool:
        return bool(self.old and self.new and self.old.kind and self.new.kind
                    and self.old.kind.id != self.new.kind.id)


def finding_key(d: Diagnostic) -> tuple:
    """A finding's identity across two versions: which rule, at which figure (and, for a
    figure typed into prose, which figure: one paragraph may hold many)."""
    return (d.params.get("rule") or d.code, d.path, str(d.params.get("key", "")), str(d.params.get("figure", "")))


def compare(old: ReportResult | None, new: ReportResult | None, name: str) -> ReportDiff:
    """Figure-level comparison of two checked reports (either side may be None: added/deleted)."""
    diff = ReportDiff(name, old, new)
    diff.findings = _finding_changes(old, new)
    if old is None or new is None or old.report is None or new.report is None or old.kind is None or new.kind is None:
        return diff
    before, after = figures(old), figures(new)
    old_index, new_index = old.kind.index, new.kind.index
    cross = diff.cross_kind
    only_old: list[tuple] = []
    only_new: list[tuple] = []
    for path in _union(before, after):
        a, b = before.get(path), after.get(path)
        if cross and a is None and not old_index.exists(path):
            only_new.append(path)
            continue
        if cross and b is None and not new_index.exists(path):
            only_old.append(path)
            continue
        if a is not None and b is not None and _same(a.value, b.value):
            continue
        ref = b or a
        assert ref is not None  # a path is on one side at least
        source, data = (new, new.report.data) if b is not None else (old, old.report.data)
        change = Change(path, label(source.kind, path, data), a.value if a else None, b.value if b else None,
                        derived=bool((a and a.derived) or (b and b.derived)),
                        narrative=bool((a and a.narrative) or (b and b.narrative)))
        if change.narrative:
            diff.narrative.append(change)
        elif ref.derived or change.derived:
            diff.derived.append(change)
        else:
            diff.typed.append(change)
    if cross:
        diff.uncomparable = (_rows("old", old, only_old, new_index)
                             + _rows("new", new, only_new, old_index))
    return diff


def _union(before: dict, after: dict) -> list[tuple]:
    """Paths of both versions: the new version's order, each old-only path placed after the
    shared path it followed."""
    order = list(after)
    position = {p: i for i, p in enumerate(order)}
    after_each: dict[int, list[tuple]] = {}
    last = -1
    for path in before:
        if path in position:
            last = position[path]
        else:
            after_each.setdefault(last, []).append(path)
    result = list(after_each.get(-1, ()))
    for i, path in enumerate(order):
        result.append(path)
        result.extend(after_each.get(i, ()))
    return result


def _finding_changes(old: ReportResult | None, new: ReportResult | None) -> list[FindingChange]:
    def keyed(result):
        found: dict[tuple, Diagnostic] = {}
        if result is not None and result.report is not None:
            for d in result.diagnostics:
                key = finding_key(d)
                n = 0  # the same finding twice (one figure typed twice in a paragraph) counts twice
                while key + (n,) in found:
                    n += 1
                found[key + (n,)] = d
        return found

    before, after = keyed(old), keyed(new)
    if new is None or new.report is None or (old is not None and old.report is None):
        return []  # a deleted or unreadable side: nothing to compare findings with
    changes = [FindingChange("broken", k[0], d) for k, d in after.items() if k not in before]
    changes += [FindingChange("fixed", k[0], d) for k, d in before.items() if k not in after]
    return changes


def _rows(side: str, result: ReportResult, paths: list[tuple], other_index) -> list[Uncomparable]:
    """Collapse paths the other kind has no place for into rows: the highest such ancestor,
    grouped under a parent both kinds share."""
    tops: list[tuple] = []
    for path in paths:
        top = path
        while len(top) > 1 and not other_index.exists(top[:-1]):
            top = top[:-1]
        if top not in tops:
            tops.append(top)
    grouped: dict[tuple, list[tuple]] = {}
    for top in tops:
        grouped.setdefault(top[:-1], []).append(top)
    if result.report is None or result.kind is None:
        return []
    data, kind = result.report.data, result.kind
    out = []
    for parent, children in grouped.items():
        parent_parts = label_parts(kind, parent, data)
        items = [label_parts(kind, child, data)[-1] for child in children]
        out.append(Uncomparable(side, kind.id, kind.title, SEP.join(parent_parts), items))
    return out


# -- textconv -----------------------------------------------------------------------------

DERIVED_MARK = "（计算值）"


def figure_lines(result: ReportResult, lang: str = "zh") -> list[str]:
    """A stable line-per-figure rendering of one report (for `gendoc textconv`).

    `label = value`, derived totals marked, narrative and multi-line texts as `label:` then
    the text indented by four spaces; the findings of the report last.
    """
    lines: list[str] = []
    if result.kind is not None:
        lines.append(f"# {result.kind.title if lang == 'zh' else result.kind.title_en}")
    data = result.report.data if result.report else None
    for fig in figures(result).values():
        name = label(result.kind, fig.path, data)
        if fig.narrative or (isinstance(fig.value, str) and "\n" in fig.value.strip("\n")):
            lines.append(f"{name}:")
            lines.extend(("    " + line).rstrip() for line in fig.value.strip("\n").split("\n"))
        else:
            mark = DERIVED_MARK if fig.derived else ""
            lines.append(f"{name} = {show(fig.value)}{mark}")
    if result.diagnostics:
        lines.append("# 检查结果" if lang == "zh" else "# findings")
        for d in result.diagnostics:
            lines.append(f"{d.severity}[{d.params.get('rule', d.code)}] {d.message(lang)}")
    return lines
