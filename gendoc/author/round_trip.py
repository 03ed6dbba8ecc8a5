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
