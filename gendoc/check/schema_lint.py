"""A kind's JSON Schema files checked as a kind author needs them (part of `gendoc kind check`).

Each schema file the kind uses (its schema.json and every file it refers to) must be a valid
draft-07 schema (K010); every property must carry its official label as `title` (K011); and
gendoc's own annotations must be well-formed (K012): `x-derived` / `x-narrative` true or
false, `x-group` / `x-short` text, `x-unit-for` / `x-detail-for` naming a sibling property,
`x-layout` a mapping with a `kind`. The files are read with the report loader (JSON is YAML),
so each finding points at the line of the offending key.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urldefrag, urljoin

from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.load.yaml_loader import load_file

BOOLEAN = ("x-derived", "x-narrative")
TEXT = ("x-group", "x-short")
SIBLING = ("x-unit-for", "x-detail-for")


def lint_schema(kind) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for path in _schema_files(kind):
        loaded = load_file(path)
        found.extend(loaded.diagnostics)
        if not isinstance(loaded.data, dict):
            continue
        found.extend(_draft7(loaded.data, str(path), loaded.sourcemap))
        for at, node in _subschemas(loaded.data, ()):
            found.extend(_annotations(node, at, str(path), loaded.sourcemap))
    return found


def _schema_files(kind) -> list[Path]:
    """The kind's schema.json and every local file its `$ref`s reach."""
    todo, seen = [kind.schema_uri], []
    while todo:
        uri = todo.pop()
        if uri in seen or uri not in kind.documents:
            continue
        seen.append(uri)
        for ref in _refs(kind.documents[uri]):
            target = urldefrag(urljoin(uri, ref))[0]
            if target.startswith("file://"):
                todo.append(target)
    return [Path(uri[len("file://"):]) for uri in seen]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _draft7(schema: dict, file: str, sourcemap) -> list[Diagnostic]:
    gate = _draft7_gate()
    if gate is not None and gate(schema):
        return []  # a valid schema, as almost always: jsonschema (0.1 s to import) not needed
    from jsonschema import Draft7Validator  # it finds and places every error

    found = []
    for error in Draft7Validator(Draft7Validator.META_SCHEMA).iter_errors(schema):
        at = tuple(error.absolute_path)
        line, col = sourcemap.value(at)
        found.append(Diagnostic(ERROR, "K010", {"problem": error.message}, file, line, col, _pointer(at)))
    return found


@functools.lru_cache(maxsize=1)
def _draft7_gate():
    """The draft-07 meta-schema as a yes/no gate (gendoc.check.schema_gate), read from the
    file jsonschema ships it in without importing jsonschema; None when it cannot be."""
    import importlib.util
    import json

    from gendoc.check.schema_gate import compile_gate

    spec = importlib.util.find_spec("jsonschema_specifications")
    try:
        folder = Path(list(spec.submodule_search_locations or [])[0])  # type: ignore[union-attr]
        meta = json.loads((folder / "schemas" / "draft7" / "metaschema.json").read_text(encoding="utf-8"))
    except (IndexError, OSError, ValueError):
        return None
    uri = meta["$id"].rstrip("#")
    # jsonschema checks a schema against it without a format checker: `format` asserts nothing.
    return compile_gate(meta, uri, {uri: meta}, annotations=frozenset({"format"}))


def _subschemas(node: Any, at: tuple) -> Iterator[tuple[tuple, dict]]:
    """Every schema object in a schema document, with its place in the file."""
    if not isinstance(node, dict):
        return
    yield at, node
    for keyword in ("properties", "definitions", "patternProperties"):
        for name, sub in (node.get(keyword) or {}).items() if isinstance(node.get(keyword), dict) else ():
            yield from _subschemas(sub, at + (keyword, name))
    for keyword in ("items", "additionalProperties", "not", "if", "then", "else"):
        yield from _subschemas(node.get(keyword), at + (keyword,))
    for keyword in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(node.get(keyword) or ()) if isinstance(node.get(keyword), list) else ():
            yield from _subschemas(sub, at + (keyword, i))


def _annotations(node: dict, at: tuple, file: str, sourcemap) -> list[Diagnostic]:
    found = []

    def problem(key: str, text: str, code: str = "K012") -> None:
        line, col = sourcemap.key(at + (key,)) if key else sourcemap.key(at)
        found.append(Diagnostic(ERROR, code, {"problem": text}, file, line, col, _pointer(at + ((key,) if key else ()))))

    if len(at) >= 2 and at[-2] == "properties" and not isinstance(node.get("title"), str):
        problem("", f"属性「{at[-1]}」没有 title：每个数字、每张表都要写正式名称（逐字照抄正式表格）", "K011")
    for key in BOOLEAN:
        if key in node and not isinstance(node[key], bool):
            problem(key, f"{key} 应为 true 或 false，实为 {node[key]!r}")
    for key in TEXT:
        if key in node and not (isinstance(node[key], str) and node[key].strip()):
            problem(key, f"{key} 应为非空文字")
    layout = node.get("x-layout")
    if "x-layout" in node and not (isinstance(layout, dict) and isinstance(layout.get("kind"), str)):
        problem("x-layout", "x-layout 应为含 kind 的键值对，如 {kind: rows}")
    return found


def lint_siblings(kind) -> list[Diagnostic]:
    """`x-unit-for` / `x-detail-for` must name another property of the same object: checked
    on the merged schema (the properties may come from several files)."""
    found = []
    index = kind.index
    for path in _places(index, ()):
        for key in SIBLING:
            target = index.get(path, key)
            if target is not None and (not isinstance(target, str) or target not in index.properties(path[:-1])
                                       or target == path[-1]):
                found.append(Diagnostic(ERROR, "K012", {"problem": f"{key}「{target}」不是同一对象中的另一个属性"},
                                        str(kind.folder / "schema.json"), 1, 1, ".".join(map(str, path))))
    return found


def _places(index, at: tuple) -> Iterator[tuple]:
    for name in index.properties(at):
        yield at + (name,)
        yield from _places(index, at + (name,))


def _pointer(at: tuple) -> str:
    return "/".join(map(str, at))
