"""Official labels, read from a kind's JSON Schema.

The schema is the single home of every label: each property's `title` is the official
wording, character for character. This module walks the schema along a data path
(following `$ref` and `allOf`, across files) so that messages, tables and diffs can all name
a figure the way the printed table does.
"""
from __future__ import annotations

from typing import Any, Iterable
from urllib.parse import urljoin, urldefrag

from gendoc.load.sourcemap import format_path as format_path  # re-exported: labels and paths go together

Path = tuple  # a data path: str keys and int list indices
_ABSENT = object()


class SchemaIndex:
    """Merged schema nodes by data path, with the titles along the way."""

    def __init__(self, root: dict, root_uri: str, documents: dict[str, dict]):
        self._root = root
        self._root_uri = root_uri
        self._docs = dict(documents)
        self._docs.setdefault(root_uri, root)
        self._cache: dict[tuple, list | None] = {(): self._expand(root, root_uri)}
        self._memo: dict[tuple, Any] = {}  # answers by (path, keyword): the schema never changes

    # -- resolution -------------------------------------------------------------------
    def _deref(self, ref: str, base: str) -> tuple[dict, str]:
        target = urljoin(base, ref)
        doc_uri, fragment = urldefrag(target)
        node: Any = self._docs[doc_uri or base]
        for part in [p for p in fragment.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, doc_uri or base

    def _expand(self, node: Any, base: str) -> list[tuple[dict, str]]:
        """The node and every node it pulls in by $ref / allOf, outermost first."""
        out: list[tuple[dict, str]] = []
        stack = [(node, base)]
        while stack:
            current, cbase = stack.pop(0)
            if not isinstance(current, dict):
                continue
            out.append((current, cbase))
            if "$ref" in current:
                stack.append(self._deref(current["$ref"], cbase))
            for sub in current.get("allOf", ()):
                stack.append((sub, cbase))
        return out

    def _parts(self, path: Iterable) -> list[tuple[dict, str]] | None:
        key = tuple(path)
        if key in self._cache:
            return self._cache[key]
        if any(isinstance(p, int) for p in key):  # every list item shares one schema node
            result = self._parts(tuple("#" if isinstance(p, int) else p for p in key))
            self._cache[key] = result
            return result
        parent = self._parts(key[:-1])
        result = None
        if parent is not None:
            step = key[-1]
            for node, base in parent:
                if step == "#":
                    child = node.get("items")
                else:
                    child = node.get("properties", {}).get(step)
                    if child is None and isinstance(node.get("additionalProperties"), dict):
                        child = node["additionalProperties"]
                if isinstance(child, dict):
                    result = self._expand(child, base)
                    break
        self._cache[key] = result
        return result

    def cache(self, name: Any) -> dict:
        """A dict for other modules' answers derived from this schema alone (table shapes,
        units): it lives exactly as long as the index."""
        memo: dict[Any, Any] = self._memo.setdefault(("#cache", name), {})
        return memo

    # -- queries ----------------------------------------------------------------------
    def get(self, path: Iterable, keyword: str, default: Any = None) -> Any:
        """The first value of `keyword` on the node at `path` (outermost wins)."""
        memo_key = (tuple(path), keyword)
        found = self._memo.get(memo_key, _ABSENT)
        if found is _ABSENT:
            found = _ABSENT
            for node, _ in self._parts(memo_key[0]) or ():
                if keyword in node:
                    found = node[keyword]
                    break
            self._memo[memo_key] = found
        return default if found is _ABSENT else found

    def below(self, path: Iterable, keyword: str) -> bool:
        """Whether the node at `path` or any node beneath it (as declared) has `keyword`:
        lets a walk skip whole tables when it looks for narrative fields."""
        key = ("#below", tuple("#" if isinstance(p, int) else p for p in path), keyword)
        found = self._memo.get(key)
        if found is None:
            self._memo[key] = False  # a recursive schema must not loop
            parts = self._parts(key[1]) or []
            children = [key[1] + (name,) for name in self.properties(key[1])]
            if any(isinstance(node.get("items"), dict) for node, _ in parts):
                children.append(key[1] + ("#",))
            if any(isinstance(node.get("additionalProperties"), dict) for node, _ in parts):
                children.append(key[1] + ("\x00any key",))  # undeclared keys take that schema
            found = any(keyword in node for node, _ in parts) or any(self.below(c, keyword) for c in children)
            self._memo[key] = found
        return found

    def exists(self, path: Iterable) -> bool:
        return self._parts(path) is not None

    def properties(self, path: Iterable) -> list[str]:
        """Declared property names at `path`, in schema order."""
        key = ("#properties", tuple(path))
        names = self._memo.get(key)
        if names is None:
            names = []
            for node, _ in self._parts(key[1]) or ():
                for name in node.get("properties", {}):
                    if name not in names:
                        names.append(name)
            names = self._memo[key] = tuple(names)
        return list(names)

    def required(self, path: Iterable) -> list[str]:
        names: list[str] = []
        for node, _ in self._parts(path) or ():
            names.extend(n for n in node.get("required", ()) if n not in names)
        return names

    def title(self, path: Iterable) -> str | None:
        title = self.get(path, "title")
        return title if isinstance(title, str) else None

    def chain(self, path: Iterable, data: Any = None, short: bool = False) -> list[str]:
        """Titles from the top of the document down to `path` — the one way gendoc names a
        figure: groups (x-group) included; a list item is 第N项, followed by its own name
        when `data` (the report) gives it one; a key the schema does not title is named by
        its own name in `data`, else by the key. `short`: the table's `x-short` (表三) in
        place of its full title."""
        path = tuple(path)
        titles: list[str] = []
        for depth in range(1, len(path) + 1):
            sub = path[:depth]
            node = _at(data, sub) if data is not None else None
            if isinstance(sub[-1], int):
                name = own_name(node)
                titles.append(f"第{sub[-1] + 1}项" + (f"（{name}）" if name else ""))
                continue
            group = self.get(sub, "x-group")
            if group and (not titles or titles[-1] != group):
                titles.append(group)
            titles.append(self.title(sub) or own_name(node) or str(sub[-1]))
        if short and titles and self.get(path[:1], "x-short"):
            titles[0] = self.get(path[:1], "x-short")
        return titles

    def place(self, path: Iterable) -> str:
        """A figure named the way a person finds it: 表三「一、…」/「自然人」."""
        path = tuple(path)
        if not path:
            return "报告文件"
        titles = self.chain(path)
        short = self.get(path[:1], "x-short")
        if short:
            titles = titles[1:]
            return str(short) + ("".join(f"「{t}」" if i == 0 else f"/「{t}」" for i, t in enumerate(titles)))
        return "/".join(f"「{t}」" for t in titles)


NAME_KEYS = ("title", "name", "label")  # how a list item or a free-form key names itself


def own_name(node: Any) -> str | None:
    """The one-line name a list item or a free-form entry gives itself, if any."""
    if isinstance(node, dict):
        for key in NAME_KEYS:
            value = node.get(key)
            if isinstance(value, str) and value.strip() and "\n" not in value.strip():
                return value.strip()
    return None


def _at(data: Any, path: tuple) -> Any:
    node = data
    for step in path:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return None
    return node


def narrative_paths(index, data: Any, path: tuple = ()) -> list[tuple]:
    """Data paths of the narrative fields present in `data`, in document order.

    Whether a key holds a narrative, or has one somewhere beneath it, depends on the schema
    alone: it is asked of the index once per place in the schema (a list's items share
    one) and kept in a plan, so that a report's walk only looks up its keys there and
    descends only where a narrative can be — not into the tables."""
    out: list[tuple] = []
    if isinstance(data, (dict, list)):
        plans: dict[tuple, dict] = index.cache("narrative-plans")
        norm = tuple("#" if isinstance(p, int) else p for p in path)
        _walk(index, plans, _plan(plans, norm), norm, data, path, out)
    return out


def _plan(plans: dict[tuple, dict], norm: tuple) -> dict:
    """The plan of one place in the schema: its keys' (narrative?, plan beneath or None)."""
    plan = plans.get(norm)
    if plan is None:
        plan = plans[norm] = {}
    return plan


def _step(index, plans: dict, plan: dict, norm: tuple, key: Any) -> tuple[bool, dict | None]:
    """What the schema says of `key` under the place `norm`: a narrative field there, and
    the plan to walk beneath it when a narrative field can be found there."""
    if type(key) is str:
        found = plan.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
    child = norm + ("#" if isinstance(key, int) else key,)
    found = (index.get(child, "x-narrative") is True,
             _plan(plans, child) if index.below(child, "x-narrative") else None)
    if type(key) is str:
        plan[key] = found
    return found


def _walk(index, plans: dict, plan: dict, norm: tuple, data: Any, path: tuple, out: list[tuple]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            found = plan.get(key) if type(key) is str else None  # the usual case, without a call
            narrative, beneath = found if found is not None else _step(index, plans, plan, norm, key)
            if isinstance(value, str):
                if narrative:
                    out.append(path + (key,))
            elif beneath is not None and isinstance(value, (dict, list)):
                _walk(index, plans, beneath, norm + ("#" if isinstance(key, int) else key,), value, path + (key,), out)
    else:
        narrative, beneath = _step(index, plans, plan, norm, "#")
        if not narrative and beneath is None:
            return
        child = norm + ("#",)
        for i, value in enumerate(data):
            if isinstance(value, str):
                if narrative:
                    out.append(path + (i,))
            elif beneath is not None and isinstance(value, (dict, list)):
                _walk(index, plans, beneath, child, value, path + (i,), out)
