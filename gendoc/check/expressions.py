"""The small, safe expression language that document kinds write their rules in.

    table3.new_received.natural + table3.carried_over.natural == table3.results.total.natural
    sum(table3.results.denied.*.total) + sum(proactive.categories.count)
    year >= kind.first_year and year <= kind.last_year
    form.media.has_media == "否" and not filled(form.media.weibo.*)

Numbers, quoted text, data paths (`*` takes every key or item of one level; a path step
applied to a list applies to each item), + - * /, comparisons, and/or/not, sum/abs/min/max,
and `filled(path, …)`. Nothing else: no attribute access into Python objects, no calls
beyond those, so a kind's rules file cannot run code.

Meaning, checked when the text is parsed (`ExpressionError` otherwise):
- figures are whole numbers or exact decimals (never floats); `+ - *` are exact, `/` gives
  the exact quotient when it has one (`8 / 4` is 2, `1 / 8` is 0.125) and otherwise the
  quotient to 50 significant digits; dividing by zero raises `DivisionByZero` (a finding,
  never a silent 0);
- a path with `*` names several figures: it is allowed only as an argument of sum, min or
  max (`sum(t.*.n) >= 0`, never `t.*.n >= 0`); abs takes exactly one figure;
- arithmetic and comparisons take figures, and/or/not take comparisons (a figure is not a
  truth value); `null` may only be compared with `==` or `!=`;
- quoted text ("是") is compared with `==` or `!=` only, with another quoted text or with a
  path, which then names a text (a yes/no answer, a choice); a path that holds no text there means
  the rule does not apply, as for an absent figure;
- `filled(p, …)` is true when any of the places named holds something — a figure, text that
  is not blank, a row with anything in it (`*` allowed) — and false when all are absent or
  empty: the one test that reads absent places rather than skipping the rule (form rows that
  must be blank, or where at least one must be filled in).

One evaluator: an expression is compiled once into closures. Evaluating records nothing
(`evaluate(node, roots)`) unless a list is given to collect every figure read, in order,
which is what messages about a broken rule show (`evaluate(node, roots, refs)`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow, DivisionByZero as _DecimalZero
from functools import lru_cache
from typing import Any, Callable, Iterator

from gendoc.plaindata import dotted

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>\"[^\"\n]*\"|'[^'\n]*')|(?P<op>==|!=|<=|>=|[-+*/<>(),])|(?P<path>[A-Za-z_][\w]*(?:\.(?:[A-Za-z_]\w*|\*|\d+))*))"
)
_KEYWORDS = {"and", "or", "not", "null"}
#: The functions, with whether they take any number of figures (True) or exactly one.
FUNCTIONS: dict[str, tuple[Callable[[list[Any]], Any], bool]] = {
    "sum": (lambda xs: _sum(xs), True),
    "min": (min, True),
    "max": (max, True),
    "abs": (lambda xs: abs(xs[0]), False),
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
}
FILLED = "filled"  # filled(path, …): whether any of the places holds something
ROOTS = ("prev", "kind")  # path heads that name another document than the report itself

# Sums, differences and products of figures are exact: 60 digits hold any figure a report
# can have (the schemas cap them far lower), and a result that would not fit is refused
# (Inexact) rather than rounded. Quotients are exact when they terminate, else rounded.
_EXACT = Context(prec=60, traps=[InvalidOperation, Overflow, Inexact, _DecimalZero])
_QUOTIENT = Context(prec=50, traps=[InvalidOperation, Overflow, _DecimalZero])


class ExpressionError(ValueError):
    """The rule text itself is malformed (a kind maintainer's mistake)."""


class Missing(Exception):
    """A figure the expression needs is absent or not a number: the rule does not apply."""


class DivisionByZero(Exception):
    """The divisor is zero for this report's figures: the rule cannot be evaluated."""

    def __init__(self, divisor: Node):
        super().__init__(unparse(divisor))
        self.node = divisor
        self.divisor = unparse(divisor)  # as written in the rule


# Nodes are tuples: ("num", v) ("str", text) ("filled", (path nodes…)) ("path", steps) ("call", name, (args…)) ("bin", op, a, b)
# ("cmp", op, a, b) ("and", a, b) ("or", a, b) ("not", a) ("neg", a)
Node = tuple
Number = int | Decimal


def parse(text: str, want: str | None = None) -> Node:
    """The expression tree of `text`; `want` ("number" or "truth") is what the whole must give
    (a derived figure, or a check)."""
    tokens = _tokenize(text)
    parser = _Parser(tokens, text)
    node = parser.expr()
    extra = parser.peek()
    if extra is not None:
        raise ExpressionError(f"unexpected '{extra[1]}' in: {text}")
    kind = _type_of(node, text)
    if want is not None and kind != want:
        raise ExpressionError(f"the expression gives {_KIND_WORDS[kind]} where {_KIND_WORDS[want]} is meant: {text}")
    return node


def _tokenize(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos or m.lastgroup is None:
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

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExpressionError(f"expected '{value or 'a figure'}' in: {self.text}")
        self.i += 1
        return tok

    def accept(self, *values: str) -> str | None:
        tok = self.peek()
        if tok is not None and tok[1] in values and tok[0] in ("op", "kw"):
            self.i += 1
            return tok[1]
        return None

    def binary(self, tag: str, ops: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        """Left-associative operators of one precedence level."""
        node = operand()
        while (op := self.accept(*ops)):
            node = (tag, node, operand()) if tag in ("and", "or") else (tag, op, node, operand())
        return node

    def expr(self) -> Node:
        return self.binary("or", ("or",), self.conj)

    def conj(self) -> Node:
        return self.binary("and", ("and",), self.negation)

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
        return self.binary("bin", ("+", "-"), self.term)

    def term(self) -> Node:
        return self.binary("bin", ("*", "/"), self.unary)

    def unary(self) -> Node:
        if self.accept("-"):
            return ("neg", self.unary())
        return self.atom()

    def atom(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return ("num", Decimal(value) if "." in value else int(value))
        if kind == "str":
            return ("str", value[1:-1])
        if kind == "kw" and value == "null":
            return ("num", None)
        if kind == "op" and value == "(":
            node = self.expr()
            self.take(")")
            return node
        if kind == "path":
            if self.accept("("):
                if value == FILLED:
                    args = self._args()
                    if not all(a[0] == "path" for a in args):
                        raise ExpressionError(f"{FILLED}() takes data paths only, in: {self.text}")
                    return ("filled", args)
                if value not in FUNCTIONS:
                    raise ExpressionError(f"unknown function {value}() in: {self.text}")
                args = () if self.accept(")") else self._args()
                return ("call", value, args)
            return ("path", dotted(value))
        raise ExpressionError(f"unexpected '{value}' in: {self.text}")

    def _args(self) -> tuple[Node, ...]:
        args = [self.expr()]
        while self.accept(","):
            args.append(self.expr())
        self.take(")")
        return tuple(args)


# -- what each node gives: checked once, when the text is parsed -----------------------------

_KIND_WORDS = {"number": "a figure", "list": "several figures (a `*` path)", "truth": "a truth value",
               "null": "null", "text": "text"}


def _type_of(node: Node, text: str) -> str:
    op = node[0]
    if op == "num":
        return "null" if node[1] is None else "number"
    if op == "str":
        return "text"
    if op == "filled":
        return "truth"
    if op == "path":
        return "list" if "*" in node[1] else "number"
    if op == "call":
        name, args = node[1], node[2]
        many = FUNCTIONS[name][1]
        if not many and len(args) != 1:
            raise ExpressionError(f"{name}() takes exactly one figure in: {text}")
        for arg in args:
            kind = _type_of(arg, text)
            if kind not in (("number", "list") if many else ("number",)):
                raise ExpressionError(f"{name}() takes figures, not {_KIND_WORDS[kind]}, in: {text}")
        return "number"
    if op in ("bin", "neg"):
        for operand in node[2:] if op == "bin" else node[1:]:
            _expect(operand, "number", f"'{node[1] if op == 'bin' else '-'}'", text)
        return "number"
    if op == "cmp":
        if _text_comparison(node):
            if node[1] not in ("==", "!=") or not all(side[0] in ("str", "path") and _type_of(side, text) != "list"
                                                     for side in node[2:]):
                raise ExpressionError(f"text is compared with == or != only, with a text or one path, in: {text}")
            return "truth"
        kinds = [_type_of(side, text) for side in node[2:]]
        allowed = ("number", "null") if node[1] in ("==", "!=") else ("number",)
        for kind in kinds:
            if kind not in allowed:
                raise ExpressionError(
                    f"'{node[1]}' compares figures, not {_KIND_WORDS[kind]}"
                    + (" (sum(), min() or max() of them is one figure)" if kind == "list" else "") + f", in: {text}")
        if kinds == ["null", "null"]:
            raise ExpressionError(f"'{node[1]}' compares null with null in: {text}")
        return "truth"
    if op in ("and", "or", "not"):
        for operand in node[1:]:
            _expect(operand, "truth", f"'{op}'", text)
        return "truth"
    raise ExpressionError(f"unknown node {op}")  # pragma: no cover — the parser makes no other


def _text_comparison(node: Node) -> bool:
    return node[0] == "cmp" and any(side[0] == "str" for side in node[2:])


def _expect(node: Node, kind: str, where: str, text: str) -> None:
    found = _type_of(node, text)
    if found != kind:
        hint = " (sum(), min() or max() of them is one figure)" if found == "list" else ""
        raise ExpressionError(f"{where} takes {_KIND_WORDS[kind]}, not {_KIND_WORDS[found]}{hint}, in: {text}")


# -- arithmetic --------------------------------------------------------------------------------

def is_number(value: Any) -> bool:
    """A figure rules can compute with. Floats only come from `.inf`/`.nan` (the loader keeps
    every decimal as typed, as a Decimal), which the schema rejects: not a figure here."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite())


def _exact(op: str, a: Number, b: Number) -> Number:
    if type(a) is int and type(b) is int:  # whole numbers: Python's own exact arithmetic
        return a + b if op == "+" else a - b if op == "-" else a * b
    method = {"+": _EXACT.add, "-": _EXACT.subtract, "*": _EXACT.multiply}[op]
    return method(Decimal(a), Decimal(b))


def _divide(a: Number, b: Number, divisor: Node) -> Number:
    if b == 0:
        raise DivisionByZero(divisor)
    quotient = _QUOTIENT.divide(Decimal(a), Decimal(b))
    if type(a) is int and type(b) is int and a % b == 0:
        return a // b  # a whole quotient of whole numbers stays a whole number
    return quotient


def _sum(values: list[Any]) -> Number:
    total: Number = 0
    for value in values:
        total = _exact("+", total, value)
    return total


def _arith(op: str, a: Any, b: Any, divisor: Node) -> Number:
    try:
        return _divide(a, b, divisor) if op == "/" else _exact(op, a, b)
    except ArithmeticError:  # a result too large to be exact: the figure itself is absurd
        raise Missing(f"{a} {op} {b}") from None


def unparse(node: Node) -> str:
    """The node as rule text (for messages about the rule itself)."""
    op = node[0]
    if op == "num":
        return "null" if node[1] is None else str(node[1])
    if op == "str":
        return f'"{node[1]}"'
    if op == "filled":
        return f"{FILLED}({', '.join(unparse(a) for a in node[1])})"
    if op == "path":
        return ".".join(map(str, node[1]))
    if op == "call":
        return f"{node[1]}({', '.join(unparse(a) for a in node[2])})"
    if op in ("bin", "cmp"):
        return f"{_paren(node[2])} {node[1]} {_paren(node[3])}"
    if op == "neg":
        return f"-{_paren(node[1])}"
    if op == "not":
        return f"not {_paren(node[1])}"
    return f"{_paren(node[1])} {op} {_paren(node[2])}"


def _paren(node: Node) -> str:
    text = unparse(node)
    return f"({text})" if node[0] in ("bin", "cmp", "and", "or") else text


# -- evaluation ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """One figure an expression read: which document (root name) and where in it."""

    root: str
    path: tuple
    value: Any


Refs = list[Ref] | None
Compiled = Callable[[dict[str, Any], Refs], Any]


def evaluate(node: Node, roots: dict[str, Any], refs: list[Ref] | None = None) -> Any:
    """The value of `node` over `roots` ({"data": report, "prev": last year's or None,
    "kind": …}); with `refs`, every figure read is appended to it, in order."""
    return compiled(node)(roots, refs)


@lru_cache(maxsize=8192)
def compiled(node: Node) -> Compiled:
    """The node as closures (once per distinct node: rules are few, reports many)."""
    return _compile(node, many=False)


def resolve(steps: tuple, roots: dict[str, Any], default_root: str = "data") -> list[Ref]:
    """Every figure a path names (several when it has `*` or crosses a list)."""
    root = steps[0] if steps[0] in roots and steps[0] != default_root else default_root
    rest = steps[1:] if root == steps[0] else steps
    if roots[root] is None:
        raise Missing(".".join(map(str, steps)))
    found: list[tuple[tuple, Any]] = [((), roots[root])]
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


def figures(steps: tuple, roots: dict[str, Any], refs: Refs) -> list[Any]:
    """The figures a path names, each a number (else the rule does not apply)."""
    found = resolve(steps, roots)
    for ref in found:
        if not is_number(ref.value):  # absent, empty or text: the schema said so already
            raise Missing(".".join(map(str, ref.path)))
    if refs is not None:
        refs.extend(found)
    return [r.value for r in found]


def is_filled(value: Any) -> bool:
    """A place that holds something: a figure, text that is not blank, a non-empty row."""
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return bool(value)
    return value is not None


def _filled(paths: tuple, roots: dict[str, Any], refs: Refs) -> bool:
    found: list[Ref] = []
    for node in paths:
        try:
            found.extend(r for r in resolve(node[1], roots) if is_filled(r.value))
        except Missing:  # an absent place is an empty one
            continue
    if refs is not None:
        refs.extend(found)
    return bool(found)


def _compile_text(node: Node) -> Compiled:
    """One side of a text comparison: quoted text, or a path that must hold text."""
    if node[0] == "str":
        value = node[1]
        return lambda roots, refs: value
    steps, text = node[1], unparse(node)

    def text_at(roots: dict[str, Any], refs: Refs) -> str:
        found = resolve(steps, roots)
        if len(found) != 1 or not isinstance(found[0].value, str) or not found[0].value:
            raise Missing(text)  # absent, blank or not text: the schema said so already
        if refs is not None:
            refs.extend(found)
        return found[0].value
    return text_at


def _compile(node: Node, many: bool) -> Compiled:
    """`many`: the node is an argument of sum/min/max, where a path may name several figures."""
    op = node[0]
    if op in ("num", "str"):
        value = node[1]
        return lambda roots, refs: value
    if op == "filled":
        paths = node[1]
        return lambda roots, refs: _filled(paths, roots, refs)
    if op == "cmp" and _text_comparison(node):
        equal = node[1] == "=="
        left, right = _compile_text(node[2]), _compile_text(node[3])
        return lambda roots, refs: (left(roots, refs) == right(roots, refs)) == equal
    if op == "path":
        return _compile_path(node[1], many)
    if op == "call":
        func, takes_many = FUNCTIONS[node[1]]
        args = [_compile(a, many=takes_many) for a in node[2]]

        def call(roots: dict[str, Any], refs: Refs) -> Any:
            values: list[Any] = []
            for arg in args:
                v = arg(roots, refs)
                values.extend(v if isinstance(v, list) else [v])
            if not values and node[1] != "sum":
                raise Missing(unparse(node))  # min() or max() of no figures at all
            try:
                return func(values)
            except ArithmeticError:
                raise Missing(unparse(node)) from None
        return call
    if op == "bin" and node[1] == "+":
        summed = _sum_of_paths(node)
        if summed is not None:
            return summed
    if op == "bin":
        sign, divisor = node[1], node[3]
        left, right = _compile(node[2], False), _compile(node[3], False)
        return lambda roots, refs: _arith(sign, left(roots, refs), right(roots, refs), divisor)
    if op == "neg":
        inner = _compile(node[1], False)
        return lambda roots, refs: -inner(roots, refs)
    if op == "cmp":
        compare, left, right = _COMPARE[node[1]], _compile(node[2], False), _compile(node[3], False)

        def comparison(roots: dict[str, Any], refs: Refs) -> bool:
            a, b = left(roots, refs), right(roots, refs)
            if a is None or b is None:
                raise Missing(unparse(node))
            return compare(a, b)
        return comparison
    if op in ("and", "or"):
        first, second = _compile(node[1], False), _compile(node[2], False)
        if op == "and":
            return lambda roots, refs: first(roots, refs) and second(roots, refs)
        return lambda roots, refs: first(roots, refs) or second(roots, refs)
    if op == "not":
        inner = _compile(node[1], False)
        return lambda roots, refs: not inner(roots, refs)
    raise ExpressionError(f"unknown node {op}")


def _compile_path(steps: tuple, many: bool) -> Compiled:
    text = ".".join(map(str, steps))

    def general(roots: dict[str, Any], refs: Refs) -> Any:
        values = figures(steps, roots, refs)
        if many:
            return values
        if len(values) != 1:  # a path crossing a list, used where one figure is meant
            raise ExpressionError(f"'{text}' names {len(values)} figures where one is meant: use sum(), min() or max()")
        return values[0]

    if "*" in steps:
        if steps.count("*") == 1 and steps[0] not in ROOTS:
            return _one_star(steps, general)
        return general
    root_name = steps[0] if steps[0] in ROOTS else "data"
    rest = steps[1:] if root_name != "data" else steps

    def path(roots: dict[str, Any], refs: Refs) -> Any:
        if refs is not None:
            return general(roots, refs)
        node: Any = roots[root_name]
        try:
            for step in rest:
                node = node[step]
        except (KeyError, IndexError, TypeError):
            return general(roots, refs)  # a list on the way (projection), or an absent figure
        if not is_number(node):
            raise Missing(text)
        return [node] if many else node
    return path


def _additive_terms(node: Node) -> list[Node]:
    if node[0] == "bin" and node[1] == "+":
        return _additive_terms(node[2]) + _additive_terms(node[3])
    return [node]


def _sum_of_paths(node: Node) -> Compiled | None:
    """`a.x + a.y + …` over plain paths (the shape of most totals) as one loop of whole
    numbers; anything else on the way (a list to project over, an absent figure, a decimal, a
    trace to record) takes the general path."""
    terms = _additive_terms(node)
    if not all(t[0] == "path" and "*" not in t[1] and t[1][0] not in ROOTS for t in terms):
        return None
    paths = [t[1] for t in terms]
    left, right = _compile(node[2], False), _compile(node[3], False)

    def general(roots: dict[str, Any], refs: Refs) -> Any:
        return _arith("+", left(roots, refs), right(roots, refs), node[3])

    def summed(roots: dict[str, Any], refs: Refs) -> Any:
        if refs is not None:
            return general(roots, refs)
        data = roots["data"]
        total = 0
        try:
            for steps in paths:
                value = data
                for step in steps:
                    value = value[step]
                if type(value) is not int:
                    return general(roots, refs)
                total += value
        except (KeyError, IndexError, TypeError):
            return general(roots, refs)
        return total
    return summed


def _one_star(steps: tuple, general: Compiled) -> Compiled:
    """`a.b.*.c` over mappings (every group of rows) as plain loops; anything else on the
    way (a list, an absent or non-numeric figure, a trace to record) takes the general path."""
    star = steps.index("*")
    prefix, suffix = steps[:star], steps[star + 1:]

    def one_star(roots: dict[str, Any], refs: Refs) -> Any:
        if refs is not None:
            return general(roots, refs)
        try:
            node = roots["data"]
            for step in prefix:
                node = node[step]
            values = []
            for child in node.values():
                for step in suffix:
                    child = child[step]
                if not is_number(child):
                    return general(roots, refs)
                values.append(child)
            return values
        except (KeyError, IndexError, TypeError, AttributeError):
            return general(roots, refs)
    return one_star


def sides(node: Node) -> tuple[Node, Node] | None:
    """The two sides of a comparison, for messages that show both values."""
    return (node[2], node[3]) if node[0] == "cmp" else None


def paths_in(node: Node) -> Iterator[tuple]:
    """Every data path the expression names, in reading order."""
    if node[0] == "path":
        yield node[1]
        return
    for child in node[1:]:
        if isinstance(child, tuple) and child and isinstance(child[0], str) and child[0] in _NODE_TAGS:
            yield from paths_in(child)
        elif isinstance(child, tuple):
            for sub in child:
                if isinstance(sub, tuple):
                    yield from paths_in(sub)


_NODE_TAGS = {"num", "str", "filled", "path", "call", "bin", "cmp", "and", "or", "not", "neg"}
