"""Sentences that state a table figure, compared with the table.

The report this project started from says 收到政府信息公开申请4件 while its table 三 says 10.
A kind's `prose-claims.yaml` (in its schema folder, else schemas/common/) ties phrases to
table figures; this module finds those sentences and judges them. It serves two callers:
`gendoc import`/`audit` (published prose against published tables) and the check of
gendoc's own reports, where a literal figure that contradicts the table is an error (one
that agrees stays the N003 warning: it should still be a reference).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gendoc.check.expressions import DivisionByZero, ExpressionError, Missing, evaluate, parse, paths_in
from gendoc.check.numerals import NUMBER_PATTERN, parse_number
from gendoc.diagnostics import ERROR, Diagnostic

CLAIMS_FILE = "prose-claims.yaml"
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_SENTENCE_END = "。；;！？!?\n"


@dataclass(frozen=True)
class ClaimSpec:
    id: str
    label: str
    figure: Any   # parsed expression giving the figure, or None
    holds: Any    # parsed condition the sentence asserts, or None
    figure_text: str
    patterns: tuple


@dataclass(frozen=True)
class Claim:
    spec: ClaimSpec
    start: int          # offset of the match in the text
    end: int
    number_start: int   # offset of the stated number (-1 for statements without one)
    number_end: int
    stated: int | None
    quote: str          # the sentence, as written


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    actual: Any         # the table's figure (or the truth of `holds`)
    agrees: bool
    paths: tuple        # the table figures involved


class ClaimsError(Exception):
    """The kind's claims file is broken (a maintainer's mistake)."""


def claim_specs(kind) -> list[ClaimSpec]:
    """The kind's claims, compiled once per kind; claims naming figures the kind lacks are
    left out."""
    cached = kind.compiled.get("prose-claims")
    if cached is None:
        cached = kind.compiled["prose-claims"] = _load(kind)
    specs: list[ClaimSpec] = cached
    return specs


def _load(kind) -> list[ClaimSpec]:
    for folder in (kind.folder, kind.folder.parent / "common"):
        path = Path(folder) / CLAIMS_FILE
        if path.is_file():
            break
    else:
        return []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ClaimsError(f"{path}: {exc}") from exc
    specs = []
    for item in _expanded(doc.get("claims", []), kind.index):
        try:
            figure = parse(item["figure"], "number") if item.get("figure") else None
            holds = parse(item["holds"], "truth") if item.get("holds") else None
            patterns = tuple(re.compile(p.replace("{n}", NUMBER_PATTERN)) for p in item["patterns"])
        except (KeyError, ExpressionError, re.error) as exc:
            raise ClaimsError(f"{path}: claim {item.get('id')}: {exc}") from exc
        node = figure if figure is not None else holds
        if node is None or not all(_declared(kind.index, steps) for steps in paths_in(node)):
            continue
        specs.append(ClaimSpec(item["id"], item.get("label", item["id"]), figure, holds,
                               item.get("figure") or item.get("holds"), patterns))
    return specs


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、])")
_QUOTES = re.compile("[“”\"]")


def _expanded(items: list, index) -> list:
    """`rows_of` claims as one claim per row, from the schema's own labels."""
    out = []
    for item in items:
        if "rows_of" not in item:
            out.append(item)
            continue
        column = item["column"]
        for row in _rows_below(index, tuple(item["rows_of"].split("."))):
            if index.get(row, "x-derived") or column not in index.properties(row):
                continue
            label = _NUMBERING.sub("", index.title(row) or "")
            if len(_QUOTES.sub("", label)) < 4:  # 其他: too common a word to name a row
                continue
            phrase = _QUOTES.sub("[“”\"]?", re.escape(label).replace("“", "“").replace("”", "”"))
            out.append({"id": f"{item['id']}:{'.'.join(row)}", "label": index.title(row),
                        "figure": ".".join(row + (column,)),
                        "patterns": [p.replace("{label}", phrase) for p in item["patterns"]]})
    return out


def _rows_below(index, path: tuple):
    """Objects below `path` whose properties are all figures, in schema order."""
    names = index.properties(path)
    if names and all(not index.properties(path + (n,)) for n in names):
        yield path
        return
    for name in names:
        yield from _rows_below(index, path + (name,))


def _declared(index, steps: tuple) -> bool:
    plain = []
    for step in steps:
        if step == "*":
            break
        plain.append(step)
    return bool(index.exists(tuple(plain)))


def find_claims(specs: list[ClaimSpec], text: str) -> list[Claim]:
    """Every claim in `text` (Jinja blocks blanked first: a reference is not a claim)."""
    blanked = _JINJA.sub(lambda m: " " * len(m.group(0)), text) if "{" in text else text
    found: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for spec in specs:
        for pattern in spec.patterns:
            for m in pattern.finditer(blanked):
                if "n" in pattern.groupindex and m.group("n") is not None:
                    n_start, n_end = m.span("n")
                    stated = parse_number(m.group("n"))
                    if stated is None:
                        continue
                    if any(a <= n_start < b for a, b in taken):
                        continue  # one number, one claim: the first (most specific) wins
                    taken.append((n_start, n_end))
                else:
                    n_start = n_end = -1
                    stated = None
                found.append(Claim(spec, m.start(), m.end(), n_start, n_end, stated, _sentence(text, m.start(), m.end())))
    found.sort(key=lambda c: (c.start, c.spec.id))
    return found


def _sentence(text: str, start: int, end: int) -> str:
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i != -1]
    right = min(rights) + 1 if rights else len(text)
    quote = text[left:right].strip()
    if len(quote) > 120:  # a very long sentence: the part around the claim
        quote = "…" + text[max(left, start - 40):min(right, end + 40)].strip() + "…"
    return quote


def judge(claim: Claim, data: dict) -> Verdict | None:
    """The claim against the (derived) data; None when the figures are not there."""
    refs: list = []
    try:
        if claim.spec.figure is not None:
            actual = evaluate(claim.spec.figure, {"data": data}, refs)
            return Verdict(claim, actual, actual == claim.stated, tuple(r.path for r in refs))
        truth = evaluate(claim.spec.holds, {"data": data}, refs)
        return Verdict(claim, truth, bool(truth), tuple(r.path for r in refs))
    except (Missing, DivisionByZero):
        return None


def place_of(index, verdict: Verdict) -> str:
    """The table cells a claim is judged against, named by their official labels."""
    paths = verdict.paths
    if len(paths) == 1:
        return str(index.place(paths[0]))
    return verdict.claim.spec.label


def finding(verdict: Verdict, index, file: str, line: int, col: int, path: str = "") -> Diagnostic:
    """N010 (a stated figure differs from the table) or N011 (a statement the table refutes)."""
    claim = verdict.claim
    if claim.spec.figure is not None:
        return Diagnostic(ERROR, "N010", {
            "quote": claim.quote, "label": claim.spec.label, "stated": claim.stated,
            "place": place_of(index, verdict), "actual": verdict.actual}, file, line, col, path)
    return Diagnostic(ERROR, "N011", {"quote": claim.quote, "label": claim.spec.label,
                                      "detail": _detail(index, verdict)}, file, line, col, path)


def _detail(index, verdict: Verdict) -> str:
    return "，".join(f"{index.place(p)}" for p in verdict.paths[:4])


def contradictions(kind, data: dict, raw: dict, file: str, sourcemap, text: str | None) -> list[Diagnostic]:
    """gendoc's own reports: narrative claims (literal figures typed into prose) that the
    derived tables contradict. Only narratives with a literal figure or a claim phrase are
    looked at; an agreeing figure is left to the N003 warning."""
    from gendoc.check.prose_figures import figures_in, position_in_file
    from gendoc.kind.labels import format_path, narrative_paths
    from gendoc.plaindata import get_path

    specs = claim_specs(kind)
    if not specs:
        return []
    out = []
    lines: list[str] | None = None
    for path in narrative_paths(kind.index, raw):
        value = get_path(raw, path)
        if not figures_in(value):
            continue
        for claim in find_claims(specs, value):
            if claim.stated is None:  # statements may sit inside {% if %}: not judged here
                continue
            verdict = judge(claim, data)
            if verdict is None or verdict.agrees:
                continue
            if lines is None:
                lines = text.split("\n") if text else []
            offset = claim.number_start if claim.number_start >= 0 else claim.start
            line, col = position_in_file(sourcemap.value(path), value, offset, lines)
            out.append(finding(verdict, kind.index, file, line, col, format_path(path)))
    return out
