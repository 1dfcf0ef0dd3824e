"""Identifying a body: candidate → preliminary → DNA-supported → confirmed, reversible with a reason.

Each step is an `identification_steps` row (append-only); where a (case, record) pair stands is its
newest step. Moving forward needs the step's own proof (a DNA report at or above the threshold for
dna_supported, evidence and an investigator for confirmed); moving back or revoking needs a reason.
Confirmation sets the person's case status to remains identified (through `athar.cases.status`) and
leaves the task of telling the family on the case, in the step's own transaction: the step, the status
and the task stand or fall together. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, update

from athar.accounts.permissions import Principal, allowed
from athar.audit import record_event
from athar.cases.scope import may_update_case
from athar.cases.status import CaseNotYours, write_status_change
from athar.errors import AtharError
from athar.remains.access import may_identify
from athar.remains.candidates import DEFAULT_POSTERIOR_THRESHOLD
from athar.store.tables import (
    CaseEvent,
    CustodyEvent,
    DnaReport,
    IdentificationStep,
    Membership,
    RemainsCase,
    RemainsCaseEvent,
    Site,
    Source,
    TracingRequest,
)

ORDER = {"revoked": 0, "candidate": 1, "preliminary": 2, "dna_supported": 3, "confirmed": 4}
CONFIRMING_ROLES = ("investigator", "admin")


class IdentificationError(AtharError, ValueError):
    """A step the workflow does not allow; the message says why, `code` says which rule (for a page
    to say it in the reader's language)."""

    def __init__(self, message: str, code: str = "other") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class StepRow:
    step: str
    person_id: str | None
    user_name: str
    created_at: dt.datetime


def current_steps(conn: Connection, case_pk: int | None = None) -> dict[tuple[int, int, str], StepRow]:
    query = select(IdentificationStep).order_by(IdentificationStep.id)
    if case_pk is not None:
        query = query.where(IdentificationStep.remains_case_id == case_pk)
    out: dict[tuple[int, int, str], StepRow] = {}
    for s in conn.execute(query):
        out[(s.remains_case_id, s.source_id, s.record_id)] = StepRow(
            s.step, s.person_id, s.user_name, s.created_at
        )
    return out


def _resolve(conn: Connection, case_id: str, reference: str) -> tuple[int, int, str, str | None]:
    case_pk = conn.execute(select(RemainsCase.id).where(RemainsCase.case_id == case_id)).scalar()
    if case_pk is None:
        raise IdentificationError(f"no remains case {case_id!r}", "case")
    source, sep, record_id = reference.rpartition(":")
    source_id = conn.execute(select(Source.id).where(Source.name == source)).scalar() if sep else None
    if source_id is None:
        raise IdentificationError(f"{reference!r} names no record (write source:record_id)", "record")
    person_id = conn.execute(
        select(Membership.person_id).where(
            Membership.source_id == source_id, Membership.record_id == record_id
        )
    ).scalar()
    return case_pk, source_id, record_id, person_id


def set_step(
    engine: Engine,
    principal: Principal,
    case_id: str,
    reference: str,
    step: str,
    reason: str = "",
    evidence: str = "",
    threshold: float = DEFAULT_POSTERIOR_THRESHOLD,
) -> dict:
    """Move the identification of `case_id` as `reference` to `step`; returns the step as stored."""
    if step not in ORDER:
        raise IdentificationError(f"step must be one of {', '.join(ORDER)}", "step")
    if not allowed(principal.role, "case.update"):
        raise PermissionError(f"{principal.role} may not take identification steps")
    if step == "confirmed" and principal.role not in CONFIRMING_ROLES:
        raise PermissionError("only an investigator confirms an identification")
    reason, evidence = reason.strip(), evidence.strip()
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        case_pk, source_id, record_id, person_id = _resolve(conn, case_id, reference)
        site_organisation = conn.execute(
            select(Site.organisation_id)
            .join(RemainsCase, RemainsCase.site_id == Site.id)
            .where(RemainsCase.id == case_pk)
        ).scalar()
        if not may_identify(principal, site_organisation):
            raise PermissionError("the bodies of this site are another organisation's to identify")
        steps = current_steps(conn, case_pk)
        previous = steps.get((case_pk, source_id, record_id))
        before = previous.step if previous else None
        if before == step:
            raise IdentificationError(f"the identification is {step} already", "already")
        backwards = before is not None and ORDER[step] < ORDER[before]
        if (backwards or step == "revoked") and not reason:
            raise IdentificationError("going back or revoking an identification needs a reason", "reason")
        if step == "dna_supported":
            best = conn.execute(
                select(DnaReport.posterior).where(
                    DnaReport.remains_case_id == case_pk,
                    DnaReport.source_id == source_id,
                    DnaReport.record_id == record_id,
                )
            ).scalars()
            if max(best, default=0.0) < threshold:
                raise IdentificationError(
                    f"no DNA report on this pair reaches the posterior {threshold}", "dna"
                )
        if step == "confirmed":
            if not evidence:
                raise IdentificationError("a confirmation needs evidence", "evidence")
            if person_id is None:
                raise IdentificationError(
                    f"{reference} is in no person yet: run `athar link` first", "unlinked"
                )
            others = [
                k for k, s in steps.items() if s.step == "confirmed" and k != (case_pk, source_id, record_id)
            ]
            if others:
                raise IdentificationError(
                    f"case {case_id} is confirmed as another record; revoke that first", "confirmed_elsewhere"
                )
        status_changes = person_id is not None and (step == "confirmed" or before == "confirmed")
        if status_changes and not may_update_case(engine, str(person_id), principal):
            raise CaseNotYours()
        row = dict(
            remains_case_id=case_pk, source_id=source_id, record_id=record_id, person_id=person_id, step=step,
            reason=reason or None, evidence=evidence or None, user_name=principal.name, created_at=now,
        )  # fmt: skip
        conn.execute(insert(IdentificationStep).values(**row))
        record_event(
            conn, principal.name, "identification.step", "remains_case", case_id,
            detail={"record": reference, "step": step, "previous": before},
        )  # fmt: skip
        if step == "confirmed" and person_id:
            _confirm_case(conn, principal, person_id, case_pk, case_id, reference, reason, evidence)
        elif before == "confirmed" and person_id:
            write_status_change(
                conn, person_id, "missing", reason, f"identification of case {case_id} withdrawn", principal
            )
    return {**row, "case_id": case_id, "record": reference, "previous": before}


def _confirm_case(
    conn: Connection,
    principal: Principal,
    person_id: str,
    case_pk: int,
    case_id: str,
    reference: str,
    reason: str,
    evidence: str,
) -> None:
    """The person's status to remains identified and the task of telling the family, inside the
    confirmation's own transaction: a failure anywhere leaves neither the step nor the status."""
    site = conn.execute(
        select(Site.name).join(RemainsCase, RemainsCase.site_id == Site.id).where(RemainsCase.id == case_pk)
    ).scalar()
    write_status_change(
        conn, person_id, "remains_identified", reason or "remains identified",
        f"{evidence} (remains case {case_id}, site {site})", principal,
    )  # fmt: skip
    requests = list(
        conn.execute(
            select(TracingRequest.reference)
            .join(
                Membership,
                (Membership.source_id == TracingRequest.source_id)
                & (Membership.record_id == TracingRequest.record_id),
            )
            .where(Membership.person_id == person_id, TracingRequest.erased_at.is_(None))
        ).scalars()
    )
    conn.execute(
        insert(CaseEvent).values(
            person_id=person_id, kind="task", reason="notify the family of the identification",
            detail={"task": "notify_family", "remains_case": case_id, "record": reference,
                    "tracing_requests": requests},
            user_name=principal.name, created_at=dt.datetime.now(dt.UTC),
        )
    )  # fmt: skip


def join_case(
    engine: Engine, case_id: str, whole_case_id: str, reason: str, user: str, client: str | None = "cli"
) -> None:
    """Record `case_id` as part of `whole_case_id` (commingled remains), with the reason."""
    _part_of(engine, case_id, whole_case_id, reason, user, client)


def split_case(engine: Engine, case_id: str, reason: str, user: str, client: str | None = "cli") -> None:
    """Separate `case_id` from the case it was joined to, with the reason."""
    _part_of(engine, case_id, None, reason, user, client)


def _part_of(
    engine: Engine, case_id: str, whole: str | None, reason: str, user: str, client: str | None
) -> None:
    if not reason.strip():
        raise IdentificationError("joining or splitting remains needs a reason", "reason")
    with engine.begin() as conn:
        ids = dict(
            conn.execute(
                select(RemainsCase.case_id, RemainsCase.id).where(
                    RemainsCase.case_id.in_([case_id, whole or case_id])
                )
            ).all()
        )
        if case_id not in ids or (whole and whole not in ids):
            raise IdentificationError(f"no remains case {case_id if case_id not in ids else whole!r}", "case")
        if whole == case_id:
            raise IdentificationError("a case cannot be part of itself", "self")
        whole_of = dict(conn.execute(select(RemainsCase.id, RemainsCase.part_of_id)).all())
        current = whole_of[ids[case_id]]
        if whole is None and current is None:
            raise IdentificationError(f"case {case_id} is part of no other case", "not_joined")
        if whole is not None and current is not None:
            raise IdentificationError(
                f"case {case_id} is part of another case already; split it first", "joined"
            )
        above = ids.get(whole or "")
        while above is not None:  # the whole, the case it is part of, ...: never back to this case
            if above == ids[case_id]:
                raise IdentificationError(f"case {whole} is itself a part of case {case_id}", "cycle")
            above = whole_of.get(above)
        conn.execute(
            update(RemainsCase).where(RemainsCase.id == ids[case_id]).values(part_of_id=ids.get(whole or ""))
        )
        conn.execute(
            insert(RemainsCaseEvent).values(
                remains_case_id=ids[case_id], kind="joined" if whole else "split",
                other_case_id=ids[whole] if whole else current, reason=reason.strip(), user_name=user,
                created_at=dt.datetime.now(dt.UTC),
            )
        )  # fmt: skip
        record_event(
            conn,
            user,
            "remains.joined" if whole else "remains.split",
            "remains_case",
            case_id,
            client=client,
            detail={"reason": reason},
        )


CUSTODY_ACTIONS: tuple[str, ...] = ("recovered", "transferred", "sampled", "stored", "released")
HOLDER_LIMIT = 200
CUSTODY_TEXT_LIMIT = 2000


def record_custody(
    engine: Engine, user: str, action: str, holder: str, location: str | None = None,
    case_id: str | None = None, sample_id: str | None = None, at: dt.datetime | None = None,
    note: str | None = None, client: str | None = "cli",
) -> None:  # fmt: skip
    """Append who holds a case or a sample now, when and where (audited). `at` may be earlier than now
    (a step recorded afterwards), never later."""
    holder = " ".join(holder.split())
    location = (location or "").strip() or None
    note = (note or "").strip() or None
    if not (case_id or sample_id):
        raise IdentificationError("custody needs a case or a sample", "case")
    if action not in CUSTODY_ACTIONS:
        raise IdentificationError(
            f"action must be one of {', '.join(CUSTODY_ACTIONS)}, not {action!r}", "action"
        )
    if not holder:
        raise IdentificationError("custody needs who holds it", "holder")
    if len(holder) > HOLDER_LIMIT:
        raise IdentificationError(f"who holds it is at most {HOLDER_LIMIT} characters", "holder")
    for field, text in (("location", location), ("note", note)):
        if text and len(text) > CUSTODY_TEXT_LIMIT:
            raise IdentificationError(f"the {field} is at most {CUSTODY_TEXT_LIMIT} characters", field)
    now = dt.datetime.now(dt.UTC)
    if at is not None and at > now:
        raise IdentificationError("a custody step cannot be in the future", "at")
    with engine.begin() as conn:
        case_pk = None
        if case_id:
            case_pk = conn.execute(select(RemainsCase.id).where(RemainsCase.case_id == case_id)).scalar()
            if case_pk is None:
                raise IdentificationError(f"no remains case {case_id!r}", "case")
        conn.execute(
            insert(CustodyEvent).values(
                remains_case_id=case_pk, sample_id=sample_id, action=action, holder=holder,
                location=location, at=at or now, recorded_by=user, created_at=now, note=note,
            )
        )  # fmt: skip
        detail = {"action": action, **({"sample": sample_id} if case_id and sample_id else {})}
        record_event(
            conn, user, "remains.custody", "remains_case" if case_id else "sample", case_id or sample_id,
            client=client, detail=detail,
        )  # fmt: skip
