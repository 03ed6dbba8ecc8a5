"""Shared fixtures: a throwaway copy of the project, so tests can break reports freely."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INGEST_FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
# Real published reports this repository may not hold (copies taken from a repository
# snapshot, or verbatim copies of stored web pages): kept beside it, in the shared/
# folder next to the repository (../shared/fixtures/ingest/) (tests/fixtures/README.md lists them and why).
OUTSIDE_FIXTURES = Path(os.environ.get("GENDOC_REAL_FIXTURES") or ROOT.parent / "shared" / "fixtures" / "ingest")


def ingest_fixture(name: str) -> Path:
    """A source file for the import tests: in the repository, else beside it; a test of a
    real report kept outside is skipped (saying so) where that folder is absent."""
    for folder in (INGEST_FIXTURES, OUTSIDE_FIXTURES):
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"{name}: a real report kept outside the repository, not found in {OUTSIDE_FIXTURES} "
                "(set GENDOC_REAL_FIXTURES; see tests/fixtures/README.md)")

# The fast suite builds HTML, Markdown and Word; PDFs (LibreOffice, seconds a batch) are
# built by the tests that ask for them (`--outputs …,pdf`, make test-slow).
os.environ["GENDOC_OUTPUTS"] = "html,md,docx"
SEED = ROOT / "reports" / "zhifu-drc" / "2020.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of schemas/, templates/ and reports/ under tmp_path; returns its root."""
    for name in ("schemas", "templates", "reports"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def line_of(text: str, needle: str, start: int = 1) -> int:
    """1-based number of the first line at or after `start` that contains `needle`."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)
