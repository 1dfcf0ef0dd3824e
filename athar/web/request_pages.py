"""Caseworkers' pages for tracing requests: the queue, one request with its candidates side by side,
the casework on it (accept a candidate or none, assign, notes, status moves), and intake for a family.

Thin over `athar.requests`: which requests a caseworker sees follows the requester's consent
(`athar.requests.access`); only the organisation that took a request changes it. Every view is audited
(`athar.requests.view`), every change is a request event, and a status change queues a message to
the family through the outbox.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from athar.accounts.permissions import Principal
from athar.requests import casework
from athar.requests.access import NotYourRequest, RequestNotVisible, workable_request
from athar.requests.casework import NotACandidate, RequestErased
from athar.requests.family import Wish, record_wish, requester_for_found_person
from athar.requests.intake import submit_request
from athar.requests.lookup import UnknownRequest, find_request, person_of
from athar.requests.statuses import RequestStatus, StatusChangeError
from athar.requests.validation import RequestInvalid, Spam
from athar.requests.view import candidate_records, queue_view, request_view
from athar.web import i18n
from athar.web.audit import client_address
from athar.web.permissions import require
from athar.web.person_refs import candidate_behind, shown_request
from athar.web.request_support import (
    cipher,
    form_values,
    principal_organisation,
)
from athar.web.templates import render
from athar.web.trace_pages import form_page

router = APIRouter()
ACTION = "case.inquiry"  # record and see families' inquiries: a tracing request is one
STATUSES = tuple(s.value for s in RequestStatus)
NOT_A_CANDIDATE = "that is not among this request's candidates"


def check_workable(request: Request, reference: str, principal: Principal) -> None:
    """404 for a request the principal may not see, 403 for one it may only read."""
    with request.app.state.engine.connect() as conn:
        try:
            workable_request(conn, reference, principal)
        except RequestNotVisible as e:
            raise HTTPException(status_code=404, detail="no such request") from e
        except NotYourRequest as e:
            raise HTTPException(status_code=403, detail=str(e)) from e


def chosen_candidate(request: Request, principal: Principal, given: str | None) -> str | None:
    """The candidate a caseworker accepts, from what the page or the API was given (the user's
    reference, `athar.web.person_refs`); None for none. NotACandidate for a reference that names no
    person the user may see (whether it is among the request's candidates, casework checks)."""
    if given is None:
        return None
    chosen = candidate_behind(request, principal, given)
    if chosen is None or not candidate_records(request.app.state.engine, chosen, principal):
        raise NotACandidate(NOT_A_CANDIDATE)
    return chosen


def casework_errors(call, *args) -> str | None:
    """Run one casework call; a refusal comes back as its message (None when it went through)."""
    try:
        call(*args)
    except RequestErased:
        return "erased"
    except NotACandidate:
        return NOT_A_CANDIDATE  # without the internal id the store's message names
    except StatusChangeError as e:
        return str(e)
    except (ValueError, UnknownRequest) as e:
        return str(e)
    return None


@router.get("/requests", response_class=HTMLResponse)
def queue_page(
    request: Request,
    principal: Annotated[Principal, Depends(require(ACTION))],
    status: Annotated[str | None, Query(max_length=30)] = None,
    idle: Annotated[
        int | None, Query(ge=0, le=3650, description="only requests untouched this many days")
    ] = None,
) -> HTMLResponse:
    status = status if status in STATUSES else None
    rows = [
        shown_request(request, principal, row)
        for row in queue_view(request.app.state.engine, principal, status=status, idle_days=idle)
    ]
    reminders = [r for r in rows if r["reminder_due"]]
    return render(
        request, "requests/queue.html", rows=rows, statuses=STATUSES, status=status, idle=idle,
        reminders=len(reminders),
    )  # fmt: skip


@router.get("/requests/new", response_class=HTMLResponse)
def intake_form(request: Request, principal: Annotated[Principal, Depends(require(ACTION))]) -> HTMLResponse:
    return form_page(
        request, {"language": i18n.language(request)}, action="/requests", template="requests/new.html"
    )


@router.post("/requests", response_class=HTMLResponse)
async def intake(request: Request, principal: Annotated[Principal, Depends(require(ACTION))]) -> HTMLResponse:
    """A caseworker files a request for a family, with the caseworker's organisation; the family is
    given the reference and the secret (shown this once)."""
    organisation = principal_organisation(request, principal)
    if organisation is None:
        raise HTTPException(status_code=403, detail="an account without an organisation cannot take requests")
    form = await request.form()
    values = form_values(form)
    family_language = form.get("language")
    values["language"] = (
        family_language if isinstance(family_language, str) and family_language in i18n.LANGUAGES else "ar"
    )
    lang = i18n.language(request)
    state = request.app.state
    try:
        result = submit_request(
            state.engine, values, organisation, cipher(request), state.search_index.get(),
            intake="caseworker", user=principal.name, language=values["language"],
            client=client_address(request),
        )  # fmt: skip
    except RequestInvalid as invalid:
        return form_page(
            request, values, invalid.messages(lang), status_code=422, action="/requests",
            template="requests/new.html",
        )  # fmt: skip
    except Spam:
        return form_page(
            request, {}, notice="refused", status_code=400, action="/requests", template="requests/new.html"
        )
    return render(request, "requests/created.html", reference=result.reference, secret=result.secret)


def _request_page(request: Request, principal: Principal, reference: str, error: str | None = None, code=200):
    try:
        view = request_view(request.app.state.engine, reference, principal, client_address(request))
    except RequestNotVisible as e:
        raise HTTPException(status_code=404, detail="no such request") from e
    view = shown_request(request, principal, view)  # persons by the user's references, as everywhere
    return render(request, "requests/request.html", status_code=code, r=view, error=error, statuses=STATUSES)


@router.get("/requests/{reference}", response_class=HTMLResponse)
def request_page(
    request: Request, reference: str, principal: Annotated[Principal, Depends(require(ACTION))]
) -> HTMLResponse:
    return _request_page(request, principal, reference)


def _done(request: Request, principal: Principal, reference: str, error: str | None) -> Response:
    if error is not None:
        return _request_page(request, principal, reference, error=error, code=422)
    return RedirectResponse(f"/requests/{reference}", status_code=303)


@router.post("/requests/{reference}/accept")
def accept(
    request: Request,
    reference: str,
    principal: Annotated[Principal, Depends(require(ACTION))],
    person_id: Annotated[str, Form(max_length=300)] = "none",
) -> Response:
    """Accept one candidate (by the user's reference, as the page shows it) as the person sought, or none
    of them (``none``)."""
    check_workable(request, reference, principal)
    given = None if person_id.strip() in ("", "none") else person_id
    try:
        chosen = chosen_candidate(request, principal, given)
    except NotACandidate:
        return _done(request, principal, reference, NOT_A_CANDIDATE)
    error = casework_errors(
        casework.accept_candidate, request.app.state.engine, reference, chosen, principal.name
    )
    return _done(request, principal, reference, error)


@router.post("/requests/{reference}/assign")
def assign(
    request: Request,
    reference: str,
    principal: Annotated[Principal, Depends(require(ACTION))],
    assignee: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_workable(request, reference, principal)
    who = assignee.strip() or None
    error = casework_errors(casework.assign, request.app.state.engine, reference, who, principal.name)
    return _done(request, principal, reference, error)


@router.post("/requests/{reference}/notes")
def note(
    request: Request,
    reference: str,
    principal: Annotated[Principal, Depends(require(ACTION))],
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    check_workable(request, reference, principal)
    error = casework_errors(casework.add_note, request.app.state.engine, reference, note, principal.name)
    return _done(request, principal, reference, error)


@router.post("/requests/{reference}/status")
def status(
    request: Request,
    reference: str,
    principal: Annotated[Principal, Depends(require(ACTION))],
    status: Annotated[str, Form(max_length=30)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Move the request on; the family is sent a "there is news" message (by the channel they chose)."""
    check_workable(request, reference, principal)
    error = casework_errors(
        casework.change_status, request.app.state.engine, reference, status, principal.name,
        reason.strip() or None, cipher(request),
    )  # fmt: skip
    return _done(request, principal, reference, error)


def _found_person(request: Request, reference: str) -> str | None:
    with request.app.state.engine.connect() as conn:
        return person_of(conn, find_request(conn, reference))


@router.post("/requests/{reference}/wish")
def found_person_wish(
    request: Request,
    reference: str,
    principal: Annotated[Principal, Depends(require(ACTION))],
    wish: Annotated[str, Form(max_length=30)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Record what the person sought, located alive, wants their family told (the newest wish counts)."""
    check_workable(request, reference, principal)
    person_id = _found_person(request, reference)
    if person_id is None:
        return _done(request, principal, reference, "no person is accepted or linked for this request yet")
    if wish not in {w.value for w in Wish}:
        return _done(request, principal, reference, f"unknown wish {wish!r}")
    record_wish(request.app.state.engine, person_id, wish, principal.name, note.strip() or None)
    return _done(request, principal, reference, None)


@router.post("/requests/{reference}/requester-for-found", response_class=HTMLResponse)
def requester_for_found(
    request: Request, reference: str, principal: Annotated[Principal, Depends(require(ACTION))]
) -> HTMLResponse:
    """Who is looking, as the found person may be told it: the requester's name and relationship only
    if the requester agreed. A disclosure event either way (a POST: it is an act, not a view)."""
    check_workable(request, reference, principal)
    told = requester_for_found_person(request.app.state.engine, reference, cipher(request), principal.name)
    return render(request, "requests/found.html", reference=reference, told=told)
