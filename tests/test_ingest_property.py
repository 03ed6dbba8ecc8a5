"""Property: for any valid report, importing gendoc's own HTML (and Markdown) gives back the
figures it was built from."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gendoc.author.report_yaml import emit
from gendoc.build.project import Project
from gendoc.ingest.importer import import_document
from gendoc.ingest.readers import read_source
from gendoc.ingest.table_model import table_models
from gendoc.load.yaml_loader import load_file
from tests.test_ingest_roundtrip import typed_figures

ROOT = Path(__file__).resolve().parent.parent
BASES = [ROOT / "reports" / "zhifu-drc" / "2020.yaml", ROOT / "reports" / "sample-bureau" / "2021.yaml"]
COLUMNS = ["natural", "commercial", "research", "social", "legal", "org_other"]


def _set(data, path, value):
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


@st.composite
def valid_report(draw):
    """Which base report, and a value for every typed figure of its tables (as a short
    tuple: hypothesis prints it when a case fails)."""
    base = draw(st.sampled_from(BASES))
    kind = Project(ROOT).kinds.get(load_file(base).data["format"])
    # figures as published: mostly small, some large (a report's sums stay within what its
    # narrative filters accept, N006: below 100,000)
    small = st.integers(0, 30) | st.integers(0, 600)
    values = []
    for model in table_models(kind.index):
        for fig in model.figures():
            if fig.derived:
                continue
            if fig.signed:
                values.append(draw(st.integers(-500, 500)))
            elif "number" in (kind.index.get(fig.path, "type") or ()):  # an amount (万元): decimals
                values.append(Decimal(draw(st.integers(0, 10**6))) / 100)
            else:
                values.append(draw(small))
    return base.name if base.parent.name == "zhifu-drc" else f"{base.parent.name}/{base.name}", tuple(values)


def report_of(name: str, values: tuple):
    """The base report with the drawn figures, and 二、上年结转 chosen so that the 勾稽关系
    (T3-1) holds column by column."""
    base = next(b for b in BASES if str(b).endswith(name))
    data = load_file(base).data
    kind = Project(ROOT).kinds.get(data["format"])
    drawn = iter(values)
    for model in table_models(kind.index):
        for fig in model.figures():
            if not fig.derived:
                _set(data, fig.path, next(drawn))
    t3 = data["table3"]
    for col in COLUMNS:
        handled = sum(row[col] for row in _rows(t3["results"]))
        needed = handled + t3["carried_forward"][col] - t3["new_received"][col]
        if needed < 0:  # more received than handled: the rest is carried forward
            t3["carried_forward"][col] += -needed
            needed = 0
        t3["carried_over"][col] = needed
    return base, kind, data


def _rows(node):
    if all(not isinstance(v, dict) for v in node.values()):
        yield node
        return
    for value in node.values():
        if isinstance(value, dict):
            yield from _rows(value)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """One project copy for every example (copying schemas and templates is the slow part)."""
    root = tmp_path_factory.mktemp("p")
    for name in ("schemas", "templates"):
        shutil.copytree(ROOT / name, root / name)
    return root, Project(root)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=valid_report())
def test_import_of_own_output_gives_back_every_figure(sandbox, case):
    root, project = sandbox
    base, kind, data = report_of(*case)
    report = root / "reports" / base.parent.name / base.name
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(emit(data, kind.index, [f"# property test from {base.name}"]), encoding="utf-8")
    result = project.build(report, root / "build")
    assert result.ok, [d.message() for d in result.diagnostics]
    for fmt in ("html", "md"):
        imp = import_document(read_source(result.outputs[fmt]), project.kinds)
        assert imp.kind is not None and imp.kind.id == kind.id, [d.message() for d in imp.findings]
        assert typed_figures(imp.kind, imp.data) == typed_figures(result.kind, result.report.data), fmt
        assert [d.message() for d in imp.findings if d.severity == "error"] == []
