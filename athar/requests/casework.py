"""A caseworker's work on requests: the queue, statuses, assignment, notes, accepting a candidate,
reminders for untouched requests, and one request's summary. Every change is a request event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, insert, select, update

from athar.accounts.permissions import Principal
from athar.audit import record_event
from athar.errors import AtharError
from athar.protect import FieldCipher
from athar.requests.access import visible_requests
from athar.requests.lookup import find_request, person_of
from athar.requests.notify import queue_status_message
from athar.requests.statuses import ENDED, RequestStatus, check_transition
from athar.store.tables import Organisation, RequestEvent, RequestSettings, TracingRequest

DEFAULT_REMINDER_DAYS = 14


class RequestErased(AtharError, ValueError):
    """The request's personal data was erased; only its tombstone is left to read."""


class CaseworkRefused(AtharError, ValueError):
    """A caseworker's step that cannot be taken as asked (an empty note, a person not offered)."""


class NotACandidate(CaseworkRefused):
    """The person given to accept is not among the request's candidates. The message names the person
    by the id given (the web says it without the id: users there name persons by reference)."""


def _event(conn: Connection, request_id: int, kind: str, user: str, now, status=None, detail=None) -> None:
    conn.execute(
        insert(RequestEvent).values(
            request_id=request_id, kind=kind, status=status, detail=detail, user_name=user, created_at=now
        )
    )
    conn.execute(update(TracingRequest).where(TracingRequest.id == request_id).values(last_activity_at=now))


def _open(conn: Connection, reference: str):
    request = find_request(conn, reference)
    if request.erased_at is not None:
        raise RequestErased(f"request {request.reference} was erased")
    return request


def change_status(
    engine: Engine,
    reference: str,
    status: str,
    user: str,
    reason: str | None = None,
    cipher: FieldCipher | None = None,
) -> str:
    """Move the request to ``status`` (as the workflow allows). With the store's ``cipher``, the family
    is also sent a "there is news" message through the outbox, in the same transaction."""
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        request = _open(conn, reference)
        target = check_transition(request.status, status)
        conn.execute(
            update(TracingRequest).where(TracingRequest.id == request.id).values(status=target.value)
        )
        _event(
            conn,
            request.id,
            "status",
            user,
            now,
            status=target.value,
            detail={"from": request.status, "reason": reason},
        )
        if cipher is not None:
            queue_status_message(conn, request, cipher, now)
        record_event(
            conn,
            user,
            "request.status",
            "tracing_request",
            request.reference,
            detail={"status": target.value},
        )
    return target.value


def assign(engine: Engine, reference: str, assignee: str | None, user: str) -> None:
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        request = _open(conn, reference)
        conn.execute(
            update(TracingRequest).where(TracingRequest.id == request.id).values(assigned_to=assignee)
        )
        _event(conn, request.id, "assigned", user, now, detail={"to": assignee})


def add_note(engine: Engine, reference: str, note: str, user: str) -> None:
    if not note.strip():
        raise CaseworkRefused("a note needs text")
    with engine.begin() as conn:
        request = _open(conn, reference)
        _event(conn, request.id, "note", user, dt.datetime.now(dt.UTC), detail={"note": note})


def accept_candidate(engine: Engine, reference: str, person_id: str | None, user: str) -> None:
    """Accept one of the request's candidates as the person sought, or none of them (``None``).

    Accepting one moves a received or searched request to "possible match"; accepting none moves a
    received one to "being searched".
    """
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        request = _open(conn, reference)
        offered = {c["person_id"] for c in request.candidates or []}
        if person_id is not None and person_id not in offered:
            raise NotACandidate(f"{person_id} is not among this request's candidates")
        values: dict = {"accepted_person_id": person_id}
        if person_id is not None and request.status in (RequestStatus.RECEIVED, RequestStatus.BEING_SEARCHED):
            values["status"] = RequestStatus.POSSIBLE_MATCH.value
        elif person_id is None and request.status == RequestStatus.RECEIVED:
            values["status"] = RequestStatus.BEING_SEARCHED.value
        conn.execute(update(TracingRequest).where(TracingRequest.id == request.id).values(**values))
        _event(
            conn,
            request.id,
            "candidate",
            user,
            now,
            status=values.get("status"),
            detail={"person_id": person_id},
        )


def queue(
    engine: Engine,
    organisation: str | None = None,
    status: str | None = None,
    limit: int = 200,
    principal: Principal | None = None,
) -> list[dict]:
    """Requests not erased, newest first, each with its candidates (what a caseworker's queue shows);
    with a ``principal``, only the requests it may see (`athar.requests.access`)."""
    query = (
        select(
            TracingRequest.reference,
            TracingRequest.status,
            TracingRequest.assigned_to,
            TracingRequest.created_at,
            TracingRequest.candidates,
            TracingRequest.accepted_person_id,
            TracingRequest.last_activity_at,
            Organisation.name.label("organisation"),
        )
        .join(Organisation, Organisation.id == TracingRequest.organisation_id)
        .where(TracingRequest.erased_at.is_(None))
        .order_by(TracingRequest.created_at.desc(), TracingRequest.id.desc())
        .limit(limit)
    )
    if principal is not None:
        query = query.where(visible_requests(principal))
    if organisation:
        query = query.where(Organisation.name == organisation)
    if status:
        query = query.where(TracingRequest.status == RequestStatus(status).value)
    with engine.connect() as conn:
        return [
            {
                "reference": r.reference,
                "organisation": r.organisation,
                "status": r.status,
                "assigned_to": r.assigned_to,
                "created_at": r.created_at.isoformat(),
                "candidates": r.candidates or [],
                "accepted_person_id": r.accepted_person_id,
                "last_activity_at": r.last_activity_at.isoformat(),
            }
            for r in conn.execute(query)
        ]


def reminders(engine: Engine, now: dt.datetime | None = None, days: int | None = None) -> list[dict]:
    """Open requests untouched for their organisation's reminder period (or ``days``), oldest first."""
    now = now or dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                TracingRequest.reference,
                TracingRequest.last_activity_at,
                TracingRequest.assigned_to,
                TracingRequest.status,
                RequestSettings.reminder_days,
            )
            .outerjoin(RequestSettings, RequestSettings.organisation_id == TracingRequest.organisation_id)
            .where(TracingRequest.erased_at.is_(None), TracingRequest.status.not_in([s.value for s in ENDED]))
            .order_by(TracingRequest.last_activity_at)
        ).all()
    out = []
    for r in rows:
        last = r.last_activity_at if r.last_activity_at.tzinfo else r.last_activity_at.replace(tzinfo=dt.UTC)
        limit = days if days is not None else (r.reminder_days or DEFAULT_REMINDER_DAYS)
        idle = (now - last).days
        if idle >= limit:
            out.append(
                {
                    "reference": r.reference,
                    "status": r.status,
                    "assigned_to": r.assigned_to,
                    "idle_days": idle,
                }
            )
    return out


def set_organisation_policy(
    engine: Engine,
    organisation_id: int,
    *,
    retention_days: int | None = None,
    reminder_days: int | None = None,
    contact_ar: str | None = None,
    contact_en: str | None = None,
) -> None:
    with engine.begin() as conn:
        exists = conn.execute(
            select(RequestSettings).where(RequestSettings.organisation_id == organisation_id)
        ).first()
        values = {
            k: v
            for k, v in dict(
                retention_days=retention_days,
                reminder_days=reminder_days,
                contact_ar=contact_ar,
                contact_en=contact_en,
            ).items()
            if v is not None
        }
        if exists is None:
            values.setdefault("reminder_days", DEFAULT_REMINDER_DAYS)
            conn.execute(insert(RequestSettings).values(organisation_id=organisation_id, **values))
        elif values:
            conn.execute(
                update(RequestSettings)
                .where(RequestSettings.organisation_id == organisation_id)
                .values(**values)
            )


def summary(engine: Engine, reference: str, user: str, client: str | None = "cli") -> dict:
    """One request as a caseworker sees it, without the requester's contact details; an erased
    request answers with its tombstone. Audited."""
    with engine.begin() as conn:
        request = find_request(conn, reference)
        record_event(conn, user, "request.viewed", "tracing_request", request.reference, client)
        organisation = conn.execute(
            select(Organisation.name).where(Organisation.id == request.organisation_id)
        ).scalar()
        if request.erased_at is not None:
            return {
                "reference": request.reference,
                "organisation": organisation,
                "erased": True,
                "created_at": request.created_at.isoformat(),
                "erased_at": request.erased_at.isoformat(),
                "erased_by": request.erased_by,
                "erasure_reason": request.erasure_reason,
                "status": request.status,
            }
        events = conn.execute(
            select(RequestEvent.kind, RequestEvent.status, RequestEvent.user_name, RequestEvent.created_at)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.id)
        ).all()
        return {
            "reference": request.reference,
            "organisation": organisation,
            "erased": False,
            "request_id": request.record_id,
            "intake": request.intake,
            "status": request.status,
            "assigned_to": request.assigned_to,
            "created_at": request.created_at.isoformat(),
            "last_activity_at": request.last_activity_at.isoformat(),
            "person_id": person_of(conn, request),
            "candidates": request.candidates or [],
            "circumstances": request.circumstances,
            "consent": {
                "share_with_organisations": request.share_with_organisations,
                "reveal_requester_to_found": request.reveal_requester_to_found,
            },
            "history": [
                {"kind": e.kind, "status": e.status, "by": e.user_name, "at": e.created_at.isoformat()}
                for e in events
            ],
        }
