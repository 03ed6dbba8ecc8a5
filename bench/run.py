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
import time
from pathlib import Path

from bench import loader_guards
from bench.generate import generate

# gendoc from this checkout, whether or not it is installed in the running interpreter.
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
PROBE = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


def run(args: list[str], cwd: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB of the largest descendant, exit code) of one command."""
    start = time.perf_counter()
    probe = subprocess.run([sys.executable, "-c", PROBE, sys.executable, "-m", "gendoc", *args],
                           cwd=cwd, capture_output=True, text=True, check=False, env=ENV)
    elapsed = time.perf_counter() - start
    rss, code = probe.stdout.split()[-2:]
    return elapsed, int(rss), int(code)


def best(times: int, args: list[str], cwd: Path, before=None) -> float:
    results = []
    for _ in range(times):
        if before:
            before()
        results.append(run(args, cwd)[0])
    return min(results)


def measure(count: int, work: Path) -> dict[str, float]:
    project = generate(work / f"p{count}", count)
    out = project / "build"
    figures: dict[str, float] = {}
    # The rows below time HTML and Markdown, as they always have; Word and PDF have rows of their own.
    text_only = ["--outputs", "html,md"]
    seconds, rss, code = run(["build", "-o", str(out), *text_only], project)
    assert code == 0, f"the synthetic project must build cleanly (exit {code})"
    figures["full"], figures["rss"] = seconds, rss / 1024
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


def main() -> int:
    sizes = [int(s) for s in os.environ.get("GENDOC_BENCH_SIZES", "1000,10000").split(",")]
    with tempfile.TemporaryDirectory(prefix="gendoc-bench-") as tmp:
        results = {n: measure(n, Path(tmp)) for n in sizes}
    cpu = platform.processor() or platform.machine()
    print(f"gendoc benchmark — {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}")
    print()
    print("| measurement | target | " + " | ".join(f"{n:,} reports" for n in sizes) + " |")
    print("|---|---|" + "---|" * len(sizes))
    rows = [
        ("full build (validate + HTML + Markdown), empty output", "full", "≤ 3 s at 1,000", "{:.2f} s"),
        ("no-op rebuild", "noop", "≤ 0.4 s at 1,000", "{:.2f} s"),
        ("rebuild after one file changed", "one", "≤ 0.6 s at 1,000", "{:.2f} s"),
        ("`gendoc validate` of one file (whole command)", "validate1", "≤ 0.25 s", "{:.2f} s"),
        ("peak RSS of the largest process", "rss", "≤ 200 MB at 10,000", "{:.0f} MB"),
        ("`gendoc audit` of the reports' saved HTML pages", "audit", "≤ 15 s at 1,000", "{:.2f} s"),
        ("`gendoc import` of one page (whole command)", "import1", "≤ 0.5 s", "{:.2f} s"),
        ("Word (公文 layout), per report", "docx_ms", "≤ 20 ms", "{:.1f} ms"),
        ("PDF (LibreOffice, batches), per report", "pdf_ms", "≤ 150 ms", "{:.0f} ms"),
        ("full build, all four formats (HTML, Markdown, Word, PDF)", "all4", "reported", "{:.1f} s"),
    ]
    for label, key, target, fmt in rows:
        print(f"| {label} | {target} | " + " | ".join(fmt.format(results[n][key]) if key in results[n] else "—"
                                                     for n in sizes) + " |")
    print()
    print("\n".join(loader_guards.table()))
    print()
    from bench import overview

    agencies, years = (int(n) for n in os.environ.get("GENDOC_BENCH_OVERVIEW", "5000,5").split(","))
    print("\n".join(overview.table(agencies, years)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
