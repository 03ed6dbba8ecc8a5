"""`gendoc validate` finds everything `gendoc build` finds (all but failures to write).

Users rely on `validate` (make check, the pre-commit hook, CI annotations) to say whether
`build` will pass: every case of the invalid corpus, every fuzz example and the mistakes
found in use must give both commands the same findings.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from gendoc.build.project import Project
from gendoc.cli.main import main
from tests.conftest import ROOT, replace_once
from tests.test_fuzz import mutated_report
from tests.test_invalid_corpus import CASES, materialise

WRITE_FAILURES = {"F005"}


def _run(argv: list[str]) -> tuple[int, list[dict]]:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
        code = main([*argv, "--format", "json"])
    return code, [f for f in json.loads(stdout.getvalue()) if f["code"] not in WRITE_FAILURES]


def validate_and_build(root: Path, target: Path, out: Path) -> tuple[tuple, tuple]:
    validated = _run(["validate", "--root", str(root), str(target)])
    built = _run(["build", "--root", str(root), "-o", str(out), str(target)])
    return validated, built


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_every_corpus_case_gives_validate_the_findings_of_build(case, project, tmp_path):
    target = materialise(case, project)
    validated, built = validate_and_build(project, target, tmp_path / "out")
    assert validated == built


# The mistakes that passed `validate` and failed `build`, as users made them.
MISTAKES = {
    "misspelled key in prose": ("zhifu-drc/2020.yaml", "{{ table3.new_received.total }}件",
                                "{{ table3.new_recieved.total }}件", "N002", "overview.parts[1].text"),
    "2019 key left in a 2021 report": ("sample-bureau/2022.yaml", "{{ table2.art20_1.normative.issued }}",
                                       "{{ table2.art20_1.normative.new_made }}", "N002",
                                       "overview.parts[2].text"),
    "misspelled filter": ("sample-bureau/2022.yaml", "{{ (year ~ \"-01-01\") | date_zh }}",
                          "{{ (year ~ \"-01-01\") | date_cn }}", "N001", "preamble"),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_validate_rejects_what_build_rejects(name, project, tmp_path):
    file, old, new, code, data_path = MISTAKES[name]
    path = project / "reports" / file
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    (status, findings), built = validate_and_build(project, path, tmp_path / "out")
    assert status == 1
    assert [(f["code"], f["path"]) for f in findings] == [(code, data_path)]
    assert findings[0]["line"] > 1
    assert (status, findings) == built


def _findings(result) -> list[tuple]:
    return [(d.file, d.line, d.col, d.code, d.message("zh")) for d in result.diagnostics if d.code not in WRITE_FAILURES]


_PROJECT = Project(ROOT)


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=int(os.environ.get("GENDOC_FUZZ_EXAMPLES", "300")) // 4 or 1, deadline=10_000,
          derandomize=os.environ.get("GENDOC_FUZZ_RANDOM") is None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(example=mutated_report())
def test_fuzz_examples_give_validate_the_findings_of_build(example, tmp_path_factory):
    seed, data = example
    folder = tmp_path_factory.mktemp("parity")
    path = folder / "reports" / seed.parent.name / seed.name
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    project = Project(ROOT)
    assert _findings(project.validate(path)) == _findings(project.build(path, folder / "out"))
