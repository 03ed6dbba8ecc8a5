"""The schema gate written out as code (gendoc/check/schema_gate_code.py) answers as the
closures it replaces, and as jsonschema: on the real reports, on thousands of variants of
them with a value, a key or a whole row changed, and on the draft-07 meta-schema (recursive
`$ref`s, `anyOf`, `propertyNames`) checking broken variants of the real schemas."""
from __future__ import annotations

import copy
import json
import random
from decimal import Decimal

import pytest

from gendoc.build.project import Project
from gendoc.check.json_schema import validator_for
from gendoc.check.schema_gate import compile_gate, gate_for
from gendoc.check.schema_gate_code import write_gate
from gendoc.load.yaml_loader import load_file
from tests.conftest import ROOT

JUNK = [None, True, False, 0, 1, -1, 7, 10 ** 12, -(10 ** 16), 1.5, float("nan"), float("inf"), Decimal("1.5"),
        Decimal("10"), Decimal("-3"), "", "x", "7", "draft", "final", "2021-01-31", "2021-13-01", "%", [], [1],
        ["x"], [{"title": "t", "text": "x"}], {}, {"natural": 1}, {"label": "名称", "value": 3},
        {"label": "", "value": 3}, {"title": "t", "text": "x"}]
KEYS = ["extra", "Bad-Key", "total", "unit", "label", "value", "text", "parts", "amount_unit", "status", "9x", 3]


def _containers(node):
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        found.append(current)
        for value in current.values() if isinstance(current, dict) else current:
            if isinstance(value, (dict, list)):
                stack.append(value)
    return found


def _mutate(data, rng: random.Random):
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        node = rng.choice(_containers(data))
        if isinstance(node, list):
            if node and rng.random() < 0.8:
                node[rng.randrange(len(node))] = copy.deepcopy(rng.choice(JUNK))
            else:
                node.append(copy.deepcopy(rng.choice(JUNK)))
        elif node:
            what = rng.random()
            if what < 0.6:
                node[rng.choice(list(node))] = copy.deepcopy(rng.choice(JUNK))
            elif what < 0.8:
                del node[rng.choice(list(node))]
            else:
                node[rng.choice(KEYS)] = copy.deepcopy(rng.choice(JUNK))
    return data


def _reports():
    project = Project(ROOT)
    out = []
    for path in sorted(ROOT.glob("reports/**/*.yaml")) + sorted(ROOT.glob("tests/fixtures/**/*.yaml")):
        data = load_file(path).data
        kind = project.kinds.get(str(data.get("format"))) if isinstance(data, dict) else None
        if kind is not None:
            out.append((kind, data))
    return out


REPORTS = _reports()


def test_the_reports_of_every_kind_are_there():
    assert {kind.id for kind, _ in REPORTS} >= {"annual-report-2019", "annual-report-2021", "website-annual-report"}


@pytest.mark.parametrize("seed", range(4))
def test_written_gate_answers_as_the_closures_and_jsonschema(seed):
    rng = random.Random(seed)
    closures = {}
    said_no = 0
    for _ in range(600):
        kind, original = rng.choice(REPORTS)
        if kind.id not in closures:
            closures[kind.id] = compile_gate(kind.schema, kind.schema_uri, kind.documents)
        data = _mutate(original, rng)
        written = gate_for(kind)(data)
        assert written == closures[kind.id](data), json.dumps(data, ensure_ascii=False, default=str)[:400]
        assert written == validator_for(kind).is_valid(data)
        said_no += not written
    assert said_no > 150  # the variants were broken often enough to mean something


def test_written_gate_keeps_recursion_and_every_keyword_of_the_meta_schema():
    """The draft-07 meta-schema refers to itself (`{"$ref": "#"}`) and uses anyOf,
    propertyNames, uniqueItems, exclusiveMinimum and boolean schemas."""
    import importlib.util

    spec = importlib.util.find_spec("jsonschema_specifications")
    folder = list(spec.submodule_search_locations or [])[0]
    with open(f"{folder}/schemas/draft7/metaschema.json", encoding="utf-8") as fh:
        meta = json.load(fh)
    uri = meta["$id"].rstrip("#")
    closures = compile_gate(meta, uri, {uri: meta}, annotations=frozenset({"format"}))
    written = write_gate(meta, uri, {uri: meta}, annotations=frozenset({"format"}))
    originals = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("schemas/**/*.json"))]
    rng = random.Random(11)
    said_no = 0
    for i in range(800):
        schema = _mutate(rng.choice(originals), rng) if i else originals[0]
        assert written(schema) == closures(schema), json.dumps(schema, ensure_ascii=False, default=str)[:300]
        said_no += not written(schema)
    assert written(originals[0]) and said_no > 100
