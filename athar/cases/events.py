"""A case's append-only history: case events (status changes, families' inquiries), read and added.

A family's inquiry is a case event of kind `inquiry` that says who recorded it, for which organisation
and whether that organisation shares it; what the family chose to give is sealed apart
(`athar.cases.contacts`), so that it can be erased while the history stays. Nothing updates or deletes
a case event (the store's triggers refuse it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert, select

from athar.accounts.permissions import Principal
from athar.cases.contacts import seal_inquiry
from athar.cases.errors import CaseError
from athar.protect import FieldCipher
from athar.store.tables import CaseEvent, InquiryContact

INQUIRY_FIELDS: tuple[str, ...] = ("contact_name", "relationship", "phone", "other_contact", "note")


def case_events(engine: Engine, person_id: str) -> list[dict]:
    """Every case event of the person, oldest first, each with `sealed` (an inquiry's sealed contact,
    None once erased or for other kinds)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(*CaseEvent.__table__.columns, InquiryContact.sealed)
            .outerjoin(InquiryContact, InquiryContact.case_event_id == CaseEvent.id)
            .where(CaseEvent.person_id == person_id)
            .order_by(CaseEvent.id)
        ).mappings()
        return [dict(r) for r in rows]


def record_inquiry(
    engine: Engine,
    person_id: str,
    contact: dict,
    principal: Principal,
    cipher: FieldCipher,
    shared: bool = False,
) -> dict:
    """A family's inquiry about the person, with only the contact details they chose to give, recorded
    for the principal's organisation (shown to others only if `shared`); returns the case event with
    the contact as given (`contact`)."""
    detail = {k: v.strip() for k, v in contact.items() if k in INQUIRY_FIELDS and v and v.strip()}
    if not detail:
        raise CaseError("an inquiry needs at least one detail")
    event = dict(
        person_id=person_id,
        kind="inquiry",
        detail=None,
        user_name=principal.name,
        created_at=dt.datetime.now(dt.UTC),
        organisation_id=principal.organisation_id,
        shared=shared,
    )
    with engine.begin() as conn:
        event_id = conn.execute(insert(CaseEvent).values(**event).returning(CaseEvent.id)).scalar_one()
        conn.execute(
            insert(InquiryContact).values(
                case_event_id=event_id, sealed=seal_inquiry(cipher, event_id, detail)
            )
        )
    return {**event, "id": event_id, "contact": detail, "erased": None}
