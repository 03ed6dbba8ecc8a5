"""Mutation testing: does the suite notice when the code under test is wrong?

    python -m tests.mutants            # every mutant; prints killed / survived, exit 1 if any survived
    python -m tests.mutants M07 M12    # only these

Each mutant is one deliberate bug — a line of the writer, the builder, the rules, the
expressions, the reporters or the renderer changed the way a slip of the hand would change
it. The project is copied to a temporary folder, the mutant applied there, and the tests
that claim to guard that code are run; a mutant the tests do not fail on *survived*.
The list starts with the mutants a code review found surviving (M01–M16) and adds the
operators of the rule language. Surviving mutants are listed in docs/mutation.md.

Why not mutmut: mutmut 3.8 (measured here) runs the suite from its own `mutants/` copy and
needs every test's data folders listed; with this suite's two minutes a run, its hundreds of
generated mutants of four modules take hours. A fixed list of meaningful mutants, each with
the tests that claim to catch it, runs in minutes and says what each mutant means.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("gendoc", "tests", "bench", "schemas", "templates", "reports", "pyproject.toml")


@dataclass(frozen=True)
class Mutant:
    id: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    what: str


MUTANTS = [
    # -- the writer
    Mutant("M01", "gendoc/build/atomic_write.py",
           "            staged.append((stage(target, data), target))",
           "            target.parent.mkdir(parents=True, exist_ok=True)\n            target.write_bytes(data)",
           ("tests/test_safety.py",), "outputs written in place, not atomically"),
    Mutant("M02", "gendoc/build/atomic_write.py",
           "            staged.append((stage(target, data), target))\n        for tmp, target in staged:\n            os.replace(tmp, target)",
           "            staged.append((stage(target, data), target))\n            os.replace(*staged[-1])",
           ("tests/test_safety.py",), "a report's outputs renamed one by one as written, not as a pair"),
    Mutant("M03", "gendoc/build/atomic_write.py", "            if _holds(target, data):", "            if False:",
           ("tests/test_safety.py",), "unchanged outputs rewritten (modification times touched)"),
    Mutant("M04", "gendoc/build/atomic_write.py", "os.O_CLOEXEC, 0o666)", "os.O_CLOEXEC, 0o600)",
           ("tests/test_safety.py",), "outputs left readable by their owner only"),
    # -- the builder
    Mutant("M05", "gendoc/build/incremental.py",
           '    return _digest_files(Path(__file__).resolve().parents[1].rglob("*.py"))', '    return "0"',
           ("tests/test_builder.py",), "a constant fingerprint of gendoc's own code"),
    Mutant("M06", "gendoc/build/incremental.py",
           '{code_digest()}|{self.kind_digest(kind_id)}|{content}', '{self.kind_digest(kind_id)}|{content}',
           ("tests/test_builder.py",), "fingerprints ignore gendoc's code"),
    Mutant("M07", "gendoc/build/incremental.py",
           "    state = {} if force else load_state(out_dir)", "    state = load_state(out_dir)",
           ("tests/test_builder.py",), "--force ignored"),
    Mutant("M08", "gendoc/build/incremental.py",
           "            summary.outputs = old.outputs", "            pass",
           ("tests/test_builder.py", "tests/test_safety.py"), "a failing report forgets its old outputs"),
    Mutant("M09", "gendoc/build/incremental.py",
           "        return not any(d.code in NOT_REPLAYED for d in self.diagnostics)", "        return True",
           ("tests/test_safety.py",), "an output that could not be written is not tried again"),
    Mutant("M10", "gendoc/build/incremental.py",
           "_digest_files(kind.source_files()) if kind else", '"kind" if kind else',
           ("tests/test_builder.py",), "fingerprints ignore the kind's schema, rules and templates"),
    # -- the overview (the index of all reports)
    Mutant("M11", "gendoc/build/overview_data.py",
           'tokens = ["warning" if summary.status == "warnings" else "pass"]', 'tokens = ["pass"]',
           ("tests/test_overview.py",), "the index shows warnings as 通过"),
    Mutant("M12", "gendoc/build/overview_pages.py",
           '        stale = bool(links) and "error" in entry.statuses', "        stale = False",
           ("tests/test_overview.py", "tests/test_safety.py"), "the index never shows the stale-output marker"),
    # -- reporters
    Mutant("M13", "gendoc/cli/reporters.py",
           "        message = _escape_data(d.message(lang))", "        message = d.message(lang)", ("tests/test_cli.py",), "GitHub annotation escaping removed"),
    Mutant("M14", "gendoc/cli/reporters.py", 'if "NO_COLOR" in os.environ or os.environ.get', "if os.environ.get",
           ("tests/test_cli.py",), "NO_COLOR ignored"),
    # -- rendering
    Mutant("M15", "gendoc/render/engine.py",
           '    escape = _escape_html if fmt == "html" else _escape_md_cell', "    escape = str",
           ("tests/test_xss.py", "tests/test_render.py", "tests/test_tables.py"), "table-cell escaping removed"),
    Mutant("M16", "gendoc/render/markup.py", '    return text.replace("\\\\", "\\\\\\\\").replace("|", "\\\\|")',
           "    return text", ("tests/test_xss.py", "tests/test_render.py", "tests/test_markup.py"),
           "`|` not escaped in Markdown table cells"),
    # -- rules as data
    Mutant("M17", "schemas/annual-report-2019/rules.yaml",
           '== prev.table2.{row}.last_year + prev.table2.{row}.change"', '== prev.table2.{row}.last_year - prev.table2.{row}.change"',
           ("tests/test_rules.py", "tests/test_yearly_cycle.py"), "X-3's sign flipped"),
    # -- the expression language
    Mutant("M18", "gendoc/check/expressions.py", '"<=": lambda a, b: a <= b', '"<=": lambda a, b: a < b',
           ("tests/test_expressions.py",), "<= means <"),
    Mutant("M19", "gendoc/check/expressions.py", '"!=": lambda a, b: a != b', '"!=": lambda a, b: a == b',
           ("tests/test_expressions.py",), "!= means =="),
    Mutant("M20", "gendoc/check/expressions.py", "_QUOTIENT = Context(prec=50", "_QUOTIENT = Context(prec=5",
           ("tests/test_expressions.py",), "quotients to 5 digits"),
    Mutant("M21", "gendoc/check/expressions.py", "        raise DivisionByZero(divisor)", "        return 0",
           ("tests/test_expressions.py",), "x / 0 is 0"),
    Mutant("M22", "gendoc/check/expressions.py",
           "return lambda roots, refs: first(roots, refs) and second(roots, refs)",
           "return lambda roots, refs: first(roots, refs) or second(roots, refs)",
           ("tests/test_expressions.py",), "`and` means `or`"),
    Mutant("M23", "gendoc/check/expressions.py", "return lambda roots, refs: -inner(roots, refs)",
           "return lambda roots, refs: inner(roots, refs)", ("tests/test_expressions.py",), "unary minus dropped"),
    Mutant("M24", "gendoc/check/expressions.py", 'return "list" if "*" in node[1] else "number"', 'return "number"',
           ("tests/test_expressions.py",), "globs allowed where one figure is meant"),
    Mutant("M25", "gendoc/check/expressions.py", "                total += value", "                total += 1",
           ("tests/test_expressions.py", "tests/test_rules.py"), "the fast sum of plain paths counts instead of adding"),
    Mutant("M26", "gendoc/check/expressions.py", "                values.append(child)", "                pass",
           ("tests/test_expressions.py", "tests/test_rules.py"), "the fast one-star glob loses its figures"),
    Mutant("M27", "gendoc/check/expressions.py", '    if type(a) is int and type(b) is int and a % b == 0:\n        return a // b',
           "    if type(a) is int and type(b) is int:\n        return a // b",
           ("tests/test_expressions.py",), "integer division truncates"),
    Mutant("M28", "gendoc/check/expressions.py", '_EXACT = Context(prec=60, traps=[InvalidOperation, Overflow, Inexact, _DecimalZero])',
           '_EXACT = Context(prec=6, traps=[InvalidOperation, Overflow, _DecimalZero])',
           ("tests/test_expressions.py",), "decimal sums rounded to 6 digits"),
    # -- the rules engine
    Mutant("M29", "gendoc/check/rules.py", "is_number(stated) and stated != computed", "is_number(stated) and False",
           ("tests/test_rules.py",), "a stated total that differs is accepted (R002 never raised)"),
    Mutant("M30", "gendoc/check/rules.py", "        if run(ctx.roots, None):\n            return []",
           "        if True:\n            return []", ("tests/test_rules.py",), "checks never fail (R001 never raised)"),
    Mutant("M31", "gendoc/check/rules.py", "    parent[target[-1]] = computed", "    pass",
           ("tests/test_rules.py", "tests/test_seed_report.py"), "derived figures not written"),
]


BASELINE = Mutant("M00", "pyproject.toml", "[project]", "[project]",
                  tuple(sorted({t for m in MUTANTS for t in m.tests})), "no mutation: every test must pass")


def run(mutant: Mutant, python: str) -> tuple[str, float]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"gendoc-{mutant.id}-") as tmp:
        copy = Path(tmp)
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, copy / name)
        target = copy / mutant.file
        text = target.read_text(encoding="utf-8")
        if text.count(mutant.old) != 1:
            return "stale (the code it mutates has changed: update the mutant)", time.monotonic() - started
        target.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1", "GENDOC_CACHE": str(copy / ".cache")}
        done = subprocess.run([python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutant.tests],
                              cwd=copy, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return ("killed" if done.returncode != 0 else "SURVIVED"), time.monotonic() - started


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTANTS if not argv or m.id in argv]
    outcome, seconds = run(BASELINE, sys.executable)
    if outcome != "SURVIVED":  # the unmutated copy must pass, or no kill means anything
        print(f"the tests fail without any mutation ({outcome}, {seconds:.0f}s): fix them first")
        return 2
    survived = 0
    for mutant in chosen:
        outcome, seconds = run(mutant, sys.executable)
        survived += outcome != "killed"
        print(f"{mutant.id} {outcome:<9} {seconds:5.1f}s  {mutant.file}: {mutant.what}", flush=True)
    print(f"{len(chosen) - survived} of {len(chosen)} mutants killed")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
