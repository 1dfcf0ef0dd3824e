"""Training and scoring with Splink: EM with u from random sampling, on any Splink backend."""

from __future__ import annotations

import copy
import logging
import uuid
from typing import Any

import pandas as pd
from splink import Linker

from athar.linkage import splink_compat
from athar.linkage.config import TrainingConfig
from athar.linkage.settings import SAME_SEX_OR_UNKNOWN, settings

splink_compat.install()

log = logging.getLogger(__name__)

# Deterministic rules that are almost always true matches, for Splink's estimate of the prior.
DETERMINISTIC_RULES = (
    f"l.given_key = r.given_key AND l.father_key = r.father_key AND l.family_key = r.family_key "
    f"AND l.birth_year = r.birth_year AND {SAME_SEX_OR_UNKNOWN}",
    "l.national_id = r.national_id",
)


def em_rule(columns: tuple[str, ...], features: pd.DataFrame | None, max_pairs: int) -> str:
    """An EM blocking rule on `columns`, thinned to a deterministic sample of about `max_pairs` pairs.

    Blocks on common names grow with the square of the data (given+family: 23 million pairs at a
    million records); EM needs a few million. Keeping pairs whose id sum falls in one residue class
    samples without regard to whether the pair matches, so m and u are not biased.
    """
    rule = " AND ".join(f"l.{c} = r.{c}" for c in columns)
    if features is None:
        return rule
    sizes = features.dropna(subset=list(columns)).groupby(list(columns)).size()
    pairs = int((sizes * (sizes - 1) // 2).sum())
    every = -(-pairs // max_pairs)  # ceiling
    return rule if every <= 1 else f"{rule} AND (l.unique_id + r.unique_id) % {every} = 0"


def make_linker(db_api: Any, features: pd.DataFrame | Any, model: dict | None = None) -> Linker:
    """A linker over the feature table; with `model` (a saved settings dict), no training is needed."""
    # A Spark session outlives one linker, so each registration gets a table name of its own.
    table = db_api.register(features, table_name=f"athar_features_{uuid.uuid4().hex[:8]}")
    if model is not None:
        model = model_for_dialect(model, db_api.sql_dialect.sql_dialect_str)
    return Linker(table, model if model is not None else settings(), log_level=logging.ERROR)


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
            raise ValueError(
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
    """u of every level from random pairs: about `config.u_max_pairs` of them, every one counted.

    Splink's default stops once each level has 100 pairs in a probe of 1% of one side of the
    sample (some 20 records), which leaves the u of levels that only some lists reach (a death or a
    return after another list's event) to the lists those few records come from.
    """
    linker.training.estimate_u_using_random_sampling(
        max_pairs=config.u_max_pairs, seed=config.seed, min_count_per_level=None
    )


def train(linker: Linker, config: TrainingConfig, features: pd.DataFrame | None = None) -> None:
    """EM training; with `features`, each EM pass is thinned to at most `config.em_max_pairs` pairs."""
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=config.deterministic_recall
    )
    estimate_u(linker, config)
    for columns in config.em_blocks:
        linker.training.estimate_parameters_using_expectation_maximisation(
            em_rule(columns, features, config.em_max_pairs), estimate_without_term_frequencies=True
        )


def regularised(model: dict, m_floor: float, u_floor: float) -> dict:
    """A copy of a trained model whose m and u probabilities are floored (`TrainingConfig.m_floor`:
    why) and renormalised."""
    out = copy.deepcopy(model)
    for comparison in out["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        for name, floor in (("m_probability", m_floor), ("u_probability", u_floor)):
            values = [max(level.get(name) or 0.0, floor) for level in levels]
            total = sum(values)
            for level, value in zip(levels, values, strict=True):
                level[name] = value / total
    return out


def trained_model(linker: Linker, config: TrainingConfig) -> dict:
    """The trained model as a plain dict, regularised: what is saved beside each run and used to predict."""
    return regularised(linker.misc.save_model_to_json(), config.m_floor, config.u_floor)


def predict(linker: Linker, threshold_match_probability: float = 0.01) -> pd.DataFrame:
    """Scored pairs at or above the threshold: unique_id_l, unique_id_r, match_probability, match_weight."""
    scored = linker.inference.predict(threshold_match_probability=threshold_match_probability)
    # only these four columns leave the engine: the whole table (every matching column beside them)
    # in pandas was the peak of a million-record run
    frame = linker.misc.query_sql(
        f"SELECT unique_id_l, unique_id_r, match_probability, match_weight FROM {scored.physical_name}",
        output_type="pandas",
    )
    scored.drop_table_from_database_and_remove_from_cache()
    return frame


def blocking_report(db_api: Any, features: pd.DataFrame, rules: list[Any] | None = None) -> list[dict]:
    """Pairs each prediction blocking rule generates beyond the rules before it (exact counts)."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from athar.linkage.settings import BLOCKING_RULES

    table = db_api.register(features, table_name=f"athar_blocking_{uuid.uuid4().hex[:8]}")
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
