"""Training and scoring with Splink: EM with u from random sampling, on any Splink backend."""

from __future__ import annotations

import copy
import logging
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from splink import Linker
from splink.internals.pipeline import CTEPipeline

from athar.linkage import patterns, splink_compat
from athar.linkage.config import TrainingConfig
from athar.linkage.errors import LinkageError
from athar.linkage.settings import LISTS_COMPARISON, SAME_SEX_OR_UNKNOWN, settings

splink_compat.install()

log = logging.getLogger(__name__)

# Deterministic rules that are almost always true matches, for Splink's estimate of the prior.
DETERMINISTIC_RULES = (
    f"l.given_key = r.given_key AND l.father_key = r.father_key AND l.family_key = r.family_key "
    f"AND l.birth_year = r.birth_year AND {SAME_SEX_OR_UNKNOWN}",
    "l.national_id = r.national_id",
)


@dataclass(frozen=True)
class EmBlock:
    """One EM pass: its blocking rule, and about how many pairs it trains on."""

    columns: tuple[str, ...]
    rule: str
    pairs: int  # after thinning; exact when not thinned


def em_block_column(index: int) -> str:
    """The column `em_frame` adds for the `index`-th EM pass."""
    return f"em_block_{index}"


def em_frame(features: pd.DataFrame, config: TrainingConfig) -> pd.DataFrame:
    """`features` with a column per EM pass (`em_block_column`): a number for the block of records
    that agree on the pass's columns where the block holds at most `config.em_block_limit` records,
    else missing (and missing where any of the columns is)."""
    columns: dict[str, pd.Series] = {}
    for index, block_columns in enumerate(config.em_blocks):
        if features.empty or not set(block_columns) <= set(features.columns):
            columns[em_block_column(index)] = pd.Series(pd.NA, index=features.index, dtype="Int64")
            continue
        groups = features.groupby(list(block_columns), dropna=True, sort=False)
        block = groups.ngroup()  # -1 where a column is missing
        size = groups[block_columns[0]].transform("size")
        keep = (block >= 0) & (size <= config.em_block_limit)
        columns[em_block_column(index)] = pd.Series(pd.array(block, dtype="Int64")).where(keep.to_numpy())
    return features.assign(**{name: values.array for name, values in columns.items()})


def em_block(index: int, columns: tuple[str, ...], features: pd.DataFrame | None, max_pairs: int) -> EmBlock:
    """The `index`-th EM pass, blocked on `columns` within the blocks `em_frame` kept, thinned to a
    deterministic sample of about `max_pairs` pairs.

    Keeping pairs whose id sum falls in one residue class samples without regard to whether the
    pair matches, so m and u are not biased. Without `features` (which must come from `em_frame`)
    the pass is neither limited to small blocks nor thinned, and its size is unknown (-1).
    """
    rule = " AND ".join(f"l.{c} = r.{c}" for c in columns)
    if features is None:
        return EmBlock(columns, rule, -1)
    kept = em_block_column(index)
    if kept not in features.columns:
        raise ValueError(f"the features have no column {kept}: train on em_frame(features, config)")
    rule = f"{rule} AND l.{kept} = r.{kept}"
    sizes = features[kept].dropna().value_counts()
    pairs = int((sizes * (sizes - 1) // 2).sum())
    every = -(-pairs // max_pairs)  # ceiling
    if every <= 1:
        return EmBlock(columns, rule, pairs)
    return EmBlock(columns, f"{rule} AND (l.unique_id + r.unique_id) % {every} = 0", pairs // every)


def registered(db_api: Any, frame: pd.DataFrame | Any, prefix: str) -> Any:
    """`frame` registered with the backend as a table of its own: a Spark session outlives one
    linker, so each registration gets a name of its own. On Spark a pandas frame is sent a slice at
    a time and held by the executors (`athar.linkage.spark_input`), not parallelised from the
    driver, which would hold every row for the table's life."""
    if isinstance(frame, pd.DataFrame) and db_api.sql_dialect.sql_dialect_str == "spark":
        from athar.linkage.spark_input import to_spark

        frame = to_spark(db_api.spark, frame)
    return db_api.register(frame, table_name=f"{prefix}_{uuid.uuid4().hex[:8]}")


def make_linker(
    db_api: Any,
    features: pd.DataFrame | Any,
    model: dict | None = None,
    term_frequencies: Mapping[str, Mapping[str, float]] | None = None,
) -> Linker:
    """A linker over the feature table; with `model` (a saved settings dict), no training is needed.
    With `term_frequencies` (`athar.linkage.frequencies.used_shares`), names are weighed by those
    shares rather than by the ones Splink would count in the table."""
    table = registered(db_api, features, "athar_features")
    if model is not None:
        model = model_for_dialect(model, db_api.sql_dialect.sql_dialect_str)
    # Athar's settings are its own and tested; Splink's validation of them parses every level's SQL
    # again for each linker (about a second each) only to log what it would find wrong
    linker = Linker(
        table, model if model is not None else settings(), log_level=logging.ERROR, validate_settings=False
    )
    if term_frequencies is not None:
        register_term_frequencies(linker, term_frequencies)
    return linker


def register_term_frequencies(linker: Linker, shares: Mapping[str, Mapping[str, float]]) -> None:
    """`shares` registered as the linker's term-frequency lookups. A column the model adjusts by
    and `shares` lacks, or holds no value of, is left to Splink, which counts it in the linker's
    table (where no row holds it either)."""
    adjusted = {column.unquote().name for column in linker._settings_obj._term_frequency_columns}
    for column in sorted(adjusted & set(shares)):
        values = shares[column]
        if not values:
            continue
        frame = pd.DataFrame(
            {
                column: pd.Series(list(values), dtype=object),
                f"tf_{column}": pd.Series(list(values.values()), dtype="float64"),
            }
        )
        table = registered(linker._db_api, frame, f"athar_tf_{column}")
        linker.table_management.register_term_frequency_lookup(table, column)


def model_for_dialect(model: dict, dialect: str) -> dict:
    """The trained model with its SQL in `dialect`.

    A saved model holds SQL in the dialect it was trained in (DuckDB SQL does not run on Spark), so
    the settings are rebuilt from Athar's field definitions in the target dialect and the trained
    parameters (prior, m and u of each level) carried over. Blocking rules come from the model, so a
    caller's changes to them (incremental runs) survive.
    """
    if model.get("sql_dialect") == dialect:
        return model
    rebuilt = settings().get_settings(dialect).as_dict()
    trained = {c["output_column_name"]: c["comparison_levels"] for c in model["comparisons"]}
    for comparison in rebuilt["comparisons"]:
        levels = trained[comparison["output_column_name"]]
        if len(levels) != len(comparison["comparison_levels"]):
            raise LinkageError(
                f"the saved model does not fit comparison {comparison['output_column_name']!r} of this "
                "version of Athar: run `athar link --full` to train it anew"
            )
        for level, saved in zip(comparison["comparison_levels"], levels, strict=True):
            for name in ("m_probability", "u_probability"):
                if saved.get(name) is not None:
                    level[name] = saved[name]
    for kept in ("probability_two_random_records_match", "retain_matching_columns"):
        if kept in model:
            rebuilt[kept] = model[kept]
    rebuilt["blocking_rules_to_generate_predictions"] = [
        {**rule, "sql_dialect": rule.get("sql_dialect", "duckdb")}
        for rule in model["blocking_rules_to_generate_predictions"]
    ]
    return rebuilt


def estimate_u(linker: Linker, config: TrainingConfig) -> None:
    """u of every level from about `config.u_max_pairs` random pairs of records, all of them
    counted (`patterns.estimate_u`): every pair among the records Splink's
    `estimate_u_using_random_sampling` samples, or pairs drawn independently
    (`config.u_independent_pairs`).

    Splink's own estimate counts each comparison in ten queries of its own (and a probe): 2.9 s
    of 10 in training at 200,000 persons; here one query counts every comparison. Splink's
    default also stops once each level has 100 pairs in a probe of 1% of one side of the sample
    (some 20 records), which left the u of levels that only some lists reach (a death or a
    return after another list's event) to the lists those few records come from: every pair
    is counted.
    """
    patterns.estimate_u(linker, int(config.u_max_pairs), config.seed, config.u_independent_pairs)


def train(
    linker: Linker,
    config: TrainingConfig,
    features: pd.DataFrame | None = None,
    fallback: Fallback | None = None,
) -> Trained:
    """The model trained on the linker's records, floored (`regularised`), and what could not be
    estimated from them.

    The prior (how often two records are one person) comes from deterministic rules, bounded away
    from 0 and 1 (`bounded_prior`); u from random pairs; m by EM passes, each over the blocks of at
    most `config.em_block_limit` records and thinned to at most `config.em_max_pairs` pairs when
    `features` (`em_frame`'s) is given. A pass with no pairs is skipped, and a pass
    whose EM finds no matches among its pairs is undone (`em_pass_found_matches`): on a list in
    which every record is a different person, EM otherwise "learns" what namesakes have in common.
    Whatever is left without an estimate is taken from `fallback` (the store's saved model) where it
    fits, else from Splink's defaults, and said in `Trained.warnings`.
    """
    records = linker.misc.query_sql(
        f"SELECT count(*) AS n FROM {_input_table(linker)}", output_type="pandas"
    )["n"].iloc[0]
    records = int(records)
    pairs = records * (records - 1) // 2
    if pairs == 0:
        raise LinkageError("a model needs at least two records to be trained")
    warnings: list[str] = []

    observed = deterministic_pairs(linker)
    prior = bounded_prior(observed, pairs, config.deterministic_recall)
    linker._settings_obj._probability_two_random_records_match = prior
    if prior == PRIOR_CEILING:
        warnings.append(
            f"{records:,} records are too few to estimate how often two records are one person: taken "
            "as even odds"
        )
    elif observed == 0:
        warnings.append(
            "no two records share given, father's and family name with the birth year, or a national "
            "number, so how often two records are one person could not be estimated: taken as one "
            f"pair in {round(1 / prior):,}"
        )

    estimate_u(linker, config)
    u_estimated = min(pairs, config.u_max_pairs) >= U_MIN_PAIRS

    em_linker = without_term_frequencies(linker)
    for index, columns in enumerate(config.em_blocks):
        block = em_block(index, columns, features, config.em_max_pairs)
        if block.pairs == 0:
            log.debug("EM pass on %s skipped: no two records share them", ", ".join(columns))
            continue
        session = em_linker.training.estimate_parameters_using_expectation_maximisation(
            block.rule, estimate_without_term_frequencies=True
        )
        share = session.core_model_settings.probability_two_random_records_match
        if not em_pass_found_matches(share, block.pairs):
            log.debug("EM pass on %s undone: it found no matches among its pairs", ", ".join(columns))
            _undo_em_pass(em_linker, session._blocking_rule_for_training.blocking_rule_sql)
    _take_m_from(em_linker, linker)

    _keep_lists_m_from(linker, config.lists_learnt_from)
    model = linker.misc.save_model_to_json()
    unestimated_m = [
        c.output_column_name
        for c in linker._settings_obj.comparisons
        if not any(level._has_estimated_m_values for level in c._comparison_levels_excluding_null)
    ]
    model, m_from = _filled(model, linker, "m_probability", unestimated_m, fallback)
    # a field no two random records both hold (no national numbers in the list) tells nothing
    # either way: its m is filled, but not worth a word
    held = {
        c.output_column_name
        for c in linker._settings_obj.comparisons
        if any(level._u_is_trained for level in c._comparison_levels_excluding_null)
    }
    unlearnt = [c for c in unestimated_m if c in held]
    if unlearnt:
        fields = "any field" if len(unlearnt) == len(held) else _plain(unlearnt)
        warnings.append(
            f"what records of one person have in common could not be learnt for {fields} (too few "
            f"pairs of records agree on the other fields to learn from): taken from {m_from}"
        )
    if not u_estimated:
        every = [c.output_column_name for c in linker._settings_obj.comparisons]
        model, u_from = _filled(model, linker, "u_probability", every, fallback)
        warnings.append(
            f"{records:,} records are too few to estimate how often different persons agree by chance: "
            f"taken from {u_from}"
        )
    for warning in warnings:
        log.info("training: %s", warning)
    return Trained(regularised(model, config.m_floor, config.u_floor), tuple(warnings))


# The prior is kept between one expected matching pair in all (`bounded_prior`) and even odds.
PRIOR_CEILING = 0.5
# u is estimated from the data only when random sampling can draw at least this many pairs: in a
# handful of records the random pairs are the very pairs being judged, duplicates included.
U_MIN_PAIRS = 1_000
# An EM pass whose match class holds fewer pairs than this has found nothing to learn from.
EM_MIN_MATCHING_PAIRS = 1.0


@dataclass(frozen=True)
class Fallback:
    """A saved model to take what the data cannot estimate from, and how to name it to a user."""

    model: dict
    name: str


@dataclass(frozen=True)
class Trained:
    """A trained, floored model and, in plain words, what could not be estimated and what was
    taken instead (never personal data: counts and field names)."""

    model: dict
    warnings: tuple[str, ...] = ()


def bounded_prior(observed: int, pairs: int, recall: float) -> float:
    """How often two random records are one person, from `observed` pairs that the deterministic
    rules find among `pairs` and the rules' `recall`.

    Kept at no less than one matching pair in all (no pair found does not show that no two records
    are one person, and a prior of 0 makes every match weight -inf: Splink's log2 fails) and at most
    `PRIOR_CEILING` (a handful of records can hold more rule-agreeing pairs than the recall allows).
    """
    expected = max(observed / recall, 1.0)
    return min(expected / pairs, PRIOR_CEILING)


def deterministic_pairs(linker: Linker) -> int:
    """Pairs of the linker's records that at least one deterministic rule pairs (exact count)."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    counts = count_comparisons_from_blocking_rules(
        list(linker._input_tables_dict.values()),
        blocking_rules=list(DETERMINISTIC_RULES),
        link_type="dedupe_only",
        record_sample_proportion=1.0,
    )
    last = counts[-1]
    row = last if isinstance(last, dict) else vars(last)
    return int(row["cumulative_comparison_count"])


def em_pass_found_matches(match_share: float, pairs: int) -> bool:
    """Whether an EM pass's final share of matches among its `pairs` amounts to any matching pair.

    Among pairs of different persons only, EM's match class empties (the share falls to its bound,
    `splink_compat.EM_MATCH_SHARE_BOUND`) and the m it leaves describe a handful of pairs' worth of
    weight: nothing. An unknown size (`pairs` < 0) is taken as enough.
    """
    return pairs < 0 or match_share * pairs >= EM_MIN_MATCHING_PAIRS


def _input_table(linker: Linker) -> str:
    (table,) = linker._input_tables_dict.values()
    return table.physical_name


def without_term_frequencies(linker: Linker) -> Linker:
    """A copy of `linker` (same backend and records, its own parameters) whose levels are not
    adjusted by term frequencies, for EM passes run without them.

    Splink's EM builds each pass's comparison vectors from the records joined to a table of counts
    for every term-frequency column (13 here), although a pass without term frequencies reads none
    of them: a second or so of the training step at 200,000 persons. The m a pass estimates does
    not depend on them; `_take_m_from` carries them back to the linker."""
    copied = copy.deepcopy(linker)
    for comparison in copied._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            level._tf_adjustment_column = None
    return copied


def _take_m_from(trained: Linker, linker: Linker) -> None:
    """Every level's m estimates (each EM pass's) from `trained`, a copy of `linker`
    (`without_term_frequencies`), in place of `linker`'s."""
    for source, target in zip(
        trained._settings_obj.comparisons, linker._settings_obj.comparisons, strict=True
    ):
        for from_level, to_level in zip(source.comparison_levels, target.comparison_levels, strict=True):
            if not to_level.is_null_level:
                to_level._trained_m_probabilities = list(from_level._trained_m_probabilities)
    linker._populate_m_u_from_trained_values()


def _keep_lists_m_from(linker: Linker, passes: tuple[tuple[str, ...], ...]) -> None:
    """The m of the lists comparison (`settings.lists`) from the EM passes blocked on `passes`
    only, where any of them ran; otherwise left as every pass estimated it."""
    kept = tuple(f"EM, blocked on: {' AND '.join(f'l.{c} = r.{c}' for c in columns)}" for columns in passes)
    for comparison in linker._settings_obj.comparisons:
        if comparison.output_column_name != LISTS_COMPARISON:
            continue
        for level in comparison._comparison_levels_excluding_null:
            chosen = [t for t in level._trained_m_probabilities if t["description"].startswith(kept)]
            if chosen:
                level._trained_m_probabilities = chosen
    linker._populate_m_u_from_trained_values()


def _undo_em_pass(linker: Linker, rule_sql: str) -> None:
    """Drop the m estimates of the EM pass blocked on `rule_sql`: each level's m becomes the median
    of its other passes' again, or none if no other pass estimated it."""
    description = f"EM, blocked on: {rule_sql}"
    for comparison in linker._settings_obj.comparisons:
        for level in comparison._comparison_levels_excluding_null:
            level._trained_m_probabilities = [
                t for t in level._trained_m_probabilities if t["description"] != description
            ]
            if not level._has_estimated_m_values:
                level._m_probability = None
    linker._populate_m_u_from_trained_values()


def _filled(
    model: dict, linker: Linker, name: str, comparisons: list[str], fallback: Fallback | None
) -> tuple[dict, str]:
    """`model` with the `name` ("m_probability" or "u_probability") of every level of `comparisons`
    taken from `fallback` where its comparison has the same levels, else Splink's defaults; and where
    they came from, in words."""
    saved_comparisons = fallback.model.get("comparisons", []) if fallback else []
    saved = {c["output_column_name"]: c["comparison_levels"] for c in saved_comparisons}
    defaults = {
        c.output_column_name: [
            level.default_m_probability if name == "m_probability" else level.default_u_probability
            for level in c.comparison_levels
        ]
        for c in linker._settings_obj.comparisons
    }
    out = copy.deepcopy(model)
    sources = set()
    for comparison in out["comparisons"]:
        column = comparison["output_column_name"]
        if column not in comparisons:
            continue
        levels = comparison["comparison_levels"]
        from_saved = saved.get(column)
        if (
            from_saved is not None
            and len(from_saved) == len(levels)
            and all(lv.get(name) is not None for lv in from_saved if not lv.get("is_null_level"))
        ):
            values = [lv.get(name) for lv in from_saved]
            sources.add(fallback.name if fallback else "")
        else:
            values = defaults[column]
            sources.add("general defaults")
        for level, value in zip(levels, values, strict=True):
            if not level.get("is_null_level"):
                level[name] = value
    return out, " and ".join(sorted(sources))


_PLAIN_NAMES = {
    "given_name": "given names",
    "father_name": "fathers' names",
    "grandfather_name": "grandfathers' names",
    "family_name": "family names",
    "mother_name": "mothers' names",
    "birth_date": "birth dates",
    "event_date": "event dates",
    "national_id": "national numbers",
    "birth_place": "birth places",
}


def _plain(columns: list[str]) -> str:
    words = [_PLAIN_NAMES.get(c, c.replace("_", " ")) for c in columns]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def regularised(model: dict, m_floor: float, u_floor: float) -> dict:
    """A copy of a trained model whose m and u probabilities are floored (`TrainingConfig.m_floor`:
    why) and renormalised."""
    out = copy.deepcopy(model)
    for comparison in out["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        for name, floor in (("m_probability", m_floor), ("u_probability", u_floor)):
            values = [max(_probability_or_zero(level.get(name)), floor) for level in levels]
            total = sum(values)
            for level, value in zip(levels, values, strict=True):
                level[name] = value / total
    return out


def _probability_or_zero(value: Any) -> float:
    """A saved m or u as a number: absent, "level not observed" or NaN read as 0 (then floored)."""
    return float(value) if isinstance(value, int | float) and not math.isnan(value) else 0.0


def predict(
    linker: Linker,
    threshold_match_probability: float = 0.01,
    block_limit: int | None = None,
    bounded: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Scored pairs at or above the threshold: unique_id_l, unique_id_r, match_probability, match_weight.

    The pairs are blocked here (`blocked_pairs`, within blocks of at most `block_limit` records but
    for the blocks of `bounded` columns) and handed to Splink to score."""
    if not linker._settings_obj._blocking_rules_to_generate_predictions:
        return _predicted(
            linker, linker.inference.predict(threshold_match_probability=threshold_match_probability)
        )
    blocked = blocked_pairs(linker, block_limit, bounded)
    registered = linker.table_management.register_blocked_pairs_for_predict(blocked)
    # scored as Splink scores the pairs it blocks itself: for pairs handed to it, DuckDB first
    # copies the records of either side that some pair holds (1.5 s CPU at 200,000 persons, and
    # scoring took a second longer after it), which pays only when few records are paired
    registered.metadata["registered_for_predict"] = False
    try:
        scored = linker.inference.predict(threshold_match_probability=threshold_match_probability)
    finally:
        blocked.drop_table_from_database_and_remove_from_cache()
    return _predicted(linker, scored)


def _predicted(linker: Linker, scored: Any) -> pd.DataFrame:
    # only these four columns leave the engine: the whole table (every matching column beside them)
    # in pandas was the peak of a million-record run
    frame = linker.misc.query_sql(
        f"SELECT unique_id_l, unique_id_r, match_probability, match_weight FROM {scored.physical_name}",
        output_type="pandas",
    )
    scored.drop_table_from_database_and_remove_from_cache()
    # in one order whatever order the engine's blocking and threads left them in
    return frame.sort_values(["unique_id_l", "unique_id_r"], ignore_index=True)


def blocked_pairs(
    linker: Linker, block_limit: int | None = None, bounded: frozenset[str] = frozenset()
) -> Any:
    """The pairs the model's blocking rules generate, each once, in the table Splink blocks into
    (`__splink__blocked_id_pairs`: join_key_l < join_key_r, the records' unique ids; match_key
    '0' for every pair), made in the linker's backend. With `block_limit`, a rule pairs records only
    within blocks of at most that many records (`BlockingConfig.block_limit`): a block is the
    records equal on the columns the rule requires equal (`equality_keys`). A rule requiring equal
    a column of `bounded`, whose blocks are known to be no larger (the rare-pair blocks of
    `athar.linkage.features`), is not counted.

    Splink generates each rule's pairs less those of every rule before it, testing each pair
    against the conditions of all the rules before its own (with 17 rules, up to 16 conditions a
    pair): at 200,000 persons 6.0 s of CPU for 2.1 million pairs. Every rule's pairs together,
    duplicates dropped, are the same pairs, for 2.3 s. Splink's match_key would name the first
    rule that generates a pair; nothing here reads it, and keeping it (the least rule number of
    each pair) cost another second.
    """
    (table,) = (t.physical_name for t in linker._input_tables_dict.values())
    uid = linker._settings_obj.column_info_settings.unique_id_input_column.name
    rules = linker._settings_obj._blocking_rules_to_generate_predictions
    selects = []
    for rule in rules:
        keys = equality_keys(rule.blocking_rule_sql)
        side = table if bounded.intersection(keys) else _within_small_blocks(table, keys, block_limit)
        selects.append(
            f"SELECT l.{uid} AS join_key_l, r.{uid} AS join_key_r FROM {side} AS l "
            f"INNER JOIN {side} AS r ON ({rule.blocking_rule_sql}) WHERE l.{uid} < r.{uid}"
        )
    each_rule = " UNION ALL ".join(selects)
    sql = f"SELECT DISTINCT '0' AS match_key, join_key_l, join_key_r FROM ({each_rule}) AS generated"
    pipeline = CTEPipeline()
    pipeline.enqueue_sql(sql, f"athar_blocked_pairs_{uuid.uuid4().hex[:8]}")
    return linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)


def _within_small_blocks(table: str, keys: tuple[str, ...], block_limit: int | None) -> str:
    """`table`, or (with a limit and keys) the subquery of its rows whose block on `keys` holds at
    most `block_limit` rows; a row missing a key is in no block, and no rule that requires that
    key equal pairs it."""
    if block_limit is None or not keys:
        return table
    listed = ", ".join(keys)
    present = " AND ".join(f"{key} IS NOT NULL" for key in keys)
    # the blocks small enough, by a hash aggregate, joined back on the keys (a window counting each
    # row's block sorted the table: at a million records 10-11 s of blocking against 7.4-8.5)
    small = (
        f"SELECT {listed} FROM {table} WHERE {present} GROUP BY {listed} HAVING COUNT(*) <= {block_limit:d}"
    )
    return f"(SELECT * FROM {table} INNER JOIN ({small}) AS athar_small_blocks USING ({listed}))"


_EQUALITY = re.compile(r"l\.(\w+)\s*=\s*r\.(\w+)")


def equality_keys(rule_sql: str) -> tuple[str, ...]:
    """The columns a blocking rule requires equal on both sides: its terms `l.c = r.c` joined by a
    top-level AND, also within a term that is a parenthesised conjunction (an incremental run's
    `(rule) AND r.is_new`). A term within a disjunction, such as `(l.sex = r.sex OR l.sex IS
    NULL ...)`, is a condition, not a key; a rule that is a disjunction at its top has none."""
    terms = _top_level(rule_sql.strip(), " AND ")
    if len(_top_level(rule_sql.strip(), " OR ")) > 1:
        return ()
    keys: list[str] = []
    for term in (t.strip() for t in terms):
        if term.startswith("(") and _closes_at_end(term):
            keys.extend(k for k in equality_keys(term[1:-1]) if k not in keys)
            continue
        found = _EQUALITY.fullmatch(term)
        if found and found.group(1) == found.group(2) and found.group(1) not in keys:
            keys.append(found.group(1))
    return tuple(keys)


def _top_level(sql: str, separator: str) -> list[str]:
    """`sql` split at each `separator` outside parentheses (case-insensitive)."""
    parts, depth, start, width = [], 0, 0, len(separator)
    for i, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql[i : i + width].upper() == separator:
            parts.append(sql[start:i])
            start = i + width
    parts.append(sql[start:])
    return parts


def _closes_at_end(term: str) -> bool:
    """Whether the parenthesis `term` opens with closes at its last character."""
    depth = 0
    for i, char in enumerate(term):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return i == len(term) - 1
    return False


def blocking_report(db_api: Any, features: pd.DataFrame, rules: list[Any] | None = None) -> list[dict]:
    """Pairs each prediction blocking rule generates beyond the rules before it (exact counts)."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from athar.linkage.settings import BLOCKING_RULES

    table = registered(db_api, features, "athar_blocking")
    records = count_comparisons_from_blocking_rules(
        table,
        blocking_rules=list(rules or BLOCKING_RULES),
        link_type="dedupe_only",
        record_sample_proportion=1.0,
    )
    out = []
    for record in records:
        row = record if isinstance(record, dict) else vars(record)
        out.append(
            {
                "rule": str(row.get("blocking_rule", "")),
                "pairs": int(row.get("marginal_comparison_count", row.get("row_count", 0))),
                "cumulative": int(row.get("cumulative_comparison_count", 0)),
            }
        )
    return out
