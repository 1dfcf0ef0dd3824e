"""A person's page and case: the records that linkage (and reviewers) say are this person, a timeline of
what happened to them, the case status with its history, and the families' inquiries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from athar import cases
from athar.accounts.permissions import Principal, allowed
from athar.accounts.visibility import visible_person
from athar.web import queries
from athar.web.audit import audit
from athar.web.permissions import require
from athar.web.templates import render

router = APIRouter()


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
        person_id=case.person_id,
        records=case.records,
        fields=queries.RECORD_FIELDS,
        status=case.status,
        statuses=cases.STATUSES,
        history=case.history,
        inquiries=case.inquiries,
        timeline=cases.timeline(case.records, case.events, case.inquiries_visible),
        may_change_status=allowed(principal.role, "case.update"),
        may_curate=allowed(principal.role, "person.curate"),
        may_record_inquiry=case.inquiries_visible,
        error=error,
        form=form or {},
    )


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request, person_id: str, principal: Annotated[Principal, Depends(require("person.view"))]
) -> HTMLResponse:
    case = cases.case_view(request.app.state.engine, person_id, principal)
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
) -> Response:
    engine = request.app.state.engine
    visible_person(engine, person_id, principal)
    event_date = event_date.strip()
    form = {"status": status, "reason": reason, "evidence": evidence, "event_date": event_date}
    error = cases.status_change_problem(status, reason, evidence, event_date)
    if error:
        return _page(request, principal, cases.case_view(engine, person_id, principal), 422, error, form)
    previous = cases.person_status(engine, person_id)
    cases.change_status(engine, person_id, status, reason, evidence, principal.name, event_date or None)
    audit(request, principal, "case.status", "person", person_id, {"from": previous, "to": status})
    return RedirectResponse(f"/persons/{person_id}#history", status_code=303)


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
) -> Response:
    engine = request.app.state.engine
    visible_person(engine, person_id, principal)
    contact = {
        "contact_name": contact_name,
        "relationship": relationship,
        "phone": phone,
        "other_contact": other_contact,
        "note": note,
    }
    try:
        cases.record_inquiry(engine, person_id, contact, principal.name)
    except ValueError:
        return _page(request, principal, cases.case_view(engine, person_id, principal), 422, "inquiry")
    # The family's details stay in the case, not in the audit log.
    audit(request, principal, "case.inquiry", "person", person_id)
    return RedirectResponse(f"/persons/{person_id}#inquiries", status_code=303)
