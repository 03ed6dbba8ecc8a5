"""PDFs for many reports at once, after their Word files are written.

LibreOffice prints a Word file in about 0.3 s but takes seconds to start, so a build does not
make PDFs report by report: it collects every report whose kind wants a PDF and whose PDF is
missing or older than its Word file, and converts them in one LibreOffice run per core
(gendoc.render.pdf). Each PDF replaces its target atomically; a report whose PDF could not be
made keeps its other outputs and is tried again by the next build.

When the machine cannot make PDFs (no LibreOffice, no Chinese font), the build says so once,
with the command that installs what is missing, and writes everything else.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gendoc.build.atomic_write import write_if_changed
from gendoc.diagnostics import ERROR, WARNING, Diagnostic

if TYPE_CHECKING:
    from gendoc.build.incremental import Summary

PDF = "pdf"


def due(summary, kind, formats: list[str], out_dir: Path) -> tuple[Path, Path] | None:
    """(docx, pdf target) when this report's PDF must be (re)made; `formats` are the ones
    the build makes for its kind; the summary's outputs are relative to `out_dir`."""
    if kind is None or PDF not in formats or not summary.ok or "docx" not in summary.outputs:
        return None
    docx = out_dir / summary.outputs["docx"]
    target = docx.with_suffix(".pdf")
    try:
        if target.stat().st_mtime_ns >= docx.stat().st_mtime_ns and PDF in summary.outputs:
            return None
    except FileNotFoundError:
        pass
    return docx, target


def make_pdfs(project, summaries: list, out_dir: Path, jobs: int) -> list[Diagnostic]:
    """Convert every due PDF; record written ones in the summaries' outputs. Returns the
    build's findings about PDFs (at most one when the machine cannot make them)."""
    from gendoc.render.paged import load_layout, layout_file

    wanted: dict[Path, tuple[Summary, tuple[Path, Path]]] = {}
    layouts: dict[Path, dict] = {}
    for summary in summaries:
        kind = project.kinds.get(summary.kind_id) if summary.kind_id else None
        pair = due(summary, kind, project.formats(kind) if kind else [], out_dir)
        if pair is not None:
            wanted[pair[1]] = (summary, pair)
            path = layout_file(kind, PDF)
            layouts.setdefault(path, load_layout(path))
    if not wanted:
        return []
    from gendoc.render import pdf

    problem = pdf.engine_problem()
    if problem is not None:
        reason, fix = problem
        return [Diagnostic(WARNING, "O002", {"reason": reason, "fix": fix, "count": len(wanted)}, str(out_dir))]
    layout = next(iter(layouts.values()))  # the fonts of every page description in use
    for other in list(layouts.values())[1:]:
        layout = {**layout, "fonts": {**layout["fonts"], **{f"{k}@": v for k, v in other["fonts"].items()}}}
    cache = Path(project.root) / ".gendoc-cache"
    results = pdf.convert([pair for _, pair in wanted.values()], layout, cache, write_if_changed, jobs)
    findings = []
    for target, error in results.items():
        summary, (docx, _) = wanted[target]
        if error is None:
            summary.outputs[PDF] = target.relative_to(out_dir).as_posix()
        else:
            summary.outputs.pop(PDF, None)
            findings.append(Diagnostic(ERROR, "O003", {"problem": f"{docx}：{error}"}, summary.file))
    return findings
