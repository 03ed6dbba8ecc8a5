"""Build many reports: only what changed, across cores, in bounded memory.

A report is rebuilt when its fingerprint changes: its own bytes, last year's file (cross-year
rules and year-over-year prose read it), every file of its document kind (schema, rules,
templates, shared ones included) and gendoc's own code. Fingerprints, statuses and findings
of the last build are kept in `<out>/.gendoc-state.json`, so an unchanged report costs one
file read and its findings are replayed without loading it. Workers return small summaries
(never the report data), so memory stays flat however many reports there are.

The state is keyed by each report's real path relative to the project root and records
outputs relative to the output folder, so a build from another folder, through another
spelling of a path or with `--root` sees the same reports. An output is removed only when
the state says gendoc wrote it and no report produces it any more. Findings caused by the
machine (an unreadable file, a failed write, a worker that died) are never replayed.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from gendoc.diagnostics import ERROR, Diagnostic, Location, HasFindings
from gendoc.build.project import REPORT_SUFFIXES, Project, report_identity
from gendoc.build.report_files import source_key

STATE_FILE = ".gendoc-state.json"
STATE_VERSION = 4  # 4: keyed by the project root, outputs relative to the output folder
PARALLEL_THRESHOLD = 24  # below this, starting worker processes costs more than it saves
# Findings that do not follow from the report's own inputs — the machine (unreadable file,
# failed write, lost worker) or another file (F007) — are never replayed: the next build
# looks again.
NOT_REPLAYED = frozenset({"F003", "F005", "F007", "F008"})


@dataclass
class Summary(HasFindings):
    """What the CLI, the index page and the next build need to know about one report."""

    file: str           # as shown to the user (relative to the current folder)
    agency: str
    year: int | None
    key: str = ""       # the report's identity: real path relative to the project root
    kind_id: str | None = None
    kind_title: str = ""
    agency_name: str = ""
    fingerprint: str = ""
    content: str = ""   # hash of the report's bytes and last year's
    stamp: str = ""     # sizes and modification times those bytes were read at
    outputs: dict[str, str] = field(default_factory=dict)  # format → path relative to the output folder
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # What the overview shows (gendoc/build/overview_data.py `report_facts`).
    published: str = ""
    draft: bool = False
    measures: dict[str, int | str | None] = field(default_factory=dict)
    figures: dict[str, list] = field(default_factory=dict)
    reused: bool = False


    @property
    def replayable(self) -> bool:
        return not any(d.code in NOT_REPLAYED for d in self.diagnostics)

    def to_json(self) -> dict:
        # Not dataclasses.asdict: it deep-copies every figure of the overview's facts, which
        # made writing the state of 1,000 reports cost 0.2 s. The figures are plain JSON
        # values, serialised at once; only the findings are dataclasses.
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("reused", "diagnostics")}
        data["diagnostics"] = [asdict(d) for d in self.diagnostics]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Summary":
        diagnostics = [Diagnostic(**{**d, "related": [Location(**loc) for loc in d["related"]]})
                       for d in data.pop("diagnostics")]
        return cls(**data, diagnostics=diagnostics, reused=True)

    def shown_as(self, file: str) -> "Summary":
        """The summary with its findings naming the report as `file` (the current folder may
        differ from the one the state was written from)."""
        old = self.file
        if old != file:
            for d in self.diagnostics:
                if d.file == old:
                    d.file = file
                d.related = [replace(loc, file=file) if loc.file == old else loc for loc in d.related]
            self.file = file
        return self


# -- fingerprints -----------------------------------------------------------------------------

def _digest_files(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """gendoc's own code: a new version re-renders everything."""
    return _digest_files(Path(__file__).resolve().parents[1].rglob("*.py"))


class Fingerprints:
    def __init__(self, project: Project):
        self.project = project
        self._kinds: dict[str | None, str] = {}

    def kind_digest(self, kind_id: str | None) -> str:
        if kind_id not in self._kinds:
            kind = self.project.kinds.get(kind_id) if kind_id else None
            self._kinds[kind_id] = _digest_files(kind.source_files()) if kind else ""
        return self._kinds[kind_id]

    def of(self, path: Path, kind_id: str | None, old: "Summary | None" = None) -> tuple[str, str, str]:
        """(fingerprint, content hash, stamp). The content hash covers the report's bytes and
        last year's; when the stamp (size and modification time of both files) is the one
        recorded last time, the recorded content hash is reused without reading the files, as
        make and ninja trust modification times. A file that cannot be read has no
        fingerprint (""): it is checked again, and the check says why it cannot be read."""
        files = [path] + self._prev_files(path)
        try:
            stamp = "|".join(f"{f.name}:{st.st_size}:{st.st_mtime_ns}" for f in files for st in [f.stat()])
            if old is not None and old.stamp == stamp and old.content:
                content = old.content
            else:
                h = hashlib.sha256()
                for i, f in enumerate(files):
                    h.update(b"prev" if i else b"")
                    h.update(f.read_bytes())
                content = h.hexdigest()
        except OSError:
            return "", "", ""
        return self.key(content, kind_id), content, stamp

    def key(self, content: str, kind_id: str | None) -> str:
        """The fingerprint of a report whose bytes (and last year's) hash to `content`."""
        # The formats asked for are part of it: asking for one more renders every report again.
        wanted = ",".join(self.project.outputs) if self.project.outputs is not None else "*"
        return hashlib.sha256(f"{code_digest()}|{self.kind_digest(kind_id)}|{content}|{wanted}".encode()).hexdigest()

    @staticmethod
    def _prev_files(path: Path) -> list[Path]:
        _, year = report_identity(path)
        if year is None:
            return []
        for suffix in REPORT_SUFFIXES:
            prev = path.with_name(f"{year - 1}{suffix}")
            if prev.is_file():
                return [prev]
        return []


# -- state ------------------------------------------------------------------------------------

def load_state(out_dir: Path) -> dict[str, Summary]:
    """The last build's summaries by report key ({} when there is no usable state)."""
    try:
        raw = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
        if raw.get("version") != STATE_VERSION:
            return {}
        return {item["key"]: Summary.from_json(item) for item in raw["reports"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no usable state: build everything


def save_state(out_dir: Path, summaries: list[Summary]) -> None:
    from gendoc.build.atomic_write import write_if_changed

    payload = {"version": STATE_VERSION, "reports": [s.to_json() for s in summaries]}
    write_if_changed(out_dir / STATE_FILE, json.dumps(payload, ensure_ascii=False, sort_keys=True))


# -- building ---------------------------------------------------------------------------------

def summarise(project: Project, path: Path, out_dir: Path, fingerprint: str | None,
              prints: "Fingerprints | None" = None) -> Summary:
    """Build one report. `fingerprint` None: a report the last build did not know, whose
    fingerprint this worker takes (from the bytes as they are before it builds, as the main
    process would have), so that a full build does not read every file twice in one process."""
    from gendoc.build.overview_data import report_facts

    content = stamp = ""
    taker = (prints or Fingerprints(project)) if fingerprint is None else None
    if taker is not None:
        fingerprint, content, stamp = taker.of(path, None)
    result = project.build(path, out_dir)
    facts: dict = {}
    if result.report is not None and result.kind is not None:
        facts = report_facts(result.kind, result.report.data)
    summary = Summary(
        file=result.file, agency=result.agency, year=result.year, key=source_key(project.root, path),
        kind_id=result.kind.id if result.kind else None, kind_title=result.kind.title if result.kind else "",
        fingerprint=fingerprint or "", content=content, stamp=stamp,
        outputs={fmt: p.relative_to(out_dir).as_posix() for fmt, p in result.outputs.items()},
        diagnostics=result.diagnostics, **facts,
    )
    if taker is not None and summary.kind_id is not None and fingerprint:
        # Taken before the kind was known: again with it, from the bytes hashed before the
        # build (a file changed while it was built must be built again next time).
        summary.fingerprint = taker.key(content, summary.kind_id)
    return summary


def lost(project: Project, path: Path, reason: str) -> Summary:
    """A report whose worker process died before it answered (killed, out of memory)."""
    agency, year = report_identity(path)
    return Summary(file=str(path), agency=agency, year=year, key=source_key(project.root, path),
                   diagnostics=[Diagnostic(ERROR, "F008", {"reason": reason}, str(path))])


_WORKER: dict = {}


# A worker allocates a report's worth of short-lived containers at a time, almost none of
# them in reference cycles: with Python's default threshold (700) the cycle collector runs
# every few hundred microseconds. At 10,000 it runs fifteen times less often and spends a
# sixth less time; higher thresholds saved a little more time but kept more garbage
# waiting (a worker's peak memory 48 MB at 10,000, 65 MB at 50,000; docs/performance.md).
WORKER_GC_THRESHOLD = (10_000, 10, 10)


def _init_worker(root: str, out_dir: str, outputs: tuple[str, ...] | None = None) -> None:
    import gc

    gc.set_threshold(*WORKER_GC_THRESHOLD)
    if _WORKER.get("root") != root:  # spawned, not forked: nothing inherited
        _WORKER.update(project=Project(Path(root), outputs), out=Path(out_dir), root=root)


def _work(tasks: list[tuple[str, str | None]]) -> list[Summary]:
    prints = _WORKER.setdefault("prints", Fingerprints(_WORKER["project"]))
    return [summarise(_WORKER["project"], Path(path), _WORKER["out"], fingerprint, prints) for path, fingerprint in tasks]


def _run(project: Project, tasks: list[tuple[str, str | None]], out_dir: Path, jobs: int,
         prints: Fingerprints) -> Iterator[Summary]:
    if jobs > 1 and len(tasks) >= PARALLEL_THRESHOLD:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from concurrent.futures.process import BrokenProcessPool

        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        chunks = _chunks(tasks, jobs)
        # Forked workers inherit a warm project: kinds loaded, schema gates and templates
        # compiled once here rather than once in every worker.
        warm(project)
        for kind_id in project.kinds.ids():
            prints.kind_digest(kind_id)  # inherited: no worker hashes a kind's files again
        _WORKER.update(project=project, out=out_dir, root=str(project.root), prints=prints)
        # What the workers inherit stays put: frozen objects are never traversed by their
        # cycle collector (nor copied page by page when it would touch them). This process
        # thaws them once the workers are gone (a long-lived `gendoc serve` builds again).
        import gc

        gc.freeze()
        try:
            # concurrent.futures, not multiprocessing.Pool: when the system kills a worker, the
            # pool breaks and says so (Pool would wait for the lost answers for ever).
            with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                                     initargs=(str(project.root), str(out_dir), project.outputs)) as pool:
                pending = {pool.submit(_work, chunk): chunk for chunk in chunks}
                for future in as_completed(pending):
                    try:
                        yield from future.result()
                    except BrokenProcessPool:
                        for path, _ in pending[future]:
                            yield lost(project, Path(path), "进程被系统终止")
        finally:
            gc.unfreeze()
    else:
        for path, fingerprint in tasks:
            yield summarise(project, Path(path), out_dir, fingerprint, prints)


def _chunks(tasks: list, jobs: int) -> list[list]:
    """Tasks in chunks that shrink towards the end (guided scheduling): large ones early,
    so that few answers travel back; small ones last, so that no core waits long for the
    other to finish its last chunk."""
    chunks, at = [], 0
    while at < len(tasks):
        size = max(2, min(32, (len(tasks) - at) // (jobs * 4)))
        chunks.append(tasks[at:at + size])
        at += size
    return chunks


def warm(project: Project) -> None:
    from gendoc.check.schema_gate import gate_for
    from gendoc.render.engine import warm_templates

    for kind_id in project.kinds.ids():
        kind = project.kinds.get(kind_id)
        if kind is None:
            continue
        gate_for(kind)
        kind.rules  # noqa: B018 — a cached property, computed now
        warm_templates(kind)


@dataclass
class BuildResult:
    summaries: list[Summary]  # the reports of this build
    known: list[Summary]      # every report the output folder holds or knows of (for the index)
    changed: bool             # anything rebuilt or removed: pages listing every report must follow
    out_dir: Path
    problems: list[Diagnostic] = field(default_factory=list)  # of the build, not of one report (PDFs)

    def save(self) -> list[Diagnostic]:
        """Record the build for the next one. Call it last, after any page that lists
        `known`: a build killed before it then simply redoes the work. A state that cannot be
        written (full disk, no permission, a file where the folder should be) is a finding:
        the next build then redoes everything."""
        try:
            save_state(self.out_dir, self.known)
        except OSError as exc:
            target = self.out_dir / STATE_FILE
            return [Diagnostic(ERROR, "F005", {"target": str(target), "reason": exc.strerror or str(exc)}, str(target))]
        return []


def build_all(project: Project, files: list[Path], out_dir: Path, *, jobs: int | None = None,
              full: bool = True, force: bool = False,
              progress: Callable[[int], None] | None = None) -> BuildResult:
    """Build `files` into `out_dir`; when `full`, also drop outputs of deleted reports.
    The state is not saved: call `BuildResult.save()` once the pages that list every
    report are written. `progress(done)` is told how many of `files` are done, as they are."""
    jobs = jobs or os.cpu_count() or 1
    tell = progress or (lambda done: None)
    state = {} if force else load_state(out_dir)
    old_state = load_state(out_dir) if force else state  # what gendoc wrote, even under --force
    prints = Fingerprints(project)
    summaries: list[Summary] = []
    tasks: list[tuple[str, str | None]] = []
    marks: dict[str, tuple[str, str]] = {}
    out = os.fspath(out_dir)
    for path in files:
        key = source_key(project.root, path)
        old = state.get(key)
        if old is None:
            tasks.append((str(path), None))  # new: built whatever its fingerprint, taken by the worker
            continue
        fingerprint, content, stamp = prints.of(path, old.kind_id, old)
        marks[str(path)] = (content, stamp)
        outputs_present = all(os.path.exists(os.path.join(out, p)) for p in old.outputs.values())
        if (fingerprint and old.fingerprint == fingerprint and outputs_present
                and (old.outputs or not old.ok) and old.replayable and not project.rivals(path)):
            old.content, old.stamp = content, stamp
            summaries.append(old.shown_as(str(path)))
            tell(len(summaries))
        else:
            tasks.append((str(path), fingerprint))
    for summary in _run(project, tasks, out_dir, jobs, prints):
        old = old_state.get(summary.key)
        if summary.file in marks:  # fingerprinted here (a report the last build knew)
            # The kind is known only after loading: when it differs from the one the
            # fingerprint assumed, take it again so that the next build can skip this report.
            summary.content, summary.stamp = marks[summary.file]
            if summary.kind_id != (old.kind_id if old else None) and summary.fingerprint:
                summary.fingerprint = prints.key(summary.content, summary.kind_id)
        if not summary.replayable:
            summary.fingerprint = ""  # the machine failed, not the report: try again next time
        if not summary.ok and old is not None and not summary.outputs:
            # Its last good outputs stay on disk untouched; remember them so that deleting
            # the report later still removes them.
            summary.outputs = old.outputs
        summaries.append(summary)
        tell(len(summaries))
    summaries.sort(key=lambda s: s.file)
    from gendoc.build.pdf_batch import make_pdfs

    problems = make_pdfs(project, summaries, out_dir, jobs)  # before the outputs are claimed
    changed = any(not s.reused for s in summaries)
    built = {s.key for s in summaries}
    if full:
        known = summaries
    else:
        known = summaries + [s for key, s in state.items() if key not in built]
    known = sorted(known, key=lambda s: s.key)
    claimed = {output for s in known for output in s.outputs.values()}
    for key, old in old_state.items():
        if key in built or full:
            stale = [o for o in old.outputs.values() if o not in claimed]
            if stale:
                _remove_outputs(stale, out_dir)
                changed = True
        if full and key not in built:
            changed = True
    return BuildResult(summaries, known, changed, out_dir, problems)


def _remove_outputs(outputs: list[str], out_dir: Path) -> None:
    """Delete outputs gendoc wrote (as its state records them) and, when that empties it,
    the agency's folder. A recorded path outside the output folder is never touched."""
    for output in outputs:
        relative = Path(output)
        if relative.is_absolute() or ".." in relative.parts:
            continue
        target = out_dir / relative
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            continue  # not ours to force (a folder in its place, no permission)
        folder = target.parent
        try:
            if folder != out_dir and not any(folder.iterdir()):
                folder.rmdir()
        except OSError:
            pass
