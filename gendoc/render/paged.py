"""The paged outputs of one report — Word and PDF — from its rendered HTML page.

    paged_output(kind, fmt, data, html) -> (bytes | None, diagnostics)

Both follow the HTML page's structure (gendoc.render.page_blocks) and draw tables from the
same grids (gendoc.render.table_grid); the page itself — margins, the character grid, the
official fonts, page numbers — is the kind's page description, a YAML file named by
`kind.yaml`'s `outputs` (templates/common/gongwen.yaml: 党政机关公文格式), looked up like a
template: in the kind's own template folder first, then in the common one.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from gendoc.diagnostics import ERROR, Diagnostic

PAGED_FORMATS = ("docx", "pdf")
# Made from the Word file by LibreOffice, many reports at once (gendoc.build.pdf_batch),
# not one report at a time.
BATCHED_FORMATS = ("pdf",)
_LAYOUTS: dict[str, tuple[float, dict]] = {}


class LayoutError(Exception):
    """The page description is missing or malformed (a maintainer's error)."""


def layout_file(kind, fmt: str) -> Path:
    name = kind.outputs.get(fmt) or "gongwen.yaml"
    for folder in (kind.templates_dir, kind.common_templates_dir):
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    raise LayoutError(f"页面格式文件「{name}」不存在（已查找 {kind.templates_dir}、{kind.common_templates_dir}）")


def load_layout(path: Path) -> dict:
    """The page description, read once per process (again when the file changes)."""
    key = os.fspath(path)
    mtime = path.stat().st_mtime
    known = _LAYOUTS.get(key)
    if known is None or known[0] != mtime:
        try:
            layout = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise LayoutError(f"{path}: {exc}") from exc
        missing = [k for k in ("page", "grid", "fonts", "page_number", "tables") if not isinstance((layout or {}).get(k), dict)]
        if missing:
            raise LayoutError(f"{path}: 缺少 {', '.join(missing)}")
        known = _LAYOUTS[key] = (mtime, layout)
    return known[1]


def layout_problems(kind, fmt: str) -> list[Diagnostic]:
    try:
        load_layout(layout_file(kind, fmt))
    except LayoutError as exc:
        return [Diagnostic(ERROR, "O001", {"problem": str(exc)}, str(kind.folder / "kind.yaml"))]
    return []


def paged_output(kind, fmt: str, data: dict, html: str, grid) -> tuple[bytes | None, list[Diagnostic]]:
    """`fmt` ("docx" or "pdf") of the report whose HTML page is `html`; `grid(key)` gives
    the report's table grids."""
    problems = layout_problems(kind, fmt)
    if problems:
        return None, problems
    layout = load_layout(layout_file(kind, fmt))
    if fmt == "docx":
        from gendoc.render.docx import docx_bytes
        from gendoc.render.page_blocks import page_blocks

        return docx_bytes(page_blocks(html), grid, layout), []
    raise ValueError(f"{fmt}: made from the Word file in batches (gendoc.build.pdf_batch)")

