"""A kind's rules checked against its schema, before any report meets them.

A rule that names a figure the schema does not have would be skipped for every report (an
absent figure means "the rule does not apply"), and a malformed expression would only fail
when a report reaches it. So every rules file of a kind is read here with the report loader
(which knows where each value stands) and each rule is checked: its keys, its severity, its
`foreach` (a list, or a glob that matches declared places), every expression parses and
gives what its section needs, every path — each glob expanded — names a place the schema
declares, and every derived `target` is marked `x-derived`. Each problem is a finding
located in the rules file itself (K003–K009).
"""
from __future__ import annotations

import difflib
import itertools
import re
from pathlib import Path
from typing import Any, Iterator

from gendoc.check.expressions import ROOTS, ExpressionError, parse, paths_in
from gendoc.check.rules import schema_glob
from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.load.yaml_loader import load_file
from gendoc.plaindata import dotted

SECTIONS = ("derive", "checks", "carry")
# What each section's rules must and may hold, and what their expression must give.
REQUIRED = {"derive": ("id", "target", "expr"), "checks": ("id", "assert"), "carry": ("target", "expr")}
ALLOWED = {"id", "title", "title_en", "severity", "foreach", "target", "expr", "assert"}
EXPRESSION = {"derive": ("expr", "number"), "checks": ("assert", "truth"), "carry": ("expr", "number")}
SEVERITIES = ("error", "warning", "info")
KIND_FIELDS = ("first_year", "last_year")  # what `kind.` names in an expression
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def lint_rules(kind) -> list[Diagnostic]:
    """Every problem of the kind's rules files (its rules.yaml and what it includes)."""
    found: list[Diagnostic] = []
    _lint_file(kind, (kind.folder / "rules.yaml").resolve(), found, set())
    return found


def _lint_file(kind, path: Path, found: list[Diagnostic], seen: set[Path]) -> None:
    if path in seen or not path.exists():
        return
    seen.add(path)
    loaded = load_file(path)
    found.extend(loaded.diagnostics)
    data = loaded.data
    if not isinstance(data, dict):
        return
    where = _Where(str(path), loaded.sourcemap)
    for key in data:
        if key not in SECTIONS + ("include",):
            found.append(where.finding("K003", (key,), key=True, problem=f"未知的部分「{key}」（可用：include、{'、'.join(SECTIONS)}）"))
    includes = data.get("include") or []
    if not isinstance(includes, list):
        found.append(where.finding("K003", ("include",), problem="include 应为文件列表"))
        includes = []
    for i, name in enumerate(includes):
        target = (path.parent / str(name)).resolve()
        if not target.exists():
            found.append(where.finding("K003", ("include", i), problem=f"include 的文件不存在：{name}"))
        _lint_file(kind, target, found, seen)
    for section in SECTIONS:
        rules = data.get(section) or []
        if not isinstance(rules, list):
            found.append(where.finding("K003", (section,), problem=f"{section} 应为规则列表"))
            continue
        for i, rule in enumerate(rules):
            found.extend(_lint_rule(kind, section, rule, where, (section, i)))


class _Where:
    """Findings placed at a value (or key) of one rules file."""

    def __init__(self, file: str, sourcemap):
        self.file, self.sourcemap = file, sourcemap

    def finding(self, code: str, at: tuple, *, key: bool = False, **params: Any) -> Diagnostic:
        line, col = self.sourcemap.key(at) if key else self.sourcemap.value(at)
        return Diagnostic(ERROR, code, params, self.file, line, col, ".".join(map(str, at)))


def _lint_rule(kind, section: str, rule: Any, where: _Where, at: tuple) -> list[Diagnostic]:
    if not isinstance(rule, dict):
        return [where.finding("K003", at, problem="每条规则应为键值对（id、title、expr 等）")]
    name = str(rule.get("id") or f"{section}[{at[1]}]")
    found = [where.finding("K003", at + (key,), key=True, problem=f"规则 {name} 有未知的键「{key}」{_close(key, ALLOWED)}")
             for key in rule if key not in ALLOWED]
    misspelt = {m for key in rule if key not in ALLOWED for m in difflib.get_close_matches(key, ALLOWED, n=1)}
    found += [where.finding("K003", at, problem=f"规则 {name} 缺少「{key}」") for key in REQUIRED[section]
              if key not in rule and key not in misspelt]  # a misspelt key is one mistake, one finding
    if "severity" in rule and rule["severity"] not in SEVERITIES:
        found.append(where.finding("K003", at + ("severity",),
                                   problem=f"规则 {name} 的 severity 应为 {'、'.join(SEVERITIES)} 之一，实为「{rule['severity']}」"))
    bindings, problems = _bindings(kind, rule, name, where, at)
    found += problems
    if found or bindings is None:
        return found
    key, want = EXPRESSION[section]
    seen: set[tuple] = set()
    for bound in bindings:
        for field in ("target", key):
            text = rule.get(field)
            if not isinstance(text, str):
                continue
            problem = _check_text(kind, section, field, want, text, bound, name)
            if problem is not None and (field, problem[0]) not in seen:  # one finding per field
                seen.add((field, problem[0]))
                code, message = problem[0], problem[1]
                found.append(where.finding(code, at + (field,), rule_name=name, problem=message))
    return found


def _bindings(kind, rule: dict, name: str, where: _Where, at: tuple) -> tuple[list[dict] | None, list[Diagnostic]]:
    """Every way `foreach` binds the rule's placeholders (globs: every declared place)."""
    spec = rule.get("foreach") or {}
    if not isinstance(spec, dict):
        return None, [where.finding("K007", at + ("foreach",), rule_name=name, problem="foreach 应为「名称: 取值」的键值对")]
    choices: list[list[str]] = []
    problems: list[Diagnostic] = []
    for var, values in spec.items():
        here = at + ("foreach", var)
        if isinstance(values, list) and values and all(isinstance(v, (str, int)) for v in values):
            choices.append([str(v) for v in values])
        elif isinstance(values, dict) and isinstance(values.get("glob"), str) and set(values) <= {"glob", "has"}:
            places = list(schema_glob(kind.index, values["glob"].split("."), (), values.get("has")))
            if not places:
                problems.append(where.finding("K007", here, rule_name=name,
                                              problem=f"glob「{values['glob']}」在 schema 中没有匹配的位置"))
            choices.append([".".join(map(str, p)) for p in places])
        else:
            problems.append(where.finding("K007", here, rule_name=name,
                                          problem=f"{var} 的取值应为非空列表或 {{glob: …, has: …}}"))
    texts = " ".join(str(rule.get(k, "")) for k in ("target", "expr", "assert"))
    for var in dict.fromkeys(_PLACEHOLDER.findall(texts)):
        if var not in spec:
            problems.append(where.finding("K008", at, rule_name=name, name=var))
    if problems:
        return None, problems
    return [dict(zip(spec, combo)) for combo in itertools.product(*choices)], []


def _check_text(kind, section: str, field: str, want: str, text: str, bound: dict, name: str) -> tuple[str, str] | None:
    for var, value in bound.items():
        text = text.replace("{" + var + "}", value)
    if field == "target":
        steps = dotted(text)
        problem = _missing(kind, steps)
        if problem:
            return "K005", problem
        # a derived row (（七）总计) makes every figure in it derived
        derived = any(kind.index.get(steps[:n], "x-derived") for n in range(1, len(steps) + 1))
        if section == "derive" and not derived:
            return "K006", f"「{text}」不是计算值：derive 的 target 须在 schema 中标 x-derived: true"
        if section == "carry" and derived:
            return "K006", f"「{text}」是计算值（x-derived），carry 不能写入它"
        return None
    try:
        node = parse(text, want)
    except ExpressionError as exc:
        return "K004", str(exc)
    for steps in paths_in(node):
        problem = _missing(kind, steps)
        if problem:
            return "K005", problem
    return None


def _missing(kind, steps: tuple) -> str | None:
    """Why the path names no declared place (None when it does, `*` matching any key)."""
    if steps and steps[0] == "kind":
        if len(steps) == 2 and steps[1] in KIND_FIELDS:
            return None
        return f"「{'.'.join(map(str, steps))}」：kind. 之后只能是 {'、'.join(KIND_FIELDS)}"
    return undeclared(kind.index, steps[1:] if steps and steps[0] in ROOTS else steps)


def undeclared(index, steps: tuple) -> str | None:
    """Why a data path names no place the schema declares (None when it does)."""
    failures: list[str] = []
    if any(True for _ in _declared(index, steps, (), failures)):
        return None
    return failures[0] if failures else f"「{'.'.join(map(str, steps))}」在 schema 中不存在"


def _declared(index, steps: tuple, at: tuple, failures: list[str]) -> Iterator[tuple]:
    """Schema places a path names: `*` takes each declared key (or each list item), a key
    step on a list applies to its items, as when the path is evaluated."""
    if not steps:
        yield at
        return
    head, rest = steps[0], steps[1:]
    if index.get(at, "type") == "array" or isinstance(index.get(at, "items"), dict):
        item = at + (0,)
        yield from _declared(index, rest if head == "*" or isinstance(head, int) else steps, item, failures)
        return
    if head == "*":
        for key in index.properties(at):
            yield from _declared(index, rest, at + (key,), failures)
        return
    if index.exists(at + (head,)):
        yield from _declared(index, rest, at + (head,), failures)
        return
    place = ".".join(map(str, at)) or "（顶层）"
    failures.append(f"「{'.'.join(map(str, at + (head,)))}」在 schema 中不存在（{place} 之下没有「{head}」"
                    f"{_close(str(head), index.properties(at))}）")


def _close(word: str, options) -> str:
    match = difflib.get_close_matches(word, list(options), n=1)
    return f"，是否应为「{match[0]}」？" if match else ""
