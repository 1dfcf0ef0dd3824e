"""How common each name is, as scoring weighs it: the store's own counts, trusted as far as the store
is large enough to say.

Splink's term-frequency adjustment weighs a name agreeing by log2(u / share), the share being the
name's among the rows scored. Counted in a store of three records, every name is in every record:
"Omar" and "Khalil" each get a share of 1, and their adjustments (−8.85 bits each) undo what their
agreement gave (+8.77), so three records of one man stayed three persons. A share counted from a
handful of rows says nothing about how common a name is among Syrians.

So the share a name is weighed by is pooled, on the log scale that the weight is read on, between
the store's count and what the level assumes of an average name (its u, the share at which the
adjustment is 0):

    log2(share used) = w · log2(count / n) + (1 − w) · log2(u),    w = n² / (n² + h²)

n being the rows that hold the column and h the rows at which half is trusted (30). Since
log2(u / share used) = w · log2(u / (count / n)), a name's adjustment is the store's own, taken at w.
A store of three records weighs names as the model does without term frequencies (w = 0.01); one of
19 rows takes 0.29 of their adjustments, one of 100 rows 0.92, one of 600 rows 0.998, and a store of
20,000 its own. Trust grows with n² rather than n because what misleads in a small store is its
own duplicates: three records of one man make his names look universal, and a store of a few dozen
rows is mostly such repeats, while by some hundreds of rows it is mostly other people. Growing as n
(n / (n + 50)), trust was still 0.92 at 600 rows, and a list of 600 different persons merged two
namesakes whose common names' adjustments it had cut. Shrinking the share itself toward u
((count + k·u) / (n + k)) was not taken: names are heavy-tailed, u is set by the common ones, and
every rare name of a million-record store would have lost bits.

The shares used are handed to Splink as its term-frequency lookups
(`model.register_term_frequencies`), kept with the run, and read back by explain, so a pair is
explained with the figures it was scored with.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# below Splink's own floor for a share (`tf_minimum_u_value` defaults to 0): a u of 0 has no log
_SMALLEST_U = 1e-12


@dataclass(frozen=True)
class NameCounts:
    """Per term-frequency column, each value's share among the rows holding the column, and how
    many rows hold it (Splink's denominator)."""

    shares: dict[str, dict[str, float]]
    totals: dict[str, int]

    @classmethod
    def of(cls, rows: pd.DataFrame, columns: Iterable[str]) -> NameCounts:
        """The counts of `columns` (`settings.TERM_FREQUENCY_COLUMNS`) in `rows`."""
        shares: dict[str, dict[str, float]] = {}
        totals: dict[str, int] = {}
        for column in columns:
            if column not in rows:
                continue
            counts = rows[column].value_counts()
            total = int(counts.sum())
            totals[column] = total
            shares[column] = {str(k): float(v) / total for k, v in counts.items()} if total else {}
        return cls(shares, totals)


def trust(rows_holding: int, half_trust_rows: int) -> float:
    """How far the store's own adjustment of a name is taken (w above)."""
    if rows_holding <= 0:
        return 0.0
    if half_trust_rows <= 0:
        return 1.0
    return rows_holding**2 / (rows_holding**2 + half_trust_rows**2)


def level_u(model: Mapping[str, Any]) -> dict[str, float]:
    """The u of the level each term-frequency column adjusts, from a saved model (Splink's settings
    dict): the share at which a name's adjustment is 0."""
    found: dict[str, float] = {}
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            column = level.get("tf_adjustment_column")
            u = level.get("u_probability")
            if column and column not in found and isinstance(u, int | float) and not math.isnan(u):
                found[column] = max(float(u), _SMALLEST_U)
    return found


def used_shares(
    counts: NameCounts, model: Mapping[str, Any], half_trust_rows: int
) -> dict[str, dict[str, float]]:
    """The share each name is weighed by when scoring with `model` (the module's formula)."""
    us = level_u(model)
    out: dict[str, dict[str, float]] = {}
    for column, shares in counts.shares.items():
        u = us.get(column)
        w = trust(counts.totals.get(column, 0), half_trust_rows)
        if u is None or w >= 1.0:
            out[column] = dict(shares)
            continue
        # a million-record store holds some hundreds of thousands of distinct names and skeletons
        own = np.log2(np.fromiter(shares.values(), dtype=np.float64, count=len(shares)))
        used = np.exp2(w * own + (1.0 - w) * math.log2(u))
        out[column] = dict(zip(shares, used.tolist(), strict=True))
    return out
