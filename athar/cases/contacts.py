"""A family's inquiry as given, sealed apart from the append-only case event, and its erasure.

The case event of an inquiry says who recorded it, for which organisation, and when; what the family
gave (name, relationship, phone, other contact, note) is one sealed value in `inquiry_contacts`, bound
to the event's id, so a sealed value copied to another inquiry does not open. Erasure deletes that row
with SQLite's ``secure_delete`` on and the write-ahead log truncated (as `athar.requests.erasure` does
for requesters); the inquiry's case event stays as the tombstone, and the erasure is appended as a case
event of its own (`inquiry_erased`, with the reason) and audited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, insert, select, text

from athar.accounts.permissions import Principal
from athar.audit import record_event
from athar.cases.errors import CaseError
from athar.cases.scope import owns_event
from athar.errors import AtharError
from athar.protect import FieldCipher, load_keyring
from athar.store.tables import CaseEvent, InquiryContact


class InquiryNotFound(AtharError, LookupError):
    """No such inquiry on this person, or not one the principal's organisation recorded."""


class ErasureNeedsReason(CaseError):
    """An erasure without a reason: the tombstone and the audit log keep why the details went."""


class AlreadyErased(CaseError):
    """The inquiry's contact details are gone already; only its tombstone is left."""


def store_cipher(engine: Engine) -> FieldCipher:
    """The store's field cipher: keys from ATHAR_DATA_KEY (or _FILE), else the key file beside a SQLite
    store (`athar.protect.keys`)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    return FieldCipher(load_keyring(database))


def inquiry_context(event_id: int) -> str:
    return f"inquiry_contacts:{event_id}"


def seal_inquiry(cipher: FieldCipher, event_id: int, contact: dict) -> str:
    return cipher.seal_json(contact, inquiry_context(event_id))


def open_inquiry(cipher: FieldCipher, event_id: int, sealed: str) -> dict:
    opened = cipher.open_json(sealed, inquiry_context(event_id))
    return opened if isinstance(opened, dict) else {}


def erase_inquiry(
    engine: Engine,
    person_id: str,
    event_id: int,
    reason: str,
    principal: Principal,
    client: str | None = None,
) -> dict:
    """Remove what the family gave in inquiry `event_id` for good; return the tombstone. Only the
    organisation that recorded the inquiry erases it (`InquiryNotFound` for anyone else, as for an id
    that does not exist)."""
    if not reason.strip():
        raise ErasureNeedsReason("erasure needs a reason")
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
        event = conn.execute(
            select(CaseEvent.id, CaseEvent.kind, CaseEvent.organisation_id, CaseEvent.shared).where(
                CaseEvent.id == event_id, CaseEvent.person_id == person_id
            )
        ).first()
        if event is None or event.kind != "inquiry" or not owns_event(dict(event._mapping), principal):
            raise InquiryNotFound(f"no inquiry {event_id} of this organisation on this person")
        erased = conn.execute(delete(InquiryContact).where(InquiryContact.case_event_id == event_id))
        if erased.rowcount == 0:
            raise AlreadyErased(f"inquiry {event_id} was already erased")
        tombstone = dict(
            person_id=person_id,
            kind="inquiry_erased",
            detail={"inquiry": event_id, "reason": reason.strip()},
            user_name=principal.name,
            created_at=now,
            organisation_id=principal.organisation_id,
            shared=False,
        )
        conn.execute(insert(CaseEvent).values(**tombstone))
        record_event(
            conn, principal.name, "case.inquiry_erased", "person", person_id, client, {"inquiry": event_id}
        )
    _scrub_free_space(engine)
    return tombstone


def inquiry_person(engine: Engine, event_id: int) -> str:
    """The person whose case holds inquiry `event_id` (`InquiryNotFound` if there is no such inquiry):
    the command line names an inquiry by its number alone."""
    with engine.connect() as conn:
        person_id = conn.execute(
            select(CaseEvent.person_id).where(CaseEvent.id == event_id, CaseEvent.kind == "inquiry")
        ).scalar()
    if person_id is None:
        raise InquiryNotFound(f"no inquiry {event_id}")
    return person_id


def _scrub_free_space(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM inquiry_contacts"))
