"""Merging and splitting persons on the web (`athar.linkage.curation`): a page per person with its
records to split off, another person to merge in, and the merges and splits made so far with undo.

Every record involved must be visible to the user, so nobody merges or splits with what they cannot
see; each action is audited, and takes effect as judgements at the next `athar link`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from athar.accounts.permissions import Principal
from athar.accounts.visibility import PersonNotVisible, visible_person
from athar.linkage import curation
from athar.store.tables import Curation
from athar.web.audit import audit
from athar.web.permissions import require
from athar.web.person_refs import person_behind, person_behind_or_none, reference_for, shown_id
from athar.web.templates import render

router = APIRouter()

Reason = Annotated[str, Form()]


def _by(principal: Principal, reason: str) -> tuple[str, str, int | None]:
    """Who acts, why, and for which organisation: the last arguments of every curation."""
    return principal.name, reason, principal.organisation_id


def _refs(records: list[dict]) -> list[str]:
    return [f"{r['source']}:{r['record_id']}" for r in records]


def _page(
    request: Request, principal: Principal, person_id: str, status_code: int = 200, error: str = ""
) -> Response:
    engine = request.app.state.engine
    records = visible_person(engine, person_id, principal)
    shown = [  # the persons named by the user's references, as everywhere
        replace(
            c,
            person_id=reference_for(request, principal, c.person_id),
            other_person_id=shown_id(request, principal, c.other_person_id),
        )
        for c in curation.curations_of(engine, person_id)
    ]
    return render(
        request,
        "person_curate.html",
        status_code=status_code,
        person_id=reference_for(request, principal, person_id),
        records=records,
        curations=shown,
        error=error,
    )


def _back_to_curation(request: Request, principal: Principal, person_id: str) -> RedirectResponse:
    return RedirectResponse(f"/persons/{reference_for(request, principal, person_id)}/curate#history", 303)


@router.get("/persons/{person_id}/curate", response_class=HTMLResponse)
def curate_page(
    request: Request, person_id: str, principal: Annotated[Principal, Depends(require("person.curate"))]
) -> Response:
    person_id = person_behind(request, principal, person_id)
    response = _page(request, principal, person_id)
    audit(request, principal, "person.view", "person", person_id, {"page": "curate"})
    return response


@router.post("/persons/{person_id}/merge")
def merge(
    request: Request,
    person_id: str,
    principal: Annotated[Principal, Depends(require("person.curate"))],
    other_person_id: Annotated[str, Form()] = "",
    reason: Reason = "",
) -> Response:
    engine = request.app.state.engine
    person_id = person_behind(request, principal, person_id)
    other = person_behind_or_none(request, principal, other_person_id)  # the user's reference for them
    if other is None:
        return _page(request, principal, person_id, 422, "merge_unknown")
    try:
        done = curation.merge_persons(
            engine, person_id, other, principal.name, reason, principal.organisation_id
        )
    except curation.CurationError:
        return _page(request, principal, person_id, 422, "merge")
    audit(request, principal, "person.merge", "person", person_id, {"with": other, "curation": done})
    return _back_to_curation(request, principal, person_id)


@router.post("/persons/{person_id}/split")
def split(
    request: Request,
    person_id: str,
    principal: Annotated[Principal, Depends(require("person.curate"))],
    records: Annotated[list[str] | None, Form()] = None,
    reason: Reason = "",
) -> Response:
    engine = request.app.state.engine
    person_id = person_behind(request, principal, person_id)
    visible = set(_refs(visible_person(engine, person_id, principal)))
    chosen = [r for r in records or [] if r in visible]
    if not chosen or len(chosen) != len(records or []):
        return _page(request, principal, person_id, 422, "split")
    try:
        done = curation.split_person(
            engine, person_id, chosen, principal.name, reason, principal.organisation_id
        )
    except curation.CurationError:
        return _page(request, principal, person_id, 422, "split")
    audit(request, principal, "person.split", "person", person_id, {"records": len(chosen), "curation": done})
    return _back_to_curation(request, principal, person_id)


@router.post("/curations/{curation_id}/undo")
def undo(
    request: Request,
    curation_id: int,
    principal: Annotated[Principal, Depends(require("person.curate"))],
    reason: Reason = "",
) -> Response:
    engine = request.app.state.engine
    with engine.connect() as conn:
        person_id = conn.execute(
            Curation.__table__.select()
            .with_only_columns(Curation.person_id)
            .where(Curation.id == curation_id)
        ).scalar()
    if person_id is None:
        raise PersonNotVisible()
    visible_person(engine, person_id, principal)
    try:
        done = curation.undo_curation(engine, curation_id, *_by(principal, reason))
    except curation.CurationError:
        return _page(request, principal, person_id, 422, "undo")
    audit(request, principal, "person.undo", "person", person_id, {"curation": curation_id, "undo": done})
    return _back_to_curation(request, principal, person_id)
