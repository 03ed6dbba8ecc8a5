"""Markdown and HTML text helpers shared by the render stage: narrative Markdown to safe
HTML, raw HTML and code-running links made inert in Markdown output, table-cell escaping."""
from __future__ import annotations

import functools
import html
import re
from typing import Any

from markupsafe import Markup

def md_cell(value: Any) -> str:
    """Text safe inside a Markdown pipe-table cell: one line, `|` and `\\` escaped."""
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|")


def oneline(value: Any) -> str:
    """Text on one line (headings): runs of whitespace and line breaks become one space."""
    return " ".join(str(value).split())


# `<` that would open an HTML tag, comment or declaration — but not an autolink
# (<https://…>, <name@host>), which is Markdown, not HTML.
_RAW_HTML_START = re.compile(
    r"<(?=[A-Za-z/!?])"
    r"(?![A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>)"
    r"(?![A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?>)"
)


def neutralize_html(markdown: str) -> str:
    """Markdown with its raw HTML made literal text (`<` → `&lt;`); autolinks are kept.

    The Markdown output keeps a narrative as Markdown; this gives it the safety the HTML
    output gets from CommonMark with raw HTML switched off. It is deliberately blunt: code
    spans and blocks are escaped too (they would show `&lt;`), because telling them apart
    exactly as every Markdown renderer does is where tags slip through — and report prose
    has no code.
    """
    if "<" in markdown:
        markdown = _RAW_HTML_START.sub("&lt;", markdown)
    return unsafe_links_inert(markdown)


def unsafe_links_inert(markdown: str) -> str:
    """The Markdown with every link or image a CommonMark renderer would give a code-running
    URL (javascript:, vbscript:, data:, file:) made plain text.

    Destinations hide their scheme in many ways — `<javascript:…>`, `javascript&colon;`,
    `&#106;avascript:`, reference definitions, autolinks — so the text is parsed as a
    renderer would parse it, every destination checked as a browser would read it, and the
    blocks holding an unsafe one have their link syntax (`[`, `]`, `<`, `&`) written as
    character references, which CommonMark never reads as syntax. Text in which no
    scheme could hide skips the parse."""
    for _ in range(4):
        lines = _lines_with_unsafe_links(markdown)
        if not lines:
            return markdown
        rows = markdown.split("\n")
        for number in lines:
            rows[number] = _inert(rows[number])
        markdown = "\n".join(rows)
    return markdown


_UNSAFE_SCHEMES = "javascript|vbscript|data|file"  # the schemes a link may not use (they run code)
_UNSAFE_SCHEME = re.compile(rf"(?:{_UNSAFE_SCHEMES}):", re.IGNORECASE)
# What browsers drop inside a scheme: controls, spaces, line breaks, the backslash.
_INVISIBLE = frozenset(map(chr, [*range(0x21), 0x5C, 0x7F]))
_INVISIBLE_IN_URL = re.compile("[" + re.escape("".join(sorted(_INVISIBLE))) + "]")


def _unsafe_url(url: str) -> bool:
    from urllib.parse import unquote

    plain = _INVISIBLE_IN_URL.sub("", html.unescape(unquote(url)))
    return bool(_UNSAFE_SCHEME.match(plain))


# A scheme's name just before a colon, as `_UNSAFE_SCHEME` reads it (case-blind, letters
# that fold into ASCII ones included); the longest name has 10 letters.
_SCHEME_AT_END = re.compile(rf"(?:{_UNSAFE_SCHEMES})\Z", re.IGNORECASE)
# The ASCII characters a scheme's name can end with. The last visible character before
# most colons of a page — its tables' alignment rows, `| :--- |` — is `|` or `-`: no scheme
# ends there, and the look back is not taken. (After any other character, non-ASCII ones
# included since some fold into ASCII letters, it is.)
_LAST_LETTERS = "".join({name[-1] for name in _UNSAFE_SCHEMES.split("|")})
_ASCII_SCHEME_ENDS = frozenset(_LAST_LETTERS + _LAST_LETTERS.upper())


def _could_hide_scheme(markdown: str) -> bool:
    """Whether, once character references are read and invisible characters dropped, a
    scheme that runs code stands anywhere in the text (as `_UNSAFE_SCHEME.search` would say
    of the whole). Only the visible letters before each colon are looked at, and only where
    the last of them could end a scheme: a Markdown page of 9,000 characters (61 colons,
    most in its tables' alignment rows) costs 13 µs, a case-blind search over all of it
    0.25 ms (docs/performance.md)."""
    if ":" not in markdown and "&" not in markdown:
        return False  # a scheme ends in ":", typed or as a character reference (most prose)
    if "&" in markdown:
        markdown = html.unescape(markdown)
    colon = markdown.find(":")
    while colon >= 0:
        # The last visible character before the colon (the runs of invisible ones walked
        # back over lie between colons: the scan stays linear).
        last = colon - 1
        while last >= 0 and markdown[last] in _INVISIBLE:
            last -= 1
        if last < 0 or (markdown[last].isascii() and markdown[last] not in _ASCII_SCHEME_ENDS):
            colon = markdown.find(":", colon + 1)
            continue
        # The ten visible characters before the colon; a longer look back only where
        # invisible ones pad the name (each look back stops at the tenth visible one, so
        # the whole scan stays linear).
        reach = 16
        while True:
            word = _INVISIBLE_IN_URL.sub("", markdown[max(0, colon - reach):colon])
            if len(word) >= 10 or reach >= colon:
                break
            reach *= 4
        if _SCHEME_AT_END.search(word[-10:]):
            return True
        colon = markdown.find(":", colon + 1)
    return False


def _inert(line: str) -> str:
    return line.replace("&", "&amp;").replace("[", "&#91;").replace("]", "&#93;").replace("<", "&lt;")


def _lines_with_unsafe_links(markdown: str) -> list[int]:
    """Numbers (0-based) of the lines of every block that holds an unsafe destination."""
    if not _could_hide_scheme(markdown):
        return []
    lines: set[int] = set()
    for token in _permissive_parser().parse(markdown):
        if token.type != "inline" or not token.children or token.map is None:
            continue
        for child in token.children:
            url = child.attrGet("href") if child.type == "link_open" else child.attrGet("src") if child.type == "image" else None
            if url is not None and _unsafe_url(str(url)):
                lines.update(range(token.map[0], token.map[1]))
    return sorted(lines)


@functools.lru_cache(maxsize=1)
def _permissive_parser():
    """CommonMark as any renderer reads it, accepting every link: to find the unsafe ones."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True})
    setattr(parser, "validateLink", lambda url: True)  # noqa: B010 — mypy refuses assigning to a method
    return parser


@functools.lru_cache(maxsize=1)
def _markdown_renderer():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def narrative_output(text: str, fmt: str) -> Markup:
    text = text.strip("\n")
    if fmt == "html":
        return Markup(_markdown_html(text))
    return Markup(neutralize_html(text))


@functools.lru_cache(maxsize=4096)
def _markdown_html(text: str) -> str:
    """Markdown → HTML is a pure function, and much prose (problems, measures, the parts
    without figures) is the same from report to report: convert each text once."""
    plain = plain_paragraphs(text)
    if plain is not None:
        return plain
    rendered: str = _markdown_renderer().render(text)
    return rendered.rstrip("\n")


# Report prose is mostly plain paragraphs. When a text has nothing CommonMark could read as
# markup — no markup characters, no line that could start a list, heading, quote, code
# block or thematic break, no trailing spaces (hard breaks) — its HTML is simply each
# paragraph in <p>, which is what markdown-it would produce (a test checks they agree).
# Markup characters, and every whitespace character but the plain space and the line break
# (what `[^\S \n]` matches, written out: a class of characters is searched for quickly, a
# negated one tried at every position).
_OTHER_SPACE = "\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_NOT_PLAIN = re.compile(f"[\\\\`*_\\[\\]<>#|~&!\"=+{_OTHER_SPACE}]")
# A dash means something only at the start of a line (a list item, a thematic break, a
# heading's underline); inside one — a date, a web address — it is text.
_LIST_START = re.compile(r"\d{1,9}[.)]|-")  # at the start of a line, after its spaces


def plain_paragraphs(text: str) -> str | None:
    """The HTML of text made of plain paragraphs only, or None when it may hold markup."""
    if _NOT_PLAIN.search(text):
        return None
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        body = line.lstrip(" ")
        if not body:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        if _LIST_START.match(body) or line[-1] == " " or len(line) - len(body) >= 4:
            return None  # a list item or break, trailing spaces (a hard break), indented code
        paragraphs[-1].append(body)
    return "\n".join(f"<p>{chr(10).join(lines)}</p>" for lines in paragraphs if lines)
