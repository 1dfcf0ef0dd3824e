"""One estimate's posterior (or bootstrap distribution) from its three figures, to mix or add.

Mixing estimates over linkage draws and adding strata into a total need each estimate's whole
distribution, while every method reports a median and an interval. A two-piece log-normal with its
median at the estimate and its ``level`` quantiles at the interval's ends reproduces those three
figures exactly, keeps the right skew of population posteriors, and needs nothing method-specific.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from scipy.special import ndtr


def two_piece_lognormal(
    estimate: float, low: float, high: float, level: float, size: int, rng: np.random.Generator
) -> np.ndarray:
    """``size`` draws whose median is ``estimate`` and whose ``level`` quantiles are ``low``, ``high``.

    An infinite ``high`` (the data do not bound the total) gives infinite upper draws.
    """
    z = NormalDist().inv_cdf(0.5 + level / 2)
    centre = math.log(estimate)
    below = (centre - math.log(max(low, 1e-9))) / z
    above = (math.log(high) - centre) / z if math.isfinite(high) else math.inf
    normal = rng.standard_normal(size)
    with np.errstate(invalid="ignore", over="ignore"):
        spread = np.where(normal < 0, below * normal, above * normal)
    spread[normal == 0] = 0.0
    return np.exp(centre + spread)


class TwoPieceMixture:
    """A weighted mixture of two-piece log-normals, each through one (estimate, low, high): the
    distribution of a model average whose every model reports a median and an interval.

    Quantiles come from the mixture's distribution function, not from draws, so the same table
    gives the same figures every time. An infinite ``high`` leaves that component's upper half
    unbounded, and a quantile beyond what the components bound is infinite.
    """

    def __init__(
        self, estimates: np.ndarray, lows: np.ndarray, highs: np.ndarray, weights: np.ndarray, level: float
    ) -> None:
        z = NormalDist().inv_cdf(0.5 + level / 2)
        self.centre = np.log(np.asarray(estimates, dtype=float))
        highs = np.asarray(highs, dtype=float)
        bounded = np.isfinite(highs)
        self.below = np.maximum((self.centre - np.log(np.maximum(lows, 1e-9))) / z, 1e-12)
        above = (np.log(np.where(bounded, highs, 1.0)) - self.centre) / z
        self.above = np.where(bounded, np.maximum(above, 1e-12), np.inf)
        self.weights = np.asarray(weights, dtype=float) / np.sum(weights)
        bounded_tops = (self.centre + 9 * self.above)[np.isfinite(self.above)]
        self._lowest = float(np.min(self.centre - 9 * self.below))
        self._highest = float(np.max(bounded_tops)) if bounded_tops.size else float(np.max(self.centre)) + 1

    def cdf(self, x: np.ndarray | float) -> np.ndarray:
        """P(total <= x) for each x."""
        log_x = np.log(np.atleast_1d(np.asarray(x, dtype=float)))[:, None]
        d = log_x - self.centre[None, :]
        scale = np.where(d < 0, self.below[None, :], self.above[None, :])
        z = np.where(np.isinf(scale), 0.0, d / np.where(np.isinf(scale), 1.0, scale))
        return np.asarray(ndtr(z) @ self.weights)

    def quantile(self, p: float) -> float:
        if self.cdf(math.exp(self._highest))[0] < p:
            return math.inf
        a, b = self._lowest, self._highest
        while b - a > 1e-10:  # bisection on log x: the cdf is monotone
            mid = (a + b) / 2
            if self.cdf(math.exp(mid))[0] < p:
                a = mid
            else:
                b = mid
        return math.exp((a + b) / 2)

    def histogram(self, bins: int = 40) -> dict[str, list[float]]:
        """Binned as :func:`athar.estimate.distribution.histogram` bins draws: over the central
        99.8%, masses summing to one."""
        low, high = self.quantile(0.001), self.quantile(0.999)
        if not math.isfinite(high):
            return {"edges": [], "mass": []}
        edges = np.linspace(low, high, bins + 1)
        mass = np.diff(self.cdf(edges))
        return {
            "edges": [round(float(e), 1) for e in edges],
            "mass": [round(float(m / mass.sum()), 5) for m in mass],
        }
