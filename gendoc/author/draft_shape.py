"""Last year's document, shaped into this year's draft: the kind's schema decides everything.

- every value the schema lets be null (the figures, the publication date, facts' values)
  becomes `~`: not known yet, never 0;
- figures a migration moves go to their new place first (`migrations.py`);
- derived figures (x-derived) are dropped: gendoc computes them;
- what the (new) format declares and the file lacks — a row the new format added — is
  inserted in schema order, a row of figures on one line with its official label as comment;
- a key a closed object of the new format does not declare is removed and reported, with its
  line in last year's file;
- everything else — agency details, narrative, units, labels, comments, key order, keys the
  schema leaves open — stays exactly as it was.

No row of any kind is named here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gendoc.author.round_trip import block_map, flow_map, key_line, remove_key
from gendoc.check.unknown_figures import may_be_unknown


@dataclass
class Removed:
    path: tuple
    line: int
    col: int


def move_figures(doc: Any, migration, index) -> None:
    """Each figure under a mapped path moves to its place in the new format."""
    for path, value in list(_leaves(doc, ())):
        new = migration.figure_path(path)
        if new is None or new == path or not index.exists(new) or index.get(new, "x-derived"):
            continue
        parent = _parent_for(doc, new, index)
        if parent is None:
            continue
        parent[new[-1]] = value
        old_parent = _get(doc, path[:-1])
        if isinstance(old_parent, dict) and path[-1] in old_parent:
            remove_key(old_parent, path[-1])


def shape(doc: Any, index, path: tuple = ()) -> list[Removed]:
    """Shape `doc` (a ruamel mapping) to the schema at `path` as a draft, in place."""
    removed: list[Removed] = []
    _shape_map(doc, index, path, removed)
    return removed


def skeleton(index, path: tuple) -> Any:
    """A declared table part with every figure unknown."""
    names = [k for k in index.properties(path) if _typed(index, path + (k,))]
    if not names:
        return None
    if all(not index.properties(path + (k,)) for k in names):
        return flow_map(dict.fromkeys(names))
    node = block_map()
    for k in names:
        node[k] = skeleton(index, path + (k,))
        _label(node, k, index, path + (k,))
    return node


def _typed(index, path: tuple) -> bool:
    """A property an author types (not computed, not a unit or a detail of another cell)."""
    return not any(index.get(path, key) for key in ("x-derived", "x-subtotal", "x-unit-for", "x-detail-for"))


def _label(node, key: str, index, path: tuple) -> None:
    title = index.title(path)
    if title and title != key:
        node.yaml_add_eol_comment(f"# {title}", key)


def _shape_map(node: Any, index, path: tuple, removed: list[Removed]) -> None:
    declared = index.properties(path)
    extra = index.get(path, "additionalProperties")
    for key in list(node.keys()):
        sub = path + (key,)
        if key in declared:
            if index.get(sub, "x-derived"):
                remove_key(node, key)
                continue
        elif extra is False:  # a closed object: the key has no place in this format
            where = key_line(node, key) or (0, 0)
            removed.append(Removed(sub, *where))
            remove_key(node, key)
            continue
        node[key] = _shape_value(node[key], index, sub, removed)
    in_table = bool(path) and index.get(path[:1], "x-layout") is not None
    required = set(index.required(path))
    for position, key in enumerate(declared):
        sub = path + (key,)
        if key in node or not _typed(index, sub) or not (in_table or key in required):
            continue
        value = skeleton(index, sub)
        keys = list(node.keys())
        before = [k for k in declared[:position] if k in keys]
        node.insert(keys.index(before[-1]) + 1 if before else 0, key, value)
        if isinstance(value, dict):  # a figure inside a one-line row has no comment of its own
            _label(node, key, index, sub)
    if any(isinstance(v, dict) for v in node.values()) and hasattr(node, "fa"):
        node.fa.set_block_style()  # a row of figures that became a group of rows


def _shape_value(value: Any, index, path: tuple, removed: list[Removed]) -> Any:
    if isinstance(value, dict):
        _shape_map(value, index, path, removed)
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = _shape_value(item, index, path + (i,), removed)
        return value
    if may_be_unknown(index, path):
        return None
    return value


def _leaves(node: Any, path: tuple):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, path + (i,))
    else:
        yield path, node


def _get(doc: Any, path: tuple) -> Any:
    node = doc
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _parent_for(doc: Any, path: tuple, index) -> Any:
    """The mapping that holds `path`, made (as a one-line row, labelled) where missing."""
    node = doc
    for depth, step in enumerate(path[:-1], 1):
        if not isinstance(node, dict):
            return None
        if step not in node or not isinstance(node[step], dict):
            node[step] = flow_map()
            _label(node, step, index, path[:depth])
        node = node[step]
    return node if isinstance(node, dict) else None
