"""The common shape of a report file, read line by line without the YAML parser's events.

A report is written in a small part of YAML: block mappings with plain keys, lists of
mappings, one-line flow mappings and lists (`{natural: 3, legal: 0}`), literal blocks (`|`)
for prose, plain and quoted one-line scalars, comments. libyaml reads such a file quickly,
but turning its events into Python objects (an event and two marks per scalar) costs about
1 ms for a 17 KB report — a quarter of a build. This reader recognises that shape with a
few string operations per line and gives the same data and the same positions (value and
key of every path) as `yaml_loader`'s event loop.

It only ever answers for text it fully understands: anything else — a tab, an anchor, a
tag, an escape, a multi-line plain or flow scalar, an empty value, a duplicate key, a
document marker, an odd indentation, a character libyaml would refuse — makes it answer
None, and the event loop reads the file (and reports what is wrong with it, located). The
two are compared on thousands of mutated reports by tests/test_fuzz.py.
"""
from __future__ import annotations

import re
from typing import Any, Callable

# Characters libyaml's reader refuses (C0 and C1 controls but the line feed, surrogates,
# U+FFFE/U+FFFF), and what this reader leaves to the event loop: tabs (indentation or
# separation), backslashes (escapes), the byte order mark (libyaml accepts one inside the
# text) and the line breaks only libyaml counts (NEL, LS, PS).
UNUSUAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\\\\\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_MARKERS = ("---", "...", "%")  # document markers and directives, at the start of a line
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_-]{0,200}):(?: +|$)")  # the spaces after it taken too
# Where a plain scalar could be something else: a comment, a value indicator, a flow
# indicator (in flow context). First characters that start another kind of node.
_PLAIN_FIRST_BAD = frozenset(",[]{}#&*!|>'\"%@`:?")
# One entry of a one-line flow mapping or list: [key: ] "quoted" or plain, then , or the end.
_VALUE = r"""(?:"([^"]*)" *|([0-9]{1,99}) *|([^,\[\]{}#:'" ][^,\[\]{}#:'"]*))([,}\]])"""
_MAP_ENTRY = re.compile(r" *([A-Za-z0-9_][A-Za-z0-9_-]{0,200}): +" + _VALUE)
_SEQ_ENTRY = re.compile(r" *()" + _VALUE)
_EMPTY_FLOW = re.compile(r"[{\[] *[}\]]")

Pos = tuple  # (line, col), 1-based


class _Unknown(Exception):
    """The text strays from the common shape: the event loop reads it."""


def read_common_shape(text: str, max_depth: int, scalar: Callable[[str], Any],
                      positions: bool = True, screened: bool = False) -> tuple[dict, dict | None] | None:
    """(data, source map entries) of `text`, or None when it is not of the common shape.

    `scalar` gives a plain scalar's value (the loader's core-schema resolution); entries
    are `yaml_loader`'s: path -> (value position, key position or None). `positions`
    False: the data alone (entries None), for a loader that takes positions only when a
    finding needs one — most reports have none, and positions are a third of the work.
    `screened`: the caller has searched the text for `UNUSUAL`'s characters and found none."""
    if max_depth < 1 or not text.endswith("\n") or (not screened and UNUSUAL.search(text)) \
            or text.startswith(_MARKERS) \
            or "\n---" in text or "\n..." in text or "\n%" in text:
        return None
    try:
        return _Reader(text.split("\n"), max_depth, scalar, positions).read()
    except _Unknown:
        return None


class _Reader:
    def __init__(self, lines: list[str], max_depth: int, scalar: Callable[[str], Any], positions: bool = True):
        self.lines = lines
        self.max_depth = max_depth
        self.scalar = scalar
        # None: positions are not taken (every write below is guarded; the text is read and
        # refused exactly as with them).
        self.entries: dict[tuple, tuple[Pos, Pos | None]] | None = {} if positions else None

    def read(self) -> tuple[dict, dict | None]:
        lines, entries = self.lines, self.entries
        root: dict = {}
        # Open block collections, innermost last: [indent, container, path, seen keys or None]
        stack: list[list] = []
        pending: tuple | None = None  # (parent frame, key, key position): `key:` awaiting its block
        i, count = 0, len(lines)
        while i < count:
            line = lines[i]
            body = line.lstrip(" ")
            if not body or body[0] == "#":
                i += 1
                continue
            indent = len(line) - len(body)
            number = i + 1
            if not stack:
                if indent or root:
                    raise _Unknown  # an indented first key, or a second top-level node
                stack.append([0, root, (), {}])
                if entries is not None:
                    entries[()] = ((number, 1), None)
            elif pending is not None:
                parent, key, key_pos = pending
                pending = None
                if indent <= parent[0]:
                    raise _Unknown  # `key:` with nothing under it (null)
                if len(stack) >= self.max_depth:
                    raise _Unknown
                is_list = body.startswith("- ")
                container: Any = [] if is_list else {}
                parent[1][key] = container
                if entries is not None:
                    path = parent[2] + (key,)
                    entries[path] = ((number, indent + 1), key_pos)
                else:
                    path = ()  # paths serve positions only
                stack.append([indent, container, path, None if is_list else {}])
            else:
                while indent < stack[-1][0]:
                    stack.pop()
                if indent != stack[-1][0]:
                    raise _Unknown  # deeper than the open collection: a continuation line
            frame = stack[-1]
            if frame[3] is None:  # a list: `- item`
                if not body.startswith("- "):
                    raise _Unknown
                item = body[2:].lstrip(" ")
                col = indent + 1 + len(body) - len(item)
                seq = frame[1]
                path = frame[2] + (len(seq),) if entries is not None else ()
                if _KEY.match(item):  # `- key: value`: a mapping starts here
                    if len(stack) >= self.max_depth:
                        raise _Unknown
                    mapping: dict = {}
                    seq.append(mapping)
                    if entries is not None:
                        entries[path] = ((number, col), None)
                    frame = [col - 1, mapping, path, {}]
                    stack.append(frame)
                    body = item
                else:
                    if entries is not None:
                        entries[path] = ((number, col), None)  # before its items, as the events come
                    value = self.inline(item, number, col, path, len(stack))
                    seq.append(value)
                    i += 1
                    continue
            # a mapping entry: `key: value`, `key: |`, `key:` (a block follows)
            m = _KEY.match(body)
            if m is None:
                raise _Unknown
            key = m.group(1)
            seen = frame[3]
            if key in seen:
                raise _Unknown  # a duplicate: the event loop reports it
            value_text = body[m.end():]
            if entries is not None:
                key_pos = (number, len(line) - len(body) + 1)
                col = key_pos[1] + m.end()
                path = frame[2] + (key,)
            else:  # without positions, nothing to work out but the value
                key_pos, col, path = None, 0, ()
            seen[key] = key_pos
            if not value_text or value_text[0] == "#":
                pending = (frame, key, key_pos)
                i += 1
                continue
            if value_text[0] == "|":
                if value_text[1:].strip(" ") and not value_text[1:].lstrip(" ").startswith("#"):
                    raise _Unknown  # chomping or indentation indicators
                if value_text[1:2] not in ("", " "):
                    raise _Unknown
                text, i = self.literal(i + 1, frame[0])
                frame[1][key] = text
                if entries is not None:
                    entries[path] = ((number, col), key_pos)
                continue
            if entries is not None:
                entries[path] = ((number, col), key_pos)
            value = self.inline(value_text, number, col, path, len(stack))
            frame[1][key] = value
            i += 1
        if pending is not None or not root:
            raise _Unknown
        return root, entries

    # -- a literal block (`|`, clipped) ----------------------------------------------------
    def literal(self, start: int, parent_indent: int) -> tuple[str, int]:
        """The text of a `|` block whose content starts on line index `start`; the index of
        the line after it."""
        lines, count = self.lines, len(self.lines) - 1  # the last item is the "" after the final \n
        if start >= count or not lines[start].strip(" "):
            raise _Unknown  # empty, or leading blank lines (libyaml weighs their indentation)
        first = lines[start]
        indent = len(first) - len(first.lstrip(" "))
        if indent <= parent_indent:
            raise _Unknown  # an empty block
        out: list[str] = []
        i = start
        while i < count:
            line = lines[i]
            if not line:
                out.append("")
            elif line[:indent].strip(" "):
                break  # less indented: the block is over
            elif not line.strip(" "):
                raise _Unknown  # a line of spaces only (content or not: libyaml decides)
            else:
                out.append(line[indent:])
            i += 1
        while out and not out[-1]:
            out.pop()
            i -= 1
        # Trailing empty lines belong to no one: give them back (they are blank anyway).
        return "\n".join(out) + "\n", i

    # -- one-line values ---------------------------------------------------------------------
    def inline(self, text: str, number: int, col: int, path: tuple, depth: int) -> Any:
        """The value written on the rest of a line from `text` (line `number`, column
        `col`): a one-line flow collection, a quoted or a plain scalar, then at most a
        comment."""
        first = text[0]
        if first == "{" or first == "[":
            if depth >= self.max_depth:
                raise _Unknown
            value, used = self.flow(text, number, col, path, depth + 1)
        elif first == '"':
            used = text.find('"', 1) + 1
            if not used:
                raise _Unknown
            value = text[1:used - 1]
        elif first == "'":
            end = 1
            while True:
                end = text.find("'", end)
                if end < 0:
                    raise _Unknown
                if text[end + 1:end + 2] != "'":
                    break
                end += 2
            value, used = text[1:end].replace("''", "'"), end + 1
        else:
            if first in _PLAIN_FIRST_BAD or (first == "-" and text[1:2] in ("", " ")):
                raise _Unknown
            cut = text.find(" #")
            plain = (text if cut < 0 else text[:cut]).rstrip(" ")
            if ": " in plain or plain[-1] == ":":
                raise _Unknown
            return self.scalar(plain)
        if used < len(text):
            after = text[used:].lstrip(" ")
            if after and (after[0] != "#" or text[used] != " "):
                raise _Unknown
        return value

    def flow(self, text: str, number: int, col: int, path: tuple, depth: int) -> tuple[Any, int]:
        """A one-line flow mapping or list of scalars at the start of `text`; (value,
        characters used). One regular expression match per entry: these lines are most of
        a report (a row of a table each)."""
        entries, scalar = self.entries, self.scalar
        is_map = text[0] == "{"
        out: Any = {} if is_map else []
        empty = _EMPTY_FLOW.match(text)
        if empty is not None:
            if (text[empty.end() - 1] == "}") != is_map:
                raise _Unknown
            return out, empty.end()
        entry = _MAP_ENTRY.match if is_map else _SEQ_ENTRY.match
        close = "}" if is_map else "]"
        at = 1
        while True:
            m = entry(text, at)
            if m is None:
                raise _Unknown
            key, quoted, figure, plain, sep = m.groups()
            if figure is not None:
                value: Any = int(figure)  # a figure: the common case, as _number reads it
            elif quoted is None:
                if plain[-1] == " ":
                    plain = plain.rstrip(" ")
                if plain.isdigit() and plain.isascii() and len(plain) < 100:
                    value = int(plain)
                else:
                    first = plain[0]
                    if first in _PLAIN_FIRST_BAD or (first == "-" and plain[1:2] in ("", " ")):
                        raise _Unknown
                    value = scalar(plain)
            else:
                value = quoted
            if entries is not None:  # the value's column: its first character, a quote included
                at_value = m.start(2) - 1 if quoted is not None else m.start(3) if figure is not None else m.start(4)
            if is_map:
                if key in out:
                    raise _Unknown
                out[key] = value
                if entries is not None:
                    entries[path + (key,)] = ((number, col + at_value), (number, col + m.start(1)))
            else:
                if entries is not None:
                    entries[path + (len(out),)] = ((number, col + at_value), None)
                out.append(value)
            at = m.end()
            if sep == close:
                return out, at
            if sep != ",":
                raise _Unknown
