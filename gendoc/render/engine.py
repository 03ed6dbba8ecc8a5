"""Render one report to text: narratives first (sandboxed), then the kind's layout template.

    render_document(kind, data, prev, fmt, sourcemap) -> Rendered(text | None, diagnostics)

1. Narrative fields (schema `x-narrative: true`) are Jinja templates written by report
   authors. Each is rendered in an immutable sandbox against the report's data (+ `prev`),
   then, for HTML, through CommonMark with raw HTML switched off; for Markdown it stays
   Markdown (raw HTML tags neutralised). A mistake in one is reported at the YAML line of
   the field plus the line inside the text: N001 syntax, N002 undefined name (with the
   closest valid name), N005 sandbox violation, N004 anything else.
2. The layout template (`kind.outputs[fmt]`, looked up in the kind's template folder, then
   in the common one) renders the page. Its context: every top-level key of the data (with
   the narratives rendered), `report` (the whole data), `prev`, `kind` ({id, title}),
   `grid(key)` (gendoc.tables.build_grid) and `label(path)` (the official title). Errors in
   a layout template are reported at the template file and line.

StrictUndefined everywhere: a typo is an error, never blank text. Autoescaping is on for
both formats — HTML entities are valid Markdown too, so a `<script>` typed into a name comes
out inert in either. Environments are built once per (kind, format) and cached; Jinja caches
the compiled templates inside them. Output is deterministic.
"""
from __future__ import annotations

import contextvars
import difflib
import functools
import os
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, cast

from jinja2 import (
    ChoiceLoader,
    FileSystemBytecodeCache,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateRuntimeError,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
)
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import missing
from markupsafe import Markup
from markupsafe import escape as markupsafe_escape

from gendoc.plaindata import dotted, get_path
from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.render.filters import FILTERS
from gendoc.render.narrative_limits import (
    SIZING_FILTERS, SIZING_METHODS, Budget, OutOfTime, bounded, check_arguments, check_format, render_bounded,
)
from gendoc.load.invisible_chars import InvisibleCharacter, invisible_in
from gendoc.kind.labels import format_path, narrative_paths
from gendoc.render.markup import md_cell, narrative_output, neutralize_html, oneline, unsafe_links_inert  # noqa: F401
from gendoc.render import narrative_skeleton
from gendoc.render.template_errors import classify, located_failure, template_line
from gendoc.render.unknown_cells import LEGEND, MARK, UNKNOWN, with_unknowns
from gendoc.render.table_grid import Grid, GridError, build_grid, fill_slots, shape_grid, split_slots

FORMATS = ("html", "md")
# What a layout template receives besides the report's top-level keys (see _render_layout;
# `gendoc kind check` refuses a template that reads any other name). A test renders through
# a spy template and checks these are exactly the names handed over.
LAYOUT_NAMES = ("report", "prev", "kind", "grid", "label", "filled_table", "draft", "unknown_cells",
                "unknown_legend", "presentation", "heading")
NARRATIVE_TEMPLATE_NAME = "<template>"  # what Jinja calls a template made from a string
# The layout functions that act on the report being laid out. Each is also a global of the
# layout environments, reaching that report through `_LAYING_OUT`: so a macro library
# (sections.*.j2) can be imported without the page's context — Jinja then builds its module
# once per process instead of once per page (`import … with context` is a tenth of a
# page's layout).
REPORT_FUNCTIONS = ("grid", "label", "filled_table", "heading")
_LAYING_OUT: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("gendoc_laying_out")


def _of_the_report_laid_out(name: str) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        return _LAYING_OUT.get()[name](*args)

    call.__name__ = name
    return call


@dataclass
class Rendered:
    text: str | bytes | None  # bytes for the paged formats (docx, pdf)
    diagnostics: list[Diagnostic] = field(default_factory=list)


# -- undefined names that remember where they were looked up -------------------------------

def _tagged_exception(exc: type[Exception], obj: Any, name: Any, message: str) -> Exception:
    error = exc(message)
    error.undefined_obj = obj    # type: ignore[attr-defined]
    error.undefined_name = name  # type: ignore[attr-defined]
    return error


class _Undefined(StrictUndefined):
    """StrictUndefined whose error carries the object and the name (for "did you mean").

    Only Jinja's public surface is used: the constructor's documented `exc` argument (what
    the undefined raises) receives a factory that tags the exception it makes."""

    __slots__ = ()

    def __init__(self, hint: str | None = None, obj: Any = missing, name: str | None = None,
                 exc: type[TemplateRuntimeError] = UndefinedError) -> None:
        tagged = functools.partial(_tagged_exception, exc, obj, name)
        super().__init__(hint, obj, name, cast("type[TemplateRuntimeError]", tagged))


class _DataFirst:
    """`a.b` on a dict means the key "b" even when dict has a method of that name
    (a fact named `values` or `items` must not turn into a bound method)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)  # type: ignore[misc]


class _FixedGlobals:
    """Globals set up with the environment and never changed after: each template gets them
    as a plain dict, not Jinja's ChainMap over the environment's (every render, macro call
    and narrative copies them into a new context, and a ChainMap copies several times
    slower than a dict)."""

    def make_globals(self, d: Any) -> Any:
        return {**self.globals, **d} if d else dict(self.globals)  # type: ignore[attr-defined]


class _LayoutEnvironment(_FixedGlobals, _DataFirst, Environment):
    pass


class _NarrativeEnvironment(_FixedGlobals, _DataFirst, ImmutableSandboxedEnvironment):
    """The sandbox for author-written text; `*` and `**` cannot build gigantic values."""

    intercepted_binops = frozenset({"*", "**", "%"})
    MAX_SIZE = 100_000

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 100:
            raise SecurityError("幂运算的指数过大")
        if operator == "%" and isinstance(left, str):
            check_format(left)  # `'%0100000000d' % 1`
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > self.MAX_SIZE:
                    raise SecurityError("重复生成的内容过长")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:
        # `'x'.center(10**8)`, `'{:>100000000}'.format(1)`: no string built to a gigantic size.
        if isinstance(getattr(__obj, "__self__", None), str) and getattr(__obj, "__name__", "") in SIZING_METHODS:
            check_arguments(args, kwargs)
            if __obj.__name__ == "format":
                check_format(__obj.__self__)
        return super().call(__context, __obj, *args, **kwargs)


# -- environments (built once per process) -------------------------------------------------

def _strict(filter_: Callable[..., str]) -> Callable[..., str]:
    """A filter given an undefined name reports that name (N002), not its own TypeError."""

    @functools.wraps(filter_)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        unknown = False
        for arg in (*args, *kwargs.values()):
            if isinstance(arg, Undefined):
                str(arg)  # a StrictUndefined raises its UndefinedError when printed
            unknown = unknown or arg is UNKNOWN
        if unknown:  # a figure not known yet (a draft): whatever the filter, "—"
            return MARK
        return filter_(*args, **kwargs)

    return wrapper


STRICT_FILTERS = {name: _strict(f) for name, f in FILTERS.items()}
LAYOUT_FILTERS: dict[str, Callable[..., str]] = {**STRICT_FILTERS, "md_cell": _strict(md_cell),
                                                  "oneline": _strict(oneline)}
_LAYOUT_ENVS: dict[tuple, Environment] = {}
_NARRATIVE_ENV: _NarrativeEnvironment | None = None
_NARRATIVE_CACHE: dict[str, Any] = {}
_NARRATIVE_CACHE_MAX = 2048


def _layout_env(kind, fmt: str) -> Environment:
    key = (kind.id, os.fspath(kind.templates_dir), os.fspath(kind.common_templates_dir), fmt)
    env = _LAYOUT_ENVS.get(key)
    if env is None:
        env = _LayoutEnvironment(
            loader=ChoiceLoader([
                FileSystemLoader(os.fspath(kind.templates_dir)),
                FileSystemLoader(os.fspath(kind.common_templates_dir)),
            ]),
            undefined=_Undefined,
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=bytecode_cache(kind.common_templates_dir.parent.parent),
            # A template is read once per process: no file check on each use (a stat per
            # template and report). `gendoc serve` drops the environments when a template
            # changes (clear_caches), and a build renders every report with one version.
            auto_reload=False,
        )
        env.filters.update(LAYOUT_FILTERS)
        env.globals.update({name: _of_the_report_laid_out(name) for name in REPORT_FUNCTIONS})
        _LAYOUT_ENVS[key] = env
    return env


def warm_templates(kind) -> None:
    """Load the kind's layout templates and table shapes now (before worker processes fork)."""
    for fmt, name in kind.outputs.items():
        if fmt in FORMATS:
            try:
                _layout_env(kind, fmt).get_template(name)
            except TemplateError:
                return  # reported, located, when a report is rendered
    for key in kind.index.properties(()):
        if isinstance(kind.index.get((key,), "x-layout"), dict):
            try:
                shape_grid(kind.index, key)
            except GridError:
                pass


def bytecode_cache(project_root) -> FileSystemBytecodeCache | None:
    """Compiled templates kept between runs in <project>/.gendoc-cache/jinja (Jinja checks
    each template's source checksum, so an edited template is compiled afresh): a small build
    then costs no template compilation. None when that folder cannot be made."""
    folder = Path(os.environ.get("GENDOC_CACHE") or Path(project_root) / ".gendoc-cache") / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(os.fspath(folder))


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """A cache that cannot be written (read-only checkout, full disk) only costs time."""

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _narrative_env() -> _NarrativeEnvironment:
    global _NARRATIVE_ENV
    if _NARRATIVE_ENV is None:
        env = _NarrativeEnvironment(undefined=_Undefined, autoescape=False, keep_trailing_newline=True)
        env.filters.update(STRICT_FILTERS)
        env.filters.update({name: bounded(env.filters[name]) for name in SIZING_FILTERS})
        env.globals.pop("lipsum", None)  # placeholder text has no place in a report
        _NARRATIVE_ENV = env
    return _NARRATIVE_ENV


def _compile_narrative(text: str):
    template = _NARRATIVE_CACHE.get(text)
    if template is None:
        # Compiled once per skeleton (tags and expressions without the wording), shared by
        # every narrative that differs from it only in its text (render/narrative_skeleton.py).
        template = narrative_skeleton.compile_narrative(_narrative_env(), text, _known_filters_only)
        if len(_NARRATIVE_CACHE) >= _NARRATIVE_CACHE_MAX:
            _NARRATIVE_CACHE.clear()
        _NARRATIVE_CACHE[text] = template
    return template


def _known_filters_only(env, tree) -> None:
    """Jinja looks filters up only when a line runs, so a misspelled filter inside
    {% if prev %} would pass unnoticed in a first-year report: check them all now."""
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        known = env.filters if isinstance(node, nodes.Filter) else env.tests
        if node.name not in known:
            kind = "过滤器" if isinstance(node, nodes.Filter) else "测试"
            close = difflib.get_close_matches(node.name, list(known), n=1)
            hint = f"，是否应为「{close[0]}」？" if close else ""
            raise TemplateSyntaxError(f"未知的{kind}「{node.name}」{hint}", node.lineno)


# -- the stage -------------------------------------------------------------------------------

def render_document(kind, data: dict, prev: dict | None, fmt: str, sourcemap,
                    source_text: str | None = None) -> Rendered:
    """The report as `fmt` text ("html" or "md"), or None and the diagnostics why not.

    `data` is the validated, derived report (it is not modified); `prev` last year's derived
    data or None. `source_text`, the YAML file's text, only sharpens the line numbers of
    narrative errors; without it the file named by the source map is read when needed.
    """
    return render_documents(kind, data, prev, [fmt], sourcemap, source_text)[fmt]


def render_documents(kind, data: dict, prev: dict | None, formats: list[str], sourcemap,
                     source_text: str | None = None, *, convert: bool = True,
                     complete: bool = False) -> dict[str, Rendered]:
    """Several formats of one report; the narrative is rendered against the figures once.

    `convert=False` (validation) leaves the rendered narratives as they are instead of
    converting their Markdown for each format: that step cannot fail, and it is the costly
    part of a first render (markdown-it's import), so the findings are the same either way.
    `complete`: the caller knows that neither report holds a null at all (`Report.complete`
    of both), so no walk looks for a figure not known yet.

    Text formats give `str`, the paged ones (docx, pdf: gendoc.render.paged) `bytes`, drawn
    from the HTML page's structure and the same table grids."""
    from gendoc.render.paged import BATCHED_FORMATS, PAGED_FORMATS

    file = getattr(sourcemap, "file", "") or ""
    out: dict[str, Rendered] = {}
    for fmt in formats:
        if fmt not in FORMATS and fmt not in PAGED_FORMATS:
            known = "、".join(FORMATS + PAGED_FORMATS)
            problem = f"不支持的输出格式「{fmt}」（可用：{known}）"
            out[fmt] = Rendered(None, [Diagnostic(ERROR, "N004", {"problem": problem}, str(kind.folder / "kind.yaml"))])
    wanted = [fmt for fmt in formats if fmt not in out]
    if not wanted:
        return out
    # A draft's figures not known yet print as "—" (render/unknown.py).
    unknown_cells = False
    if not complete:
        data, unknown_cells = with_unknowns(data)
        prev = with_unknowns(prev)[0] if prev is not None else None
    draft = {"draft": data.get("status") == "draft", "unknown_cells": unknown_cells, "unknown_legend": LEGEND}
    paged = [fmt for fmt in wanted if fmt in PAGED_FORMATS]
    texts_wanted = [fmt for fmt in wanted if fmt in FORMATS]
    if paged and "html" not in texts_wanted:
        texts_wanted.append("html")  # the paged formats follow the HTML page
    texts, diagnostics = _narrative_texts(kind, data, prev, sourcemap, _Source(file, source_text))
    figures: dict[str, str] = {}  # table figures, formatted once for every output
    rendered: dict[str, Rendered] = {}
    for fmt in texts_wanted:
        if diagnostics:
            rendered[fmt] = Rendered(None, diagnostics)
            continue
        text, problems = _render_layout(kind, _with_narratives(data, texts, fmt if convert else None), prev, fmt,
                                        file, figures, draft)
        rendered[fmt] = Rendered(text, problems)
    for fmt in paged:
        page = rendered["html"]
        if not isinstance(page.text, str):
            rendered[fmt] = Rendered(None, page.diagnostics)
            continue
        from gendoc.render.paged import layout_problems, paged_output

        if not convert or fmt in BATCHED_FORMATS:
            # Validation: what can fail is the page description, not the drawing. The PDF is
            # the Word file printed by the build, many at once (gendoc.build.pdf_batch): here
            # it has no content of its own.
            problems = layout_problems(kind, fmt)
            rendered[fmt] = Rendered(None if problems or fmt in BATCHED_FORMATS else b"", problems)
            continue
        content, problems = paged_output(kind, fmt, data, page.text, lambda key: build_grid(kind.index, data, key))
        rendered[fmt] = Rendered(content, problems)
    out.update({fmt: rendered[fmt] for fmt in wanted})
    return out


# -- narratives ------------------------------------------------------------------------------

def _narrative_texts(kind, data: dict, prev, sourcemap, source: _Source) -> tuple[dict, list[Diagnostic]]:
    """Each narrative field rendered against the figures (once, whatever the formats)."""
    context = dict(data)
    context["prev"] = prev
    texts: dict[tuple, str] = {}
    diagnostics: list[Diagnostic] = []
    budget = Budget()
    with budget.timer():
        _render_narratives(kind, data, context, sourcemap, source, budget, texts, diagnostics)
    return texts, diagnostics


def _render_narratives(kind, data: dict, context: dict, sourcemap, source: _Source, budget: Budget,
                       texts: dict[tuple, str], diagnostics: list[Diagnostic]) -> None:
    for path in narrative_paths(kind.index, data):
        text = get_path(data, path)
        if "{" not in text and "&" not in text:  # plain prose: nothing to render or decode
            texts[path] = text
            continue
        try:
            rendered = render_bounded(_compile_narrative(text), context, budget) if "{" in text else text
            # A figure must read in the page as in the data: no bidi control or invisible
            # character may come out of a template or a character reference (`&#x202e;`).
            found = invisible_in(rendered, decode_references=True)
            if found:
                raise InvisibleCharacter(found)
            texts[path] = rendered
        except Exception as exc:
            diagnostics.append(_narrative_diagnostic(exc, path, text, context, sourcemap, source))
            if isinstance(exc, OutOfTime):
                break  # one finding, at the narrative that used the time up


def _with_narratives(data: dict, texts: dict[tuple, str], fmt: str | None) -> dict:
    """The data with each narrative field replaced by its output (`fmt` None: the rendered
    text as it is); only the containers on the way to a narrative field are copied (the
    figures are shared, never changed)."""
    out = dict(data)
    copied = {id(out)}
    for path, text in texts.items():
        node = out
        for step in path[:-1]:
            child = node[step]
            if id(child) not in copied:
                child = dict(child) if isinstance(child, dict) else list(child)
                copied.add(id(child))
                node[step] = child
            node = child
        node[path[-1]] = narrative_output(text, fmt) if fmt else Markup(text)
    return out


def _narrative_diagnostic(exc: Exception, path: tuple, text: str, context: dict, sourcemap,
                          source: _Source) -> Diagnostic:
    if isinstance(exc, TemplateSyntaxError):
        inner = exc.lineno or 1
    else:
        inner = template_line(exc, lambda name: name == NARRATIVE_TEMPLATE_NAME) or 1
    line, col = _narrative_position(sourcemap, path, text, inner, source)
    code, params = classify(exc, context)
    return Diagnostic(ERROR, code, params, source.file, line, col, format_path(path))


def _narrative_position(sourcemap, path: tuple, text: str, inner: int, source: _Source) -> tuple[int, int]:
    """File line and column of line `inner` (1-based) of the narrative at `path`."""
    line, col = sourcemap.value(path)
    lines = source.lines()
    if lines is not None and 1 <= line <= len(lines):
        block = lines[line - 1][col - 1:col] in ("|", ">")
    else:
        block = "\n" in text  # prose is written as a `|` block in practice
    if not block:
        return line + inner - 1, col if inner == 1 else 1
    target = line + inner  # a block scalar's content starts on the line after `|`
    if lines is not None and 1 <= target <= len(lines):
        content = lines[target - 1]
        return target, len(content) - len(content.lstrip(" ")) + 1
    return target, col


class _Source:
    """The YAML text, read only when a narrative error needs a precise line."""

    def __init__(self, file: str, text: str | None):
        self.file = file
        self._text = text
        self._lines: list[str] | None = None

    def lines(self) -> list[str] | None:
        if self._lines is None:
            text = self._text
            if text is None and self.file:
                try:
                    text = Path(self.file).read_text(encoding="utf-8-sig", errors="replace")
                except OSError:
                    text = None
            if text is None:
                return None
            self._lines = text.splitlines()
        return self._lines


# -- layout ----------------------------------------------------------------------------------

# Rendered table markup with slots, by environment, then table key: see `filled_table` below.
# Keyed by the environment object itself (weakly), so the texts live exactly as long as the
# templates they were rendered from: a rebuilt environment can never meet another's texts.
_TABLE_TEXT: weakref.WeakKeyDictionary[Environment, dict[str, list[str]]] = weakref.WeakKeyDictionary()


def clear_caches() -> None:
    """Forget every environment and what was rendered with it (templates changed on disk in
    a long-lived process)."""
    global _NARRATIVE_ENV
    _LAYOUT_ENVS.clear()
    _NARRATIVE_CACHE.clear()
    narrative_skeleton.clear()
    _NARRATIVE_ENV = None
    _TABLE_TEXT.clear()


_HTML_SPECIAL = re.compile("[&<>'\"]")


def _escape_html(text: str) -> str:
    # Most cells (decimals, signed figures, ticked boxes) hold nothing to escape.
    return str(markupsafe_escape(text)) if _HTML_SPECIAL.search(text) else text


def _escape_md_cell(text: str) -> str:
    return md_cell(_escape_html(text))


def _render_layout(kind, data: dict, prev, fmt: str, data_file: str,
                   figures: dict[str, str] | None = None,
                   draft: dict | None = None) -> tuple[str | None, list[Diagnostic]]:
    env = _layout_env(kind, fmt)

    def is_template(filename: str) -> bool:  # asked only when a template failed
        roots = [os.path.abspath(os.fspath(d)) for d in (kind.templates_dir, kind.common_templates_dir)]
        absolute = os.path.abspath(filename)
        return any(absolute.startswith(root + os.sep) for root in roots)

    name = kind.outputs.get(fmt) or f"report.{fmt}.j2"
    grids: dict[str, Grid] = {}

    def grid(key: str) -> Grid:
        if key not in grids:
            grids[key] = build_grid(kind.index, data, key)
        return grids[key]

    def label(path: str) -> str:
        steps = dotted(path)
        title = kind.index.title(steps)
        if not isinstance(title, str):
            raise UndefinedError(f"no official label for '{path}' in the schema of {kind.id}")
        return title

    # Figures are digits, but a form's cells hold typed text too: escaped as the rest of the
    # output is (autoescape is on for Markdown as well), then made safe inside a pipe table.
    escape = _escape_html if fmt == "html" else _escape_md_cell

    def filled_table(key: str, macro: Callable[[Grid], str]) -> Markup:
        """`macro(grid)` for this report's table `key`. The macro runs once per kind on the
        table's shape (slots for figures); each report only fills in its figures."""
        tables = _TABLE_TEXT.get(env)
        if tables is None:
            tables = _TABLE_TEXT[env] = {}
        parts = tables.get(key)
        if parts is None:
            parts = tables[key] = split_slots(str(macro(shape_grid(kind.index, key))))
        return Markup(fill_slots(kind.index, data, parts, escape, figures))

    context: dict[str, Any] = dict(data)  # a new name here joins LAYOUT_NAMES too
    context.update(report=data, prev=prev, kind={"id": kind.id, "title": kind.title}, grid=grid, label=label,
                   filled_table=filled_table)
    # The report's presentation options (the schema's `presentation`, its defaults filled in)
    # and a section's heading: the longer official wording the agency chose, else the label.
    presentation = data.get("presentation")
    chosen: dict[str, Any] = presentation if isinstance(presentation, dict) else {}
    options = {name: chosen.get(name, default) for name, default in _presentation_defaults(kind).items()}
    titles = chosen.get("section_titles")
    longer: dict[str, Any] = titles if isinstance(titles, dict) else {}

    def heading(key: str) -> str:
        return longer.get(key) or label(key)

    context.update(presentation=options, heading=heading)
    # draft: the report says status: draft; unknown_cells: some figure prints as "—"
    context.update(draft or {"draft": False, "unknown_cells": False, "unknown_legend": LEGEND})
    try:
        template = env.get_template(name)
        laying_out = _LAYING_OUT.set(context)
        try:
            text = template.render(context)
        finally:
            _LAYING_OUT.reset(laying_out)
    except Exception as exc:
        located = located_failure(exc, context, is_template, syntax_file=name)
        if located is not None:
            return None, [located]
        code, params = classify(exc, context)
        if isinstance(exc, TemplateNotFound):
            # The kind's own template is missing: point at the manifest that names it.
            manifest = kind.folder / "kind.yaml"
            params["problem"] += f"（已查找 {kind.templates_dir}、{kind.common_templates_dir}）"
            return None, [Diagnostic(ERROR, code, params, os.fspath(manifest), _line_of(manifest, name), 1)]
        return None, [Diagnostic(ERROR, code, params, data_file or name, 1, 1)]
    return _finish(text, fmt), []


def _presentation_defaults(kind) -> dict[str, Any]:
    """Each presentation option the schema knows, with its default (once per kind)."""
    defaults: dict[str, Any] | None = kind.compiled.get("presentation-defaults")
    if defaults is None:
        defaults = kind.compiled["presentation-defaults"] = {
            name: kind.index.get(("presentation", name), "default") for name in kind.index.properties(("presentation",))}
    return defaults


# Written out, not `\n{3,}`: a pattern that starts with a literal string is searched for
# with a fast string search, one with a repeat tried at every position (7 µs against 65 µs
# on a Markdown page of 9,000 characters).
_BLANK_RUN = re.compile(r"\n\n\n+")


def _finish(text: str, fmt: str) -> str:
    """One trailing newline; in Markdown, never more than one blank line in a row (several
    mean the same as one there, and templates need not count the newlines their macros add)."""
    if fmt == "md":
        # Headings and cells hold data strings too: no link there may run code either.
        text = unsafe_links_inert(_BLANK_RUN.sub("\n\n", text))
    return text.strip("\n") + "\n"


def _line_of(file: Path, needle: str) -> int:
    try:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return number
    except OSError:
        pass
    return 1
