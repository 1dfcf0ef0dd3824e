"""The default estimate: a rule on the data, stated in its output, warning where no method covers."""

from __future__ import annotations

import numpy as np

from athar.estimate import CaptureHistories
from athar.estimate.default import default_estimate
from athar.estimate.heterogeneity import capture_dispersion


def _tabulate(caught: np.ndarray) -> CaptureHistories:
    rows = [(tuple(int(v) for v in r), 1) for r in caught if r.any()]
    return CaptureHistories.from_rows([chr(65 + j) for j in range(caught.shape[1])], rows)


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


def test_default_averages_graphs_on_lists_without_heterogeneity_and_says_why():
    est = default_estimate(independent(2000, 1))
    assert est.method == "default: BMA (decomposable graphs, Madigan-York)"
    assert "rule" in est.details["default"]
    assert est.ci_low <= 2000 <= est.ci_high


def test_default_uses_latent_classes_and_warns_when_visibility_varies():
    hist = rasch(3000, 2)
    est = default_estimate(hist, iterations=500, seed=3)
    assert est.method.startswith("default: LCMCR")
    assert est.details["default"]["because"] == "heterogeneous visibility"
    assert any("no method covered the true total" in w for w in est.warnings)
