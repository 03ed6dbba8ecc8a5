"""Reporters turn Diagnostics into text for a person, a program or a CI service."""
from __future__ import annotations

import json
import sys
from typing import Callable, Iterable, TextIO

from gendoc.diagnostics import Diagnostic

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def _where(d: Diagnostic) -> str:
    if d.line:
        return f"{d.file}:{d.line}:{d.col}"
    return d.file


def text(diagnostics: Iterable[Diagnostic], out: TextIO, lang: str, colour: bool) -> None:
    for d in diagnostics:
        severity = d.severity
        if colour:
            severity = f"{_COLOURS[d.severity]}{severity}{_RESET}"
        out.write(f"{_where(d)}: {severity}[{d.params.get('rule', d.code)}]: {d.message(lang)}\n")
        for loc in d.related:
            note = f" {loc.note_in(lang)}" if loc.note_in(lang) else ""
            out.write(f"    {loc.file}:{loc.line}:{loc.col}:{note}\n")


def as_json(diagnostics: Iterable[Diagnostic], out: TextIO, lang: str, colour: bool) -> None:
    items = [
        {
            "file": d.file, "line": d.line, "col": d.col, "severity": d.severity, "code": d.code,
            "rule": d.params.get("rule"), "path": d.path, "message": d.message(lang),
            "related": [{"file": r.file, "line": r.line, "col": r.col, "note": r.note_in(lang)} for r in d.related],
        }
        for d in diagnostics
    ]
    json.dump(items, out, ensure_ascii=False, indent=2)
    out.write("\n")


def github(diagnostics: Iterable[Diagnostic], out: TextIO, lang: str, colour: bool) -> None:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for d in diagnostics:
        message = _escape_data(d.message(lang))
        code = _escape_property(str(d.params.get("rule", d.code)))
        out.write(f"::{level[d.severity]} file={_escape_property(d.file)},line={d.line or 1},col={d.col or 1},"
                  f"title={code}::{message}\n")


def _escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF would end or corrupt the command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property (file=…): `,` and `:` separate properties too."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


REPORTERS: dict[str, Callable[[Iterable[Diagnostic], TextIO, str, bool], None]] = {
    "text": text, "json": as_json, "github": github,
}


def wants_colour(stream: TextIO) -> bool:
    import os

    # NO_COLOR set at all (even empty) or a terminal that declares itself dumb: no colour.
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb" or sys.platform == "win32":
        return False
    return hasattr(stream, "isatty") and stream.isatty()
