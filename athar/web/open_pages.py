"""Open by reference: the box in the menu where a caseworker types what a family reads out over the
phone, and lands on the page it stands for.

Three kinds of reference reach a caseworker: a tracing request's (``K7MQ-4XR9``, given to the family
at intake), a family search's (``F-`` and 16 hex digits, given with "a possible match exists") and a
person's, as the organisation's pages show it (``C-XXXXX-XXXXX``; admins may also give ``P-`` ids).
Each opens only what the principal may see; anything else, whether malformed, unknown, another
organisation's or invisible, gets the one "nothing found" answer, so that the box tells nobody which
references exist. The form is POSTed, so references stay out of URLs and proxy logs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from athar.accounts.permissions import Principal, allowed
from athar.accounts.visibility import PersonNotVisible, visible_person
from athar.requests.access import RequestNotVisible, visible_request
from athar.requests.references import normalize_reference
from athar.search.index import UNLINKED_PREFIX
from athar.search.service import resolve_family_reference
from athar.web.permissions import require
from athar.web.person_refs import person_behind, reference_for
from athar.web.search_pages import family_index, family_reference_key
from athar.web.templates import render

router = APIRouter()
FAMILY_PREFIX = "F-"
MAX_LENGTH = 64


@router.get("/open", response_class=HTMLResponse)
def open_form(
    request: Request, principal: Annotated[Principal, Depends(require("person.view"))]
) -> HTMLResponse:
    return render(request, "open.html", given="", not_found=False)


@router.post("/open", response_model=None)
def open_reference(
    request: Request,
    principal: Annotated[Principal, Depends(require("person.view"))],
    reference: Annotated[str, Form()] = "",
) -> Response:
    given = reference.strip()[:MAX_LENGTH]
    target = _target(request, principal, given) if given else None
    if target is None:
        return render(request, "open.html", status_code=404, given=given, not_found=bool(given))
    return RedirectResponse(target, status_code=303)


def _target(request: Request, principal: Principal, given: str) -> str | None:
    """The page ``given`` stands for, if the principal may see it."""
    if given.upper().startswith(FAMILY_PREFIX):
        return _family_target(request, principal, given)
    if (normalized := normalize_reference(given)) is not None:
        return _request_target(request, principal, normalized)
    try:
        person_id = person_behind(request, principal, given)
    except PersonNotVisible:
        return None
    return f"/persons/{reference_for(request, principal, person_id)}"


def _request_target(request: Request, principal: Principal, reference: str) -> str | None:
    if not allowed(principal.role, "case.inquiry"):
        return None
    with request.app.state.engine.connect() as conn:
        try:
            visible_request(conn, reference, principal)
        except RequestNotVisible:
            return None
    return f"/requests/{reference}"


def _family_target(request: Request, principal: Principal, given: str) -> str | None:
    """A family search's reference names a person (or a record no person holds yet) of the lists open
    to the family search; it opens that person's page for a principal who may see the person."""
    reference = FAMILY_PREFIX + given[len(FAMILY_PREFIX) :].lower()
    person_id = resolve_family_reference(family_index(request), reference, family_reference_key(request))
    if person_id is None or person_id.startswith(UNLINKED_PREFIX):
        return None
    try:
        visible_person(request.app.state.engine, person_id, principal)
    except PersonNotVisible:
        return None
    return f"/persons/{reference_for(request, principal, person_id)}"
