"""Published tables → figures, by label.

Rows are found by their labels (numbering, quotes and spaces ignored, small typos tolerated
with a note); columns by the labels above them. Two shapes of input:

- a **grid** (HTML, Word, pipe text): each value cell's row labels are the label cells of its
  row, its column labels the header cells above it since the last data row — so reordered,
  merged or split cells and a missing 总计 column are read correctly;
- a **stream** (one cell per line, as copying a page's table as text gives): labels and
  figures in reading order. A row's label is found among the labels before its figures
  (the rest are column headers); the figures fill the row's columns in the official order,
  skipping the columns whose header never appeared (a missing 总计 column).

Which table a block belongs to follows the tables' titles in the text; a grid with no title
before it goes to the table whose row labels it matches best.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from gendoc.ingest.document import Cell, Paragraph, SourceDocument, Table
from gendoc.ingest.normalize import Figure, figure_of, label_key, top_numbered
from gendoc.ingest.table_model import FigureSpec, RowSpec, TableModel

# one line holding a row's label and its figures, as PDF text extraction gives it
_LABEL_THEN_FIGURES = re.compile(r"^(?P<label>.*[^\d\s.,，、-])\s+(?P<figures>(?:\d[\d,.]*|[—/-])(?:\s+(?:\d[\d,.]*|[—/-]))*)$")
FUZZY = 0.8  # SequenceMatcher ratio above which a label is taken, with a note


@dataclass
class Reading:
    value: Any
    line: int
    col: int
    text: str         # the cell as published
    note: str = ""    # why the value is doubtful or how it was repaired


@dataclass
class Problem:
    """Something the matcher could not place: (code, params, line, col)."""

    code: str
    params: dict
    line: int = 0
    col: int = 0


@dataclass
class TableReading:
    figures: dict[tuple, Reading] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seen_tables: set = field(default_factory=set)   # table keys whose title or rows were found
    section_ends: list[int] = field(default_factory=list)
    # the column headers of each table's last grid, by table key: a table broken across pages
    # goes on without repeating them
    headers: dict = field(default_factory=dict)

    def score(self) -> int:
        return len(self.figures)


def read_tables(doc: SourceDocument, models: list[TableModel], stop_keys: set[str]) -> TableReading:
    """Every figure of `models` found in `doc`. `stop_keys`: label keys of headings after
    which no table content follows (the narrative sections after the tables)."""
    out = TableReading()
    titles = {m.title_key: m for m in models}
    current: TableModel | None = None
    stream: _Stream | None = None
    # A table cut in parts, one right after the other (gendoc's Markdown writes table 四 as
    # one narrow table per merged head), is read as one table.
    previous: TableModel | None = None
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            previous = None
            key = label_key(block.text)
            model = _title_match(key, titles, block.text)
            if model is not None:
                if stream:
                    stream.close()
                current = model
                out.seen_tables.add(model.key)
                stream = _Stream(model, out)
                continue
            if key in stop_keys or any(key.startswith(s) and len(key) < len(s) + 4 for s in stop_keys):
                if stream:
                    stream.close()
                current, stream = None, None
                continue
            if stream is not None:
                stream.feed(block)
        else:
            if stream:
                stream.close()
                stream = None
            inside = _title_in_table(block, titles)
            model = inside or current or previous or _best_model(block, models)
            if model is not None:
                out.seen_tables.add(model.key)
                _read_grid(block, model, out)
            current, previous = None, model
    if stream:
        stream.close()
    return out


def _title_match(key: str, titles: dict[str, TableModel], raw: str = "") -> TableModel | None:
    """The table a heading names. A heading numbered differently from the table's title
    (（一）主动公开政府信息情况 under 一、总体情况) is a narrative sub-heading, not the table."""
    for title_key, model in titles.items():
        if raw and _numbering(raw) and _numbering(raw) != _numbering(model.title) \
                and not (top_numbered(raw) and top_numbered(model.title) and title_key == key):
            # numbered otherwise: a sub-heading (（一）主动公开政府信息情况 under 一、总体情况);
            # but tables appended under their own numbers (一、主动公开政府信息情况 after a
            # report whose sections are numbered its own way) keep their exact titles
            continue
        if key == title_key or (key.startswith(title_key) and len(key) <= len(title_key) + 12):
            return model
        if title_key.startswith(key) and len(key) >= max(6, len(title_key) - 4):
            return model
    return None


def _numbering(text: str) -> str:
    m = re.match(r"\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、])", text)
    return m.group(1) if m else ""


def _title_in_table(table: Table, titles: dict[str, TableModel]) -> TableModel | None:
    for row in table.rows[:2]:
        for cell in row:
            model = _title_match(label_key(cell.text), titles) if cell.text else None
            if model is not None:
                return model
    return None


def _best_model(table: Table, models: list[TableModel]) -> TableModel | None:
    best, best_hits = None, 0
    labels = {label_key(c.text) for row in table.rows for c in row if c.text and figure_of(c.text) is None}
    for model in models:
        hits = sum(1 for r in model.rows if r.keys and r.keys[-1] in labels)
        if hits > best_hits:
            best, best_hits = model, hits
    return best


# -- label comparison ------------------------------------------------------------------------

def match_row(label: str, context: set[str], model: TableModel) -> tuple[RowSpec | None, str]:
    """The model row a published row label names (and a note when only approximately)."""
    key = label_key(label)
    if not key:
        return None, ""
    exact = [r for r in model.rows if r.keys and r.keys[-1] == key]
    if exact:
        return _by_context(exact, context), ""
    top = _closest_rows(key, model)
    if not top:
        return None, ""
    row = _by_context(top, context)
    return row, f"标签「{label}」按「{row.title}」读取"


def _closest_rows(key: str, model: TableModel) -> list[RowSpec]:
    """The rows whose label is most like `key` (at least FUZZY alike), remembered by the model."""
    memo = model.closest
    if key not in memo:
        scored = []
        for r in model.rows:
            if r.keys:
                ratio = difflib.SequenceMatcher(None, key, r.keys[-1]).ratio()
                if ratio >= FUZZY:
                    scored.append((ratio, r))
        best = max((ratio for ratio, _ in scored), default=None)
        memo[key] = [r for ratio, r in scored if ratio == best]
    return memo[key]


def _by_context(rows: list[RowSpec], context: set[str]) -> RowSpec:
    return max(rows, key=lambda r: sum(1 for k in r.keys[:-1] if k in context))


def _match_column(heads: list[str], row: RowSpec) -> FigureSpec | None:
    # flattened headers join the header path with "·": 法人或其他组织·商业企业
    keys = [label_key(part) for h in heads if h for part in h.split("·")]
    best, best_score = None, 0
    for fig in row.figures:
        if not fig.col_keys:
            continue
        leaf = fig.col_keys[-1]
        if leaf not in keys:
            continue
        # ancestors present break ties (行政复议 vs 复议后起诉 above 结果维持); a leaf found
        # high up the header (a group title that is also a column title) counts less
        depth = len(keys) - 1 - max(i for i, k in enumerate(keys) if k == leaf)
        score = 10 + sum(1 for k in fig.col_keys[:-1] if k in keys) - depth
        if score > best_score:
            best, best_score = fig, score
    return best


def _put(out: TableReading, fig: FigureSpec, figure: Figure, cell_text: str, line: int, col: int, note: str) -> None:
    if fig.path in out.figures:
        return  # the first reading of a figure wins (a table repeated further down the page)
    notes = "；".join(n for n in (figure.note, note) if n)
    value = figure.value
    if not fig.signed and isinstance(value, (int,)) and value < 0:
        out.problems.append(Problem("I012", {"text": cell_text, "label": "/".join(fig.path[1:])}, line, col))
        return
    out.figures[fig.path] = Reading(value, line, col, cell_text, notes)
    if figure.unit:
        if figure.unit in fig.unit_values:
            out.figures[fig.unit_path] = Reading(figure.unit, line, col, cell_text)
        else:  # a unit the column has no field for: the figure is kept as written, with a note
            out.figures[fig.path].note = "；".join(n for n in (notes, f"单位「{figure.unit}」与表头不一致，按原数读取，请核对") if n)


# -- grids -----------------------------------------------------------------------------------

def _read_grid(table: Table, model: TableModel, out: TableReading) -> None:
    width = max(len(r) for r in table.rows)
    heads: list[list[Cell]] = [[] for _ in range(width)]
    last_was_data = False
    context: set[str] = set()
    one_row = len(model.rows) == 1 and not model.rows[0].keys
    column_keys = model.column_keys
    for row in table.rows:
        kinds = [_class(c) for c in row]
        labels = _distinct([c for c, k in zip(row, kinds) if k == "label"])
        # flattened tables (Markdown, gendoc's own text outputs) join a row's labels with " / "
        label_texts = [part for c in labels for part in c.text.split(" / ") if part]
        matched, note = (None, "")
        column_words = sum(1 for t in label_texts for part in t.split("·") if label_key(part) in column_keys)
        for text in ([] if column_words >= 2 else reversed(label_texts)):  # the innermost label names the row
            matched, note = match_row(text, context | {label_key(t) for t in label_texts}, model)
            if matched is not None:
                break
        has_num = "num" in kinds
        if matched is None and one_row and has_num:
            matched = model.rows[0]
        if matched is None:
            if has_num and labels:
                out.problems.append(Problem("I011", {"label": " / ".join(label_texts), "table": model.title},
                                            labels[0].line, labels[0].col))
            if last_was_data:
                heads = [[] for _ in range(width)]
            for c, cell in enumerate(row):
                if kinds[c] == "label" and (not heads[c] or heads[c][-1].ident != cell.ident):
                    heads[c].append(cell)
            for cell in labels:
                context.add(label_key(cell.text))
            last_was_data = False
            continue
        if not last_was_data and not any(heads):
            width_before, heads_before = out.headers.get(model.key, (0, []))
            if width_before == width:
                heads = heads_before
        elif not last_was_data:
            out.headers[model.key] = (width, heads)
        last_was_data = True
        first_label_col = min((i for i, k in enumerate(kinds) if k == "label"), default=-1)
        seen: set[int] = set()
        unplaced = []
        for c, cell in enumerate(row):
            # a merged figure cell counts once; a merged blank cell is blank in every column it covers
            if kinds[c] == "label" or c < first_label_col or cell.ident in seen and kinds[c] != "blank":
                continue
            if kinds[c] == "blank" and not heads[c]:
                continue  # an empty cell under no header is filler, not a zero
            seen.add(cell.ident)
            figure = figure_of(cell.text)
            if figure is None:
                continue
            fig = _match_column([h.text for h in heads[c]], matched)
            if fig is None:
                unplaced.append((c, cell, figure))
                continue
            _put(out, fig, figure, cell.text, cell.line or table.line, cell.col, note)
        if unplaced and (not any(any(h.text for h in heads[c]) for c, _, _ in unplaced)
                         or not any(_names_a_column(h, model) for h in heads)):
            # no header above these figures, or no header in the whole grid that names a column
            # (the debris of a PDF extraction: 业 | 构 | 益组织): the official column order is all there is
            free = [f for f in matched.figures if f.path not in out.figures]
            for (_column, cell, figure), fig in zip(unplaced, free):
                _put(out, fig, figure, cell.text, cell.line or table.line, cell.col,
                     "；".join(n for n in (note, "表头缺失，按正式表格的列顺序读取") if n))
            out.problems.append(Problem("I013", {"label": matched.title or model.title}, table.line, 1))


def _names_a_column(heads: list[Cell], model: TableModel) -> bool:
    """Whether a column's header cells name, or begin to name, a column of the table (a
    header cut short, 本年新 for 本年新制作数量, still says which columns it might be)."""
    known = model.column_keys
    for head in heads:
        for part in head.text.split("·"):
            key = label_key(part)
            if key and (key in known or len(key) >= 3 and any(k.startswith(key) for k in known)):
                return True
    return False


def _class(cell: Cell) -> str:
    if not cell.text:
        return "blank"
    return "label" if figure_of(cell.text) is None else "num"


def _distinct(cells: list[Cell]) -> list[Cell]:
    seen, out = set(), []
    for c in cells:
        if c.ident not in seen:
            seen.add(c.ident)
            out.append(c)
    return out


# -- streams ---------------------------------------------------------------------------------

class _Stream:
    """One cell per line: labels and figures of one table in reading order."""

    def __init__(self, model: TableModel, out: TableReading):
        self.model = model
        self.out = out
        self.pending: list[Paragraph] = []
        self.heads: set[str] = set()
        self.row: RowSpec | None = None
        self.note = ""
        self.values: list[tuple[Paragraph, Figure]] = []
        self.context: set[str] = set()

    def feed(self, para: Paragraph) -> None:
        inline = _LABEL_THEN_FIGURES.match(para.text)
        if inline and figure_of(para.text) is None:
            # a row as one line of text (行政许可 97, 规章 0 0 0): its label, then its figures
            label = inline.group("label")
            self.feed(Paragraph(label, para.line, para.col))
            at = para.col + len(label)
            for number in inline.group("figures").split():
                self.feed(Paragraph(number, para.line, at + para.text.index(number, at - para.col)))
            return
        figure = figure_of(para.text)
        if figure is None:
            if self.values:
                self.close()
            self.pending.append(para)
            return
        if not self.values:
            self._resolve_row()
        self.values.append((para, figure))

    def _resolve_row(self) -> None:
        texts = [p.text for p in self.pending]
        self.row, self.note = None, ""
        found: tuple[int, RowSpec, str] | None = None
        # the shortest run of trailing labels that names a row exactly (labels wrap across
        # lines: 5.要求行政机关确认 / 或重新出具已获取信息); failing that, an approximate one
        for size in range(1, min(4, len(texts)) + 1):
            row, note = match_row("".join(texts[-size:]), self.context, self.model)
            if row is not None and not note:
                found = (size, row, note)
                break
        if found is None and texts:
            row, note = match_row(texts[-1], self.context, self.model)
            if row is not None:
                found = (1, row, note)
        if found is not None:
            size, self.row, self.note = found
            head_texts = texts[:-size]
        else:
            head_texts = texts
            if len(self.model.rows) == 1 and not self.model.rows[0].keys:
                self.row = self.model.rows[0]
        self._add_heads(head_texts)
        self.context |= {label_key(t) for t in texts}
        if self.row is None and self.pending:
            p = self.pending[-1]
            self.out.problems.append(Problem("I011", {"label": p.text, "table": self.model.title}, p.line, p.col))
        self.pending = []

    def _add_heads(self, texts: list[str]) -> None:
        i = 0
        known = self.model.column_keys
        while i < len(texts):
            for size in (3, 2, 1):  # headers wrap too: 本年新 / 制作数量
                key = label_key("".join(texts[i:i + size]))
                # a header cut short by the extraction (本年增/ for 本年增/减) still names it
                names = [key] if key in known else [k for k in known if len(key) >= 3 and k.startswith(key)]
                if len(names) == 1:
                    self.heads.add(names[0])
                    i += size
                    break
            else:
                i += 1

    def close(self) -> None:
        if self.row is not None and self.values:
            figures = self.row.figures
            present = [f for f in figures if f.col_keys and f.col_keys[-1] in self.heads]
            columns = present if present else figures
            for fig, (para, figure) in zip(columns, self.values):
                _put(self.out, fig, figure, para.text, para.line, para.col, self.note)
            if len(self.values) > len(columns):
                para = self.values[len(columns)][0]
                self.out.problems.append(Problem("I014", {"label": self.row.title, "expected": len(columns),
                                                          "found": len(self.values)}, para.line, para.col))
        self.values = []
        self.row = None
        self.note = ""
