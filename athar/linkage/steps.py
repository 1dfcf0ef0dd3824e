"""The steps of `athar link`, each from what the steps before it gave to a typed result of its own:

    load -> features -> train (and check against judgements) -> score -> cluster -> ids

(persisting is `athar.linkage.persist`; `athar.linkage.run` strings them together). As Splink's
`Linker` holds `training`, `inference` and `clustering` apart, each step here can be run and tested
alone. A step that needs a Splink backend is given a function that makes one (`NewDbApi`), called
where a fresh linker is needed.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sqlalchemy import Engine

from athar import __version__
from athar.linkage import labels as labels_module
from athar.linkage import model as splink_model
from athar.linkage import store_io
from athar.linkage.cluster import ClusterResult, cluster_indices, clusters_of, grouped, numbered
from athar.linkage.config import DEFAULT_CONFIG, LabelConfig, LinkConfig, SiblingConfig, TrainingConfig
from athar.linkage.engines import release
from athar.linkage.errors import LinkageError
from athar.linkage.feature_cache import FeatureCache, kept_rows, rows_digest
from athar.linkage.features import (
    EVENT_KINDS,
    NameRoles,
    assembled,
    name_roles,
    rare_pair_block_columns,
    record_rows,
    records_part,
)
from athar.linkage.frequencies import NameCounts, used_shares
from athar.linkage.heap import collector_paused
from athar.linkage.ids import IdAssignment, assign_ids
from athar.linkage.keys import PairKey, PairScore, RecordKey, pair_key
from athar.linkage.record_values import RecordValues
from athar.linkage.rivals import joining_scores, outranked_pairs
from athar.linkage.settings import TERM_FREQUENCY_COLUMNS
from athar.linkage.shared_numbers import overused_numbers, read_as_missing
from athar.linkage.siblings import sibling_positions
from athar.linkage.staleness import changed_sources, stale_reasons
from athar.linkage.store_io import SavedRun
from athar.store.tables import Decision

NewDbApi = Callable[[], Any]
ScoredPairs = dict[PairKey, PairScore]


# -- load ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """The records to link, and what the run is: full, or incremental over the last run's model."""

    # the records' values, each with its `unique_id` (its position in `keys`): every record, or in an
    # incremental run with a feature cache, only those whose rows the cache lacks
    records: RecordValues
    keys: list[RecordKey]  # every current record
    max_row: int  # the records table's highest row id: a later run's records above it are new
    previous: SavedRun | None  # the newest finished run
    incremental: bool
    is_new: list[bool]  # per record: new since the previous run (every one in a full run)
    new_keys: set[RecordKey]
    config: LinkConfig
    source_kinds: dict[str, str]  # each source holding records, with its kind (saved with the run)
    # an incremental run's reasons to think its saved model stale (`athar.linkage.staleness`)
    stale: tuple[str, ...] = ()
    content_hashes: tuple[str, ...] = ()  # per record (in the order of `keys`): its version's digest
    # the name roles to read names with: an incremental run's model's; None: learnt from `records`
    roles: NameRoles | None = None
    cache: FeatureCache | None = None  # where feature rows are kept between runs (SQLite stores)
    cached: pd.DataFrame | None = None  # the rows the cache held for `roles` and the config

    @property
    def mode(self) -> str:
        return "incremental" if self.incremental else "full"

    @functools.cached_property
    def index(self) -> dict[RecordKey, int]:
        """Each record's position in `keys` (its `unique_id`)."""
        return {k: i for i, k in enumerate(self.keys)}

    @property
    def needs_scoring(self) -> bool:
        """A full run scores every pair; an incremental one only pairs with a new record. A single
        record has no pair."""
        return len(self.keys) >= 2 and (not self.incremental or bool(self.new_keys))


def load(
    engine: Engine, full: bool, config: LinkConfig | None = None, cache: FeatureCache | None = None
) -> Loaded:
    """The current records, and which are new since the newest run with a model (all, if `full` or
    there is none). A full run uses `config` (the defaults if None); an incremental one scores with
    the previous run's model and so keeps that run's config (the defaults for a run saved before
    configs were) and name roles, and refuses a `config` that differs from it.

    New, in an incremental run: records imported since the previous run (a new version of a record
    included) and every record of a list whose kind changed since then (its dates mean something
    else now). Whether the saved model is stale for the store as it now is, is said in `stale`.

    With a `cache` (`athar.linkage.feature_cache`), an incremental run reads the values of only the
    records whose feature rows the cache lacks: at a million records, reading every record's values
    was most of the step."""
    previous = store_io.latest_run(engine)
    incremental = not full and previous is not None and previous.model is not None
    records: RecordValues | None = None
    if incremental:
        versions = store_io.record_versions(engine)
    else:  # every record's values are read anyway: the versions come with them
        records, versions = store_io.load_records_and_versions(engine)
    keys = versions.keys
    all_kinds = store_io.source_kinds(engine)
    kinds = {source: all_kinds.get(source, "other") for source, _r in keys}
    stale: tuple[str, ...] = ()
    roles: NameRoles | None = None
    cached = None
    if incremental:
        assert previous is not None
        config = _config_of_incremental_run(config, previous)
        rekinded = changed_sources(previous.source_kinds, kinds)
        is_new = [
            row > previous.max_record_row or k[0] in rekinded
            for k, row in zip(keys, versions.row_ids, strict=True)
        ]
        stale = tuple(stale_reasons(previous, kinds, len(keys), __version__))
        # names are read as the model's run read them (a run saved before roles were learns them)
        roles = previous.summary.get("name_roles")
        if cache is not None and roles is not None:
            cached = cache.read(rows_digest(roles, config.features))
    else:
        config = config or DEFAULT_CONFIG
        is_new = [True] * len(keys)
    if records is None:
        records = _records_to_read(engine, versions, cached)
    new_keys = {k for k, new in zip(keys, is_new, strict=True) if new}
    return Loaded(
        records,
        keys,
        versions.max_row,
        previous,
        incremental,
        is_new,
        new_keys,
        config,
        kinds,
        stale,
        content_hashes=tuple(versions.content_hashes),
        roles=roles,
        cache=cache,
        cached=cached,
    )


def _records_to_read(
    engine: Engine, versions: store_io.RecordVersions, cached: pd.DataFrame | None
) -> RecordValues:
    """The values of the records whose feature rows `cached` lacks (of every record without it)."""
    if cached is not None:
        known = set(cached["content_hash"][cached["reading"] == 0].tolist())
        missing = [i for i, h in enumerate(versions.content_hashes) if h not in known]
        if len(missing) <= len(versions.keys) // 2:
            keys = versions.keys
            rows = [versions.row_ids[i] for i in missing]
            found = store_io.records_by_row(engine, rows, {keys[i]: i for i in missing})
            return RecordValues.of(sorted(found, key=lambda r: r["unique_id"]))
    records, read = store_io.load_records_and_versions(engine)
    if read.keys != versions.keys:
        raise LinkageError("the store's records changed while they were read: run `athar link` again")
    return records


def released(loaded: Loaded) -> Loaded:
    """`loaded` without its records' values and cached rows, which no step reads once the features
    are made: at a million records they are some 0.6 GiB (and the cached rows more) the rest of the run
    need not hold."""
    return replace(loaded, records=RecordValues.empty(), cached=None)


def _config_of_incremental_run(requested: LinkConfig | None, previous: SavedRun) -> LinkConfig:
    saved = previous.config
    if requested is not None and requested != saved:
        raise LinkageError(
            f"the linkage config differs from the one run {previous.run_id} trained its model with: "
            "run `athar link --full` to train anew"
        )
    return saved


# -- features --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Features:
    """The rows Splink reads: one per record for training, and for scoring one per reading of a name
    that reads either way (`features.feature_frame(other_readings=True)`)."""

    roles: NameRoles  # kept with the run: explain reads names as the run did
    records: pd.DataFrame  # one row per record, in the order of `Loaded.keys`
    readings: pd.DataFrame  # `records`' rows, then the other readings; `reading_of` gives the record
    # each name's share in the rows scored, each name in each of its readings (`frequencies`)
    name_counts: NameCounts
    # national numbers so many records hold that they are read as missing (`shared_numbers`), and
    # how many records held them
    numbers_read_as_missing: frozenset[str]
    records_without_their_number: int


def make_features(loaded: Loaded) -> Features:
    """The feature rows of every record: from the cache where it holds the record's version (under
    the run's roles and config), else made from its values; the rows made are added to the cache."""
    config = loaded.config.features
    roles = loaded.roles if loaded.roles is not None else name_roles(loaded.records, config.role_min_count)
    digest = rows_digest(roles, config)
    cached = loaded.cached
    if cached is None and loaded.cache is not None and not loaded.incremental:
        cached = loaded.cache.read(digest)
    base, made = rows_of_every_record(loaded, roles, cached)
    if loaded.cache is not None:
        if cached is None or loaded.cache.needs_compacting():
            rows = kept_rows(base, [loaded.content_hashes[i] for i in base["record"]])
            loaded.cache.replace_later(digest, rows)  # waited for by the run's end (`run.link`)
        else:
            loaded.cache.add(digest, kept_rows(made, [loaded.content_hashes[i] for i in made["record"]]))
    # names whose order is not marked are also scored read the other way (`readings`)
    readings = assembled(base, config.rare_name_pair_limit, other_readings=True)
    records = records_part(readings)
    placeholders = overused_numbers(
        records["national_id"],
        config.national_id_max_records,
        records["given_skel"],
        config.national_id_max_given_names,
    )
    held = read_as_missing(records, placeholders)
    read_as_missing(readings, placeholders)
    records["is_new"] = loaded.is_new
    readings["is_new"] = [loaded.is_new[i] for i in readings["reading_of"]]
    counts = NameCounts.of(readings, TERM_FREQUENCY_COLUMNS)
    return Features(roles, records, readings, counts, placeholders, held)


def rows_of_every_record(
    loaded: Loaded, roles: NameRoles, cached: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every record's rows laid out as `features.record_rows` lays them (`record` is the record's
    position in `loaded.keys`), taken from `cached` where it holds the record's content; and the
    rows made here, for the records it does not hold (those in `loaded.records`)."""
    policy = loaded.config.features.reading_policy()
    n = len(loaded.keys)
    hashes = np.array(loaded.content_hashes, dtype=object)
    found = np.full(n, -1, dtype=np.int64)
    if cached is not None and len(cached):
        taken = cached[cached["reading"].to_numpy() == 0]
        found = pd.Index(taken["content_hash"]).get_indexer(hashes)
    hit = found >= 0
    missing = loaded.records.take(np.flatnonzero(~hit[loaded.records.unique_ids()]))
    if len(missing) != n - int(hit.sum()):
        raise LinkageError("records whose feature rows are not cached were not read")
    made = record_rows(missing, None, roles, policy)
    if not hit.any():
        return _with_lists(made, loaded), made
    assert cached is not None
    at = np.flatnonzero(hit)
    from_cache = taken.iloc[found[hit]].drop(columns=["content_hash"]).reset_index(drop=True)
    from_cache["record"] = at
    others = cached[cached["reading"].to_numpy() > 0]
    if len(others):
        wanted = pd.DataFrame({"content_hash": hashes[at], "record": at})
        other_rows = wanted.merge(others, on="content_hash").drop(columns=["content_hash"])
    else:
        other_rows = others.drop(columns=["content_hash"]).assign(record=pd.Series(dtype="int64"))
    made_taken = made["reading"].to_numpy() == 0
    first = pd.concat([from_cache, made[made_taken]], ignore_index=True).sort_values("record", kind="stable")
    then = pd.concat([other_rows, made[~made_taken]], ignore_index=True).sort_values(
        ["record", "reading"], kind="stable"
    )
    return _with_lists(pd.concat([first, then], ignore_index=True), loaded), made


def _with_lists(rows: pd.DataFrame, loaded: Loaded) -> pd.DataFrame:
    """`rows` with each one's list and its kind's event (`features.EVENT_KINDS`), from `loaded`."""
    record = rows["record"].to_numpy()
    sources = np.array([s for s, _r in loaded.keys], dtype=object)
    events = {s: EVENT_KINDS.get(k or "", "event") for s, k in loaded.source_kinds.items()}
    rows["source_dataset"] = pd.Series(sources[record], dtype=object, index=rows.index)
    rows["event_kind"] = rows["source_dataset"].map(events).astype(object)
    return rows


def term_frequencies(features: Features, model: dict, config: LinkConfig) -> dict[str, dict[str, float]]:
    """The share each name is weighed by when scoring with `model` (`frequencies.used_shares`):
    handed to Splink for scoring and kept with the run, for explain."""
    return used_shares(features.name_counts, model, config.scoring.frequency_half_trust_rows)


def pairable_records(features: Features) -> int:
    """Records that a blocking rule can pair: each needs a name or a national number."""
    records = features.records
    identifying = [c for c in ("given_key", "father_key", "family_key", "national_id") if c in records]
    return int(records[identifying].notna().any(axis=1).sum()) if identifying else len(records)


def shared_number_warnings(features: Features, limit: int) -> list[str]:
    """In plain words, the national numbers read as missing (`shared_numbers`), not naming them."""
    numbers = len(features.numbers_read_as_missing)
    if not numbers:
        return []
    which = "one national number is" if numbers == 1 else f"{numbers:,} national numbers are"
    return [
        f"{which} written on more than {limit:,} records, or on records of several different given "
        f"names ({features.records_without_their_number:,} records in all), as a list writes a "
        "placeholder such as 00000000000: read as missing, so those records are linked on their "
        "other fields"
    ]


def unlinkable_warnings(features: Features) -> list[str]:
    """In plain words, records that nothing can pair: alone in the store, or with neither a name nor
    a national number (every blocking rule needs one of them)."""
    total = len(features.records)
    if total == 1:
        return ["the store holds one record: nothing to compare it with, so it is a person of its own"]
    unnamed = total - pairable_records(features)
    if total and unnamed == total:
        return [
            "no record has a name or a national number, and records are only paired on those: "
            "each stays a person of its own"
        ]
    if unnamed:
        return [
            f"{unnamed:,} of {total:,} records have neither a name nor a national number: "
            "nothing pairs them with others, so each stays a person of its own"
        ]
    return []


def blocking_report(new_db_api: NewDbApi, features: Features) -> list[dict]:
    """Pairs each blocking rule generates beyond the rules before it (`model.blocking_report`)."""
    return splink_model.blocking_report(new_db_api(), features.records)


# -- train and check -------------------------------------------------------------------------------


def train(
    new_db_api: NewDbApi, features: Features, config: TrainingConfig, previous: SavedRun | None = None
) -> splink_model.Trained:
    """A model trained by EM on the records' rows, floored: Splink's settings dict, and what could
    not be estimated from the records (taken from `previous`'s model where it fits, else defaults)."""
    fallback = None
    if previous is not None and previous.model is not None:
        fallback = splink_model.Fallback(previous.model, f"the model of run {previous.run_id}")
    with released_after(new_db_api()) as db_api:
        frame = splink_model.em_frame(features.records, config)
        linker = splink_model.make_linker(db_api, frame)
        return splink_model.train(linker, config, features=frame, fallback=fallback)


@contextlib.contextmanager
def released_after(db_api: Any) -> Iterator[Any]:
    """`db_api`, its memory given back on leaving (`engines.release`)."""
    try:
        yield db_api
    finally:
        release(db_api)


def judged_labels(judgements: dict[PairKey, str], keys: list[RecordKey]) -> list[labels_module.Label]:
    """Judgements on pairs of current records as (unique_id, unique_id, 1 same / 0 different)."""
    index = {k: i for i, k in enumerate(keys)}
    return [
        (index[a], index[b], 1 if decision == Decision.SAME else 0)
        for (a, b), decision in judgements.items()
        if decision in (Decision.SAME, Decision.DIFFERENT) and a in index and b in index
    ]


@dataclass(frozen=True)
class Checked:
    """A trained model checked against reviewers' judgements, its prior shifted to fit them."""

    model: dict
    report: dict  # the check before and after the shift, and the shift in bits


def check_against_judgements(
    new_db_api: NewDbApi,
    features: Features,
    model: dict,
    labels: list[labels_module.Label],
    threshold: float,
    config: LabelConfig,
    shares: dict[str, dict[str, float]],
) -> Checked:
    """Score the judged pairs (blocked or not), shift the prior to fit them, and report both checks;
    names weighed by `shares` (`term_frequencies`), as scoring weighs them."""
    with released_after(new_db_api()) as db_api:
        linker = splink_model.make_linker(db_api, features.records, model, shares)
        judged = labels_module.label_weights(linker, labels)
    weights, decided = judged["weight"].tolist(), judged["label"].tolist()
    offset = labels_module.prior_offset(weights, decided, config)
    if offset:
        prior = model["probability_two_random_records_match"]
        model = {
            **model,
            "probability_two_random_records_match": labels_module.shifted_prior(prior, offset),
        }
    report = {
        "before": labels_module.check(weights, decided, threshold).as_json(),
        "prior_offset_bits": offset,
        "after": labels_module.check([w + offset for w in weights], decided, threshold).as_json(),
    }
    return Checked(model, report)


# -- score -----------------------------------------------------------------------------------------


def score(
    new_db_api: NewDbApi,
    loaded: Loaded,
    features: Features,
    model: dict,
    keep_above: float,
    shares: dict[str, dict[str, float]],
) -> ScoredPairs:
    """The pairs that blocking finds (in an incremental run, only those with a new record) at or
    above `keep_above`, names weighed by `shares` (`term_frequencies`); a record whose name reads
    either way is scored in each reading and a pair keeps its better one."""
    rows = features.readings
    scoring_model = model
    if loaded.incremental:
        rows, scoring_model = new_rows_last(rows), incremental_model(model)
    # the pairs' weights are all that is read back (explain scores its pair itself)
    scoring_model = {**scoring_model, "retain_matching_columns": False}
    with released_after(new_db_api()) as db_api:
        linker = splink_model.make_linker(db_api, rows, scoring_model, shares)
        limit = loaded.config.blocking.block_limit
        bounded = (
            rare_pair_block_columns() if loaded.config.features.rare_name_pair_limit <= limit else frozenset()
        )
        pairs = splink_model.predict(linker, keep_above, limit, bounded)
    keys = loaded.keys
    # hundreds of thousands of pairs, none holding a cycle: the collector would walk them as they grow
    with collector_paused():
        return {
            pair_key(keys[a], keys[b]): PairScore(p, w)
            for a, b, p, w in best_readings(pairs, rows, keep_above)
        }


def new_rows_last(readings: pd.DataFrame) -> pd.DataFrame:
    """The scoring rows renumbered so that every new row (a new record's, or one of its readings)
    has a higher `unique_id` than every old one; `reading_of` still names each row's record.

    Splink pairs rows of one table as `l.unique_id < r.unique_id`, so once new rows come last a pair
    holds a new row exactly when its right one is new (`incremental_model`)."""
    order = np.argsort(readings["is_new"].to_numpy(dtype=bool), kind="stable")
    renumbered = readings.copy(deep=False)
    ids = np.empty(len(readings), dtype=np.int64)
    ids[order] = np.arange(len(readings), dtype=np.int64)
    renumbered["unique_id"] = ids
    return renumbered


def incremental_model(model: dict) -> dict:
    """The saved model with each blocking rule limited to pairs that involve a new record, for rows
    numbered by `new_rows_last`: `r.is_new` alone, a condition on one side of the join, which the
    engine can apply to that side before joining; `l.is_new OR r.is_new` names both sides and can
    only be tested on pairs already joined. (At 57,000 records with 10,000 new, scoring took about
    the same time either way; at 229,000 it took 1.4 s against the full run's 4.2 s.)"""
    adapted = dict(model)
    adapted["blocking_rules_to_generate_predictions"] = [
        {**rule, "blocking_rule": f"({rule['blocking_rule']}) AND r.is_new"}
        for rule in model["blocking_rules_to_generate_predictions"]
    ]
    return adapted


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


# -- cluster ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clustered:
    """Persons as clusters of records, and the pairs and constraints they were made from.

    An incremental run clusters again only the records a change can reach (`touched`, see
    `touched_records`); the others keep the persons they had (`kept_members`). Then `pairs`,
    `siblings`, `result` and `clusters` are of the touched records (`pairs`: those with a touched
    record), and the store keeps the rest as it was."""

    pairs: ScoredPairs  # this run's scored pairs and the kept ones of earlier runs
    judgements: dict[PairKey, str]
    siblings: list[PairKey]  # likely brother and sister: kept apart, put to review
    judgements_applied: int
    result: ClusterResult
    clusters: dict[Any, list[RecordKey]]
    # stored pairs of earlier runs not kept: scored on a record's older version (or a list's older
    # kind), or of a record no longer current; the store drops them
    dropped: frozenset[PairKey] = frozenset()
    touched: frozenset[RecordKey] | None = None  # None: every record was clustered
    gone: frozenset[RecordKey] = frozenset()  # records of the last run's persons no longer current
    # the memberships before the run (the untouched records keep theirs), and how many persons they
    # make among the untouched records
    previous_members: dict[RecordKey, str] = field(default_factory=dict)
    kept_persons: int = 0
    # pairs of `pairs` at or above the threshold set aside for a better pair of one of their
    # records (`rivals`), each with the share of the two the model gives it
    outranked: dict[PairKey, float] = field(default_factory=dict)

    @property
    def persons(self) -> int:
        """Persons after the run: the clusters made, and the untouched persons kept."""
        return len(self.clusters) + self.kept_persons

    def previous_of_clustered(self) -> dict[RecordKey, str]:
        """The memberships before the run of the records clustered and of those gone (all of the
        persons they were in: `touched_records` closes over persons)."""
        if self.touched is None:
            return self.previous_members
        members = self.previous_members
        return {k: members[k] for k in (*self.touched, *self.gone) if k in members}


# The step makes hundreds of thousands of lists and sets (a list per person) and no reference cycle:
# each full collection they would trigger walks every object the run holds (at 200,000 persons
# that was as long as the clustering itself).
@collector_paused()
def cluster_records(
    loaded: Loaded,
    features: Features,
    scored: ScoredPairs,
    judgements: dict[PairKey, str],
    stored: ScoredPairs,
    threshold: float,
    config: SiblingConfig,
    previous_members: dict[RecordKey, str] | None = None,
    judged_since: Iterable[PairKey] = (),
) -> Clustered:
    """Cluster this run's pairs with the `stored` pairs of earlier runs that involve no new record,
    reviewers' "same" as must-links, "different" as cannot-links, and likely siblings kept apart.

    With `previous_members` (an incremental run whose threshold and review band are the last run's),
    only the records a change can reach are clustered (`touched_records`; the changes: new records,
    dropped pairs, pairs `judged_since` the last run, records without a person or gone); the
    others keep their persons, which is what clustering them again would give."""
    new_keys = loaded.new_keys
    present = set(loaded.keys)
    # a stored pair of a record since replaced by a new version was scored on the old one: dropped
    kept = {
        k: v
        for k, v in stored.items()
        if k[0] not in new_keys and k[1] not in new_keys and k[0] in present and k[1] in present
    }
    pairs = {**kept, **scored}
    dropped = frozenset(stored.keys() - kept.keys())
    rules = loaded.config.clustering
    outranked = outranked_pairs(pairs, rules.rival_margin_bits)
    joining = joining_scores(pairs, outranked, threshold, rules)
    must = [k for k, d in judgements.items() if d == Decision.SAME and k[0] in present and k[1] in present]
    cannot = [k for k, d in judgements.items() if d == Decision.DIFFERENT]
    touched: frozenset[RecordKey] | None = None
    gone: frozenset[RecordKey] = frozenset()
    kept_persons = 0
    nodes = loaded.keys
    index = loaded.index
    if previous_members is not None:
        gone = frozenset(k for k in previous_members if k not in index)
        # a pair outranked now and not before (or the reverse) changes what its records join
        rerank = (outranked.keys() ^ outranked_pairs(stored, rules.rival_margin_bits).keys()) & pairs.keys()
        seeds = {k for pair in (*dropped, *judged_since, *rerank) for k in pair} | new_keys | gone
        seeds |= {k for k in loaded.keys if k not in previous_members}
        touched = touched_records(loaded.keys, joining, must, threshold, previous_members, seeds, index)
        persons_touched = {previous_members[k] for k in (*touched, *gone) if k in previous_members}
        kept_persons = len(set(previous_members.values())) - len(persons_touched)
        pairs = {k: v for k, v in pairs.items() if k[0] in touched or k[1] in touched}
        joining = {k: joining[k] for k in pairs}
        nodes = [k for k in loaded.keys if k in touched]
        must = [k for k in must if k[0] in touched and k[1] in touched]
    pair_keys = list(pairs)
    left, right, probability = _pair_rows(pair_keys, joining, index)
    apart = _sibling_positions(features.records, pair_keys, left, right, probability, judgements, config)
    siblings = [pair_keys[k] for k in apart.tolist()]
    result, clusters = _clustered_records(
        nodes, features.records, (left, right, probability), threshold, must, cannot, apart, touched, index
    )
    applied = len(must) + len(cannot)
    return Clustered(
        pairs,
        judgements,
        siblings,
        applied,
        result,
        clusters,
        dropped,
        touched,
        gone,
        previous_members or {},
        kept_persons,
        # only those the rule kept from joining: below the threshold it changed nothing
        {k: outranked[k] for k in pairs if k in outranked and pairs[k][0] >= threshold},
    )


def _pair_rows(
    pair_keys: list[PairKey], pairs: ScoredPairs, index: dict[RecordKey, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pair's two records, as their positions in the keys (`index`), and its probability, in
    the order of `pair_keys` (the keys of `pairs`): the loops over the pairs run in C (`map`), and
    each record key is hashed once for the whole step."""
    n = len(pair_keys)
    left = np.fromiter(map(index.__getitem__, map(itemgetter(0), pair_keys)), dtype=np.int64, count=n)
    right = np.fromiter(map(index.__getitem__, map(itemgetter(1), pair_keys)), dtype=np.int64, count=n)
    probability = np.fromiter(map(itemgetter(0), pairs.values()), dtype=float, count=n)
    return left, right, probability


def _sibling_positions(
    records: pd.DataFrame,
    pair_keys: list[PairKey],
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    judgements: dict[PairKey, str],
    config: SiblingConfig,
) -> np.ndarray:
    """`likely_siblings` among the pairs that no reviewer has judged, as positions in `pair_keys`
    (`_pair_rows` gives the records and probabilities)."""
    checked = probability >= config.check_from
    if judgements:
        checked &= ~np.fromiter(map(judgements.__contains__, pair_keys), dtype=bool, count=len(pair_keys))
    at = np.flatnonzero(checked)
    return at[sibling_positions(records, left[at], right[at], config)]


def _clustered_records(
    nodes: list[RecordKey],
    records: pd.DataFrame,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    threshold: float,
    must: list[PairKey],
    cannot: list[PairKey],
    apart: np.ndarray,
    touched: frozenset[RecordKey] | None,
    index: dict[RecordKey, int],
) -> tuple[ClusterResult, dict[Any, list[RecordKey]]]:
    """`cluster.cluster` of `nodes` (every record, or the `touched` ones in the order of the keys)
    with the sexes and national numbers of their feature rows (`records`, in the order of the keys;
    `index`: each key's position there), and its clusters (`ClusterResult.clusters`), run on the
    records' numbers (`cluster.cluster_indices`): the same clusters, without hashing record keys at
    every step of the union-find. `pairs` are every pair's records (positions in the keys) and
    probability (`_pair_rows`); `apart`, the positions among them of likely siblings."""
    left, right, probability = pairs
    sexes = records["sex"].tolist()
    national_ids = records["national_id"].tolist()
    kept_left, kept_right = left[apart], right[apart]
    if touched is None:
        number = index
    else:
        # the touched records numbered 0..len(nodes)-1, and only the pairs between two of them
        number = {k: i for i, k in enumerate(nodes)}
        rows = np.fromiter(map(index.__getitem__, nodes), dtype=np.int64, count=len(nodes))
        sexes = [sexes[i] for i in rows.tolist()]
        national_ids = [national_ids[i] for i in rows.tolist()]
        local = np.full(len(records), -1, dtype=np.int64)
        local[rows] = np.arange(len(rows), dtype=np.int64)
        left, right, kept_left, kept_right = local[left], local[right], local[kept_left], local[kept_right]
        both = (left >= 0) & (right >= 0)
        left, right, probability = left[both], right[both], probability[both]
        kept = (kept_left >= 0) & (kept_right >= 0)
        kept_left, kept_right = kept_left[kept], kept_right[kept]
    found = cluster_indices(
        sexes,
        national_ids,
        left,
        right,
        probability,
        threshold,
        must_link=numbered(must, number),
        cannot_link=numbered(cannot, number),
        kept_apart=zip(kept_left.tolist(), kept_right.tolist(), strict=True),
    )
    return clusters_of(nodes, found), cast(dict[Any, list[RecordKey]], grouped(nodes, found))


def touched_records(
    keys: list[RecordKey],
    pairs: ScoredPairs,
    must: Iterable[PairKey],
    threshold: float,
    members: dict[RecordKey, str],
    seeds: Iterable[RecordKey],
    index: dict[RecordKey, int] | None = None,
) -> frozenset[RecordKey]:
    """The records whose persons a change at `seeds` can alter: the seeds, and whatever joins them
    through pairs at or above `threshold`, reviewers' "same", or a person they shared before, again
    and again. Clustering takes only such joins (everything else keeps records apart), so a record
    beyond them is clustered as it was. A seed that is no longer a current record reaches the other
    records of its person."""
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    left: list[int] = []
    right: list[int] = []
    for (a, b), (p, _w) in pairs.items():
        if p >= threshold:
            left.append(index[a])
            right.append(index[b])
    for a, b in must:
        left.append(index[a])
        right.append(index[b])
    # each record to its person of the last run (a node numbered after the records), in arrays: a
    # million memberships
    at = np.fromiter((index.get(k, -1) for k in members), dtype=np.int64, count=len(members))
    person, persons = pd.factorize(np.fromiter(members.values(), dtype=object, count=len(members)))
    person_node = n + person.astype(np.int64)
    current = at >= 0
    rows = np.concatenate([np.asarray(left, dtype=np.int64), at[current]])
    columns = np.concatenate([np.asarray(right, dtype=np.int64), person_node[current]])
    size = n + len(persons)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, columns)), shape=(size, size))
    _count, label = connected_components(graph, directed=False)
    node_of_person = {pid: n + i for i, pid in enumerate(persons)}
    start = [
        index[k] if k in index else node_of_person[members[k]] for k in seeds if k in index or k in members
    ]
    reached = np.isin(label[:n], np.unique(label[start]))
    return frozenset(keys[i] for i in np.flatnonzero(reached))


def record_traits(keys: list[RecordKey], records: list[dict]) -> dict[RecordKey, dict[str, str | None]]:
    """What clustering checks: a person never holds two sexes or two national numbers more than a
    typo apart."""
    return {
        k: {"sex": r.get("sex"), "national_id": r.get("national_id")}
        for k, r in zip(keys, records, strict=True)
    }


def likely_siblings(
    features: pd.DataFrame,
    keys: list[RecordKey],
    pairs: Iterable[tuple[RecordKey, RecordKey, float]],
    config: SiblingConfig = DEFAULT_CONFIG.siblings,
    index: dict[RecordKey, int] | None = None,
) -> list[PairKey]:
    """The scored pairs that read as brother and sister (`athar.linkage.siblings`), by record key;
    `features` rows are in the order of `keys` (`index`: each key's position, if already made).
    Only the rows of the pairs' records are read."""
    if index is None:
        index = {k: i for i, k in enumerate(keys)}
    listed = [(a, b) for a, b, p in pairs if p >= config.check_from]
    left = np.fromiter((index[a] for a, _b in listed), dtype=np.int64, count=len(listed))
    right = np.fromiter((index[b] for _a, b in listed), dtype=np.int64, count=len(listed))
    return [listed[k] for k in sibling_positions(features, left, right, config).tolist()]


# -- stable ids ------------------------------------------------------------------------------------


@collector_paused()
def stable_ids(clustered: Clustered, previous: dict[RecordKey, str], max_number: int) -> IdAssignment:
    """Each cluster's person id: the previous person it overlaps most keeps its id (`athar.linkage.ids`),
    others get new ids numbered on from `max_number`. Of an incremental run's touched records only:
    the persons they held before lie wholly among them (`touched_records`). With the cyclic
    collector paused, as for writing (`persist.write_run`): an event per new person is a lot of
    objects."""
    numbers = itertools.count(max_number + 1)
    if clustered.touched is not None:
        previous = clustered.previous_of_clustered()
    return assign_ids(clustered.clusters, previous, lambda: f"P-{next(numbers):07d}")
