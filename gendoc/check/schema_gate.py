"""A fast yes/no gate in front of jsonschema.

Most files are valid most of the time, and for them jsonschema is the slowest stage (about
8 ms a report, plus ~0.1 s to import). This module compiles a kind's schema once into nested
closures that answer only "valid?" for the keywords the kinds use, with gendoc's own type
meaning (a count is an int, never 10.0; a Decimal is a number). When it says no, or meets
a keyword it does not know, jsonschema runs as before and reports every error with its
location: the gate can make a clean file faster, never a broken one quieter.
A kind's reports are checked by the same answer written out as Python code
(check/schema_gate_code.py, which calls these closures for the rarer keywords); the
closures alone check schemas against the draft-07 meta-schema (K010), once per kind.
(fastjsonschema was measured too: it treats 10.0 as an integer and rejects Decimal, and
generating its code costs more at start-up than these closures take to build.)
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, Callable
from urllib.parse import urldefrag, urljoin

Check = Callable[[Any], bool]
ANNOTATIONS = {"title", "description", "$schema", "$id", "definitions", "default", "examples", "$comment",
               "readOnly"}


class Unsupported(Exception):
    """The schema uses a keyword the gate does not implement: use jsonschema alone."""


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    if isinstance(v, Decimal):
        return v.is_finite()
    return isinstance(v, float) and math.isfinite(v)


TYPES: dict[str, Check] = {
    "integer": _is_int, "number": _is_number, "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool), "null": lambda v: v is None,
}


class Compiler:
    def __init__(self, documents: dict[str, dict], annotations: frozenset[str] = frozenset()):
        """`annotations`: keywords that assert nothing for this use, besides ANNOTATIONS
        (`format`, when the schema is checked as jsonschema does without a format checker)."""
        self.documents = documents
        self.annotations = ANNOTATIONS | annotations
        self._refs: dict[str, Check] = {}
        self._compiling: set[str] = set()

    def ref(self, ref: str, base: str) -> Check:
        target = urljoin(base, ref)
        if target not in self._refs:
            self._refs[target] = lambda v: True  # placeholder while compiling (recursion)
            self._compiling.add(target)
            doc_uri, fragment = urldefrag(target)
            node: Any = self.documents[doc_uri or base]
            for part in [p for p in fragment.split("/") if p]:
                node = node[part]
            compiled = self.compile(node, doc_uri or base)
            self._compiling.discard(target)
            self._refs[target] = compiled
        return self._refs[target]

    def compile(self, schema: dict | bool, base: str) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        keywords = {k: v for k, v in schema.items() if k not in self.annotations and not k.startswith("x-")}
        fused = self._fused(keywords, base)
        if fused is not None:
            return fused
        checks: list[Check] = []
        for key, value in keywords.items():
            checks.append(self._keyword(key, value, schema, base))
        if not checks:
            return lambda v: True
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda v: first(v) and second(v)
        return _all_of(checks)

    def _fused(self, keywords: dict, base: str) -> Check | None:
        """One closure for the two shapes that make up most of a report — a bounded whole
        number, and a closed object of known properties — instead of one per keyword."""
        kind = keywords.get("type")
        if kind in ("integer", ["integer", "null"]) and set(keywords) <= {"type", "minimum", "maximum"}:
            low, high = keywords.get("minimum"), keywords.get("maximum")
            low = -math.inf if low is None else low
            high = math.inf if high is None else high
            if kind == "integer":
                return lambda v: type(v) is int and low <= v <= high
            # a figure not known yet (null, in a draft): whether a draft may hold it is
            # check/unknown_figures.py's business, not the schema's
            return lambda v: v is None or (type(v) is int and low <= v <= high)
        if keywords.get("type") == "object" and keywords.get("additionalProperties") is False \
                and set(keywords) <= {"type", "properties", "required", "additionalProperties"}:
            props = {name: self.compile(sub, base) for name, sub in keywords.get("properties", {}).items()}
            required = frozenset(keywords.get("required", ()))

            def closed_object(v: Any) -> bool:
                if not isinstance(v, dict) or not required.issubset(v.keys()):
                    return False
                for k, x in v.items():
                    check = props.get(k)
                    if check is None or not check(x):
                        return False
                return True
            return closed_object
        return None

    def _keyword(self, key: str, value: Any, schema: dict, base: str) -> Check:
        if key == "$ref":
            target = urljoin(base, value)
            compiled = self.ref(value, base)
            if target in self._compiling:  # recursive: look it up when called
                return lambda v: self._refs[target](v)
            return compiled
        if key == "allOf":
            subs = [self.compile(s, base) for s in value]
            return subs[0] if len(subs) == 1 else _all_of(subs)
        if key == "anyOf":
            options = [self.compile(s, base) for s in value]
            return lambda v: any(option(v) for option in options)
        if key == "type":
            names = [value] if isinstance(value, str) else list(value)
            tests = [TYPES[n] for n in names]
            return lambda v: any(t(v) for t in tests)
        if key == "properties":
            props = {name: self.compile(sub, base) for name, sub in value.items()}

            def properties(v: Any) -> bool:
                if isinstance(v, dict):
                    for k, x in v.items():
                        check = props.get(k)
                        if check is not None and not check(x):
                            return False
                return True
            return properties
        if key == "required":
            required = frozenset(value)
            return lambda v: not isinstance(v, dict) or required.issubset(v.keys())
        if key == "additionalProperties":
            known = frozenset(schema.get("properties", {}))
            if value is False:
                return lambda v: not isinstance(v, dict) or known.issuperset(v.keys())
            if value is True:
                return lambda v: True
            sub = self.compile(value, base)
            return lambda v: not isinstance(v, dict) or all(sub(x) for k, x in v.items() if k not in known)
        if key == "propertyNames":
            sub = self.compile(value, base)
            return lambda v: not isinstance(v, dict) or all(sub(k) for k in v)
        if key == "minProperties":
            return lambda v: not isinstance(v, dict) or len(v) >= value
        if key == "uniqueItems":
            # Said yes to only for texts (a schema's `required` and `enum` names); anything
            # else goes to jsonschema, whose JSON equality (1 == 1.0, not True) decides.
            if not value:
                return lambda v: True
            return lambda v: not isinstance(v, list) or (all(isinstance(x, str) for x in v) and len(set(v)) == len(v))
        if key == "items" and isinstance(value, (dict, bool)):
            sub = self.compile(value, base)
            return lambda v: not isinstance(v, list) or all(sub(x) for x in v)
        if key == "minItems":
            return lambda v: not isinstance(v, list) or len(v) >= value
        if key == "maxItems":
            return lambda v: not isinstance(v, list) or len(v) <= value
        if key == "minimum":
            return lambda v: not _is_number(v) or v >= value
        if key == "exclusiveMinimum":
            return lambda v: not _is_number(v) or v > value
        if key == "maximum":
            return lambda v: not _is_number(v) or v <= value
        if key == "minLength":
            return lambda v: not isinstance(v, str) or len(v) >= value
        if key == "pattern":
            rx = re.compile(value)
            return lambda v: not isinstance(v, str) or rx.search(v) is not None
        if key == "enum":
            options = list(value)
            return lambda v: any(_same(v, o) for o in options)
        if key == "const":
            return lambda v: _same(v, value)
        raise Unsupported(key)


def _all_of(checks: list[Check]) -> Check:
    def every(v: Any) -> bool:
        for check in checks:
            if not check(v):
                return False
        return True
    return every


def _same(a: Any, b: Any) -> bool:
    """JSON equality: 1 and True differ, 1 and 1.0 agree."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


def compile_gate(schema: dict, uri: str, documents: dict[str, dict],
                 annotations: frozenset[str] = frozenset()) -> Check | None:
    try:
        return Compiler(documents, annotations).compile(schema, uri)
    except Unsupported:
        return None


def gate_for(kind) -> Check | None:
    """The kind's gate, compiled on first use (None when the schema needs jsonschema alone)."""
    if "gate" not in kind.compiled:
        from gendoc.check.schema_gate_code import write_gate

        try:
            kind.compiled["gate"] = write_gate(kind.schema, kind.schema_uri, kind.documents)
        except Unsupported:
            kind.compiled["gate"] = None
    gate: Callable[[Any], bool] | None = kind.compiled["gate"]
    return gate
