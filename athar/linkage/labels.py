"""Reviewers' judgements as labels: check the trained model against them, and tune its prior.

EM learns without labels. Once reviewers have judged pairs, those judgements say how far the
model's probabilities can be trusted. A full run scores every judged pair with the freshly trained
model (whether or not blocking would have paired them), reports how often the model agrees with
the reviewers at the run's threshold, and recalibrates the one parameter that labels drawn from the
review band can estimate without bias: the prior (Splink's probability that two random records
match), a shift of every pair's match weight by the same amount. The shift is the maximum a
posteriori offset of a logistic calibration with unit slope, shrunk towards zero so that a handful
of judgements moves little; m and u stay EM's, because pairs that reach review are not a fair
sample of all matches.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd
from splink import Linker
from splink.internals.accuracy import predictions_from_sample_of_pairwise_labels_sql
from splink.internals.pipeline import CTEPipeline
from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

from athar.linkage.config import DEFAULT_CONFIG, LabelConfig

Label = tuple[int, int, int]  # unique_id_l, unique_id_r, 1 same / 0 different


@dataclass
class LabelCheck:
    """How the model's decisions at the threshold compare with reviewers' judgements."""

    judged: int
    same: int
    different: int
    agree: int
    precision: float | None
    recall: float | None
    log_loss: float

    def as_json(self) -> dict:
        return asdict(self)


def label_weights(linker: Linker, labels: Sequence[Label]) -> pd.DataFrame:
    """Match weight of each judged pair under the linker's model: unique_id_l, unique_id_r, weight, label."""
    frame = pd.DataFrame(
        [(min(a, b), max(a, b), float(y)) for a, b, y in labels],
        columns=["unique_id_l", "unique_id_r", "clerical_match_score"],
    )
    registered = linker._db_api.register(frame, table_name=f"athar_labels_{uuid.uuid4().hex[:8]}")
    table = linker.table_management.register_labels_table(registered)
    pipeline = CTEPipeline()
    pipeline = enqueue_df_concat_with_tf(linker, pipeline)
    pipeline.enqueue_list_of_sqls(predictions_from_sample_of_pairwise_labels_sql(linker, table.physical_name))
    scored = linker._db_api.sql_pipeline_to_splink_dataframe(pipeline).as_pandas_dataframe()
    return pd.DataFrame(
        {
            "unique_id_l": scored["unique_id_l"].astype(int),
            "unique_id_r": scored["unique_id_r"].astype(int),
            "weight": scored["match_weight"].astype(float),
            "label": scored["clerical_match_score"].astype(float).round().astype(int),
        }
    )


def _probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-weight)) if weight > -1000 else 0.0


def check(weights: Sequence[float], labels: Sequence[int], threshold: float) -> LabelCheck:
    """Agreement, precision and recall of `probability >= threshold` against the labels, and log loss."""
    tp = fp = fn = tn = 0
    loss = 0.0
    for w, y in zip(weights, labels, strict=True):
        p = min(max(_probability(w), 1e-12), 1 - 1e-12)
        loss -= math.log(p) if y else math.log(1 - p)
        said_same = p >= threshold
        tp += said_same and y == 1
        fp += said_same and y == 0
        fn += not said_same and y == 1
        tn += not said_same and y == 0
    n = len(labels)
    return LabelCheck(
        judged=n,
        same=tp + fn,
        different=fp + tn,
        agree=tp + tn,
        precision=round(tp / (tp + fp), 4) if tp + fp else None,
        recall=round(tp / (tp + fn), 4) if tp + fn else None,
        log_loss=round(loss / n, 4) if n else 0.0,
    )


def prior_offset(
    weights: Sequence[float], labels: Sequence[int], config: LabelConfig = DEFAULT_CONFIG.labels
) -> float:
    """Bits to add to every match weight so that the model best fits the judgements (0 if fewer than
    `config.min_labels_each_way` either way).

    Newton's method on the log posterior of δ: Σ log σ(±(w + δ)·ln 2) − δ² / (2·sd²), sd being
    `config.offset_prior_sd`; concave, so it converges in a few steps.
    """
    same = sum(labels)
    if same < config.min_labels_each_way or len(labels) - same < config.min_labels_each_way:
        return 0.0
    ln2 = math.log(2)
    sd = config.offset_prior_sd
    delta = 0.0
    for _ in range(50):
        gradient = -delta / sd**2
        curvature = -1 / sd**2
        for w, y in zip(weights, labels, strict=True):
            p = 1.0 / (1.0 + math.exp(-min(max((w + delta) * ln2, -700), 700)))
            gradient += (y - p) * ln2
            curvature -= p * (1 - p) * ln2 * ln2
        step = gradient / curvature
        delta -= step
        if abs(step) < 1e-6:
            break
    return round(delta, 4)


def shifted_prior(probability_two_random_records_match: float, offset_bits: float) -> float:
    """The prior whose log-odds are `offset_bits` higher."""
    log_odds = math.log2(probability_two_random_records_match / (1 - probability_two_random_records_match))
    odds = 2.0 ** (log_odds + offset_bits)
    return odds / (1 + odds)
