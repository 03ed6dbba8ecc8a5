"""Run a kind's declarative rules: derive the totals, then check the 勾稽关系.

The rules live in the kind's `rules.yaml` (see docs/architecture.md). This module knows no
row or column by name: it expands `foreach`, evaluates expressions, writes derived figures
into a copy of the data, remembers which typed figures each derived one came from (so that a
broken rule can point at lines a person typed), and turns failures into Diagnostics.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Iterator

from gendoc.plaindata import dotted, get_path
from gendoc.diagnostics import ERROR, Diagnostic, Location
from gendoc.check.expressions import (
    Compiled, DivisionByZero, ExpressionError, Missing, Node, Ref, compiled, evaluate, is_number, parse, sides,
)
from gendoc.check.rule_code import RuleSteps, Unit, generate
from gendoc.kind.labels import format_path

KIND_LABELS = {
    "first_year": ("本格式适用的首个报告年度", "first report year of this format"),
    "last_year": ("本格式适用的最后报告年度", "last report year of this format"),
}


@dataclass
class Report:
    """One report's data after derivation, and how to point into its file."""

    file: str
    data: dict
    sourcemap: Any
    # derived figure -> the expression it was computed by; which typed figures that adds up
    # is traced only when a message needs it (see `sources`)
    provenance: dict[tuple, str] = field(default_factory=dict)
    owned: set = field(default_factory=set, repr=False)  # ids of containers copied for writing
    # figures not known yet (null in a draft), as dotted paths; derived ones join them, and
    # the checks they kept from running are listed once (check/unknown_figures.py)
    unknown: set = field(default_factory=set, repr=False)
    skipped: list = field(default_factory=list, repr=False)
    # No null anywhere in the data it was derived from, hence none in its own (a derived
    # figure is null only over an unknown one): set by the caller that looked.
    complete: bool = field(default=False, repr=False)

    def sources(self, path: tuple) -> list[tuple]:
        """The typed figures a derived one was computed from (itself when it was typed)."""
        text = self.provenance.get(path)
        if text is None:
            return [path]
        refs: list[Ref] = []
        try:
            evaluate(_parsed(text, "number"), {"data": self.data, "prev": None, "kind": {}}, refs)
        except (Missing, DivisionByZero, ExpressionError):
            return [path]
        out: list[tuple] = []
        for ref in refs:
            if ref.root == "data":
                out.extend(self.sources(ref.path))
        return out


@dataclass
class RuleContext:
    kind: Any
    current: Report
    prev: Report | None
    roots: dict[str, Any] = field(init=False)  # what expressions read: the report, last year's, the kind

    def __post_init__(self) -> None:
        self.roots = {
            "data": self.current.data,
            "prev": self.prev.data if self.prev else None,
            "kind": {"first_year": self.kind.first_year, "last_year": self.kind.last_year},
        }


# What each rule section's expression must give: a figure to write, or a truth to check.
WANTS = {"expr": "number", "assert": "truth"}


@lru_cache(maxsize=4096)
def _parsed(text: str, want: str | None = None) -> Node:
    return parse(text, want)


@lru_cache(maxsize=4096)
def _target(text: str) -> tuple:
    return dotted(text)


def apply_rules(kind, data: dict, file: str, sourcemap, prev: Report | None = None,
                unknown: Iterable[tuple] = ()) -> tuple[Report, list[Diagnostic]]:
    """Derive every computed figure, then run every check. The input data is not touched.

    `unknown` lists the paths of figures not known yet (null in a draft): a total over one of
    them is unknown too (None), and a check that needs one is skipped and noted in
    `Report.skipped`.

    The kind's rules run as one generated function (`rule_code.py`), which gives what
    `interpret_rules` gives, step for step: it hands every step off the common road to the
    same `_derive` and `_check`."""
    ctx = _context(kind, data, file, sourcemap, prev, unknown)
    diagnostics: list[Diagnostic] = []
    run = kind.compiled.get("rule-function")
    if run is None:
        run = kind.compiled["rule-function"] = generate(kind.id, _program(kind), _derive, _check, _container, _holds)
    run(ctx, diagnostics)
    return ctx.current, diagnostics


def interpret_rules(kind, data: dict, file: str, sourcemap, prev: Report | None = None,
                    unknown: Iterable[tuple] = ()) -> tuple[Report, list[Diagnostic]]:
    """`apply_rules` the plain way, one step at a time: the meaning of the rules, which the
    generated function must match exactly (tests/test_rule_code.py compares the two)."""
    ctx = _context(kind, data, file, sourcemap, prev, unknown)
    diagnostics: list[Diagnostic] = []
    for section, key in SECTIONS:
        for rule in kind.rules[section]:
            for bound in _bindings(rule, ctx.current.data, kind.index):
                found = (_derive if section == "derive" else _check)(ctx, rule, _step(rule, key, bound))
                if found:
                    diagnostics.extend(found)
    return ctx.current, diagnostics


def _context(kind, data: dict, file: str, sourcemap, prev: Report | None, unknown: Iterable[tuple]) -> RuleContext:
    # Copy on write: derived figures go into copies of the containers that receive them; the
    # rest of the report is shared with the loaded data, which nothing changes.
    report = Report(file=file, data=dict(data), sourcemap=sourcemap)
    report.unknown = {".".join(map(str, p)) for p in unknown}
    report.owned = {id(report.data)}
    return RuleContext(kind, report, prev)


# Each section of rules, with the key of its expression; derivations run first, in order.
SECTIONS = (("derive", "expr"), ("checks", "assert"))
Step = tuple  # (expression text, parsed node, compiled closure, target path or None)


def _step(rule: dict, key: str, bound: dict) -> Step:
    """The rule's expression for this binding, filled in, parsed and compiled, with its target."""
    text, node, run = _prepared(rule, key, bound)
    return text, node, run, _prepared_target(rule, bound) if key == "expr" else None


def _program(kind) -> list[RuleSteps]:
    """Every step of every rule for the generator, prepared once per kind. A rule whose
    `foreach` globs places has a step for each declared place, done when the report holds it
    (looked at before the rule's first step, as `_bindings` does)."""
    program = []
    for section, key in SECTIONS:
        for rule in kind.rules[section]:
            spec = rule.get("foreach") or {}
            options = [_options(spec[name], kind.index) for name in spec]
            places = list(dict.fromkeys(place for choices in options for _, place in choices if place is not None))
            units = []
            for combo in itertools.product(*options):
                bound = {name: text for name, (text, _) in zip(spec, combo)}
                needs = tuple(places.index(place) for _, place in combo if place is not None)

                def prepare(rule: dict = rule, key: str = key, bound: dict = bound) -> Step:
                    return _step(rule, key, bound)
                try:
                    step = prepare()
                except Exception:
                    if not needs:
                        raise  # a rule every report meets is broken: as the interpreter would say at once
                    step = None  # said only when a report holds the place, as the interpreter would
                units.append(Unit(step, prepare, needs))
            program.append(RuleSteps(section, rule, places, units))
    return program


# -- foreach ------------------------------------------------------------------------------

def _bindings(rule: dict, data: dict, index) -> Iterator[dict[str, str]]:
    spec = rule.get("foreach") or {}
    names = list(spec)
    choices = [[text for text, place in _options(spec[n], index) if place is None or _holds(data, *place)]
               for n in names]
    for combo in itertools.product(*choices):
        yield dict(zip(names, combo))


def _options(spec: Any, index) -> list[tuple[str, tuple | None]]:
    """What a `foreach` name may stand for: each value, with the place (path, has) a report
    must hold for it to apply, or None."""
    if isinstance(spec, list):
        return [(str(s), None) for s in spec]
    if isinstance(spec, dict) and "glob" in spec:
        # Only places the kind declares (worked out once from the schema), and of those the
        # ones a report holds: a key an author mistyped was already reported by the schema
        # check, and must never reach an expression.
        has = spec.get("has")
        declared = index.cache(("#glob", spec["glob"], has))
        if "options" not in declared:
            declared["options"] = [(format_path(p), (p, has)) for p in schema_glob(index, spec["glob"].split("."), (), has)]
        options: list[tuple[str, tuple | None]] = declared["options"]
        return options
    raise ValueError(f"foreach must be a list or {{glob, has}}, got {spec!r}")


def schema_glob(index, pattern: list[str], path: tuple, has: str | None) -> Iterator[tuple]:
    """Declared object paths matching the pattern (`*` one level, `**` any depth) that
    declare the property `has`."""
    if not pattern:
        if has is None or has in index.properties(path):
            yield path
        return
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        yield from schema_glob(index, rest, path, has)
        for key in index.properties(path):
            yield from schema_glob(index, pattern, path + (key,), has)
    elif head == "*":
        for key in index.properties(path):
            yield from schema_glob(index, rest, path + (key,), has)
    elif head in index.properties(path):
        yield from schema_glob(index, rest, path + (head,), has)


def _holds(data: Any, path: tuple, has: str | None) -> bool:
    """Whether the data has a mapping at `path` (holding `has`)."""
    node = data
    for step in path:
        if not isinstance(node, dict) or step not in node:
            return False
        node = node[step]
    return isinstance(node, dict) and (has is None or has in node)


def _fill(text: str, bound: dict[str, str]) -> str:
    for name, value in bound.items():
        text = text.replace("{" + name + "}", value)
    return text


# -- derive and check -----------------------------------------------------------------------

def _prepared(rule: dict, key: str, bound: dict) -> tuple[str, Node, Compiled]:
    """The rule's expression for this binding, filled in, parsed and compiled (the kind's
    plan keeps it: once per kind and binding)."""
    text = _fill(rule[key], bound)
    node = _parsed(text, WANTS[key])
    return text, node, compiled(node)


def _prepared_target(rule: dict, bound: dict) -> tuple:
    return _target(_fill(rule["target"], bound))


def _derive(ctx: RuleContext, rule: dict, step: Step) -> list[Diagnostic]:
    text, node, run, target = step
    try:
        computed = run(ctx.roots, None)
    except Missing as missing:
        if str(missing) in ctx.current.unknown:  # a total over a figure not known yet
            parent = _container(ctx.current.data, target[:-1], ctx.current.owned)
            if parent is not None and parent.get(target[-1]) is None:
                parent[target[-1]] = None
                ctx.current.unknown.add(".".join(map(str, target)))
        return []
    except (DivisionByZero, ExpressionError) as exc:
        return [_unevaluable(ctx, rule, node, exc, ERROR)]
    report = ctx.current
    findings = []
    parent = _container(report.data, target[:-1], report.owned)
    stated = parent.get(target[-1]) if parent is not None else None
    if parent is None:
        return []
    if stated is not None and target not in report.provenance and is_number(stated) and stated != computed:
        report.provenance[target] = text
        sources = report.sources(target)
        line, col = report.sourcemap.value(target)
        place = ctx.kind.index.place(target)
        findings.append(Diagnostic(
            ERROR, "R002",
            {"rule": rule["id"], "title": rule.get("title", ""), "title_en": rule.get("title_en", rule.get("title", "")),
             "place": place, "stated": stated, "computed": computed},
            report.file, line, col, format_path(target),
            [_location(ctx, ref, _term(ctx, ref))
             for ref in (Ref("data", p, get_path(report.data, p)) for p in sources[:12])]))
    parent[target[-1]] = computed
    report.provenance[target] = text
    return findings


def _container(data: dict, path: tuple, owned: set | None = None) -> dict | None:
    """The dict that holds a derived figure, created along the way (e.g. （七）总计). With
    `owned` (ids of containers already copied), each shared container on the way is copied
    first: copy on write, so the loaded data is never changed."""
    node: Any = data
    for step in path:
        if isinstance(node, dict):
            child = node.get(step)
            if child is None:
                child = node[step] = {}
                if owned is not None:
                    owned.add(id(child))
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            child = node[step]
        else:
            return None
        if owned is not None and isinstance(child, (dict, list)) and id(child) not in owned:
            child = node[step] = dict(child) if isinstance(child, dict) else list(child)
            owned.add(id(child))
        node = child
    return node if isinstance(node, dict) else None


def _check(ctx: RuleContext, rule: dict, step: Step) -> list[Diagnostic]:
    text, node, run, _ = step
    try:
        if run(ctx.roots, None):
            return []
    except Missing as missing:
        if str(missing) in ctx.current.unknown:
            ctx.current.skipped.append(rule["id"])
        return []
    except (DivisionByZero, ExpressionError) as exc:
        return [_unevaluable(ctx, rule, node, exc, rule.get("severity", ERROR))]
    # Broken: evaluate again, recording every figure read, for the message.
    refs: list[Ref] = []
    evaluate(node, ctx.roots, refs)
    detail_zh, detail_en = _describe(ctx, node, refs)
    mine = [r for r in refs if r.root == "data"]
    related = [_location(ctx, r, _term(ctx, r)) for r in refs if r.root in ("data", "prev")]
    primary = _location(ctx, mine[0], "") if mine else Location(ctx.current.file, 1, 1)
    return [Diagnostic(
        rule.get("severity", ERROR), "R001",
        {"rule": rule["id"], "title": rule.get("title", ""), "title_en": rule.get("title_en", rule.get("title", "")),
         "detail": detail_zh, "detail_en": detail_en},
        ctx.current.file, primary.line, primary.col,
        format_path(mine[0].path) if mine else "", _dedupe(related))]


def _unevaluable(ctx: RuleContext, rule: dict, node: Node, exc: Exception, severity: str) -> Diagnostic:
    """A rule that cannot be evaluated on this report's figures: a zero divisor (R005), or a
    path that names several figures where the rule means one (R006, the kind's mistake)."""
    refs: list[Ref] = []
    try:
        evaluate(node, ctx.roots, refs)  # the figures read up to the failure, for the location
    except (Missing, DivisionByZero, ExpressionError):
        pass
    mine = [r for r in refs if r.root == "data"]
    primary = _location(ctx, mine[0], "") if mine else Location(ctx.current.file, 1, 1)
    params = {"rule": rule["id"], "title": rule.get("title", ""), "title_en": rule.get("title_en", rule.get("title", ""))}
    if isinstance(exc, DivisionByZero):
        code = "R005"
        divisor = exc.node
        params["divisor"] = _unparse(ctx, divisor, refs) if divisor[0] == "path" else exc.divisor
    else:
        code, params["problem"] = "R006", str(exc)
    related = [_location(ctx, r, _term(ctx, r)) for r in refs if r.root in ("data", "prev")]
    return Diagnostic(severity, code, params, ctx.current.file, primary.line, primary.col,
                      format_path(mine[0].path) if mine else "", _dedupe(related))


def _dedupe(locations: list[Location]) -> list[Location]:
    seen, out = set(), []
    for loc in locations:
        key = (loc.file, loc.line, loc.note)
        if key not in seen:
            seen.add(key)
            out.append(loc)
    return out


def _location(ctx: RuleContext, ref: Ref, note: str) -> Location:
    """Where a figure was typed; a derived one points at the first figure it adds up."""
    report = ctx.prev if ref.root == "prev" and ctx.prev is not None else ctx.current
    path = ref.path
    sources = report.sources(path) if path in report.provenance else None
    note_en = note
    if sources:
        path = sources[0]
        lines = sorted({report.sourcemap.value(p)[0] for p in sources})
        span = f"{lines[0]}" if len(lines) == 1 else f"{lines[0]}–{lines[-1]}"
        if note:
            note, note_en = f"{note}（计算值，由第 {span} 行的数字得出）", f"{note} (computed from the figures on lines {span})"
    line, col = report.sourcemap.value(path)
    return Location(report.file, line, col, note, note_en if note_en != note else "")


def _term(ctx: RuleContext, ref: Ref) -> str:
    """「label」= value, the way a figure is named in a message."""
    return f"{_label(ctx, ref)} = {ref.value}"


def _label(ctx: RuleContext, ref: Ref) -> str:
    if ref.root == "kind":
        return f"「{KIND_LABELS.get(ref.path[-1], (ref.path[-1],))[0]}」"
    chain = ctx.kind.index.chain(ref.path, short=True)
    text = "「" + "/".join(chain) + "」"
    return ("上年报告" + text) if ref.root == "prev" else text


def _describe(ctx: RuleContext, node: Node, refs: list[Ref]) -> tuple[str, str]:
    pair = sides(node)
    if pair is None:
        unique = list(dict.fromkeys((r.root, r.path, r.value) for r in refs))
        parts = "；".join(_term(ctx, Ref(*r)) for r in unique)
        return parts, parts
    texts = []
    for side in pair:
        side_refs: list[Ref] = []
        value = evaluate(side, ctx.roots, side_refs)
        texts.append((_unparse(ctx, side, side_refs), value))
    # A side that is one figure already shows its value: 「…」(20), not 「…」(20) = 20.
    (left, lv), (right, rv) = [(text if side[0] == "path" else f"{text} = {value}", value)
                               for (text, value), side in zip(texts, pair)]
    return (f"{left}，但 {right}", f"{left}, but {right}")


def _unparse(ctx: RuleContext, node: Node, refs: list[Ref]) -> str:
    """A formula in official labels: 「一、…/自然人」(10) + 「二、…/自然人」(0)."""
    op = node[0]
    if op == "num":
        return str(node[1])
    if op == "path":
        found = [r for r in refs if _matches(r, node[1])]
        if len(found) == 1:
            return f"{_label(ctx, found[0])}({found[0].value})"
        stem = node[1][: node[1].index("*")] if "*" in node[1] else node[1]
        total = sum((r.value or 0) for r in found)
        root = "prev" if stem and stem[0] == "prev" else "data"
        stem = stem[1:] if root == "prev" else stem
        return f"{_label(ctx, Ref(root, stem, None))}各项({total})"
    if op == "call":
        return "".join(_unparse(ctx, a, refs) for a in node[2])
    if op == "bin":
        return f"{_unparse(ctx, node[2], refs)} {node[1]} {_unparse(ctx, node[3], refs)}"
    if op == "neg":
        return f"-{_unparse(ctx, node[1], refs)}"
    return str(node)


def _matches(ref: Ref, steps: tuple) -> bool:
    steps = steps[1:] if steps and steps[0] in ("prev", "kind") else steps
    if len(steps) != len(ref.path):
        return False
    return all(s == "*" or s == p for s, p in zip(steps, ref.path))


def carry_over(kind, data: dict, last: dict) -> dict:
    """Apply the kind's `carry` rules: figures next year's report starts from (gendoc new)."""
    roots = {"data": data, "prev": last, "kind": {"first_year": kind.first_year, "last_year": kind.last_year}}
    for rule in kind.rules.get("carry", []):
        for bound in _bindings(rule, data, kind.index):
            target = _prepared_target(rule, bound)
            try:
                value = evaluate(_parsed(_fill(rule["expr"], bound), "number"), roots)
            except (Missing, DivisionByZero, ExpressionError):
                continue  # last year's format has no such figure
            parent = _container(data, target[:-1])
            if parent is not None and target[-1] in parent:
                parent[target[-1]] = value
    return data
