"""Speed of the loader's guards against hostile or absurd input, and of a plain 10 KB report.

These were timing assertions in the unit tests, where a loaded machine made them fail at
random; here they are measured (best of several runs) and printed against their targets.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Callable

from gendoc.load.yaml_loader import load_file, load_text


def _best(work: Callable[[], object], times: int = 5) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join(["*" + prev] * 9) + "]")
    return "\n".join(lines) + "\n"


def ten_kb_report() -> str:
    lines = ["year: 2020", "agency: 烟台市芝罘区人民政府", "table3:"]
    for row in range(60):
        lines.append(f"  row{row}:")
        for col in ("natural", "commercial", "research", "social", "legal", "org_other"):
            lines.append(f"    {col}: {row * 7}")
    lines.append("parts:")
    for i in range(30):
        lines.append(f"  - title: 第{i}部分\n    text: |\n      全年共收到政府信息公开申请，依法答复，未发生行政复议和诉讼。")
    return "\n".join(lines) + "\n"


def measure() -> list[tuple[str, str, float, float]]:
    """(what, target text, target seconds, measured seconds) for each guard."""
    bomb, deep, report = alias_bomb(), "[" * 100_000 + "]" * 100_000, ten_kb_report()
    with tempfile.TemporaryDirectory(prefix="gendoc-bench-") as tmp:
        huge = Path(tmp) / "huge.yaml"
        with open(huge, "wb") as fh:
            fh.truncate(50 * 1024 * 1024)  # sparse: costs no disk
        return [
            ("YAML alias bomb refused (Y004)", "≤ 0.5 s", 0.5, _best(lambda: load_text(bomb, "bomb.yaml"))),
            ("100,000 nested brackets refused (Y006)", "≤ 1 s", 1.0, _best(lambda: load_text(deep, "deep.yaml"))),
            ("50 MB file refused unread (Y005)", "≤ 0.05 s", 0.05, _best(lambda: load_file(huge))),
            ("a 10 KB report loaded", "≤ 0.02 s", 0.02, _best(lambda: load_text(report, "r.yaml"), 20)),
        ]


def table() -> list[str]:
    rows = ["| loader guard | target | measured |", "|---|---|---|"]
    for what, target, limit, seconds in measure():
        mark = "" if seconds <= limit else " (over target)"
        rows.append(f"| {what} | {target} | {seconds * 1000:.1f} ms{mark} |")
    return rows


if __name__ == "__main__":
    print("\n".join(table()))
