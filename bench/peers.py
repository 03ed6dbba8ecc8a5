"""`make bench-peers`: gendoc side by side with the tools one could use instead.

One synthetic project (bench/generate.py, as `make bench` makes them) of N reports
(GENDOC_PEERS_SIZE, default 1,000), rendered by:

- gendoc: `gendoc build --outputs html,md` (validation, rules, HTML and Markdown), its cache
  of parsed data removed before each run — a fresh clone's first build;
- Hugo (0.111, Debian's `hugo`): an HTML and a Markdown page per report from the same report
  files, with the same title, prose and tables as gendoc's, and no validation
  (bench/peers_hugo.py);
- the straightforward Python script (bench/peers_naive.py): PyYAML's C loader, jsonschema,
  Jinja, markdown-it-py — in one process, on every core, and on every core with each distinct
  narrative compiled once;
- the disk floor: copy the inputs and write files of the sizes of gendoc's outputs.

Every figure is the wall time of a whole process. The tools take turns (round robin) for R
rounds (GENDOC_PEERS_ROUNDS, default 5) after one untimed round whose pages are checked: for
one report, the tables of each page a peer writes (HTML; Hugo's Markdown too) must hold
gendoc's figures in the same cells of the same page format. Every run
writes into a folder never used before — on a file system without a journal, creating files
right after deleting thousands is slower (docs/performance.md) — and everything is deleted
at the end. Prints one Markdown table: median and best seconds, and gendoc's median divided
by the tool's (gendoc's target: ≤ 0.4 × Hugo's time), and every run's time — the machine
may be shared, and the spread shows how much that weighed.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import yaml

from bench.generate import generate
from bench.peers_check import same_figures
from bench.peers_hugo import make_site
from bench.peers_layout import export_layouts

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
NAIVE = Path(__file__).resolve().parent / "peers_naive.py"
CHECKED_REPORT = ("bench-00001", "2020")  # a report with last year's beside it: its prose has 同比


def hugo_command() -> str | None:
    """The `hugo` executable, installed from Debian when missing and running as root."""
    found = shutil.which("hugo")
    if found is None and hasattr(os, "geteuid") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "hugo"], check=False,
                       stdout=subprocess.DEVNULL, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        found = shutil.which("hugo")
    return found


def floor(project: Path, sizes: Path, out: Path) -> None:
    """The disk floor: read and copy every input, write files of the outputs' sizes."""
    for path in sorted((project / "reports").rglob("*.yaml")):
        target = out / "inputs" / path.relative_to(project)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    for name, size in json.loads(sizes.read_text(encoding="utf-8")):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"x" * size)


class Tool:
    def __init__(self, name: str, what: str, command: Callable[[Path], list[str]], cwd: Path,
                 before: Callable[[], None] | None = None, formats: tuple[str, ...] = ("html",)):
        self.name, self.what, self.command, self.cwd, self.before = name, what, command, cwd, before
        self.formats = formats  # the page formats it writes for every report: each is checked
        self.times: list[float] = []

    def run(self, out: Path) -> float:
        if self.before:
            self.before()
        start = time.perf_counter()
        result = subprocess.run(self.command(out), cwd=self.cwd, env=ENV, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"{self.name} failed (exit {result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        return seconds


def tools(work: Path, project: Path, hugo: str | None) -> list[Tool]:
    cores = os.cpu_count() or 1
    layouts = work / "layouts.json"
    layouts.write_text(json.dumps(export_layouts(project), ensure_ascii=False), encoding="utf-8")
    naive = [sys.executable, str(NAIVE), str(project)]
    found = [Tool("gendoc", "`gendoc build --outputs html,md`: validation, rules, HTML + Markdown",
                  lambda out: [sys.executable, "-m", "gendoc", "build", "-o", str(out), "--outputs", "html,md"], project,
                  before=lambda: shutil.rmtree(project / ".gendoc-cache", ignore_errors=True), formats=("html", "md"))]
    if hugo:
        site = work / "site"
        make_site(project, site)
        found.append(Tool("Hugo", "HTML + Markdown pages from the same files, no validation",
                          lambda out: [hugo, "--quiet", "-s", str(site), "-d", str(out), "--cacheDir", str(out.with_name(out.name + "-cache"))],
                          site, formats=("html", "md")))
    found += [
        Tool("Python script, 1 process", "PyYAML C loader + jsonschema + Jinja + markdown-it-py, HTML",
             lambda out: [*naive, str(out), "--layouts", str(layouts)], project),
        Tool(f"Python script, {cores} processes", "the same on every core",
             lambda out: [*naive, str(out), "--layouts", str(layouts), "--jobs", str(cores)], project),
        Tool(f"Python script, {cores} processes, narratives compiled once", "the same, one template per distinct narrative",
             lambda out: [*naive, str(out), "--layouts", str(layouts), "--jobs", str(cores), "--compile-once"], project),
        Tool("disk floor", "copy the inputs, write files of the sizes of gendoc's HTML + Markdown",
             lambda out: [sys.executable, "-m", "bench.peers", "--floor", str(work / "sizes.json"), str(project), str(out)], project),
    ]
    return found


def check_pages(project: Path, found: list[Tool], outputs: dict[str, Path], count: int) -> list[str]:
    """Each tool wrote a page per report in each of its formats; the checked report's tables
    agree with gendoc's page of the same format."""
    problems = []
    agency, year = CHECKED_REPORT
    data = yaml.safe_load((project / "reports" / agency / f"{year}.yaml").read_text(encoding="utf-8"))
    for tool in found:
        if tool.name in ("gendoc", "disk floor"):
            continue
        out = outputs[tool.name]
        for fmt in tool.formats:
            pages = len(list(out.rglob(f"*.{fmt}")))
            if pages != count:
                problems.append(f"{tool.name}: {pages} .{fmt} pages for {count} reports")
            page = out / agency / f"{year}.{fmt}"
            if not page.is_file():
                problems.append(f"{tool.name}: no {agency}/{year}.{fmt}")
                continue
            reference = (outputs["gendoc"] / agency / f"{year}.{fmt}").read_text(encoding="utf-8")
            problems += [f"{tool.name} ({fmt}): {p}" for p in same_figures(reference, page.read_text(encoding="utf-8"), data, fmt)]
    return problems


def table(found: list[Tool]) -> list[str]:
    gendoc = statistics.median(found[0].times)
    lines = ["| tool | what it does | median | best | gendoc ÷ tool | every run, in order |", "|---|---|---|---|---|---|"]
    for tool in found:
        median = statistics.median(tool.times)
        runs = " ".join(f"{t:.1f}" for t in tool.times)
        lines.append(f"| {tool.name} | {tool.what} | {median:.2f} s | {min(tool.times):.2f} s | {gendoc / median:.2f} | {runs} |")
    return lines


def main() -> int:
    if sys.argv[1:2] == ["--floor"]:
        floor(Path(sys.argv[3]), Path(sys.argv[2]), Path(sys.argv[4]))
        return 0
    count = int(os.environ.get("GENDOC_PEERS_SIZE", "1000"))
    rounds = int(os.environ.get("GENDOC_PEERS_ROUNDS", "5"))
    hugo = hugo_command()
    if hugo is None:
        print("Hugo is not installed: `apt-get install -y --no-install-recommends hugo` (as root), then run again.", file=sys.stderr)
        return 2
    version = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False).stdout.split()[1]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="gendoc-peers-") as tmp:
        work = Path(tmp)
        project = generate(work / "project", count)
        found = tools(work, project, hugo)
        # The untimed first round: the page check, gendoc's output sizes for the floor, and
        # every tool's files in the page cache.
        outputs = {}
        for tool in found:
            out = work / "out" / f"{tool.name.replace(' ', '_').replace(',', '')}-check"
            tool.run(out)
            outputs[tool.name] = out
            if tool.name == "gendoc":
                sizes = [(str(p.relative_to(out)), p.stat().st_size) for p in sorted(out.glob("*/*")) if p.stem.isdigit()]
                (work / "sizes.json").write_text(json.dumps(sizes), encoding="utf-8")
        problems = check_pages(project, found, outputs, count)
        if problems:
            print("\n".join(["The peers' pages do not agree with gendoc's:", *problems]), file=sys.stderr)
            return 1
        for i in range(rounds):
            for tool in found:
                tool.times.append(tool.run(work / "out" / f"{tool.name.replace(' ', '_').replace(',', '')}-{i}"))
    load_after = os.getloadavg()
    print(f"gendoc and its peers — {count:,} reports, median of {rounds} round-robin rounds (whole processes), "
          f"{os.cpu_count()} cores, Hugo {version}, load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"Checked: {CHECKED_REPORT[0]}/{CHECKED_REPORT[1]}'s tables 二、三、四 hold gendoc's figures in every peer's page "
          "(HTML; Hugo's Markdown page against gendoc's Markdown).")
    print()
    print("\n".join(table(found)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
