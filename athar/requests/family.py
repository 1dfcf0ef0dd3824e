"""What a family and a found person are told, and nothing more (ICRC Restoring Family Links).

A family with its reference and secret reads the request's status in plain Arabic or English and
how to reach a caseworker: never a record, a candidate or another person. When the person sought
is located alive, what the family reads follows that person's own recorded wish (whereabouts may be
shared by a caseworker / only that they are alive / nothing). The requester's name reaches the found
person only when the requester agreed. Everything told is a `disclosure` event of the request.

Wrong secrets are audited (``request.secret_failed``) and counted from the audit log: five for one
reference, or twenty from one client, within fifteen minutes lock further tries for that reference or
client until the window passes, whether or not the next secret is right.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, Engine, func, insert, select

from athar.audit import record_event
from athar.protect import FieldCipher
from athar.requests.intake import SECRET_LABEL, contact_context
from athar.requests.lookup import UnknownRequest, find_request, person_of
from athar.requests.references import secret_key_id, verify_secret
from athar.requests.statuses import FAMILY_TEXT, RequestStatus
from athar.store.tables import AuditEntry, FoundPersonWish, RequestContact, RequestEvent, RequestSettings

WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_REFERENCE = 5
MAX_FAILURES_PER_CLIENT = 20
FAILED = "request.secret_failed"


class Wish(StrEnum):
    SHARE_WHEREABOUTS = "share_whereabouts"
    ALIVE_ONLY = "alive_only"
    NOTHING = "nothing"


class AccessDenied(PermissionError):
    """Unknown reference or wrong secret (the family is not told which)."""


class TooManyTries(PermissionError):
    """Too many wrong secrets lately; try again later."""


@dataclass(frozen=True)
class FamilyStatus:
    reference: str
    told: str  # the FAMILY_TEXT key
    text: str
    contact: str | None

    def as_json(self) -> dict:
        return {"reference": self.reference, "status": self.text, "contact": self.contact}


def _failures(
    conn: Connection, since: dt.datetime, reference: str | None, client: str | None
) -> tuple[int, int]:
    base = (
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == FAILED, AuditEntry.at >= since)
    )
    by_reference = conn.execute(base.where(AuditEntry.target_id == reference)).scalar() if reference else 0
    by_client = conn.execute(base.where(AuditEntry.client == client)).scalar() if client else 0
    return by_reference or 0, by_client or 0


def newest_wish(conn: Connection, person_id: str | None) -> Wish | None:
    if person_id is None:
        return None
    found = conn.execute(
        select(FoundPersonWish.wish)
        .where(FoundPersonWish.person_id == person_id)
        .order_by(FoundPersonWish.id.desc())
    ).scalar()
    return Wish(found) if found else None


def told_for(status: str, wish: Wish | None) -> str:
    """The FAMILY_TEXT key a family reads for ``status`` (and, if located alive, the person's wish)."""
    if status != RequestStatus.LOCATED_ALIVE:
        return status
    if wish is None:  # not asked yet: say no more than that there is information
        return RequestStatus.VERIFIED.value
    return {
        Wish.SHARE_WHEREABOUTS: "alive_whereabouts",
        Wish.ALIVE_ONLY: "alive_only",
        Wish.NOTHING: "answered_nothing",
    }[wish]


def _secret_opens(request, secret: str, cipher: FieldCipher) -> bool:
    key_id = secret_key_id(request.secret_hash) if request is not None and request.secret_hash else None
    return key_id is not None and verify_secret(
        secret, request.secret_hash, cipher.derive(SECRET_LABEL, key_id)
    )


def family_status(
    engine: Engine,
    reference: str,
    secret: str,
    cipher: FieldCipher,
    language: str = "ar",
    client: str | None = None,
    now: dt.datetime | None = None,
) -> FamilyStatus:
    """The status a family may read; AccessDenied or TooManyTries otherwise (each audited)."""
    now = now or dt.datetime.now(dt.UTC)
    language = language if language in ("ar", "en") else "ar"
    refused: PermissionError | None = None
    with engine.begin() as conn:  # a refusal is committed with its audit entry, then raised
        try:
            request = find_request(conn, reference)
        except UnknownRequest:
            request = None
        target = request.reference if request is not None else None
        per_reference, per_client = _failures(conn, now - WINDOW, target, client)
        if per_reference >= MAX_FAILURES_PER_REFERENCE or per_client >= MAX_FAILURES_PER_CLIENT:
            record_event(conn, "public", "request.secret_locked", "tracing_request", target, client)
            refused = TooManyTries("too many wrong tries; wait fifteen minutes")
        elif not _secret_opens(request, secret, cipher):
            record_event(conn, "public", FAILED, "tracing_request", target, client)
            refused = AccessDenied("unknown reference or wrong secret")
        else:
            told = told_for(request.status, newest_wish(conn, person_of(conn, request)))
            settings = conn.execute(
                select(RequestSettings).where(RequestSettings.organisation_id == request.organisation_id)
            ).first()
            contact = (settings.contact_ar if language == "ar" else settings.contact_en) if settings else None
            conn.execute(
                insert(RequestEvent).values(
                    request_id=request.id,
                    kind="disclosure",
                    status=request.status,
                    detail={"to": "family", "told": told, "language": language},
                    user_name="family",
                    created_at=now,
                )
            )
            record_event(conn, "family", "request.status_read", "tracing_request", request.reference, client)
    if refused is not None:
        raise refused
    return FamilyStatus(request.reference, told, FAMILY_TEXT[told][language], contact)


def record_wish(engine: Engine, person_id: str, wish: str, recorded_by: str, note: str | None = None) -> Wish:
    """The found person's own wish about what their family is told (the newest one counts)."""
    value = Wish(wish)
    with engine.begin() as conn:
        conn.execute(
            insert(FoundPersonWish).values(
                person_id=person_id,
                wish=value.value,
                recorded_by=recorded_by,
                recorded_at=dt.datetime.now(dt.UTC),
                note=note,
            )
        )
        record_event(
            conn, recorded_by, "request.wish_recorded", "person", person_id, detail={"wish": value.value}
        )
    return value


def requester_for_found_person(engine: Engine, reference: str, cipher: FieldCipher, user: str) -> dict | None:
    """Who is looking for the found person (name and relationship), only if the requester agreed to
    it being told; ``None`` otherwise. A disclosure event either way."""
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        request = find_request(conn, reference)
        contact = conn.execute(select(RequestContact).where(RequestContact.request_id == request.id)).first()
        allowed = bool(request.reveal_requester_to_found) and contact is not None
        told = None
        if allowed and contact is not None:
            told = {
                "name": cipher.open(contact.name, contact_context(request.id, "name")),
                "relationship": cipher.open(
                    contact.relationship, contact_context(request.id, "relationship")
                ),
            }
        conn.execute(
            insert(RequestEvent).values(
                request_id=request.id,
                kind="disclosure",
                status=request.status,
                detail={"to": "found_person", "told": "requester_identity" if allowed else "nothing"},
                user_name=user,
                created_at=now,
            )
        )
    return told
