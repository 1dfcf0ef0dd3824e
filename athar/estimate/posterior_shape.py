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
