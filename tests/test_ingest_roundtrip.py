"""Round trip: gendoc's own outputs read back give the figures they were made from."""
from __future__ import annotations

from pathlib import Path

import pytest

from gendoc.build.project import Project
from gendoc.ingest.importer import import_document
from gendoc.ingest.readers import read_source
from gendoc.ingest.table_model import table_models

ROOT = Path(__file__).resolve().parent.parent
PROJECT = Project(ROOT)
# every report of a kind whose tables import reads back (the annual reports, not the
# website form)
REPORTS = [p for p in sorted((ROOT / "reports").rglob("*.yaml"))
           if table_models(PROJECT.kinds.get(PROJECT.check(p).kind.id).index)]


def typed_figures(kind, data: dict) -> dict:
    """Every figure an author types (totals are derived), by data path."""
    out = {}
    for model in table_models(kind.index):
        for fig in model.figures():
            if not fig.derived:
                node = data
                for step in fig.path:
                    node = node[step]
                out[fig.path] = node
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    project = Project(ROOT)
    results = {path: project.build(path, out) for path in REPORTS}
    return project, results


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("path", REPORTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_own_output_reads_back_to_the_same_figures(built, path, fmt):
    project, results = built
    result = results[path]
    assert result.ok, result.diagnostics
    imp = import_document(read_source(result.outputs[fmt]), project.kinds)
    assert imp.kind is result.kind
    assert imp.year == result.year and imp.agency == result.report.data["agency"]["name"]
    assert typed_figures(imp.kind, imp.data) == typed_figures(result.kind, result.report.data)
    # published totals agree with derivation, labels are exact, nothing is missing
    assert [d for d in imp.findings if d.severity != "info"] == []
    assert imp.data["published"].startswith(result.report.data["published"][:10])
