"""A kind's tables and templates checked before any report is rendered (`gendoc kind check`).

- every table the schema lays out (`x-layout`) makes a grid (K013, at the table's key in
  schema.json): unknown layout kinds, rows whose columns differ, figures where rows belong;
- every output named in kind.yaml is a format gendoc writes and its template exists and
  compiles, with every template it extends, imports or includes (K014, at the template line);
  a Word / PDF output's page description loads;
- the templates read only what a report has: a name a template uses is a top-level key of
  the schema or one of the names gendoc provides, and a path written out in full
  (`form.service.cases.total`, `label("form.site_name")`) is declared in the schema (K015).
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, nodes
from jinja2.meta import find_referenced_templates, find_undeclared_variables

from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.load.yaml_loader import load_file
from gendoc.plaindata import dotted
from gendoc.render.engine import FORMATS, LAYOUT_NAMES, _layout_env
from gendoc.render.paged import PAGED_FORMATS, layout_problems
from gendoc.render.table_grid import GridError, shape_grid

# Helpers whose first argument, when written as text, is a data path of the report.
PATH_HELPERS = ("label", "grid", "filled_table")


def lint_layouts(kind) -> list[Diagnostic]:
    schema_file = kind.folder / "schema.json"
    sourcemap = load_file(schema_file).sourcemap
    found = []
    for key in kind.index.properties(()):
        if kind.index.get((key,), "x-layout") is None:
            continue
        try:
            shape_grid(kind.index, key)
        except GridError as exc:
            at = ("properties", key, "x-layout")
            line, col = sourcemap.key(at) if sourcemap.has(at) else sourcemap.key(("properties", key))
            found.append(Diagnostic(ERROR, "K013", {"table": key, "problem": str(exc)}, str(schema_file), line, col, key))
    return found


def lint_templates(kind) -> list[Diagnostic]:
    manifest = kind.folder / "kind.yaml"
    loaded = load_file(manifest)
    found: list[Diagnostic] = []
    for fmt, name in kind.outputs.items():
        at = ("outputs", fmt)
        line, col = loaded.sourcemap.value(at) if loaded.sourcemap.has(at) else (1, 1)
        if fmt in PAGED_FORMATS:  # Word / PDF: a page description, checked by its own module
            found.extend(Diagnostic(ERROR, "K014", {"problem": d.message()}, str(manifest), line, col, f"outputs.{fmt}")
                         for d in layout_problems(kind, fmt))
            continue
        if fmt not in FORMATS:
            known = "、".join(FORMATS + PAGED_FORMATS)
            found.append(Diagnostic(ERROR, "K014", {"problem": f"不支持的输出格式「{fmt}」（可用：{known}）"},
                                    str(manifest), line, col, f"outputs.{fmt}"))
            continue
        env = _layout_env(kind, fmt)
        found.extend(_lint_template(kind, env, str(name), str(manifest), line, col, set()))
    return _unique(found)


def _lint_template(kind, env, name: str, manifest: str, line: int, col: int, seen: set) -> list[Diagnostic]:
    if name in seen:
        return []
    seen.add(name)
    try:
        source, filename, _ = env.loader.get_source(env, name)
        tree, undeclared, local = _analysed(env, source, name, filename)
    except TemplateNotFound:
        return [Diagnostic(ERROR, "K014", {"problem": f"找不到模板「{name}」（已查找 {kind.templates_dir}、{kind.common_templates_dir}）"},
                           manifest, line, col)]
    except TemplateSyntaxError as exc:
        return [Diagnostic(ERROR, "K014", {"problem": exc.message or str(exc)}, _shown(exc.filename or name),
                           exc.lineno or 1, 1)]
    except TemplateError as exc:  # pragma: no cover — any other loader failure
        return [Diagnostic(ERROR, "K014", {"problem": str(exc)}, manifest, line, col)]
    file = _shown(filename or name)
    found = _references(kind, tree, file, undeclared, local)
    for other in find_referenced_templates(tree):
        if isinstance(other, str):
            found.extend(_lint_template(kind, env, other, file, _line_of(tree, other), 1, seen))
    return found


# A template's tree and what it reads, by its text: the kinds share the common templates,
# and working out the undeclared names (Jinja's code generator) is most of a kind's check.
_ANALYSED: dict[tuple, tuple[nodes.Template, set[str], set[str]]] = {}


def _analysed(env, source: str, name: str, filename: str | None) -> tuple[nodes.Template, set[str], set[str]]:
    """(tree, names it reads that it does not set, names it binds itself). The trees are
    only read here, never changed, so one may serve every kind."""
    key = (source, name, filename, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
           env.block_start_string, env.variable_start_string, env.comment_start_string, tuple(env.extensions))
    known = _ANALYSED.get(key)
    if known is None:
        if len(_ANALYSED) >= 256:  # a long-lived `gendoc serve` meets many edits
            _ANALYSED.clear()
        tree = env.parse(source, name, filename)
        known = _ANALYSED[key] = (tree, find_undeclared_variables(tree), _local_names(tree))
    return known


def _references(kind, tree: nodes.Template, file: str, undeclared: set[str], local: set[str]) -> list[Diagnostic]:
    """Names and full paths the template reads that no report of the kind can have."""
    data_keys = set(kind.index.properties(()))
    found = []
    for name in sorted(undeclared):
        if name in data_keys or name in LAYOUT_NAMES or name in local:
            continue
        close = difflib.get_close_matches(name, sorted(data_keys | set(LAYOUT_NAMES)), n=1)
        hint = f"（是否应为「{close[0]}」？）" if close else ""
        found.append(_finding(file, _first_use(tree, name),
                              f"「{name}」既不是本格式 schema 的顶层数据，也不是模板可用的名称{hint}", name))
    for node in tree.find_all(nodes.Getattr):
        path = _chain(node)
        if path and path[0] in data_keys and path[0] not in local and not kind.index.exists(path):
            known = next(n for n in range(len(path), 0, -1) if kind.index.exists(path[:n]))
            close = difflib.get_close_matches(path[known], kind.index.properties(path[:known]), n=1)
            hint = f"（是否应为「{close[0]}」？）" if close else ""
            found.append(_finding(file, node.lineno, f"「{'.'.join(path)}」在 schema 中不存在{hint}", ".".join(path)))
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in PATH_HELPERS and call.args \
                and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str):
            path = dotted(call.args[0].value)
            if not kind.index.exists(path):
                found.append(_finding(file, call.lineno, f"{call.node.name}(\"{call.args[0].value}\")：schema 中没有这个位置",
                                      call.args[0].value))
    return found


def _chain(node: nodes.Getattr) -> tuple | None:
    """`a.b.c` written out in full (outermost Getattr only), else None."""
    steps: list[str] = []
    current: nodes.Node = node
    while isinstance(current, nodes.Getattr):
        steps.append(current.attr)
        current = current.node
    if not isinstance(current, nodes.Name):
        return None
    return (current.name, *reversed(steps))


def _local_names(tree: nodes.Template) -> set[str]:
    """Names the template binds itself (set, for, macro arguments, imports): a path from
    one of them is not a path of the report."""
    names: set[str] = set()
    for node in tree.find_all((nodes.Assign, nodes.For, nodes.AssignBlock)):
        assert isinstance(node, (nodes.Assign, nodes.For, nodes.AssignBlock))  # for the type checker
        if isinstance(node.target, nodes.Name):
            names.add(node.target.name)
        names.update(n.name for n in node.target.find_all(nodes.Name))  # tuple targets
    for macro in tree.find_all((nodes.Macro, nodes.CallBlock)):
        assert isinstance(macro, (nodes.Macro, nodes.CallBlock))
        names.update(arg.name for arg in macro.args)
    for imp in tree.find_all((nodes.Import, nodes.FromImport)):
        assert isinstance(imp, (nodes.Import, nodes.FromImport))
        if isinstance(imp, nodes.Import):
            names.add(imp.target)
        else:
            names.update(n if isinstance(n, str) else n[1] for n in imp.names)
    return names


def _first_use(tree: nodes.Template, name: str) -> int:
    for node in tree.find_all(nodes.Name):
        if node.name == name:
            return node.lineno
    return 1


def _line_of(tree: nodes.Template, template: str) -> int:
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        assert isinstance(node, (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport))
        if isinstance(node.template, nodes.Const) and node.template.value == template:
            return node.lineno
    return 1


def _finding(file: str, line: int, problem: str, path: str) -> Diagnostic:
    return Diagnostic(ERROR, "K015", {"problem": problem}, file, line or 1, 1, path)


def _shown(filename: str) -> str:
    """A template file named relative to the current folder when it lies below it."""
    try:
        return str(Path(filename).resolve().relative_to(Path.cwd()))
    except ValueError:
        return os.fspath(filename)


def _unique(found: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in found:
        key = (d.file, d.line, d.code, repr(d.params))
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
