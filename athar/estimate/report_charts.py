"""The report's figures as inline SVG strings: no script, no font or file loaded from anywhere.

* ``upset_svg``: persons per combination of lists (bars) over the lists each holds (dots);
* ``overlap_svg``: persons shared by each pair of lists, as a shaded matrix;
* ``interval_svg``: each estimate as a dot on its interval, beside the count observed, one row per
  estimate (the headline drawn first and strongest, comparisons paler and labelled as such).

The numbers are laid out here and nowhere else; the web dashboard draws its estimate with
``interval_svg`` too, so the page and the report show one picture of one figure.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .api import Estimate
from .comparison import COMPARISON, method_family
from .histories import CaptureHistories

FONT = "'Noto Sans', 'Noto Sans Arabic', 'Noto Naskh Arabic', 'DejaVu Sans', sans-serif"
COLORS = {
    "observed": "#7a8793",
    "BMA": "#1f6fb2",
    "LCMCR": "#c2571a",
    "log-linear": "#5b8c2a",
    "averaged log-linear": "#6b3fa0",
}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def fmt(v: float | None) -> str:
    """A count with thousands separators; a dash for a missing or infinite value."""
    return "—" if v is None or not math.isfinite(v) else f"{v:,.0f}"


def color(est: Estimate) -> str:
    return COLORS.get(method_family(est), "#444")


@dataclass(frozen=True)
class IntervalRow:
    """One row of ``interval_svg``: a label, the count observed, and one estimate (or none)."""

    label: str
    observed: int
    estimate: Estimate | None
    note: str = ""  # shown after the label, e.g. "comparison"


def interval_svg(rows: Sequence[IntervalRow], title: str = "Estimates with their intervals") -> str:
    """Each estimate as a dot on its interval, over a grey bar of the count observed.

    A comparison (``details["role"] == "comparison"``) is drawn hollow and paler: the eye lands on
    the headline. An interval whose upper end is infinite runs to the edge with an arrow."""
    if not rows:
        return ""
    values: list[float] = [float(r.observed) for r in rows]
    for r in rows:
        if r.estimate is not None:
            values += [v for v in (r.estimate.estimate, r.estimate.ci_high) if math.isfinite(v)]
    high = max(values) * 1.08 or 1.0
    left, plot_w, row_h, top = 230, 500, 30, 20
    width, height = left + plot_w + 40, top + row_h * len(rows) + 34

    def sx(v: float) -> float:
        return round(left + plot_w * min(max(v, 0.0), high) / high, 1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'role="img" aria-label="{_e(title)}" font-family="{FONT}" font-size="12" class="intervals">',
        f"<title>{_e(title)}</title>",
    ]
    for t in range(5):
        v = high * t / 4
        out.append(f'<line x1="{sx(v)}" x2="{sx(v)}" y1="{top}" y2="{height - 28}" stroke="#e4e4e4"/>')
        out.append(f'<text x="{sx(v)}" y="{height - 12}" text-anchor="middle">{fmt(v)}</text>')
    for i, r in enumerate(rows):
        y = top + i * row_h
        mid = y + row_h / 2
        label = r.label + (f" ({r.note})" if r.note else "")
        out.append(f'<text x="{left - 8}" y="{mid + 4}" text-anchor="end">{_e(label)}</text>')
        out.append(
            f'<rect x="{left}" y="{mid - 8}" width="{sx(r.observed) - left}" height="16" '
            f'fill="{COLORS["observed"]}" opacity="0.35"><title>observed {r.observed:,}</title></rect>'
        )
        e = r.estimate
        if e is None or not math.isfinite(e.estimate):
            out.append(f'<text x="{sx(r.observed) + 6}" y="{mid + 4}" fill="#666">no estimate</text>')
            continue
        c = color(e)
        faint = e.details.get("role") == COMPARISON
        stroke = 'stroke-dasharray="4 3" ' if faint else ""
        low = e.ci_low if math.isfinite(e.ci_low) else 0.0
        open_high = not math.isfinite(e.ci_high) or e.ci_high > high
        x2 = sx(e.ci_high) if not open_high else left + plot_w
        out.append(
            f'<g class="estimate" data-estimate="{e.estimate:.0f}" data-low="{fmt(e.ci_low)}" '
            f'data-high="{fmt(e.ci_high)}" data-role="{_e(e.details.get("role", ""))}">'
        )
        out.append(
            f'<line x1="{sx(low)}" x2="{x2}" y1="{mid}" y2="{mid}" stroke="{c}" {stroke}stroke-width="3"/>'
        )
        for x in (sx(low), x2):
            out.append(
                f'<line x1="{x}" x2="{x}" y1="{mid - 6}" y2="{mid + 6}" stroke="{c}" stroke-width="2"/>'
            )
        if open_high:
            out.append(f'<path d="M{x2},{mid - 5} l8,5 l-8,5 z" fill="{c}"/>')
        fill = "#fff" if faint else c
        out.append(
            f'<circle cx="{sx(e.estimate)}" cy="{mid}" r="5" fill="{fill}" stroke="{c}" stroke-width="2">'
            f"<title>{_e(e.method)}: {fmt(e.estimate)} ({fmt(e.ci_low)}–{fmt(e.ci_high)}, "
            f"{e.ci_level:.0%})</title></circle></g>"
        )
    out.append("</svg>")
    return "".join(out)


def upset_svg(hist: CaptureHistories, max_patterns: int = 20) -> str:
    """An UpSet-style chart: persons per capture history (bars) over the lists it holds (dots)."""
    patterns = sorted(hist.counts.items(), key=lambda kv: -kv[1])[:max_patterns]
    if not patterns:
        return "<p>No persons.</p>"
    k = hist.k
    col_w, row_h, bar_h, left = 30, 22, 160, 150
    width = left + col_w * len(patterns) + 20
    height = bar_h + 30 + row_h * k + 10
    top = max(n for _, n in patterns)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="Persons per combination of lists" font-family="{FONT}" font-size="11">'
    ]
    sizes = hist.list_sizes()
    for i, (history, n) in enumerate(patterns):
        x = left + i * col_w + 5
        h = bar_h * n / top
        out.append(f'<rect x="{x}" y="{bar_h - h + 10}" width="{col_w - 10}" height="{h}" fill="#1f6fb2"/>')
        out.append(f'<text x="{x + (col_w - 10) / 2}" y="{bar_h - h + 6}" text-anchor="middle">{n}</text>')
        on = [j for j in range(k) if history[j]]
        cx = x + (col_w - 10) / 2
        y0 = bar_h + 30
        if len(on) > 1:
            out.append(
                f'<line x1="{cx}" x2="{cx}" y1="{y0 + on[0] * row_h + 8}" '
                f'y2="{y0 + on[-1] * row_h + 8}" stroke="#222" stroke-width="2"/>'
            )
        for j in range(k):
            fill = "#222" if history[j] else "#ddd"
            out.append(f'<circle cx="{cx}" cy="{y0 + j * row_h + 8}" r="6" fill="{fill}"/>')
    for j, name in enumerate(hist.lists):
        y = bar_h + 30 + j * row_h + 12
        out.append(f'<text x="{left - 8}" y="{y}" text-anchor="end">{_e(name)} ({sizes[name]:,})</text>')
    out.append("</svg>")
    note = ""
    if len(hist.counts) > max_patterns:
        note = f"<p class=note>The {max_patterns} largest of {len(hist.counts)} combinations are shown.</p>"
    return "".join(out) + note


def overlap_svg(hist: CaptureHistories) -> str:
    """Persons on both of each pair of lists (list sizes on the diagonal), shaded by the share of the
    smaller list they make: a blank cell is two lists that share nobody."""
    k = hist.k
    if k < 2:
        return ""
    sizes = hist.list_sizes()
    cell, left, top = 64, 150, 110
    width, height = left + cell * k + 10, top + cell * k + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="Persons shared by each pair of lists" font-family="{FONT}" font-size="11" '
        'class="overlaps">'
    ]
    for j, name in enumerate(hist.lists):
        x = left + j * cell + cell / 2
        out.append(
            f'<text x="{x}" y="{top - 8}" transform="rotate(-40 {x} {top - 8})">{_e(name)}</text>'
            f'<text x="{left - 8}" y="{top + j * cell + cell / 2 + 4}" text-anchor="end">{_e(name)}</text>'
        )
    for i, a in enumerate(hist.lists):
        for j, b in enumerate(hist.lists):
            n = sizes[a] if i == j else hist.overlap(a, b)
            smaller = min(sizes[a], sizes[b]) or 1
            share = 1.0 if i == j else n / smaller
            fill = "#e8e8e8" if i == j else f"rgba(31,111,178,{0.08 + 0.85 * share:.2f})"
            x, y = left + j * cell, top + i * cell
            ink = "#fff" if share > 0.55 and i != j else "#222"
            out.append(
                f'<g class="pair" data-lists="{_e(a)}|{_e(b)}" data-n="{n}">'
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}"/>'
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle" fill="{ink}">'
                f"{n:,}</text></g>"
            )
    out.append("</svg>")
    return "".join(out)


def distribution_svg(est: Estimate, title: str = "Posterior distribution of the total") -> str:
    """The estimate's posterior distribution (``details["posterior_histogram"]``) as bars, the bars
    inside its interval darker, the interval's ends and the estimate marked. Empty when the method
    gives no distribution (a log-linear fit with a profile interval)."""
    hist = est.details.get("posterior_histogram") or {}
    edges, mass = hist.get("edges") or [], hist.get("mass") or []
    if len(edges) != len(mass) + 1 or not mass or max(mass) <= 0:
        return ""
    left, plot_w, plot_h, top = 60, 600, 160, 24
    width, height = left + plot_w + 30, top + plot_h + 40
    lo_v, hi_v, peak = edges[0], edges[-1], max(mass)

    def sx(v: float) -> float:
        return round(left + plot_w * (min(max(v, lo_v), hi_v) - lo_v) / ((hi_v - lo_v) or 1), 1)

    c = color(est)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'role="img" aria-label="{_e(title)}" font-family="{FONT}" font-size="12" class="distribution">',
        f"<title>{_e(title)}</title>",
    ]
    base = top + plot_h
    for a, b, m in zip(edges, edges[1:], mass, strict=False):
        h = round(plot_h * m / peak, 1)
        inside = est.ci_low <= (a + b) / 2 <= est.ci_high
        bar_w = max(sx(b) - sx(a) - 1, 0.5)
        out.append(
            f'<rect class="bin" x="{sx(a)}" y="{base - h}" width="{bar_w}" height="{h}" '
            f'fill="{c}" opacity="{0.85 if inside else 0.3}"><title>{fmt(a)}–{fmt(b)}: {m:.1%}</title></rect>'
        )
    for v, name, dash in (
        (est.ci_low, "low", "4 3"),
        (est.ci_high, "high", "4 3"),
        (est.estimate, "estimate", ""),
    ):
        if math.isfinite(v) and lo_v <= v <= hi_v:
            style = f'stroke-dasharray="{dash}" ' if dash else ""
            out.append(
                f'<line class="{name}" x1="{sx(v)}" x2="{sx(v)}" y1="{top - 6}" y2="{base}" stroke="#222" '
                f'{style}stroke-width="1.5"/>'
                f'<text x="{sx(v)}" y="{top - 10}" text-anchor="middle">{fmt(v)}</text>'
            )
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{base}" y2="{base}" stroke="#888"/>')
    for t in range(5):
        v = lo_v + (hi_v - lo_v) * t / 4
        out.append(f'<text x="{sx(v)}" y="{base + 18}" text-anchor="middle">{fmt(v)}</text>')
    out.append("</svg>")
    return "".join(out)
