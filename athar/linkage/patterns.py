"""Training on comparison-vector patterns: u and EM from the counts of each distinct vector.

A pair of records is, to the model, its comparison vector: one level (gamma) per comparison. Without
term frequencies (how every EM pass here runs), everything training computes from a set of pairs
depends on how many pairs show each distinct vector, a few thousand patterns however many pairs
there are. So:

* u (how often two different persons fall in each level) is counted, by default, over every pair
  among the records Splink's `estimate_u_using_random_sampling` samples (`sample_pattern_counts`):
  Splink's u, in one query where Splink runs ten per comparison. Pairs drawn independently from
  every record (`random_pairs`, `TrainingConfig.u_independent_pairs`) are steadier (Splink's pairs
  share records, so a level whose values cluster in a few records is estimated from those few), but
  the model they train scored lower on the bench (docs/linkage.md), so they are not the default.
* EM (`em_on_patterns`) runs Splink's expectation and maximisation steps on the pattern counts in
  numpy: the same arithmetic as Splink's SQL over its table of counts
  (`expectation_maximisation` with `estimate_without_term_frequencies`), without a database round
  trip per iteration.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from splink import Linker
from splink.internals import expectation_maximisation as em
from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT
from splink.internals.misc import prob_to_match_weight
from splink.internals.pipeline import CTEPipeline

U_DESCRIPTION = "estimate u by random sampling"  # Splink's, so that its reports read as before


def random_pairs(ids: np.ndarray, max_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of distinct `ids`, the lower first: every pair when there are at most `max_pairs`,
    else `max_pairs` pairs each drawn uniformly from all pairs, independently of the others (with
    replacement), by a generator seeded with `seed`."""
    ids = np.asarray(ids)
    n = len(ids)
    if n * (n - 1) // 2 <= max_pairs:
        first, second = np.triu_indices(n, k=1)
    else:
        rng = np.random.default_rng(seed)
        first = rng.integers(0, n, max_pairs)
        second = rng.integers(0, n - 1, max_pairs)
        second += second >= first  # uniform over the others
    a, b = ids[first], ids[second]
    return np.minimum(a, b), np.maximum(a, b)


def _counted(
    linker: Linker, comparisons: Sequence[Any], pairs_from: str, with_tables: str = ""
) -> pd.DataFrame:
    """The count of each comparison vector over the pairs `pairs_from` joins (a FROM clause whose
    sides are `l` and `r`, reading the `with_tables` given), in one query."""
    columns = list(
        dict.fromkeys(
            name
            for comparison in comparisons
            for column in comparison._input_columns_used_by_case_statement
            for name in column.l_r_names_as_l_r
        )
    )
    gammas = [c._gamma_column_name for c in comparisons]
    sql = f"""
    {with_tables}
    SELECT {", ".join(gammas)}, count(*) AS pairs FROM (
      SELECT {", ".join(c._case_statement for c in comparisons)} FROM (
        SELECT {", ".join(columns)}
        FROM {pairs_from}
      ) AS compared
    ) AS vectors
    GROUP BY {", ".join(gammas)}
    """
    counts = linker.misc.query_sql(sql, output_type="pandas")
    counts["pairs"] = counts["pairs"].astype(np.int64)
    return counts


def _table_and_id(linker: Linker) -> tuple[str, str]:
    (table,) = (t.physical_name for t in linker._input_tables_dict.values())
    return table, linker._settings_obj.column_info_settings.unique_id_input_column.name


def pattern_counts(
    linker: Linker, comparisons: Sequence[Any], left: np.ndarray, right: np.ndarray
) -> pd.DataFrame:
    """How many of the pairs (left[k], right[k]) of the linker's input table show each comparison
    vector: one gamma column per comparison (Splink's names, `gamma_<comparison>`) and `pairs`.

    One query for every comparison, in the linker's SQL dialect; only the counts leave the engine."""
    table, uid = _table_and_id(linker)
    registered = linker._db_api.register(
        pd.DataFrame({"id_l": left, "id_r": right}), table_name=f"athar_pairs_{uuid.uuid4().hex[:8]}"
    )
    try:
        return _counted(
            linker,
            comparisons,
            f"""{registered.physical_name} AS p
        JOIN {table} AS l ON l.{uid} = p.id_l
        JOIN {table} AS r ON r.{uid} = p.id_r""",
        )
    finally:
        registered.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)


def sample_pattern_counts(
    linker: Linker, comparisons: Sequence[Any], max_pairs: int, seed: int
) -> pd.DataFrame:
    """`pattern_counts` over every pair among the records Splink's `estimate_u_using_random_sampling`
    samples for `max_pairs` pairs and `seed` (its deterministic hash of each record's id: the same
    records), in one query where Splink runs ten per comparison. The counts, so the u, are Splink's.

    The pairs are listed here and joined by id: DuckDB ran the sample's join with itself on
    `l.id < r.id` (an inequality join) on one thread, 1.9 s at 200,000 persons where the pairs
    listed take 1.5."""
    table, uid = _table_and_id(linker)
    (total,) = linker.misc.query_sql(f"SELECT count(*) AS n FROM {table}", output_type="pandas")["n"]
    proportion = min(_rows_for_pairs(max_pairs) / max(int(total), 1), 1.0)
    uid_columns = linker._settings_obj.column_info_settings.unique_id_input_columns
    condition = linker._proportion_sample_sql(proportion, uid_columns, seed=seed)
    sampled = linker.misc.query_sql(
        f"SELECT {uid} AS sampled FROM {table} WHERE 1=1 {condition}", output_type="pandas"
    )
    ids = np.sort(sampled["sampled"].to_numpy(dtype=np.int64))
    first, second = np.triu_indices(len(ids), k=1)
    return pattern_counts(linker, comparisons, ids[first], ids[second])


def _rows_for_pairs(pairs: float) -> float:
    """Records whose pairs number `pairs` (Splink's `_rows_needed_for_n_pairs`)."""
    return 0.5 * ((8 * pairs + 1) ** 0.5 + 1)


def u_from_counts(counts: pd.DataFrame, comparisons: Sequence[Any]) -> dict[str, dict[int, float | str]]:
    """Per comparison, each non-null level's share of the pairs in which both records hold the
    field; a level no pair shows is Splink's "level not observed" (no u, rather than 0)."""
    out: dict[str, dict[int, float | str]] = {}
    for comparison in comparisons:
        by_level = counts.groupby(comparison._gamma_column_name)["pairs"].sum()
        by_level = by_level[by_level.index != -1]
        total = int(by_level.sum())
        out[comparison.output_column_name] = {
            level.comparison_vector_value: (
                int(by_level.get(level.comparison_vector_value, 0)) / total
                if by_level.get(level.comparison_vector_value, 0)
                else LEVEL_NOT_OBSERVED_TEXT
            )
            for level in comparison._comparison_levels_excluding_null
        }
    return out


def estimate_u(
    linker: Linker, max_pairs: int, seed: int, independent: bool = False
) -> dict[str, dict[int, float | str]]:
    """u of every level of the linker's model from about `max_pairs` random pairs of its records,
    recorded as Splink records its own estimate; returns the u set.

    The pairs are every pair among the records Splink samples (`sample_pattern_counts`), or with
    `independent`, pairs drawn independently of each other (`random_pairs`)."""
    comparisons = linker._settings_obj.comparisons
    if independent:
        table, uid = _table_and_id(linker)
        ids = linker.misc.query_sql(f"SELECT {uid} AS id FROM {table}", output_type="pandas")["id"].to_numpy()
        left, right = random_pairs(ids, max_pairs, seed)
        counts = pattern_counts(linker, comparisons, left, right)
    else:
        counts = sample_pattern_counts(linker, comparisons, max_pairs, seed)
    u = u_from_counts(counts, comparisons)
    for comparison in comparisons:
        for level in comparison._comparison_levels_excluding_null:
            level._add_trained_u_probability(
                u[comparison.output_column_name][level.comparison_vector_value], U_DESCRIPTION
            )
    linker._populate_m_u_from_trained_values()
    return u


def em_on_patterns(
    core_model_settings: Any,
    training_settings: Any,
    training_fixed_probabilities: set[str],
    counts: pd.DataFrame,
) -> list[Any]:
    """Splink's EM (`splink.internals.expectation_maximisation.expectation_maximisation`, without
    term frequencies) on `counts` (`pattern_counts`' layout: the gamma columns of the model's
    comparisons, `pairs`): the history of the model's settings, one per iteration, as Splink's.

    Expectation: each pattern's match probability from the prior and its levels' match weights.
    Maximisation: each level's m and u counts (expected matches and non-matches among the pairs
    in it) over the non-null levels of its comparison, and the share of matches; written through
    Splink's own maximisation step. Stops when no parameter moves by more than Splink's
    `em_convergence`, or after `max_iterations`."""
    comparisons = core_model_settings.comparisons
    gammas = [counts[c._gamma_column_name].to_numpy(dtype=np.int64) for c in comparisons]
    n = counts["pairs"].to_numpy(dtype=np.float64)
    total = n.sum()
    present = [np.unique(g) for g in gammas]
    history = [core_model_settings.copy()]
    for _ in range(training_settings.max_iterations):
        weight = np.full(
            len(n), prob_to_match_weight(core_model_settings.probability_two_random_records_match)
        )
        for comparison, g in zip(core_model_settings.comparisons, gammas, strict=True):
            weight += _level_weights(comparison)[g + 1]
        with np.errstate(over="ignore"):
            p = 1.0 / (1.0 + np.exp2(-weight))
        m_n, u_n = p * n, (1.0 - p) * n
        records: list[dict[str, Any]] = []
        for comparison, g, values in zip(core_model_settings.comparisons, gammas, present, strict=True):
            # expected matches and non-matches by level (index gamma + 1: the null level at 0)
            m_by = np.bincount(g + 1, weights=m_n)
            u_by = np.bincount(g + 1, weights=u_n)
            m_total, u_total = m_by[1:].sum(), u_by[1:].sum()
            for v in values[values != -1]:
                records.append(
                    {
                        "comparison_vector_value": int(v),
                        "output_column_name": comparison.output_column_name,
                        "m_probability": _ratio(m_by[v + 1], m_total),
                        "u_probability": _ratio(u_by[v + 1], u_total),
                    }
                )
        records.append(
            {
                "comparison_vector_value": 0,
                "output_column_name": "_probability_two_random_records_match",
                "m_probability": _ratio(m_n.sum(), total),
                "u_probability": _ratio(u_n.sum(), total),
            }
        )
        core_model_settings = em.maximisation_step(training_fixed_probabilities, core_model_settings, records)
        history.append(core_model_settings)
        change = em._max_change_in_parameters_comparison_levels(history)
        if change["max_abs_change_value"] < training_settings.em_convergence:
            break
    return history


def _level_weights(comparison: Any) -> np.ndarray:
    """The comparison's match weight by gamma + 1 (the null level's gamma is -1, its weight 0)."""
    levels = comparison.comparison_levels
    out = np.zeros(max(level.comparison_vector_value for level in levels) + 2)
    for level in levels:
        out[level.comparison_vector_value + 1] = level._match_weight
    return out


def _ratio(part: float, whole: float) -> float:
    """part / whole as SQL's float division gives it: 0/0 is NaN (the maximisation step's guard
    keeps such a level as it was)."""
    return float(part) / float(whole) if whole else math.nan


def counted_expectation_maximisation(
    db_api: Any,
    training_settings: Any,
    estimate_without_term_frequencies: bool,
    core_model_settings: Any,
    unique_id_input_columns: Any,
    training_fixed_probabilities: set[str],
    df_comparison_vector_values: Any,
) -> list[Any]:
    """In place of Splink's `expectation_maximisation` (same arguments): without term frequencies,
    the table of comparison vectors is counted by pattern in one query and EM runs on the counts
    (`em_on_patterns`); with them (each pair weighed by its own values), Splink's own."""
    if not estimate_without_term_frequencies:
        return _SPLINK_EM(
            db_api=db_api,
            training_settings=training_settings,
            estimate_without_term_frequencies=estimate_without_term_frequencies,
            core_model_settings=core_model_settings,
            unique_id_input_columns=unique_id_input_columns,
            training_fixed_probabilities=training_fixed_probabilities,
            df_comparison_vector_values=df_comparison_vector_values,
        )
    pipeline = CTEPipeline([df_comparison_vector_values])
    sql = em.count_agreement_patterns_sql(core_model_settings.comparisons)
    pipeline.enqueue_sql(
        sql.replace("agreement_pattern_count", "pairs"), "__splink__agreement_pattern_counts"
    )
    table = db_api.sql_pipeline_to_splink_dataframe(pipeline)
    try:
        counts = table.as_pandas_dataframe()
    finally:
        table.drop_table_from_database_and_remove_from_cache()
    return em_on_patterns(core_model_settings, training_settings, training_fixed_probabilities, counts)


_SPLINK_EM = em.expectation_maximisation
