"""A case's append-only history: case events (status changes, families' inquiries), read and added.

A family's inquiry is a case event of kind `inquiry` holding only the contact details the family chose
to give. Nothing updates or deletes a case event (the store's triggers refuse it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert, select

from athar.store.tables import CaseEvent

INQUIRY_FIELDS: tuple[str, ...] = ("contact_name", "relationship", "phone", "other_contact", "note")


def case_events(engine: Engine, person_id: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(*CaseEvent.__table__.columns)
            .where(CaseEvent.person_id == person_id)
            .order_by(CaseEvent.id)
        ).mappings()
        return [dict(r) for r in rows]


def record_inquiry(engine: Engine, person_id: str, contact: dict, user: str) -> dict:
    """A family's inquiry about the person, with only the contact details they chose to give; returns
    the case event."""
    detail = {k: v.strip() for k, v in contact.items() if k in INQUIRY_FIELDS and v and v.strip()}
    if not detail:
        raise ValueError("an inquiry needs at least one detail")
    event = dict(
        person_id=person_id, kind="inquiry", detail=detail, user_name=user, created_at=dt.datetime.now(dt.UTC)
    )
    with engine.begin() as conn:
        conn.execute(insert(CaseEvent).values(**event))
    return event
