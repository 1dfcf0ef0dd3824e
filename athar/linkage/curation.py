"""Merging and splitting persons by hand, as judgements, so that every later `athar link` keeps them.

A merge of persons A and B is one "same" judgement between a record of each: clustering joins
must-linked records first, so the two persons become one at the next run and stay one. A split of
records S off person P is a "different" judgement between each record of S and each other record of P
(cannot-links), so that no chain of pairs rejoins them. Both are recorded as a `Curation` (who, why,
which pairs), shown on the person's page and undoable: an undo judges the same pairs "unsure", which
leaves them to the model again, unless a reviewer has judged a pair since (then that judgement stands).

Each record involved must be one the acting user may see (`athar.accounts.visibility`), which the
caller checks; here the records are checked to belong to the persons named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, or_, select

from athar.errors import AtharError
from athar.linkage.keys import pair_key
from athar.linkage.store_io import latest_judgements
from athar.store.tables import Curation, Decision, Judgement, Membership, Source

MAX_SPLIT_PAIRS = 10_000
Pair = tuple[str, str, str]  # left ref, right ref, decision


class CurationError(AtharError, ValueError):
    """A merge, split or undo that cannot be made (unknown person, nothing to split, no reason)."""


@dataclass(frozen=True)
class CurationView:
    id: int
    kind: str
    person_id: str
    other_person_id: str | None
    records: list[str]
    reason: str
    user_name: str
    created_at: dt.datetime
    undone: bool


def person_record_refs(conn: Connection, person_id: str) -> list[str]:
    """The person's records as SOURCE:RECORD_ID, in a stable order."""
    rows = conn.execute(
        select(Source.name, Membership.record_id)
        .join(Source, Source.id == Membership.source_id)
        .where(Membership.person_id == person_id)
        .order_by(Source.name, Membership.record_id)
    )
    return [f"{s}:{r}" for s, r in rows]


def _judge(
    conn: Connection, pairs: list[tuple[str, str, str]], user: str, note: str, now: dt.datetime
) -> None:
    rows = []
    for left, right, decision in pairs:
        a, b = sorted([tuple(left.split(":", 1)), tuple(right.split(":", 1))])
        rows.append(
            dict(
                left_source=a[0],
                left_record_id=a[1],
                right_source=b[0],
                right_record_id=b[1],
                decision=decision,
                user_name=user,
                created_at=now,
                note=note,
            )
        )
    if rows:
        conn.execute(insert(Judgement), rows)


@dataclass(frozen=True)
class _Act:
    """Who makes a curation, why, for which organisation, and when."""

    user: str
    reason: str
    organisation_id: int | None
    now: dt.datetime


def _carry_out(
    conn: Connection,
    act: _Act,
    kind: str,
    person_id: str,
    pairs: list[Pair],
    other_person_id: str | None = None,
    undoes: int | None = None,
) -> int:
    """Record the curation and append its judgements (each noting the curation and its reason)."""
    curation_id = conn.execute(
        insert(Curation)
        .values(
            kind=kind,
            person_id=person_id,
            other_person_id=other_person_id,
            pairs=[list(p) for p in pairs],
            undoes=undoes,
            reason=act.reason,
            user_name=act.user,
            organisation_id=act.organisation_id,
            created_at=act.now,
        )
        .returning(Curation.id)
    ).scalar_one()
    _judge(conn, pairs, act.user, f"{kind} {curation_id}: {act.reason}", act.now)
    return curation_id


def _act(user: str, reason: str, organisation_id: int | None) -> _Act:
    if not reason.strip():
        raise CurationError("a merge, split or undo needs a reason")
    return _Act(user, reason.strip(), organisation_id, dt.datetime.now(dt.UTC))


def merge_persons(
    engine: Engine, person_id: str, other_person_id: str, user: str, reason: str, organisation_id: int | None
) -> int:
    """Judge one record of each person "same"; the next `athar link` makes them one person."""
    act = _act(user, reason, organisation_id)
    if person_id == other_person_id:
        raise CurationError("a person cannot be merged with itself")
    with engine.begin() as conn:
        mine, theirs = person_record_refs(conn, person_id), person_record_refs(conn, other_person_id)
        if not mine or not theirs:
            raise CurationError("no such person")
        pairs = [(mine[0], theirs[0], Decision.SAME.value)]
        return _carry_out(conn, act, "merge", person_id, pairs, other_person_id=other_person_id)


def split_person(
    engine: Engine, person_id: str, records: list[str], user: str, reason: str, organisation_id: int | None
) -> int:
    """Judge each record in `records` "different" from each other record of the person."""
    act = _act(user, reason, organisation_id)
    with engine.begin() as conn:
        held = person_record_refs(conn, person_id)
        chosen = sorted(set(records))
        if not held:
            raise CurationError("no such person")
        if not chosen or any(r not in held for r in chosen):
            raise CurationError("choose records of this person to split off")
        rest = [r for r in held if r not in chosen]
        if not rest:
            raise CurationError("a split must leave at least one record with the person")
        if len(chosen) * len(rest) > MAX_SPLIT_PAIRS:
            raise CurationError(f"a split may judge at most {MAX_SPLIT_PAIRS:,} pairs; split in steps")
        pairs = [(a, b, Decision.DIFFERENT.value) for a in chosen for b in rest]
        return _carry_out(conn, act, "split", person_id, pairs)


def undo_curation(
    engine: Engine, curation_id: int, user: str, reason: str, organisation_id: int | None
) -> int:
    """Judge the curation's pairs "unsure" again, except those a reviewer has judged since."""
    act = _act(user, reason, organisation_id)
    with engine.begin() as conn:
        original = conn.execute(select(Curation).where(Curation.id == curation_id)).first()
        if original is None or original.kind == "undo":
            raise CurationError("no such merge or split")
        if conn.execute(select(Curation.id).where(Curation.undoes == curation_id)).first() is not None:
            raise CurationError("already undone")
        latest = latest_judgements(conn)
        pairs = [
            (left, right, Decision.UNSURE.value)
            for left, right, decision in original.pairs
            if latest.get(pair_key(tuple(left.split(":", 1)), tuple(right.split(":", 1)))) == decision
        ]
        return _carry_out(
            conn, act, "undo", original.person_id, pairs, original.other_person_id, undoes=curation_id
        )


def curations_of(engine: Engine, person_id: str) -> list[CurationView]:
    """Merges and splits made on the person (or joining another into them), newest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Curation)
            .where(
                Curation.kind != "undo",
                or_(Curation.person_id == person_id, Curation.other_person_id == person_id),
            )
            .order_by(Curation.id.desc())
        ).all()
        undone = set(conn.execute(select(Curation.undoes).where(Curation.undoes.is_not(None))).scalars())
    views = []
    for c in rows:
        records = sorted({pair[0] for pair in c.pairs}) if c.kind == "split" else []
        views.append(
            CurationView(
                id=c.id,
                kind=c.kind,
                person_id=c.person_id,
                other_person_id=c.other_person_id,
                records=records,
                reason=c.reason,
                user_name=c.user_name,
                created_at=c.created_at,
                undone=c.id in undone,
            )
        )
    return views
