"""Where each value of a loaded report came from: data path -> (line, col).

A data path is a tuple of mapping keys (str) and list indices (int), e.g.
``("table3", "results", "granted", "natural")`` or ``("sections", "overview", "parts", 0, "text")``.
Lines and columns are 1-based and count characters (not bytes), as an editor shows them.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator

Path = tuple
Pos = tuple  # (line, col)

_ROOT_POS: Pos = (1, 1)


class SourceMap:
    """Positions of the value node and of the mapping key that introduced it, per data path.

    Unknown paths resolve to their nearest recorded ancestor, and finally to (1, 1), so a
    later stage can always point somewhere sensible (e.g. a *missing* key is reported at
    the mapping that should hold it).
    """

    __slots__ = ("file", "_store", "_later")

    def __init__(self, file: str = "") -> None:
        self.file = file
        # path -> (value_pos, key_pos or None). The loader writes this dict directly.
        self._store: dict[tuple, tuple[Pos, Pos | None]] = {}
        self._later: Callable[[], dict] | None = None

    def defer(self, take: Callable[[], dict]) -> None:
        """Take the positions only when one is first asked for: `take()` gives the entries.
        A report without findings never needs a position, and taking them all is a third
        of reading the file (load/fast_yaml.py)."""
        self._later = take

    @property
    def _entries(self) -> dict[tuple, tuple[Pos, Pos | None]]:
        if self._later is not None:
            take, self._later = self._later, None
            self._store.update(take())
        return self._store

    # -- recording -------------------------------------------------------------------
    def set(self, path: Iterable, value_pos: Pos, key_pos: Pos | None = None) -> None:
        self._entries[_as_path(path)] = (tuple(value_pos), None if key_pos is None else tuple(key_pos))

    # -- lookup ----------------------------------------------------------------------
    def value(self, path: Iterable = ()) -> Pos:
        """1-based (line, col) of the value at ``path`` (or of its nearest known ancestor)."""
        entry = self._nearest(_as_path(path))
        return entry[0] if entry is not None else _ROOT_POS

    def key(self, path: Iterable = ()) -> Pos:
        """1-based (line, col) of the key that introduced ``path``.

        List items and the root have no key: their value position is returned. Unknown
        paths walk up to the nearest known ancestor.
        """
        entry = self._nearest(_as_path(path))
        if entry is None:
            return _ROOT_POS
        value_pos, key_pos = entry
        position: tuple[int, int] = key_pos if key_pos is not None else value_pos
        return position

    def has(self, path: Iterable) -> bool:
        """True when this exact path was recorded (no walking up)."""
        return _as_path(path) in self._entries

    __contains__ = has

    def paths(self) -> Iterator[tuple]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"SourceMap({self.file!r}, {len(self._entries)} paths)"

    def _nearest(self, path: tuple):
        entries = self._entries
        while True:
            entry = entries.get(path)
            if entry is not None:
                return entry
            if not path:
                return None
            path = path[:-1]


def _as_path(path: Iterable) -> tuple:
    if type(path) is tuple:
        return path
    if isinstance(path, str):  # a single key given bare
        return (path,)
    return tuple(path)


def format_path(path: Iterable) -> str:
    """``("sections", "overview", "parts", 0, "text")`` -> ``"sections.overview.parts[0].text"``."""
    out: list[str] = []
    for part in _as_path(path):
        if isinstance(part, int) and not isinstance(part, bool):
            out.append(f"[{part}]")
        else:
            if out:
                out.append(".")
            out.append(str(part))
    return "".join(out)
