"""The live preview's state: rebuild what changed, remember the findings, tell open pages.

`LiveBuild.rebuild()` runs the ordinary incremental build (only reports whose fingerprint
changed are rendered again, then the overview pages that changed) with a fresh `Project`, so
an edited schema or rules file is read anew; when templates or schemas changed, the render
stage's caches are dropped first. After each build the *generation* goes up if anything the
browser shows may have changed (an output written, a finding found or fixed); open pages
wait on it (`wait`) and reload themselves.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from gendoc.build.project import Project
from gendoc.diagnostics import Diagnostic


@dataclass
class Snapshot:
    generation: int
    findings: dict[tuple[str, int | None], list[Diagnostic]] = field(default_factory=dict)  # (agency, year) → …
    general: list[Diagnostic] = field(default_factory=list)  # findings of no one report
    seconds: float = 0.0  # how long the last build took


class LiveBuild:
    def __init__(self, root: Path, out_dir: Path, jobs: int | None = 1):
        self.root = Path(root)
        self.out_dir = Path(out_dir)
        self.jobs = jobs
        self._lock = threading.Lock()          # one build at a time
        self._changed = threading.Condition()  # guards and announces `_snapshot`
        self._snapshot = Snapshot(0)
        self._last_key: object = None

    def snapshot(self) -> Snapshot:
        with self._changed:
            return self._snapshot

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the generation differs from `seen` (or `timeout` seconds passed)."""
        with self._changed:
            self._changed.wait_for(lambda: self._snapshot.generation != seen, timeout)
            return self._snapshot.generation

    def rebuild(self, kinds_changed: bool = False) -> Snapshot:
        from gendoc.build.incremental import build_all
        from gendoc.build.overview_pages import write_overview

        with self._lock:
            started = time.monotonic()
            if kinds_changed:
                from gendoc.render.engine import clear_caches

                clear_caches()
            project = Project(self.root)
            files, problems = project.discover([])
            built = build_all(project, files, self.out_dir, jobs=self.jobs, full=True)
            if (self.root / "templates" / "overview").is_dir():
                problems += write_overview(built.known, project.kinds, self.root / "templates", self.out_dir)
            built.save()  # after the pages that list every report, as `gendoc build` does
            findings: dict[tuple[str, int | None], list[Diagnostic]] = {}
            for s in built.summaries:
                if s.diagnostics:
                    findings[(s.agency, s.year)] = list(s.diagnostics)
            key = (sorted((k, [(d.code, d.file, d.line, d.col, d.message()) for d in v])
                          for k, v in findings.items()),
                   [(d.code, d.file, d.message()) for d in problems])
            with self._changed:
                generation = self._snapshot.generation
                if built.changed or key != self._last_key or kinds_changed:
                    generation += 1
                self._last_key = key
                self._snapshot = Snapshot(generation, findings, problems, time.monotonic() - started)
                self._changed.notify_all()
                return self._snapshot
