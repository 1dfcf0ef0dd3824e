"""The JSON API under /api/v1, for partner organisations with a bearer token (see `athar.accounts.tokens`).

The same operations as the pages, through the same queries, permissions and audit hooks:

* `GET /sources`; `GET /review/next`, `POST /review/judgements`;
* `POST /search`: the investigator search (each person in the answer is audited as viewed);
* `GET /persons/{id}`, where `{id}` is your organisation's reference for the person (`C-…`, as every
  answer gives it: `athar.web.person_refs`; internal `P-` ids are taken from admins only);
  `GET /persons/{id}/case` (status, history of status changes, families' inquiries, each as much as
  your organisation may see: `athar.cases.scope`); `POST /persons/{id}/status`
  (reason and evidence required; only an organisation holding a record of the person); `POST
  /persons/{id}/inquiries` (a family's inquiry, linked to that person); `POST
  /persons/{id}/inquiries/{event_id}/erasure` (erase what the family gave; the inquiry stays as a
  tombstone). `share` on a status change or an inquiry shows its details to other organisations;
  without it they stay your organisation's;
* `POST /imports`: a file (and optionally a TOML mapping) into a source, answered with the counts and
  the rows quarantined with their reasons.

Refusals that are not schema violations (an unreadable file, an empty inquiry) use the same 422 body
as validation errors: a list of `{loc, msg, type}`.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, field_validator, model_validator

from athar import cases
from athar.accounts.permissions import Principal
from athar.accounts.sources import may_import_into, visible_source_counts
from athar.accounts.visibility import visible_person
from athar.ingest import KindChangeRefused, UnreadableFile
from athar.store.tables import CaseStatus, Decision, SourceKind
from athar.web import queries
from athar.web.audit import audit, client_address
from athar.web.import_pages import run_import
from athar.web.permissions import require_api
from athar.web.person_pages import case_cipher, read_case
from athar.web.person_refs import PERSON_REFERENCE, person_behind, reference_for, shown_id
from athar.web.review_pages import judge_pair
from athar.web.search_pages import INVESTIGATOR_LIMIT, investigator_results
from athar.web.uploads import one_line, safe_name, save_upload, upload_root

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
    id: str = Field(description=PERSON_REFERENCE)
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
    decision: Decision
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
    return visible_source_counts(request.app.state.engine, principal)


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
    """A person's records from the sources your organisation may see. Every call is audited. `person_id`
    is your organisation's reference for the person (`C-…`, as answers give it)."""
    person_id = person_behind(request, principal, person_id)
    records = visible_person(request.app.state.engine, person_id, principal)
    audit(request, principal, "person.view", "person", person_id, {"records": len(records)})
    return {"id": reference_for(request, principal, person_id), "records": records}


def _unprocessable(field: str, message: str, kind: str) -> HTTPException:
    """A 422 with the same body as FastAPI's validation errors."""
    return HTTPException(status_code=422, detail=[{"loc": ["body", field], "msg": message, "type": kind}])


NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such person, or none of their records is visible to you"}
}

# -- investigator search ---------------------------------------------------------------------------------


class SearchIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="the name as remembered, any script")
    father: str | None = Field(default=None, max_length=200)
    mother: str | None = Field(default=None, max_length=200)
    born: int | None = Field(default=None, ge=1900, le=2100, description="birth year")
    limit: int = Field(default=INVESTIGATOR_LIMIT, ge=1, le=100)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the name is blank")
        return value.strip()

    @field_validator("father", "mother")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return (value or "").strip() or None


class SearchHitOut(BaseModel):
    person_id: str | None = Field(
        description=PERSON_REFERENCE + "; null for a record that linkage has put in no person yet"
    )
    reference: str = Field(
        description="the person's reference, or record:LIST:RECORD_ID for a record in no person"
    )
    score: float
    reasons: list[str] = Field(description="which name parts agreed")
    records: list[RecordOut] = Field(description="only records of sources your organisation may see")


@router.post("/search", response_model=list[SearchHitOut])
def post_search(
    request: Request, body: SearchIn, principal: Annotated[Principal, Depends(require_api("search.view"))]
) -> list[dict]:
    """The investigator search (the engine of the /search page). POSTed so that names stay out of URLs
    and logs. Each person in the answer is audited as viewed."""
    results = investigator_results(
        request, principal, body.name, body.father, body.mother, body.born, body.limit
    )
    shown = [shown_id(request, principal, r["person_id"]) for r in results]
    return [
        {
            "person_id": reference,
            "reference": reference or r["match"].person_id,
            "score": round(r["match"].score, 4),
            "reasons": list(r["match"].reasons),
            "records": r["records"],
        }
        for r, reference in zip(results, shown, strict=True)
    ]


# -- cases -----------------------------------------------------------------------------------------------

Status = CaseStatus


class StatusEventOut(BaseModel):
    status: str
    previous: str | None
    reason: str | None = Field(description="null when another organisation recorded it and did not share it")
    evidence: str | None
    event_date: str | None
    user: str | None
    at: dt.datetime
    shared: bool = Field(description="the recording organisation shows the reason and evidence to others")
    withheld: bool = Field(default=False, description="recorded by another organisation, not shared")


class InquiryOut(BaseModel):
    id: int
    contact_name: str | None = None
    relationship: str | None = None
    phone: str | None = None
    other_contact: str | None = None
    note: str | None = None
    user: str
    at: dt.datetime
    shared: bool
    erased: bool = Field(default=False, description="the family's details were erased; this is the tombstone")


class CaseOut(BaseModel):
    person_id: str = Field(description=PERSON_REFERENCE)
    status: str
    history: list[StatusEventOut] = Field(description="every status change, oldest first")
    inquiries: list[InquiryOut] = Field(description="families' inquiries, oldest first")


class StatusChangeIn(BaseModel):
    status: Status
    reason: str = Field(min_length=1, max_length=4000)
    evidence: str = Field(min_length=1, max_length=4000)
    event_date: str | None = Field(default=None, max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")
    share: bool = Field(default=False, description="show the reason and evidence to other organisations")

    @field_validator("reason", "evidence")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("event_date")
    @classmethod
    def _a_date(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and not cases.valid_event_date(value):
            raise ValueError("must be a real date written YYYY, YYYY-MM or YYYY-MM-DD")
        return value


class InquiryIn(BaseModel):
    """A family's inquiry about this person: only the contact details the family chose to give."""

    contact_name: str | None = Field(default=None, max_length=200)
    relationship: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=60)
    other_contact: str | None = Field(default=None, max_length=300)
    note: str | None = Field(default=None, max_length=4000)
    share: bool = Field(default=False, description="show this inquiry to other organisations")

    @model_validator(mode="after")
    def _something(self) -> InquiryIn:
        if not any((getattr(self, f) or "").strip() for f in cases.INQUIRY_FIELDS):
            raise ValueError("an inquiry needs at least one contact detail or a note")
        return self


class ErasureIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class ErasureOut(BaseModel):
    inquiry: int
    erased_at: dt.datetime
    user: str


def _status_out(event: dict) -> dict:
    return {
        "status": event["status"],
        "previous": (event["detail"] or {}).get("previous"),
        "reason": event["reason"],
        "evidence": event["evidence"],
        "event_date": event["event_date"],
        "user": event["user_name"],
        "at": event["created_at"],
        "shared": bool(event.get("shared")),
        "withheld": bool(event.get("withheld")),
    }


def _inquiry_out(event: dict) -> dict:
    return {
        **(event.get("contact") or {}),
        "id": event["id"],
        "user": event["user_name"],
        "at": event["created_at"],
        "shared": bool(event.get("shared")),
        "erased": event.get("erased") is not None,
    }


def _case_out(case: cases.CaseView, shown: str) -> dict:
    return {
        "person_id": shown,
        "status": case.status or CaseStatus.MISSING,
        "history": [_status_out(e) for e in case.history],
        "inquiries": [_inquiry_out(e) for e in case.inquiries],
    }


@router.get("/persons/{person_id}/case", response_model=CaseOut, responses=NOT_FOUND)
def get_case(
    request: Request, person_id: str, principal: Annotated[Principal, Depends(require_api("person.view"))]
) -> dict:
    """The person's case: status, the history of status changes with reasons and evidence, and (for roles
    that record them) families' inquiries. Audited as a view of the person."""
    person_id = person_behind(request, principal, person_id)
    case = read_case(request, person_id, principal)
    audit(
        request, principal, "person.view", "person", person_id, {"records": len(case.records), "case": True}
    )
    return _case_out(case, reference_for(request, principal, person_id))


@router.post(
    "/persons/{person_id}/status", response_model=StatusEventOut, status_code=201, responses=NOT_FOUND
)
def post_status(
    request: Request,
    person_id: str,
    body: StatusChangeIn,
    principal: Annotated[Principal, Depends(require_api("case.update"))],
) -> dict:
    """Change the person's status, with the reason and the evidence. Appended to the case's history
    (never rewritten) and audited. Only an organisation that holds a record of the person in a list of
    its own may (403 otherwise; admins also for persons held by lists that belong to no organisation)."""
    engine = request.app.state.engine
    person_id = person_behind(request, principal, person_id)
    previous = cases.person_status(engine, person_id)
    try:
        event = cases.change_status(
            engine, person_id, body.status, body.reason, body.evidence, principal, body.event_date, body.share
        )
    except cases.CaseNotYours as refused:
        raise HTTPException(status_code=403, detail=str(refused)) from None
    audit(
        request, principal, "case.status", "person", person_id,
        {"from": previous, "to": body.status, "shared": body.share},
    )  # fmt: skip
    return _status_out(event)


@router.post(
    "/persons/{person_id}/inquiries", response_model=InquiryOut, status_code=201, responses=NOT_FOUND
)
def post_inquiry(
    request: Request,
    person_id: str,
    body: InquiryIn,
    principal: Annotated[Principal, Depends(require_api("case.inquiry"))],
) -> dict:
    """Record a family's inquiry and link it to this person's case. The family's details stay in the
    case, not in the audit log."""
    person_id = person_behind(request, principal, person_id)
    cipher = case_cipher(request, required=True)
    assert cipher is not None  # required: 503 without a data key
    contact = {f: getattr(body, f) or "" for f in cases.INQUIRY_FIELDS}
    event = cases.record_inquiry(
        request.app.state.engine,
        person_id,
        contact,
        principal,
        cipher,
        body.share,
    )
    audit(request, principal, "case.inquiry", "person", person_id, {"shared": body.share})
    return _inquiry_out(event)


@router.post(
    "/persons/{person_id}/inquiries/{event_id}/erasure",
    response_model=ErasureOut,
    status_code=201,
    responses={**NOT_FOUND, 409: {"description": "already erased"}},
)
def post_inquiry_erasure(
    request: Request,
    person_id: str,
    event_id: int,
    body: ErasureIn,
    principal: Annotated[Principal, Depends(require_api("case.inquiry"))],
) -> dict:
    """Erase what the family gave in an inquiry your organisation recorded (404 for any other). The
    inquiry stays in the history as a tombstone; the erasure is appended to it and audited."""
    person_id = person_behind(request, principal, person_id)
    try:
        tombstone = cases.erase_inquiry(
            request.app.state.engine, person_id, event_id, body.reason, principal, client_address(request)
        )
    except cases.InquiryNotFound:
        raise HTTPException(status_code=404, detail="no such inquiry") from None
    except cases.AlreadyErased:
        raise HTTPException(status_code=409, detail="already erased") from None
    return {"inquiry": event_id, "erased_at": tombstone["created_at"], "user": principal.name}


# -- import ----------------------------------------------------------------------------------------------

SOURCE_NAME = r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$"
Kind = SourceKind


class QuarantinedRowOut(BaseModel):
    row_number: int = Field(description="the row as a person finds it in the file (the header is row 1)")
    field: str | None = Field(description="the canonical fields that failed, comma-separated; null for shape")
    reason: str
    raw: dict[str, Any] = Field(description="the row as read, by the file's own column names")


class ImportOut(BaseModel):
    import_id: int
    source: str
    kind: str
    file: str
    read: int
    stored: int = Field(description="new + new_versions + unchanged")
    quarantined: int = Field(description="read = stored + quarantined")
    new: int
    new_versions: int
    unchanged: int
    quarantined_rows: list[QuarantinedRowOut] = Field(description="at most 1,000 of this file's")


@router.post(
    "/imports",
    response_model=ImportOut,
    status_code=201,
    responses={
        403: {
            "description": "the source belongs to another organisation (or to none, and you are not an "
            "admin), or the import would change its kind and you are not an admin"
        }
    },
)
async def post_import(
    request: Request,
    principal: Annotated[Principal, Depends(require_api("records.import"))],
    file: Annotated[UploadFile, File(description="CSV/TSV, XLSX, JSON, JSON Lines or PFIF 1.4 XML")],
    source: Annotated[str, Form(min_length=1, max_length=200, pattern=SOURCE_NAME)],
    mapping: Annotated[UploadFile | None, File(description="TOML column mapping (optional)")] = None,
    kind: Annotated[Kind | None, Form(description="what kind of list the source is")] = None,
) -> dict:
    """Import one file into a source: every row stored or quarantined with its reason. A new source
    belongs to your organisation and is private until shared. An unreadable file is refused with 422."""
    source = source.strip()
    engine = request.app.state.engine
    if not may_import_into(engine, source, principal):
        raise HTTPException(status_code=403, detail="the source belongs to another organisation, or to none")
    folder = upload_root(request) / secrets.token_urlsafe(24)
    folder.mkdir()
    try:
        path = folder / safe_name(file.filename)
        mapping_path = None
        try:
            await save_upload(file, path)
            if mapping is not None and mapping.filename:
                mapping_path = folder / "mapping.toml"
                await save_upload(mapping, mapping_path)
            result, quarantined = await run_in_threadpool(
                run_import, request, principal, path, source, mapping_path, kind, 1000
            )
        except UnreadableFile as error:
            field = "mapping" if mapping_path is not None and error.path == mapping_path else "file"
            raise _unprocessable(field, one_line(error), "unreadable_file") from None
        except KindChangeRefused as refused:
            raise HTTPException(status_code=403, detail=str(refused)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "import_id": result.import_id,
        "source": source,
        "kind": result.kind,
        "file": path.name,
        "read": result.read,
        "stored": result.stored,
        "quarantined": result.quarantined,
        "new": result.new,
        "new_versions": result.new_versions,
        "unchanged": result.unchanged,
        "quarantined_rows": [
            {"row_number": q["row_number"], "field": q["field"], "reason": q["reason"], "raw": q["raw"]}
            for q in quarantined
        ],
    }
