"""A person's case status: the statuses, what a valid change needs, and the change itself.

The status changes only through `change_status`, which appends a case event (kind `status`, with the
reason and the evidence, recorded for the principal's organisation) and sets `persons.status` in one
transaction; nothing updates or deletes a case event. Only a principal with the right to the case
(`athar.cases.scope.may_update_case`) changes it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, insert, select, update

from athar.accounts.permissions import Principal
from athar.cases.errors import CaseError
from athar.cases.scope import may_update_case
from athar.store.tables import CaseEvent, CaseStatus, Person

STATUSES: tuple[str, ...] = tuple(CaseStatus)


class CaseNotYours(PermissionError):
    """The principal may see the person but has no right to change their case."""

    def __init__(self) -> None:
        super().__init__("only an organisation that holds a record of this person may change the case")


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


def change_status(
    engine: Engine,
    person_id: str,
    status: str,
    reason: str,
    evidence: str,
    principal: Principal,
    event_date: str | None = None,
    shared: bool = False,
) -> dict:
    """Append the change to the case and set the person's status, together; returns the case event.
    The reason and evidence are the principal's organisation's, shown to others only if `shared`.
    `CaseNotYours` when the principal has no right to the case."""
    problem = status_change_problem(status, reason, evidence, event_date)
    if problem:
        raise CaseError(STATUS_CHANGE_PROBLEMS[problem])
    if not may_update_case(engine, person_id, principal):
        raise CaseNotYours()
    with engine.begin() as conn:
        return write_status_change(conn, person_id, status, reason, evidence, principal, event_date, shared)


def write_status_change(
    conn: Connection,
    person_id: str,
    status: str,
    reason: str,
    evidence: str,
    principal: Principal,
    event_date: str | None = None,
    shared: bool = False,
) -> dict:
    """The writes of `change_status` inside the caller's transaction, for a caller (confirming an
    identification) whose own writes must stand or fall with the status. The caller has checked the
    change (`status_change_problem`) and the principal's right to the case (`may_update_case`)."""
    previous = conn.execute(select(Person.status).where(Person.id == person_id)).scalar()
    if previous is None:
        raise CaseError("no such person")
    event = dict(
        person_id=person_id,
        kind="status",
        status=status,
        event_date=event_date,
        reason=reason.strip(),
        evidence=evidence.strip(),
        detail={"previous": previous},
        user_name=principal.name,
        created_at=dt.datetime.now(dt.UTC),
        organisation_id=principal.organisation_id,
        shared=shared,
    )
    event["id"] = conn.execute(insert(CaseEvent).values(**event).returning(CaseEvent.id)).scalar_one()
    conn.execute(update(Person).where(Person.id == person_id).values(status=status))
    return event
