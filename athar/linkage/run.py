"""`athar link`: from the store's records to persons, in one pass that can be re-run at will.

Full run: features -> train (EM) -> score pairs -> cluster with judgements -> stable ids -> store.
Incremental run (the default once a model exists): only pairs that involve records new since the
last run are scored, with the last run's model; they join the pairs kept from earlier runs and
everything is clustered again (clustering is cheap), so the result matches a full run's.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import math
import resource
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.orm import Session

from athar.exports import current_records
from athar.linkage import labels as labels_module
from athar.linkage import model as splink_model
from athar.linkage.cluster import cluster
from athar.linkage.engines import db_api_for
from athar.linkage.features import feature_frames, name_roles
from athar.linkage.ids import assign_ids
from athar.linkage.siblings import sibling_pairs
from athar.store.bulk import bulk_insert, stored_value, value_writer
from athar.store.tables import (
    Judgement,
    LinkPair,
    LinkRun,
    Membership,
    Person,
    PersonEvent,
    Record,
    ReviewTask,
    Source,
)

log = logging.getLogger(__name__)
RecordKey = tuple[str, str]  # (source name, record id)
TF_COLUMNS = ("given_key", "father_key", "grandfather_key", "family_key", "mother_key")


@dataclass
class LinkOptions:
    engine: str = "duckdb"
    spark_master: str | None = None
    full: bool = False
    threshold: float = 0.9
    review_low: float = 0.3
    review_high: float = 0.97
    keep_pairs_above: float = 0.05
    blocking_report: bool = False
    user: str = "athar"


@dataclass
class LinkSummary:
    run_id: int
    mode: str
    engine: str
    records: int
    new_records: int
    pairs_scored: int
    persons: int
    persons_created: int
    merges: int
    splits: int
    review_tasks: int
    judgements_applied: int
    judgement_conflicts: int
    seconds: dict[str, float] = field(default_factory=dict)
    # the process's peak resident memory at the end of each step: the step that raised it shows
    peak_rss_mib: dict[str, int] = field(default_factory=dict)
    blocking: list[dict] = field(default_factory=list)
    # full runs with judgements: the model against them before and after its prior was tuned
    judgement_check: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return asdict(self)


Progress = Callable[[str], None]


def _peak_rss_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def source_kinds(engine: Engine) -> dict[str, str]:
    """Each source's kind (what its event date means: a death on a morgue's list)."""
    with engine.connect() as conn:
        return {name: kind for name, kind in conn.execute(select(Source.name, Source.kind))}


def _load_records(engine: Engine) -> tuple[list[dict], list[RecordKey], int]:
    records, keys = [], []
    kinds = source_kinds(engine)
    for i, r in enumerate(current_records(engine)):
        r["unique_id"] = i
        r["source_dataset"] = r["source"]
        r["source_kind"] = kinds.get(r["source"])
        records.append(r)
        keys.append((r["source"], r["record_id"]))
    with engine.connect() as conn:
        max_row = conn.execute(select(func.max(Record.id))).scalar_one() or 0
    return records, keys, max_row


def _record_row_ids(engine: Engine) -> dict[RecordKey, int]:
    query = select(Source.name, Record.record_id, Record.id).join(Source).where(Record.is_current.is_(True))
    with engine.connect() as conn:
        return {(s, r): i for s, r, i in conn.execute(query)}


def latest_judgements(conn: Connection) -> dict[tuple[RecordKey, RecordKey], str]:
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
    decisions: dict[tuple[RecordKey, RecordKey], str] = {}
    for ls, lr, rs, rr, decision in rows:
        decisions[pair_key((ls, lr), (rs, rr))] = decision
    return decisions


def _judged_labels(engine: Engine, keys: list[RecordKey]) -> list[labels_module.Label]:
    """Judgements on pairs of current records as (unique_id, unique_id, 1 same / 0 different)."""
    index = {k: i for i, k in enumerate(keys)}
    with engine.connect() as conn:
        decisions = latest_judgements(conn)
    return [
        (index[a], index[b], 1 if decision == "same" else 0)
        for (a, b), decision in decisions.items()
        if decision in ("same", "different") and a in index and b in index
    ]


def _check_and_tune(linker, labels: list[labels_module.Label], trained: dict, threshold: float) -> dict:
    """Score the judged pairs, shift the prior to fit them (in `trained`), and report both checks."""
    judged = labels_module.label_weights(linker, labels)
    weights, decided = judged["weight"].tolist(), judged["label"].tolist()
    offset = labels_module.prior_offset(weights, decided)
    if offset:
        prior = trained["probability_two_random_records_match"]
        trained["probability_two_random_records_match"] = labels_module.shifted_prior(prior, offset)
    return {
        "before": labels_module.check(weights, decided, threshold).as_json(),
        "prior_offset_bits": offset,
        "after": labels_module.check([w + offset for w in weights], decided, threshold).as_json(),
    }


def record_traits(keys: list[RecordKey], records: list[dict]) -> dict[RecordKey, dict]:
    """What clustering checks: a person never holds two sexes or two national numbers more than a
    typo apart."""
    return {
        k: {"sex": r.get("sex"), "national_id": r.get("national_id")}
        for k, r in zip(keys, records, strict=True)
    }


def likely_siblings(
    features: pd.DataFrame, keys: list[RecordKey], pairs: Iterable[tuple[RecordKey, RecordKey, float]]
) -> list[tuple[RecordKey, RecordKey]]:
    """The scored pairs that read as brother and sister (`athar.linkage.siblings`), by record key;
    `features` rows are in the order of `keys`."""
    index = {k: i for i, k in enumerate(keys)}
    found = sibling_pairs(features, ((index[a], index[b], p) for a, b, p in pairs))
    return [(keys[i], keys[j]) for i, j in found]


def best_readings(
    pairs: pd.DataFrame, readings: pd.DataFrame, minimum: float
) -> list[tuple[int, int, float, float]]:
    """(record, record, probability, weight) per pair of records from pairs scored over rows that
    may hold a record's other reading of its name (`feature_frame(other_readings=True)`): each
    reading's weight plus the log2-probability of the reading, the better one kept; pairs below
    `minimum` after that are dropped, and so are a record's two readings paired with each other."""
    of = readings["reading_of"].to_numpy()
    bits = readings["reading_bits"].to_numpy()
    row = pd.Series(range(len(readings)), index=readings["unique_id"].to_numpy())
    left = row.loc[pairs["unique_id_l"].to_numpy()].to_numpy()
    right = row.loc[pairs["unique_id_r"].to_numpy()].to_numpy()
    best: dict[tuple[int, int], float] = {}
    weights = pairs["match_weight"].to_numpy() + bits[left] + bits[right]
    for a, b, w in zip(of[left].tolist(), of[right].tolist(), weights.tolist(), strict=True):
        if a == b:
            continue
        k = (a, b) if a < b else (b, a)
        if w > best.get(k, -math.inf):
            best[k] = w
    out = []
    for (a, b), w in best.items():
        p = 1 / (1 + 2**-w)
        if p >= minimum:
            out.append((a, b, p, w))
    return out


def pair_key(a: RecordKey, b: RecordKey) -> tuple[RecordKey, RecordKey]:
    return (a, b) if a <= b else (b, a)


def _stored_pairs(conn: Connection) -> dict[tuple[RecordKey, RecordKey], tuple[float, float]]:
    rows = conn.execute(
        select(
            LinkPair.left_source,
            LinkPair.left_record_id,
            LinkPair.right_source,
            LinkPair.right_record_id,
            LinkPair.match_probability,
            LinkPair.match_weight,
        )
    )
    return {pair_key((a, b), (c, d)): (p, w) for a, b, c, d, p, w in rows}


def _incremental_model(model: dict) -> dict:
    """The saved model with each blocking rule limited to pairs that involve a new record."""
    adapted = dict(model)
    adapted["blocking_rules_to_generate_predictions"] = [
        {**rule, "blocking_rule": f"({rule['blocking_rule']}) AND (l.is_new OR r.is_new)"}
        for rule in model["blocking_rules_to_generate_predictions"]
    ]
    return adapted


def term_frequencies(features: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Share of rows holding each value of the term-frequency columns, as Splink counts them in the
    table it scores (kept with the run, for explain)."""
    out = {}
    for column in TF_COLUMNS:
        counts = features[column].value_counts(normalize=True)
        out[column] = {str(k): float(v) for k, v in counts.items()}
    return out


def latest_run(engine: Engine) -> LinkRun | None:
    """The newest finished run, with its model and summary."""
    with Session(engine) as session:
        return session.scalars(
            select(LinkRun).where(LinkRun.finished_at.is_not(None)).order_by(LinkRun.id.desc()).limit(1)
        ).first()


def link(engine: Engine, options: LinkOptions | None = None, progress: Progress | None = None) -> LinkSummary:
    try:
        return _link(engine, options, progress)
    finally:
        gc.unfreeze()


def _link(engine: Engine, options: LinkOptions | None, progress: Progress | None) -> LinkSummary:
    options = options or LinkOptions()
    say = progress or (lambda _m: None)
    timings: dict[str, float] = {}
    clock = [dt.datetime.now(dt.UTC)]

    peak_mib: dict[str, int] = {}

    def lap(name: str) -> None:
        now = dt.datetime.now(dt.UTC)
        timings[name] = round((now - clock[0]).total_seconds(), 2)
        clock[0] = now
        peak_mib[name] = _peak_rss_mib()

    say("loading records")
    records, keys, max_row = _load_records(engine)
    previous = latest_run(engine)
    incremental = not options.full and previous is not None and previous.model is not None
    last_row = (previous.summary or {}).get("max_record_row", 0) if previous else 0
    row_ids = _record_row_ids(engine) if incremental else {}
    is_new = [row_ids.get(k, 0) > last_row for k in keys] if incremental else [True] * len(keys)
    new_keys = {k for k, new in zip(keys, is_new, strict=True) if new}
    # The records live as long as the run: frozen, the collector no longer walks a million of them
    # each time the objects every later step makes trigger a full collection (`link` thaws them).
    gc.freeze()
    lap("load")

    say("computing name keys and features")
    roles = name_roles(records)
    # names whose order is not marked are also scored read the other way (`readings`)
    features, readings = feature_frames(records, roles=roles)
    features["is_new"] = is_new
    readings["is_new"] = [is_new[i] for i in readings["reading_of"]]
    # what Splink counts in the rows it scores, each name in each of its readings (kept for explain)
    shares = term_frequencies(readings) if len(readings) else {}
    lap("features")

    blocking: list[dict] = []
    if options.blocking_report and records:
        say("counting the pairs each blocking rule generates")
        blocking = splink_model.blocking_report(db_api_for(options.engine, options.spark_master), features)
        lap("blocking_report")

    scored: dict[tuple[RecordKey, RecordKey], tuple[float, float]] = {}
    trained: dict | None = None
    label_report: dict = {}
    if records and (not incremental or new_keys):
        if incremental:
            assert previous is not None
            trained = previous.model
        else:
            say("training the model (EM)")
            linker = splink_model.make_linker(db_api_for(options.engine, options.spark_master), features)
            splink_model.train(linker, features=features)
            trained = splink_model.trained_model(linker)
            lap("train")
            labels = _judged_labels(engine, keys)
            if labels:
                say("checking the model against reviewers' judgements")
                linker = splink_model.make_linker(
                    db_api_for(options.engine, options.spark_master), features, trained
                )
                label_report = _check_and_tune(linker, labels, trained, options.threshold)
                lap("judgements")
        say("scoring pairs")
        # a record whose name reads either way is scored in both readings; a pair keeps its better
        assert trained is not None
        scoring_model = _incremental_model(trained) if incremental else trained
        # the pairs' weights are all that is read back (explain scores its pair itself)
        scoring_model = {**scoring_model, "retain_matching_columns": False}
        linker = splink_model.make_linker(
            db_api_for(options.engine, options.spark_master), readings, scoring_model
        )
        pairs = splink_model.predict(linker, options.keep_pairs_above)
        for a, b, p, w in best_readings(pairs, readings, options.keep_pairs_above):
            scored[pair_key(keys[a], keys[b])] = (p, w)
        lap("predict")
    elif incremental:
        trained = previous.model if previous else None

    say("clustering")
    with engine.begin() as conn:
        judgements = latest_judgements(conn)
        kept = _stored_pairs(conn) if incremental else {}
        kept = {k: v for k, v in kept.items() if k[0] not in new_keys and k[1] not in new_keys}
        all_pairs = {**kept, **scored}
        present = set(keys)
        must = [k for k, d in judgements.items() if d == "same" and k[0] in present and k[1] in present]
        cannot = [k for k, d in judgements.items() if d == "different"]
        traits = record_traits(keys, records)
        siblings = likely_siblings(
            features, keys, ((a, b, p) for (a, b), (p, _w) in all_pairs.items() if (a, b) not in judgements)
        )
        result = cluster(
            keys,
            ((a, b, p) for (a, b), (p, _w) in all_pairs.items()),
            options.threshold,
            must,
            cannot,
            attributes=traits,
            kept_apart=siblings,
        )
        clusters = result.clusters()
        lap("cluster")

        say("assigning stable person ids")
        previous_members = {
            (s, r): pid
            for s, r, pid in conn.execute(
                select(Source.name, Membership.record_id, Membership.person_id).join(Source)
            )
        }
        next_number = [_max_person_number(conn)]

        def new_id() -> str:
            next_number[0] += 1
            return f"P-{next_number[0]:07d}"

        assignment = assign_ids(clusters, previous_members, new_id)
        now = dt.datetime.now(dt.UTC)
        run_id = conn.execute(
            insert(LinkRun).values(
                started_at=now,
                engine=options.engine,
                mode="incremental" if incremental else "full",
                user_name=options.user,
                threshold=options.threshold,
                records=len(keys),
                new_records=len(new_keys),
                pairs_scored=len(scored),
                model=trained,
            )
        ).inserted_primary_key[0]
        _write_persons(conn, assignment, clusters, run_id, now)
        _write_memberships(conn, assignment.person_of_cluster, clusters, run_id)
        _write_pairs(conn, run_id, scored, new_keys, full=not incremental)
        tasks = _write_review_tasks(
            conn, run_id, all_pairs, judgements, result.cluster_of, options, now, set(siblings)
        )
        lap("store")
        kinds = Counter(e["kind"] for e in assignment.events)
        summary = LinkSummary(
            run_id=run_id,
            mode="incremental" if incremental else "full",
            engine=options.engine,
            records=len(keys),
            new_records=len(new_keys),
            pairs_scored=len(scored),
            persons=len(clusters),
            persons_created=kinds["created"],
            merges=kinds["merged"],
            splits=kinds["split"],
            review_tasks=tasks,
            judgements_applied=len(must) + len(cannot),
            judgement_conflicts=len(result.conflicts),
            seconds=timings,
            peak_rss_mib=peak_mib,
            blocking=blocking,
            judgement_check=label_report,
        )
        run_summary = {
            **summary.as_json(),
            "max_record_row": max_row,
            "term_frequencies": shares,
            "name_roles": roles,
        }
        conn.execute(
            update(LinkRun)
            .where(LinkRun.id == run_id)
            .values(finished_at=dt.datetime.now(dt.UTC), persons=len(clusters), summary=run_summary)
        )
    return summary


def _max_person_number(conn: Connection) -> int:
    ids = conn.execute(select(Person.id)).scalars()
    return max((int(i.split("-")[1]) for i in ids if i.startswith("P-")), default=0)


def _write_persons(conn: Connection, assignment, clusters, run_id: int, now: dt.datetime) -> None:
    existing = set(conn.execute(select(Person.id)).scalars())
    fresh = [pid for pid in assignment.person_of_cluster.values() if pid not in existing]
    created = stored_value(conn, Person.__table__.c.created_at, now)
    bulk_insert(conn, "persons", ("id", "created_at", "status"), [(pid, created, "missing") for pid in fresh])
    for event in assignment.events:
        if event["kind"] in ("merged", "retired"):
            into = event["detail"]["into"]
            conn.execute(
                update(Person)
                .where(Person.id == event["person_id"])
                .values(retired_at=now, merged_into=into[0] if into else None)
            )
    detail = value_writer(conn, PersonEvent.__table__.c.detail)  # `created` serves: same column type
    bulk_insert(
        conn,
        "person_events",
        ("run_id", "person_id", "kind", "detail", "created_at"),
        [(run_id, e["person_id"], e["kind"], detail(e.get("detail")), created) for e in assignment.events],
    )


def _write_memberships(conn: Connection, person_of_cluster, clusters, run_id: int) -> None:
    source_ids = {name: id_ for name, id_ in conn.execute(select(Source.name, Source.id))}
    conn.execute(delete(Membership))
    rows = [
        (source_ids[s], r, person_of_cluster[c], run_id)
        for c, members in clusters.items()
        for s, r in members
    ]
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


def _write_pairs(conn: Connection, run_id: int, scored, new_keys: set[RecordKey], full: bool) -> None:
    if full:
        conn.execute(delete(LinkPair))
    else:
        for source, record_id in new_keys:
            for side in ("left", "right"):
                conn.execute(
                    delete(LinkPair).where(
                        getattr(LinkPair, f"{side}_source") == source,
                        getattr(LinkPair, f"{side}_record_id") == record_id,
                    )
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


def _write_review_tasks(
    conn, run_id, pairs, judgements, cluster_of, options: LinkOptions, now, kept_apart: set
) -> int:
    """Uncertain pairs, and pairs kept apart as likely siblings whatever their probability."""
    sizes = Counter(cluster_of.values())
    created = stored_value(conn, ReviewTask.__table__.c.created_at, now)
    rows = []
    for (a, b), (p, _w) in pairs.items():
        in_band = options.review_low <= p < options.review_high
        if not (in_band or (a, b) in kept_apart) or (a, b) in judgements:
            continue
        ca, cb = cluster_of[a], cluster_of[b]
        # the model is sure of a pair kept apart as siblings, but the decision is not: as if 50/50
        uncertainty = 0.5 if (a, b) in kept_apart else p
        priority = round(review_priority(uncertainty, sizes[ca], sizes[cb], ca == cb), 6)
        rows.append((run_id, a[0], a[1], b[0], b[1], p, priority, created))
    bulk_insert(conn, "review_tasks", REVIEW_TASK_COLUMNS, rows)
    return len(rows)


REVIEW_TASK_COLUMNS = (
    "run_id",
    "left_source",
    "left_record_id",
    "right_source",
    "right_record_id",
    "match_probability",
    "priority",
    "created_at",
)
