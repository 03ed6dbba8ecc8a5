"""axe-core over every kind of page gendoc writes, in headless Chromium, desktop and phone width."""
from __future__ import annotations

import pytest

from gendoc.cli.main import main
from tests.browser import axe_violations, chromium

pytestmark = pytest.mark.slow

PAGES = ["index.html", "index-2022.html", "sample-bureau/index.html", "sample-bureau/2022.html",
         "zhifu-drc/2020.html", "sample-city-portal/2022.html"]


@pytest.mark.parametrize("width", [1280, 390])
def test_no_accessibility_violations(project, tmp_path, capsys, width):
    out = tmp_path / "out"
    assert main(["build", "--root", str(project), "-o", str(out)]) == 0
    capsys.readouterr()
    found = {}
    with chromium(width, 900) as web:
        for page in PAGES:
            web.get((out / page).as_uri())
            violations = axe_violations(web)
            if violations:
                found[page] = violations
    assert found == {}
