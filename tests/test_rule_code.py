"""A kind's rules as one generated function (check/rule_code.py) give exactly what the plain
interpreter gives: the same derived data and provenance, the same unknown figures and skipped
checks, the same findings (codes, messages, figures, locations) — over every report of the
repository and the third-kind fixture, as typed and with their figures broken in every way a
person or a program can break them."""
from __future__ import annotations

import random
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from gendoc.check import rules
from gendoc.check.expressions import compiled
from gendoc.check.rule_code import RuleSteps, Unit, generate
from gendoc.check.rules import apply_rules, interpret_rules
from gendoc.check.unknown_figures import null_and_unknown
from gendoc.kind.registry import KindRegistry
from gendoc.load.yaml_loader import load_file, load_text
from gendoc.plaindata import copy_data
from tests.conftest import ROOT

PROJECTS = (ROOT, ROOT / "tests" / "fixtures" / "third-kind")


def _reports() -> list[tuple[Any, Any]]:
    """(kind, loaded) for every report file of the projects."""
    found = []
    for root in PROJECTS:
        registry = KindRegistry(root)
        for path in sorted((root / "reports").rglob("*.yaml")):
            loaded = load_file(path)
            found.append((registry.get(loaded.data["format"]), loaded))
    return found


REPORTS = _reports()


def outcome(apply, kind, data: dict, file: str, sourcemap, prev, unknown) -> tuple:
    before = copy_data(data)
    report, found = apply(kind, data, file, sourcemap, prev, unknown)
    assert data == before  # the loaded data is never changed
    # repr as well: 5 and Decimal("5") are equal, but not the same figure; key order counts too
    return (report.data, repr(report.data), list(report.provenance.items()), report.unknown, report.skipped,
            found, repr(found), len(report.owned), [d.message("zh") for d in found], [d.message("en") for d in found])


def same(kind, data: dict, file: str, sourcemap, prev=None, unknown=()) -> tuple:
    generated = outcome(apply_rules, kind, data, file, sourcemap, prev, unknown)
    assert generated == outcome(interpret_rules, kind, data, file, sourcemap, prev, unknown)
    return generated


def _leaves(data: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every value inside the data with its path, containers included."""
    out = [(path, data)] if path else []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        out.extend(_leaves(value, path + (key,)))
    return out


def _parent(data: Any, path: tuple) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


FIGURE_BREAKS = (
    lambda rng, v: v + rng.choice((1, -1, 7)),  # a wrong figure: checks fail, typed totals disagree
    lambda rng, v: 0,
    lambda rng, v: None,                        # not known yet
    lambda rng, v: Decimal(v) + Decimal("0.5"),  # a decimal: no longer whole numbers
    lambda rng, v: Decimal(v),                  # the same figure as a decimal
    lambda rng, v: True,                        # a yes where a figure belongs
    lambda rng, v: str(v),                      # text
    lambda rng, v: float(v),
    lambda rng, v: 10 ** 70,                    # too large for exact decimal arithmetic
)
CONTAINER_BREAKS = (
    lambda rng, v: list(v.values()) if isinstance(v, dict) else v,  # a list where a row was: projection, R006
    lambda rng, v: {},
    lambda rng, v: [],
    lambda rng, v: None,
    lambda rng, v: "—",
)


def _derived_targets(kind) -> list[tuple]:
    return [u.step[3] for r in rules._program(kind) if r.section == "derive" for u in r.units if u.step is not None]


def broken(kind, data: dict, rng: random.Random) -> tuple[dict, list[tuple]]:
    """A copy of the data with one to three things broken, and the figures then unknown."""
    data = copy_data(data)
    for _ in range(rng.randint(1, 3)):
        choice = rng.random()
        leaves = _leaves(data)
        figures = [(p, v) for p, v in leaves if type(v) is int]
        containers = [(p, v) for p, v in leaves if isinstance(v, (dict, list))]
        if choice < 0.55 and figures:
            path, value = rng.choice(figures)
            _parent(data, path)[path[-1]] = rng.choice(FIGURE_BREAKS)(rng, value)
        elif choice < 0.7 and containers:
            path, value = rng.choice(containers)
            _parent(data, path)[path[-1]] = rng.choice(CONTAINER_BREAKS)(rng, value)
        elif choice < 0.8 and figures:
            path, _ = rng.choice(figures)
            del _parent(data, path)[path[-1]]
        else:  # a derived figure typed in by hand: right, wrong, or not a figure
            target = rng.choice(_derived_targets(kind))
            parent = rules._container(data, target[:-1])
            if parent is not None:
                computed = rules.interpret_rules(kind, data, "", _Nowhere())[0].data
                try:
                    right = _parent(computed, target)[target[-1]]
                except (KeyError, IndexError, TypeError):
                    right = 3
                parent[target[-1]] = rng.choice((right, right, (right or 0) + 1, "12", Decimal(str(right or 0))))
    _, unknown = null_and_unknown(kind.index, data)
    return data, unknown


class _Nowhere:
    def value(self, path: tuple) -> tuple[int, int]:
        return 1, 1


@pytest.mark.parametrize("kind,loaded", REPORTS, ids=[loaded.sourcemap.file for _, loaded in REPORTS])
def test_every_report_as_typed_alone_and_after_itself(kind, loaded):
    _, unknown = null_and_unknown(kind.index, loaded.data)
    same(kind, loaded.data, "r.yaml", loaded.sourcemap, None, unknown)
    last, _ = interpret_rules(kind, loaded.data, "last.yaml", loaded.sourcemap, None, unknown)
    same(kind, loaded.data, "r.yaml", loaded.sourcemap, last, unknown)  # every cross-year rule holds or fails alike


def test_the_mistakes_people_make():
    """Each edit of tests/cases/cases.yaml (a real mistake typed into the seed) that still
    loads, with the seed as last year's report."""
    seed = ROOT / "reports" / "zhifu-drc" / "2020.yaml"
    kind, loaded = next((k, loaded) for k, loaded in REPORTS if loaded.sourcemap.file == str(seed))
    last, _ = interpret_rules(kind, loaded.data, "last.yaml", loaded.sourcemap)
    cases = yaml.safe_load((ROOT / "tests" / "cases" / "cases.yaml").read_text(encoding="utf-8"))
    tried = 0
    for case in cases:
        text = seed.read_text(encoding="utf-8")
        for old, new in case.get("edit", []):
            text = text.replace(old, new, 1)
        edited = load_text(text, "case.yaml")
        if "edit" in case and isinstance(edited.data, dict) and edited.data.get("format") == kind.id:
            _, unknown = null_and_unknown(kind.index, edited.data)
            for prev in (None, last):
                same(kind, edited.data, "case.yaml", edited.sourcemap, prev, unknown)
            tried += 1
    assert tried > 20


def test_broken_reports_give_the_same_data_and_findings():
    rng = random.Random(20261130)
    codes: set[str] = set()
    skipped = unknown_totals = typed_totals = 0
    for kind, loaded in REPORTS:
        last, _ = interpret_rules(kind, loaded.data, "last.yaml", loaded.sourcemap)
        for _ in range(60):
            data, unknown = broken(kind, loaded.data, rng)
            prev = rng.choice((None, last, interpret_rules(kind, broken(kind, loaded.data, rng)[0], "p.yaml", loaded.sourcemap)[0]))
            _, _, _, unknown_after, skips, found, *_ = same(kind, data, "r.yaml", loaded.sourcemap, prev, unknown)
            codes.update(d.code for d in found)
            skipped += bool(skips)
            unknown_totals += len(unknown_after) > len(unknown)
            typed_totals += any(d.code == "R002" for d in found)
    # The breaks reach every road: failed checks, typed totals that disagree, a path that names
    # several figures, checks skipped and totals unknown over figures not known yet.
    assert {"R001", "R002", "R006"} <= codes
    assert skipped > 10 and unknown_totals > 10 and typed_totals > 10


def test_a_clean_report_takes_the_generated_road(monkeypatch):
    """The agreement above is not the interpreter agreeing with itself: on a clean report
    the generated code does every step, and hands none back."""
    taken: list[str] = []
    monkeypatch.setattr(rules, "_derive", lambda ctx, rule, step: taken.append(rule["id"]) or [])
    monkeypatch.setattr(rules, "_check", lambda ctx, rule, step: taken.append(rule["id"]) or [])
    registry = KindRegistry(ROOT)  # a fresh kind: its function generated with the spies in it
    loaded = load_file(ROOT / "reports" / "zhifu-drc" / "2020.yaml")
    kind = registry.get(loaded.data["format"])
    report, found = apply_rules(kind, loaded.data, "r.yaml", loaded.sourcemap, None)
    assert found == [] and report.data["table3"]["results"]["total"]["total"] == 10
    assert taken == ["X-1"] * 6 + ["X-3"] * 5  # only the rules over last year's report, which there is none of
    taken.clear()
    apply_rules(kind, loaded.data, "r.yaml", loaded.sourcemap, report)
    assert taken == []  # last year's figures there (itself, which agrees with itself): no step handed back


def test_derived_figures_written_over_containers_of_others():
    """A kind may derive a figure where another derivation's container was: the container
    found for one figure is then not reused for the next (it is no longer in the report)."""
    kind = SimpleNamespace(id="nested", compiled={}, first_year=0, last_year=9999, index=None, rules={
        "derive": [{"id": "A", "target": "x.y.z", "expr": "1"}, {"id": "B", "target": "x.y", "expr": "2"},
                   {"id": "C", "target": "x.y.w", "expr": "3"}],
        "checks": []})
    report = same(kind, {"x": {}}, "n.yaml", _Nowhere())
    assert report[0] == {"x": {"y": 2}} and [p for p, _ in report[2]] == [("x", "y", "z"), ("x", "y")]


def test_keys_are_written_as_literals_never_as_code():
    """A key that would be code if pasted into the source is read as the key it is: the
    source holds no key at all, each is a value the code reads."""
    hostile = "x'] or __import__('os').getcwd() or data['"
    node = ("cmp", "==", ("path", ("a", hostile)), ("path", ("a", "b")))  # as a glob over a schema could name it
    handed: list = []
    unit = Unit((f"a.{hostile} == a.b", node, compiled(node), None), lambda: ())
    run = generate("hostile", [RuleSteps("checks", {"id": "H-1"}, [], [unit])],
                   derive=None, check=lambda ctx, rule, step: handed.append(rule) or [],
                   container=None, holds=None)
    assert "import" not in run.source and "'b'" not in run.source
    ctx = SimpleNamespace(roots={"data": {"a": {hostile: 1, "b": 1}}, "prev": None, "kind": {}})
    run(ctx, [])
    assert handed == []  # read as a key, found, and the check holds
    ctx.roots["data"] = {"a": {"x": 1, "b": 1}}
    run(ctx, [])
    assert handed == [{"id": "H-1"}]  # no such key: the interpreter's to judge, nothing run


def test_the_generated_function_is_made_once_per_kind():
    registry = KindRegistry(ROOT)
    kind, loaded = next((k, loaded) for k, loaded in REPORTS if k.id == "annual-report-2021")
    kind = registry.get(kind.id)
    apply_rules(kind, loaded.data, "a.yaml", loaded.sourcemap)
    first = kind.compiled["rule-function"]
    apply_rules(kind, loaded.data, "b.yaml", loaded.sourcemap)
    assert kind.compiled["rule-function"] is first
    # The steps of a rule's foreach that differ only in their keys share one loop: the
    # function stays small (cheap to compile) however many bindings there are.
    steps = sum(len(r.units) for r in rules._program(kind))
    assert steps > 80 and first.source.count(" in STEPS") <= 20
