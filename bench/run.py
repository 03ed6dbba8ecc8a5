"""`make bench`: build synthetic projects of 1,000 and 10,000 reports and print the figures.

Every figure is the wall time of a whole `gendoc` command in a fresh process (start-up
included), as a user would see it; memory is the peak resident size of the largest process
(gendoc or one of its workers). Targets are those of the project's performance issue.
"""
from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.generate import generate

# gendoc from this checkout, whether or not it is installed in the running interpreter.
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
# The probe starts the command, times it and reads its peak memory; its own start-up (a
# Python interpreter, ~25 ms) is not the command's, so the clock runs inside it.
PROBE = ("import resource, subprocess, sys, time; t = time.perf_counter(); r = subprocess.run(sys.argv[1:]); "
         "t = time.perf_counter() - t; "
         "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


def run(args: list[str], cwd: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB of the largest descendant, exit code) of one command, the
    whole `gendoc` process from its start to its exit."""
    probe = subprocess.run([sys.executable, "-c", PROBE, sys.executable, "-m", "gendoc", *args],
                           cwd=cwd, capture_output=True, text=True, check=False, env=ENV)
    elapsed, rss, code = probe.stdout.split()[-3:]
    return float(elapsed), int(rss), int(code)


def best(times: int, args: list[str], cwd: Path, before=None) -> float:
    results = []
    for _ in range(times):
        if before:
            before()
        results.append(run(args, cwd)[0])
    return min(results)


def measure(count: int, work: Path) -> dict[str, Any]:
    project = generate(work / f"p{count}", count)
    figures: dict[str, Any] = {}
    # The rows below time HTML and Markdown, as they always have; Word and PDF have rows of their own.
    text_only = ["--outputs", "html,md"]
    # A fresh clone's first build: empty output folder, no compiled templates cached. The
    # median of three such builds at 1,000 reports (one at larger sizes): the machine may be
    # shared, and one run can land on a busy second.
    #
    # Each into a folder never used before, not one emptied just now: on a file system
    # without a journal (this machine's ext4) a new file's inode is searched past the
    # inodes deleted in the last minutes, one lookup each, and deleting 2,000 outputs made
    # the next 2,000 files cost a second more of system time (docs/performance.md). A
    # fresh clone has no such graveyard; the folders go when the bench ends.
    fulls = []
    rounds = 3 if count <= 1000 else 1
    for i in range(rounds):
        shutil.rmtree(project / ".gendoc-cache", ignore_errors=True)
        out = project / ("build" if i == rounds - 1 else f"build-round-{i}")  # the last is kept for the rows below
        seconds, rss, code = run(["build", "-o", str(out), *text_only], project)
        assert code == 0, f"the synthetic project must build cleanly (exit {code})"
        fulls.append((seconds, rss))
    figures["full"] = sorted(fulls)[len(fulls) // 2][0]
    figures["full_runs"] = [seconds for seconds, _ in fulls]  # shown under the table
    figures["rss"] = max(rss for _, rss in fulls) / 1024
    figures["noop"] = best(3, ["build", "-o", str(out), *text_only], project)
    reports = sorted((project / "reports").rglob("*.yaml"))
    victim = reports[len(reports) // 2]
    text = victim.read_text(encoding="utf-8")
    flip = [0]

    def change_one() -> None:  # a different edit each time, so each run has work to do
        flip[0] += 1
        victim.write_text(text.replace("（合成数据）", f"（合成数据{flip[0]}）", 1), encoding="utf-8")

    figures["one"] = best(3, ["build", "-o", str(out), *text_only], project, before=change_one)
    figures["validate1"] = best(5, ["validate", str(reports[0])], project)
    if count <= 1000:  # as agencies write: every report's prose worded its own way
        worded = generate(work / f"w{count}", count, own_wording=True)
        seconds, _, code = run(["build", "-o", str(worded / "build"), *text_only], worded)
        assert code == 0, f"the reworded project must build cleanly (exit {code})"
        figures["full_worded"] = seconds
    if count <= 1000:  # published pages read back: gendoc's own HTML of every report
        pages = work / f"pages{count}"
        pages.mkdir()
        for report in reports:
            page = out / report.parent.name / f"{report.stem}.html"
            os.link(page, pages / f"{report.parent.name}-{report.stem}.html")
        seconds, _, code = run(["audit", str(pages), "-o", str(work / f"audit{count}")], project)
        assert code in (0, 1), f"audit failed (exit {code})"
        figures["audit"] = seconds
        target = work / f"import{count}"

        def fresh_target() -> None:  # import never overwrites: each run writes a new file
            shutil.rmtree(target, ignore_errors=True)

        page = pages / f"{reports[0].parent.name}-{reports[0].stem}.html"
        figures["import1"] = best(5, ["import", str(page), "-o", str(target)], project, before=fresh_target)
    if count <= PAGED_UP_TO:
        figures.update(measure_paged(project, count))
    return figures


PAGED_UP_TO = int(os.environ.get("GENDOC_BENCH_PAGED_UP_TO", "1000"))


def measure_paged(project: Path, count: int) -> dict[str, float]:
    """Word and PDF: full builds into empty folders with one more format each; the extra
    time divided by the number of reports is what each format costs a report (wall time,
    every core used: Word files in the build's workers, PDFs in one LibreOffice per core)."""
    text = run(["build", "-o", str(project / "b-text"), "--outputs", "html,md"], project)[0]
    docx, _, code = run(["build", "-o", str(project / "b-docx"), "--outputs", "html,md,docx"], project)
    assert code == 0
    every, _, code = run(["build", "-o", str(project / "b-all"), "--outputs", "html,md,docx,pdf"], project)
    assert code == 0
    pdfs = len(list((project / "b-all").rglob("*.pdf")))
    assert pdfs == count, f"{pdfs} PDFs for {count} reports (is LibreOffice installed?)"
    return {"docx_ms": (docx - text) / count * 1000, "pdf_ms": (every - docx) / count * 1000, "all4": every}


# (figure key, measurement, target text, limit at the size the target names or None, unit format)
ROWS = [
    ("full", "full build (validate + HTML + Markdown), empty output, no cache", "≤ 3 s at 1,000", 3.0, "{:.2f} s"),
    ("full_worded", "full build, every report's prose in its own words (same placeholders), empty output, no cache",
     "reported", None, "{:.2f} s"),
    ("noop", "no-op rebuild", "≤ 0.4 s at 1,000", 0.4, "{:.2f} s"),
    ("one", "rebuild after one file changed", "≤ 0.6 s at 1,000", 0.6, "{:.2f} s"),
    ("validate1", "`gendoc validate` of one file (whole command, narratives rendered)", "≤ 0.25 s", 0.25, "{:.2f} s"),
    ("rss", "peak RSS of the largest process", "≤ 200 MB at 10,000", 200, "{:.0f} MB"),
    ("audit", "`gendoc audit` of the reports' saved HTML pages", "≤ 15 s at 1,000", 15.0, "{:.2f} s"),
    ("import1", "`gendoc import` of one page (whole command)", "≤ 0.5 s", 0.5, "{:.2f} s"),
    ("docx_ms", "Word (公文 layout), per report", "≤ 20 ms", 20.0, "{:.1f} ms"),
    ("pdf_ms", "PDF (LibreOffice, batches), per report", "≤ 150 ms", 150.0, "{:.0f} ms"),
    ("all4", "full build, all four formats (HTML, Markdown, Word, PDF)", "reported", None, "{:.1f} s"),
]
# The size a target is set at ("at 1,000"); a target without one holds at every size.
TARGET_SIZE = {"full": 1000, "noop": 1000, "one": 1000, "rss": 10000, "audit": 1000}


def table(results: dict[int, dict[str, float]], guards: list, overview: list) -> list[str]:
    """One table, a target on every row: the build rows per size, then the loader's guards,
    then the overview. A figure over its target is marked."""
    lines = ["| measurement | target | measured |", "|---|---|---|"]
    for key, label, target, limit, fmt in ROWS:
        for n, figures in results.items():
            if key not in figures:
                continue
            value = figures[key]
            at = TARGET_SIZE.get(key)
            over = limit is not None and (at is None or at == n) and value > limit
            lines.append(f"| {label} — {n:,} reports | {target} | {fmt.format(value)}{' (over target)' if over else ''} |")
    for what, target, limit, seconds in guards:
        over = " (over target)" if seconds > limit else ""
        lines.append(f"| loader: {what} | {target} | {seconds * 1000:.1f} ms{over} |")
    lines.extend(f"| {what} | reported | {value} |" for what, value in overview)
    return lines


def main() -> int:
    from bench import loader_guards, overview

    sizes = [int(s) for s in os.environ.get("GENDOC_BENCH_SIZES", "1000,10000").split(",")]
    with tempfile.TemporaryDirectory(prefix="gendoc-bench-") as tmp:
        results = {n: measure(n, Path(tmp)) for n in sizes}
    guards = loader_guards.measure()
    agencies, years = (int(n) for n in os.environ.get("GENDOC_BENCH_OVERVIEW", "5000,5").split(","))
    shown = overview.rows(agencies, years) if agencies > 0 else []
    cpu = platform.processor() or platform.machine()
    print(f"gendoc benchmark — {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    print()
    print("\n".join(table(results, guards, shown)))
    for n, figures in results.items():
        runs = ", ".join(f"{t:.2f}" for t in figures["full_runs"])
        print(f"\nfull builds of {n:,} reports, in the order run (the median is in the table): {runs} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
