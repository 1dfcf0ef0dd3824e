"""Guards around Splink 5.0 behaviours that would otherwise stop training.

During EM, a level that true matches almost never show can reach an m probability below 1e-300.
Splink 5.0's setter then raises instead of clamping (it clamps the same way when it computes match
weights), and the whole `athar link` run fails. We clamp the EM lookup to Splink's own minimum
before it is applied; our post-training floor (`TrainingConfig.m_floor`) then lifts such levels anyway.

On a list in which no two records are one person (or on a block of such pairs), EM drives its share
of matches among the blocked pairs to 0: the next iteration takes log2 of it (`math domain error`),
and every m estimate becomes 0/0, a NaN that Splink writes into SQL as a column name (DuckDB:
`Referenced column "nan"`). The share is kept within `EM_MATCH_SHARE_BOUND` of 0 and 1, and a NaN
estimate leaves the level as it was before the iteration; `athar.linkage.model` then judges whether
the pass learnt anything (`model.em_pass_found_matches`).

Each EM pass asks every comparison level whether it is an exact match (to find the levels its
blocking rule fixes), and Splink answers by parsing and simplifying the level's SQL with sqlglot
every time: about a second per pass, for a question whose answer depends on the SQL text alone. The
answer (and the exact-match columns) is kept per (SQL, dialect).

EM without term frequencies runs on the counts of comparison-vector patterns in numpy
(`athar.linkage.patterns.counted_expectation_maximisation`): Splink's arithmetic, without a query
per iteration.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from splink.internals import em_training_session
from splink.internals import expectation_maximisation as em
from splink.internals.comparison_level import M_U_CLAMP_MIN, ComparisonLevel
from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

from athar.linkage import patterns

# EM's share of matches among its blocked pairs stays this far from 0 and from 1.
EM_MATCH_SHARE_BOUND = 1e-12

_original_populate = em.populate_m_u_from_lookup
_original_maximisation = em.maximisation_step
_original_is_exact_match = ComparisonLevel._is_exact_match
_original_exact_match_colnames = ComparisonLevel._exact_match_colnames


def _clamped(
    training_fixed_probabilities: set[str],
    comparison_level: Any,
    output_column_name: str,
    m_u_records_lookup: dict[str, dict[int, Any]],
) -> None:
    record = m_u_records_lookup.get(output_column_name, {}).get(comparison_level.comparison_vector_value)
    if record is not None:
        for name in ("m_probability", "u_probability"):
            value = record.get(name)
            if not isinstance(value, float):
                continue
            if math.isnan(value):
                before = getattr(comparison_level, f"_{name}")
                usable = isinstance(before, float) and not math.isnan(before)
                record[name] = before if usable else LEVEL_NOT_OBSERVED_TEXT
            elif value < M_U_CLAMP_MIN:
                record[name] = M_U_CLAMP_MIN
    _original_populate(training_fixed_probabilities, comparison_level, output_column_name, m_u_records_lookup)


def _bounded_match_share(
    training_fixed_probabilities: set[str], core_model_settings: Any, param_records: list[dict[str, Any]]
) -> Any:
    before = core_model_settings.probability_two_random_records_match
    updated = _original_maximisation(training_fixed_probabilities, core_model_settings, param_records)
    share = updated.probability_two_random_records_match
    if not isinstance(share, float) or math.isnan(share):
        share = before
    updated.probability_two_random_records_match = min(
        max(share, EM_MATCH_SHARE_BOUND), 1.0 - EM_MATCH_SHARE_BOUND
    )
    return updated


class _ExactMatchQuestion:
    """What `ComparisonLevel._is_exact_match` reads: the level's SQL, dialect and whether it is the
    else level; the original property answers it."""

    def __init__(self, sql_condition: str, sqlglot_dialect: str | None, is_else_level: bool) -> None:
        self.sql_condition = sql_condition
        self.sqlglot_dialect = sqlglot_dialect
        self._is_else_level = is_else_level


@lru_cache(maxsize=4096)
def _is_exact_match_sql(sql_condition: str, sqlglot_dialect: str | None, is_else_level: bool) -> bool:
    question = _ExactMatchQuestion(sql_condition, sqlglot_dialect, is_else_level)
    return bool(_original_is_exact_match.fget(question))  # type: ignore[attr-defined]


def _is_exact_match(level: Any) -> bool:
    return _is_exact_match_sql(level.sql_condition, level.sqlglot_dialect, bool(level._is_else_level))


@lru_cache(maxsize=4096)
def _exact_match_colnames_sql(sql_condition: str, sqlglot_dialect: str | None) -> tuple[str, ...]:
    question = _ExactMatchQuestion(sql_condition, sqlglot_dialect, False)
    return tuple(_original_exact_match_colnames.fget(question))  # type: ignore[attr-defined]


def _exact_match_colnames(level: Any) -> list[str]:
    return list(_exact_match_colnames_sql(level.sql_condition, level.sqlglot_dialect))


def install() -> None:
    em.populate_m_u_from_lookup = _clamped
    em.maximisation_step = _bounded_match_share
    ComparisonLevel._is_exact_match = property(_is_exact_match)  # type: ignore[method-assign,assignment]
    ComparisonLevel._exact_match_colnames = property(_exact_match_colnames)  # type: ignore[method-assign,assignment]
    em_training_session.expectation_maximisation = patterns.counted_expectation_maximisation
