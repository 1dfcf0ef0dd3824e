"""A guard around one Splink 5.0 behaviour that would otherwise stop training.

During EM, a level that true matches almost never show can reach an m probability below 1e-300.
Splink 5.0's setter then raises instead of clamping (it clamps the same way when it computes match
weights), and the whole `athar link` run fails. We clamp the EM lookup to Splink's own minimum
before it is applied; our post-training floor (`TrainingConfig.m_floor`) then lifts such levels anyway.
"""

from __future__ import annotations

from typing import Any

from splink.internals import expectation_maximisation as em
from splink.internals.comparison_level import M_U_CLAMP_MIN

_original = em.populate_m_u_from_lookup


def _clamped(
    training_fixed_probabilities: set[str],
    comparison_level: Any,
    output_column_name: str,
    m_u_records_lookup: dict[str, dict[int, Any]],
) -> None:
    for by_level in m_u_records_lookup.values():
        for record in by_level.values():
            for name in ("m_probability", "u_probability"):
                value = record.get(name)
                if isinstance(value, float) and value < M_U_CLAMP_MIN:
                    record[name] = M_U_CLAMP_MIN
    _original(training_fixed_probabilities, comparison_level, output_column_name, m_u_records_lookup)


def install() -> None:
    em.populate_m_u_from_lookup = _clamped
