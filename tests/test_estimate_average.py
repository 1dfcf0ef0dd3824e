"""Log-linear models with a heterogeneity term, and their AIC-weighted average (issue 18, item 3)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from athar.estimate import CaptureHistories, bma_estimate
from athar.estimate.api import average_estimate
from athar.estimate.histories import cell_patterns
from athar.estimate.identifiability import Check
from athar.estimate.intervals import profile_interval
from athar.estimate.mh_loglinear import Heterogeneity, fit_mh
from athar.estimate.models import MAIN_EFFECTS, hierarchical_closure
from athar.estimate.posterior_shape import TwoPieceMixture

LISTS = ["A", "B", "C", "D", "E"]


def _tabulate(caught: np.ndarray) -> CaptureHistories:
    k = caught.shape[1]
    cells = np.bincount(caught.astype(np.int64) @ (1 << np.arange(k)), minlength=1 << k)
    rows = [(tuple((c >> j) & 1 for j in range(k)), int(n)) for c, n in enumerate(cells) if c and n]
    return CaptureHistories.from_rows(LISTS[:k], rows)


def rasch(n: int, seed: int) -> CaptureHistories:
    """One hidden visibility per person raises every list's chance alike."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, 1.0, n)
    logit = np.array([-1.3, -1.5, -1.7, -1.9, -2.0])[None, :] + theta[:, None]
    return _tabulate(rng.random((n, 5)) < 1 / (1 + np.exp(-logit)))


def independent(n: int, seed: int) -> CaptureHistories:
    rng = np.random.default_rng(seed)
    return _tabulate(rng.random((n, 5)) < np.array([0.3, 0.25, 0.2, 0.15, 0.12]))


def darroch_table(unobserved: float, tau: float) -> CaptureHistories:
    """Expected counts of Darroch's model itself, rounded: log E[n_h] = mu + a.h + tau |h|^2 / 2."""
    patterns = cell_patterns(5)
    a = np.array([-1.0, -1.2, -1.4, -1.6, -1.8])
    size = patterns.sum(axis=1)
    counts = np.rint(unobserved * np.exp(patterns @ a + tau * size**2 / 2)).astype(int)
    return CaptureHistories.from_rows(
        LISTS, [(tuple(p), int(n)) for p, n in zip(patterns, counts, strict=True)]
    )


def test_darroch_recovers_the_unobserved_count_of_a_table_drawn_from_its_own_model():
    hist = darroch_table(unobserved=20_000, tau=0.4)
    plain, darroch = fit_mh(hist), fit_mh(hist, kind=Heterogeneity.DARROCH)
    assert darroch.estimate - hist.n_observed == pytest.approx(20_000, rel=0.01)
    assert darroch.beta[-1] == pytest.approx(0.4, abs=0.01)
    assert plain.estimate - hist.n_observed < 0.5 * 20_000  # without the term: far too low
    ci = profile_interval(darroch)
    assert ci.low < darroch.estimate < ci.high


def test_darroch_with_every_two_list_term_is_not_identifiable_but_poisson2_is():
    # |h|^2 / 2 is the sum of the two-list columns plus half the main effects
    every_pair = hierarchical_closure([(i, j) for i in range(5) for j in range(i + 1, 5)])
    hist = rasch(4000, 1)
    assert fit_mh(hist, every_pair, Heterogeneity.DARROCH).status == Check.NOT_IDENTIFIABLE
    assert fit_mh(hist, every_pair, Heterogeneity.POISSON2).ok


def test_a_heterogeneity_term_below_zero_is_refused():
    # lists that never meet: fewer on several lists than independence gives, which no
    # distribution of visibility produces
    rng = np.random.default_rng(4)
    group = rng.random(4000) < 0.5
    caught = rng.random((4000, 5)) < 0.25
    caught[:, :2] &= group[:, None]
    caught[:, 2:] &= ~group[:, None]
    hist = _tabulate(caught)
    assert fit_mh(hist, MAIN_EFFECTS, Heterogeneity.DARROCH).status == Check.NO_MLE


def test_one_component_mixture_gives_back_its_own_figures_and_an_unbounded_one_an_infinite_end():
    one = TwoPieceMixture(np.array([1000.0]), np.array([900.0]), np.array([1300.0]), np.array([1.0]), 0.95)
    assert [one.quantile(p) for p in (0.5, 0.025, 0.975)] == pytest.approx([1000, 900, 1300], rel=1e-6)
    open_ended = TwoPieceMixture(
        np.array([1000.0, 1100.0]),
        np.array([900.0, 950.0]),
        np.array([1300.0, math.inf]),
        np.array([0.5, 0.5]),
        0.95,
    )
    assert math.isinf(open_ended.quantile(0.975))


def test_a_mixture_of_two_models_spans_both_intervals():
    mix = TwoPieceMixture(
        np.array([1000.0, 1400.0]),
        np.array([950.0, 1300.0]),
        np.array([1050.0, 1500.0]),
        np.array([0.5, 0.5]),
        0.95,
    )
    assert mix.quantile(0.025) < 1000 and mix.quantile(0.975) > 1400
    assert 1050 < mix.quantile(0.5) < 1300


def test_the_average_covers_continuous_heterogeneity_where_the_graph_average_does_not():
    hist = rasch(4000, 1)
    graphs = bma_estimate(hist)
    assert graphs.ci_high < 4000  # the failure issue 18 reported: too low, and sure of it
    est = average_estimate(hist)
    assert est.ci_low <= 4000 <= est.ci_high
    assert est.details["weight_by_heterogeneity"]["none"] < 0.1
    hist_bins = est.details["posterior_histogram"]
    assert len(hist_bins["mass"]) == 40 and sum(hist_bins["mass"]) == pytest.approx(1, abs=1e-3)


def test_the_average_on_independent_lists_covers_and_stays_close():
    est = average_estimate(independent(3000, 5))
    assert est.ci_low <= 3000 <= est.ci_high
    assert abs(est.estimate - 3000) < 0.05 * 3000
    assert est.details["weight_by_heterogeneity"]["none"] > 0.3


def test_a_linkage_draw_refits_the_averaged_models_and_answers_as_the_search_does():
    """Each linkage draw refits the models that held the linked table's weight instead of searching
    again: on the linked table itself that gives the search's own figures, in fewer fits."""
    hist = rasch(3_000, seed=5)
    searched = average_estimate(hist)
    assert searched.averaged and "averaged" not in searched.to_dict()
    refitted = average_estimate(hist, models=searched.averaged)
    assert refitted.details["models_fitted"] == len(searched.averaged)
    assert refitted.details["models_fitted"] < searched.details["models_fitted"]
    assert refitted.estimate == pytest.approx(searched.estimate, rel=0.01)
    assert refitted.ci_low == pytest.approx(searched.ci_low, rel=0.02)
    assert refitted.ci_high == pytest.approx(searched.ci_high, rel=0.02)
    other = average_estimate(rasch(3_000, seed=6), models=searched.averaged)
    assert other.estimate != pytest.approx(searched.estimate, rel=1e-6)  # fitted to its own table


def test_where_heterogeneity_terms_fit_alike_and_disagree_the_interval_spans_them():
    """Link (2003): on a large table of continuous heterogeneity several terms fit and each guesses
    the unseen differently; AIC alone would pick one and be sure of it."""
    hist = rasch(150_000, 0)
    est = average_estimate(hist)
    rule = est.details["heterogeneity_envelope"]
    assert rule["applied"] and "disagree about the unseen" in rule["reason"]
    assert "Link 2003" in rule["rule"]
    adequate = {k: t for k, t in rule["terms"].items() if t["adequate"]}
    assert len(adequate) >= 2
    assert all(t["deviance_per_df"] <= 4 for t in adequate.values())
    assert not rule["terms"]["Poisson2"]["adequate"]  # its deviance is many times its df
    for term in adequate.values():  # (the figures in details are rounded to cents)
        low, high = term["interval"]
        assert est.ci_low <= low + 0.01 and high <= est.ci_high + 0.01
    aic_low, aic_high = rule["aic_interval"]
    assert est.ci_low <= aic_low + 0.01 and aic_high <= est.ci_high + 0.01
    assert est.ci_low <= 150_000 <= est.ci_high and not aic_low <= 150_000 <= aic_high
    aic_only = average_estimate(hist, envelope=False)
    assert (aic_only.ci_low, aic_only.ci_high) == pytest.approx((aic_low, aic_high), abs=0.01)
    assert aic_only.estimate == est.estimate  # the rule widens the interval, not the estimate
    assert any("spans them all" in w for w in est.warnings)
    # a linkage draw refits the models the envelope rested on too, not only the AIC-weighted ones
    refitted = average_estimate(hist, models=est.averaged)
    assert refitted.details["heterogeneity_envelope"]["applied"]
    assert (refitted.ci_low, refitted.ci_high) == pytest.approx((est.ci_low, est.ci_high), rel=1e-6)


def test_where_the_terms_that_fit_agree_the_interval_is_the_aic_average_s():
    hist = independent(100_000, 5)
    est = average_estimate(hist)
    rule = est.details["heterogeneity_envelope"]
    assert not rule["applied"]
    assert (est.ci_low, est.ci_high) == pytest.approx(tuple(rule["aic_interval"]), abs=0.01)
    assert not any("spans them all" in w for w in est.warnings)


def test_a_fit_run_off_to_infinity_leaves_the_average_unbounded_rather_than_failing():
    # many persons on one list only (unlinked pairs of a review band): Gamma3.5 with every two-list
    # term runs its heterogeneity coefficient past 300, and its profile cannot be refitted
    counts = {
        (0, 0, 0, 1): 9, (0, 0, 1, 0): 6, (0, 0, 1, 1): 57, (0, 1, 0, 0): 419, (0, 1, 0, 1): 43,
        (0, 1, 1, 0): 59, (0, 1, 1, 1): 250, (1, 0, 0, 0): 418, (1, 0, 0, 1): 70, (1, 0, 1, 0): 58,
        (1, 0, 1, 1): 295, (1, 1, 0, 0): 83, (1, 1, 0, 1): 312, (1, 1, 1, 0): 343, (1, 1, 1, 1): 1376,
    }  # fmt: skip
    hist = CaptureHistories.from_rows(LISTS[:4], list(counts.items()))
    runaway = fit_mh(
        hist, hierarchical_closure({(i, j) for i in range(4) for j in range(i + 1, 4)}), Heterogeneity.GAMMA35
    )
    assert runaway.ok and runaway.beta[-1] > 100
    ci = profile_interval(runaway)
    assert (ci.low, ci.high) == (hist.n_observed, math.inf)
    est = average_estimate(hist)
    assert est.ci_low <= est.estimate <= est.ci_high
