"""The rule language: every operator, its exact arithmetic, and the mistakes it refuses."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gendoc.check.expressions import (
    DivisionByZero, ExpressionError, Missing, Ref, evaluate, parse, paths_in, unparse,
)
from gendoc.cli.main import main

DATA = {
    "a": 8, "b": 0, "c": 3, "d": Decimal("0.1"), "e": Decimal("0.2"), "neg": -5,
    "t": {"x": {"n": 1}, "y": {"n": 2}, "z": {"n": 4}},
    "items": [{"count": 5}, {"count": 7}],
    "text": "八", "flag": True,
}
ROOTS = {"data": DATA, "prev": {"a": 6}, "kind": {"first_year": 2019, "last_year": 2020}}


def ev(text: str, roots: dict = ROOTS):
    return evaluate(parse(text), roots)


# -- arithmetic -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("a + c", 11), ("a - c", 5), ("a * c", 24), ("c - a", -5),
    ("a / 4", 2), ("a / 4 + 1", 3), ("1 / 8", Decimal("0.125")), ("c / 2", Decimal("1.5")),
    ("d + e", Decimal("0.3")), ("d * 3", Decimal("0.3")), ("e / d", Decimal("2")),
    ("-a", -8), ("-neg", 5), ("- -a", 8), ("-a + c", -5),
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 - 2 - 3", 5), ("8 / 4 / 2", 1), ("a - c * 2", 2),
    ("prev.a + a", 14), ("kind.last_year - kind.first_year", 1),
])
def test_arithmetic(text, value):
    result = ev(text)
    assert result == value
    assert type(result) is type(value)  # whole numbers stay whole; never a float


def test_sums_and_products_are_exact_beyond_float_and_default_decimal_precision():
    roots = {"data": {"big": Decimal("12345678901234567890.123456789"), "tiny": Decimal("0.000000001")}}
    assert ev("big + tiny", roots) == Decimal("12345678901234567890.123456790")
    assert ev("big * 1000", roots) == Decimal("12345678901234567890123.456789000")
    assert ev("d + e == 0.3")  # 0.1 + 0.2 is 0.3 exactly, not 0.30000000000000004


def test_a_quotient_that_does_not_terminate_is_rounded_to_fifty_digits():
    third = ev("1 / 3")
    assert third == Decimal("0." + "3" * 50)


def test_division_of_whole_numbers_is_compared_exactly():
    # before: 8 / 4 was a float that is_number refused, so the check was silently skipped
    assert ev("a / 4 + 1 == 3") is True
    assert ev("a / 4 + 1 == 4") is False
    assert ev("c / 2 == 1.5") is True


@pytest.mark.parametrize("text, divisor", [("a / b", "b"), ("a / (c - 3)", "c - 3"), ("sum(t.*.n) / (b * 2)", "b * 2")])
def test_division_by_zero_is_raised_with_the_divisor_never_a_silent_zero(text, divisor):
    with pytest.raises(DivisionByZero) as caught:
        ev(text)
    assert caught.value.divisor == divisor


def test_a_guard_before_a_division_short_circuits():
    assert ev("b == 0 or a / b > 1") is True
    assert ev("b != 0 and a / b > 1") is False


# -- comparisons and logic --------------------------------------------------------------------

@pytest.mark.parametrize("op, expected", [("==", False), ("!=", True), ("<", False), ("<=", False), (">", True), (">=", True)])
def test_every_comparison(op, expected):
    assert ev(f"a {op} c") is expected
    assert ev(f"c {op} c") is (op in ("==", "<=", ">="))


@pytest.mark.parametrize("text, expected", [
    ("a > c and c > 0", True), ("a > c and c > 9", False), ("a < c and c > 0", False),
    ("a < c or c > 0", True), ("a < c or c > 9", False), ("a > c or c > 9", True),
    ("not a > c", False), ("not a < c", True), ("not not a > c", True),
    ("a < c or c > 0 and a > 9", False), ("(a < c or c > 0) and a > 1", True),
    ("year >= kind.first_year and year <= kind.last_year", True),
])
def test_every_logical_operator(text, expected):
    roots = {**ROOTS, "data": {**DATA, "year": 2020}}
    assert ev(text, roots) is expected


def test_null_compares_unknown_so_the_rule_does_not_apply():
    with pytest.raises(Missing):
        ev("a == null")


# -- functions ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("sum(t.*.n)", 7), ("sum(t.*.n, a, 1)", 16), ("sum()", 0), ("sum(items.count)", 12),
    ("min(t.*.n)", 1), ("max(t.*.n, a)", 8), ("min(a, c)", 3), ("abs(neg)", 5), ("abs(c - a)", 5),
    ("sum(d, e, d)", Decimal("0.4")), ("sum(t.*.n) >= 0", True), ("-sum(t.*.n)", -7),
])
def test_functions(text, value):
    assert ev(text) == value


def test_min_of_no_figures_does_not_apply():
    with pytest.raises(Missing):
        ev("min(empty.*.n)", {"data": {"empty": {}}})


# -- what makes a rule not apply --------------------------------------------------------------

@pytest.mark.parametrize("text", ["absent + 1", "t.w.n + 1", "text + 1", "flag + 1", "prev.c == 1", "sum(t.*.m)"])
def test_a_missing_or_non_numeric_figure_means_the_rule_does_not_apply(text):
    with pytest.raises(Missing):
        ev(text)


def test_without_last_years_report_prev_rules_do_not_apply():
    with pytest.raises(Missing):
        ev("prev.a == a", {**ROOTS, "prev": None})


# -- mistakes in the rule text ------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("t.*.n >= 0", "compares figures, not several figures"),
    ("-t.*.n", "'-' takes a figure, not several figures"),
    ("t.*.n + 1", "'+' takes a figure, not several figures"),
    ("abs(t.*.n)", "abs() takes figures, not several figures"),
    ("abs(a, c)", "abs() takes exactly one figure"),
    ("a and c > 1", "'and' takes a truth value, not a figure"),
    ("not a", "'not' takes a truth value, not a figure"),
    ("1 + (a > c)", "'+' takes a figure, not a truth value"),
    ("null + 1", "'+' takes a figure, not null"),
    ("a < null", "'<' compares figures, not null"),
    ("sum(a > c)", "sum() takes figures, not a truth value"),
    ("a >> c", "unexpected '>'"),
    ("a +", "expected 'a figure'"),
    ("(a + c", "expected ')'"),
    ("pow(a)", "unknown function pow()"),
    ("a $ c", "cannot read ' $ c' in: a $ c"),
    ("a c", "unexpected 'c'"),
])
def test_malformed_rules_are_refused_when_parsed(text, words):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert words in str(caught.value)


def test_what_the_whole_expression_gives_is_checked():
    assert parse("a + c", "number")
    assert parse("a > c", "truth")
    with pytest.raises(ExpressionError, match="gives a figure where a truth value is meant"):
        parse("a + c", "truth")
    with pytest.raises(ExpressionError, match="gives several figures .* where a figure is meant"):
        parse("t.*.n", "number")


def test_a_path_crossing_a_list_where_one_figure_is_meant_is_a_mistake():
    with pytest.raises(ExpressionError, match="'items.count' names 2 figures where one is meant"):
        ev("items.count + 1")


# -- recording the figures read --------------------------------------------------------------

def test_recording_lists_every_figure_read_in_order():
    refs: list[Ref] = []
    assert evaluate(parse("a + sum(t.*.n) == prev.a + 9"), ROOTS, refs) is True
    assert [(r.root, r.path, r.value) for r in refs] == [
        ("data", ("a",), 8), ("data", ("t", "x", "n"), 1), ("data", ("t", "y", "n"), 2),
        ("data", ("t", "z", "n"), 4), ("prev", ("a",), 6),
    ]


def test_paths_and_unparse():
    node = parse("sum(t.*.n) + -a * (c - 1) == prev.a or not b > 0")
    assert list(paths_in(node)) == [("t", "*", "n"), ("a",), ("c",), ("prev", "a"), ("b",)]
    assert unparse(node) == "((sum(t.*.n) + (-a * (c - 1))) == prev.a) or not (b > 0)"
    assert parse(unparse(node)) == node


_figure = st.one_of(st.integers(-10**6, 10**6), st.decimals(-10**6, 10**6, places=2, allow_nan=False, allow_infinity=False))


@settings(max_examples=150, deadline=None)
@given(st.lists(_figure, min_size=6, max_size=6), st.sampled_from([
    "a + b + c", "a - b * c", "a / b", "sum(t.*.n) - a", "max(t.*.n) >= min(a, b) or not c < 0",
    "abs(a - b) + c == d", "a + b + c + d + e + f",
]))
def test_recording_never_changes_the_value(values, text):
    """The untraced fast paths and the traced one give the same value (or the same reason not to)."""
    keys = "abcdef"
    data = dict(zip(keys, values))
    data["t"] = {k: {"n": v} for k, v in zip(keys, values)}
    roots = {"data": data}
    node = parse(text)
    outcomes = []
    for refs in (None, []):
        try:
            outcomes.append(("value", evaluate(node, roots, refs)))
        except DivisionByZero as exc:
            outcomes.append(("zero", exc.divisor))
    assert outcomes[0] == outcomes[1]


# -- as findings ---------------------------------------------------------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "third-kind"


def _third_kind(tmp_path: Path, check: str, budget: str = "250") -> tuple[Path, Path]:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    rules = root / "schemas" / "budget-summary" / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace('"spending.total <= budget"', f'"{check}"'),
                     encoding="utf-8")
    report = root / "reports" / "demo-office" / "2024.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("budget: 250", f"budget: {budget}"), encoding="utf-8")
    return root, report


def test_a_ratio_check_computes_exactly(tmp_path, capsys):
    root, report = _third_kind(tmp_path, "spending.total / budget <= 0.8")
    assert main(["validate", "--root", str(root), str(report)]) == 0
    assert capsys.readouterr().out.count("warning") == 0  # 200 / 250 is 0.8 exactly
    root, report = _third_kind(tmp_path / "2", "spending.total / budget <= 0.8", budget="249")
    main(["validate", "--root", str(root), str(report)])
    assert "warning[B-2]" in capsys.readouterr().out


def test_division_by_zero_in_a_rule_is_a_located_finding(tmp_path, capsys):
    root, report = _third_kind(tmp_path, "spending.total / budget <= 0.8", budget="0")
    code = main(["validate", "--root", str(root), str(report)])
    out = capsys.readouterr().out
    assert code == 0  # the rule's own severity: a warning
    assert f"{report}:5:" in out  # the first figure the rule read: spending, line 5
    assert "warning[B-2]: 支出合计不应超过年初预算：无法计算，除数 「年初预算」(0) 为 0（规则 B-2）" in out
