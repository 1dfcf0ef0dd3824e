"""Estimates by stratum: small strata pooled by the stated rule, the total the sum of the strata
(issue 18, item 5)."""

from __future__ import annotations

import numpy as np
import pytest

from athar.estimate import CaptureHistories, stratify
from athar.estimate.service import compute_estimates, estimate_by_stratum
from athar.estimate.strata import MIN_OBSERVED, POOLED, estimate_strata, pool_strata, stands_alone

LISTS = ("A", "B", "C")


def _population(size: int, visibility: tuple[float, float, float], rng: np.random.Generator) -> list:
    caught = rng.random((size, 3)) < np.array(visibility)
    return [row for row in caught if row.any()]


def _rows(rng: np.random.Generator) -> list[tuple[int, set[str], dict]]:
    """Three governorates seen very differently, and two hamlets too small to stand alone."""
    people = {
        "north": _population(4000, (0.4, 0.3, 0.2), rng),
        "south": _population(2500, (0.15, 0.2, 0.3), rng),
        "east": _population(1500, (0.5, 0.5, 0.1), rng),
        "hamlet 1": _population(40, (0.3, 0.3, 0.3), rng),
        "hamlet 2": _population(30, (0.3, 0.3, 0.3), rng),
    }
    rows = []
    for place, caught in people.items():
        for row in caught:
            sources = {name for name, on in zip(LISTS, row, strict=True) if on}
            rows.append((len(rows), sources, {"governorate": place}))
    return rows


def test_small_strata_are_pooled_and_every_person_is_in_exactly_one_stratum():
    rows = _rows(np.random.default_rng(11))
    strata = {key[0]: h for key, h in stratify(rows, by=["governorate"], lists=LISTS).items()}
    assert not stands_alone(strata["hamlet 1"]) and stands_alone(strata["east"])
    pooled = pool_strata(strata)
    labels = {label: members for label, members, _h in pooled}
    # the two hamlets together still fall short of the rule, so they join the smallest governorate
    assert labels == {
        "north": ["north"],
        "south": ["south"],
        f"east + {POOLED}": ["east", "hamlet 1", "hamlet 2"],
    }
    assert sum(h.n_observed for _l, _m, h in pooled) == len(rows)


def test_a_pool_that_meets_the_rule_stands_as_its_own_stratum_and_nothing_alone_gives_one():
    big = CaptureHistories(LISTS, {(1, 0, 0): 300, (0, 1, 0): 300, (1, 1, 0): 60, (0, 0, 1): 100})
    small = CaptureHistories(LISTS, {(1, 0, 0): 20, (0, 1, 0): 15, (1, 1, 0): 6})
    assert small.n_observed < MIN_OBSERVED
    pooled = pool_strata({"big": big, "s1": small, "s2": small})
    assert [(label, members) for label, members, _h in pooled] == [
        ("big", ["big"]),
        (POOLED, ["s1", "s2"]),
    ]
    only = pool_strata({"s1": small})
    assert [(label, members) for label, members, _h in only] == [("all", ["s1"])]


@pytest.mark.parametrize("method", ["bma", "loglinear"])
def test_the_total_is_the_sum_of_the_strata_and_its_interval_adds_their_uncertainty(method):
    rows = _rows(np.random.default_rng(12))
    strata = stratify(rows, by=["governorate"], lists=LISTS)
    result = estimate_by_stratum(strata, method=method, seed=3)
    firsts = [s.estimates[0] for s in result.strata]
    total = result.total
    assert total is not None
    assert total.estimate == pytest.approx(sum(e.estimate for e in firsts))
    assert total.n_observed == len(rows) == sum(e.n_observed for e in firsts)
    assert total.ci_low < total.estimate < total.ci_high
    widths = [e.ci_high - e.ci_low for e in firsts]
    # independent strata: wider than any one stratum's, narrower than their widths added up
    assert max(widths) < total.ci_high - total.ci_low < sum(widths)
    # lists independent within each stratum: the strata's sum covers the true 8,070
    assert total.ci_low < 8070 < total.ci_high


def test_a_stratum_with_no_estimate_leaves_no_total_rather_than_a_partial_sum():
    big = CaptureHistories(LISTS, {(1, 0, 0): 300, (0, 1, 0): 300, (1, 1, 0): 60, (0, 0, 1): 100})
    other = CaptureHistories(LISTS, {(1, 0, 0): 200, (0, 1, 0): 100, (1, 1, 0): 30})

    def estimator(h: CaptureHistories):
        if h == other:
            raise ValueError("no model fits")
        return compute_estimates(h, method="bma")

    result = estimate_strata({"big": big, "other": other}, estimator)
    assert [len(s.estimates) for s in result.strata] == [1, 0]
    assert result.total is None
