"""A person's page and case: the records that linkage (and reviewers) say are this person, a timeline of
what happened to them, the case status with its history, and the families' inquiries.

What of a case one organisation sees of another's, and who may change it, is `athar.cases`'s rule
(`scope.py`); the forms carry the recording organisation's choice to share an event (unticked: private).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from athar import cases
from athar.accounts.permissions import Principal, allowed
from athar.protect import DataKeyError, FieldCipher
from athar.web import queries, remains_pages
from athar.web.audit import audit, client_address
from athar.web.permissions import require
from athar.web.person_refs import person_behind, reference_for
from athar.web.templates import render

router = APIRouter()


def case_cipher(request: Request, required: bool = False) -> FieldCipher | None:
    """The field cipher that seals inquiries, loaded once per app; None (or 503 when `required`) when
    the store has no data key (a PostgreSQL store without ATHAR_DATA_KEY)."""
    state = request.app.state
    cipher = getattr(state, "case_cipher", None)
    if cipher is None:
        try:
            cipher = state.case_cipher = cases.store_cipher(state.engine)
        except DataKeyError:
            if required:
                raise HTTPException(status_code=503, detail="no data key: set ATHAR_DATA_KEY") from None
            return None
    return cipher


def read_case(request: Request, person_id: str, principal: Principal) -> cases.CaseView:
    return cases.case_view(request.app.state.engine, person_id, principal, case_cipher(request))


def checked(value: str) -> bool:
    """A ticked form checkbox."""
    return value.strip().lower() in ("on", "1", "true", "yes")


def _page(
    request: Request,
    principal: Principal,
    case: cases.CaseView,
    status_code: int = 200,
    error: str | None = None,
    form: dict | None = None,
) -> HTMLResponse:
    return render(
        request,
        "person.html",
        status_code=status_code,
        person_id=reference_for(request, principal, case.person_id),
        records=case.records,
        fields=queries.RECORD_FIELDS,
        status=case.status,
        statuses=cases.STATUSES,
        history=case.history,
        inquiries=case.inquiries,
        timeline=cases.timeline(case.records, case.events, case.inquiries_visible),
        may_change_status=case.may_update,
        may_curate=allowed(principal.role, "person.curate"),
        may_record_inquiry=case.inquiries_visible,
        remains=remains_pages.person_section(request, case.person_id, principal),
        error=error,
        form=form or {},
    )


def _back_to(request: Request, principal: Principal, person_id: str, section: str) -> RedirectResponse:
    """After a form: the person's page (by the user's reference) at the section the form changed."""
    return RedirectResponse(f"/persons/{reference_for(request, principal, person_id)}#{section}", 303)


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request, person_id: str, principal: Annotated[Principal, Depends(require("person.view"))]
) -> HTMLResponse:
    """`person_id` is the user's reference for the person (`athar.web.person_refs`), as every path's."""
    person_id = person_behind(request, principal, person_id)
    case = read_case(request, person_id, principal)
    audit(request, principal, "person.view", "person", person_id, {"records": len(case.records)})
    return _page(request, principal, case)


@router.post("/persons/{person_id}/status")
def change_status(
    request: Request,
    person_id: str,
    principal: Annotated[Principal, Depends(require("case.update"))],
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
    event_date: Annotated[str, Form()] = "",
    share: Annotated[str, Form()] = "",
) -> Response:
    engine = request.app.state.engine
    person_id = person_behind(request, principal, person_id)
    if not cases.may_update_case(engine, person_id, principal):
        raise HTTPException(status_code=403, detail="not your organisation's case")
    event_date = event_date.strip()
    form = {"status": status, "reason": reason, "evidence": evidence, "event_date": event_date}
    error = cases.status_change_problem(status, reason, evidence, event_date)
    if error:
        return _page(request, principal, read_case(request, person_id, principal), 422, error, form)
    previous = cases.person_status(engine, person_id)
    shared = checked(share)
    cases.change_status(engine, person_id, status, reason, evidence, principal, event_date or None, shared)
    audit(
        request,
        principal,
        "case.status",
        "person",
        person_id,
        {"from": previous, "to": status, "shared": shared},
    )
    return _back_to(request, principal, person_id, "history")


@router.post("/persons/{person_id}/inquiries")
def record_inquiry(
    request: Request,
    person_id: str,
    principal: Annotated[Principal, Depends(require("case.inquiry"))],
    contact_name: Annotated[str, Form()] = "",
    relationship: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    other_contact: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    share: Annotated[str, Form()] = "",
) -> Response:
    engine = request.app.state.engine
    person_id = person_behind(request, principal, person_id)
    cipher = case_cipher(request, required=True)
    assert cipher is not None  # required: 503 without a data key
    contact = {
        "contact_name": contact_name,
        "relationship": relationship,
        "phone": phone,
        "other_contact": other_contact,
        "note": note,
    }
    try:
        cases.record_inquiry(engine, person_id, contact, principal, cipher, checked(share))
    except ValueError:
        return _page(request, principal, read_case(request, person_id, principal), 422, "inquiry")
    # The family's details stay in the case (sealed), not in the audit log.
    audit(request, principal, "case.inquiry", "person", person_id, {"shared": checked(share)})
    return _back_to(request, principal, person_id, "inquiries")


@router.post("/persons/{person_id}/inquiries/{event_id}/erase")
def erase_inquiry(
    request: Request,
    person_id: str,
    event_id: int,
    principal: Annotated[Principal, Depends(require("case.inquiry"))],
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Erase what a family gave in an inquiry your organisation recorded; the inquiry stays as a
    tombstone in the history."""
    engine = request.app.state.engine
    person_id = person_behind(request, principal, person_id)
    if not reason.strip():
        return _page(request, principal, read_case(request, person_id, principal), 422, "erase")
    try:
        cases.erase_inquiry(engine, person_id, event_id, reason, principal, client_address(request))
    except cases.InquiryNotFound:
        raise HTTPException(status_code=404, detail="no such inquiry") from None
    except cases.AlreadyErased:
        pass
    return _back_to(request, principal, person_id, "inquiries")
