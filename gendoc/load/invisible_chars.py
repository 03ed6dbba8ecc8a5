"""Characters that change how text reads without being seen: bidi controls and zero-width
characters. A U+202E (RIGHT-TO-LEFT OVERRIDE) before `01` makes a page show `10`; a figure
must read in the page as it is in the data, so such a character anywhere in a report file is
a located finding (Y014), and one produced by a narrative (a character reference such as
`&#x202e;`, a Jinja string escape) is N007.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from gendoc.diagnostics import ERROR, Diagnostic

# Bidi embeddings, overrides and isolates; marks (LRM, RLM, ALM); zero-width space, joiners,
# word joiner and invisible operators; the byte-order mark inside text.
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class Found:
    offset: int
    char: str

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def name(self) -> str:
        return unicodedata.name(self.char, "")


class InvisibleCharacter(ValueError):
    def __init__(self, found: Found):
        super().__init__(f"{found.codepoint} {found.name}")
        self.found = found


def invisible_in(text: str, *, decode_references: bool = False) -> Found | None:
    """The first invisible character of `text` (after decoding HTML character references
    when they will be decoded downstream, as Markdown and HTML do)."""
    if decode_references and "&" in text:
        text = html.unescape(text)
    match = INVISIBLE.search(text)
    return Found(match.start(), match.group()) if match else None


def invisible_characters(text: str | None, file: str, searched: bool = False) -> list[Diagnostic]:
    """Y014 for each line holding invisible characters (the first one on it), with its place.
    A byte-order mark at the very start of the file is the encoding's, not the text's.
    `searched`: the caller found none in `text` already (the loader searches a file once for
    these and for the characters its line reader refuses)."""
    if not text or searched:
        return []
    start = 1 if text.startswith("\ufeff") else 0
    if INVISIBLE.search(text, start) is None:  # nearly every file: one search, no split
        return []
    findings = []
    for number, line in enumerate(text[start:].split("\n"), 1):
        match = INVISIBLE.search(line)
        if match:
            found = Found(match.start(), match.group())
            findings.append(Diagnostic(ERROR, "Y014", {"char": found.codepoint, "name": found.name}, file,
                                       number, match.start() + 1))
    return findings
