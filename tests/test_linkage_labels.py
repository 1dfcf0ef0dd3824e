"""Judgements as labels: the check of a model against them and the tuning of its prior."""

import math
import random

import pytest

from athar.linkage.config import LabelConfig
from athar.linkage.labels import check, prior_offset, shifted_prior

MIN_LABELS_EACH_WAY = LabelConfig().min_labels_each_way


def _labels_from(weights, true_offset, seed=3):
    rng = random.Random(seed)
    return [int(rng.random() < 1 / (1 + 2 ** -(w + true_offset))) for w in weights]


def test_the_offset_recovers_how_far_a_model_is_off():
    rng = random.Random(1)
    weights = [rng.uniform(-8, 8) for _ in range(4000)]
    for true_offset in (-3.0, 0.0, 2.0):
        labels = _labels_from(weights, true_offset)
        assert prior_offset(weights, labels) == pytest.approx(true_offset, abs=0.3)


def test_few_judgements_leave_the_prior_alone_and_more_move_it_further():
    weights = [0.0] * 200
    labels = [1] * 150 + [0] * 50  # reviewers say "same" three times in four at weight 0
    assert prior_offset(weights[:12], [1] * 11 + [0]) == 0.0  # one "different": too few
    assert prior_offset(weights[: 2 * MIN_LABELS_EACH_WAY], [1, 0] * MIN_LABELS_EACH_WAY) == 0.0
    few = prior_offset(weights[:40], labels[:30] + labels[-10:])
    many = prior_offset(weights, labels)
    assert 0 < few < many <= math.log2(3) + 1e-6  # shrunk towards 0; the data say log2(3) bits


def test_check_counts_agreement_at_the_threshold():
    # weights 10 (p≈0.999) and -10 (p≈0.001); threshold 0.9
    result = check([10, 10, -10, -10, 10], [1, 0, 0, 1, 1], threshold=0.9)
    assert (result.judged, result.same, result.different, result.agree) == (5, 3, 2, 3)
    assert result.precision == pytest.approx(2 / 3, abs=1e-4)
    assert result.recall == pytest.approx(2 / 3, abs=1e-4)
    assert result.log_loss > check([10, -10], [1, 0], threshold=0.9).log_loss


def test_shifting_the_prior_moves_its_log_odds_by_the_offset():
    prior = 3.7e-5
    shifted = shifted_prior(prior, 2.0)
    assert math.log2(shifted / (1 - shifted)) - math.log2(prior / (1 - prior)) == pytest.approx(2.0)
    assert shifted_prior(prior, 0.0) == pytest.approx(prior)
