"""The small, safe expression language that document kinds write their rules in.

    table3.new_received.natural + table3.carried_over.natural == table3.results.total.natural
    sum(table3.results.denied.*.total) + sum(proactive.categories.count)
    year >= kind.first_year and year <= kind.last_year

Numbers, data paths (`*` takes every key or item of one level; a path step applied to a list
applies to each item), + - * /, comparisons, and/or/not, and sum/abs/min/max. Nothing else:
no attribute access into Python objects, no calls beyond those four, so a kind's rules file
cannot run code. Expressions are parsed once and evaluated against plain data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterator

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<op>==|!=|<=|>=|[-+*/<>(),])|(?P<path>[A-Za-z_][\w]*(?:\.(?:[A-Za-z_]\w*|\*|\d+))*))"
)
_KEYWORDS = {"and", "or", "not", "null"}
FUNCTIONS: dict[str, Callable[[list], Any]] = {
    "sum": lambda xs: sum(xs, 0),
    "abs": lambda xs: abs(xs[0]),
    "min": lambda xs: min(xs),
    "max": lambda xs: max(xs),
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
}
_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if b else Decimal(0),
}


class ExpressionError(ValueError):
    """The rule text itself is malformed (a kind maintainer's mistake)."""


class Missing(Exception):
    """A figure the expression needs is absent or not a number: the rule does not apply."""


# Nodes are tuples: ("num", v) ("path", steps) ("call", name, [args]) ("bin", op, a, b)
# ("cmp", op, a, b) ("and", a, b) ("or", a, b) ("not", a) ("neg", a)
Node = tuple


def parse(text: str) -> Node:
    tokens = _tokenize(text)
    parser = _Parser(tokens, text)
    node = parser.expr()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected '{parser.peek()[1]}' in: {text}")
    return node


def _tokenize(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError(f"cannot read '{text[pos:pos + 10]}' in: {text}")
        pos = m.end()
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "path" and value in _KEYWORDS:
            kind = "kw"
        out.append((kind, value))
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], text: str):
        self.tokens, self.i, self.text = tokens, 0, text

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None):
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExpressionError(f"expected '{value}' in: {self.text}")
        self.i += 1
        return tok

    def accept(self, *values: str) -> str | None:
        tok = self.peek()
        if tok is not None and tok[1] in values and tok[0] in ("op", "kw"):
            self.i += 1
            return tok[1]
        return None

    def expr(self) -> Node:
        node = self.conj()
        while self.accept("or"):
            node = ("or", node, self.conj())
        return node

    def conj(self) -> Node:
        node = self.negation()
        while self.accept("and"):
            node = ("and", node, self.negation())
        return node

    def negation(self) -> Node:
        if self.accept("not"):
            return ("not", self.negation())
        return self.comparison()

    def comparison(self) -> Node:
        node = self.additive()
        op = self.accept(*_COMPARE)
        if op:
            node = ("cmp", op, node, self.additive())
        return node

    def additive(self) -> Node:
        node = self.term()
        while (op := self.accept("+", "-")):
            node = ("bin", op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while (op := self.accept("*", "/")):
            node = ("bin", op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.accept("-"):
            return ("neg", self.unary())
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        kind, value = tok
        if kind == "num":
            return ("num", Decimal(value) if "." in value else int(value))
        if kind == "kw" and value == "null":
            return ("num", None)
        if kind == "op" and value == "(":
            node = self.expr()
            self.take(")")
            return node
        if kind == "path":
            if self.accept("("):
                if value not in FUNCTIONS:
                    raise ExpressionError(f"unknown function {value}() in: {self.text}")
                args = [] if self.accept(")") else self._args()
                return ("call", value, args)
            return ("path", tuple(int(s) if s.isdigit() else s for s in value.split(".")))
        raise ExpressionError(f"unexpected '{value}' in: {self.text}")

    def _args(self) -> list[Node]:
        args = [self.expr()]
        while self.accept(","):
            args.append(self.expr())
        self.take(")")
        return args


# -- evaluation ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """One figure an expression read: which document (root name) and where in it."""

    root: str
    path: tuple
    value: Any


def is_number(value: Any) -> bool:
    """A figure rules can compute with. Floats only come from `.inf`/`.nan` (the loader keeps
    every decimal as typed, as a Decimal), which the schema rejects: not a figure here."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite())


def resolve(steps: tuple, roots: dict[str, Any], default_root: str) -> list[Ref]:
    """Every figure a path names (several when it has `*` or crosses a list)."""
    root = steps[0] if steps[0] in roots and steps[0] != default_root else default_root
    rest = steps[1:] if root == steps[0] else steps
    found: list[tuple[tuple, Any]] = [((), roots[root])]
    if roots[root] is None:
        raise Missing(".".join(map(str, steps)))
    for step in rest:
        nxt: list[tuple[tuple, Any]] = []
        for path, value in found:
            nxt.extend(_step(path, value, step))
        found = nxt
    return [Ref(root, p, v) for p, v in found]


def _step(path: tuple, value: Any, step: Any) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, list) and step != "*" and not isinstance(step, int):
        for i, item in enumerate(value):
            yield from _step(path + (i,), item, step)
    elif step == "*":
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            yield path + (key,), item
    elif isinstance(value, dict) and step in value:
        yield path + (step,), value[step]
    elif isinstance(value, list) and isinstance(step, int) and step < len(value):
        yield path + (step,), value[step]
    else:
        raise Missing(".".join(map(str, path + (step,))))


class Evaluator:
    """Evaluates parsed expressions, recording every figure read (for messages)."""

    def __init__(self, roots: dict[str, Any], default_root: str = "data"):
        self.roots = roots
        self.default_root = default_root

    def eval(self, node: Node, refs: list[Ref]) -> Any:
        op = node[0]
        if op == "num":
            return node[1]
        if op == "path":
            found = resolve(node[1], self.roots, self.default_root)
            for ref in found:
                if not is_number(ref.value):  # absent, empty or text: the schema said so already
                    raise Missing(".".join(map(str, ref.path)))
            refs.extend(found)
            if "*" in node[1] or len(found) != 1:
                return [r.value for r in found]
            return found[0].value
        if op == "call":
            values: list = []
            for arg in node[2]:
                v = self.eval(arg, refs)
                values.extend(v if isinstance(v, list) else [v])
            try:
                return FUNCTIONS[node[1]](values)
            except (ArithmeticError, ValueError, TypeError):  # overflow; min() of nothing
                raise Missing(str(node)) from None
        if op == "bin":
            a, b = self.eval(node[2], refs), self.eval(node[3], refs)
            if not (is_number(a) and is_number(b)):
                raise Missing(str(node))
            try:
                return _ARITH[node[1]](a, b)
            except ArithmeticError:  # e.g. Decimal overflow from an absurd figure
                raise Missing(str(node)) from None
        if op == "neg":
            return -self.eval(node[1], refs)
        if op == "cmp":
            a, b = self.eval(node[2], refs), self.eval(node[3], refs)
            if a is None or b is None:
                raise Missing(str(node))
            return _COMPARE[node[1]](a, b)
        if op == "and":
            return bool(self.eval(node[1], refs)) and bool(self.eval(node[2], refs))
        if op == "or":
            return bool(self.eval(node[1], refs)) or bool(self.eval(node[2], refs))
        if op == "not":
            return not self.eval(node[1], refs)
        raise ExpressionError(f"unknown node {op}")


def sides(node: Node) -> tuple[Node, Node] | None:
    """The two sides of a comparison, for messages that show both values."""
    return (node[2], node[3]) if node[0] == "cmp" else None


def paths_in(node: Node) -> Iterator[tuple]:
    if node[0] == "path":
        yield node[1]
    for child in node[1:]:
        if isinstance(child, tuple) and child and isinstance(child[0], str):
            yield from paths_in(child)
        elif isinstance(child, list):
            for sub in child:
                yield from paths_in(sub)


# -- the fast path ----------------------------------------------------------------------------
# Rules hold on almost every report, so they are first evaluated by closures that record
# nothing; only a rule that fails (or a figure whose sources a message must show) is evaluated
# again by the tracing Evaluator above.

Fast = Callable[[dict[str, Any]], Any]


def compile_fast(node: Node, default_root: str = "data") -> Fast:
    op = node[0]
    if op == "num":
        value = node[1]
        return lambda roots: value
    if op == "path":
        steps = node[1]
        if "*" in steps:
            def glob(roots: dict[str, Any]) -> Any:
                found = resolve(steps, roots, default_root)
                for ref in found:
                    if not is_number(ref.value):
                        raise Missing(".".join(map(str, ref.path)))
                return [r.value for r in found]
            if steps.count("*") == 1 and steps[0] not in ("prev", "kind"):
                return _one_star(steps, default_root, glob)
            return glob
        root_name = steps[0] if steps[0] in ("prev", "kind") else default_root
        rest = steps[1:] if root_name != default_root else steps

        def path(roots: dict[str, Any]) -> Any:
            node_: Any = roots[root_name]
            try:
                for step in rest:
                    node_ = node_[step]
            except (KeyError, IndexError, TypeError):
                # a list on the way (projection), or a figure that is absent: the general way
                found = resolve(steps, roots, default_root)
                for ref in found:
                    if not is_number(ref.value):
                        raise Missing(".".join(map(str, ref.path))) from None
                return [r.value for r in found] if len(found) != 1 else found[0].value
            if not is_number(node_):
                raise Missing(".".join(map(str, steps)))
            return node_
        return path
    if op == "call":
        func = FUNCTIONS[node[1]]
        args = [compile_fast(a, default_root) for a in node[2]]

        def call(roots: dict[str, Any]) -> Any:
            values: list = []
            for arg in args:
                v = arg(roots)
                values.extend(v if isinstance(v, list) else [v])
            try:
                return func(values)
            except (ArithmeticError, ValueError, TypeError):  # overflow; min() of nothing
                raise Missing(str(node)) from None
        return call
    if op == "bin" and node[1] == "+":
        summed = _sum_of_paths(node, default_root)
        if summed is not None:
            return summed
    if op == "bin":
        arith, left, right = _ARITH[node[1]], compile_fast(node[2], default_root), compile_fast(node[3], default_root)

        def binary(roots: dict[str, Any]) -> Any:
            a, b = left(roots), right(roots)
            if not (is_number(a) and is_number(b)):
                raise Missing(str(node))
            try:
                return arith(a, b)
            except ArithmeticError:  # e.g. Decimal overflow from an absurd figure
                raise Missing(str(node)) from None
        return binary
    if op == "neg":
        inner = compile_fast(node[1], default_root)
        return lambda roots: -inner(roots)
    if op == "cmp":
        compare, left, right = _COMPARE[node[1]], compile_fast(node[2], default_root), compile_fast(node[3], default_root)

        def comparison(roots: dict[str, Any]) -> Any:
            a, b = left(roots), right(roots)
            if a is None or b is None:
                raise Missing(str(node))
            return compare(a, b)
        return comparison
    if op in ("and", "or"):
        left, right = compile_fast(node[1], default_root), compile_fast(node[2], default_root)
        if op == "and":
            return lambda roots: bool(left(roots)) and bool(right(roots))
        return lambda roots: bool(left(roots)) or bool(right(roots))
    if op == "not":
        inner = compile_fast(node[1], default_root)
        return lambda roots: not inner(roots)
    raise ExpressionError(f"unknown node {op}")


def _additive_terms(node: Node) -> list[Node]:
    if node[0] == "bin" and node[1] == "+":
        return _additive_terms(node[2]) + _additive_terms(node[3])
    return [node]


def _sum_of_paths(node: Node, default_root: str) -> Fast | None:
    """`a.x + a.y + …` over plain paths (the shape of most totals) as one loop; anything
    unusual on the way (a list to project over, an absent figure) takes the general path."""
    terms = _additive_terms(node)
    if not all(t[0] == "path" and "*" not in t[1] and t[1][0] not in ("prev", "kind") for t in terms):
        return None
    paths = [t[1] for t in terms]
    left, right = compile_fast(node[2], default_root), compile_fast(node[3], default_root)

    def general(roots: dict[str, Any]) -> Any:
        a, b = left(roots), right(roots)
        if not (is_number(a) and is_number(b)):
            raise Missing(str(node))
        try:
            return a + b
        except ArithmeticError:
            raise Missing(str(node)) from None

    def summed(roots: dict[str, Any]) -> Any:
        data = roots[default_root]
        total = 0
        try:
            for steps in paths:
                value = data
                for step in steps:
                    value = value[step]
                if not is_number(value):
                    return general(roots)
                total += value
        except (KeyError, IndexError, TypeError, ArithmeticError):
            return general(roots)
        return total
    return summed


def _one_star(steps: tuple, default_root: str, general: Fast) -> Fast:
    """`a.b.*.c` over mappings (every group of rows) as plain loops; anything else on the
    way (a list, an absent or non-numeric figure) takes the general path."""
    star = steps.index("*")
    prefix, suffix = steps[:star], steps[star + 1:]

    def one_star(roots: dict[str, Any]) -> Any:
        try:
            node = roots[default_root]
            for step in prefix:
                node = node[step]
            values = []
            for child in node.values():
                for step in suffix:
                    child = child[step]
                if not is_number(child):
                    return general(roots)
                values.append(child)
            return values
        except (KeyError, IndexError, TypeError, AttributeError):
            return general(roots)
    return one_star
