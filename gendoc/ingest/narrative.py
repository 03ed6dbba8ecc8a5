"""The published text around the tables → the kind's narrative fields, agency and dates.

Sections are found by the kind's own top-level titles (一、总体情况 … 六、其他需要报告的事项,
from the schema); the paragraphs under a table's title are table content, not narrative.
Within a section, numbered sub-headings (（一）… or 1. …, on their own or followed by the
text: 8.信息处理费情况。我局无收取…) become its parts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from gendoc.ingest.document import Paragraph, SourceDocument
from gendoc.ingest.normalize import label_key

TITLE = re.compile(r"^(?P<agency>.{2,60}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:的)?(?:政府)?信息公开(?:工作)?年度?报告")
_YEAR_ONLY = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:政府)?信息公开(?:工作)?年度?报告")
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-年/.．]\s*(?P<m>\d{1,2})\s*[-月/.．]\s*(?P<d>\d{1,2})\s*日?"
                   r"(?:\s*(?P<t>\d{1,2}[:：]\d{2}(?:[:：]\d{2})?))?")
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


def identify(doc: SourceDocument) -> Identity:
    """Agency and report year from the title (the page title, else the first paragraphs)."""
    candidates = [(doc.title, 1)] + [(p.text, p.line) for p in doc.paragraphs()[:12]]
    for text, line in candidates:
        m = TITLE.search(text or "")
        if m:
            agency = re.sub(r"^(?:关于)|[_\-|｜—].*$", "", m.group("agency").strip()).strip("《》“” ")
            return Identity(agency or None, int(m.group("year")), text, line)
    for text, line in candidates:
        m = _YEAR_ONLY.search(text or "")
        if m:
            return Identity(None, int(m.group("year")), text, line)
    return Identity(None, None, "", 0)


def published_date(doc: SourceDocument) -> str | None:
    """`YYYY-MM-DD[ HH:MM[:SS]]` from the page's metadata or a 发布时间 line."""
    texts = ([doc.published] if doc.published else []) + [p.text for p in doc.paragraphs()[:15]]
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
    headings = {label_key(index.title((k,)) or k): k for k in tops if _numbered(index.title((k,)) or "")}
    lead = next((k for k in tops if not _numbered(index.title((k,)) or "") and index.get((k,), "x-narrative")), None)
    out: list[Section] = []
    current = Section(lead, None) if lead else None
    for p in doc.paragraphs():
        if p.line == identity.title_line and p.text == identity.title or p.line in skip_lines:
            continue
        if _PUBLISHED.match(p.text) and len(p.text) < 40:
            continue
        key = headings.get(label_key(p.text)) if len(p.text) < 40 else None
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


def _numbered(title: str) -> bool:
    return bool(re.match(r"^[一二三四五六七八九十]+、", title))


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
