"""Erasure, retention and a requester's own data.

Erasing a request deletes its row of `request_contacts` and its messages in the outbox (the only
places that name or reach the requester), with SQLite's ``secure_delete`` on so the freed pages are
zeroed, then checkpoints and truncates the write-ahead log, so no copy is left in free pages or the
WAL. On PostgreSQL the tables are vacuumed after the deletion, so the dead row versions are reclaimed
(the values were sealed in any case). The request row stays as the tombstone (reference, dates,
reason, who), its history stays (append-only), and so does the sought person's record, which
describes the person looked for, not the family.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, insert, select, text, update

from athar.audit import record_event
from athar.errors import AtharError
from athar.protect import FieldCipher
from athar.requests.intake import contact_context
from athar.requests.lookup import find_request
from athar.requests.statuses import ENDED
from athar.store.tables import OutboxMessage, RequestContact, RequestEvent, RequestSettings, TracingRequest


class ErasureRefused(AtharError, ValueError):
    """An erasure asked for without a reason: the tombstone must say why."""


class AlreadyErased(AtharError, ValueError):
    pass


def erase_request(engine: Engine, reference: str, reason: str, user: str, client: str | None = "cli") -> dict:
    """Remove the requester's personal data for good; return the tombstone."""
    if not reason.strip():
        raise ErasureRefused("erasure needs a reason")
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
        request = find_request(conn, reference)
        if request.erased_at is not None:
            raise AlreadyErased(f"request {request.reference} was erased on {request.erased_at:%Y-%m-%d}")
        conn.execute(delete(RequestContact).where(RequestContact.request_id == request.id))
        conn.execute(delete(OutboxMessage).where(OutboxMessage.request_id == request.id))
        conn.execute(
            update(TracingRequest)
            .where(TracingRequest.id == request.id)
            .values(
                erased_at=now, erased_by=user, erasure_reason=reason, secret_hash=None, last_activity_at=now
            )
        )
        conn.execute(
            insert(RequestEvent).values(
                request_id=request.id,
                kind="erased",
                detail={"reason": reason},
                user_name=user,
                created_at=now,
            )
        )
        record_event(
            conn, user, "request.erased", "tracing_request", request.reference, client, {"reason": reason}
        )
    _scrub_free_space(engine)
    return {
        "reference": request.reference,
        "created_at": request.created_at,
        "erased_at": now,
        "reason": reason,
        "erased_by": user,
    }


def _scrub_free_space(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM request_contacts, outbox"))


def purge_expired(engine: Engine, user: str, now: dt.datetime | None = None) -> list[str]:
    """Erase every ended request whose organisation's retention period has passed since its last activity."""
    now = now or dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        rows = conn.execute(
            select(TracingRequest.reference, TracingRequest.last_activity_at, RequestSettings.retention_days)
            .join(RequestSettings, RequestSettings.organisation_id == TracingRequest.organisation_id)
            .where(
                RequestSettings.retention_days.is_not(None),
                TracingRequest.erased_at.is_(None),
                TracingRequest.status.in_([s.value for s in ENDED]),
            )
        ).all()
    expired = [
        r.reference for r in rows if _aware(r.last_activity_at) + dt.timedelta(days=r.retention_days) <= now
    ]
    for reference in expired:
        erase_request(engine, reference, "retention period ended", user)
    return expired


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def requester_data(
    engine: Engine, reference: str, cipher: FieldCipher, user: str, client: str | None = "cli"
) -> dict:
    """Everything the store holds about the requester of one request, opened, for giving to them."""
    with engine.begin() as conn:
        request = find_request(conn, reference)
        contact = conn.execute(select(RequestContact).where(RequestContact.request_id == request.id)).first()
        record_event(
            conn, user, "request.requester_data_exported", "tracing_request", request.reference, client
        )
    out: dict = {
        "reference": request.reference,
        "created_at": request.created_at.isoformat(),
        "status": request.status,
        "language": request.language,
        "preferred_channel": request.preferred_channel,
        "share_with_organisations": request.share_with_organisations,
        "reveal_requester_to_found": request.reveal_requester_to_found,
        "erased": request.erased_at is not None,
    }
    if contact is not None:
        for name in ("name", "relationship", "phone", "email"):
            out[f"requester_{name}"] = cipher.open(getattr(contact, name), contact_context(request.id, name))
        if contact.raw:
            out["as_given"] = cipher.open_json(contact.raw, contact_context(request.id, "raw"))
    return out
