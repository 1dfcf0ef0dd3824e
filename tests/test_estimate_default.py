"""The default estimate: a rule on the data, stated in its output, warning where no method covers."""

from __future__ import annotations

import numpy as np

from athar.estimate import CaptureHistories
from athar.estimate.api import AVERAGE_METHOD
from athar.estimate.default import default_estimate
from athar.estimate.diagnostics import THREE_LISTS_CAVEAT
from athar.estimate.heterogeneity import capture_dispersion


def _tabulate(caught: np.ndarray) -> CaptureHistories:
    k = caught.shape[1]
    cells = np.bincount(caught.astype(np.int64) @ (1 << np.arange(k)), minlength=1 << k)
    rows = [(tuple((c >> j) & 1 for j in range(k)), int(n)) for c, n in enumerate(cells) if c and n]
    return CaptureHistories.from_rows([chr(65 + j) for j in range(k)], rows)


def independent(n: int, seed: int) -> CaptureHistories:
    rng = np.random.default_rng(seed)
    return _tabulate(rng.random((n, 5)) < np.array([0.3, 0.25, 0.2, 0.15, 0.12]))


def rasch(n: int, seed: int) -> CaptureHistories:
    """Every list's chance raised alike by one hidden visibility per person."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, 1.0, n)
    logit = np.array([-1.3, -1.5, -1.7, -1.9, -2.0])[None, :] + theta[:, None]
    return _tabulate(rng.random((n, 5)) < 1 / (1 + np.exp(-logit)))


def test_heterogeneous_visibility_is_recognised_and_independent_lists_are_not():
    assert all(capture_dispersion(rasch(4000, s)).looks_heterogeneous for s in range(3))
    assert not any(capture_dispersion(independent(4000, s)).looks_heterogeneous for s in range(3))


def test_dispersion_is_not_read_from_three_lists():
    hist = CaptureHistories.from_rows(["A", "B", "C"], [((1, 0, 0), 5), ((1, 1, 0), 2), ((0, 1, 1), 3)])
    assert capture_dispersion(hist) is None


def test_default_averages_log_linear_models_with_heterogeneity_terms_and_says_why():
    est = default_estimate(independent(2000, 1))
    assert est.method == f"default: {AVERAGE_METHOD}"
    assert est.details["default"]["because"] == "heterogeneity and dependence averaged"
    assert est.details["default"]["rule"].startswith("default rule")
    assert est.ci_low <= est.estimate <= est.ci_high  # how often it covers is bench/estimate.py's to say


def test_default_covers_continuous_heterogeneity_and_reports_what_the_lists_look_like():
    est = default_estimate(rasch(3000, 2))
    assert est.ci_low <= 3000 <= est.ci_high
    assert est.details["default"]["dispersion"]["looks_heterogeneous"]


def test_with_three_lists_a_default_leaning_on_heterogeneity_says_it_was_low_in_simulation():
    rng = np.random.default_rng(1)
    theta = rng.normal(0.0, 1.0, 3000)
    logit = np.array([-1.3, -1.5, -1.7])[None, :] + theta[:, None]
    est = default_estimate(_tabulate(rng.random((3000, 3)) < 1 / (1 + np.exp(-logit))))
    assert any("weight is on heterogeneity terms" in w for w in est.warnings)
    assert not any("below the true total" in w for w in default_estimate(independent(2000, 1)).warnings)


def test_every_three_list_estimate_says_heterogeneity_cannot_be_checked_there():
    """The uncovered three-list tables of the study looked like independent lists: no rule on the
    data reaches them, so the caveat is on every three-list table and on no larger one."""
    three = CaptureHistories.from_rows(
        ["A", "B", "C"],
        [((1, 0, 0), 300), ((0, 1, 0), 250), ((0, 0, 1), 200), ((1, 1, 0), 80), ((1, 0, 1), 60),
         ((0, 1, 1), 50), ((1, 1, 1), 20)],
    )  # fmt: skip
    assert THREE_LISTS_CAVEAT in default_estimate(three).warnings
    assert THREE_LISTS_CAVEAT not in default_estimate(independent(2000, 1)).warnings


def test_beyond_twelve_lists_the_default_falls_back_to_latent_classes():
    rng = np.random.default_rng(0)
    est = default_estimate(_tabulate(rng.random((600, 13)) < 0.2), iterations=100, seed=1)
    assert est.method.startswith("default: LCMCR")
    assert est.details["default"]["because"] == "more than twelve lists"


def test_a_table_beyond_the_study_that_looks_heterogeneous_is_warned_of_unless_the_envelope_widened_it():
    # 174,000 observed: only Darroch and no term fit (Gamma3.5's deviance is 4.6 times its degrees
    # of freedom), they agree, and the interval (284,588-289,616) misses the 300,000
    huge = default_estimate(rasch(300_000, 0))
    assert not huge.details["heterogeneity_envelope"]["applied"]
    assert huge.ci_high < 300_000
    assert any("Read the interval as too narrow" in w for w in huge.warnings)
    # 87,000 observed: three terms fit and disagree, the envelope spans them and covers
    large = default_estimate(rasch(150_000, 0))
    assert large.details["heterogeneity_envelope"]["applied"]
    assert large.ci_low <= 150_000 <= large.ci_high
    assert not any("too narrow" in w for w in large.warnings)
    assert any("the interval spans them all" in w for w in large.warnings)
    small = default_estimate(rasch(3000, 0))
    assert not any("too narrow" in w for w in small.warnings)
