"""Who each body may be: the missing persons of the store ranked for remains cases, with DNA reports.

Candidates are persons (linked records) or, for records no linkage run has placed in a person yet,
the record itself as ``source:record_id``: a store holding one ante-mortem list ranks without being
linked. A DNA report at or above the posterior threshold puts its person first, with the report as
evidence; a report below it is shown and moves nothing.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, Engine, func, select

from athar.places.lookup import governorate_of
from athar.remains.build import body_from_row, persons_from_rows
from athar.remains.ranking import Body, Ranker, SiteFacts
from athar.store.tables import (
    CaseEvent,
    DnaReport,
    LinkRun,
    Membership,
    Person,
    Record,
    RemainsCase,
    Site,
    Source,
    TracingRequest,
)

DEFAULT_POSTERIOR_THRESHOLD = 0.9995
EVENT_KINDS = ("family_report", "detention_register", "other")  # an event that is a disappearance
CLOSED_STATUSES = ("located_alive", "remains_identified")


@dataclass
class Pool:
    """The ranker over the store's open missing persons, and how records map to candidate keys."""

    ranker: Ranker
    key_of_reference: dict[str, str]
    references: dict[str, list[str]]
    governorates: dict[str, int]
    persons: set[str]

    def person_id(self, key: str) -> str | None:
        return key if key in self.persons else None


def _rows(conn: Connection) -> Iterable[dict]:
    request_am = {
        (r.source_id, r.record_id): r
        for r in conn.execute(
            select(
                TracingRequest.source_id,
                TracingRequest.record_id,
                TracingRequest.height_cm,
                TracingRequest.dental,
                TracingRequest.marks,
                TracingRequest.clothing,
            ).where(TracingRequest.erased_at.is_(None))
        )
    }
    query = (
        select(
            Source.name.label("source"),
            Source.kind,
            Record.source_id,
            Record.record_id,
            Record.sex,
            Record.birth_date,
            Record.age,
            Record.event_date,
            Record.event_place,
            Record.height_cm,
            Record.dental,
            Record.marks,
            Record.clothing,
            Membership.person_id,
            Person.status,
        )
        .join(Source, Source.id == Record.source_id)
        .outerjoin(
            Membership,
            (Membership.source_id == Record.source_id) & (Membership.record_id == Record.record_id),
        )
        .outerjoin(Person, Person.id == Membership.person_id)
        .where(Record.is_current.is_(True), ~Source.name.startswith("site: "))
    )
    result = conn.execute(query)
    names = tuple(result.keys())
    # Rows read as tuples, fetched many at once: a Row's mapping per record, fetched one at a time, cost half
    # of building the pool.
    for chunk in result.partitions(10_000):
        for values in chunk:
            row = dict(zip(names, values, strict=True))
            am = request_am.get((row["source_id"], row["record_id"]))
            if am is not None:
                for column in ("height_cm", "dental", "marks", "clothing"):
                    row[column] = row[column] or getattr(am, column)
            yield row


def load_pool(conn: Connection) -> Pool:
    grouped: dict[str, dict] = {}
    references: dict[str, list[str]] = defaultdict(list)
    persons: set[str] = set()
    place_cache: dict[str, str | None] = {}
    for row in _rows(conn):
        if row["status"] in CLOSED_STATUSES:
            continue
        reference = f"{row['source']}:{row['record_id']}"
        key = row["person_id"] or reference
        if row["person_id"]:
            persons.add(key)
        references[key].append(reference)
        merged = grouped.setdefault(key, {"key": key})
        for column in ("sex", "birth_date", "age", "height_cm", "dental"):
            if merged.get(column) in (None, "") and row[column] not in (None, ""):
                merged[column] = row[column]
        earlier = not merged.get("event_date") or (row["event_date"] or "9") < merged["event_date"]
        if row["kind"] in EVENT_KINDS and row["event_date"] and earlier:
            merged["event_date"] = row["event_date"]
            place = row["event_place"]
            if place and place not in place_cache:
                place_cache[place] = governorate_of(place)
            merged["governorate"] = place_cache.get(place) if place else None
        for column in ("marks", "clothing"):
            if row[column]:
                merged[column] = f"{merged[column]}; {row[column]}" if merged.get(column) else row[column]
    codes = {g: i for i, g in enumerate(sorted({v for v in place_cache.values() if v}))}
    for site_gov in conn.execute(select(Site.governorate).distinct()).scalars():
        if site_gov and site_gov not in codes:
            codes[site_gov] = len(codes)
    ranker = Ranker(persons_from_rows(grouped.values(), codes))
    key_of = {ref: key for key, refs in references.items() for ref in refs}
    return Pool(ranker, key_of, dict(references), codes, persons)


def pool_state(conn: Connection) -> tuple:
    """What a pool is built from, cheaply: records and memberships (counts and newest ids), link runs,
    case events (a status change closes or reopens a person), tracing requests (their ante-mortem
    columns; erasure), and the sources' names and kinds and the sites' governorates, which are few."""
    count_and_newest = [
        conn.execute(select(func.count(), func.max(table.id))).one()
        for table in (Record, Membership, LinkRun, CaseEvent, TracingRequest)
    ]
    erased = conn.execute(select(func.count()).where(TracingRequest.erased_at.is_not(None))).scalar()
    sources = conn.execute(select(Source.id, Source.name, Source.kind).order_by(Source.id)).all()
    sites = conn.execute(select(Site.governorate).distinct().order_by(Site.governorate)).scalars().all()
    return (*(tuple(r) for r in count_and_newest), erased, tuple(map(tuple, sources)), tuple(sites))


class PoolCache:
    """The last pool built, kept while the store's `pool_state` stands. A body page ranks one body
    against every open missing person, and building the pool (every current record read and merged)
    was nearly all of its time. One user at a time: the ranker scores into buffers of its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: tuple | None = None
        self._pool: Pool | None = None

    @contextmanager
    def using(self, conn: Connection) -> Iterator[Pool]:
        state = pool_state(conn)
        with self._lock:
            if self._pool is None or state != self._state:
                self._pool, self._state = load_pool(conn), state
            yield self._pool


def _pool(conn: Connection, pools: PoolCache | None) -> AbstractContextManager[Pool]:
    return pools.using(conn) if pools is not None else nullcontext(load_pool(conn))


def load_bodies(conn: Connection, case_ids: list[str] | None, governorates: dict[str, int]) -> list[Body]:
    """The named cases, or every open case (not confirmed, not a part of another)."""
    query = select(
        RemainsCase.__table__, Site.used_from, Site.used_to, Site.governorate.label("site_governorate")
    ).join(Site, Site.id == RemainsCase.site_id)
    if case_ids:
        query = query.where(RemainsCase.case_id.in_(case_ids))
    else:
        query = query.where(RemainsCase.part_of_id.is_(None))
    found = conn.execute(query.order_by(RemainsCase.case_id)).all()
    if case_ids:
        missing = sorted(set(case_ids) - {case.case_id for case in found})
        if missing:
            raise KeyError(f"no remains case {', '.join(missing)}")
    else:
        confirmed = set(_confirmed_cases(conn))
        found = [c for c in found if c.id not in confirmed]
    bodies = []
    for case in found:
        facts = SiteFacts(case.used_from, case.used_to, governorates.get(case.site_governorate or "", -1))
        bodies.append(body_from_row(dict(case._mapping), facts))
    return bodies


def _confirmed_cases(conn: Connection) -> list[int]:
    from athar.remains.workflow import current_steps

    return [case for (case, _, _), step in current_steps(conn).items() if step.step == "confirmed"]


def dna_reports_by_case(conn: Connection) -> dict[str, list[dict]]:
    rows = conn.execute(
        select(DnaReport.__table__, RemainsCase.case_id.label("case_id"), Source.name.label("source"))
        .join(RemainsCase, RemainsCase.id == DnaReport.remains_case_id)
        .join(Source, Source.id == DnaReport.source_id)
        .order_by(DnaReport.id)
    )
    out: dict[str, list[dict]] = defaultdict(list)
    for report in rows:
        out[report.case_id].append(
            {
                "reference": f"{report.source}:{report.record_id}",
                "dna_sample_id": report.dna_sample_id,
                "posterior": report.posterior,
                "likelihood_ratio": report.likelihood_ratio,
                "relationship": report.relationship,
                "lab": report.lab,
                "report_date": report.report_date,
            }
        )
    return out


def rank_cases(
    engine: Engine,
    case_ids: list[str] | None = None,
    top: int = 10,
    threshold: float = DEFAULT_POSTERIOR_THRESHOLD,
    pools: PoolCache | None = None,
) -> list[dict]:
    """`[{case_id, candidates: [{person_id, record, score, features, dna}], dna_reports}]`."""
    with engine.connect() as conn, _pool(conn, pools) as pool:
        bodies = load_bodies(conn, case_ids, pool.governorates)
        reports = dna_reports_by_case(conn)
        return _ranked(pool, bodies, reports, top, threshold)


def _ranked(
    pool: Pool, bodies: list[Body], reports: dict[str, list[dict]], top: int, threshold: float
) -> list[dict]:
    out = []
    for body in bodies:
        candidates = [
            {
                "person_id": pool.person_id(c.key),
                "records": pool.references.get(c.key, []),
                "score": c.score,
                "features": c.features,
            }
            for c in pool.ranker.rank(body, top=top)
        ]
        shown = reports.get(body.case_id, [])
        conclusive = [r for r in shown if r["posterior"] >= threshold]
        for report in sorted(conclusive, key=lambda r: r["posterior"]):
            key = pool.key_of_reference.get(report["reference"], report["reference"])
            candidates = [c for c in candidates if c["records"] != pool.references.get(key)]
            candidates.insert(
                0,
                {
                    "person_id": pool.person_id(key),
                    "records": pool.references.get(key, [report["reference"]]),
                    "score": None,
                    "features": {},
                    "dna": report,
                },
            )
        out.append(
            {
                "case_id": body.case_id,
                "candidates": candidates[: max(top, len(conclusive))],
                "dna_reports": [{**r, "conclusive": r["posterior"] >= threshold} for r in shown],
                "dna_conflict": len({r["reference"] for r in conclusive}) > 1,
            }
        )
    return out


def bodies_for(engine: Engine, who: str, top: int = 10, pools: PoolCache | None = None) -> list[dict]:
    """The reverse: open remains cases ranked for one missing person (a person id, or a record as
    `source:record_id`), each with the same per-feature explanation and the body's rank of this person."""
    with engine.connect() as conn, _pool(conn, pools) as pool:
        key = pool.key_of_reference.get(who, who)
        if key not in pool.references:
            raise KeyError(f"no open missing person or record {who!r}")
        index = pool.ranker.persons.keys.index(key)
        bodies = load_bodies(conn, None, pool.governorates)
        scored = [_score_for(body, pool.ranker.feature_vectors(body), index) for body in bodies]
    scored.sort(key=lambda s: (-float(s["score"]), str(s["case_id"])))
    return scored[:top]


def _score_for(body: Body, vectors: dict[str, np.ndarray], index: int) -> dict:
    """One body's score for the person at `index`, read from its feature vectors at once (the ranker
    may reuse their buffers for the next body)."""
    total = np.sum(list(vectors.values()), axis=0)
    return {
        "case_id": body.case_id,
        "score": round(sum(float(v[index]) for v in vectors.values()), 3),
        "features": {name: round(float(v[index]), 3) for name, v in vectors.items()},
        "rank_among_candidates": int((total > total[index]).sum()) + 1,
    }
