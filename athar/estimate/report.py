"""A self-contained HTML report: overlaps, estimates by stratum, and what they mean.

Charts are inline SVG written here; the page loads nothing from anywhere. Text is in English
and Arabic (right to left).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from .api import Estimate
from .histories import CaptureHistories

FONT = "'Noto Sans', 'Noto Sans Arabic', 'Noto Naskh Arabic', 'DejaVu Sans', sans-serif"
COLORS = {"observed": "#7a8793", "log-linear": "#1f6fb2", "LCMCR": "#c2571a"}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(v: float) -> str:
    return "—" if v is None or not math.isfinite(v) else f"{v:,.0f}"


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
            out.append(f'<circle cx="{x + (col_w - 10) / 2}" cy="{y0 + j * row_h + 8}" r="6" fill="{fill}"/>')
    for j, name in enumerate(hist.lists):
        y = bar_h + 30 + j * row_h + 12
        out.append(f'<text x="{left - 8}" y="{y}" text-anchor="end">{_e(name)} ({sizes[name]:,})</text>')
    out.append("</svg>")
    note = ""
    if len(hist.counts) > max_patterns:
        note = f"<p class=note>The {max_patterns} largest of {len(hist.counts)} combinations are shown.</p>"
    return "".join(out) + note


def strata_svg(rows: Sequence[tuple[str, int, Sequence[Estimate]]]) -> str:
    """Observed count (bar) and each method's estimate with its interval, one row per stratum."""
    if not rows:
        return ""
    high = max(
        [n for _, n, _ in rows]
        + [e.ci_high for _, _, ests in rows for e in ests if math.isfinite(e.ci_high)]
        + [e.estimate for _, _, ests in rows for e in ests]
    )
    high = high * 1.05 or 1
    left, plot_w, row_h = 170, 560, 34
    width, height = left + plot_w + 30, 40 + row_h * len(rows) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="Observed and estimated totals by stratum" font-family="{FONT}" font-size="11">'
    ]

    def sx(v: float) -> float:
        return left + plot_w * min(v, high) / high

    for t in range(5):
        v = high * t / 4
        out.append(f'<line x1="{sx(v)}" x2="{sx(v)}" y1="30" y2="{height - 25}" stroke="#eee"/>')
        out.append(f'<text x="{sx(v)}" y="{height - 10}" text-anchor="middle">{_fmt(v)}</text>')
    for i, (label, n_obs, ests) in enumerate(rows):
        y = 40 + i * row_h
        out.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{_e(label)}</text>')
        out.append(
            f'<rect x="{left}" y="{y + 4}" width="{sx(n_obs) - left}" height="16" '
            f'fill="{COLORS["observed"]}" opacity="0.45"><title>observed {n_obs:,}</title></rect>'
        )
        for j, e in enumerate(ests):
            color = COLORS["LCMCR"] if e.method.startswith("LCMCR") else COLORS["log-linear"]
            yy = y + 8 + j * 8
            if math.isfinite(e.ci_low) and math.isfinite(e.ci_high):
                out.append(
                    f'<line x1="{sx(e.ci_low)}" x2="{sx(e.ci_high)}" y1="{yy}" y2="{yy}" '
                    f'stroke="{color}" stroke-width="2"/>'
                )
            out.append(
                f'<circle cx="{sx(e.estimate)}" cy="{yy}" r="4" fill="{color}"><title>{_e(e.method)}: '
                f"{_fmt(e.estimate)} ({_fmt(e.ci_low)}–{_fmt(e.ci_high)})</title></circle>"
            )
    legend_y = 16
    for j, (name, color) in enumerate(COLORS.items()):
        out.append(f'<rect x="{left + j * 120}" y="{legend_y - 9}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{left + j * 120 + 14}" y="{legend_y}">{_e(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def explanation_en(est: Estimate) -> str:
    lo, hi = _fmt(est.ci_low), _fmt(est.ci_high)
    return (
        f"The lists hold {est.n_observed:,} distinct persons. Comparing how often the same person "
        f"appears on several lists, the {est.method} estimate is that about {_fmt(est.estimate)} persons "
        f"belong to this population in total, most plausibly between {lo} and {hi} "
        f"({est.ci_level:.0%} interval). The difference from the observed count is an estimate of those "
        "that no list holds. This is a statistical estimate, not a list of names: it cannot say who is "
        "missing, only roughly how many. It assumes that the lists describe the same population and the "
        "same period, that records were linked correctly (false matches lower the estimate, missed "
        "matches raise it), and that the model captures how the lists depend on each other. People who "
        "could never appear on any list (for instance because no one is left to report them) are not "
        "counted by any of these methods. Different reasonable models can give different numbers; the "
        "interval and the warnings below show how much the answer depends on them."
    )


def explanation_ar(est: Estimate) -> str:
    lo, hi = _fmt(est.ci_low), _fmt(est.ci_high)
    return (
        f"تضمّ القوائم {est.n_observed:,} شخصاً مختلفاً. بمقارنة عدد المرات التي يظهر فيها الشخص نفسه "
        f"في أكثر من قائمة، يقدّر هذا النموذج أن العدد الكلي نحو {_fmt(est.estimate)} شخص، "
        f"والأرجح أنه بين {lo} و{hi} (فترة بمستوى {est.ci_level:.0%}). الفرق بين هذا العدد والعدد المسجَّل "
        "هو تقدير لمن لا تذكرهم أي قائمة. هذا تقدير إحصائي وليس قائمة بالأسماء: لا يقول من هم المفقودون، "
        "بل كم عددهم تقريباً. ويفترض أن القوائم تصف المجتمع نفسه والفترة نفسها، وأن الربط بين السجلات "
        "صحيح (الربط الخاطئ يخفض التقدير، والربط الفائت يرفعه)، وأن النموذج يصف كيف تعتمد القوائم بعضها "
        "على بعض. أما من لا يمكن أن يظهروا في أي قائمة أصلاً (لأنه لم يبقَ من يبلّغ عنهم مثلاً) فلا تحصيهم "
        "هذه الطرق. وقد تعطي نماذج معقولة مختلفة أرقاماً مختلفة؛ وتبيّن الفترة والتحذيرات أدناه مدى تأثّر "
        "النتيجة بذلك."
    )


def render_report(
    overall: CaptureHistories,
    overall_estimates: Sequence[Estimate],
    strata: Mapping[str, tuple[CaptureHistories, Sequence[Estimate]]] | None = None,
    title: str = "Athar: how many are missing",
) -> str:
    strata = strata or {}
    rows: list[tuple[str, int, list[Estimate]]] = [("All", overall.n_observed, list(overall_estimates))]
    rows += [(label, h.n_observed, list(ests)) for label, (h, ests) in strata.items()]
    main = overall_estimates[0] if overall_estimates else None
    table_rows = []
    for label, n_obs, ests in rows:
        if not ests:
            table_rows.append(
                f"<tr><td>{_e(label)}</td><td>{n_obs:,}</td><td colspan=4>no estimate</td></tr>"
            )
        for e in ests:
            table_rows.append(
                f"<tr><td>{_e(label)}</td><td>{n_obs:,}</td><td>{_e(e.method)}</td><td>{_fmt(e.estimate)}</td>"
                f"<td>{_fmt(e.ci_low)}–{_fmt(e.ci_high)}</td><td>{_e(e.model)}</td></tr>"
            )
    warnings = sorted({w for _, _, ests in rows[:1] for e in ests for w in e.warnings})
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>{_e(title)}</title>",
        "<style>",
        f"body{{font-family:{FONT};max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;"
        "line-height:1.5}",
        "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
        "text-align:start}th{background:#f3f3f3}.note{color:#666;font-size:.9em}",
        "[dir=rtl]{font-family:'Noto Naskh Arabic','Noto Sans Arabic',serif;font-size:1.1em}",
        "svg{max-width:100%;height:auto}",
        "</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class=note>Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by Athar. Lists: "
        f"{_e(', '.join(overall.lists))}.</p>",
    ]
    if main is not None:
        parts += [
            "<h2>What the estimate says</h2>",
            f"<p lang=en>{_e(explanation_en(main))}</p>",
            f"<p lang=ar dir=rtl>{_e(explanation_ar(main))}</p>",
        ]
    parts += [
        "<h2>Estimates</h2><table><tr><th>Stratum</th><th>Observed</th><th>Method</th><th>Estimate</th>"
        "<th>Interval</th><th>Model</th></tr>",
        *table_rows,
        "</table>",
    ]
    if warnings:
        parts += ["<h2>Warnings</h2><ul>", *(f"<li>{_e(w)}</li>" for w in warnings), "</ul>"]
    parts += [
        "<h2>Who is on which lists</h2>",
        "<p class=note>Each bar counts the persons found on exactly the lists marked below it. "
        "The overlaps between lists are what the estimate is made from.</p>",
        upset_svg(overall),
        "<h2>Observed and estimated, by stratum</h2>",
        "<p class=note>Grey bar: persons on at least one list. Dots: estimates of the total; lines: "
        "their intervals.</p>",
        strata_svg(rows),
        "</body></html>",
    ]
    return "\n".join(parts)
