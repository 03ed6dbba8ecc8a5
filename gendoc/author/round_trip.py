"""Report files edited the way a person would: comments, key order, quoting and layout kept.

`gendoc new` and `gendoc import FILE.xlsx --into` change figures inside a file someone
wrote. They read it with ruamel.yaml's round-trip loader and write it back with the same
settings this project's files use (two-space mappings, `- ` items indented by two, lines never
folded), so every byte they do not mean to change stays as it was: measured, loading and
dumping reports/zhifu-drc/2020.yaml and reports/sample-bureau/2022.yaml gives them back byte
for byte (tests/test_next_year.py keeps that true). Editing the text in place would have
needed a YAML writer of its own for every new node (a 2021 table 二 in place of a 2019 one,
the （六） rows that did not exist); ruamel's nodes carry the comments along instead.

A figure not known yet is written `~` (ruamel's default, an empty value, reads as null too
but looks like a forgotten cell).
"""
from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken


def _yaml() -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never fold a long narrative line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "~"))
    # an amount read from a workbook: written as its digits (gendoc reads decimals exactly)
    yaml.representer.add_representer(
        Decimal, lambda rep, d: rep.represent_scalar("tag:yaml.org,2002:float", format(d, "f")))
    return yaml


def load(text: str) -> Any:
    return _yaml().load(text)


def dump(doc: Any) -> str:
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def flow_map(items: dict | None = None) -> CommentedMap:
    """A mapping written on one line, as the rows of the tables are: `{natural: ~, …}`."""
    node = CommentedMap(items or {})
    node.fa.set_flow_style()
    return node


def block_map(items: dict | None = None) -> CommentedMap:
    node = CommentedMap(items or {})
    node.fa.set_block_style()
    return node


def block_seq(items: list | None = None) -> CommentedSeq:
    node = CommentedSeq(items or [])
    node.fa.set_block_style()
    return node


def key_line(node: Any, key: Any) -> tuple[int, int] | None:
    """1-based line and column of `key` in the file the node was loaded from."""
    try:
        if isinstance(node, CommentedSeq):
            line, col = node.lc.item(key)
        else:
            line, col = node.lc.key(key)
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    return line + 1, col + 1


def insert_after(node: CommentedMap, after: str, key: str, value: Any) -> None:
    """Put `key` right after `after` (or first), keeping every other key where it is."""
    keys = list(node.keys())
    position = keys.index(after) + 1 if after in keys else 0
    node.insert(position, key, value)


def remove_key(node: Any, key: Any) -> None:
    """Delete `key` but keep the full-line comments that follow its value.

    ruamel files a comment line under the item it follows, not the one it precedes: the
    comment above `keep:` in `drop: 1 / # about keep / keep: 2` lives in `drop`'s slot and
    would vanish with it. The removed item's own end-of-line comment goes with it; the lines
    after it move to the end of the item before (or, for the first key, above the next one).
    """
    keys = list(node.keys())
    holder, slot = _last_item(node, key)
    lines = _comment_lines(holder, slot)
    del node[key]
    if not lines:
        return
    position = keys.index(key)
    if position > 0:
        _append_comment(*_last_item(node, keys[position - 1]), lines)
    elif len(keys) > 1:
        # above the next key: ruamel keeps a comment before a mapping's first key on the node
        node.yaml_set_comment_before_after_key(
            keys[1], before="\n".join(line.strip().lstrip("#").strip() for line in lines),
            indent=_indent(lines[0]))


def _last_item(node: Any, key: Any) -> tuple[Any, Any]:
    """The (container, key) whose comment slot holds what follows `node[key]`'s whole block."""
    value = node[key]
    while isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not value.fa.flow_style():
        node, key = value, (len(value) - 1 if isinstance(value, CommentedSeq) else list(value)[-1])
        value = node[key]
    return node, key


def _comment_lines(holder: Any, key: Any) -> list[str]:
    """The full-line comments after the item (its own end-of-line comment left out)."""
    slots = holder.ca.items.get(key)
    token = slots[2] if slots and len(slots) > 2 else None
    if token is None:
        return []
    text = token.value
    # the first line is the item's own end-of-line comment unless the text starts a new line
    rest = text.split("\n")[1:]
    return [line for line in rest if line.strip().startswith("#")]


def _append_comment(holder: Any, key: Any, lines: list[str]) -> None:
    slots = holder.ca.items.setdefault(key, [None, None, None, None])
    extra = "\n".join(lines) + "\n"
    if slots[2] is None:
        slots[2] = CommentToken("\n" + extra, CommentMark(0), None)
    else:
        text = slots[2].value
        slots[2].value = (text if text.endswith("\n") else text + "\n") + extra


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
