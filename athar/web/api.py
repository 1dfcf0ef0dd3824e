"""The JSON API under /api/v1, for partner organisations with a bearer token (see `tokens.py`).

The same operations as the pages, through the same queries, permissions and audit hooks.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from athar.web import queries
from athar.web.audit import audit
from athar.web.permissions import Principal, require_api
from athar.web.review_pages import judge_pair

router = APIRouter(prefix="/api/v1", tags=["api"])


class SourceOut(BaseModel):
    name: str
    organisation: str | None
    sharing: str
    records: int = Field(description="current record versions")
    quarantined: int = Field(description="rows that could not be stored, kept with their reason")


class RecordOut(BaseModel):
    source: str
    source_kind: str | None = Field(
        default=None,
        description="family_report, detention_register, hospital_or_morgue, returnee_registration or other",
    )
    record_id: str
    full_name: str | None = None
    given_name: str | None = None
    father_name: str | None = None
    grandfather_name: str | None = None
    family_name: str | None = None
    mother_name: str | None = None
    sex: str | None = None
    birth_date: str | None = None
    birth_place: str | None = None
    national_id: str | None = None
    event_date: str | None = None
    event_place: str | None = None
    age: int | None = None


class PersonOut(BaseModel):
    id: str
    records: list[RecordOut] = Field(description="only records of sources your organisation may see")


class ReviewTaskOut(BaseModel):
    left: str = Field(description="SOURCE:RECORD_ID")
    right: str = Field(description="SOURCE:RECORD_ID")
    match_probability: float
    priority: float
    left_record: RecordOut
    right_record: RecordOut


# SOURCE:RECORD_ID, as athar.linkage.review.parse_record_ref reads it; declared so that malformed
# references are refused by validation with the documented 422 body.
RECORD_REF = r"^[^:]+:.+$"


class JudgementIn(BaseModel):
    left: str = Field(description="SOURCE:RECORD_ID", min_length=3, max_length=420, pattern=RECORD_REF)
    right: str = Field(description="SOURCE:RECORD_ID", min_length=3, max_length=420, pattern=RECORD_REF)
    decision: Literal["same", "different", "unsure"]
    note: str | None = Field(default=None, max_length=4000)


class JudgementOut(BaseModel):
    left: str
    right: str
    decision: str
    user: str


@router.get("/sources", response_model=list[SourceOut])
def list_sources(
    request: Request, principal: Annotated[Principal, Depends(require_api("sources.view"))]
) -> list[dict]:
    """Sources your organisation may see, with record and quarantine counts."""
    return queries.sources(request.app.state.engine, principal)


@router.get(
    "/review/next",
    response_model=ReviewTaskOut,
    responses={204: {"description": "no open review task"}},
)
def next_review(request: Request, principal: Annotated[Principal, Depends(require_api("review.view"))]):
    """The most informative open review task whose two records you may see."""
    from fastapi.responses import Response

    task = queries.next_task(request.app.state.engine, principal)
    if task is None:
        return Response(status_code=204)
    audit(request, principal, "review.view", "pair", f"{task['left']}|{task['right']}")
    return task


@router.post("/review/judgements", response_model=JudgementOut, status_code=201)
def post_judgement(
    request: Request, body: JudgementIn, principal: Annotated[Principal, Depends(require_api("review.judge"))]
) -> dict:
    """Append a judgement on a pair. Judgements are never overwritten: a later one supersedes."""
    judge_pair(request, principal, body.left, body.right, body.decision, body.note)
    return {"left": body.left, "right": body.right, "decision": body.decision, "user": principal.name}


@router.get("/persons/{person_id}", response_model=PersonOut, responses={404: {"description": "not found"}})
def get_person(
    request: Request, person_id: str, principal: Annotated[Principal, Depends(require_api("person.view"))]
) -> dict:
    """A person's records from the sources your organisation may see. Every call is audited."""
    records = queries.person_records(request.app.state.engine, person_id, principal)
    if not records:
        raise HTTPException(status_code=404, detail="no such person")
    audit(request, principal, "person.view", "person", person_id, {"records": len(records)})
    return {"id": person_id, "records": records}
