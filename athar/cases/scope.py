"""Whose a case's events are, who sees what of them, and who may change a case.

The rule (docs/architecture.md, "Cases across organisations"):

* **An event belongs to the organisation that recorded it.** A status change's reason and evidence,
  and a family's inquiry, are shown to another organisation only when the recording one shared that
  event (`case_events.shared`, chosen per event, private by default). Another organisation sees that
  the status changed, to what and when (the status itself is the person's, shown to whoever sees the
  person), but not why, on what evidence, or by whom; it does not see a private inquiry at all.
  Events with no organisation (recorded before events were scoped, by no user) are nobody's: their
  details are shown to no organisation.
* **A status change needs the right to the case**: the `case.update` permission, and a record of the
  person in a list of the principal's own organisation. Lists that belong to no organisation are the
  admins' (as for imports, `athar.accounts.sources`), so an admin may also change the case of a person
  held by such a list. Seeing a person through another organisation's shared list gives no right to
  their case. The command line's operator holds the database and may change any case.
"""

from __future__ import annotations

from sqlalchemy import Engine, exists, or_, select

from athar.accounts.permissions import Principal, allowed
from athar.store.tables import Membership, Source


def owns_event(event: dict, principal: Principal) -> bool:
    """Whether the principal's organisation recorded this case event (the operator owns them all)."""
    if principal.kind == "operator":
        return True
    owner = event.get("organisation_id")
    return owner is not None and owner == principal.organisation_id


def event_open_to(event: dict, principal: Principal) -> bool:
    """Whether the principal may see the event's details: its organisation's own, or shared by it."""
    shared = bool(event.get("shared")) and event.get("organisation_id") is not None
    return owns_event(event, principal) or shared


def may_update_case(engine: Engine, person_id: str, principal: Principal) -> bool:
    """Whether the principal may change the person's status (see the module docstring)."""
    if not allowed(principal.role, "case.update"):
        return False
    if principal.kind == "operator":
        return True
    holders = [Source.organisation_id == principal.organisation_id] if principal.organisation_id else []
    if principal.role == "admin":
        holders.append(Source.organisation_id.is_(None))
    if not holders:
        return False
    held = exists(
        select(Membership.id)
        .join(Source, Source.id == Membership.source_id)
        .where(Membership.person_id == person_id, or_(*holders))
    )
    with engine.connect() as conn:
        return bool(conn.execute(select(held)).scalar())
