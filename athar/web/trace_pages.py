"""The public tracing-request pages: a family files a request (`/trace`), is shown its reference and
secret once, and later reads its status with both (`/trace/status`). No sign-in; Arabic first.

The form works without JavaScript and on a 360-pixel phone. Every problem is named by field in the
requester's language and nothing is stored until the whole request is right; a filled honeypot field
stores nothing; accepted requests are limited per client address. What a family reads is only the
status in plain words and how to reach a caseworker (`athar.requests.family`): never a record, a
candidate or another person. Wrong secrets are audited and locked out there.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from athar.accounts.permissions import Principal
from athar.audit import record_event
from athar.requests.family import AccessDenied, TooManyTries, family_status
from athar.requests.intake import submit_request
from athar.requests.limits import TooManyRequests
from athar.requests.validation import RequestInvalid, Spam, validate_request
from athar.web import i18n
from athar.web.audit import client_address
from athar.web.permissions import require
from athar.web.request_support import (
    CHANNELS,
    CIRCUMSTANCES,
    cipher,
    form_values,
    intake_limiter,
    trace_organisation,
)
from athar.web.templates import render

router = APIRouter()
log = logging.getLogger(__name__)


def form_page(
    request: Request,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
    action: str = "/trace",
    template: str = "trace/form.html",
) -> HTMLResponse:
    return render(
        request,
        template,
        status_code=status_code,
        values=values or {},
        errors=errors or {},
        notice=notice,
        action=action,
        circumstances=CIRCUMSTANCES,
        channels=CHANNELS,
    )


@router.get("/trace", response_class=HTMLResponse)
def trace_form(
    request: Request, principal: Annotated[Principal, Depends(require("public.view"))]
) -> HTMLResponse:
    return form_page(request)


@router.post("/trace", response_class=HTMLResponse)
async def trace_submit(
    request: Request, principal: Annotated[Principal, Depends(require("public.view"))]
) -> HTMLResponse:
    """File the request; answer with its reference and secret (shown this once), or the form again
    with each problem beside its field. The page is not cached (the app sends no-store)."""
    state = request.app.state
    lang = i18n.language(request)
    values = form_values(await request.form())
    values["language"] = lang
    client = state.hash_address(client_address(request))
    try:
        validate_request(values, language=lang)  # cheap: a request with mistakes is not counted
        intake_limiter(request).check(client_address(request) or "")
        result = submit_request(
            state.engine,
            values,
            trace_organisation(request),
            cipher(request),
            state.search_index.get(),
            intake="form",
            user="public",
            language=lang,
            client=client,
        )
    except RequestInvalid as invalid:
        return form_page(request, values, invalid.messages(lang), status_code=422)
    except Spam:
        record_event(state.engine, "public", "request.spam", "tracing_request", None, client)
        return form_page(request, {}, notice="refused", status_code=400)
    except TooManyRequests:
        record_event(state.engine, "public", "request.rate_limited", "tracing_request", None, client)
        return form_page(request, values, notice="limited", status_code=429)
    return render(request, "trace/confirmation.html", reference=result.reference, secret=result.secret)


@router.get("/trace/status", response_class=HTMLResponse)
def status_form(
    request: Request, principal: Annotated[Principal, Depends(require("public.view"))]
) -> HTMLResponse:
    return render(request, "trace/status.html", answer=None, error=None, reference="")


@router.post("/trace/status", response_class=HTMLResponse)
def status_read(
    request: Request,
    principal: Annotated[Principal, Depends(require("public.view"))],
    reference: Annotated[str, Form(max_length=40)] = "",
    secret: Annotated[str, Form(max_length=40)] = "",
) -> HTMLResponse:
    """The request's status in plain words, with how to reach a caseworker. Both the reference and the
    secret are POSTed, so neither is left in a URL or the browser's history."""
    state = request.app.state
    lang = i18n.language(request)
    client = state.hash_address(client_address(request))
    try:
        answer = family_status(state.engine, reference, secret, cipher(request), lang, client)
    except TooManyTries:
        return render(
            request, "trace/status.html", status_code=429, answer=None, error="locked", reference=reference
        )
    except AccessDenied:  # 422, not 403: the words given are wrong, not the visitor's rights
        return render(
            request, "trace/status.html", status_code=422, answer=None, error="denied", reference=reference
        )
    contact = answer.contact or state.settings.family_contact
    return render(
        request, "trace/status.html", answer=answer, contact=contact, error=None, reference=answer.reference
    )
