"""Intervals for a population estimate from log-linear models.

* :func:`wald_log_interval`: normal on the log of the unobserved count, model fixed (what
  SparseMSE's ``estimatepopulation.0`` reports).
* :func:`profile_interval`: profile likelihood for the unobserved count, model fixed: the
  intercept is held at each trial value while the other parameters are refitted, and the
  interval is where twice the drop in log-likelihood stays under the chi-squared quantile.
* :func:`bca_interval`: bias-corrected and accelerated bootstrap with the whole model search
  repeated in every resample (Chan, Silverman & Vincent 2021; Silverman, Chan & Vincent 2024),
  so the interval carries the uncertainty of choosing the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import chi2, norm

from .histories import CaptureHistories
from .loglinear import LoglinearFit, poisson_loglik, poisson_newton


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    level: float
    kind: str


def wald_log_interval(f: LoglinearFit, level: float = 0.95) -> Interval:
    z = norm.ppf(0.5 + level / 2)
    b0, se0 = f.beta[0], f.se[0]
    return Interval(
        f.n_observed + math.exp(b0 - z * se0), f.n_observed + math.exp(b0 + z * se0), level, "wald-log"
    )


def profile_interval(f: LoglinearFit, level: float = 0.95, dispersion: float = 1.0) -> Interval:
    """Profile-likelihood interval for N with the model fixed; with ``dispersion`` c > 1 (counts
    more variable than Poisson) the log-likelihood may drop c times as far (quasi-likelihood)."""
    assert f.design is not None and f.ok
    x, y = f.design.x, f.design.y
    x_rest = x[:, 1:]
    cut = f.loglik - dispersion * chi2.ppf(level, 1) / 2
    start = f.beta[1:]

    def drop(b0: float) -> float:
        offset = np.full(len(y), b0)
        if x_rest.shape[1] == 0:
            ll = poisson_loglik(y, offset)
        else:
            res = poisson_newton(x_rest, y, offset=offset, beta0=start)
            if res is None:
                return -math.inf
            ll = res[1]
        return ll - cut

    b_hat, se = f.beta[0], max(f.se[0], 1e-3)
    bounds = []
    if not drop(b_hat) > 0:
        # the profile does not come back to the fit's own likelihood: a fit run off towards
        # infinity (a heterogeneity term of hundreds on a table with few persons on one list), whose
        # likelihood cannot bound N on either side
        return Interval(f.n_observed, math.inf, level, "profile")
    for direction in (-1, 1):
        step, inner = se, b_hat
        outer = b_hat + direction * step
        tries = 0
        while drop(outer) > 0 and tries < 60:
            inner, step = outer, step * 2
            outer = b_hat + direction * step
            tries += 1
        if tries >= 60:
            bounds.append(math.inf * direction)
            continue
        bounds.append(brentq(drop, min(inner, outer), max(inner, outer), xtol=1e-8))
    return Interval(f.n_observed + math.exp(bounds[0]), f.n_observed + math.exp(bounds[1]), level, "profile")


@dataclass(frozen=True)
class Bootstrap:
    interval: Interval
    estimate: float
    replicates: np.ndarray
    bias_z0: float
    acceleration: float
    n_failed: int


def bca_interval(
    hist: CaptureHistories,
    estimator: Callable[[CaptureHistories], float],
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 1234,
) -> Bootstrap:
    """BCa interval for ``estimator`` by multinomial resampling of the observed persons.

    The acceleration comes from the delete-one jackknife over persons, computed once per
    distinct capture history and weighted by its count. Resamples on which the estimator has no
    answer (every model rejected) are dropped and counted in ``n_failed``.
    """
    rng = np.random.default_rng(seed)
    y = hist.cell_counts()
    n = int(y.sum())
    theta = estimator(hist)
    draws = rng.multinomial(n, y / n, size=n_boot)
    reps = []
    for counts in draws:
        try:
            value = estimator(hist.with_counts(counts))
        except ValueError:
            continue
        if math.isfinite(value):
            reps.append(value)
    boot = np.array(reps)
    # jackknife over persons: one value per non-empty cell, weighted by its count
    cells = np.flatnonzero(y)
    jack, weights = [], []
    for i in cells:
        yi = y.copy()
        yi[i] -= 1
        try:
            jack.append(estimator(hist.with_counts(yi)))
            weights.append(y[i])
        except ValueError:
            continue
    jv, w = np.array(jack), np.array(weights, dtype=float)
    mean = np.sum(w * jv) / w.sum()
    d = mean - jv
    denom = 6 * np.sum(w * d**2) ** 1.5
    accel = float(np.sum(w * d**3) / denom) if denom > 0 else 0.0
    z0 = float(norm.ppf(np.clip(np.mean(boot < theta), 1 / (len(boot) + 1), len(boot) / (len(boot) + 1))))
    alphas = [(1 - level) / 2, (1 + level) / 2]
    qs = []
    for a in alphas:
        za = norm.ppf(a)
        qs.append(float(norm.cdf(z0 + (z0 + za) / (1 - accel * (z0 + za)))))
    low, high = np.quantile(boot, qs)
    return Bootstrap(
        Interval(float(low), float(high), level, "bca"), theta, boot, z0, accel, n_boot - len(boot)
    )
