"""One published report → report data in the kind that fits it, with findings.

    read (by file type) → identify agency and year → read the tables by label with every
    kind, keep the kind the year requires (tables in another format are a finding) →
    published totals checked by the kind's own rules (R002 names both values) → narrative
    sections, with figures the prose states correctly turned into references → data.

Findings point into the source file. Nothing here writes files (see `write_report`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gendoc.check.prose_claims import claim_specs, find_claims, finding, judge
from gendoc.check.rules import apply_rules
from gendoc.diagnostics import ERROR, INFO, WARNING, Diagnostic, Location
from gendoc.ingest.document import Paragraph, SourceDocument
from gendoc.ingest.label_matcher import Reading, TableReading, read_tables
from gendoc.ingest.narrative import contacts, identify, published_date, sections, split_parts, title_patterns
from gendoc.ingest.normalize import label_key, top_numbered
from gendoc.ingest.prose_facts import facts_in
from gendoc.ingest.table_model import table_models
from gendoc.kind.labels import format_path
from gendoc.plaindata import copy_data

# Only a plain path (or a sum of plain paths) can become a {{ }} reference in a template.
_REFERABLE = re.compile(r"^[a-z_][\w.]*(?:\s*\+\s*[a-z_][\w.]*)*$")


@dataclass
class Imported:
    source: SourceDocument
    kind: Any = None
    agency: str | None = None
    year: int | None = None
    data: dict | None = None               # None: nothing worth writing (fatal finding)
    derived: dict | None = None            # data after the kind's derivations
    readings: dict = field(default_factory=dict)
    notes: dict[tuple, list[str]] = field(default_factory=dict)   # path → repairs/doubts
    findings: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == ERROR for d in self.findings)


class _SourcePositions:
    """A SourceMap stand-in for the kind's rules: a figure's position is the cell it was read
    from, so a broken rule points into the published page."""

    def __init__(self, file: str, readings: dict[tuple, Reading]):
        self.file = file
        self.readings = readings

    def value(self, path) -> tuple[int, int]:
        r = self.readings.get(tuple(path))
        return (r.line, r.col) if r else (0, 0)

    key = value


def import_document(doc: SourceDocument, registry) -> Imported:
    out = Imported(doc, findings=list(doc.findings))
    file = doc.file
    if any(d.severity == ERROR for d in doc.findings):
        return out
    kinds = [registry.get(k) for k in registry.ids()]
    kinds = [k for k in kinds if table_models(k.index)]
    ident = identify(doc, title_patterns(kinds))
    out.agency, out.year = ident.agency, ident.year
    readings = {k.id: _read(doc, k) for k in kinds}
    best = max(kinds, key=lambda k: (readings[k.id].score(), k.id), default=None)
    best_score = readings[best.id].score() if best else 0
    if ident.year is None:
        reason = "找不到标题“××××年政府信息公开工作年度报告”，也没有正式表格" if best_score == 0 else ""
        out.findings.append(Diagnostic(ERROR, "I001", {"reason": reason}, file, 1, 1) if best_score == 0
                            else Diagnostic(ERROR, "I007", {}, file, 1, 1))
        return out
    # the family is what the tables look like; the format within it is what the year requires
    kind = registry.for_year(ident.year, best.family if best is not None and best_score else None)
    if kind is None or not table_models(kind.index):
        out.findings.append(Diagnostic(ERROR, "I008", {
            "year": ident.year, "reason": "此前的年度报告没有统一的表格，无法按标签读取"}, file, ident.title_line, 1))
        return out
    if best_score == 0:
        out.findings.append(Diagnostic(ERROR, "I001", {"reason": "没有找到任何一张正式表格（表二、表三、表四）"},
                                       file, ident.title_line or 1, 1))
        return out
    if best is not None and best is not kind and best_score > readings[kind.id].score() * 1.2:
        out.findings.append(Diagnostic(ERROR, "I009", {"year": ident.year, "expected": kind.title, "found": best.title},
                                       file, ident.title_line or 1, 1))
        return out
    out.kind = kind
    tables = readings[kind.id]
    out.readings = tables.figures
    _table_findings(out, tables, kind)
    _rows_of_another_format(out, kind, kinds, readings, tables)
    _truncation(out, doc, kind, ident, tables)
    data = _data(out, doc, kind, ident, tables)
    positions = _SourcePositions(file, tables.figures)
    # the published totals go through the kind's own derivations: one that differs is R002,
    # with both values; the file itself leaves totals to derivation
    published = copy_data(data)
    for fig in (f for m in table_models(kind.index) for f in m.figures() if f.derived):
        if fig.path in tables.figures:
            _set(published, fig.path, tables.figures[fig.path].value)
    report, rule_findings = apply_rules(kind, published, file, positions)
    for d in rule_findings:
        _say_if_blank(d, tables.figures, file)
    out.findings.extend(rule_findings)
    out.derived = report.data
    _narrative(out, doc, kind, ident, data, report.data)
    out.data = data
    out.findings.sort(key=lambda d: (d.line, d.col, d.code))
    return out


def _rows_of_another_format(out: Imported, kind, kinds: list, readings: dict, tables: TableReading) -> None:
    """I021: a row this format splits into several, published as the one row of another format
    of the same document (a 2021-format report whose （六）其他处理 is one row, as in 2019). Its
    figures cannot be spread over the rows they stand for: those stay unknown, and the source
    says why instead of only that figures are missing. Found by data: a row another format of
    the family reads, under which this format has rows and none of them was read."""
    rows_here = [r for m in table_models(kind.index) for r in m.rows]
    for other in kinds:
        if other is kind or other.family != kind.family:
            continue
        spec = {f.path: (f.row, r) for m in table_models(other.index) for r in m.rows for f in r.figures}
        read: dict[tuple, tuple] = {}
        for path, reading in readings[other.id].figures.items():
            if path in spec:
                read.setdefault(spec[path][0], (spec[path][1], reading))
        for row, (row_spec, reading) in read.items():
            under = [r for r in rows_here if len(r.path) > len(row) and r.path[:len(row)] == row]
            if not under or any(f.path in tables.figures for r in under for f in r.figures):
                continue
            out.findings.append(Diagnostic(WARNING, "I021", {
                "label": row_spec.title, "older": other.title, "format": kind.title, "count": len(under),
                "rows": "、".join(r.title for r in under)}, out.source.file, reading.line, reading.col, format_path(row)))


def _say_if_blank(d: Diagnostic, figures: dict[tuple, Reading], file: str) -> None:
    """A published total that contradicts its sum because its cell was left blank says so:
    "填写为 0" alone would read as if the page printed 0."""
    reading = figures.get(tuple(d.path.split("."))) if d.path else None
    if reading is not None and reading.text == "" and reading.value == 0:
        d.related.insert(0, Location(file, reading.line, reading.col, "原文此格为空白，按 0 读取",
                                     "the published cell is blank, read as 0"))


def _read(doc: SourceDocument, kind) -> TableReading:
    index = kind.index
    stops = {label_key(index.title((k,)) or k) for k in _numbered_sections(index)}
    return read_tables(doc, table_models(index), stops)


def _numbered_sections(index) -> list[str]:
    """The kind's numbered narrative sections (五、存在的主要问题… 六、其他需要报告的事项), in order."""
    return [k for k in index.properties(()) if index.below((k,), "x-narrative") and top_numbered(index.title((k,)) or "")]


def _truncation(out: Imported, doc: SourceDocument, kind, ident, tables: TableReading) -> None:
    """I020: the source stops inside its tables — it ends with table content and none of the
    kind's numbered sections after the tables (五、… 六、…) appears. A page saved before it
    finished loading, a copy cut at a length limit."""
    index = kind.index
    models = table_models(index)
    seen = [m for m in models if m.key in tables.seen_tables]
    blocks = [b for b in doc.blocks if not isinstance(b, Paragraph) or b.text]
    if not seen or not blocks:
        return
    order = list(index.properties(()))
    after = [k for k in _numbered_sections(index) if order.index(k) > order.index(models[-1].key)]
    found = {s.key for s in sections(doc, index, ident, set())}
    last = blocks[-1]
    ends_in_table = not isinstance(last, Paragraph) or (len(last.text) < 20 and not last.text.endswith(("。", "！", "？")))
    if not after or found & set(after) or not ends_in_table:
        return
    reason = "在「{}」处中断，其后的「{}」均未出现".format(seen[-1].title, "」「".join(index.title((k,)) for k in after))
    out.findings.append(Diagnostic(WARNING, "I020", {"reason": reason}, out.source.file, last.line or 1, 1))


def _table_findings(out: Imported, tables: TableReading, kind) -> None:
    file = out.source.file
    index = kind.index
    for p in tables.problems:
        out.findings.append(Diagnostic(WARNING, p.code, p.params, file, p.line, p.col))
    missing_by_table: dict[str, list] = {}
    for model in table_models(index):
        if model.key not in tables.seen_tables:
            out.findings.append(Diagnostic(WARNING, "I010", {"table": model.title}, file, 0, 0, model.key))
            continue
        gone = [f.path for f in model.figures() if not f.derived and f.path not in tables.figures]
        if gone:
            missing_by_table[model.key] = gone
    for gone in missing_by_table.values():
        out.findings.append(Diagnostic(WARNING, "I015", {"count": len(gone), "place": index.place(gone[0])},
                                       file, 0, 0, format_path(gone[0])))
    # one note per row and kind of repair: a row label read approximately, or the same repair
    # in several cells (blank cells read as 0 are most of a sparse table)
    groups: dict[tuple, list[tuple[tuple, Reading]]] = {}
    for path, reading in tables.figures.items():
        if reading.note:
            out.notes.setdefault(path, []).append(reading.note)
            groups.setdefault((path[:-1], reading.note), []).append((path, reading))
    for (row, note), cells in groups.items():
        path, reading = cells[0]
        if note.startswith("标签"):
            where, text = row, note
        elif len(cells) == 1:
            where, text = path, note
        else:
            where, text = row, f"{note}（{len(cells)} 个单元格）"
        out.findings.append(Diagnostic(INFO, "I017", {"place": index.place(where), "note": text},
                                       file, reading.line, reading.col, format_path(where)))


def _data(out: Imported, doc: SourceDocument, kind, ident, tables: TableReading) -> dict:
    """The report data in schema order; figures the source does not give are None."""
    index = kind.index
    data: dict[str, Any] = {"format": kind.id, "year": ident.year}
    agency = {"name": ident.agency or ""}
    agency.update(contacts([p.text for p in doc.paragraphs()[:40]]))
    data["agency"] = {k: agency[k] for k in index.properties(("agency",)) if agency.get(k)}
    published = published_date(doc)
    if published:
        data["published"] = published
    for model in table_models(index):
        table: dict[str, Any] = {}
        for fig in model.figures():
            if fig.derived:
                continue
            node = table
            for step in fig.path[1:-1]:
                node = node.setdefault(step, {})
            reading = tables.figures.get(fig.path)
            node[fig.path[-1]] = reading.value if reading else None
            unit = tables.figures.get(fig.unit_path) if fig.unit_path else None
            if unit is not None:
                node[fig.unit_path[-1]] = unit.value
        data[model.key] = table
    if "status" in index.properties(()) and any(
            f.path not in tables.figures for m in table_models(index) for f in m.figures() if not f.derived):
        data["status"] = "draft"   # figures the source does not give: a draft that says what is missing
    return data


def _set(data: dict, path: tuple, value: Any) -> None:
    node = data
    for step in path[:-1]:
        node = node.setdefault(step, {})
    node[path[-1]] = value


def _narrative(out: Imported, doc: SourceDocument, kind, ident, data: dict, derived: dict) -> None:
    index = kind.index
    specs = claim_specs(kind)
    # figures the prose states that no table holds, when the kind keeps them
    facts: dict[str, dict] | None = {} if "facts" in index.properties(()) else None
    for section in sections(doc, index, ident, set()):
        key = section.key
        if index.get((key,), "x-narrative"):
            text = _text(out, section.paragraphs, specs, derived, ident, facts)
            if text:
                data[key] = text
            continue
        lead, parts = split_parts(section.paragraphs)
        value: dict[str, Any] = {}
        if lead and (not parts or "text" in index.properties((key,))):
            value["text"] = _text(out, lead, specs, derived, ident, facts)
        if parts:
            value["parts"] = [{"title": title, "text": _text(out, paras, specs, derived, ident, facts)
                               or "（原文此处无正文）\n"} for title, paras in parts]
        if value:
            data[key] = value
    if facts:
        data["facts"] = facts
    _order(data, index)


def _order(data: dict, index) -> None:
    order = {k: i for i, k in enumerate(index.properties(()))}
    items = sorted(data.items(), key=lambda kv: order.get(kv[0], len(order)))
    data.clear()
    data.update(items)


def _text(out: Imported, paragraphs: list[Paragraph], specs, derived: dict, ident, facts: dict | None) -> str:
    """Paragraphs as narrative: Jinja characters made literal, figures the tables confirm
    turned into references, contradicted ones reported (N010/N011) and kept as published,
    other figures the sentence names kept as `facts` (when `facts` is given)."""
    texts = []
    for p in paragraphs:
        text = p.text
        replacements: list[tuple[int, int, str]] = []
        claimed: list[tuple[int, int]] = []
        for claim in find_claims(specs, text):
            if claim.number_start >= 0:
                claimed.append((claim.number_start, claim.number_end))
            verdict = judge(claim, derived)
            if verdict is None:
                continue
            if not verdict.agrees:
                offset = claim.number_start if claim.number_start >= 0 else claim.start
                out.findings.append(finding(verdict, out.kind.index, out.source.file, p.line, p.col + offset))
            elif claim.stated is not None and _REFERABLE.match(claim.spec.figure_text):
                replacements.append((claim.number_start, claim.number_end, "{{ " + claim.spec.figure_text + " }}"))
        if facts is not None and "{" not in text:
            for fact in facts_in(text, claimed):
                key = f"fact_{len(facts) + 1}"
                facts[key] = {"label": fact.label, "value": fact.value, "unit": fact.unit}
                replacements.append((fact.start, fact.end, "{{ facts." + key + ".value }}"))
        texts.append(_templated(text, replacements, ident))
    return "\n\n".join(t for t in texts if t) + "\n" if texts else ""


def _templated(text: str, replacements: list[tuple[int, int, str]], ident) -> str:
    pieces, last = [], 0
    for start, end, ref in sorted(replacements):
        pieces.append(_literal(text[last:start], ident))
        pieces.append(ref)
        last = end
    pieces.append(_literal(text[last:], ident))
    return "".join(pieces)


def _literal(text: str, ident) -> str:
    """Published text as template source: {{ {% {# shown as typed; the report year and the
    agency's name become references, so next year's copy stays right."""
    text = re.sub(r"\{(?=[{%#])", "{{ '{' }}", text)
    if ident.year:
        text = re.sub(rf"(?<![0-9]){ident.year}(?=\s*年)", "{{ year }}", text)
    if ident.agency and len(ident.agency) >= 4:
        text = text.replace(ident.agency, "{{ agency.name }}")
    return text
