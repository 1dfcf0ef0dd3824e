"""Why two records are (or are not) the same person: the match weight of each comparison.

The two records are scored with the newest run's saved model and the term frequencies, name roles
and config (`athar.linkage.config`) saved with it, so the explanation is the one the run used,
without recomputing anything over the store; a run saved before configs were reads as today's
defaults.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from splink.internals.waterfall_chart import records_to_waterfall_data
from sqlalchemy import Engine

from athar.linkage import store_io
from athar.linkage.config import LinkConfig
from athar.linkage.engines import db_api_for
from athar.linkage.features import NAME_PARTS, feature_frame, name_keys_of, name_readings
from athar.linkage.model import make_linker
from athar.linkage.pair_scoring import PairScorer
from athar.linkage.review import ReviewError, record_ref
from athar.linkage.settings import TERM_FREQUENCY_COLUMNS
from athar.linkage.shared_numbers import numbers_with_digests, read_as_missing
from athar.linkage.siblings import sibling_pairs


def _record(engine: Engine, ref: str, uid: int) -> dict:
    source, record_id = record_ref(ref)
    record = store_io.load_record(engine, source, record_id, uid)
    if record is None:
        raise ReviewError(f"no record {ref}")
    return record


@dataclass
class _Scorer:
    """A linker over the run's model, built once per run: the review page explains pair after pair."""

    run_id: int
    linker: Any
    pairs: PairScorer
    term_frequencies: dict[str, dict[str, float]]
    name_roles: dict[str, float]
    config: LinkConfig
    placeholder_digests: frozenset[str]  # national numbers the run read as missing
    lock: threading.Lock
    explained: OrderedDict = field(default_factory=OrderedDict)


EXPLAINED_CACHE_SIZE = 2_000


def _frozen(row: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in row.items() if k != "unique_id"))


_scorers: dict[tuple[str, int], _Scorer] = {}
_scorers_lock = threading.Lock()


def _scorer(engine: Engine, records: list[dict], run_id: int | None = None) -> tuple[_Scorer, pd.DataFrame]:
    """The scorer of run `run_id` (the newest with a model if None), and the feature rows of `records`
    read with that run's name roles."""
    if run_id is None:
        run_id = store_io.newest_model_run_id(engine)
        if run_id is None:
            raise ReviewError("no linkage model yet: run `athar link` first")
    elif not store_io.run_has_model(engine, run_id):
        raise ReviewError(f"no linkage run {run_id} with a saved model")
    key = (str(engine.url), run_id)
    with _scorers_lock:
        cached = _scorers.get(key)
        if cached is None:
            run = store_io.saved_run(engine, run_id)
            features = feature_frame(
                records, roles=run.name_roles, other_readings=True, config=run.config.features
            )
            linker = make_linker(db_api_for("duckdb"), features, run.model)
            cached = _Scorer(
                run_id,
                linker,
                PairScorer(linker),
                run.term_frequencies,
                run.name_roles,
                run.config,
                run.national_ids_read_as_missing,
                threading.Lock(),
            )
            _scorers.clear()  # one model at a time per process is enough
            _scorers[key] = cached
            return cached, _as_the_run_read(features, cached)
    features = feature_frame(
        records, roles=cached.name_roles, other_readings=True, config=cached.config.features
    )
    return cached, _as_the_run_read(features, cached)


def _as_the_run_read(features: pd.DataFrame, scorer: _Scorer) -> pd.DataFrame:
    """`features` with the national numbers the run read as missing (a list's placeholder) missing."""
    if scorer.placeholder_digests:
        found = numbers_with_digests(features["national_id"].tolist(), scorer.placeholder_digests)
        read_as_missing(features, found)
    return features


def explain(engine: Engine, left: str, right: str, run_id: int | None = None) -> dict:
    """{"left", "right", "match_probability", "match_weight", "steps": [...]} for two SOURCE:ID refs,
    scored with run `run_id`'s model, term frequencies, name roles and config (the newest run's if
    None): every run keeps the model it scored with, so an older run's decision can be explained as
    it was made after `athar link --full` trained another. The records are read as they are now."""
    records = [_record(engine, left, 0), _record(engine, right, 1)]
    scorer, features = _scorer(engine, records, run_id)
    rows = features.to_dict("records")
    # every column's share given, so that Splink never counts them in these two rows (where every
    # name would be in every row); a name the run did not count gets no adjustment
    for row in rows:
        for column in TERM_FREQUENCY_COLUMNS:
            shares, value = scorer.term_frequencies.get(column, {}), row.get(column)
            row[f"tf_{column}"] = shares.get(str(value)) if isinstance(value, str) else None
    rows = [_clean(row) for row in rows]
    # Reviewers working the same queue open the same pairs; an explanation depends only on the run
    # and on what the two records say, so it is computed once.
    cache_key = (scorer.run_id, *(_frozen(row) for row in rows))
    with scorer.lock:  # a DuckDB connection serves one query at a time
        cached = scorer.explained.get(cache_key)
        if cached is None:
            cached = _best_reading(scorer, rows)
            scorer.explained[cache_key] = cached
            while len(scorer.explained) > EXPLAINED_CACHE_SIZE:
                scorer.explained.popitem(last=False)
        else:
            scorer.explained.move_to_end(cache_key)
    scored, waterfall, reading_steps, chosen = cached
    steps = [
        {
            "comparison": w["column_name"],
            "level": w["label_for_charts"],
            "left": w.get("value_l", ""),
            "right": w.get("value_r", ""),
            "match_weight": None
            if w["log2_bayes_factor"] is None
            else round(float(w["log2_bayes_factor"]), 3),
        }
        for w in waterfall
        if w["column_name"] != "Final score"
    ] + reading_steps
    weight = float(scored[0]["match_weight"]) + sum(step["match_weight"] for step in reading_steps)
    probability = round(2**weight / (1 + 2**weight), 6) if weight < 1000 else 1.0
    siblings = bool(sibling_pairs(features.iloc[:2], [(0, 1, probability)], scorer.config.siblings))
    return {
        "left": left,
        "right": right,
        "run_id": scorer.run_id,
        "match_weight": round(weight, 3),
        "match_probability": probability,
        # kept apart by `athar link` as likely brother and sister until a reviewer says otherwise
        "kept_apart_as_siblings": siblings,
        "steps": steps,
        # the name parts of a side scored in another reading of its name, as written ({} if none)
        "names_read": {
            side: _names_of_reading(record, row, scorer)
            for side, record, row in zip(("left", "right"), records, chosen, strict=True)
        },
    }


def _names_of_reading(record: dict, row: dict, scorer: _Scorer) -> dict[str, str]:
    """The record's name parts in the reading `row` scores, by field (`given_name`...), when that is
    not the reading taken at first (a name read family first): a reviewer is shown the given name
    the model compared, not the word the list wrote first. Each part as written, in lower case."""
    if row["unique_id"] == row["reading_of"]:
        return {}
    _taken, others = name_readings(record, scorer.name_roles, scorer.config.features.reading_policy())
    keys = tuple(row.get(f"{part}_key") for part in NAME_PARTS)
    for parts, _log_odds in others:
        if name_keys_of(parts) == keys:
            return {f"{part}_name": value for part, value in zip(NAME_PARTS, parts, strict=True) if value}
    return {}


def _best_reading(
    scorer: _Scorer, rows: list[dict]
) -> tuple[list[dict], list[dict], list[dict], tuple[dict, dict]]:
    """Score the two records in each reading of their names (`feature_frame(other_readings=True)`)
    and keep the best of the readings the blocking rules pair, as `athar link` does (the names as
    read first when none is paired): its scored row, its waterfall, a step for each name read in
    the other order (the log2-probability of that reading), and the two rows kept."""
    lefts = [r for r in rows if r["reading_of"] == 0]
    rights = [r for r in rows if r["reading_of"] == 1]
    scored_pairs = scorer.pairs.score(
        [_without_readings(r) for r in lefts], [_without_readings(r) for r in rights]
    )
    candidates = []  # (found by blocking, weight, scored, left, right); the names as read first lead
    for left in lefts:
        for right in rights:
            scored = [scored_pairs[left["unique_id"], right["unique_id"]]]
            weight = float(scored[0]["match_weight"]) + left["reading_bits"] + right["reading_bits"]
            candidates.append((bool(scored[0]["found_by_blocking_rules"]), weight, scored, left, right))
    blocked = [c for c in candidates if c[0]]
    _found, _weight, scored, left, right = max(blocked, key=lambda c: c[1]) if blocked else candidates[0]
    waterfall = records_to_waterfall_data(scored, scorer.linker._settings_obj, hide_details=False)
    reading_steps = [
        {
            "comparison": "name_order",
            "level": f"{side}'s name read in the other order",
            "left": "",
            "right": "",
            "match_weight": round(row["reading_bits"], 3),
        }
        for side, row in (("left", left), ("right", right))
        if row["reading_bits"]
    ]
    return scored, waterfall, reading_steps, (left, right)


READING_COLUMNS = ("reading_of", "reading_bits")


def _without_readings(row: dict) -> dict:
    """A feature row as the model reads it: without which record it reads and how likely that is."""
    return {k: v for k, v in row.items() if k not in READING_COLUMNS}


def _clean(row: dict) -> dict:
    """A feature row as plain Python values (pandas' missing values become None)."""
    return {k: None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for k, v in row.items()}
