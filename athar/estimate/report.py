"""A self-contained HTML report: overlaps, estimates by stratum, and what they mean.

Charts are inline SVG written here; the page loads nothing from anywhere. Text is in English
and Arabic (right to left).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from athar.places.gazetteer import index as gazetteer

from .api import Estimate
from .comparison import COMPARISON, HEADLINE
from .histories import CaptureHistories
from .report_charts import FONT, IntervalRow, distribution_svg, fmt, interval_svg, overlap_svg, upset_svg


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def governorate_names() -> dict[str, tuple[str, str]]:
    """Governorate place id (``sy-ale``) -> (English, Arabic) name, from the gazetteer."""
    return {
        p.place_id: (p.name_en, p.name_ar) for p in gazetteer().places.values() if p.kind == "governorate"
    }


def stratum_title(key: object, names: Mapping[str, tuple[str, str]] | None = None) -> str:
    """A stratum's key in words: ``("sy-ale", 2013)`` -> ``"Aleppo · حلب / 2013"``; a missing value
    is ``unknown``. Governorates are named in English and Arabic, never by their ids."""
    names = governorate_names() if names is None else names
    parts = key if isinstance(key, tuple) else (key,)
    words = []
    for v in parts:
        if v is None:
            words.append("unknown")
        elif str(v) in names:
            en, ar = names[str(v)]
            words.append(f"{en} · {ar}")
        else:
            words.append(str(v))
    return " / ".join(words) or "all"


def explanation_en(est: Estimate) -> str:
    lo, hi = fmt(est.ci_low), fmt(est.ci_high)
    return (
        f"The lists hold {est.n_observed:,} distinct persons. Comparing how often the same person "
        f"appears on several lists, the {est.method} estimate is that about {fmt(est.estimate)} persons "
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
    lo, hi = fmt(est.ci_low), fmt(est.ci_high)
    return (
        f"تضمّ القوائم {est.n_observed:,} شخصاً مختلفاً. بمقارنة عدد المرات التي يظهر فيها الشخص نفسه "
        f"في أكثر من قائمة، يقدّر هذا النموذج أن العدد الكلي نحو {fmt(est.estimate)} شخص، "
        f"والأرجح أنه بين {lo} و{hi} (فترة بمستوى {est.ci_level:.0%}). الفرق بين هذا العدد والعدد المسجَّل "
        "هو تقدير لمن لا تذكرهم أي قائمة. هذا تقدير إحصائي وليس قائمة بالأسماء: لا يقول من هم المفقودون، "
        "بل كم عددهم تقريباً. ويفترض أن القوائم تصف المجتمع نفسه والفترة نفسها، وأن الربط بين السجلات "
        "صحيح (الربط الخاطئ يخفض التقدير، والربط الفائت يرفعه)، وأن النموذج يصف كيف تعتمد القوائم بعضها "
        "على بعض. أما من لا يمكن أن يظهروا في أي قائمة أصلاً (لأنه لم يبقَ من يبلّغ عنهم مثلاً) فلا تحصيهم "
        "هذه الطرق. وقد تعطي نماذج معقولة مختلفة أرقاماً مختلفة؛ وتبيّن الفترة والتحذيرات أدناه مدى تأثّر "
        "النتيجة بذلك."
    )


COVERS_EN = (
    "The estimate covers the people these lists could have reached: those whom at least one of the "
    "organisations behind the lists could in principle have recorded, in the places and the period "
    "the lists cover, with no list written from another.",
    "It counts people, not names: it says roughly how many no list holds, never who they are.",
)
NOT_COVERED_EN = (
    "People no list could ever reach: whole families gone, no one left to report, places and periods "
    "no organisation worked in. Multiple systems estimation cannot see them, so the true total may be "
    "higher than the interval's upper end.",
    "Places and periods that are not in the lists: an estimate for one governorate or year says nothing "
    "about another.",
    "Errors of linkage: two records of one person left apart raise the estimate; two persons joined "
    "lower it (the uncertain pairs waiting for review are a measure of this).",
    "Causes and circumstances: the estimate is of how many, not of what happened to them.",
)
COVERS_AR = (
    "يشمل التقدير من كان يمكن أن تصل إليهم هذه القوائم: من كان بإمكان جهة واحدة على الأقل من الجهات "
    "التي أعدّت القوائم أن تسجّلهم، في الأماكن والفترة التي تغطيها القوائم، دون أن تُنسخ قائمة من أخرى.",
    "يحصي التقدير أشخاصاً لا أسماء: يقول كم عدد من لا تذكرهم أي قائمة تقريباً، ولا يقول من هم.",
)
NOT_COVERED_AR = (
    "من لا يمكن أن تصل إليهم أي قائمة: عائلات فُقدت بأكملها، أو لم يبقَ من يبلّغ عنهم، أو أماكن وفترات "
    "لم تعمل فيها أي جهة. لا تراهم طرق التقدير هذه، فقد يكون العدد الحقيقي أعلى من الحد الأعلى للفترة.",
    "الأماكن والفترات التي لا تغطيها القوائم: تقدير محافظة أو سنة لا يقول شيئاً عن غيرها.",
    "أخطاء الربط بين السجلات: سجلّان لشخص واحد بقيا منفصلين يرفعان التقدير، وشخصان دُمجا يخفضانه "
    "(والأزواج غير المؤكدة التي تنتظر المراجعة مقياس لذلك).",
    "الأسباب والظروف: التقدير لعدد الأشخاص، لا لما جرى لهم.",
)


def _items(texts: Sequence[str]) -> str:
    return "".join(f"<li>{_e(t)}</li>" for t in texts)


def coverage_html() -> str:
    """What the estimate covers and what it does not, in English and Arabic."""
    return "\n".join(
        [
            "<section id=coverage><h2>What the estimate covers, and what it does not</h2>",
            f"<div lang=en><h3>It covers</h3><ul>{_items(COVERS_EN)}</ul>",
            f"<h3>It does not cover</h3><ul>{_items(NOT_COVERED_EN)}</ul></div>",
            "<div lang=ar dir=rtl><h3>ما يشمله التقدير</h3>"
            f"<ul>{_items(COVERS_AR)}</ul><h3>ما لا يشمله</h3><ul>{_items(NOT_COVERED_AR)}</ul></div>",
            "</section>",
        ]
    )


def _role(e: Estimate) -> str:
    role = e.details.get("role")
    return "default" if role == HEADLINE else "comparison" if role == COMPARISON else ""


def headline_html(main: Estimate) -> str:
    """The figure to quote, in one line, with the rule's reason."""
    why = main.details.get("why", "")
    return (
        f'<p class=headline id=headline data-estimate="{main.estimate:.0f}" data-low="{fmt(main.ci_low)}" '
        f'data-high="{fmt(main.ci_high)}"><strong>About {fmt(main.estimate)}</strong> persons in total '
        f"({fmt(main.ci_low)}–{fmt(main.ci_high)}, {main.ci_level:.0%} {_e(main.interval)}), of whom "
        f"{main.n_observed:,} are on at least one list. <span class=note>{_e(main.method)}"
        f"{': ' + _e(why) if why else ''}.</span></p>"
    )


def comparisons_html(overall: Sequence[Estimate]) -> str:
    """Why the other methods' figures differ from the default's, one item per comparison."""
    others = [e for e in overall[1:] if e.details.get("why")]
    if not others:
        return ""
    items = "".join(
        f"<li><strong>{_e(e.method)}</strong>: {fmt(e.estimate)} ({fmt(e.ci_low)}–{fmt(e.ci_high)}). "
        f"{_e(e.details['why'])}.</li>"
        for e in others
    )
    return (
        "<p>The other methods below are shown for comparison only; they answer the same question "
        f"under other assumptions. Quote the default.</p><ul class=comparisons>{items}</ul>"
    )


def render_report(
    overall: CaptureHistories,
    overall_estimates: Sequence[Estimate],
    strata: Mapping[str, tuple[CaptureHistories, Sequence[Estimate]]] | None = None,
    title: str = "Athar: how many are missing",
) -> str:
    """The whole page. ``overall_estimates[0]`` is the headline; the rest are comparisons."""
    strata = strata or {}
    main = overall_estimates[0] if overall_estimates else None
    rows: list[tuple[str, int, list[Estimate]]] = [("All", overall.n_observed, list(overall_estimates))]
    rows += [(label, h.n_observed, list(ests)) for label, (h, ests) in strata.items()]
    table_rows = []
    for label, n_obs, ests in rows:
        shown: list[Estimate | None] = list(ests) or [None]
        for e in shown:
            if e is None:
                table_rows.append(
                    f"<tr><td>{_e(label)}</td><td>{n_obs:,}</td><td colspan=5>no estimate</td></tr>"
                )
                continue
            table_rows.append(
                f"<tr data-role={_role(e) or 'none'}><td>{_e(label)}</td><td>{n_obs:,}</td>"
                f"<td>{_e(_role(e))}</td><td>{_e(e.method)}</td><td>{fmt(e.estimate)}</td>"
                f"<td>{fmt(e.ci_low)}–{fmt(e.ci_high)}</td><td>{_e(e.model)}</td></tr>"
            )
    overall_rows = [
        IntervalRow("All lists" if i == 0 else e.method.split(" (")[0], overall.n_observed, e, _role(e))
        for i, e in enumerate(overall_estimates)
    ]
    strata_rows = [
        IntervalRow(label, h.n_observed, ests[0] if ests else None) for label, (h, ests) in strata.items()
    ]
    warnings = sorted({w for e in overall_estimates[:1] for w in e.warnings})
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>{_e(title)}</title>",
        "<style>",
        f"body{{font-family:{FONT};max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;"
        "line-height:1.5}",
        "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
        "text-align:start}th{background:#f3f3f3}.note{color:#666;font-size:.9em}",
        ".headline{font-size:1.25em}tr[data-role=comparison]{color:#666}",
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
            headline_html(main),
            f"<p lang=en>{_e(explanation_en(main))}</p>",
            f"<p lang=ar dir=rtl>{_e(explanation_ar(main))}</p>",
        ]
    parts.append(coverage_html())
    if main is not None:
        parts += [
            "<h2>The estimate and its interval</h2>",
            "<p class=note>Grey bar: persons on at least one list. Dot: the estimate of the total; line: "
            "its interval. The default is drawn solid; comparisons hollow and dashed.</p>",
            interval_svg(overall_rows, "Estimates of the total with their intervals"),
            comparisons_html(overall_estimates),
        ]
        shape = distribution_svg(main)
        if shape:
            parts += [
                "<h3>How sure: the distribution of the default estimate</h3>",
                f"<p class=note>How plausible each total is, given the lists ({_e(main.interval)}). The "
                f"darker bars lie inside the {main.ci_level:.0%} interval; the solid line is the estimate, "
                "the dashed lines the interval's ends. A long tail to the right means the lists cannot rule "
                "out a much larger total.</p>",
                shape,
            ]
    if strata_rows:
        parts += [
            "<h2>By stratum</h2>",
            "<p class=note>The default estimate for each stratum, with its interval.</p>",
            interval_svg(strata_rows, "Observed and estimated totals by stratum"),
        ]
    parts += [
        "<h2>Estimates</h2><table><tr><th>Stratum</th><th>Observed</th><th>Role</th><th>Method</th>"
        "<th>Estimate</th><th>Interval</th><th>Model</th></tr>",
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
        "<p class=note>Persons on both of each pair of lists (each list's size on the diagonal); the darker "
        "the cell, the larger the share of the smaller list. A pale cell is two lists that share almost "
        "nobody.</p>",
        overlap_svg(overall),
        "</body></html>",
    ]
    return "\n".join(parts)
