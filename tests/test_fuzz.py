"""Property-based fuzzing: whatever a report file becomes, gendoc answers with located
findings or success — never a traceback, a hang, or an exit code other than 0 or 1.

Each example mutates one of the seeds: the 2020 report in the 2019 format, and the sample
agency's 2021 and 2022 reports in the 2021 format (2022 with last year's report beside it, so
cross-year rules run). The normal run samples a few thousand mutations; `make fuzz` sets
GENDOC_FUZZ_EXAMPLES far higher.
"""
from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gendoc.diagnostics import ERROR
from gendoc.load.yaml_loader import load_text
from gendoc.build.project import Project
from gendoc.check.json_schema import validator_for
from gendoc.check.schema_gate import gate_for
from tests.conftest import ROOT, SEED

SEEDS = [SEED, ROOT / "reports" / "sample-bureau" / "2021.yaml", ROOT / "reports" / "sample-bureau" / "2022.yaml"]
SEED_TEXTS = {seed: seed.read_text(encoding="utf-8") for seed in SEEDS}
NUMBERS = {seed: [m.start() for m in re.finditer(r"(?<=: )\d+", text)] for seed, text in SEED_TEXTS.items()}
EXAMPLES = int(os.environ.get("GENDOC_FUZZ_EXAMPLES", "1500"))
# Findings that concern a whole file rather than a place in it.
UNLOCATED = {"F001", "F002", "F003", "Y005"}

WEIRD_SCALARS = st.sampled_from([
    "no", "yes", "~", "null", "-1", "010", "0x1F", "0o17", "1e3", ".5", "10.0", "1_000", '"10"', "'7'",
    "１０", "9" * 30, "-" + "9" * 30, ".inf", ".nan", "[]", "{}", "!!str 5", "!!binary AAAA", "&a 1", "*a",
    "|", ">", "@", "`", "%", "{{ year }}", "true", "2020-01-01", "：", "\t", "", "'", '"', "[1, 2",
])
TEXT_SNIPPETS = st.sampled_from([
    "{{ nope }}", "{{ year", "{% for %}", "{{ ''.__class__ }}", "{{ table3.new_received.total }}",
    "收到申请4件", "<script>alert(1)</script>", "{% include 'x' %}", "{{ 10**10**10 }}", "{{ range(10**9)|list }}",
])


@st.composite
def mutated_report(draw) -> tuple:
    seed = draw(st.sampled_from(SEEDS))
    return seed, draw(mutation_of(seed))


@st.composite
def mutation_of(draw, seed) -> bytes:
    text = SEED_TEXTS[seed]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["scalar", "line", "bytes", "snippet", "indent"]))
        if kind == "scalar":
            at = draw(st.sampled_from(NUMBERS[seed]))
            end = at + len(re.match(r"\d+", text[at:]).group(0)) if re.match(r"\d+", text[at:]) else at
            text = text[:at] + draw(WEIRD_SCALARS) + text[end:]
        elif kind == "line":
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            op = draw(st.sampled_from(["delete", "duplicate", "swap"]))
            if op == "delete":
                del lines[i]
            elif op == "duplicate":
                lines.insert(i, lines[i])
            elif i + 1 < len(lines):
                lines[i], lines[i + 1] = lines[i + 1], lines[i]
            text = "\n".join(lines)
        elif kind == "indent":
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = draw(st.sampled_from(["", " ", "  ", "\t"])) + lines[i].lstrip(" ")
            text = "\n".join(lines)
        elif kind == "snippet":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(TEXT_SNIPPETS) + text[at:]
        else:
            raw = bytearray(text.encode("utf-8"))
            at = draw(st.integers(0, len(raw)))
            raw[at:at + draw(st.integers(0, 3))] = draw(st.binary(max_size=4))
            return bytes(raw)
    return text.encode("utf-8")


_PROJECT = Project(ROOT)


# A deadline far above the ~10 ms an example takes: it flags pathological slowness without
# failing on a busy machine. Inputs are ~17 KB, so Hypothesis' repr of a failing one is large.
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=EXAMPLES, deadline=10_000, derandomize=os.environ.get("GENDOC_FUZZ_RANDOM") is None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_report())
def test_any_mutation_ends_in_located_findings_or_success(example):
    seed, data = example
    loaded = load_text(data, str(seed))
    result = _PROJECT.check(seed, loaded)
    if result.kind is not None and loaded.data is not None:
        # The fast gate may only ever agree with jsonschema.
        gate_says_valid = gate_for(result.kind)(loaded.data)
        assert gate_says_valid == (not any(validator_for(result.kind).iter_errors(loaded.data)))
    for d in result.diagnostics:
        assert d.code in UNLOCATED or d.line >= 1, d
        d.message("zh")
        d.message("en")
    if result.ok and result.report is not None:
        from gendoc.render.engine import render_document
        from gendoc.render.paged import BATCHED_FORMATS

        prev = _PROJECT.previous(seed, result.year) if result.year else None
        # The PDF is the Word file printed by the build (gendoc.build.pdf_batch), not rendered here.
        for fmt in [f for f in result.kind.outputs if f not in BATCHED_FORMATS]:
            out = render_document(result.kind, result.report.data, prev.data if prev else None, fmt,
                                  result.report.sourcemap)
            for d in out.diagnostics:
                assert d.line >= 1, d
            assert (out.text is None) == any(d.severity == ERROR for d in out.diagnostics)


# -- the line reader (gendoc/load/fast_yaml.py) against the event loop --------------------

YAML_PUNCTUATION = st.sampled_from([
    ": ", ":", " #", "#", "'", "''", '"', "|", "|-", "|2", ">", "- ", "-", "{", "}", "[", "]", ",", ", ", " ",
    "  ", "\n", "\n  ", "\n- ", "\n\n", "&", "*", "!", "?", "%", "@", "`", "---", "...", "\\", "\t", "\ufeff",
    "\u2028", "\x85", "１", "0", "-1", "1.5", "null", "~", "true", "{}", "[]", "：",
])


@st.composite
def punctuated_report(draw) -> tuple:
    """A seed with YAML punctuation dropped in: the places where a line reader could go wrong."""
    seed = draw(st.sampled_from(SEEDS))
    text = SEED_TEXTS[seed]
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 2))
        text = text[:at] + draw(YAML_PUNCTUATION) + text[at + cut:]
    return seed, text.encode("utf-8")


def _event_loop_only(data: bytes, file: str):
    from unittest import mock

    from gendoc.load import yaml_loader

    with mock.patch.object(yaml_loader, "read_common_shape", lambda *args, **kwargs: None):
        return load_text(data, file)


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=EXAMPLES, deadline=10_000, derandomize=os.environ.get("GENDOC_FUZZ_RANDOM") is None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(mutated_report(), punctuated_report()))
def test_the_line_reader_and_the_event_loop_load_the_same(example):
    """Whatever the file, the loader's answer is the event loop's: the same data (types
    included: 10 is not "10" nor Decimal("10")), the same position of every value and key,
    in the same order, the same findings."""
    seed, data = example
    fast, slow = load_text(data, str(seed)), _event_loop_only(data, str(seed))
    assert repr(fast.data) == repr(slow.data)
    assert list(fast.sourcemap._entries.items()) == list(slow.sourcemap._entries.items())
    assert fast.diagnostics == slow.diagnostics
    assert fast.text == slow.text
