"""Static SVG charts drawn from figures: no script, no network, the same bytes for the same data.

Two kinds of chart cover the overview: `bars` (each series per category side by side, e.g.
行政复议 and 行政诉讼 per year) and `shares` (one bar per category split into the series'
shares of their sum, e.g. the outcome mix of each year). Every chart is an `<svg role="img">`
whose `<title>` and `<desc>` carry the title and every figure as text, so a screen reader reads
the numbers the picture shows; each bar also prints its figure. Labels are whatever the kind's
data says (Chinese); this module knows no row of any kind.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from html import escape
from typing import Sequence

from gendoc.render.filters import num, pct

# Okabe–Ito: told apart with every common form of colour blindness, and in greyscale print.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
WIDTH = 640
FONT = 13


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | Decimal | None]  # one per category; None: not known


def _text(x: float, y: float, text: str, anchor: str = "middle", size: int = FONT, extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{extra}>'
            f"{_escaped(text)}</text>")


@lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    """A label escaped once: a region's charts print the same years, series and shares
    thousands of times."""
    return escape(text)


def _nice_step(value: float) -> float:
    """The gridline step: the smallest of 1, 2, 5 × 10^k with four steps reaching `value`, so
    that counts get whole-number gridlines (0, 5, 10, 15, 20)."""
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if 4 * step * factor >= value:
                return step * factor
        step *= 10


def _legend(series: Sequence[Series], y: float) -> tuple[list[str], float]:
    """Swatches and labels, wrapped onto as many lines as they need."""
    drawn, bottom = _legend_of(tuple(s.label for s in series), y)
    return list(drawn), bottom


@lru_cache(maxsize=256)
def _legend_of(labels: tuple[str, ...], y: float) -> tuple[tuple[str, ...], float]:
    """The legend of these labels, drawn once: every agency's chart of a kind has the same."""
    out, x, line = [], 8.0, y
    for i, label in enumerate(labels):
        width = 18 + FONT * len(label) + 16
        if x + width > WIDTH and x > 8:
            x, line = 8.0, line + FONT + 8
        out.append(f'<rect x="{x:.1f}" y="{line - FONT + 2:.1f}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(_text(x + 18, line, label, anchor="start"))
        x += width
    return tuple(out), line + 10


def _describe(title: str, categories: Sequence[str], series: Sequence[Series], unit: str, shares: bool) -> str:
    parts = []
    for c, category in enumerate(categories):
        known = [v for s in series if (v := s.values[c]) is not None]
        whole = sum(known) if known else 0
        figures = []
        for s in series:
            value = s.values[c]
            if value is None:
                figures.append(f"{s.label}未知")
            elif shares:
                figures.append(f"{s.label}{num(value)}{unit}（{pct(value, whole)}）")
            else:
                figures.append(f"{s.label}{num(value)}{unit}")
        parts.append(f"{category}：" + "，".join(figures))
    return f"{title}。" + "；".join(parts) + "。"


def _frame(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> str:
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height:.0f}"'
        f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="inherit">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ])


@lru_cache(maxsize=256)
def _gridlines(top: float, plot_h: float, left: float, step: float) -> tuple[str, ...]:
    """Five gridlines with their figures, drawn once for every chart of the same scale."""
    out = []
    for k in range(5):
        y = top + plot_h - plot_h * k / 4
        out.append(f'<line x1="{left}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d0d0"/>')
        mark = step * k
        out.append(_text(left - 6, y + 4, str(int(mark)) if mark == int(mark) else f"{mark:g}", anchor="end",
                         size=11, extra=' fill="#555"'))
    return tuple(out)


def bars(chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series], unit: str = "件") -> str:
    """Grouped vertical bars: for each category, one bar per series."""
    legend, top = _legend(series, 20)
    top += 16
    plot_h, left, bottom = 180.0, 64.0, 28.0
    peak = max([float(v) for s in series for v in s.values if v is not None] or [0])
    step = _nice_step(peak)
    scale_max = 4 * step
    body = legend + list(_gridlines(top, plot_h, left, step))
    band = (WIDTH - 8 - left) / max(1, len(categories))
    bar_w = min(40.0, band * 0.8 / max(1, len(series)))
    for c, category in enumerate(categories):
        group_x = left + band * c + (band - bar_w * len(series)) / 2
        for i, s in enumerate(series):
            value = s.values[c]
            x = group_x + bar_w * i
            if value is None:
                body.append(_text(x + bar_w / 2, top + plot_h - 4, "未知", size=10, extra=' fill="#555"'))
                continue
            h = plot_h * float(value) / scale_max
            body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}"'
                        f' fill="{PALETTE[i % len(PALETTE)]}"/>')
            body.append(_text(x + bar_w / 2 - 1, top + plot_h - h - 4, num(value), size=11))
        body.append(_text(left + band * c + band / 2, top + plot_h + 18, category))
    desc = _describe(title, categories, series, unit, shares=False)
    return _frame(chart_id, title, desc, top + plot_h + bottom, body)


def shares(chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series], unit: str = "件") -> str:
    """One horizontal bar per category, split into each series' share of their sum."""
    legend, top = _legend(series, 20)
    top += 6
    left, right, bar_h, gap = 64.0, 86.0, 26.0, 12.0
    span = WIDTH - left - right
    body = list(legend)
    for c, category in enumerate(categories):
        y = top + (bar_h + gap) * c
        body.append(_text(left - 8, y + bar_h / 2 + 5, category, anchor="end"))
        known = [(i, v) for i, s in enumerate(series) if (v := s.values[c]) is not None]
        whole = sum(v for _, v in known) if known else 0
        x = left
        if not whole:
            body.append(f'<rect x="{left}" y="{y:.1f}" width="{span:.1f}" height="{bar_h}" fill="#eee"/>')
            body.append(_text(left + span / 2, y + bar_h / 2 + 5, "无数据" if not known else "0", size=11))
        row_y, share_y = f"{y:.1f}", y + bar_h / 2 + 4  # the same for each part of the bar
        for i, value in known:
            if not whole or not value:
                continue
            w = span * float(value) / float(whole)
            body.append(f'<rect x="{x:.1f}" y="{row_y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[i % len(PALETTE)]}"/>')
            share = pct(value, whole, 0)
            if w >= 8 * len(share) + 6:  # the share is printed where it fits
                colour = ' fill="#fff"' if i % len(PALETTE) in (0, 5, 7) else ' fill="#000"'
                body.append(_text(x + w / 2, share_y, share, size=11, extra=colour))
            x += w
        body.append(_text(WIDTH - right + 6, y + bar_h / 2 + 5, f"共{num(whole)}{unit}", anchor="start", size=12))
    desc = _describe(title, categories, series, unit, shares=True)
    return _frame(chart_id, title, desc, top + (bar_h + gap) * len(categories) + 4, body)


CHARTS = {"bars": bars, "shares": shares}
