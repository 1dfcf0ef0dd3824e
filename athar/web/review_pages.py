"""The review page: one uncertain pair side by side, its waterfall, and same / different / unsure."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_record, visible_source_names
from athar.linkage.explain import explain
from athar.linkage.quality import model_quality
from athar.linkage.reasons import reasons_json, run_threshold
from athar.linkage.review import DECISIONS, ReviewError, record_judgement
from athar.names.display import other_script
from athar.web import i18n, queries
from athar.web.audit import audit
from athar.web.charts import bar_chart
from athar.web.permissions import require
from athar.web.templates import render

router = APIRouter()


def aligned_rows(left: dict, right: dict) -> list[dict]:
    """One row per field, the two records' values side by side; name parts with both scripts."""
    rows = []
    for field in queries.RECORD_FIELDS:
        lv, rv = left.get(field), right.get(field)
        if lv in (None, "") and rv in (None, ""):
            continue
        is_name = field in queries.NAME_PARTS
        rows.append(
            {
                "field": field,
                "left": "" if lv is None else str(lv),
                "right": "" if rv is None else str(rv),
                "left_other": other_script(lv) if is_name else "",
                "right_other": other_script(rv) if is_name else "",
                "same": lv == rv,
            }
        )
    return rows


def waterfall(engine, task: dict) -> dict | None:
    """The model's explanation of the task's pair, with its reasons in plain words (on the two
    records the page already holds, so nothing is read twice)."""
    try:
        explanation = explain(engine, task["left"], task["right"])
    except ReviewError:
        return None
    threshold = run_threshold(engine, explanation["run_id"])
    return reasons_json(explanation, task["left_record"], task["right_record"], threshold)


@router.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request, principal: Annotated[Principal, Depends(require("review.view"))]
) -> HTMLResponse:
    engine = request.app.state.engine
    task = queries.next_task(engine, principal)
    if task is None:
        return render(request, "review.html", task=None)
    audit(request, principal, "review.view", "pair", f"{task['left']}|{task['right']}")
    return render(
        request,
        "review.html",
        task=task,
        rows=aligned_rows(task["left_record"], task["right_record"]),
        explanation=waterfall(engine, task),
        decisions=DECISIONS,
    )


@router.post("/review/judgements")
def judge(
    request: Request,
    principal: Annotated[Principal, Depends(require("review.judge"))],
    left: Annotated[str, Form()],
    right: Annotated[str, Form()],
    decision: Annotated[str, Form()],
    note: Annotated[str | None, Form()] = None,
) -> Response:
    judge_pair(request, principal, left, right, decision, note)
    return RedirectResponse("/review", status_code=303)


def judge_pair(
    request: Request, principal: Principal, left: str, right: str, decision: str, note: str | None
) -> None:
    """Append a judgement on two records the principal may see, and audit it (pages and API alike)."""
    engine = request.app.state.engine
    try:
        visible = visible_record(engine, left, principal) and visible_record(engine, right, principal)
    except ReviewError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error
    if not visible:
        raise HTTPException(status_code=404, detail="no such records")
    note = (note or "").strip() or None
    try:
        record_judgement(engine, left, right, decision, principal.name, note)
    except ReviewError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error
    audit(request, principal, "review.judge", "pair", f"{left}|{right}", {"decision": decision})


@router.get("/review/model", response_class=HTMLResponse)
def model_page(
    request: Request, principal: Annotated[Principal, Depends(require("review.view"))]
) -> HTMLResponse:
    """The model's scores and how they agree with reviewers, over the pairs this user may see."""
    engine = request.app.state.engine
    quality = model_quality(engine, visible_source_names(engine, principal))
    rtl = i18n.direction(i18n.language(request)) == "rtl"
    chart = bar_chart(((f"{b.low:.2f}–{b.high:.2f}", b.pairs) for b in reversed(quality.bands)), rtl)
    return render(request, "review_model.html", quality=quality, chart=chart)
