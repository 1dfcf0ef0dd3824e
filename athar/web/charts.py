"""Horizontal bar charts drawn on the server as inline SVG: no script, nothing loaded from elsewhere.

`bar_chart` lays the bars out; the template `_chart.html` draws them with their labels and numbers (in
the reader's digits) and gives the chart a title and a description for assistive technology. SVG has
no logical directions, so a right-to-left chart is laid out mirrored: labels on the right, bars
growing leftwards. Text is drawn with the page's `direction`, in which `text-anchor="end"` is the
side of the text nearer the bar in both layouts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

WIDTH = 640  # viewBox units; the SVG scales to its container
LABEL_WIDTH = 190
VALUE_WIDTH = 80
ROW = 26
BAR = 18
GAP = 6  # between a label or a bar's end and its text
PAD = 4


@dataclass(frozen=True)
class Bar:
    key: str
    n: int
    y: float  # top of the bar
    y2: float  # its bottom
    text_y: float  # baseline of the row's texts
    x: float  # left edge of the bar
    width: float
    label_x: float
    value_x: float


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    rtl: bool
    total: int


def bar_chart(items: Iterable[tuple[str, int]], rtl: bool) -> Chart:
    """One bar per (key, count), in the order given, as long as its count relative to the largest."""
    items = list(items)
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    top = max((n for _, n in items), default=0)
    bars = []
    for i, (key, n) in enumerate(items):
        length = 0.0 if n <= 0 or top <= 0 else max(2.0, round(area * n / top, 1))
        y = PAD + i * ROW + (ROW - BAR) / 2
        if rtl:
            start = WIDTH - LABEL_WIDTH
            x, label_x, value_x = start - length, start + GAP, start - length - GAP
        else:
            x, label_x, value_x = LABEL_WIDTH, LABEL_WIDTH - GAP, LABEL_WIDTH + length + GAP
        bars.append(Bar(key, n, y, y + BAR, y + BAR - 4, x, length, label_x, value_x))
    return Chart(tuple(bars), WIDTH, PAD * 2 + ROW * len(items), rtl, sum(n for _, n in items))
