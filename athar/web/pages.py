"""The public home page and the staff dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from athar.web import queries
from athar.web.permissions import Principal, require
from athar.web.templates import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: Annotated[Principal, Depends(require("public.view"))]) -> HTMLResponse:
    return render(request, "home.html")


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request, principal: Annotated[Principal, Depends(require("dashboard.view"))]
) -> HTMLResponse:
    engine = request.app.state.engine
    return render(
        request, "dashboard.html", sources=queries.sources(engine, principal), counts=queries.counts(engine)
    )
