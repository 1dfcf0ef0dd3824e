"""Pairs that a better pair outranks: a record's best match in a list is the one clustering takes.

A list holds each person once, or nearly (a family may report someone twice). So when a record
scores well against two records of one list, both cannot be its person; the pairwise model scores
each as if the other did not exist. Clustering therefore joins a pair only when neither of its
records scores clearly better (by `ClusteringConfig.rival_margin_bits` of match weight) with
another record of the other's list: a family's report that fits two namesakes in a register links
to the one it fits clearly better, and a register's record that two reports fit links to the better
one (the two reports join through each other if they are one person's). Near-ties outrank neither,
and clustering's own rules decide as before: which of two equally fitting records a pair goes to is
never decided by the rounding of name frequencies (an incremental run's old pairs keep the scores
they were given, a full run gives them anew). The pair stays scored (explain and review read it);
it only does not join clusters; where it is at or above the threshold (the rule kept it from
joining) and its records end in two persons, it goes to review (`persist`), the share the model
gives it of the two (`outranked_pairs`) as its uncertainty.

Setting these pairs aside lets the threshold come down (0.9 to 0.85) at no cost in precision: at
200,000 synthetic persons F1 over placeable records went from 0.9400 to 0.9448 and precision from
0.990 to 0.992; at 20,000, from 0.9671 to 0.9696 at 0.993 (`docs/linkage.md`, "Quality at scale").
A pair within one list still joins only from 0.9 (`ClusteringConfig.one_list_threshold`): a person
is written twice in one list more rarely than in two lists, and a list alone, with the model's
prior from no second list, is where a lower threshold merged namesakes (two Ahmad Mohammed
al-Zoubis of one town, born two years and reported taken four years apart, scored 0.895).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from athar.linkage.config import ClusteringConfig
from athar.linkage.keys import PairKey, PairScore, RecordKey


def rival_weights(left: np.ndarray, right: np.ndarray, list_of: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """For pairs of records numbered `left[i]`, `right[i]` (each record's list: `list_of`, by
    number), the best match weight of a pair of either record with a record of the other's list
    (the pair itself among them, so never below its own weight)."""
    if not len(left):
        return np.zeros(0, dtype=float)
    lists = int(list_of.max()) + 1
    # one group per (record, list of the record it is paired with)
    left_group = left.astype(np.int64) * lists + list_of[right]
    right_group = right.astype(np.int64) * lists + list_of[left]
    best = (
        pd.Series(np.concatenate([weight, weight])).groupby(np.concatenate([left_group, right_group])).max()
    )
    return np.fmax(best.reindex(left_group).to_numpy(), best.reindex(right_group).to_numpy())


def outranked_pairs(pairs: Mapping[PairKey, tuple[float, float]], margin_bits: float) -> dict[PairKey, float]:
    """The pairs of `pairs` (pair → (probability, weight)) that a pair of one of their records with
    the other's list outranks by more than `margin_bits` of match weight (`rival_weights`), each
    with the share of the two that the model gives it: 1 / (1 + 2^(rival's weight − its weight))."""
    if not pairs:
        return {}
    number: dict[RecordKey, int] = {}
    keys = list(pairs)
    left = np.fromiter((number.setdefault(a, len(number)) for a, _b in keys), dtype=np.int64, count=len(keys))
    right = np.fromiter(
        (number.setdefault(b, len(number)) for _a, b in keys), dtype=np.int64, count=len(keys)
    )
    list_codes, _lists = pd.factorize(np.array([source for source, _id in number], dtype=object))
    weight = np.fromiter((w for _p, w in pairs.values()), dtype=float, count=len(keys))
    best = rival_weights(left, right, list_codes.astype(np.int64), weight)
    outranked = np.flatnonzero(weight + margin_bits < best)
    share = 1.0 / (1.0 + np.exp2(best[outranked] - weight[outranked]))
    return {keys[i]: float(s) for i, s in zip(outranked.tolist(), share.tolist(), strict=True)}


def joining_scores(
    pairs: Mapping[PairKey, PairScore],
    outranked: Mapping[PairKey, float],
    threshold: float,
    config: ClusteringConfig,
) -> dict[PairKey, PairScore]:
    """The scores clustering reads: `pairs`, with probability 0 for a pair `outranked`, and for a
    pair within one list below `config.one_list_threshold` (`threshold`, the run's, when higher)."""
    one_list = max(threshold, config.one_list_threshold)
    joining = dict(pairs)  # most pairs are as scored: copied in C, the few set aside replaced
    weak_in_one_list = [k for k, v in pairs.items() if v[0] < one_list and k[0][0] == k[1][0]]
    for k in (*outranked, *weak_in_one_list):
        joining[k] = PairScore(0.0, pairs[k][1])
    return joining
