"""A tracing request as a caseworker sees it: the sought person beside the candidates' records.

Only what the principal may see: the request itself by `athar.requests.access` (the requester's
consent to share), the candidates' records by `athar.accounts.visibility` (a candidate none of whose
records is visible is left out, not even named). Never the requester's contact details: those are
read only through `requester_data` or `requester_for_found_person`, which log the disclosure.
Every view is audited: the request, and each candidate person shown.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, select

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_person_records, visible_record
from athar.audit import record_event
from athar.requests.access import may_work_on, visible_request, visible_requests
from athar.requests.casework import DEFAULT_REMINDER_DAYS
from athar.requests.lookup import person_of
from athar.requests.statuses import ENDED, TRANSITIONS, RequestStatus
from athar.search.index import UNLINKED_PREFIX
from athar.store.tables import (
    CANONICAL_COLUMNS,
    Organisation,
    Record,
    RequestEvent,
    RequestSettings,
    Source,
    TracingRequest,
)

ANTE_MORTEM = ("height_cm", "dental", "marks", "clothing")


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def sought_record(conn: Connection, source_id: int, record_id: str) -> dict:
    """The current version of the request's sought-person record (canonical columns)."""
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    row = (
        conn.execute(
            select(*columns).where(
                Record.source_id == source_id, Record.record_id == record_id, Record.is_current.is_(True)
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row else {}


def display_name(record: dict) -> str:
    if record.get("full_name"):
        return str(record["full_name"])
    parts = ("given_name", "father_name", "grandfather_name", "family_name")
    return " ".join(str(record[p]) for p in parts if record.get(p))


def candidate_records(engine: Engine, person_id: str, principal: Principal) -> list[dict]:
    """The records of a candidate (a person, or a record no person holds yet) the principal may see."""
    if person_id.startswith(UNLINKED_PREFIX):
        found = visible_record(engine, person_id[len(UNLINKED_PREFIX) :], principal)
        return [found] if found else []
    return visible_person_records(engine, person_id, principal)


def queue_view(
    engine: Engine,
    principal: Principal,
    status: str | None = None,
    idle_days: int | None = None,
    limit: int = 200,
    now: dt.datetime | None = None,
) -> list[dict]:
    """The requests the principal may see, newest first: reference, organisation, status, assignee,
    the sought person's name, the number of candidates and the best one's score, days untouched, and
    whether the request is due a reminder (open and untouched for ``idle_days``, else the
    organisation's reminder period). With ``idle_days``, only the requests due one."""
    now = now or dt.datetime.now(dt.UTC)
    query = (
        select(
            *TracingRequest.__table__.c,
            Organisation.name.label("organisation"),
            RequestSettings.reminder_days,
        )
        .join(Organisation, Organisation.id == TracingRequest.organisation_id)
        .outerjoin(RequestSettings, RequestSettings.organisation_id == TracingRequest.organisation_id)
        .where(TracingRequest.erased_at.is_(None), visible_requests(principal))
        .order_by(TracingRequest.created_at.desc(), TracingRequest.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(TracingRequest.status == RequestStatus(status).value)
    rows = []
    ended = {s.value for s in ENDED}
    with engine.connect() as conn:
        for r in conn.execute(query):
            request = r
            idle = (now - _aware(request.last_activity_at)).days
            period = idle_days if idle_days is not None else (r.reminder_days or DEFAULT_REMINDER_DAYS)
            due = request.status not in ended and idle >= period
            if idle_days is not None and not due:
                continue
            candidates = request.candidates or []
            rows.append(
                {
                    "reference": request.reference,
                    "organisation": r.organisation,
                    "own": may_work_on(principal, request),
                    "status": request.status,
                    "assigned_to": request.assigned_to,
                    "created_at": _aware(request.created_at).isoformat(),
                    "idle_days": idle,
                    "reminder_due": due,
                    "sought": display_name(sought_record(conn, request.source_id, request.record_id)),
                    "candidates": len(candidates),
                    "best_score": candidates[0]["score"] if candidates else None,
                    "accepted_person_id": request.accepted_person_id,
                }
            )
    return rows


def request_view(engine: Engine, reference: str, principal: Principal, client: str | None) -> dict:
    """One request for a caseworker: status and the moves allowed from it, consent answers, the sought
    person's record and ante-mortem data, candidates with their visible records, notes and history.
    Raises RequestNotVisible; audits the request and every candidate person shown."""
    with engine.begin() as conn:
        request = visible_request(conn, reference, principal)
        organisation = conn.execute(
            select(Organisation.name).where(Organisation.id == request.organisation_id)
        ).scalar()
        source = conn.execute(select(Source.name).where(Source.id == request.source_id)).scalar()
        record_event(
            conn, principal.name, "request.viewed", "tracing_request", request.reference, client,
            {"via": principal.kind},
        )  # fmt: skip
        if request.erased_at is not None:
            return {
                "reference": request.reference,
                "organisation": organisation,
                "erased": True,
                "status": request.status,
                "erased_at": _aware(request.erased_at).isoformat(),
                "erasure_reason": request.erasure_reason,
                "own": may_work_on(principal, request),
            }
        record = sought_record(conn, request.source_id, request.record_id)
        events = conn.execute(
            select(RequestEvent).where(RequestEvent.request_id == request.id).order_by(RequestEvent.id)
        ).all()
        history = [
            {
                "kind": e.kind,
                "status": e.status,
                "by": e.user_name,
                "at": _aware(e.created_at).isoformat(),
                "note": (e.detail or {}).get("note") if e.kind == "note" else None,
                "detail": {k: v for k, v in (e.detail or {}).items() if k != "note"},
            }
            for e in events
        ]
        person_id = person_of(conn, request)
    candidates = []
    for candidate in request.candidates or []:
        records = candidate_records(engine, candidate["person_id"], principal)
        if not records:
            continue
        record_event(
            engine, principal.name, "person.view", "person", candidate["person_id"], client,
            {"via": principal.kind, "records": len(records), "request": request.reference},
        )  # fmt: skip
        candidates.append({**candidate, "records": records, "name": display_name(records[0])})
    return {
        "reference": request.reference,
        "organisation": organisation,
        "source": source,
        "request_id": request.record_id,
        "erased": False,
        "own": may_work_on(principal, request),
        "intake": request.intake,
        "status": request.status,
        "next_statuses": sorted(s.value for s in TRANSITIONS[RequestStatus(request.status)]),
        "assigned_to": request.assigned_to,
        "created_at": _aware(request.created_at).isoformat(),
        "last_activity_at": _aware(request.last_activity_at).isoformat(),
        "language": request.language,
        "preferred_channel": request.preferred_channel,
        "consent": {
            "share_with_organisations": bool(request.share_with_organisations),
            "reveal_requester_to_found": bool(request.reveal_requester_to_found),
        },
        "circumstances": request.circumstances,
        "circumstances_text": request.circumstances_text,
        "detention_branch": request.detention_branch,
        "ante_mortem": {k: getattr(request, k) for k in ANTE_MORTEM if getattr(request, k) is not None},
        "sought": record,
        "sought_name": display_name(record),
        "person_id": person_id,
        "accepted_person_id": request.accepted_person_id,
        "candidates": candidates,
        "history": history,
    }
