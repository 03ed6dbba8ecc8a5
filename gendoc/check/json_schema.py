"""JSON Schema validation, reported in the kind's own labels.

Every error is collected (not just the first), located through the source map, and phrased
for a clerk: which official cell, what was expected, what was found — with a hint when the
cause is a classic (a full-width digit typed by an IME, a quoted number, `no` meant as 0, a
misspelled key).
"""
from __future__ import annotations

import difflib
import math
import re
import unicodedata
from decimal import Decimal
from typing import Any

from jsonschema import Draft7Validator, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.kind.labels import SchemaIndex, format_path

TYPE_NAMES = {
    "integer": ("整数", "a whole number"), "number": ("数字", "a number"), "string": ("文字", "text"),
    "object": ("键值对（映射）", "a mapping"), "array": ("列表", "a list"),
    "boolean": ("true/false", "true/false"), "null": ("空值", "null"),
}
_FULLWIDTH_DIGIT = re.compile(r"[０-９．－＋]")
_YAML11_WORDS = {"yes", "no", "on", "off", "y", "n"}


def _is_integer(_checker, value: Any) -> bool:
    # 10.0, 1e3 and .5 are written as decimals: a count must be typed as a whole number.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(_checker, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, Decimal)):
        return not (isinstance(value, Decimal) and not value.is_finite())
    return isinstance(value, float) and math.isfinite(value)


_TYPE_CHECKER = Draft7Validator.TYPE_CHECKER.redefine_many({"integer": _is_integer, "number": _is_number})
StrictValidator = validators.extend(Draft7Validator, type_checker=_TYPE_CHECKER)


def validator_for(kind):
    """The kind's jsonschema validator, built on first use."""
    if "validator" not in kind.compiled:
        kind.compiled["validator"] = make_validator(kind.schema, kind.documents)
    return kind.compiled["validator"]


def make_validator(schema: dict, documents: dict[str, dict]):
    """A compiled validator for one kind; `$ref`s across schema files resolve by file URI."""
    registry = Registry().with_resources(
        (uri, Resource.from_contents(doc, default_specification=DRAFT7)) for uri, doc in documents.items()
    )
    root_uri = next(uri for uri, doc in documents.items() if doc is schema)
    return StrictValidator({**schema, "$id": root_uri}, registry=registry)


def check(kind, data: Any, file: str, sourcemap, text: str | None = None) -> list[Diagnostic]:
    return check_with_paths(kind, data, file, sourcemap, text)[0]


def check_with_paths(kind, data: Any, file: str, sourcemap,
                     text: str | None = None) -> tuple[list[Diagnostic], set[tuple]]:
    """The findings, and the data paths of the values that broke the schema (so that the
    rules can leave those figures out instead of reporting them a second time)."""
    index: SchemaIndex = kind.index
    lines = text.splitlines() if text else []
    out: list[Diagnostic] = []
    bad: set[tuple] = set()
    for error in validator_for(kind).iter_errors(data):
        found = _translate(error, index, file, sourcemap, lines)
        path = tuple(error.absolute_path)
        if error.validator != "type" and any(d.code == "S001" and d.path == found[0].path for d in out if found):
            continue  # the wrong type says it all: no "too large" for the same cell
        if error.validator == "type":
            out = [d for d in out if not (found and d.path == found[0].path and d.code in ("S004", "S005"))]
        # jsonschema reports each missing key of an object as its own error, and each names
        # the same object: one finding per missing key, not one per pair.
        out.extend(d for d in found if d not in out)
        bad.add(path)
    out = _merge_misspellings(out)
    out.sort(key=Diagnostic.sort_key)
    return out, bad


def _merge_misspellings(found: list[Diagnostic]) -> list[Diagnostic]:
    """A misspelled key is one mistake, not two: drop the 'missing natural' that comes with
    'unknown key natrual — did you mean natural?'."""
    suggested = {(d.path.rsplit(".", 1)[0] if "." in d.path else "", d.params.get("suggestion"))
                 for d in found if d.code == "S003" and d.params.get("suggestion")}
    return [d for d in found
            if not (d.code == "S002" and (d.path, d.params.get("key")) in suggested)]


def _translate(error, index: SchemaIndex, file: str, sourcemap, lines: list[str]) -> list[Diagnostic]:
    path = tuple(error.absolute_path)
    place = index.place(path)
    validator = error.validator
    value = error.instance
    line, col = sourcemap.value(path)

    def diag(code: str, params: dict, at=None, p=path) -> Diagnostic:
        ln, cl = at if at else (line, col)
        params.setdefault("place", place)
        return Diagnostic(ERROR, code, params, file, ln, cl, format_path(p))

    if validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
        zh, en = TYPE_NAMES.get(expected, (expected, expected))
        found_zh, found_en = _describe_found(value, _token(lines, line, col))
        hint = _hint(value, expected, index, path)
        return [diag("S001", {"expected": zh, "expected_en": en, "found": found_zh + hint[0],
                              "found_en": found_en + hint[1]})]
    if validator == "required":
        missing = [k for k in error.validator_value if not isinstance(value, dict) or k not in value]
        at = sourcemap.key(path) if path else (1, 1)
        return [diag("S002", {"key": k, "label": index.title(path + (k,)) or k}, at) for k in missing]
    if validator == "additionalProperties":
        known = index.properties(path)
        out = []
        missing = [k for k in index.required(path) if k not in value]
        for key in [k for k in value if k not in known]:
            hint_zh, hint_en, suggestion = _suggest(key, known, missing, index, path)
            out.append(diag("S003", {"key": key, "hint": hint_zh, "hint_en": hint_en, "suggestion": suggestion},
                            sourcemap.key(path + (key,)), path + (key,)))
        return out
    if validator in ("minimum", "exclusiveMinimum"):
        return [diag("S004", {"limit": error.validator_value, "found": value})]
    if validator in ("maximum", "exclusiveMaximum"):
        return [diag("S005", {"limit": error.validator_value, "found": value})]
    if validator == "minItems":
        return [diag("S006", {"limit": error.validator_value, "found": len(value)})]
    if validator == "maxItems":
        return [diag("S007", {"limit": error.validator_value, "found": len(value)})]
    if validator == "minLength":
        return [diag("S011", {})]
    if validator in ("pattern", "format"):
        described = index.get(path, "description") or error.validator_value
        return [diag("S008", {"expected": described, "expected_en": described, "found": value})]
    if validator in ("enum", "const"):
        allowed = error.validator_value if validator == "enum" else [error.validator_value]
        return [diag("S009", {"found": value, "allowed": "、".join(map(str, allowed))})]
    if validator == "propertyNames":
        bad = error.instance
        return [diag("S008", {"expected": "小写英文字母、数字和下划线组成的键名", "expected_en": "a lowercase snake_case key",
                              "found": bad})]
    return [diag("S010", {"detail": error.message})]


def _token(lines: list[str], line: int, col: int) -> str | None:
    """What the author typed at line:col, for showing `1e3` rather than Decimal('1E+3')."""
    if not (0 < line <= len(lines)):
        return None
    rest = lines[line - 1][col - 1:] if col > 0 else lines[line - 1]
    match = re.match(r"""("[^"]*"|'[^']*'|[^,}\]\s#][^,}\]#]*)""", rest)
    return match.group(1).strip() if match else None


def _describe_found(value: Any, typed: str | None) -> tuple[str, str]:
    if value is None:
        return "空值（未填写）", "nothing (empty)"
    if isinstance(value, bool):
        return f"true/false 值 {typed or value}", f"a boolean {typed or value}"
    if isinstance(value, (Decimal, float)):
        return f"小数 {typed or value}", f"a decimal {typed or value}"
    if isinstance(value, int):
        return f"整数 {value}", f"the number {value}"
    if isinstance(value, str):
        shown = typed if typed and typed.strip("\"'") == value else value
        return f"文字「{shown}」", f"the text '{shown}'"
    if isinstance(value, dict):
        return "键值对（映射）", "a mapping"
    if isinstance(value, list):
        return f"列表（{len(value)} 项）", f"a list of {len(value)}"
    return str(type(value).__name__), str(type(value).__name__)


def _hint(value: Any, expected: str, index: SchemaIndex, path: tuple) -> tuple[str, str]:
    if isinstance(value, str) and expected in ("integer", "number"):
        if _FULLWIDTH_DIGIT.search(value):
            ascii_form = unicodedata.normalize("NFKC", value)
            return (f"——这是中文输入法打出的全角数字，请改为半角数字 {ascii_form}",
                    f" — full-width digits typed by a Chinese IME; type {ascii_form}")
        if re.fullmatch(r"\s*[-+]?[0-9]+(\.[0-9]+)?\s*", value):
            return ("——加了引号的数字是文字，请去掉引号", " — a quoted number is text; remove the quotes")
        radix = re.fullmatch(r"0([xo])([0-9a-fA-F]+)", value.strip())
        if radix:
            try:
                decimal = int(radix.group(2), 16 if radix.group(1) == "x" else 8)
            except ValueError:
                decimal = None
            if decimal is not None:
                return (f"——不接受十六进制或八进制写法，请写十进制数 {decimal}",
                        f" — hexadecimal and octal are not accepted; write the decimal {decimal}")
        if value.strip().isdecimal():  # digits of another script: ١٠, ༡༠
            ascii_digits = "".join(str(unicodedata.decimal(c)) for c in value.strip())
            return (f"——这些不是半角阿拉伯数字，请改为 {ascii_digits}", f" — these are not ASCII digits; type {ascii_digits}")
        if value.lower() in _YAML11_WORDS:
            return ("——在本工具中 yes/no/on/off 是文字，不是数字或真假值", " — yes/no/on/off are text here")
    if isinstance(value, (Decimal, float)) and expected == "integer":
        return ("——件数应为整数，不能写成小数或科学计数法", " — counts are whole numbers, not decimals")
    if expected == "object" and isinstance(value, (list, str)):
        keys = [k for k in index.properties(path) if not index.get(path + (k,), "x-derived")]
        if keys:
            listing = "、".join(f"{k}（{index.title(path + (k,)) or k}）" for k in keys)
            return (f"——应写成键值对，包括：{listing}", f" — write it as a mapping with: {', '.join(keys)}")
    return ("", "")


def _suggest(key: str, known: list[str], missing: list[str], index: SchemaIndex,
             path: tuple) -> tuple[str, str, str | None]:
    """A hint for an unknown key: the key whose label was typed, else the closest spelling
    (preferring keys that are missing, since a misspelling leaves its key missing)."""
    by_label = {index.title(path + (k,)): k for k in known}
    if key in by_label:
        k = by_label[key]
        return (f"——请用键名「{k}」（{key}）", f" — use the key '{k}' ({key})", k)
    close = (difflib.get_close_matches(key, missing, n=1, cutoff=0.6)
             or difflib.get_close_matches(key, known, n=1, cutoff=0.6))
    if close:
        k = close[0]
        return (f"——是否应为「{k}」（{index.title(path + (k,)) or k}）？", f" — did you mean '{k}'?", k)
    if known:
        return (f"——可用的键：{'、'.join(known)}", f" — valid keys: {', '.join(known)}", None)
    return ("", "", None)
