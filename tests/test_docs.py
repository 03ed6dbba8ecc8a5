"""The documentation lists every finding code and every rule id users can meet."""
from __future__ import annotations

from pathlib import Path

from gendoc.diagnostics import CATALOGUE
from gendoc.kinds import KindRegistry

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
