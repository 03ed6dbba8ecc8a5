"""Template failures classified as findings: syntax (N001), undefined name with the closest
valid one (N002), sandbox refusal (N005), anything else (N004)."""
from __future__ import annotations

import difflib
import re
import traceback
from typing import Any, Callable

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError
from jinja2.utils import missing

from gendoc.diagnostics import ERROR, Diagnostic, Location
from gendoc.kind.labels import format_path
from gendoc.load.invisible_chars import InvisibleCharacter
from gendoc.render.narrative_limits import NarrativeLimit

_QUOTED = re.compile(r"'([^']*)'")


def classify(exc: Exception, context: dict) -> tuple[str, dict]:
    if isinstance(exc, TemplateSyntaxError):
        return "N001", {"problem": exc.message or str(exc)}
    if isinstance(exc, NarrativeLimit):
        return "N006", {"problem": str(exc)}
    if isinstance(exc, InvisibleCharacter):
        return "N007", {"char": exc.found.codepoint, "name": exc.found.name}
    if isinstance(exc, SecurityError):
        return "N005", {"problem": str(exc)}
    if isinstance(exc, UndefinedError):
        return "N002", _undefined_params(exc, context)
    if isinstance(exc, TemplateNotFound):
        return "N004", {"problem": f"找不到模板「{exc.name}」"}
    if isinstance(exc, TemplateError):
        return "N004", {"problem": str(exc)}
    return "N004", {"problem": f"{type(exc).__name__}: {exc}"}


def _undefined_params(exc: UndefinedError, context: dict) -> dict:
    obj = getattr(exc, "undefined_obj", missing)
    name = getattr(exc, "undefined_name", None)
    if not isinstance(name, str):
        quoted = _QUOTED.findall(str(exc))
        name = quoted[-1] if quoted else str(exc)
        return {"name": name, "hint": "", "hint_en": ""}
    if obj is missing:
        candidates = [k for k in context if isinstance(k, str)]
        shown = name
    elif isinstance(obj, dict):
        candidates = [k for k in obj if isinstance(k, str)]
        where = _find(context, obj)
        shown = format_path(where + (name,)) if where is not None else name
    elif obj is None:
        return {"name": name, "hint": "（上一级是空值；引用上年数据前先用 {% if prev %} 判断上年报告是否存在）",
                "hint_en": " (looked up on None; guard last year's data with {% if prev %})"}
    else:
        candidates = []
        shown = name
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if close:
        return {"name": shown, "hint": f"（是否应为「{close[0]}」？）", "hint_en": f" (did you mean '{close[0]}'?)"}
    return {"name": shown, "hint": "", "hint_en": ""}


def _find(root: Any, target: Any, path: tuple = (), depth: int = 0) -> tuple | None:
    """The data path of the object `target` (by identity) inside `root`."""
    if root is target:
        return path
    if depth > 12:
        return None
    items = root.items() if isinstance(root, dict) else enumerate(root) if isinstance(root, list) else ()
    for key, value in items:
        if isinstance(value, (dict, list)):
            found = _find(value, target, path + (key,), depth + 1)
            if found is not None:
                return found
    return None


def located_failure(exc: Exception, context: dict, accept: Callable[[str], bool],
                    syntax_file: str | None = None) -> Diagnostic | None:
    """A template's failure at its place: a syntax error at its line (in `syntax_file` when
    Jinja names no file), anything else at the innermost template line it passed (`accept`
    tells a template's file), the outer ones as "called from". None: no template line."""
    if isinstance(exc, TemplateSyntaxError):
        filename = exc.filename or syntax_file
        if filename is None:
            return None
        return Diagnostic(ERROR, "N001", {"problem": exc.message or str(exc)}, filename, exc.lineno or 0, 1)
    frames = template_frames(exc, accept)
    if not frames:
        return None
    code, params = classify(exc, context)
    inner, outer = frames[-1], frames[:-1]
    related = [Location(f.filename, f.lineno or 0, 0, "调用处", "called from") for f in reversed(outer)]
    return Diagnostic(ERROR, code, params, inner.filename, inner.lineno or 0, 1, "", related)


def template_frames(exc: BaseException, accept: Callable[[str], bool]) -> list[traceback.FrameSummary]:
    """Frames of the (Jinja-rewritten) traceback that belong to templates, outermost first."""
    return [f for f in traceback.extract_tb(exc.__traceback__) if accept(f.filename)]


def template_line(exc: BaseException, accept: Callable[[str], bool]) -> int | None:
    frames = template_frames(exc, accept)
    return frames[-1].lineno if frames else None
