"""Stage 1 — load: YAML bytes -> plain data + SourceMap + diagnostics.

Nothing here prints, exits or raises for bad input: every problem of the file becomes a
``Diagnostic`` (codes F001–F003, Y001–Y013) and, when any of them is an error, ``data`` is
``None``.

The data is built straight from the parser's *events* in one loop with an explicit stack
(no composer, no constructor, no recursion), which gives us:

* YAML 1.2 core-schema meaning for plain scalars (``no`` stays text, ``010`` is ten),
  numbers with a fraction or exponent as ``decimal.Decimal`` exactly as typed;
* the position of every value and key (the SourceMap);
* duplicate keys, anchors/aliases, unknown tags and complex keys reported with line:col,
  and nesting depth bounded — alias bombs and ``[[[[...`` cannot hurt.
"""
from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from gendoc.diagnostics import ERROR, Diagnostic, Location
from gendoc.load.decoding import decode, os_reason
from gendoc.load.fast_yaml import UNUSUAL, read_common_shape
from gendoc.load.invisible_chars import INVISIBLE
from gendoc.load.sourcemap import SourceMap, format_path
from gendoc.load.yaml_errors import syntax_diagnostic, too_deep_bracket

__all__ = ["Loaded", "load_file", "load_text", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH"]

DEFAULT_MAX_BYTES = 2_000_000
DEFAULT_MAX_DEPTH = 64
# A file with more findings than this is garbage; stop looking.
MAX_DIAGNOSTICS = 200

_Loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


@dataclass
class Loaded:
    data: Any | None
    sourcemap: SourceMap
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The decoded source (BOM removed, CRLF / CR line ends turned into LF so that
    # ``text.split("\n")[line - 1]`` is the line a diagnostic points at). None when the
    # file could not be read or decoded.
    text: str | None = None
    # The loader searched `text` for invisible characters and found none: Y014 (the check's
    # invisible_characters) need not search it again.
    no_invisible: bool = False


# ----------------------------------------------------------------------------------------
# public API


def load_file(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES,
              max_depth: int = DEFAULT_MAX_DEPTH) -> Loaded:
    """Read and load one report file. Never raises for a bad file; never writes to it."""
    file = os.fsdecode(path) if isinstance(path, (bytes, os.PathLike)) else str(path)

    def fail(code: str, params: dict, line: int = 0, col: int = 0) -> Loaded:
        return Loaded(None, SourceMap(file), [Diagnostic(ERROR, code, params, file, line, col)], None)

    try:
        st = os.stat(file)
    except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: NUL in the name
        return fail("F001", {"target": file})
    except OSError as exc:
        return fail("F003", {"reason": os_reason(exc)})
    if stat.S_ISDIR(st.st_mode) or not stat.S_ISREG(st.st_mode):
        # a folder, a FIFO, a device...: never open it (a FIFO would block forever)
        return fail("F002", {"target": file})
    if st.st_size > max_bytes:
        return fail("Y005", {"size": st.st_size, "limit": max_bytes})
    try:
        with open(file, "rb") as fh:
            # As many bytes as the stat said, and one more to see the file grew since: a
            # read of max_bytes + 1 allocates that much first (38 µs against 14 µs a report).
            raw = fh.read(st.st_size + 1)
            if len(raw) > st.st_size:
                raw += fh.read(max_bytes + 1 - len(raw))
            if len(raw) > max_bytes:  # it grew since the stat
                return fail("Y005", {"size": os.fstat(fh.fileno()).st_size, "limit": max_bytes})
    except FileNotFoundError:  # removed since the stat
        return fail("F001", {"target": file})
    except IsADirectoryError:
        return fail("F002", {"target": file})
    except OSError as exc:
        return fail("F003", {"reason": os_reason(exc)})

    text, diag = decode(raw, file)
    if diag is not None or text is None:
        return Loaded(None, SourceMap(file), [diag] if diag else [], None)
    return _load_decoded(text, file, max_depth)


def load_text(text: str | bytes, file: str = "<text>", *, max_depth: int = DEFAULT_MAX_DEPTH) -> Loaded:
    """Load YAML source already in memory. ``file`` is only used in positions and messages.

    ``bytes`` are accepted too and decoded exactly like ``load_file`` does.
    """
    file = str(file)
    if isinstance(text, (bytes, bytearray, memoryview)):
        decoded, diag = decode(bytes(text), file)
        if diag is not None or decoded is None:
            return Loaded(None, SourceMap(file), [diag] if diag else [], None)
        return _load_decoded(decoded, file, max_depth)
    return _load_decoded(text[1:] if text.startswith("\ufeff") else text, file, max_depth)


# ----------------------------------------------------------------------------------------
# decoding

_MISSING = object()
_SKIP = object()    # a mapping's pending key that must not be stored (duplicate / complex)
_NOKEY = object()   # a mapping waiting for its next key

_INF, _NAN = float("inf"), float("nan")
_NULLS = {"": None, "~": None, "null": None, "Null": None, "NULL": None}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_SPECIAL_FLOATS: dict[str, float] = {}
for _w in (".inf", ".Inf", ".INF"):
    _SPECIAL_FLOATS[_w] = _SPECIAL_FLOATS["+" + _w] = _INF
    _SPECIAL_FLOATS["-" + _w] = -_INF
for _w in (".nan", ".NaN", ".NAN"):
    _SPECIAL_FLOATS[_w] = _NAN
_CONSTANTS: dict[str, Any] = {**_NULLS, **_BOOLS, **_SPECIAL_FLOATS}

_NUMBER_START = frozenset("0123456789+-.")
_INT = re.compile(r"[-+]?[0-9]+").fullmatch
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?").fullmatch


def _number(s: str) -> Any:
    """The number a plain scalar starting with [0-9+-.] denotes, or the text itself."""
    if _INT(s):
        try:
            return int(s)
        except ValueError:  # more digits than sys.get_int_max_str_digits(): keep the text
            return s
    # YAML 1.2's 0o17 and 0x10 stay text: a figure is written in decimal, and a report
    # that reads 0x10 as 16 would silently print a number nobody typed (S001 says so).
    if _FLOAT(s):
        return Decimal(s)
    return s


_CORE = "tag:yaml.org,2002:"
_STR_TAG, _MAP_TAG, _SEQ_TAG = _CORE + "str", _CORE + "map", _CORE + "seq"
_SCALAR_TAGS = frozenset(_CORE + n for n in ("str", "int", "float", "bool", "null"))
_TAG_WANTS = {"int": ("整数", "an integer"), "float": ("数字", "a number"),
              "bool": ("true 或 false", "true or false"), "null": ("空值（null）", "null")}


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def _tagged_scalar(tag: str, s: str) -> Any:
    """Value of a scalar with an explicit core tag; _MISSING when the text does not fit."""
    name = tag[len(_CORE):]
    if name == "str":
        return s
    if name == "int":
        if _INT(s):
            v = _number(s)
            return v if isinstance(v, int) else _MISSING
        return _MISSING
    if name == "float":
        if s in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[s]
        return Decimal(s) if (_FLOAT(s) or _INT(s)) else _MISSING
    if name == "bool":
        return _BOOLS.get(s, _MISSING)
    return None if s in _NULLS else _MISSING  # null


def _kind_of(value: Any) -> tuple[str, str]:
    if isinstance(value, dict):
        return "键值对", "a mapping"
    if isinstance(value, list):
        return "列表", "a list"
    if isinstance(value, str):
        return "文字", "text"
    if isinstance(value, bool):
        return "真假值（true/false）", "a boolean"
    if isinstance(value, (int, float, Decimal)):
        return "数字", "a number"
    if value is None:
        return "空值", "null"
    return type(value).__name__, type(value).__name__


def _plain_scalar(value: str) -> Any:
    """A plain scalar's value, as the event loop below resolves it (for load/fast_yaml.py)."""
    v = _CONSTANTS.get(value, _MISSING)
    if v is _MISSING:
        return _number(value) if value[0] in _NUMBER_START else value
    return v


# ----------------------------------------------------------------------------------------
# the event loop


class _TooMany(Exception):
    pass


class _Build:
    """Mutable results of one pass over the events."""

    __slots__ = ("root", "root_pos", "root_empty", "docs", "spans", "error", "stopped")

    def __init__(self) -> None:
        self.root: Any = _MISSING
        self.root_pos = (1, 1)
        self.root_empty = False     # the document is an empty plain scalar (only comments)
        self.docs = 0
        self.spans: list[tuple[int, int, bool]] = []  # multi-line scalars: first, last line, plain?
        self.error: BaseException | None = None  # the parser's exception, if any
        self.stopped = False        # the loop ended early on purpose (Y006, Y008, too many)


def _build(text: str, file: str, max_depth: int, smap: SourceMap, diags: list[Diagnostic]) -> _Build:
    b = _Build()
    entries = smap._entries
    stack: list[list] = []   # frames: [container, path|None, is_map, pending_key, key_pos, seen_keys]
    constants_get = _CONSTANTS.get
    number_start = _NUMBER_START
    spans_append = b.spans.append

    def report(code: str, params: dict, pos: tuple[int, int], path: str = "",
               related: list[Location] | None = None) -> None:
        diags.append(Diagnostic(ERROR, code, params, file, pos[0], pos[1], path, related or []))
        # The first anchor or alias ends the parse: an alias bomb must cost nothing, and one
        # finding says all there is to say (report files never need them).
        if len(diags) >= MAX_DIAGNOSTICS or code == "Y004":
            raise _TooMany

    def place(value: Any, pos: tuple[int, int]):
        """Attach a value to the open collection (or make it the root); return its path."""
        if not stack:
            if b.root is _MISSING:
                b.root, b.root_pos = value, pos
                entries[()] = (pos, None)
                return ()
            return None
        frame = stack[-1]
        if frame[2]:
            key = frame[3]
            frame[3] = _NOKEY
            if key is _SKIP:
                return None
            frame[0][key] = value
            if frame[1] is None:
                return None
            path = frame[1] + (key,)
            entries[path] = (pos, frame[4])
            return path
        seq = frame[0]
        index = len(seq)
        seq.append(value)
        if frame[1] is None:
            return None
        path = frame[1] + (index,)
        entries[path] = (pos, None)
        return path

    def in_key_position() -> bool:
        return bool(stack) and stack[-1][2] and stack[-1][3] is _NOKEY

    # The parser's own get_event, called directly: yaml.parse() wraps it in a generator that
    # costs a third of the loop on a large report.
    parser = None
    try:
        parser = _Loader(text)  # inside the try: the reader may reject the text at once
        next_event = parser.get_event
        while True:
            ev = next_event()
            cls = ev.__class__
            if cls is StreamEndEvent:
                break
            if cls is ScalarEvent:
                mark = ev.start_mark
                pos = (mark.line + 1, mark.column + 1)
                if ev.anchor is not None:
                    report("Y004", {"token": "&" + ev.anchor}, pos)
                end = ev.end_mark
                if end.line != mark.line:
                    last = end.line if end.column else end.line - 1
                    if last > mark.line:   # (first line, last line, plain?) 1-based
                        spans_append((mark.line + 1, last + 1, ev.implicit[0]))
                value = ev.value
                tag = ev.tag
                if stack:
                    frame = stack[-1]
                    if frame[2] and frame[3] is _NOKEY:   # ---- a mapping key
                        if tag is not None and tag != "!" and tag not in _SCALAR_TAGS:
                            report("Y012", {"tag": _tag_name(tag)}, pos)
                        seen = frame[5]
                        first = seen.get(value)
                        if first is None:
                            seen[value] = pos
                            frame[3] = value
                        else:
                            report("Y003", {"key": value, "first_line": first[0]}, pos,
                                   format_path(frame[1] + (value,)) if frame[1] is not None else "",
                                   [Location(file, first[0], first[1], "first")])
                            frame[3] = _SKIP
                        frame[4] = pos
                        continue
                # ---- a value
                if tag is None:
                    if ev.implicit[0]:   # plain
                        v = constants_get(value, _MISSING)
                        if v is _MISSING:
                            v = _number(value) if value[0] in number_start else value
                        elif not value and not stack:
                            b.root_empty = True
                    else:
                        v = value
                elif tag == "!" or tag == _STR_TAG:
                    v = value
                elif tag in _SCALAR_TAGS:
                    v = _tagged_scalar(tag, value)
                    if v is _MISSING:
                        name = tag[len(_CORE):]
                        zh, en = _TAG_WANTS[name]
                        report("Y001", {"problem": f"标签 !!{name} 要求值为{zh}，但写的是「{value}」"
                                                   f"（!!{name} needs {en}, found '{value}'）"}, pos)
                        v = value
                else:
                    report("Y012", {"tag": _tag_name(tag)}, pos)
                    v = value
                place(v, pos)

            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                mark = ev.start_mark
                pos = (mark.line + 1, mark.column + 1)
                if len(stack) >= max_depth:
                    report("Y006", {"limit": max_depth}, pos)
                    b.stopped = True
                    break
                is_map = cls is MappingStartEvent
                if ev.anchor is not None:
                    report("Y004", {"token": "&" + ev.anchor}, pos)
                tag = ev.tag
                if tag is not None and tag != "!" and tag != (_MAP_TAG if is_map else _SEQ_TAG):
                    report("Y012", {"tag": _tag_name(tag)}, pos)
                container: Any = {} if is_map else []
                if in_key_position():
                    found, found_en = ("键值对", "a mapping") if is_map else ("列表", "a list")
                    report("Y013", {"found": found, "found_en": found_en}, pos)
                    parent = stack[-1]
                    parent[3], parent[4] = _SKIP, pos
                    path = None
                else:
                    path = place(container, pos)
                stack.append([container, path, is_map, _NOKEY, None, {} if is_map else None])

            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                stack.pop()

            elif cls is AliasEvent:
                mark = ev.start_mark
                pos = (mark.line + 1, mark.column + 1)
                report("Y004", {"token": "*" + (ev.anchor or "")}, pos)
                if in_key_position():
                    stack[-1][3], stack[-1][4] = _SKIP, pos
                else:
                    place(None, pos)

            elif cls is DocumentStartEvent:
                b.docs += 1
                if b.docs > 1:
                    mark = ev.start_mark
                    report("Y008", {}, (mark.line + 1, mark.column + 1))
                    b.stopped = True
                    break
    except _TooMany:
        b.stopped = True
    except (yaml.YAMLError, UnicodeEncodeError) as exc:
        b.error = exc
    finally:
        if parser is not None:
            parser.dispose()
    return b


# ----------------------------------------------------------------------------------------
# putting it together

# `natural：10`, `- year：2020`: an ASCII key followed by a full-width colon from a Chinese IME
_FULLWIDTH_KEY = re.compile(r"[ \t]*(?:-[ \t]+)*[A-Za-z_][A-Za-z0-9_-]*[ \t]*：")
_EXOTIC_BREAKS = re.compile("[\x85\u2028\u2029]")
# One search of a file for both the characters the line reader leaves to the event loop and
# the invisible ones (Y014): a file has neither, nearly always, and then neither looks again.
_UNUSUAL_OR_INVISIBLE = re.compile(f"{UNUSUAL.pattern}|{INVISIBLE.pattern}")


def _drop_prose_lines(found: dict[int, int], spans: list[tuple[int, int, bool]]) -> None:
    """Forget candidates on the 2nd.. lines of block, quoted and multi-line plain scalars: prose.

    A plain scalar that itself starts on a candidate line is the IME mistake swallowing the
    following lines (`natural：10` / `legal：5` read as one text): those lines stay reported.
    """
    lines = sorted(found)
    for first, last, plain in spans:
        if plain and first in found:
            continue
        lo = bisect.bisect_right(lines, first)
        hi = bisect.bisect_right(lines, last)
        for line in lines[lo:hi]:
            found.pop(line, None)


def _fullwidth_key_lines(text: str) -> dict[int, int]:
    """Line number -> column after the colon, for every line that starts with an ASCII key
    and a full-width colon. Only the lines holding a "：" are looked at, found with `find`
    from one to the next: a report has a handful, in prose, among 17 KB (splitting the text
    into lines and testing each cost ten times more)."""
    found: dict[int, int] = {}
    at = text.find("：")
    if at < 0:
        return found
    if "\x85" in text or "\u2028" in text or "\u2029" in text:  # lines as libyaml counts them
        for index, line in enumerate(_split_lines(text)):
            if "：" in line:
                m = _FULLWIDTH_KEY.match(line)
                if m is not None:
                    found[index + 1] = m.end()
        return found
    number, counted = 1, 0  # the line number of offset `counted`, the start of the last line looked at
    looked = False
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        if start != counted or not looked:  # a line not looked at yet
            number += text.count("\n", counted, start)
            counted, looked = start, True
            m = _FULLWIDTH_KEY.match(text, start)  # it cannot run past the line's end
            if m is not None:
                found[number] = m.end() - start
        at = text.find("：", at + 1)
    return found


def _split_lines(text: str) -> list[str]:
    """Lines as libyaml counts them (it also breaks on NEL, LS and PS)."""
    if _EXOTIC_BREAKS.search(text):
        return re.split("[\n\x85\u2028\u2029]", text)
    return text.split("\n")


def _common_shape_positions(text: str, max_depth: int) -> dict:
    """The positions of a text the common-shape reader has read once already (the reading
    is deterministic: the same text gives the same answer)."""
    again = read_common_shape(text, max_depth, _plain_scalar)
    if again is None or again[1] is None:
        raise RuntimeError("the common-shape reader answered differently for the same text")
    return again[1]


def _load_decoded(text: str, file: str, max_depth: int) -> Loaded:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    smap = SourceMap(file)
    diags: list[Diagnostic] = []
    lines: list[str] | None = None

    # Full-width colons after a key: candidate lines (prose lines are dropped below).
    found = _fullwidth_key_lines(text)
    clean = False
    if not found:
        # A file of the common shape is read without the parser's events (load/fast_yaml.py):
        # same data, same positions; anything else goes through the event loop below.
        clean = _UNUSUAL_OR_INVISIBLE.search(text) is None
        common = read_common_shape(text, max_depth, _plain_scalar, positions=False, screened=clean)
        if common is not None:
            # The positions are taken by a second reading, if and when a finding asks.
            smap.defer(lambda: _common_shape_positions(text, max_depth))
            return Loaded(common[0], smap, diags, text, no_invisible=clean)

    b = _build(text, file, max_depth, smap, diags)

    fullwidth_lines: set[int] = set()
    if found:
        _drop_prose_lines(found, b.spans)
        fullwidth_lines.update(found)
        for number in sorted(found)[:MAX_DIAGNOSTICS]:
            diags.append(Diagnostic(ERROR, "Y011", {}, file, number, found[number]))

    if b.error is not None:
        if lines is None:
            lines = _split_lines(text)
        d = syntax_diagnostic(b.error, _Loader is not yaml.SafeLoader, text, lines, file, fullwidth_lines)
        if d is not None and "maximum nesting depth" in str(getattr(b.error, "problem", "") or ""):
            # Newer libyaml builds stop deep flow nesting themselves, scanning ahead of the
            # events we count: report it as the same Y006, at the bracket one level too deep.
            at_line, at_col = too_deep_bracket(text, max_depth) or (d.line, d.col)
            d = Diagnostic(ERROR, "Y006", {"limit": max_depth}, file, at_line, at_col)
        if d is not None:
            diags.append(d)
    elif not b.stopped:
        if b.docs == 0 or (b.root is None and b.root_empty):
            diags.append(Diagnostic(ERROR, "Y009", {}, file, 1, 1))
        elif b.root is not _MISSING and not isinstance(b.root, dict) and b.root_pos[0] not in fullwidth_lines:
            what, what_en = _kind_of(b.root)
            diags.append(Diagnostic(ERROR, "Y010", {"found": what, "found_en": what_en},
                                    file, b.root_pos[0], b.root_pos[1]))

    if diags:
        diags.sort(key=lambda d: (d.line, d.col))
        return Loaded(None, smap, diags, text, no_invisible=clean)
    return Loaded(b.root, smap, diags, text, no_invisible=clean)


# ----------------------------------------------------------------------------------------
# syntax errors
