"""The published text around the tables → the kind's narrative fields, agency and dates.

Sections are found by the kind's own top-level titles (一、总体情况 … 六、其他需要报告的事项,
from the schema); the paragraphs under a table's title are table content, not narrative.
Within a section, numbered sub-headings (（一）… or 1. …, on their own or followed by the
text: 8.信息处理费情况。我局无收取…) become its parts.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gendoc.ingest.document import Paragraph, SourceDocument
from gendoc.ingest.normalize import label_key, top_numbered

TITLES_FILE = "report-titles.yaml"
_TITLE_ONLY = re.compile(r"^\s*(?:19|20)\d{2}\s*年")  # a line that is itself a (partial) title
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-年/.．]\s*(?P<m>\d{1,2})\s*[-月/.．]\s*(?P<d>\d{1,2})\s*日?"
                   r"(?:\s*(?P<t>\d{1,2}[:：]\d{2}(?:[:：]\d{2})?))?")
_DATE_LINE = re.compile(r"^[（(]?\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]?$")
_PUBLISHED = re.compile(r"(?:发布|公开|发文|成文)(?:时间|日期)\s*[:：]?\s*")
_SUBHEADING = re.compile(r"^(?P<num>（[一二三四五六七八九十]+）|\(?[一二三四五六七八九十]+\)|\d{1,2}\s*[.．、](?!\d))\s*"
                         r"(?P<title>[^。；！？]{1,24}?)(?:[。：:]\s*(?P<rest>.*))?$")
CONTACTS = {
    "address": re.compile(r"地址\s*[:：]\s*(?P<v>[^，,；;）)。]+)"),
    "postcode": re.compile(r"邮(?:政)?编(?:码)?\s*[:：]?\s*(?P<v>\d{6})"),
    "phone": re.compile(r"(?:联系|咨询)?电话\s*[:：]\s*(?P<v>[0-9（）()\-－—、 ]{7,30}[0-9])"),
    "fax": re.compile(r"传真\s*[:：]\s*(?P<v>[0-9（）()\-－— ]{7,20}[0-9])"),
    "email": re.compile(r"(?:电子邮箱|电子信箱|邮箱|E-?mail)\s*[:：]\s*(?P<v>[\w.+\-]+@[\w.\-]+\w)", re.I),
}


@dataclass
class Section:
    key: str                     # the top-level data key (preamble, overview, …)
    heading: Paragraph | None
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Identity:
    agency: str | None
    year: int | None
    title: str
    title_line: int
    heading_index: int = -1   # the paragraph that is the report's own title (site furniture above it is not text)


@dataclass(frozen=True)
class TitlePatterns:
    """The kinds' report-title patterns (schemas/<kind>/ or schemas/common/report-titles.yaml)."""

    titles: tuple[re.Pattern, ...]
    year_only: tuple[re.Pattern, ...]


def title_patterns(kinds) -> TitlePatterns:
    """Every kind's title patterns, in kind order, each pattern once."""
    titles: dict[str, re.Pattern] = {}
    year_only: dict[str, re.Pattern] = {}
    for kind in kinds:
        found = kind.compiled.get("report-titles")
        if found is None:
            found = kind.compiled["report-titles"] = _load_titles(Path(kind.folder))
        for source, pattern in found[0]:
            titles.setdefault(source, pattern)
        for source, pattern in found[1]:
            year_only.setdefault(source, pattern)
    return TitlePatterns(tuple(titles.values()), tuple(year_only.values()))


def _load_titles(folder: Path) -> tuple[list, list]:
    for path in (folder / TITLES_FILE, folder.parent / "common" / TITLES_FILE):
        if path.is_file():
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return ([(p, re.compile(p)) for p in doc.get("titles") or []],
                    [(p, re.compile(p)) for p in doc.get("year_only") or []])
    return [], []


def identify(doc: SourceDocument, patterns: TitlePatterns) -> Identity:
    """Agency and report year from the title (the page title, else the first paragraphs)."""
    paragraphs = [p for p in doc.paragraphs()[:12] if p.text]
    # a title printed on two lines (市政府研究室2019年政府信息公开 / 工作年度报告) is read joined
    lines = [(p.text, p.line, i) for i, p in enumerate(paragraphs)]
    lines += [(p.text + q.text, p.line, i + 1) for i, (p, q) in enumerate(zip(paragraphs, paragraphs[1:]))
              if len(p.text) <= 30 and len(q.text) <= 30]
    lines.sort(key=lambda x: x[2])
    heading = next((i for text, _line, i in lines if len(text) <= 60
                    and any(t.search(text) for t in patterns.titles + patterns.year_only)), -1)
    for text, line, _i in [(doc.title or "", 1, -1)] + lines:
        for title in patterns.titles:
            m = title.search(text)
            if m:
                agency = re.sub(r"^(?:关于)|[_\-|｜—].*$", "", (m.groupdict().get("agency") or "").strip()).strip("《》“” ")
                return Identity(agency or None, int(m.group("year")), text, line, heading)
    found: Identity | None = None
    for text, line, i in [(doc.title or "", 1, -1)] + lines:
        for year_only in patterns.year_only:
            m = year_only.search(text)
            if m:
                above = _agency_above(paragraphs, i, m)
                if above or found is None:
                    found = Identity(above, int(m.group("year")), text, line, heading)
                if above:
                    return found
    return found or Identity(None, None, "", 0)


def _agency_above(paragraphs: list[Paragraph], heading: int, m: re.Match) -> str | None:
    """A title printed on two lines (洪泽区人民政府 / 2023年政府信息公开工作年度报告): the
    agency is the short line right above the one with the year."""
    if heading <= 0 or m.start() > 0 or m.string != paragraphs[heading].text:
        return None
    if _TITLE_ONLY.match(paragraphs[heading - 1].text):
        return None
    above = paragraphs[heading - 1].text.strip()
    if 2 <= len(above) <= 30 and not re.search(r"[，。；：:！？\d]", above):
        return above
    return None


def published_date(doc: SourceDocument) -> str | None:
    """`YYYY-MM-DD[ HH:MM[:SS]]` from the page's metadata, a 发布时间 line, or a portal's
    information table (公开日期 | 2024-01-17)."""
    paragraphs = doc.paragraphs()
    texts = ([doc.published] if doc.published else []) + [p.text for p in paragraphs[:15]]
    texts += [f"{label.text}：{value.text}" for table in doc.tables()[:3] for row in table.rows
              for label, value in zip(row, row[1:]) if _PUBLISHED.fullmatch(label.text + "：")]
    # a date on its own line under the title, else the date under the signature (落款)
    dated = [p.text for p in paragraphs if _DATE_LINE.match(p.text)]
    near_title = [p.text for p in paragraphs[:5] if _DATE_LINE.match(p.text)]
    texts += [f"发布日期：{d}" for d in (near_title or dated[-1:])]
    for i, text in enumerate(texts):
        if i >= (1 if doc.published else 0):
            m = _PUBLISHED.search(text)
            if not m:
                continue
            text = text[m.end():]
        d = _DATE.search(text)
        if d:
            out = f"{int(d['y']):04d}-{int(d['m']):02d}-{int(d['d']):02d}"
            if d["t"]:
                h, rest = d["t"].replace("：", ":").split(":", 1)
                out += f" {int(h):02d}:{rest}"
            if 1 <= int(d["m"]) <= 12 and 1 <= int(d["d"]) <= 31:
                return out
    return None


def contacts(texts: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for text in texts:
        for key, pattern in CONTACTS.items():
            if key not in found:
                m = pattern.search(text)
                if m:
                    found[key] = re.sub(r"\s+", "", m.group("v")) if key != "address" else m.group("v").replace(" ", "").strip()
    return found


def sections(doc: SourceDocument, index, identity: Identity, skip_lines: set[int]) -> list[Section]:
    """Paragraphs by the kind's top-level sections. The first narrative field without a
    numbered title (引言) takes the paragraphs before the first section heading."""
    tops = [k for k in index.properties(()) if index.below((k,), "x-narrative") or index.get((k,), "x-layout")]
    headings = {label_key(index.title((k,)) or k): k for k in tops if top_numbered(index.title((k,)) or "")}
    numbers = {k: (index.title((k,)) or "").split("、")[0] for k in headings.values()}
    lead = next((k for k in tops if not top_numbered(index.title((k,)) or "") and index.get((k,), "x-narrative")), None)
    out: list[Section] = []
    current = Section(lead, None) if lead else None
    for i, p in enumerate(doc.paragraphs()):
        if i <= identity.heading_index:
            continue  # the title, and the site's furniture above it
        if p.line == identity.title_line and p.text == identity.title or p.line in skip_lines:
            continue
        if _PUBLISHED.match(p.text) and len(p.text) < 40 or _DATE_LINE.match(p.text) or p.text == identity.agency:
            continue  # the dateline and the signature (落款) are not the report's text
        key = _heading(p.text, headings, numbers) if len(p.text) < 40 else None
        if key is not None:
            if current is not None:
                out.append(current)
            current = Section(key, p)
            continue
        if current is not None:
            current.paragraphs.append(p)
    if current is not None:
        out.append(current)
    return [s for s in out if not index.get((s.key,), "x-layout")]


def _heading(text: str, headings: dict[str, str], numbers: dict[str, str]) -> str | None:
    """The section a short paragraph heads: its title exactly, or a title worded differently
    under the same number (五、政府信息公开工作存在的主要问题及改进情况, 五、存在的主要问题及整改措施
    for 五、存在的主要问题及改进情况). A table row numbered like a section (一、本年新收…) is
    worded too differently to be taken for it."""
    key = label_key(text)
    m = re.match(r"^\s*([一二三四五六七八九十]+)、", text)
    if key in headings:
        # （一）主动公开政府信息情况 under 一、总体情况 is a sub-heading, not 二、主动公开政府信息情况
        numbered_otherwise = re.match(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|\d+[.．、])", text)
        if numbered_otherwise or (m and m.group(1) != numbers.get(headings[key])):
            return None
        return headings[key]
    if not m:
        return None
    for title_key, section in headings.items():
        if numbers.get(section) != m.group(1):
            continue
        if title_key in key or key in title_key or difflib.SequenceMatcher(None, key, title_key).ratio() >= 0.6:
            return section
    return None


def split_parts(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[tuple[str, list[Paragraph]]]]:
    """(paragraphs before the first sub-heading, [(sub-heading title, its paragraphs)])."""
    lead: list[Paragraph] = []
    parts: list[tuple[str, list[Paragraph]]] = []
    for p in paragraphs:
        m = _SUBHEADING.match(p.text)
        if m and not p.text.startswith(("一是", "二是", "三是")) and (m.group("rest") is not None or len(p.text) <= 26):
            parts.append((m.group("title").strip(), []))
            rest = (m.group("rest") or "").strip()
            if rest:
                parts[-1][1].append(Paragraph(rest, p.line, p.col))
            continue
        (parts[-1][1] if parts else lead).append(p)
    return lead, parts
