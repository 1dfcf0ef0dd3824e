"""The public home page and the staff dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from athar.accounts.permissions import Principal
from athar.accounts.sources import visible_source_counts
from athar.web import dashboard as stats
from athar.web import i18n, queries
from athar.web.charts import bar_chart
from athar.web.dashboard_estimate import dashboard_estimate
from athar.web.permissions import require
from athar.web.templates import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: Annotated[Principal, Depends(require("public.view"))]) -> HTMLResponse:
    return render(request, "home.html")


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    principal: Annotated[Principal, Depends(require("dashboard.view"))],
    place: Annotated[str, Query(description="the place field governorates are read from")] = "birth",
) -> HTMLResponse:
    """Counts of what the principal may see: persons by status, governorate and year, sources, imports;
    each count also drawn as a bar chart. Only counts: no person's data, so nothing to audit."""
    engine = request.app.state.engine
    place = place if place in stats.PLACE_FIELDS else "birth"
    lang = i18n.language(request)
    rtl = i18n.direction(lang) == "rtl"
    counts = stats.summary(engine, principal, place)
    governorates, years = counts["governorates"], counts["years"]
    sources = visible_source_counts(engine, principal)
    names = stats.governorate_names()
    return render(
        request,
        "dashboard.html",
        counts={
            "persons": counts["persons"],
            "open_review_tasks": queries.open_review_tasks(engine, principal),
        },
        statuses=counts["statuses"],
        status_chart=bar_chart(((c.key, c.n) for c in counts["statuses"]), rtl),
        governorates=governorates,
        governorate_chart=bar_chart(((c.key, c.n) for c in governorates["rows"]), rtl),
        governorate_name={g: name_ar if lang == "ar" else name_en for g, (name_ar, name_en) in names.items()},
        place=place,
        place_field=stats.PLACE_FIELDS[place],
        places=stats.PLACE_FIELDS,
        years=years,
        year_chart=bar_chart(((c.key, c.n) for c in years["rows"]), rtl),
        sources=sources,
        source_chart=bar_chart(((s["name"], s["records"]) for s in sources), rtl),
        imports=stats.recent_imports(engine, principal),
        estimate=dashboard_estimate(engine, principal),
    )
