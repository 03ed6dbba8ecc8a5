"""Data paths: one parser for every printed form, the inverse of the one printer."""
from __future__ import annotations

import pytest

from gendoc.kind.labels import format_path
from gendoc.plaindata import dotted


@pytest.mark.parametrize("text, path", [
    ("table3.results.granted.natural", ("table3", "results", "granted", "natural")),
    ("sections.overview.parts[0].text", ("sections", "overview", "parts", 0, "text")),
    ("sections.overview.parts.0.text", ("sections", "overview", "parts", 0, "text")),
    ("items[12]", ("items", 12)),
    ("year", ("year",)),
])
def test_one_parser_reads_every_printed_form(text, path):
    assert dotted(text) == path
    assert dotted(format_path(path)) == path
