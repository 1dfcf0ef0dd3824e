"""A case as one principal may see it: the person's visible records, the status, its history, and
the families' inquiries, each event as much of it as the principal's organisation may see
(`athar.cases.scope`).

Pages and the JSON API read a case only through `case_view`, so who may see what of a case is
decided here once:

* a status change recorded by another organisation, and not shared by it, is shown as the change of
  status alone: its reason, evidence, event date's source and recorder are withheld (`withheld`);
* a family's inquiry is shown only to roles that record inquiries (`case.inquiry`), and only when the
  principal's organisation recorded it or the recording one shared it; its contact is opened from
  its sealed row (None once erased, with the erasure's time);
* an erasure's own event (its reason) stays with the organisation that erased.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from athar.accounts.permissions import Principal, allowed
from athar.accounts.visibility import visible_person
from athar.cases.contacts import open_inquiry
from athar.cases.events import case_events
from athar.cases.scope import event_open_to, may_update_case, owns_event
from athar.cases.status import person_status
from athar.protect import FieldCipher

WITHHELD = ("reason", "evidence", "user_name")


def may_see_inquiries(principal: Principal) -> bool:
    """Families' inquiries hold their contact details: only roles that record them see them."""
    return allowed(principal.role, "case.inquiry")


@dataclass(frozen=True)
class CaseView:
    person_id: str
    records: list[dict]  # the person's records from the sources the principal may see
    status: str | None
    events: list[dict]  # the case events the principal may see, oldest first
    inquiries_visible: bool
    may_update: bool = False  # whether the principal has the right to change the status

    @property
    def history(self) -> list[dict]:
        """Status changes, oldest first."""
        return [e for e in self.events if e["kind"] == "status"]

    @property
    def inquiries(self) -> list[dict]:
        """Families' inquiries, oldest first (none for a role that may not see them)."""
        return [e for e in self.events if e["kind"] == "inquiry"]


def _status_as_seen(event: dict, principal: Principal) -> dict:
    seen = {**event, "own": owns_event(event, principal), "withheld": not event_open_to(event, principal)}
    if seen["withheld"]:
        seen.update(dict.fromkeys(WITHHELD))
    return seen


def _inquiry_as_seen(event: dict, principal: Principal, cipher: FieldCipher | None, erasures: dict) -> dict:
    seen = {k: v for k, v in event.items() if k != "sealed"}
    sealed = event.get("sealed")
    contact = open_inquiry(cipher, event["id"], sealed) if sealed and cipher is not None else None
    return {
        **seen,
        "own": owns_event(event, principal),
        "contact": contact,
        "erased": erasures.get(event["id"]),
    }


def case_view(
    engine: Engine, person_id: str, principal: Principal, cipher: FieldCipher | None = None
) -> CaseView:
    """The case of `person_id` as `principal` may see it; `PersonNotVisible` when none of the person's
    records is visible (whether or not the person exists). Inquiries' contacts are opened with
    `cipher` (without one they read as None)."""
    records = visible_person(engine, person_id, principal)
    inquiries_visible = may_see_inquiries(principal)
    everything = case_events(engine, person_id)
    erasures = {
        (e["detail"] or {}).get("inquiry"): e["created_at"]
        for e in everything
        if e["kind"] == "inquiry_erased"
    }
    events = []
    for event in everything:
        if event["kind"] == "status":
            events.append({k: v for k, v in _status_as_seen(event, principal).items() if k != "sealed"})
        elif event["kind"] == "inquiry":
            if inquiries_visible and event_open_to(event, principal):
                events.append(_inquiry_as_seen(event, principal, cipher, erasures))
        elif event["kind"] != "inquiry_erased" and event_open_to(event, principal):
            events.append({k: v for k, v in event.items() if k != "sealed"})
    return CaseView(
        person_id,
        records,
        person_status(engine, person_id),
        events,
        inquiries_visible,
        may_update_case(engine, person_id, principal),
    )
