"""`gendoc kind new NAME`: a new document kind that builds a sample report out of the box.

It writes a small but complete kind — a form with a group, a derived total, a yes/no item
and a text item; one rule of each section; HTML and Markdown templates — and one sample
report, so that `gendoc kind check NAME` passes and `gendoc build reports/NAME-sample`
renders it. The kind author then replaces the sample labels with the official ones
(docs/kinds.md walks through every file). Nothing existing is ever overwritten.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class KindScaffoldError(Exception):
    """Why no kind could be made (shown to the user as is)."""


@dataclass
class ScaffoldedKind:
    name: str
    files: list[Path]
    sample: Path


def new_kind(root: Path, name: str, year: int | None = None) -> ScaffoldedKind:
    if not NAME.match(name):
        raise KindScaffoldError(f"「{name}」不能作为文档类型名：只用小写字母、数字和连字符，如 my-form（lowercase letters, digits, hyphens）")
    year = year or _dt.date.today().year - 1
    files = {
        root / "schemas" / name / "kind.yaml": _KIND.format(name=name, year=year),
        root / "schemas" / name / "schema.json": json.dumps(_schema(name), ensure_ascii=False, indent=2) + "\n",
        root / "schemas" / name / "rules.yaml": _RULES,
        root / "templates" / name / "report.html.j2": _HTML,
        root / "templates" / name / "report.md.j2": _MD,
        root / "reports" / f"{name}-sample" / f"{year}.yaml": _SAMPLE.format(name=name, year=year),
    }
    existing = [p for p in files if p.exists()] + [p for p in (root / "schemas" / name, root / "templates" / name) if p.exists()]
    if existing:
        raise KindScaffoldError(f"{existing[0]} 已存在，不会覆盖（already exists; not overwritten）")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    return ScaffoldedKind(name, list(files), root / "reports" / f"{name}-sample" / f"{year}.yaml")


def _count(title: str, **extra) -> dict:
    return {"title": title, "allOf": [{"$ref": "#/definitions/count"}], **extra}


def _schema(name: str) -> dict:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "示例表格（请改为正式名称）",
        "type": "object",
        "definitions": {
            "count": {"type": ["integer", "null"], "minimum": 0, "maximum": 999999999,
                      "description": "非负整数；草稿中尚不知道的写 ~（null）"},
            "yes_no": {"type": "string", "enum": ["是", "否"]},
        },
        "properties": {
            "format": {"title": "报告格式", "const": name},
            "year": {"title": "报告年度", "type": "integer", "minimum": 2000, "maximum": 2100},
            "form": {
                "title": "示例表格（请改为正式名称）",
                "type": "object",
                "x-layout": {"kind": "form"},
                "properties": {
                    "unit": {"title": "填报单位", "type": "string", "minLength": 1},
                    "done": {"title": "是否完成", "allOf": [{"$ref": "#/definitions/yes_no"}]},
                    "items": {
                        "title": "事项（单位：件）",
                        "type": "object",
                        "properties": {
                            "total": _count("总数", **{"x-derived": True}),
                            "online": _count("网上办理"),
                            "offline": _count("现场办理"),
                        },
                        "required": ["online", "offline"],
                        "additionalProperties": False,
                    },
                    "closed": _count("办结数量（单位：件）"),
                },
                "required": ["unit", "done", "items", "closed"],
                "additionalProperties": False,
            },
        },
        "required": ["format", "year", "form"],
        "additionalProperties": False,
    }


_KIND = """\
# A new document kind made by `gendoc kind new`: replace the sample labels with the official
# ones, character for character (docs/kinds.md describes every file and annotation).
id: {name}
family: {name}
title: 示例表格（请改为正式名称）
title_en: Sample form (rename)
years: {{first: {year}}}
outputs:
  html: report.html.j2   # templates/{name}/
  md: report.md.j2
  docx: gongwen.yaml     # Word, laid out by the shared page description (templates/common/)
"""

_RULES = """\
# Derived figures (computed, never typed), checks (勾稽关系) and what `gendoc new` carries
# into next year's file. The expression language: docs/kinds.md.
derive:
  - id: S-1
    title: 事项总数等于网上办理与现场办理之和
    target: form.items.total
    expr: "form.items.online + form.items.offline"

checks:
  - id: S-2
    severity: warning
    title: 办结数量一般不大于事项总数
    assert: "form.closed <= form.items.total"

carry: []
"""

_HTML = """\
{#- The kind's page: the title from the schema, then the form as one table. -#}
{% import "tables.html.j2" as tables %}
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ form.unit }}{{ year }}年度{{ label("form") }}</title>
<style>
{% include "report.css" %}
</style>
</head>
<body>
<main class="report">
<h1>{{ label("form") }}</h1>
<p class="published">（{{ year }}年度）</p>
{{ filled_table("form", tables.grid_table) }}
</main>
</body>
</html>
"""

_MD = """\
{% import "tables.md.j2" as tables %}
# {{ label("form")|oneline }}

（{{ year }}年度）

{{ filled_table("form", tables.grid_tables) }}
"""

_SAMPLE = """\
# yaml-language-server: $schema=../../schemas/{name}/schema.json
# SAMPLE DATA — 样例数据，由 gendoc kind new 生成。
format: {name}
year: {year}
form:
  unit: 示例单位（样例）
  done: 是
  items: {{online: 12, offline: 5}}
  closed: 15
"""
