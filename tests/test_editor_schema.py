"""What an editor with yaml-language-server sees: the modeline's schema, read like an editor.

The modeline of each report names the authored schema (JSON Schema draft-07, the draft
yaml-language-server supports). These tests follow the modeline and every `$ref` from disk,
relative to the file that holds it — not through gendoc's own loading — and check that the
schema found that way labels the keys in Chinese and judges every report, and broken copies
of it, exactly as `gendoc validate` does. The one-file copy `gendoc schema` exports must do
the same.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from gendoc.cli.main import main
from gendoc.kind.labels import SchemaIndex
from gendoc.load.yaml_loader import load_file
from gendoc.build.project import Project
from gendoc.check.json_schema import check as gendoc_schema_check
from gendoc.load.sourcemap import SourceMap, format_path
from tests.conftest import ROOT

REPORTS = sorted((ROOT / "reports").rglob("*.yaml"))
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")
CJK = re.compile("[\u4e00-\u9fff]")
DRAFT7_URI = "http://json-schema.org/draft-07/schema#"


def modeline_schema(report: Path) -> Path:
    first = report.read_text(encoding="utf-8").splitlines()[0]
    match = MODELINE.match(first)
    assert match, f"{report}: the first line must be the yaml-language-server modeline, found {first!r}"
    return (report.parent / match.group(1)).resolve()


def editor_documents(schema: Path) -> dict[str, dict]:
    """Every document the schema pulls in, found the way an editor does: each relative `$ref`
    resolved against the URI of the file that contains it, then read from disk."""
    docs: dict[str, dict] = {}
    todo = [schema.as_uri()]
    while todo:
        uri = todo.pop()
        if uri in docs:
            continue
        path = Path(uri[len("file://"):])
        assert path.is_file(), f"$ref target missing: {uri}"
        docs[uri] = json.loads(path.read_text(encoding="utf-8"))
        for ref in _refs(docs[uri]):
            target, fragment = urldefrag(urljoin(uri, ref))
            assert target.startswith("file://"), f"{uri}: $ref {ref} leaves the local files"
            todo.append(target)
    for uri, doc in docs.items():  # every pointer resolves too
        for ref in _refs(doc):
            target, fragment = urldefrag(urljoin(uri, ref))
            node = docs[target]
            for part in [p for p in fragment.split("/") if p]:
                assert part in node, f"{uri}: $ref {ref} does not resolve"
                node = node[part]
    return docs


def _refs(node) -> list[str]:
    found = []
    stack = [node]
    while stack:
        here = stack.pop()
        if isinstance(here, dict):
            if isinstance(here.get("$ref"), str):
                found.append(here["$ref"])
            stack.extend(here.values())
        elif isinstance(here, list):
            stack.extend(here)
    return found


def _ref_nodes(node):
    stack = [node]
    while stack:
        here = stack.pop()
        if isinstance(here, dict):
            if "$ref" in here:
                yield here
            stack.extend(here.values())
        elif isinstance(here, list):
            stack.extend(here)


def editor_validator(schema_uri: str, docs: dict[str, dict]) -> Draft7Validator:
    """A plain draft-07 validator (no gendoc type tweaks), references resolved by file URI."""
    registry = Registry().with_resources(
        (uri, Resource.from_contents(doc, default_specification=DRAFT7)) for uri, doc in docs.items())
    return Draft7Validator({**docs[schema_uri], "$id": schema_uri}, registry=registry)


def editor_error_paths(validator: Draft7Validator, data) -> set[str]:
    """Data paths of the errors, named as gendoc names them (an unknown key at its own path)."""
    paths = set()
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            paths.update(_dotted(path + (key,)) for key in error.instance if key not in allowed)
        else:
            paths.add(_dotted(path))
    return paths


def gendoc_error_paths(kind, data) -> set[str]:
    return {d.path for d in gendoc_schema_check(kind, data, "report.yaml", SourceMap("report.yaml"))}


def _dotted(path: tuple) -> str:
    return format_path(path)


def breakages(data: dict) -> list[tuple[str, dict, str]]:
    """Broken copies of a report, each with the data path gendoc must report."""
    out = []

    def with_change(name, change, where):
        broken = copy.deepcopy(data)
        change(broken)
        out.append((name, broken, where))

    if "table3" in data:  # the annual report kinds
        with_change("text for a count", lambda d: d["table3"]["new_received"].__setitem__("natural", "十"),
                    "table3.new_received.natural")
        with_change("negative count", lambda d: d["table4"]["review"].__setitem__("pending", -1),
                    "table4.review.pending")
        with_change("unknown key", lambda d: d["table3"]["new_received"].__setitem__("natrual", 1),
                    "table3.new_received.natrual")
        with_change("missing key", lambda d: d["table3"]["carried_over"].pop("legal"), "table3.carried_over")
        with_change("bad postcode", lambda d: d["agency"].__setitem__("postcode", "2640"), "agency.postcode")
    else:  # the website form: text, yes/no and multiple-choice cells too
        form = "form"
        with_change("text for a count", lambda d: d[form]["publishing"].__setitem__("news", "十"),
                    "form.publishing.news")
        with_change("negative count", lambda d: d[form]["security"].__setitem__("found", -1), "form.security.found")
        with_change("unknown key", lambda d: d[form]["columns"].__setitem__("opend", 1), "form.columns.opend")
        with_change("missing key", lambda d: d[form]["security"].pop("drills"), "form.security")
        with_change("yes/no not answered", lambda d: d[form]["service"].__setitem__("catalogue", "有"),
                    "form.service.catalogue")
        with_change("unknown choice", lambda d: d[form]["innovation"].append("千人一网"), f"form.innovation[{len(data[form]['innovation'])}]")
        with_change("bad site code", lambda d: d[form].__setitem__("site_code", "12345"), "form.site_code")
    with_change("wrong format const", lambda d: d.__setitem__("format", "annual-report-1999"), "format")
    return out


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(ROOT)


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_modeline_resolves_to_the_kinds_draft7_schema(report, project):
    schema = modeline_schema(report)
    assert schema.is_file()
    data = load_file(report).data
    kind = project.kinds.get(data["format"])
    assert schema == (ROOT / "schemas" / kind.id / "schema.json").resolve()
    docs = editor_documents(schema)
    root = docs[schema.as_uri()]
    assert root["$schema"] == DRAFT7_URI
    assert root["properties"]["format"]["const"] == data["format"]


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_key_of_the_report_has_a_chinese_title_for_hover(report):
    schema = modeline_schema(report)
    docs = editor_documents(schema)
    index = SchemaIndex(docs[schema.as_uri()], schema.as_uri(), docs)
    data = load_file(report).data
    for table in data:
        assert CJK.search(index.title((table,)) or ""), f"{table} has no Chinese title"
    untitled = []
    stack = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                declared = key in index.properties(path)
                if declared and not CJK.search(index.title(path + (key,)) or ""):
                    untitled.append(_dotted(path + (key,)))
                stack.append((path + (key,), value))
        elif isinstance(node, list):
            stack.extend((path + (i,), v) for i, v in enumerate(node))
    assert untitled == []
    if "table3" in data:
        assert index.title(("table3", "new_received", "natural")) == "自然人"
    else:
        assert index.title(("form", "service", "cases", "natural")) == "自然人办件量"


def test_no_keyword_beside_a_ref_where_editors_would_drop_it():
    """Draft-07 ignores siblings of `$ref` (yaml-language-server strips them): a title there
    would never show. The schemas wrap titled references in allOf instead."""
    offenders = []
    for path in sorted((ROOT / "schemas").rglob("*.json")):
        for node in _ref_nodes(json.loads(path.read_text(encoding="utf-8"))):
            extra = set(node) - {"$ref", "$comment"}
            if extra:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(extra)} beside {node['$ref']}")
    assert offenders == []


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_editor_schema_judges_like_gendoc(report, project):
    schema = modeline_schema(report)
    docs = editor_documents(schema)
    validator = editor_validator(schema.as_uri(), docs)
    data = load_file(report).data
    kind = project.kinds.get(data["format"])
    assert editor_error_paths(validator, data) == set() == gendoc_error_paths(kind, data)
    for name, broken, where in breakages(data):
        editor, ours = editor_error_paths(validator, broken), gendoc_error_paths(kind, broken)
        assert where in ours, name
        assert editor == ours, name


@pytest.mark.parametrize("kind_id", sorted(p.parent.name for p in (ROOT / "schemas").glob("*/kind.yaml")))
def test_exported_one_file_schema_judges_the_same(kind_id, project, tmp_path, capsys):
    out = tmp_path / f"{kind_id}.schema.json"
    assert main(["schema", "--root", str(ROOT), kind_id, "-o", str(out)]) == 0
    bundled = json.loads(out.read_text(encoding="utf-8"))
    assert bundled["$schema"] == DRAFT7_URI
    Draft7Validator.check_schema(bundled)
    assert all(ref.startswith("#/") for ref in _refs(bundled)), "every reference stays inside the file"
    assert not any(set(n) - {"$ref", "$comment"} for n in _ref_nodes(bundled))
    uri = out.resolve().as_uri()
    index = SchemaIndex(bundled, uri, {uri: bundled})
    if index.exists(("table3",)):
        assert index.title(("table3", "results", "granted", "natural")) == "自然人"
        assert index.get(("table3", "new_received", "total"), "x-derived") is True
    else:
        assert index.title(("form", "interaction", "messages", "received")) == "收到留言数量（单位：条）"
        assert index.get(("form", "service", "cases", "total"), "x-derived") is True

    validator = editor_validator(uri, {uri: bundled})
    kind = project.kinds.get(kind_id)
    reports = [r for r in REPORTS if load_file(r).data["format"] == kind_id]
    assert reports, f"no report of {kind_id} to check against"
    for report in reports:
        data = load_file(report).data
        assert editor_error_paths(validator, data) == set()
        for name, broken, _where in breakages(data):
            assert editor_error_paths(validator, broken) == gendoc_error_paths(kind, broken), name

    # stdout when no -o; a usage error for an unknown kind
    capsys.readouterr()
    assert main(["schema", "--root", str(ROOT), kind_id]) == 0
    assert json.loads(capsys.readouterr().out) == bundled
    assert main(["schema", "--root", str(ROOT), "no-such-kind"]) == 2
    assert "no-such-kind" in capsys.readouterr().err
