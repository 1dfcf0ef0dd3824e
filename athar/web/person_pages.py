"""A person's page: the records that linkage (and reviewers) say are this person."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from athar.web import queries
from athar.web.audit import audit
from athar.web.permissions import Principal, require
from athar.web.templates import render

router = APIRouter()


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request, person_id: str, principal: Annotated[Principal, Depends(require("person.view"))]
) -> HTMLResponse:
    records = queries.person_records(request.app.state.engine, person_id, principal)
    if not records:
        # Also when the person exists but none of their records is visible: existence is not disclosed.
        raise HTTPException(status_code=404, detail="no such person")
    audit(request, principal, "person.view", "person", person_id, {"records": len(records)})
    return render(request, "person.html", person_id=person_id, records=records, fields=queries.RECORD_FIELDS)
