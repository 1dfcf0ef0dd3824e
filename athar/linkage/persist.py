"""What a linkage run writes to the store, inside the run's one transaction: the run with its model,
new persons and their events, every record's membership, the scored pairs, and review tasks."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, text, update

from athar.linkage.heap import collector_paused
from athar.linkage.ids import IdAssignment
from athar.linkage.keys import PairKey, RecordKey
from athar.linkage.review import WHY_LIKELY_SIBLINGS, WHY_OUTRANKED, WHY_UNCERTAIN
from athar.linkage.steps import Clustered, Loaded, ScoredPairs
from athar.store.bulk import bulk_insert, stored_value, value_writer
from athar.store.tables import (
    CaseStatus,
    LinkPair,
    LinkRun,
    Membership,
    Person,
    PersonEvent,
    ReviewTask,
    Source,
)


@dataclass(frozen=True)
class ReviewBand:
    """Pairs whose probability falls in [low, high) go to review."""

    low: float
    high: float


@dataclass(frozen=True)
class Persisted:
    run_id: int
    review_tasks: int


@collector_paused()
def write_run(
    conn: Connection,
    *,
    loaded: Loaded,
    scored: ScoredPairs,
    model: dict | None,
    clustered: Clustered,
    assignment: IdAssignment,
    engine: str,
    user: str,
    threshold: float,
    review: ReviewBand,
    started_at: dt.datetime,
    previous_members: dict[RecordKey, str],
) -> Persisted:
    """Everything the run produced, under a new (not yet finished) run: `finish_run` closes it.
    `previous_members` are the memberships the store holds (`store_io.memberships`): only those
    that change are written. Where the run clustered only the records a change touched
    (`Clustered.touched`), the others' memberships stay, and so do their review tasks (copied from
    the previous run, `previous_run`).

    Its hundreds of thousands of rows are made with the cyclic collector paused: each full
    collection they would trigger walks every object the run holds (`heap.collector_paused`)."""
    now = dt.datetime.now(dt.UTC)
    run_id = conn.execute(
        insert(LinkRun)
        .values(
            started_at=started_at,
            engine=engine,
            mode=loaded.mode,
            user_name=user,
            threshold=threshold,
            records=len(loaded.keys),
            new_records=len(loaded.new_keys),
            pairs_scored=len(scored),
            model=model,
        )
        .returning(LinkRun.id)
    ).scalar_one()
    _write_persons(conn, assignment, run_id, now)
    touched = clustered.touched
    if touched is not None:
        previous_members = clustered.previous_of_clustered()
    _write_memberships(
        conn, assignment.person_of_cluster, clustered.clusters, run_id, previous_members, touched is None
    )
    _write_pairs(conn, run_id, scored, clustered.dropped, full=not loaded.incremental)
    tasks = _write_review_tasks(conn, run_id, clustered, review, now)
    if touched is not None and loaded.previous is not None:
        tasks += _copy_review_tasks(conn, loaded.previous.run_id, run_id, touched)
    return Persisted(run_id, tasks)


def finish_run(conn: Connection, run_id: int, persons: int, summary: dict[str, Any]) -> None:
    conn.execute(
        update(LinkRun)
        .where(LinkRun.id == run_id)
        .values(finished_at=dt.datetime.now(dt.UTC), persons=persons, summary=summary)
    )


def _write_persons(conn: Connection, assignment: IdAssignment, run_id: int, now: dt.datetime) -> None:
    # the persons made are the clusters that took no earlier person's id (`ids.assign_ids`)
    fresh = [e["person_id"] for e in assignment.events if e["kind"] == "created"]
    created = stored_value(conn, Person.__table__.c.created_at, now)
    status = CaseStatus.MISSING.value
    bulk_insert(conn, "persons", ("id", "created_at", "status"), [(pid, created, status) for pid in fresh])
    retired = [
        {"pid": e["person_id"], "into": e["detail"]["into"][0] if e["detail"]["into"] else None}
        for e in assignment.events
        if e["kind"] in ("merged", "retired")
    ]
    if retired:  # in one statement executed many times: a run that merges thousands of persons
        conn.execute(
            update(Person)
            .where(Person.id == bindparam("pid"))
            .values(retired_at=now, merged_into=bindparam("into")),
            retired,
        )
    detail = event_detail_writer(value_writer(conn, PersonEvent.__table__.c.detail))
    bulk_insert(
        conn,
        "person_events",
        ("run_id", "person_id", "kind", "detail", "created_at"),
        [(run_id, e["person_id"], e["kind"], detail(e), created) for e in assignment.events],
    )


def event_detail_writer(write: Callable[[object], object]) -> Callable[[dict], object]:
    """An event's detail as `write` gives it (the column's stored form), the detail of a "created"
    event ({"records": n}) written once for each n: a full run's hundreds of thousands of them hold
    a few distinct details, and the same text serves."""
    by_records: dict[int, object] = {}

    def detail_of(event: dict) -> object:
        detail = event.get("detail")
        if event["kind"] == "created" and type(detail) is dict and len(detail) == 1:
            n = detail.get("records")
            if type(n) is int:  # not True, which JSON writes otherwise
                found = by_records.get(n)
                if found is None:
                    found = by_records[n] = write(detail)
                return found
        return write(detail)

    return detail_of


def _write_memberships(
    conn: Connection,
    person_of_cluster: dict[Hashable, str],
    clusters: dict[Any, list[RecordKey]],
    run_id: int,
    previous: dict[RecordKey, str],
    every_record: bool,
) -> None:
    """Each record's person: rows whose person changed (or whose record is gone) are replaced, the
    rest left as they are. An incremental run moves few records, and rewriting a million unchanged
    rows was most of its time; where most rows change, and `clusters` hold `every_record`, all are
    rewritten at once."""
    source_ids = {name: id_ for name, id_ in conn.execute(select(Source.name, Source.id))}

    def every_row() -> list[tuple]:
        return [
            (source_ids[s], r, pid, run_id)
            for c, members in clusters.items()
            for pid in (person_of_cluster[c],)
            for s, r in members
        ]

    if not previous:  # a store never linked: every record's row is new, and none to replace
        rows = every_row()
    else:
        now = {m: pid for c, members in clusters.items() for pid in (person_of_cluster[c],) for m in members}
        changed = [k for k, pid in now.items() if previous.get(k) != pid]
        gone = [k for k in previous if k not in now]
        if every_record and len(changed) + len(gone) > len(now) // 2:
            conn.execute(delete(Membership))
            rows = every_row()
        else:
            stale = [k for k in changed if k in previous] + gone
            if stale:
                conn.execute(
                    delete(Membership).where(
                        Membership.source_id == bindparam("s"), Membership.record_id == bindparam("r")
                    ),
                    [{"s": source_ids[s], "r": r} for s, r in stale],
                )
            rows = [(source_ids[k[0]], k[1], now[k], run_id) for k in changed]
    bulk_insert(conn, "memberships", ("source_id", "record_id", "person_id", "run_id"), rows)


PAIR_COLUMNS = (
    "run_id",
    "left_source",
    "left_record_id",
    "right_source",
    "right_record_id",
    "match_probability",
    "match_weight",
)


def _write_pairs(
    conn: Connection, run_id: int, scored: ScoredPairs, dropped: frozenset[PairKey], full: bool
) -> None:
    """A full run replaces every kept pair; an incremental one adds its own and drops the stored
    ones clustering no longer used (`Clustered.dropped`), each by its pair of records."""
    if full:
        conn.execute(delete(LinkPair))
    elif dropped:
        conn.execute(
            delete(LinkPair).where(
                LinkPair.left_source == bindparam("ls"),
                LinkPair.left_record_id == bindparam("lr"),
                LinkPair.right_source == bindparam("rs"),
                LinkPair.right_record_id == bindparam("rr"),
            ),
            [{"ls": ls, "lr": lr, "rs": rs, "rr": rr} for (ls, lr), (rs, rr) in dropped],
        )
    rows = [(run_id, ls, lr, rs, rr, p, w) for ((ls, lr), (rs, rr)), (p, w) in scored.items()]
    bulk_insert(conn, "link_pairs", PAIR_COLUMNS, rows)


def review_priority(probability: float, size_left: int, size_right: int, same_cluster: bool) -> float:
    """Uncertainty (entropy of the match probability) times what a decision would move."""
    p = min(max(probability, 1e-9), 1 - 1e-9)
    entropy = -(p * math.log2(p) + (1 - p) * math.log2(1 - p))
    if same_cluster:
        return entropy * 0.5
    return entropy * (1 + math.log2(size_left * size_right))


REVIEW_TASK_COLUMNS = (
    "run_id",
    "left_source",
    "left_record_id",
    "right_source",
    "right_record_id",
    "match_probability",
    "priority",
    "created_at",
    "reason",
)


def _write_review_tasks(
    conn: Connection, run_id: int, clustered: Clustered, review: ReviewBand, now: dt.datetime
) -> int:
    """Uncertain pairs, pairs kept apart as likely siblings whatever their probability, and pairs
    above the threshold set aside for a better one of their records (`rivals`) whose records are in
    two persons; none that a reviewer has judged. A record the run did not cluster again is in the
    person it kept (`Clustered.previous_members`)."""
    cluster_of: Mapping[Hashable, Hashable] = clustered.result.cluster_of
    kept_apart: set[PairKey] = set(clustered.siblings)
    outranked = clustered.outranked
    judged = clustered.judgements
    created = stored_value(conn, ReviewTask.__table__.c.created_at, now)
    wanted = [
        (pair, p)
        for pair, (p, _w) in clustered.pairs.items()
        if (review.low <= p < review.high or pair in kept_apart or pair in outranked) and pair not in judged
    ]
    sizes = Counter(cluster_of.values())
    kept = {k for (a, b), _p in wanted for k in (a, b) if k not in cluster_of}
    if kept:  # records the run left in their persons: those persons' sizes
        members = clustered.previous_members
        cluster_of = {**cluster_of, **{k: ("kept", members[k]) for k in kept}}
        persons = {members[k] for k in kept}
        sizes.update(("kept", pid) for pid in members.values() if pid in persons)
    rows = []
    for (a, b), p in wanted:
        ca, cb = cluster_of[a], cluster_of[b]
        if (a, b) in kept_apart:
            # the model is sure of a pair kept apart as siblings, but the decision is not: as if 50/50
            reason, uncertainty = WHY_LIKELY_SIBLINGS, 0.5
        elif (a, b) in outranked and ca != cb:
            # as sure as the share of the two the model gives it
            reason, uncertainty = WHY_OUTRANKED, outranked[(a, b)]
        elif not review.low <= p < review.high:
            continue  # set aside, yet one person through other pairs: nothing to decide
        else:
            reason, uncertainty = WHY_UNCERTAIN, p
        priority = round(review_priority(uncertainty, sizes[ca], sizes[cb], ca == cb), 6)
        rows.append((run_id, a[0], a[1], b[0], b[1], p, priority, created, reason))
    bulk_insert(conn, "review_tasks", REVIEW_TASK_COLUMNS, rows)
    return len(rows)


def _copy_review_tasks(
    conn: Connection, previous_run: int, run_id: int, touched: frozenset[RecordKey]
) -> int:
    """The previous run's review tasks that hold no `touched` record, under `run_id`: their pairs,
    probabilities and persons (so their priorities) are as they were. Copied by the database, with
    the touched records in a temporary table."""
    conn.execute(text("CREATE TEMPORARY TABLE athar_touched (source TEXT, record_id TEXT)"))
    try:
        bulk_insert(conn, "athar_touched", ("source", "record_id"), list(touched))
        conn.execute(text("CREATE INDEX athar_touched_key ON athar_touched (source, record_id)"))
        columns = ", ".join(REVIEW_TASK_COLUMNS[1:])
        copied = conn.execute(
            text(
                f"INSERT INTO review_tasks (run_id, {columns}) "
                f"SELECT :run_id, {columns} FROM review_tasks t WHERE t.run_id = :previous "
                "AND NOT EXISTS (SELECT 1 FROM athar_touched x "
                "WHERE x.source = t.left_source AND x.record_id = t.left_record_id) "
                "AND NOT EXISTS (SELECT 1 FROM athar_touched x "
                "WHERE x.source = t.right_source AND x.record_id = t.right_record_id)"
            ),
            {"run_id": run_id, "previous": previous_run},
        )
    finally:
        conn.execute(text("DROP TABLE athar_touched"))
    return copied.rowcount
