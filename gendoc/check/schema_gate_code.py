"""The schema gate of a kind written out as Python code.

`schema_gate.Compiler` builds the gate from closures, one or more per schema node: checking
a report then costs a call per property, per keyword and per table row (some 1,500 calls for
a report of the 2019 kind). The reports' shapes are few — closed objects of known
properties, bounded whole numbers, texts, lists of such — and for those this module writes
straight-line code instead: each property read once and checked in place. A definition
(`$ref`) of a line or two (a bounded count) is written out where it is used; a longer one
(a table row) becomes a function of its own, written once, which a recursive schema calls
from within itself. Any other keyword is left to the closure `Compiler` makes for it,
called from the code: the answer is the closures' answer, keyword by keyword, and a keyword
neither knows still means "use jsonschema alone" (`Unsupported`). tests/test_fuzz.py checks
the gate against jsonschema, and tests/test_schema_gate.py this code against the closures.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urljoin

from gendoc.check.schema_gate import Check, Compiler, _is_number, _same

# How deep the code's blocks may nest before a subschema is left to its closure (Python
# refuses code indented a hundred levels deep; the kinds' schemas need about ten).
_MAX_DEPTH = 40
_TYPE_TESTS = {  # schema_gate.TYPES, as expressions
    "integer": "(isinstance({v}, int) and not isinstance({v}, bool))",
    "number": "(type({v}) is int or _is_number({v}))",  # a whole number without the call
    "string": "isinstance({v}, str)", "object": "isinstance({v}, dict)", "array": "isinstance({v}, list)",
    "boolean": "isinstance({v}, bool)", "null": "{v} is None",
}
# A definition (`$ref`) written in this many lines or fewer is written out where it is used
# (a bounded count, one line); a longer one becomes a function of its own, called there.
_INLINE_LINES = 2
_FUSED_INTEGER = {"type", "minimum", "maximum"}
_CLOSED_OBJECT = {"type", "properties", "required", "additionalProperties"}
_ABSENT = object()


def write_gate(schema: dict | bool, uri: str, documents: dict[str, dict],
               annotations: frozenset[str] = frozenset()) -> Check:
    """The gate of `schema` as generated code; raises `Unsupported` as the closures do."""
    writer = _Writer(Compiler(documents, annotations))
    writer.schema(schema, uri, "v0", 1)
    writer.functions["gate"] = writer.lines
    source = "".join(f"def {name}(v0):\n" + "".join(f"{' ' * depth}{line}\n" for depth, line in body)
                     + " return True\n" for name, body in writer.functions.items()
                     if name == "gate" or name in writer.called)
    namespace: dict[str, Any] = {"_ABSENT": _ABSENT, "_is_number": _is_number, "_same": _same, **writer.constants}
    exec(compile(source, f"<schema gate of {uri}>", "exec"), namespace)  # code written above, from the schema
    gate: Check = namespace["gate"]
    return gate


class _Writer:
    def __init__(self, compiler: Compiler):
        self.compiler = compiler
        self.lines: list[tuple[int, str]] = []  # (indentation, statement)
        self.constants: dict[str, Any] = {}
        self.variables = 0
        self.functions: dict[str, list[tuple[int, str]]] = {}  # name -> its lines
        self.definitions: dict[str, tuple[str, int]] = {}  # `$ref` target -> (function, its lines)
        self.called: set[str] = set()  # the functions the code calls (the others were written out)

    def constant(self, value: Any) -> str:
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name

    def variable(self) -> str:
        self.variables += 1
        return f"v{self.variables}"

    def fail_unless(self, depth: int, test: str) -> None:
        self.lines.append((depth, f"if not ({test}): return False"))

    def closure(self, check: Check, v: str, depth: int) -> None:
        self.fail_unless(depth, f"{self.constant(check)}({v})")

    def block(self, depth: int, header: str, body) -> None:
        """`header` followed by the lines `body(depth + 1)` writes — or nothing at all when it
        writes none (a block that checks nothing)."""
        at = len(self.lines)
        body(depth + 1)
        if len(self.lines) > at:
            self.lines.insert(at, (depth, header))

    # -- schemas -------------------------------------------------------------------------
    def schema(self, schema: Any, base: str, v: str, depth: int) -> None:
        """Lines that return False unless the value in variable `v` satisfies `schema`."""
        if depth > _MAX_DEPTH:
            self.closure(self.compiler.compile(schema, base), v, depth)
            return
        if schema is True:
            return
        if schema is False:
            self.lines.append((depth, "return False"))
            return
        keywords = {k: x for k, x in schema.items() if k not in self.compiler.annotations and not k.startswith("x-")}
        kind = keywords.get("type")
        if kind in ("integer", ["integer", "null"]) and set(keywords) <= _FUSED_INTEGER:
            test = f"type({v}) is int"
            for bound, compare in (("minimum", "{b} <= {v}"), ("maximum", "{v} <= {b}")):
                if keywords.get(bound) is not None:
                    test += " and " + compare.format(b=self._number(keywords[bound]), v=v)
            self.fail_unless(depth, test if kind == "integer" else f"{v} is None or ({test})")
            return
        if kind == "object" and keywords.get("additionalProperties") is False and set(keywords) <= _CLOSED_OBJECT:
            self.closed_object(keywords.get("properties", {}), keywords.get("required", ()), base, v, depth)
            return
        for key, value in keywords.items():
            self.keyword(key, value, schema, base, v, depth)

    def closed_object(self, properties: dict, required: Any, base: str, v: str, depth: int) -> None:
        """A mapping of known properties only, the required ones present: each property's
        value is read once and checked in place."""
        names = self.constant(frozenset(properties))
        needed = frozenset(required)
        # Set comparisons of the keys view build no set (issubset would, of a dict's keys).
        if needed == frozenset(properties):
            test = f"{v}.keys() == {names}"
        else:
            test = f"{v}.keys() <= {names}" + (f" and {v}.keys() >= {self.constant(needed)}" if needed else "")
        self.fail_unless(depth, f"isinstance({v}, dict) and {test}")
        for name, sub in properties.items():
            x = self.variable()
            if name in needed:
                self.lines.append((depth, f"{x} = {v}[{name!r}]"))
                self.schema(sub, base, x, depth)
            else:
                at = len(self.lines)
                self.block(depth, f"if {x} is not _ABSENT:", lambda d, sub=sub, x=x: self.schema(sub, base, x, d))
                if len(self.lines) > at:
                    self.lines.insert(at, (depth, f"{x} = {v}.get({name!r}, _ABSENT)"))

    def keyword(self, key: str, value: Any, schema: dict, base: str, v: str, depth: int) -> None:
        if key == "$ref":
            target = urljoin(base, value)
            if target not in self.definitions:
                self.define(target, base)
            function, length = self.definitions[target]
            if 0 <= length <= _INLINE_LINES:
                doc_uri, node = self.resolve(target, base)
                self.schema(node, doc_uri, v, depth)
            else:  # a long one, or one being written (recursion): called
                self.called.add(function)
                self.fail_unless(depth, f"{function}({v})")
        elif key == "allOf":
            for sub in value:
                self.schema(sub, base, v, depth)
        elif key == "type":
            names = [value] if isinstance(value, str) else list(value)
            # an unknown type name fails here (KeyError) as it does in the closures
            self.fail_unless(depth, " or ".join(_TYPE_TESTS[name].format(v=v) for name in names))
        elif key == "properties":
            self.block(depth, f"if isinstance({v}, dict):", lambda d: self.open_properties(value, base, v, d))
        elif key == "required":
            self.lines.append((depth, f"if isinstance({v}, dict) and not {self.constant(frozenset(value))}"
                                      f".issubset({v}.keys()): return False"))
        elif key == "additionalProperties" and value is True:
            return
        elif key == "additionalProperties" and value is False:
            known = frozenset(schema.get("properties", {}))
            self.lines.append((depth, f"if isinstance({v}, dict) and not {self.constant(known)}"
                                      f".issuperset({v}.keys()): return False"))
        elif key == "items" and isinstance(value, (dict, bool)):
            x = self.variable()
            self.block(depth, f"if isinstance({v}, list):", lambda d: self.block(
                d, f"for {x} in {v}:", lambda d2: self.schema(value, base, x, d2)))
        elif key in ("minItems", "maxItems", "minLength"):
            what, compare = {"minItems": ("list", ">="), "maxItems": ("list", "<="), "minLength": ("str", ">=")}[key]
            self.lines.append((depth, f"if isinstance({v}, {what}) and not (len({v}) {compare} "
                                      f"{self.constant(value)}): return False"))
        elif key in ("minimum", "maximum", "exclusiveMinimum"):
            compare = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">"}[key]
            self.lines.append((depth, f"if (type({v}) is int or _is_number({v})) and not ({v} {compare} {self.constant(value)}): "
                                      "return False"))
        elif key == "const":
            self.fail_unless(depth, f"_same({v}, {self.constant(value)})")
        elif key == "enum" and isinstance(value, list) and all(type(o) is str for o in value):
            # JSON equality with texts only is ==: no bool, number or container equals a text
            self.fail_unless(depth, f"{v} in {self.constant(tuple(value))}")
        elif key == "pattern":
            rx = self.constant(re.compile(value))
            self.lines.append((depth, f"if isinstance({v}, str) and {rx}.search({v}) is None: return False"))
        elif key == "minProperties":
            self.lines.append((depth, f"if isinstance({v}, dict) and not (len({v}) >= {self.constant(value)}): "
                                      "return False"))
        elif key == "propertyNames":
            name = self.variable()
            self.block(depth, f"if isinstance({v}, dict):", lambda d: self.block(
                d, f"for {name} in {v}:", lambda d2: self.schema(value, base, name, d2)))
        elif key == "additionalProperties" and isinstance(value, (dict, bool)):
            declared = self.constant(frozenset(schema.get("properties", {})))
            name, x = self.variable(), self.variable()
            self.block(depth, f"if isinstance({v}, dict):", lambda d: self.block(
                d, f"for {name}, {x} in {v}.items():", lambda d2: self.block(
                    d2, f"if {name} not in {declared}:", lambda d3: self.schema(value, base, x, d3))))
        else:  # the rest (and what neither knows: Unsupported) as the closures have it
            self.closure(self.compiler._keyword(key, value, schema, base), v, depth)

    def resolve(self, target: str, base: str) -> tuple[str, Any]:
        doc_uri, fragment = urldefrag(target)
        node: Any = self.compiler.documents[doc_uri or base]
        for part in [p for p in fragment.split("/") if p]:
            node = node[part]
        return doc_uri or base, node

    def define(self, target: str, base: str) -> None:
        """`target` written out as a function of its own (its length: -1 while it is being
        written, so that a recursive reference calls it)."""
        function = f"_r{len(self.definitions)}"
        self.definitions[target] = (function, -1)
        doc_uri, node = self.resolve(target, base)
        outer, self.lines = self.lines, []
        self.schema(node, doc_uri, "v0", 1)
        self.functions[function], self.lines = self.lines, outer
        self.definitions[target] = (function, len(self.functions[function]))

    def open_properties(self, properties: dict, base: str, v: str, depth: int) -> None:
        for name, sub in properties.items():
            x = self.variable()
            at = len(self.lines)
            self.block(depth, f"if {x} is not _ABSENT:", lambda d, sub=sub, x=x: self.schema(sub, base, x, d))
            if len(self.lines) > at:
                self.lines.insert(at, (depth, f"{x} = {v}.get({name!r}, _ABSENT)"))

    def _number(self, bound: Any) -> str:
        """A bound written into the code: a whole number as itself, anything else by name."""
        return repr(bound) if type(bound) is int else self.constant(bound)
