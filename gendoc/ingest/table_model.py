"""What a kind's tables look like, in labels: for every figure, the labels of its row and of
its column, read from the kind's schema (the official titles and `x-layout`s).

The label matcher compares published tables with this, so a new kind or a changed format is
a schema change, never a code change. Labels are compared by `label_key` (numbering, quotes
and spaces dropped).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gendoc.ingest.normalize import label_key


@dataclass(frozen=True)
class FigureSpec:
    path: tuple
    row: tuple            # the row's data path (the table's own path for a one-row table)
    row_keys: tuple       # label keys of the row, outermost first (no table title)
    col_keys: tuple       # label keys of the column header, outermost first
    derived: bool
    signed: bool          # may be negative (本年增/减)
    unit_path: tuple = ()     # the sibling property holding this figure's unit (x-unit-for), if any
    unit_values: tuple = ()   # the units that property admits (its enum)


@dataclass
class RowSpec:
    path: tuple
    keys: tuple
    title: str
    figures: list[FigureSpec] = field(default_factory=list)


@dataclass
class TableModel:
    key: str
    title: str
    title_key: str
    layout: str
    rows: list[RowSpec]
    # label key → the rows it is most like, filled by the label matcher: a stray label recurs
    # in every report of an audit, and a fuzzy comparison with every row costs
    closest: dict[str, list[RowSpec]] = field(default_factory=dict, compare=False, repr=False)
    column_keys: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.column_keys = frozenset(k for r in self.rows for f in r.figures for k in f.col_keys)

    def figures(self) -> list[FigureSpec]:
        return [f for r in self.rows for f in r.figures]


# The layouts whose tables are read back by label (a `form`, label beside value, is not).
READABLE_LAYOUTS = ("rows", "subtables", "columns")


def table_models(index) -> list[TableModel]:
    """Every table of the kind (top-level properties with an `x-layout` of a readable kind),
    in schema order; none for a kind whose document is not read back."""
    memo = index.cache("#ingest-tables")
    if "models" not in memo:
        memo["models"] = [_model(index, key) for key in index.properties(())
                          if isinstance(index.get((key,), "x-layout"), dict)
                          and index.get((key,), "x-layout").get("kind") in READABLE_LAYOUTS]
    return memo["models"]


def _model(index, key: str) -> TableModel:
    layout = index.get((key,), "x-layout")["kind"]
    title = index.title((key,)) or key
    rows: dict[tuple, RowSpec] = {}
    depth_of_table = 1

    def figures(path: tuple):
        names = [n for n in index.properties(path) if not index.get(path + (n,), "x-unit-for")]
        if not names:
            yield path
        for name in names:
            yield from figures(path + (name,))

    for path in figures((key,)):
        row = (key,) if layout == "columns" else path[:-1]
        if row not in rows:
            chain = index.chain(row)[depth_of_table:]
            rows[row] = RowSpec(row, tuple(label_key(t) for t in chain), chain[-1] if chain else "")
        row_len = len(index.chain(row))
        col_chain = index.chain(path)[row_len:]
        minimum = index.get(path, "minimum")
        unit = next((path[:-1] + (n,) for n in index.properties(path[:-1])
                     if index.get(path[:-1] + (n,), "x-unit-for") == path[-1]), ())
        rows[row].figures.append(FigureSpec(
            path=path, row=row, row_keys=rows[row].keys,
            col_keys=tuple(label_key(t) for t in col_chain),
            derived=bool(index.get(path, "x-derived") or _derived_above(index, path)),
            signed=isinstance(minimum, (int, float)) and minimum < 0,
            unit_path=unit, unit_values=tuple(index.get(unit, "enum") or ()) if unit else (),
        ))
    return TableModel(key, title, label_key(title), layout, list(rows.values()))


def _derived_above(index, path: tuple) -> bool:
    """（七）总计 is derived as a whole row: every figure in it is."""
    return any(index.get(path[:i], "x-derived") for i in range(2, len(path)))
