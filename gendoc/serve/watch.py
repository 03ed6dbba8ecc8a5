"""Watch reports/, templates/ and schemas/ and rebuild on every save (watchfiles).

watchfiles uses the operating system's notifications (inotify, FSEvents, …) through a small
Rust extension, groups the events of one save, and ignores editors' swap and backup files.
Its default waits 1.6 s for a save to settle; here 50 ms, so that a page is up to date well
within a second of the save.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

from gendoc.serve.live import LiveBuild, Snapshot

WATCHED = ("reports", "templates", "schemas")


def watched_folders(root: Path) -> list[Path]:
    return [root / name for name in WATCHED if (root / name).is_dir()]


def watch_and_rebuild(live: LiveBuild, stop: threading.Event,
                      on_build: Callable[[set, Snapshot], None] | None = None) -> None:
    """Rebuild after each batch of changes until `stop` is set. A change outside reports/
    (a template, a schema, a rules file) also drops the render caches."""
    from watchfiles import watch

    reports = (live.root / "reports").resolve()
    folders = watched_folders(live.root)
    for changes in watch(*folders, debounce=50, step=25, stop_event=stop, raise_interrupt=False):
        kinds_changed = any(not Path(path).resolve().is_relative_to(reports) for _, path in changes)
        snap = live.rebuild(kinds_changed=kinds_changed)
        if on_build is not None:
            on_build(changes, snap)
