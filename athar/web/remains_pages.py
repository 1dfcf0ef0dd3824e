"""Sites and bodies: the list of sites, a site's page (bodies recovered, identified, pending), a body's
page (its ranked candidates with their evidence in plain words, DNA reports, chain of custody, the
identification history) and the identification workflow's steps (docs/remains.md).

What a principal sees is `athar.remains.access`'s rule: a site and its bodies through the site's
source, missing persons only through records of sources they may see. A site or body they may not see
is answered 404, as one that does not exist. Steps go through `athar.remains.workflow.set_step`,
which holds the workflow's rules (proof, reasons, who confirms) and writes each step in one
transaction with the status change it makes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_record
from athar.remains.access import may_identify, may_import_remains
from athar.remains.candidates import PoolCache
from athar.remains.views import (
    NoSuchRemains,
    body_ref,
    body_view,
    person_remains,
    site_summaries,
    site_view,
)
from athar.remains.workflow import CUSTODY_ACTIONS, ORDER, IdentificationError, set_step
from athar.store.records import RecordRefError
from athar.web.audit import audit
from athar.web.permissions import require
from athar.web.person_refs import shown_id
from athar.web.templates import render

router = APIRouter()
STEPS_OFFERED = tuple(s for s in ORDER if s != "confirmed")  # confirmation is offered to its roles only


def remains_pools(request: Request) -> PoolCache:
    """The app's missing persons as ranked against bodies, kept while the store stands as it was
    (`athar.remains.candidates.PoolCache`)."""
    pools = getattr(request.app.state, "remains_pools", None)
    if pools is None:
        pools = request.app.state.remains_pools = PoolCache()
    return pools


@router.get("/sites", response_class=HTMLResponse)
def sites(request: Request, principal: Annotated[Principal, Depends(require("person.view"))]) -> HTMLResponse:
    """Every site the principal sees with its counts: no person's data, so nothing to audit."""
    return render(request, "remains/sites.html", sites=site_summaries(request.app.state.engine, principal))


@router.get("/sites/{site_id}", response_class=HTMLResponse)
def site_page(
    request: Request, site_id: int, principal: Annotated[Principal, Depends(require("person.view"))]
) -> HTMLResponse:
    try:
        site, cases = site_view(request.app.state.engine, site_id, principal)
    except NoSuchRemains:
        raise HTTPException(status_code=404, detail="no such site") from None
    may_add = may_import_remains(principal, site["organisation_id"])
    return render(request, "remains/site.html", site=site, cases=cases, may_add=may_add)


def body_page(
    request: Request,
    principal: Principal,
    remains_id: int,
    status_code: int = 200,
    error: str | None = None,
    form: dict | None = None,
    errors_for: str = "identification",
) -> HTMLResponse:
    """The body page; `error` (a rule's code) is shown beside the form named by `errors_for`
    (identification, custody, join or split), with what was typed in `form`."""
    try:
        body = body_view(request.app.state.engine, remains_id, principal, pools=remains_pools(request))
    except NoSuchRemains:
        raise HTTPException(status_code=404, detail="no such body") from None
    shown = sorted({c["person_id"] for c in body.candidates if c["person_id"]})
    audit(
        request, principal, "remains.view", "remains_case", str(body.case["case_id"]),
        {"candidates": len(body.candidates), "persons": shown},
    )  # fmt: skip
    body = replace(  # persons by the user's references, as everywhere (athar.web.person_refs)
        body,
        candidates=[
            {**c, "person_id": shown_id(request, principal, c["person_id"])} for c in body.candidates
        ],
        steps=[{**s, "person_id": shown_id(request, principal, s.get("person_id"))} for s in body.steps],
    )
    steps = STEPS_OFFERED + (("confirmed",) if body.may_confirm else ())
    return render(
        request,
        "remains/body.html",
        status_code=status_code,
        remains_id=remains_id,
        body=body,
        steps=sorted(steps, key=lambda s: ORDER[s]),
        error=error,
        errors_for=errors_for,
        form=form or {},
        custody_actions=CUSTODY_ACTIONS,
    )


@router.get("/remains/{remains_id}", response_class=HTMLResponse)
def show_body(
    request: Request, remains_id: int, principal: Annotated[Principal, Depends(require("person.view"))]
) -> HTMLResponse:
    return body_page(request, principal, remains_id)


@router.post("/remains/{remains_id}/identification")
def take_step(
    request: Request,
    remains_id: int,
    principal: Annotated[Principal, Depends(require("case.update"))],
    record: Annotated[str, Form()] = "",
    step: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
) -> Response:
    """One step of identifying this body as a record's person (audited by the workflow). Refusals the
    user can mend (no reason, no evidence, no DNA report at the threshold) come back on the page with
    what was typed."""
    engine = request.app.state.engine
    try:  # the body's case and site only: the page (with its ranking) is drawn only to show a refusal
        body = body_ref(engine, principal, remains_id)
    except NoSuchRemains:
        raise HTTPException(status_code=404, detail="no such body") from None
    if not may_identify(principal, body.site_organisation_id):
        raise HTTPException(status_code=403, detail="another organisation's site")
    form = {"record": record, "step": step, "reason": reason, "evidence": evidence}
    try:
        seen = visible_record(engine, record.strip(), principal)
    except RecordRefError:
        seen = None
    if seen is None:
        return body_page(request, principal, remains_id, 422, "record", form)
    try:
        set_step(engine, principal, body.case_id, record.strip(), step, reason, evidence)
    except IdentificationError as e:
        return body_page(request, principal, remains_id, 422, e.code, form)
    except PermissionError:
        raise HTTPException(status_code=403, detail="not yours to take") from None
    return RedirectResponse(f"/remains/{remains_id}#identification", status_code=303)


def person_section(request: Request, person_id: str, principal: Principal) -> dict:
    """The person page's bodies: identifications of this person's records and bodies ranked for them."""
    return person_remains(request.app.state.engine, person_id, principal, pools=remains_pools(request))
