"""A person's case: the status, its append-only history (case events), inquiries, and the timeline.

The status changes only through `change_status`, which appends a case event (kind `status`, with the
reason and the evidence) and sets `persons.status` in one transaction; nothing updates or deletes a
case event. A family's inquiry is a case event of kind `inquiry` holding the contact details the family
chose to give.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert, select, update

from athar.store.tables import CaseEvent, Person

STATUSES: tuple[str, ...] = (
    "missing",
    "detention_record_found",
    "located_alive",
    "deceased",
    "remains_identified",
)
INQUIRY_FIELDS: tuple[str, ...] = ("contact_name", "relationship", "phone", "other_contact", "note")

# What a record's event date means, by its source's kind (`athar.store.tables.SOURCE_KINDS`): a family
# report's date is when the person was last seen, a detention register's the detention, a morgue's or
# hospital's the death, a returnee registration's the return. Other lists (and sources from before kinds
# existed, whose kind may read as NULL) give a plain "record".
TIMELINE_KINDS: dict[str, str] = {
    "family_report": "last_seen",
    "detention_register": "detention_record",
    "hospital_or_morgue": "died",
    "returnee_registration": "returned",
}


def record_event_kind(source_kind: str | None) -> str:
    return TIMELINE_KINDS.get(source_kind or "other", "record")


def valid_event_date(value: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real year, month or day (2015-02-30 is not one)."""
    parts = value.split("-")
    if not 1 <= len(parts) <= 3 or [len(p) for p in parts] != [4, 2, 2][: len(parts)]:
        return False
    if not all(p.isascii() and p.isdigit() for p in parts):
        return False
    year, month, day = (int(p) for p in (*parts, "01", "01")[:3])
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return year >= 1000


STATUS_CHANGE_PROBLEMS = {
    "status": f"status must be one of {', '.join(STATUSES)}",
    "reason": "a status change needs a reason and evidence",
    "date": "the event date must be a real date written YYYY, YYYY-MM or YYYY-MM-DD",
}


def status_change_problem(status: str, reason: str, evidence: str, event_date: str | None) -> str | None:
    """What is wrong with a requested status change ("status", "reason" or "date"), or None."""
    if status not in STATUSES:
        return "status"
    if not reason.strip() or not evidence.strip():
        return "reason"
    if event_date and not valid_event_date(event_date):
        return "date"
    return None


def person_status(engine: Engine, person_id: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(Person.status).where(Person.id == person_id)).scalar()


def case_events(engine: Engine, person_id: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(*CaseEvent.__table__.columns)
            .where(CaseEvent.person_id == person_id)
            .order_by(CaseEvent.id)
        ).mappings()
        return [dict(r) for r in rows]


def change_status(
    engine: Engine,
    person_id: str,
    status: str,
    reason: str,
    evidence: str,
    user: str,
    event_date: str | None = None,
) -> dict:
    """Append the change to the case and set the person's status, together; returns the case event."""
    problem = status_change_problem(status, reason, evidence, event_date)
    if problem:
        raise ValueError(STATUS_CHANGE_PROBLEMS[problem])
    with engine.begin() as conn:
        previous = conn.execute(select(Person.status).where(Person.id == person_id)).scalar()
        if previous is None:
            raise ValueError("no such person")
        event = dict(
            person_id=person_id,
            kind="status",
            status=status,
            event_date=event_date,
            reason=reason.strip(),
            evidence=evidence.strip(),
            detail={"previous": previous},
            user_name=user,
            created_at=dt.datetime.now(dt.UTC),
        )
        conn.execute(insert(CaseEvent).values(**event))
        conn.execute(update(Person).where(Person.id == person_id).values(status=status))
    return event


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


def timeline(records: list[dict], events: list[dict], with_inquiries: bool) -> list[dict]:
    """Records' event dates and case events, oldest first (undated at the end)."""
    items = [
        {
            "date": r["event_date"],
            "kind": record_event_kind(r.get("source_kind")),
            "source": r["source"],
            "record": r,
        }
        for r in records
        if r.get("event_date")
    ]
    for event in events:
        if event["kind"] == "inquiry" and not with_inquiries:
            continue
        created = event["created_at"]
        date = event["event_date"] or (created.date().isoformat() if created else None)
        items.append({"date": date, "kind": event["kind"], "event": event})
    return sorted(items, key=lambda item: (item["date"] is None, item["date"] or ""))
