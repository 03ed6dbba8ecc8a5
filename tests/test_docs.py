"""The documentation lists every finding code and every rule id users can meet."""
from __future__ import annotations

from pathlib import Path

from gendoc.diagnostics import CATALOGUE
from gendoc.kind.registry import KindRegistry

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")


def test_every_code_is_documented():
    missing = [code for code in CATALOGUE if f"| {code} |" not in DOC]
    assert missing == []


def test_every_rule_id_is_documented():
    registry = KindRegistry(ROOT)
    ids = {rule["id"] for kid in registry.ids() for section in ("derive", "checks")
           for rule in registry.get(kid).rules[section]}
    assert sorted(i for i in ids if f"| {i} |" not in DOC) == []


def test_readme_links_the_codes():
    assert "docs/diagnostics.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_authoring_guide_filter_examples_render_as_it_says():
    """Every row of the filter table in docs/authoring.md: example → the stated result."""
    import re
    from decimal import Decimal

    from gendoc.render.engine import _compile_narrative

    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = guide.split("格式过滤器", 1)[1].split("## ", 1)[0]
    context = {"table2": {"art20_8": {"fees": {"amount": Decimal("12.50")}}}}
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert len(rows) >= 7
    for row in rows:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        examples = re.findall(r"`(\{\{.*?\}\})`", cells[1].replace("\\|", "|"))
        rendered = "、".join(_compile_narrative(e).render(context) for e in examples)
        assert rendered == cells[2], row


def test_the_declared_licence_has_its_file():
    import re

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    declared = re.search(r'^license = "([^"]+)"$', text, re.M)  # an SPDX expression
    assert declared and declared.group(1) == "MIT"
    assert re.search(r'^license-files = \["LICENSE"\]$', text, re.M)
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
