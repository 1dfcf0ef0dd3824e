"""What linkage reads from the store: the records to link, reviewers' judgements, the pairs and the
memberships earlier runs left, and a saved run's model and config.

The steps (`athar.linkage.steps`) and `explain` read the store through here only, so neither needs
the orchestrator (`athar.linkage.run`), and a record is made ready for scoring in one place.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Select, func, select

from athar.linkage.config import LinkConfig
from athar.linkage.heap import collector_paused
from athar.linkage.keys import PairKey, PairScore, RecordKey, pair_key
from athar.linkage.record_values import RecordValues, object_array, shared
from athar.store.records import current_records
from athar.store.tables import (
    CANONICAL_COLUMNS,
    Judgement,
    LinkPair,
    LinkRun,
    Membership,
    Person,
    Record,
    Source,
)


def _all_rows(conn: Connection, query: Select) -> list[tuple]:
    """Every row of `query` as plain tuples, fetched by the driver's own cursor: SQLAlchemy's
    row-by-row fetching was most of reading a million memberships, pairs or record versions."""
    with _driver_cursor(conn, query) as cursor:
        return list(cursor.fetchall())


@contextlib.contextmanager
def _driver_cursor(conn: Connection, query: Select, reads_as_it_goes: bool = False) -> Iterator[Any]:
    """A cursor of the driver's own on which `query` has been executed, closed after. With
    `reads_as_it_goes`, its `fetchmany` reads rows from the database as it goes: on PostgreSQL a
    server-side cursor (psycopg's plain cursor holds the whole result in the client once executed,
    five million records' values at once); SQLite's steps through its result anyway."""
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    if reads_as_it_goes and conn.dialect.name == "postgresql":
        cursor = dbapi.cursor(name=f"athar_records_{uuid.uuid4().hex[:8]}")
    else:
        cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
        yield cursor
    finally:
        cursor.close()


def source_kinds(engine: Engine) -> dict[str, str]:
    """Each source's kind (what its event date means: a death on a morgue's list)."""
    with engine.connect() as conn:
        return {name: kind for name, kind in conn.execute(select(Source.name, Source.kind))}


def for_scoring(record: dict, unique_id: int, kinds: dict[str, str]) -> dict:
    """A current record (`athar.store.records.current_records`) with what features and Splink read beside
    its canonical values: its number in this run, its list, and the list's kind."""
    record["unique_id"] = unique_id
    record["source_dataset"] = record["source"]
    record["source_kind"] = kinds.get(record["source"])
    return record


# Rows fetched at a time when reading every record: the values that repeat are made one object per
# chunk (`record_values.shared`) before the next is fetched, so the duplicates never all live at once.
FETCH_ROWS = 200_000


@collector_paused()
def load_records_and_versions(engine: Engine) -> tuple[RecordValues, RecordVersions]:
    """Every current record's values ready for scoring (`unique_id` its position), column by column
    (`athar.linkage.record_values`), and the versions `record_versions` gives, from one read: a full
    run needs both, and reading them apart read every record twice (at 200,000 records, half a
    second). Without the person each record belongs to, which linkage recomputes. Read with the
    cyclic collector paused: each full collection the values trigger would walk every one made so
    far (`heap.collector_paused`)."""
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    query = (
        select(Source.name.label("source"), *columns, Record.id, Record.content_hash)
        .join(Source, Source.id == Record.source_id)
        .where(Record.is_current.is_(True))
        .order_by(Record.id)
    )
    names = ("source", *CANONICAL_COLUMNS, "row_id", "content_hash")
    own = {"record_id", "row_id", "content_hash"}  # one per record: nothing to share
    kinds = source_kinds(engine)
    parts: list[list[np.ndarray]] = []
    named = list(enumerate(names))
    with engine.connect() as conn:
        with _driver_cursor(conn, query, reads_as_it_goes=True) as cursor:
            while chunk := cursor.fetchmany(FETCH_ROWS):
                table = np.empty((len(chunk), len(names)), dtype=object)
                table[:] = chunk
                del chunk
                parts.append([table[:, i].copy() if n in own else shared(table[:, i]) for i, n in named])
                del table
        max_row = conn.execute(select(func.max(Record.id))).scalar_one() or 0
        rank = _source_ranks(conn)
    read = {
        name: np.concatenate([part[i] for part in parts]) if parts else np.empty(0, dtype=object)
        for i, name in enumerate(names)
    }
    del parts
    # the sources' order (the database's collation), each source's rows keeping theirs: a stable
    # sort, as `_by_source_then_row` puts them
    source_codes, source_names = pd.factorize(read["source"])
    order = np.argsort(np.array([rank[s] for s in source_names], dtype=np.int64)[source_codes], kind="stable")
    read = {name: column[order] for name, column in read.items()}
    source_codes = source_codes[order]
    values = {name: read[name] for name in ("source", *CANONICAL_COLUMNS)}
    values["unique_id"] = object_array(range(len(order)))
    values["source_dataset"] = values["source"]
    values["source_kind"] = object_array([kinds.get(s) for s in source_names])[source_codes]
    keys = list(zip(values["source"].tolist(), values["record_id"].tolist(), strict=True))
    versions = RecordVersions(keys, read["row_id"].tolist(), read["content_hash"].tolist(), max_row)
    return RecordValues(values), versions


def _by_source_then_row(conn: Connection, query: Select) -> list[tuple]:
    """The rows of `query`, whose first column is the source's name and which reads `Record`, in
    the order of `ORDER BY Source.name, Record.id`: the database reads them by row id, which costs
    it no sort (SQLite scans the records table in that order), and they are put in the sources'
    order here, each source's rows keeping theirs (a stable sort, near linear: a list is imported
    in one go, so its rows come together). The sources' order is the database's, so its collation."""
    found = _all_rows(conn, query.order_by(Record.id))
    rank = _source_ranks(conn)
    found.sort(key=lambda row: rank[row[0]])
    return found


def _source_ranks(conn: Connection) -> dict[str, int]:
    """Each source's place in the database's order of source names (its collation)."""
    names = conn.execute(select(Source.name).order_by(Source.name)).scalars()
    return {name: i for i, name in enumerate(names)}


class RecordVersions(NamedTuple):
    """The current records as keys, in `load_records_and_versions`' order, with each one's version."""

    keys: list[RecordKey]
    row_ids: list[int]  # the version's row in the records table (a new version has a higher one)
    content_hashes: list[str]  # a digest of the version's raw and canonical values
    max_row: int


def record_versions(engine: Engine) -> RecordVersions:
    """Every current record's key, row id and content hash, in `load_records_and_versions`' order
    (by source, then row): what an incremental run reads of all records; their values only where
    it needs them (`records_by_row`)."""
    query = (
        select(Source.name, Record.record_id, Record.id, Record.content_hash)
        .join(Source, Source.id == Record.source_id)
        .where(Record.is_current.is_(True))
    )
    with engine.connect() as conn:
        found = _by_source_then_row(conn, query)
        max_row = conn.execute(select(func.max(Record.id))).scalar_one() or 0
    keys = [(source, record_id) for source, record_id, _row, _hash in found]
    rows = [row for _s, _r, row, _hash in found]
    hashes = [content_hash for _s, _r, _row, content_hash in found]
    return RecordVersions(keys, rows, hashes, max_row)


# Row ids per query when reading some records by row (well under SQLite's 32,766 bound parameters).
ROWS_PER_QUERY = 5_000


def records_by_row(engine: Engine, rows: list[int], unique_ids: dict[RecordKey, int]) -> list[dict]:
    """The current records at the given row ids, ready for scoring, each numbered by `unique_ids`."""
    kinds = source_kinds(engine)
    out = []
    wanted = sorted(rows)
    for start in range(0, len(wanted), ROWS_PER_QUERY):
        chunk = wanted[start : start + ROWS_PER_QUERY]
        for r in current_records(engine, where=Record.id.in_(chunk)):
            out.append(for_scoring(r, unique_ids[(r["source"], r["record_id"])], kinds))
    return out


def load_record(engine: Engine, source: str, record_id: str, unique_id: int) -> dict | None:
    """One current record, ready for scoring as `unique_id`; None if there is none."""
    for record in current_records(engine, source, record_id):
        return for_scoring(record, unique_id, source_kinds(engine))
    return None


def record_row_ids(engine: Engine) -> dict[RecordKey, int]:
    """Each current record's row id (a new version of a record gets a higher one)."""
    query = select(Source.name, Record.record_id, Record.id).join(Source).where(Record.is_current.is_(True))
    with engine.connect() as conn:
        return {(s, r): i for s, r, i in conn.execute(query)}


def latest_judgements(conn: Connection) -> dict[PairKey, str]:
    """The newest decision on each pair (pairs unordered)."""
    rows = conn.execute(
        select(
            Judgement.left_source,
            Judgement.left_record_id,
            Judgement.right_source,
            Judgement.right_record_id,
            Judgement.decision,
        ).order_by(Judgement.id)
    )
    decisions: dict[PairKey, str] = {}
    for ls, lr, rs, rr, decision in rows:
        decisions[pair_key((ls, lr), (rs, rr))] = decision
    return decisions


def stored_pairs(conn: Connection) -> dict[PairKey, PairScore]:
    """The scored pairs the store keeps from earlier runs."""
    rows = _all_rows(
        conn,
        select(
            LinkPair.left_source,
            LinkPair.left_record_id,
            LinkPair.right_source,
            LinkPair.right_record_id,
            LinkPair.match_probability,
            LinkPair.match_weight,
        ),
    )
    return {pair_key((a, b), (c, d)): PairScore(p, w) for a, b, c, d, p, w in rows}


def memberships(conn: Connection) -> dict[RecordKey, str]:
    """The person each record belonged to after the last run."""
    query = select(Source.name, Membership.record_id, Membership.person_id).join(Source)
    return {(s, r): pid for s, r, pid in _all_rows(conn, query)}


def max_person_number(conn: Connection) -> int:
    """The highest n of the person ids P-n given so far (0 before any): the highest of the longest
    ids, read by the database (ids are P- and seven digits until there are ten million)."""
    longest = conn.execute(select(func.max(func.length(Person.id))).where(Person.id.like("P-%"))).scalar()
    if not longest:
        return 0
    top = conn.execute(
        select(func.max(Person.id)).where(Person.id.like("P-%"), func.length(Person.id) == longest)
    ).scalar_one()
    return int(top.split("-")[1])


def max_judgement_id(conn: Connection) -> int:
    """The newest judgement's id (0 before any): a later run's judgements are above it."""
    return conn.execute(select(func.max(Judgement.id))).scalar() or 0


def judged_after(conn: Connection, judgement_id: int) -> set[PairKey]:
    """The pairs judged (again) after judgement `judgement_id`."""
    rows = conn.execute(
        select(
            Judgement.left_source, Judgement.left_record_id, Judgement.right_source, Judgement.right_record_id
        ).where(Judgement.id > judgement_id)
    )
    return {pair_key((ls, lr), (rs, rr)) for ls, lr, rs, rr in rows}


@dataclass(frozen=True)
class SavedRun:
    """A finished run as saved: its Splink model and its summary, with what explain and later runs
    read from the summary."""

    run_id: int
    model: dict[str, Any] | None
    summary: dict[str, Any]

    @property
    def config(self) -> LinkConfig:
        """The run's config; today's defaults for a run saved before configs were."""
        return LinkConfig.from_json(self.summary.get("config"))

    @property
    def athar_version(self) -> str | None:
        return self.summary.get("athar_version")

    @property
    def name_roles(self) -> dict[str, float]:
        return self.summary.get("name_roles", {})

    @property
    def term_frequencies(self) -> dict[str, dict[str, float]]:
        return self.summary.get("term_frequencies", {})

    @property
    def national_ids_read_as_missing(self) -> frozenset[str]:
        """Digests of the national numbers the run read as missing (`shared_numbers`)."""
        return frozenset(self.summary.get("national_ids_read_as_missing", []))

    @property
    def max_record_row(self) -> int:
        return self.summary.get("max_record_row", 0)

    @property
    def trained_here(self) -> bool:
        """Whether this run trained its model (a full run) rather than reusing an earlier one's."""
        return self.summary.get("mode", "full") == "full"

    @property
    def source_kinds(self) -> dict[str, str]:
        """Each source holding records at this run, with its kind then (empty for an older run)."""
        return self.summary.get("source_kinds", {})

    # What the model was trained on: saved by the run that trained it and carried by each incremental
    # run after it (`athar.linkage.staleness`). A run saved before these were reads what it can.

    @property
    def model_run_id(self) -> int:
        """The run that trained this run's model."""
        return self.summary.get("model_run_id", self.run_id)

    @property
    def model_records(self) -> int | None:
        """How many records the model was trained on (None if not known)."""
        found = self.summary.get("model_records")
        return found if found is not None else (self.summary.get("records") if self.trained_here else None)

    @property
    def model_source_kinds(self) -> frozenset[str] | None:
        """The kinds of list the model was trained on (None if not known)."""
        found = self.summary.get("model_source_kinds")
        return None if found is None else frozenset(found)

    @property
    def model_athar_version(self) -> str | None:
        """The version of Athar that trained the model (None if not known)."""
        found = self.summary.get("model_athar_version")
        return found if found is not None else (self.athar_version if self.trained_here else None)


def latest_run(engine: Engine) -> SavedRun | None:
    """The newest finished run."""
    query = (
        select(LinkRun.id, LinkRun.model, LinkRun.summary)
        .where(LinkRun.finished_at.is_not(None))
        .order_by(LinkRun.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else SavedRun(row.id, row.model, row.summary or {})


def newest_model_run_id(engine: Engine) -> int | None:
    """The newest run that saved a model (the one explain scores with)."""
    with engine.connect() as conn:
        return conn.execute(
            select(LinkRun.id).where(LinkRun.model.is_not(None)).order_by(LinkRun.id.desc()).limit(1)
        ).scalar_one_or_none()


def run_has_model(engine: Engine, run_id: int) -> bool:
    """Whether run `run_id` exists, finished, with a saved model."""
    with engine.connect() as conn:
        found = conn.execute(
            select(LinkRun.id).where(
                LinkRun.id == run_id, LinkRun.model.is_not(None), LinkRun.finished_at.is_not(None)
            )
        ).first()
    return found is not None


def saved_run(engine: Engine, run_id: int) -> SavedRun:
    with engine.connect() as conn:
        model, summary = conn.execute(
            select(LinkRun.model, LinkRun.summary).where(LinkRun.id == run_id)
        ).one()
    return SavedRun(run_id, model, summary or {})
