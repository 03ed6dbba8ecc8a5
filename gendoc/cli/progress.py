"""A progress bar for long runs, on a terminal only: count, share done, time left.

Nothing is drawn when stderr is not a terminal (a pipe, a file, a CI log), under CI=true or
TERM=dumb, or for a run that ends within half a second: logs stay clean and short runs quiet.
The bar is redrawn at most ten times a second on one line and wiped when the run ends, so
the one-line summary that follows stands alone.
"""
from __future__ import annotations

import os
import sys
import time
from typing import TextIO

WIDTH = 24
QUIET_SECONDS = 0.5   # a run shorter than this shows no bar
REDRAW_SECONDS = 0.1


def wanted(stream: TextIO) -> bool:
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    def __init__(self, total: int, label: str, stream: TextIO | None = None, lang: str = "zh"):
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.lang = lang
        self.enabled = total > 1 and wanted(self.stream)
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._shown = False

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        elapsed = now - self.started
        if elapsed < QUIET_SECONDS or (now - self._drawn_at < REDRAW_SECONDS and done < self.total):
            return
        self._drawn_at = now
        share = done / self.total if self.total else 1.0
        filled = int(WIDTH * share)
        left = elapsed / done * (self.total - done) if done else 0.0
        if self.lang == "en":
            rest = f"about {left:.0f} s left" if done < self.total else "done"
        else:
            rest = f"剩余约 {left:.0f} 秒" if done < self.total else "完成"
        bar = "█" * filled + "·" * (WIDTH - filled)
        self._write(f"\r{self.label} [{bar}] {done}/{self.total} {share:4.0%} {rest}\x1b[K")
        self._shown = True

    def close(self) -> None:
        """Wipe the bar: what follows is printed on a clean line."""
        if self._shown:
            self._write("\r\x1b[K")
            self._shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False
