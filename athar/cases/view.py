"""A case as one principal may see it: the person's visible records, the status, its history, and
the families' inquiries for the roles that record them (`case.inquiry`).

Pages and the JSON API read a case only through `case_view`, so who may see what of a case is
decided here once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from athar.accounts.permissions import Principal, allowed
from athar.accounts.visibility import visible_person
from athar.cases.events import case_events
from athar.cases.status import person_status


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

    @property
    def history(self) -> list[dict]:
        """Status changes, oldest first."""
        return [e for e in self.events if e["kind"] == "status"]

    @property
    def inquiries(self) -> list[dict]:
        """Families' inquiries, oldest first (none for a role that may not see them)."""
        return [e for e in self.events if e["kind"] == "inquiry"]


def case_view(engine: Engine, person_id: str, principal: Principal) -> CaseView:
    """The case of `person_id` as `principal` may see it; `PersonNotVisible` when none of the person's
    records is visible (whether or not the person exists)."""
    records = visible_person(engine, person_id, principal)
    inquiries_visible = may_see_inquiries(principal)
    events = [e for e in case_events(engine, person_id) if inquiries_visible or e["kind"] != "inquiry"]
    return CaseView(person_id, records, person_status(engine, person_id), events, inquiries_visible)
