"""Bounds on what one author-written narrative may cost: its size and its time.

Jinja's sandbox stops code from escaping, not from exhausting the machine: `'x'|center(10**8)`,
`'%0100000000d'|format(1)` or `'x'.ljust(10**8)` build 100 MB strings, two nested
`range(100000)` loops never end. Every number given to a call or a filter is bounded, a
format string may not ask for a gigantic width, the text is collected piece by piece and
stopped when too long, and the time spent on one report's narratives is bounded (a timer
interrupts a loop that produces nothing). Exceeding a bound is `NarrativeLimit`, reported
at the narrative as N006.
"""
from __future__ import annotations

import functools
import re
import signal
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from jinja2.sandbox import SecurityError

MAX_ARGUMENT = 100_000         # a width, a count, a length given to a call or filter
MAX_NARRATIVE_CHARS = 200_000  # one rendered narrative (a report's longest is ~3,000)
SECONDS_PER_REPORT = 5.0       # all narratives of one report (a real one takes milliseconds)

# Widths and precisions in printf-style (`%0100000000d`) and str.format (`{:>100000000}`) specs.
_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\d+)|%[-#0 +]*\d*\.(\d+)|\{[^{}]*:[^{}]*?(\d{6,})[^{}]*\}")


class NarrativeLimit(SecurityError):
    """A narrative asked for more text, a larger argument or more time than allowed."""


class OutOfTime(NarrativeLimit):
    """The report's time is spent: the narratives after this one are not rendered."""


# Jinja's filters and str's methods whose numeric argument is the length of what they build.
SIZING_FILTERS = frozenset({"center", "indent", "truncate", "wordwrap", "format"})
SIZING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "format"})


def check_arguments(args: tuple, kwargs: dict) -> None:
    """Refuse a gigantic size among the arguments of a sizing filter or method: a number
    above MAX_ARGUMENT, or a format string asking for such a width or precision. (Report
    figures reach gendoc's own filters and other calls freely: those build no text of
    their size.)"""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
            raise NarrativeLimit(f"参数 {value} 过大（上限 {MAX_ARGUMENT}）")
        if isinstance(value, str):
            check_format(value)


def check_format(text: str) -> None:
    for match in _FORMAT_WIDTH.finditer(text):
        width = max(int(g) for g in match.groups() if g)
        if width > MAX_ARGUMENT:
            raise NarrativeLimit(f"格式宽度 {width} 过大（上限 {MAX_ARGUMENT}）")


def bounded(filter_: Callable[..., Any]) -> Callable[..., Any]:
    """A sizing filter, refusing gigantic sizes among its arguments."""

    @functools.wraps(filter_)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_arguments(args[1:], kwargs)
        if args and isinstance(args[0], str) and filter_.__name__ in ("do_format", "format"):
            check_format(args[0])
        return filter_(*args, **kwargs)

    return wrapper


class Budget:
    """The time left for one report's narratives."""

    def __init__(self, seconds: float | None = None):
        self.seconds = SECONDS_PER_REPORT if seconds is None else seconds
        self.deadline = time.monotonic() + self.seconds
        self.timed = False      # a timer is set for the whole budget (`timer`)
        self.rendering = False  # a narrative is being rendered: the timer may interrupt it

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def exceeded(self) -> OutOfTime:
        return OutOfTime(f"本报告正文渲染超过 {self.seconds:g} 秒")

    @contextmanager
    def timer(self) -> Iterator[None]:
        """One timer for all the narratives of a report (setting a timer per narrative cost
        four system calls each). When it expires between two narratives it interrupts
        nothing: the next one finds the budget spent."""
        def expired(signum, frame):
            if self.rendering:
                raise self.exceeded()

        with _alarm(self, expired):
            self.timed = True
            try:
                yield
            finally:
                self.timed = False


def render_bounded(template, context: dict, budget: Budget) -> str:
    """The template's text, collected piece by piece within the size and time bounds."""
    if budget.left() <= 0:
        raise budget.exceeded()
    if not budget.timed:
        with budget.timer():
            return render_bounded(template, context, budget)
    parts: list[str] = []
    size = 0
    budget.rendering = True
    try:
        for piece in template.generate(context):
            size += len(piece)
            if size > MAX_NARRATIVE_CHARS:
                raise NarrativeLimit(f"正文渲染结果超过 {MAX_NARRATIVE_CHARS} 字")
            if time.monotonic() > budget.deadline:
                raise budget.exceeded()
            parts.append(piece)
    finally:
        budget.rendering = False
    return "".join(parts)


@contextmanager
def _alarm(budget: Budget, expired: Callable[[int, Any], None]) -> Iterator[None]:
    """Interrupt a loop that produces no text once the budget is spent. A timer signal
    can only be handled in the main thread; elsewhere the checks between pieces remain."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, max(budget.left(), 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
