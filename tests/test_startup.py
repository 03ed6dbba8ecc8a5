"""Start-up stays light: validating a clean file loads neither jsonschema (the fast gate
answers) nor markdown-it, so a pre-commit check feels instant. It does load the template
engine: validation renders every narrative and template to find what `build` would."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, SEED

PROBE = """
import sys, contextlib, io
from gendoc.cli.main import main
with contextlib.redirect_stderr(io.StringIO()):
    code = main(["validate", "--root", sys.argv[1], sys.argv[2]])
heavy = sorted(m for m in ("jinja2", "jsonschema", "markdown_it", "gendoc.render.engine", "gendoc.review.figure_diff") if m in sys.modules)
print(code, ",".join(heavy))
"""


def run_probe(path) -> str:
    out = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), str(path)], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return out.stdout.strip().splitlines()[-1]  # findings come first


def test_validate_of_a_clean_file_imports_nothing_heavy():
    assert run_probe(SEED) == "0 gendoc.render.engine,jinja2"


def test_a_broken_file_still_gets_jsonschemas_findings(project):
    broken = project / "reports" / "zhifu-drc" / "2020.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("natural: 7,", "natural: -7,", 1), encoding="utf-8")
    code, heavy = run_probe(broken).split(" ")
    assert code == "1" and heavy == "jsonschema"  # a file with errors is not rendered
