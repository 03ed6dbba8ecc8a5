"""`gendoc kind check`: a broken copy of each file of each shipped kind is caught, located in
that file; `validate`/`build` refuse a broken kind (exit 2); `gendoc kind new` builds."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gendoc.cli.main import main
from tests.conftest import ROOT, line_of

KINDS = sorted(p.parent.name for p in (ROOT / "schemas").glob("*/kind.yaml"))
FINDING = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>K\d{3})\]: (?P<message>.*)$", re.M)


def kind_check(project: Path, capsys, *kinds: str) -> tuple[int, list[dict], str]:
    capsys.readouterr()
    code = main(["kind", "check", "--root", str(project), *kinds])
    out = capsys.readouterr().out
    return code, [m.groupdict() for m in FINDING.finditer(out)], out


def test_the_shipped_kinds_pass(capsys):
    code, found, out = kind_check(ROOT, capsys)
    assert (code, found) == (0, []), out


def _insert_line(path: Path, after: str, text: str) -> int:
    """Insert `text` as a line after the first line containing `after`; its line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if after in line) + 1
    lines.insert(at, text)
    path.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


def _rules_file(project: Path, kind: str) -> Path:
    return project / "schemas" / kind / "rules.yaml"


RULE_BREAKS = {
    # name: (rule text under `checks:`, code, words the message must hold)
    "misspelt path": ('  - {id: BROKEN, assert: "year >= 0 and yaer <= 3000"}', "K005",
                      "「yaer」在 schema 中不存在（（顶层） 之下没有「yaer」，是否应为「year」？）"),
    "malformed expression": ('  - {id: BROKEN, assert: "year >> 2000"}', "K004", "unexpected '>'"),
    "a figure where a check is meant": ('  - {id: BROKEN, assert: "year + 1"}', "K004", "gives a figure where a truth value is meant"),
    "unknown key": ('  - {id: BROKEN, asert: "year >= 0"}', "K003", "未知的键「asert」，是否应为「assert」？"),
    "unbound placeholder": ('  - {id: BROKEN, assert: "{col} >= 0"}', "K008", "{col}"),
    "glob matching nothing": ('  - {id: BROKEN, foreach: {row: {glob: "nosuch.*"}}, assert: "{row}.n >= 0"}', "K007",
                              "glob「nosuch.*」在 schema 中没有匹配的位置"),
    "bad severity": ('  - {id: BROKEN, severity: fatal, assert: "year >= 0"}', "K003", "severity"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", RULE_BREAKS)
def test_a_broken_rule_is_found_at_its_line(project, capsys, kind, name):
    text, code, words = RULE_BREAKS[name]
    rules = _rules_file(project, kind)
    line = _insert_line(rules, "checks:", text)
    status, found, out = kind_check(project, capsys, kind)
    assert status == 2, out
    assert [(f["file"].endswith(f"schemas/{kind}/rules.yaml"), int(f["line"]), f["code"]) for f in found] == \
        [(True, line, code)], out
    assert words in found[0]["message"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_derived_target_must_be_marked_derived(project, capsys, kind):
    rules = _rules_file(project, kind)
    text = rules.read_text(encoding="utf-8")
    if "derive:" not in text:
        text = "derive:\n" + text
    rules.write_text(text, encoding="utf-8")
    line = _insert_line(rules, "derive:", '  - {id: BROKEN, target: year, expr: "year + 0"}')
    status, found, out = kind_check(project, capsys, kind)
    assert status == 2 and [(int(f["line"]), f["code"]) for f in found] == [(line, "K006")], out
    assert "「year」不是计算值" in found[0]["message"]


def _schema(project: Path, kind: str) -> tuple[Path, dict]:
    path = project / "schemas" / kind / "schema.json"
    return path, json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, schema: dict) -> str:
    text = json.dumps(schema, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    return text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("change, code, key", [
    (lambda s: s["properties"]["year"].pop("title"), "K011", '"year"'),
    (lambda s: s["properties"]["year"].__setitem__("x-derived", "yes"), "K012", '"x-derived"'),
    (lambda s: s["properties"]["year"].__setitem__("type", "integr"), "K010", '"type": "integr"'),
])
def test_a_broken_schema_is_found_at_its_line(project, capsys, kind, change, code, key):
    path, schema = _schema(project, kind)
    change(schema)
    text = _write(path, schema)
    status, found, out = kind_check(project, capsys, kind)
    assert status == 2, out
    assert (found[0]["file"].endswith(f"schemas/{kind}/schema.json"), int(found[0]["line"]), found[0]["code"]) == \
        (True, line_of(text, key), code), out


@pytest.mark.parametrize("kind", KINDS)
def test_a_table_that_cannot_be_laid_out(project, capsys, kind):
    path, schema = _schema(project, kind)
    table = next(k for k, v in schema["properties"].items() if "x-layout" in v)
    schema["properties"][table]["x-layout"]["kind"] = "spiral"
    text = _write(path, schema)
    status, found, out = kind_check(project, capsys, kind)
    assert status == 2 and found[0]["code"] == "K013", out
    assert int(found[0]["line"]) == line_of(text, '"x-layout"', line_of(text, f'"{table}"'))


def _html_template(project: Path, kind: str) -> Path:
    import yaml

    meta = yaml.safe_load((project / "schemas" / kind / "kind.yaml").read_text(encoding="utf-8"))
    own = project / "templates" / kind / meta["outputs"]["html"]
    return own if own.exists() else project / "templates" / "common" / meta["outputs"]["html"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text, code, words", [
    ("{{ nosuch_figure }}", "K015", "「nosuch_figure」既不是本格式 schema 的顶层数据"),
    ("{{ year.nosuch }}", "K015", "「year.nosuch」在 schema 中不存在"),
    ('{{ label("nosuch.place") }}', "K015", 'label("nosuch.place")'),
    ("{% if year %}", "K014", "模板有误"),
])
def test_a_broken_template_is_found_at_its_line(project, capsys, kind, text, code, words):
    template = _html_template(project, kind)
    line = _insert_line(template, "<body>", text)
    status, found, out = kind_check(project, capsys, kind)
    assert status == 2, out
    assert found[0]["file"].endswith(template.name) and found[0]["code"] == code, out
    if code == "K015":
        assert int(found[0]["line"]) == line
    assert words in out


@pytest.mark.parametrize("kind", KINDS)
def test_a_broken_manifest_is_found_at_its_line(project, capsys, kind):
    manifest = project / "schemas" / kind / "kind.yaml"
    text = manifest.read_text(encoding="utf-8")
    name = re.search(r"^  html: (\S+)", text, re.M).group(1)
    manifest.write_text(text.replace(f"  html: {name}", "  html: nosuch.html.j2", 1), encoding="utf-8")
    status, found, out = kind_check(project, capsys, kind)
    assert status == 2 and found[0]["code"] == "K014", out
    assert int(found[0]["line"]) == line_of(manifest.read_text(encoding="utf-8"), "nosuch.html.j2")
    assert "找不到模板「nosuch.html.j2」" in found[0]["message"]


def test_validate_and_build_refuse_a_kind_with_a_broken_rule(project, capsys):
    """A misspelt path once switched X-1 off silently for every report."""
    rules = project / "schemas" / "common" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("table3.carried_over.{col} == prev", "table3.carried_ovr.{col} == prev"), encoding="utf-8")
    line = line_of(rules.read_text(encoding="utf-8"), "carried_ovr")
    capsys.readouterr()
    assert main(["validate", "--root", str(project), str(project / "reports")]) == 2
    out = capsys.readouterr().out
    # one finding, printed once though six reports of two kinds use the file
    assert re.findall(r"rules\.yaml:(\d+):\d+: error\[K005\]", out) == [str(line)], out
    assert "是否应为「carried_over」" in out
    assert main(["build", "--root", str(project), "-o", str(project / "out"), str(project / "reports" / "zhifu-drc")]) == 2
    assert not (project / "out" / "zhifu-drc" / "2020.html").exists()
    # the website form has its own rules: it is still checked and built
    capsys.readouterr()
    assert main(["validate", "--root", str(project), str(project / "reports" / "sample-city-portal")]) == 0


def test_a_fixed_kind_is_checked_afresh(project, capsys):
    """The answer is cached per kind, keyed by the kind's files: a fix is seen at once."""
    assert kind_check(project, capsys)[0] == 0
    rules = _rules_file(project, "website-annual-report")
    good = rules.read_text(encoding="utf-8")
    rules.write_text(good.replace("form.visits >= form.visitors", "form.visits >= form.visitor"), encoding="utf-8")
    assert main(["validate", "--root", str(project), str(project / "reports" / "sample-city-portal")]) == 2
    rules.write_text(good, encoding="utf-8")
    assert main(["validate", "--root", str(project), str(project / "reports" / "sample-city-portal")]) == 0


def test_kind_new_builds_a_sample_out_of_the_box(project, capsys, tmp_path):
    assert main(["kind", "new", "--root", str(project), "permit-form", "--year", "2024"]) == 0
    assert kind_check(project, capsys, "permit-form")[0] == 0
    out = tmp_path / "out"
    assert main(["build", "--root", str(project), "-o", str(out), str(project / "reports" / "permit-form-sample")]) == 0
    assert (out / "permit-form-sample" / "2024.docx").stat().st_size > 0
    md = (out / "permit-form-sample" / "2024.md").read_text(encoding="utf-8")
    assert "| 事项（单位：件） / 总数 | 17 |" in md  # derived by its own rule
    assert "| 是否完成 | ☑是 □否 |" in md
    # never overwrites, refuses unusable names
    assert main(["kind", "new", "--root", str(project), "permit-form"]) == 2
    assert main(["kind", "new", "--root", str(project), "Permit_Form"]) == 2
    assert "不能作为文档类型名" in capsys.readouterr().err


def test_kind_check_of_an_unknown_kind_is_a_usage_error(capsys):
    assert main(["kind", "check", "--root", str(ROOT), "nosuch-kind"]) == 2
    assert "未知的文档类型 nosuch-kind" in capsys.readouterr().err


@pytest.mark.parametrize("old, new, words", [
    ("table2.art20_1.*.new_made: table2.art20_1.*.issued", "table2.art20_1.*.new_mad: table2.art20_1.*.issued",
     "旧格式 annual-report-2019 中没有"),
    ("table2.art20_1.*.new_made: table2.art20_1.*.issued", "table2.art20_1.*.new_made: table2.art20_1.*.isued",
     "本格式中没有"),
    ("from: annual-report-2019", "from: annual-report-2018", "不是已有的文档类型"),
])
def test_a_migration_naming_a_place_that_does_not_exist(project, capsys, old, new, words):
    migrations = project / "schemas" / "annual-report-2021" / "migrations.yaml"
    text = migrations.read_text(encoding="utf-8").replace(old, new, 1)
    migrations.write_text(text, encoding="utf-8")
    status, found, out = kind_check(project, capsys, "annual-report-2021")
    assert status == 2, out
    assert [(int(f["line"]), f["code"]) for f in found] == [(line_of(text, new.split(":")[0] + ":"), "K017")], out
    assert words in found[0]["message"]


def test_the_quick_meta_schema_gate_never_passes_a_schema_jsonschema_rejects():
    """K010's yes/no gate (the draft-07 meta-schema compiled by gendoc's schema gate) only
    spares jsonschema's import: on hundreds of broken variants of the real schemas it must
    never say "valid" where jsonschema finds an error (saying "invalid" merely costs time)."""
    import copy
    import json
    import random

    from jsonschema import Draft7Validator

    from gendoc.check.schema_lint import _draft7_gate

    gate = _draft7_gate()
    assert gate is not None
    validator = Draft7Validator(Draft7Validator.META_SCHEMA)
    originals = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("schemas/**/*.json"))]
    assert originals and all(gate(s) and validator.is_valid(s) for s in originals)
    junk = [None, True, False, 0, -1, 1.5, "", "strin", "integer", [], ["a", "a"], [1], {}, {"type": 3}, ["string", 1], 10.0]
    keys = ["type", "minimum", "required", "enum", "items", "properties", "additionalProperties", "minLength",
            "uniqueItems", "$ref", "title", "allOf", "anyOf", "maxItems", "pattern", "format", "const", "exclusiveMinimum"]
    rng = random.Random(7)
    said_invalid = 0
    for _ in range(400):
        schema = copy.deepcopy(rng.choice(originals))
        nodes = [schema]
        stack = [schema]
        while stack:
            node = stack.pop()
            for value in node.values() if isinstance(node, dict) else node if isinstance(node, list) else ():
                if isinstance(value, (dict, list)):
                    nodes.append(value)
                    stack.append(value)
        node = rng.choice([n for n in nodes if isinstance(n, dict)])
        node[rng.choice(keys + list(node))] = copy.deepcopy(rng.choice(junk))
        valid = validator.is_valid(schema)
        assert not (gate(schema) and not valid), json.dumps(schema, ensure_ascii=False)[:300]
        said_invalid += not valid
    assert said_invalid > 60  # the variants were broken often enough to mean something
