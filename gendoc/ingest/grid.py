"""rowspan/colspan → an expanded grid, the way a browser lays out a table.

No HTML parser does this; it is shared by the HTML and Word readers and by the tests that
read gendoc's own HTML back. Each source cell is placed at the first free position of its
row (positions taken by a rowspan from above are skipped); it then covers `colspan` ×
`rowspan` positions, all holding the same cell. Rows come out padded to the widest row, so
a ragged published table still gives a rectangle (padding is None).
"""
from __future__ import annotations

from typing import Sequence, TypeVar

T = TypeVar("T")
# Browsers clamp spans too (colspan ≤ 1000, rowspan ≤ 65534); a hostile page must not make a
# grid of a billion positions.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 1000


def expand(rows: Sequence[Sequence[tuple[T, int, int]]]) -> list[list[T | None]]:
    """rows of (cell, colspan, rowspan) → rows of cells, merged cells repeated."""
    grid: list[list[T | None]] = []
    pending: dict[tuple[int, int], T] = {}  # positions filled from rows above
    for r, row in enumerate(rows):
        out: list[T | None] = []
        c = 0

        def fill_pending(r: int = r, out: list[T | None] = out) -> None:  # this row's, bound now
            nonlocal c
            while (r, c) in pending:
                out.append(pending.pop((r, c)))
                c += 1

        for cell, colspan, rowspan in row:
            fill_pending()
            colspan = max(1, min(int(colspan or 1), MAX_COLSPAN))
            rowspan = max(1, min(int(rowspan or 1), MAX_ROWSPAN, len(rows) - r))
            for dc in range(colspan):
                out.append(cell)
                for dr in range(1, rowspan):
                    pending[(r + dr, c + dc)] = cell
            c += colspan
        fill_pending()
        # a rowspan from above may also reach past this row's last cell, with gaps before it
        for (pr, pc) in sorted(k for k in pending if k[0] == r):
            while len(out) < pc:
                out.append(None)
            out.append(pending.pop((pr, pc)))
        grid.append(out)
    width = max((len(row) for row in grid), default=0)
    return [row + [None] * (width - len(row)) for row in grid]
