"""A kind's rules as one generated Python function: the fast path of `rules.py`.

A rule step evaluated through the closures of `expressions.py` pays a Python call per node
of its expression, and one more per step for the bookkeeping around it. Here every step of
every rule of a kind becomes straight-line code in one function, compiled once per kind and
process: plain dictionary look-ups, additions of whole numbers, comparisons.

The generated code only ever takes the common road — every figure read is a whole number
found by plain look-ups, nothing is unknown, a typed figure in a derived slot equals the
computed one, a check holds. Anything else (an absent or null figure, a decimal, a list to
project over, no report last year, a failure to report) hands that one step to the
interpreter in `rules.py` (`_derive`, `_check`), which starts the step again from scratch —
reading is free of side effects, nothing has been written yet — and so gives exactly what it
always gives, findings included. Expressions the generator does not translate (`/`, min, max,
abs, text, `filled`, decimals, `null`) run through their compiled closures inside the same
function.

The source is built from the parsed expression tree only, and holds no text of a kind's
files: the keys a step reads, its rule, its target and anything else of its own are values
of a table the code loops over (the steps of a rule's `foreach` that differ only in those
share one loop), whole numbers are written with `repr`, operators come from fixed tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from gendoc.check.expressions import ROOTS, Node, figures

# Operators the generator writes, from the expression's own (never copied from rule text).
_ARITHMETIC = {"+": "+", "-": "-", "*": "*"}
_COMPARISON = {"==": "==", "!=": "!=", "<=": "<=", ">=": ">=", "<": "<", ">": ">"}


@dataclass
class Unit:
    """One step of a rule for one binding of its `foreach`."""

    step: tuple | None  # (text, node, closure, target or None); None: preparing it failed
    prepare: Callable[[], tuple]  # prepares it again (raising what it raised: a broken rule)
    needs: tuple[int, ...] = ()  # the glob places (indexes into `RuleSteps.places`) the report must hold


@dataclass
class RuleSteps:
    section: str  # "derive" or "checks"
    rule: dict
    places: list[tuple[tuple, str | None]]  # (path, has) of every glob choice, looked at once per report
    units: list[Unit]


class _Slow(Exception):
    """Raised by generated code off the common road: the interpreter takes the step."""


class _Untranslated(Exception):
    """A node the generator leaves to the expression's closure."""


_UNSET = object()  # no value computed here (or no container looked up yet)


def generate(name: str, rules: list[RuleSteps], derive: Callable, check: Callable,
             container: Callable, holds: Callable) -> Callable:
    """The function `run(ctx, diagnostics)` doing every step of `rules` in order: `derive`
    and `check` are the interpreter's steps, `container` finds (copying on write) the
    mapping a derived figure goes into, `holds` whether the report holds a glob's place."""
    writer = _Writer()
    source = writer.function(rules)
    namespace: dict[str, Any] = dict(
        writer.constants, Slow=_Slow, UNSET=_UNSET, holds=holds, check=check, slow=_slow,
        put=_putter(derive, container, shared=_containers_stay(rules)), sum_over=_sum_over, sum_figures=_sum_figures)
    exec(compile(source, f"<rules of {name}>", "exec"), namespace)
    run: Callable = namespace["run"]
    run.source = source  # type: ignore[attr-defined]  # for reading when debugging
    return run


class _Writer:
    """Writes the function. Steps of a rule that differ only in the keys they read (one
    rule's `foreach` bindings, mostly) share one loop over a table of those keys: the code
    stays a few hundred lines however many bindings there are, so compiling it costs little.
    Each step's own values are the loop's variables (`k0`, `k1`, …): as quick to read as
    constants written into the code."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {}
        self.temps = 0
        self.slots: list[Any] = []  # the values of the step being written, in order
        self.body: list[str] = []  # the statements the expression being written needs first
        self.figure_vars: list[str] = []  # the figures it reads (each must be a whole number)
        self.prefixes: dict[tuple, str] = {}  # mappings looked up once, and where
        self.shared_prefixes: set[tuple] = set()

    def constant(self, prefix: str, value: Any) -> str:
        name = f"{prefix}{len(self.constants)}"
        self.constants[name] = value
        return name

    def slot(self, value: Any) -> str:
        """A value of the step being written: the name it has in the step's code."""
        self.slots.append(value)
        return f"k{len(self.slots) - 1}"

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def function(self, rules: list[RuleSteps]) -> str:
        out = ["def run(ctx, diagnostics):", "    roots = ctx.roots", "    data = roots['data']",
               "    prev = roots['prev']", "    kindroot = roots['kind']", "    parents = {}"]
        for r in rules:
            if r.places:  # looked at before the rule's first step, as `_bindings` does
                out.append(f"    flags = [holds(data, path, has) for path, has in {self.constant('PLACES', r.places)}]")
            runs: list[tuple[list[str], list[tuple]]] = []  # consecutive steps of the same code
            for unit in r.units:
                code, values = self.unit(r, unit)
                if runs and runs[-1][0] == code:
                    runs[-1][1].append(values)
                else:
                    runs.append((code, [values]))
            for code, table in runs:
                names = ", ".join(f"k{i}" for i in range(len(table[0])))
                out.append(f"    for {names}{',' if len(table[0]) == 1 else ''} in {self.constant('STEPS', table)}:")
                out += ["        " + line for line in code]
        return "\n".join(out) + "\n"

    def unit(self, r: RuleSteps, unit: Unit) -> tuple[list[str], tuple]:
        """One step's code, with its own values left as names, and those values."""
        self.slots, self.temps = [], 0
        code = []
        if unit.needs:  # a glob binding: only where the report holds its places
            code.append(f"if not ({' and '.join(f'flags[{self.slot(i)}]' for i in unit.needs)}): continue")
        if unit.step is None:
            code.append(f"{self.slot(unit.prepare)}()")
        elif r.section == "derive":
            text, node, run, target = unit.step
            code += self.attempt(node, run, "number", "value")
            derived = self.slot((r.rule, unit.step, target[:-1], target[-1], target, text))
            code.append(f"put(ctx, diagnostics, parents, {derived}, value)")
        else:
            text, node, run, target = unit.step
            code += self.attempt(node, run, "truth", "ok")
            code.append(f"if not ok: slow(check, ctx, diagnostics, {self.slot(r.rule)}, {self.slot(unit.step)})")
        return code, tuple(self.slots)

    def attempt(self, node: Node, run: Callable, want: str, result: str) -> list[str]:
        """`result = <the node's value>`, or the marker of the slow road (UNSET for a
        figure, False for a check: the interpreter then decides)."""
        self.body, self.figure_vars, self.prefixes = [], [], {}
        self.shared_prefixes = _shared_prefixes(node)
        try:
            expression = self.number(node) if want == "number" else self.truth(node)
            body = self.body
            if self.figure_vars:  # every figure read must be a whole number (not a bool)
                chain = " is ".join(f"type({var})" for var in self.figure_vars)
                body.append(f"if not ({chain} is int): raise Slow")
        except _Untranslated:
            expression, body = f"{self.slot(run)}(roots, None)", []
        failed = "UNSET" if want == "number" else "False"
        # Anything at all going wrong is the interpreter's to judge: it evaluates again.
        return ["try:", *("    " + line for line in body), f"    {result} = {expression}",
                "except Exception:", f"    {result} = {failed}"]

    # -- expressions: Python text of a whole number (number) or a bool (truth) -------------

    def number(self, node: Node) -> str:
        op = node[0]
        if op == "num" and type(node[1]) is int:
            return repr(node[1])
        if op == "path" and "*" not in node[1]:
            var = self.temp()
            self.body.append(f"{var} = {self.access(node[1])}")
            self.figure_vars.append(var)
            return var
        if op == "bin" and node[1] in _ARITHMETIC:
            return f"({self.number(node[2])} {_ARITHMETIC[node[1]]} {self.number(node[3])})"
        if op == "neg":
            return f"(-{self.number(node[1])})"
        if op == "call" and node[1] == "sum":
            return "(" + " + ".join([self.figures(a[1]) if a[0] == "path" else self.number(a) for a in node[2]] or ["0"]) + ")"
        raise _Untranslated

    def figures(self, steps: tuple) -> str:
        """The sum of every figure a path names: a path with one `*` over the report's
        mappings by a plain loop, any other (a list to project over, another root, several
        `*`) by the interpreter's own reading of paths."""
        if steps.count("*") == 1 and steps[0] not in ROOTS:
            star = steps.index("*")
            return f"sum_over({self.access(steps[:star], whole=True)}, {self.slot(steps[star + 1:])})"
        return f"sum_figures({self.slot(steps)}, roots)"

    def access(self, steps: tuple, whole: bool = False) -> str:
        """Python text reading a path by plain look-ups, from the root it names; the mapping
        several figures of the expression sit in is looked up once."""
        prefix = steps[:-1]
        if whole or prefix not in self.shared_prefixes:
            return self.path(steps)
        if prefix not in self.prefixes:
            self.prefixes[prefix] = var = self.temp()
            self.body.append(f"{var} = {self.path(prefix)}")
        return f"{self.prefixes[prefix]}[{self.slot(steps[-1])}]"

    def path(self, steps: tuple) -> str:
        root, keys = ("prev" if steps[0] == "prev" else "kindroot", steps[1:]) if steps and steps[0] in ROOTS else ("data", steps)
        return root + "".join(f"[{self.slot(key)}]" for key in keys)

    def truth(self, node: Node) -> str:
        op = node[0]
        if op == "cmp":  # a text, null or decimal side is not a whole number: the closure's
            return f"({self.number(node[2])} {_COMPARISON[node[1]]} {self.number(node[3])})"
        if op in ("and", "or"):
            return f"({self.truth(node[1])} {op} {self.truth(node[2])})"
        if op == "not":
            return f"(not {self.truth(node[1])})"
        raise _Untranslated


def _shared_prefixes(node: Node) -> set[tuple]:
    """Mappings that two or more single figures of the expression are read from."""
    seen: dict[tuple, int] = {}

    def walk(node: Node) -> None:
        if node[0] == "path" and "*" not in node[1] and node[1][0] not in ROOTS:
            seen[node[1][:-1]] = seen.get(node[1][:-1], 0) + 1
        elif node[0] in ("bin", "cmp"):
            walk(node[2])
            walk(node[3])
        elif node[0] in ("and", "or", "not", "neg"):
            for child in node[1:]:
                walk(child)
    walk(node)
    return {prefix for prefix, n in seen.items() if n > 1}


# -- what the generated code calls -----------------------------------------------------------

def _sum_over(mapping: dict, keys: tuple) -> int:
    """`sum(a.*.k)` over a mapping of mappings of whole numbers (`Slow` otherwise)."""
    total = 0
    for item in mapping.values():
        for key in keys:
            item = item[key]
        if type(item) is not int:
            raise _Slow
        total += item
    return total


def _sum_figures(steps: tuple, roots: dict) -> int:
    total = 0
    for value in figures(steps, roots, None):
        if type(value) is not int:
            raise _Slow
        total += value
    return total


def _slow(interpret: Callable, ctx: Any, diagnostics: list, rule: dict, step: tuple) -> None:
    """The interpreter's step (`_derive` or `_check`), its findings kept."""
    found = interpret(ctx, rule, step)
    if found:
        diagnostics += found


def _putter(derive: Callable, container: Callable, shared: bool) -> Callable:
    def put(ctx: Any, diagnostics: list, parents: dict, derived: tuple, value: Any) -> None:
        """Write a derived figure computed by generated code, as `_derive` would; anything
        but the common case (a slot empty or holding the same figure) is `_derive`'s."""
        rule, step, where, last, target, text = derived
        if value is not _UNSET:
            parent = parents.get(where, _UNSET)
            if parent is _UNSET:
                report = ctx.current
                parent = container(report.data, where, report.owned)
                if shared:
                    parents[where] = parent
            if parent is None:
                return  # nowhere to write it: as `_derive`
            stated = parent.get(last)
            if stated is None or stated == value:
                parent[last] = value
                ctx.current.provenance[target] = text
                return
        found = derive(ctx, rule, step)
        if found:
            diagnostics += found
    return put


def _containers_stay(rules: list[RuleSteps]) -> bool:
    """Whether the container of a derived figure, once found (and copied for writing), can
    be kept for the other figures it receives in the same report: a copied container stays
    where it is — unless a derived figure is written over it or over one above it, so a kind
    whose targets lie inside other targets keeps none."""
    targets = {u.step[3] for r in rules if r.section == "derive" for u in r.units if u.step is not None}
    return not any(t[:i] in targets for t in targets for i in range(1, len(t)))
