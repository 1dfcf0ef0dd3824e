"""Tracing requests in the JSON API (`/api/v1/requests…`): the caseworker pages' operations for
partner organisations' tokens, through the same functions, permission action and audit.

* `GET /requests` (filters: `status`, `idle_days`): the requests the token's organisation may see;
* `POST /requests`: a request taken for a family (the form's fields), answered with the reference and
  the secret, shown this once, and the ranked candidates;
* `GET /requests/{reference}`: one request with its candidates' visible records (audited);
* `POST /requests/{reference}/accept|assign|notes|status`: casework; only the organisation that took
  the request may change it (403 for one merely shared with yours, 404 for one you may not see);
  a candidate is named as the answers name it, by your organisation's reference for the person
  (`athar.web.person_refs`; internal `P-` ids are taken from admins only);
* `POST /requests/{reference}/wish`: the found person's own wish about what their family is told
  (share whereabouts / only that they are alive / nothing), recorded with who and when, as the
  request page records it (409 while no person is accepted or linked for the request).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from athar.accounts.permissions import Principal
from athar.requests import casework
from athar.requests.access import RequestNotVisible
from athar.requests.casework import NotACandidate, RequestErased
from athar.requests.family import Wish, record_wish
from athar.requests.intake import submit_request
from athar.requests.lookup import UnknownRequest, find_request, person_of
from athar.requests.statuses import RequestStatus, StatusChangeError
from athar.requests.validation import RequestInvalid, Spam
from athar.requests.view import candidate_records, queue_view, request_view
from athar.web.audit import client_address
from athar.web.permissions import require_api
from athar.web.person_refs import PERSON_REFERENCE, shown_candidate, shown_request
from athar.web.request_pages import ACTION, NOT_A_CANDIDATE, check_workable, chosen_candidate
from athar.web.request_support import cipher, principal_organisation

router = APIRouter(prefix="/api/v1/requests", tags=["requests"])
Status = Annotated[str | None, Query(max_length=30, description="one of " + ", ".join(RequestStatus))]
Text = Annotated[str | None, Field(default=None, max_length=8000)]


class QueueRow(BaseModel):
    reference: str
    organisation: str
    own: bool = Field(description="taken by your organisation (else shared with it: read only)")
    status: str
    assigned_to: str | None
    created_at: str
    idle_days: int
    reminder_due: bool
    sought: str = Field(description="the sought person's name as the request gives it")
    candidates: int
    best_score: float | None
    accepted_person_id: str | None = Field(description=PERSON_REFERENCE)


class RequestIn(BaseModel):
    """A request taken for a family: the public form's fields (see docs/tracing-requests.md)."""

    full_name: Text = None
    given_name: Text = None
    father_name: Text = None
    grandfather_name: Text = None
    family_name: Text = None
    mother_name: Text = None
    sex: Text = None
    birth_date: Text = None
    birth_place: Text = None
    national_id: Text = None
    last_seen_date: Text = None
    last_seen_place: Text = None
    circumstances: Text = None
    circumstances_text: Text = None
    detention_branch: Text = None
    height_cm: Text = None
    dental: Text = None
    marks: Text = None
    clothing: Text = None
    requester_name: Text = None
    requester_relationship: Text = None
    requester_phone: Text = None
    requester_email: Text = None
    preferred_channel: Text = None
    language: str = Field(default="ar", pattern="^(ar|en)$")
    share_with_organisations: bool = False
    reveal_requester_to_found: bool = False


class Candidate(BaseModel):
    person_id: str = Field(
        description=PERSON_REFERENCE + "; record:SOURCE:RECORD_ID for a record in no person"
    )
    score: float


class Created(BaseModel):
    reference: str
    secret: str = Field(description="give it to the family; it is shown this once and never stored")
    request_id: str
    candidates: list[Candidate] = Field(description="only candidates your organisation may see")


class AcceptIn(BaseModel):
    person_id: str | None = Field(
        default=None, max_length=300, description="a candidate, as the request gives it; null for none"
    )


class AssignIn(BaseModel):
    assignee: str | None = Field(default=None, max_length=200)


class NoteIn(BaseModel):
    note: str = Field(min_length=1, max_length=4000)


class StatusIn(BaseModel):
    status: str = Field(max_length=30)
    reason: str | None = Field(default=None, max_length=2000)


class WishIn(BaseModel):
    wish: Wish = Field(description="what the found person wants their family told")
    note: str | None = Field(default=None, max_length=2000)


class WishRecorded(BaseModel):
    person_id: str = Field(description=PERSON_REFERENCE)
    wish: Wish
    recorded_by: str
    recorded_at: str


def _refusal(message: str) -> HTTPException:
    return HTTPException(status_code=422, detail=[{"loc": ["body"], "msg": message, "type": "value_error"}])


def _casework(call, *args) -> None:
    try:
        call(*args)
    except RequestErased as e:
        raise HTTPException(status_code=409, detail="the request's personal data was erased") from e
    except NotACandidate as e:
        raise _refusal(NOT_A_CANDIDATE) from e  # without the internal id the store's message names
    except (StatusChangeError, ValueError) as e:
        raise _refusal(str(e)) from e
    except UnknownRequest as e:
        raise HTTPException(status_code=404, detail="no such request") from e


@router.get("", response_model=list[QueueRow])
def list_requests(
    request: Request,
    principal: Annotated[Principal, Depends(require_api(ACTION))],
    status: Status = None,
    idle_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
) -> list[dict]:
    if status is not None and status not in {s.value for s in RequestStatus}:
        raise _refusal(f"unknown status {status!r}")
    rows = queue_view(request.app.state.engine, principal, status=status, idle_days=idle_days)
    return [shown_request(request, principal, row) for row in rows]


@router.post("", response_model=Created, status_code=201)
def create_request(
    request: Request, body: RequestIn, principal: Annotated[Principal, Depends(require_api(ACTION))]
) -> dict:
    organisation = principal_organisation(request, principal)
    if organisation is None:
        raise HTTPException(status_code=403, detail="a token without an organisation cannot take requests")
    values = {k: v for k, v in body.model_dump().items() if isinstance(v, str) and v}
    for flag in ("share_with_organisations", "reveal_requester_to_found"):
        values[flag] = "yes" if getattr(body, flag) else "no"
    state = request.app.state
    try:
        result = submit_request(
            state.engine, values, organisation, cipher(request), state.search_index.get(),
            intake="caseworker", user=principal.name, language=body.language, client=client_address(request),
        )  # fmt: skip
    except RequestInvalid as invalid:
        raise HTTPException(
            status_code=422,
            detail=[
                {"loc": ["body", name], "msg": message, "type": "value_error"}
                for name, message in invalid.messages(body.language).items()
            ],
        ) from invalid
    except Spam as e:
        raise _refusal("refused") from e
    return {
        "reference": result.reference,
        "secret": result.secret,
        "request_id": result.request_id,
        "candidates": [
            {**c, "person_id": shown_candidate(request, principal, c["person_id"])}
            for c in result.candidates
            if candidate_records(state.engine, c["person_id"], principal)
        ],
    }


@router.get("/{reference}")
def get_request(
    request: Request, reference: str, principal: Annotated[Principal, Depends(require_api(ACTION))]
) -> dict:
    """The request as a caseworker sees it (never the requester's contact details)."""
    try:
        view = request_view(request.app.state.engine, reference, principal, client_address(request))
    except RequestNotVisible as e:
        raise HTTPException(status_code=404, detail="no such request") from e
    return shown_request(request, principal, view)


@router.post("/{reference}/accept", status_code=204)
def accept(
    request: Request,
    reference: str,
    body: AcceptIn,
    principal: Annotated[Principal, Depends(require_api(ACTION))],
) -> None:
    check_workable(request, reference, principal)
    engine = request.app.state.engine
    _casework(
        lambda: casework.accept_candidate(
            engine, reference, chosen_candidate(request, principal, body.person_id), principal.name
        )
    )


@router.post("/{reference}/assign", status_code=204)
def assign(
    request: Request,
    reference: str,
    body: AssignIn,
    principal: Annotated[Principal, Depends(require_api(ACTION))],
) -> None:
    check_workable(request, reference, principal)
    who = (body.assignee or "").strip() or None
    _casework(casework.assign, request.app.state.engine, reference, who, principal.name)


@router.post("/{reference}/notes", status_code=204)
def add_note(
    request: Request,
    reference: str,
    body: NoteIn,
    principal: Annotated[Principal, Depends(require_api(ACTION))],
) -> None:
    check_workable(request, reference, principal)
    _casework(casework.add_note, request.app.state.engine, reference, body.note, principal.name)


@router.post("/{reference}/status", status_code=204)
def change_status(
    request: Request,
    reference: str,
    body: StatusIn,
    principal: Annotated[Principal, Depends(require_api(ACTION))],
) -> None:
    """Move the request on; the family is sent a "there is news" message through the outbox."""
    check_workable(request, reference, principal)
    _casework(
        casework.change_status, request.app.state.engine, reference, body.status, principal.name,
        (body.reason or "").strip() or None, cipher(request),
    )  # fmt: skip


@router.post("/{reference}/wish", response_model=WishRecorded, status_code=201)
def found_person_wish(
    request: Request,
    reference: str,
    body: WishIn,
    principal: Annotated[Principal, Depends(require_api(ACTION))],
) -> dict:
    """Record what the person sought, located alive, wants their family told (the newest wish counts)."""
    check_workable(request, reference, principal)
    engine = request.app.state.engine
    with engine.connect() as conn:
        person_id = person_of(conn, find_request(conn, reference))
    if person_id is None:
        raise HTTPException(status_code=409, detail="no person is accepted or linked for this request yet")
    recorded = record_wish(engine, person_id, body.wish, principal.name, (body.note or "").strip() or None)
    return {
        "person_id": shown_candidate(request, principal, person_id),
        "wish": recorded,
        "recorded_by": principal.name,
        "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
