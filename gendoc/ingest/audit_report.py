"""Audit records → DIR/index.html (the league table), one page per report quoting the
source around each finding, audit.csv and audit.json. Same records, same bytes: nothing
depends on time, order of completion or the machine."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from pathlib import Path

from gendoc.build.atomic_write import write_if_changed
from gendoc.ingest.audit import CLASSES, AuditRecord

CLASS_ORDER = list(dict.fromkeys(CLASSES.values()))


def page_names(records: list[AuditRecord]) -> list[str]:
    """reports/<digest>.html: stable for the same source, unique within one audit."""
    names, seen = [], set()
    for r in records:
        name = f"reports/{(r.digest or 'unread')[:16]}.html"
        n = 2
        while name in seen:
            name = f"reports/{(r.digest or 'unread')[:16]}-{n}.html"
            n += 1
        seen.add(name)
        names.append(name)
    return names


def as_json(records: list[AuditRecord]) -> str:
    items = []
    for r in records:
        item = asdict(r)
        item.update(errors=r.errors, warnings=r.warnings, classes=r.by_class())
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def as_csv(records: list[AuditRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "agency", "year", "format", "published", "deadline", "on_time", "errors", "warnings"]
                    + [f"{c}_errors/warnings" for c in CLASS_ORDER] + ["codes", "sha256"])
    for r in records:
        classes = r.by_class()
        writer.writerow([r.file, r.agency or "", r.year or "", r.kind or "", r.published or "", r.deadline or "",
                         {True: "yes", False: "no", None: ""}[r.on_time], r.errors, r.warnings]
                        + [f"{classes[c]['error']}/{classes[c]['warning']}" if c in classes else "" for c in CLASS_ORDER]
                        + [" ".join(f"{f.code}@{f.line}" for f in r.findings if f.severity != "info"), r.digest])
    return out.getvalue()


def write_audit(records: list[AuditRecord], out_dir: Path, templates_dir: Path) -> list[Path]:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(templates_dir / "audit")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    css = (templates_dir / "audit" / "audit.css").read_text(encoding="utf-8")
    names = page_names(records)
    rows = [{"record": r, "page": n, "classes": r.by_class()} for r, n in zip(records, names)]
    totals = {"errors": sum(r.errors for r in records), "warnings": sum(r.warnings for r in records),
              "late": sum(1 for r in records if r.on_time is False),
              "undated": sum(1 for r in records if r.on_time is None and r.year)}
    written = []
    targets = {
        "index.html": env.get_template("index.html.j2").render(records=records, rows=rows, classes=CLASS_ORDER,
                                                               totals=totals, css=css),
        "audit.json": as_json(records),
        "audit.csv": as_csv(records),
    }
    page = env.get_template("report.html.j2")
    for r, n in zip(records, names):
        targets[n] = page.render(record=r, css=css)
    for rel, text in targets.items():
        write_if_changed(out_dir / rel, text)
        written.append(out_dir / rel)
    return written
