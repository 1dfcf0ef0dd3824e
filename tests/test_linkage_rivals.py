"""A pair outranked by a better pair of one of its records with the other's list joins nothing."""

from __future__ import annotations

import numpy as np
import pytest

from athar.linkage.config import ClusteringConfig
from athar.linkage.keys import PairScore
from athar.linkage.rivals import joining_scores, outranked_pairs, rival_weights

MARGIN_BITS = ClusteringConfig().rival_margin_bits

REPORT, ALSO_REPORTED = ("families", "F-1"), ("families", "F-2")
REGISTERED, NAMESAKE = ("detention", "D-1"), ("detention", "D-2")
RETURNEE = ("returnees", "R-1")


def _pairs(*scored: tuple[tuple[str, str], tuple[str, str], float]) -> dict:
    """pair → (probability, weight) for pairs given by their weights."""
    return {(a, b): PairScore(2**w / (1 + 2**w), w) for a, b, w in scored}


def test_a_report_that_fits_two_namesakes_of_a_register_keeps_the_better_only():
    outranked = outranked_pairs(_pairs((REGISTERED, REPORT, 17.0), (NAMESAKE, REPORT, 12.0)), MARGIN_BITS)
    assert set(outranked) == {(NAMESAKE, REPORT)}
    # its share of the two: 2^12 / (2^12 + 2^17)
    assert outranked[(NAMESAKE, REPORT)] == pytest.approx(1 / (1 + 2**5))


def test_a_near_tie_outranks_neither():
    near = _pairs((REGISTERED, REPORT, 17.0), (NAMESAKE, REPORT, 17.0 - MARGIN_BITS / 2))
    assert outranked_pairs(near, MARGIN_BITS) == {}
    just_over = _pairs((REGISTERED, REPORT, 17.0), (NAMESAKE, REPORT, 17.0 - MARGIN_BITS - 0.01))
    assert set(outranked_pairs(just_over, MARGIN_BITS)) == {(NAMESAKE, REPORT)}


def test_rivals_are_of_one_list_only():
    """A record's pairs with records of two other lists do not compete: one person is in each."""
    pairs = _pairs((REGISTERED, REPORT, 17.0), (REPORT, RETURNEE, 9.0), (REGISTERED, RETURNEE, 8.0))
    assert outranked_pairs(pairs, MARGIN_BITS) == {}


def test_a_register_record_that_two_reports_fit_links_to_the_better_and_they_to_each_other():
    """A family reported him twice: the register's record goes to the better report, and the two
    reports, a pair of one list whose records have no other pair in it, join each other."""
    pairs = _pairs(
        (REGISTERED, REPORT, 17.0), (REGISTERED, ALSO_REPORTED, 11.0), (REPORT, ALSO_REPORTED, 14.0)
    )
    assert set(outranked_pairs(pairs, MARGIN_BITS)) == {(REGISTERED, ALSO_REPORTED)}


def test_either_record_can_outrank_a_pair():
    """(report, namesake) is the namesake's best pair with the families' list, but not the report's
    best with the register's."""
    pairs = _pairs((REGISTERED, REPORT, 17.0), (NAMESAKE, REPORT, 12.0), (NAMESAKE, ALSO_REPORTED, 3.0))
    assert set(outranked_pairs(pairs, MARGIN_BITS)) == {(NAMESAKE, REPORT), (NAMESAKE, ALSO_REPORTED)}


def test_no_pairs_none_outranked():
    assert outranked_pairs({}, MARGIN_BITS) == {}
    empty = np.zeros(0, dtype=np.int64)
    assert len(rival_weights(empty, empty, empty, np.zeros(0))) == 0


def test_rival_weights_are_the_best_of_either_side_never_below_the_pair_itself():
    left, right = np.array([0, 0, 2]), np.array([1, 2, 3])
    lists = np.array([0, 1, 1, 0])  # records 1 and 2 in one list, 0 and 3 in another
    best = rival_weights(left, right, lists, np.array([5.0, 9.0, 1.0]))
    # 0-1 and 0-2: record 0's best with list 1 is 9; 2-3: record 2's best with list 0 is 0-2's 9
    assert best.tolist() == [9.0, 9.0, 9.0]


def test_a_wider_margin_outranks_less():
    pairs = _pairs((REGISTERED, REPORT, 17.0), (NAMESAKE, REPORT, 14.0))
    assert set(outranked_pairs(pairs, 2.0)) == {(NAMESAKE, REPORT)}
    assert outranked_pairs(pairs, 4.0) == {}


def test_clustering_reads_outranked_pairs_and_weak_pairs_within_one_list_as_zero():
    """A pair within one list joins only at `one_list_threshold` (here above the run's 0.85); a pair
    of two lists at the run's threshold; an outranked pair never. Weights are kept."""
    config = ClusteringConfig(one_list_threshold=0.9)
    pairs = {
        (REPORT, ALSO_REPORTED): PairScore(0.88, 2.9),  # one list, below 0.9
        (REGISTERED, REPORT): PairScore(0.88, 2.9),  # two lists
        (NAMESAKE, REPORT): PairScore(0.99, 6.6),  # outranked below
        (REPORT, RETURNEE): PairScore(0.95, 4.2),
    }
    joining = joining_scores(pairs, {(NAMESAKE, REPORT): 0.1}, 0.85, config)
    assert {k: v.probability for k, v in joining.items()} == {
        (REPORT, ALSO_REPORTED): 0.0,
        (REGISTERED, REPORT): 0.88,
        (NAMESAKE, REPORT): 0.0,
        (REPORT, RETURNEE): 0.95,
    }
    assert joining[(NAMESAKE, REPORT)].weight == 6.6
    # a run threshold above the one-list threshold rules both
    assert (
        joining_scores({(REPORT, ALSO_REPORTED): PairScore(0.93, 3.7)}, {}, 0.95, config)[
            (REPORT, ALSO_REPORTED)
        ].probability
        == 0.0
    )


def test_every_reason_a_task_waits_has_words_in_the_review_list():
    from athar.cli.review import WHY_WORDS
    from athar.linkage import review

    reasons = {v for k, v in vars(review).items() if k.startswith("WHY_")}
    assert reasons == set(WHY_WORDS) and "outranked" in reasons
