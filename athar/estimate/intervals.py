"""Intervals for a population estimate from log-linear models.

* :func:`wald_log_interval`: normal on the log of the unobserved count, model fixed (what
  SparseMSE's ``estimatepopulation.0`` reports, with ``unseen=False``).
* :func:`profile_interval`: profile likelihood for the unobserved count, model fixed: the
  intercept is held at each trial value while the other parameters are refitted, and the
  interval is where twice the drop in log-likelihood stays under the chi-squared quantile.
* :func:`bca_interval`: bias-corrected and accelerated bootstrap with the whole model search
  repeated in every resample (Chan, Silverman & Vincent 2021; Silverman, Chan & Vincent 2024),
  so the interval carries the uncertainty of choosing the model.

**The unseen count's own variance** (:func:`with_unseen_variance`). The Wald and profile
intervals of a Poisson log-linear model are intervals for ``n + mu0``, the number observed plus
the *expected* number no list holds (the intercept). The total is ``n + n0``, the *actual* number
unseen, which scatters round ``mu0`` with variance ``mu0`` (Poisson; under the multinomial, with the
total fixed, the same once the observed cells' correlation with ``n0`` is counted): ``var(N_hat - N)
= var(mu0_hat) + mu0``. On two lists this is Seber's (1982) variance of the Lincoln-Petersen
estimate exactly, ``n1 n2 (n1 - m)(n2 - m) / m**3``, where ``var(mu0_hat)`` alone falls short by
``mu0``. Both ends are therefore moved out to ``sqrt(half_width**2 + z**2 c mu0)`` from the
estimate, each side keeping its own half-width (and ``c``, the quasi-likelihood dispersion, scaling
the unseen count's variance as it scales the cells'). It matters where many are unseen relative to
the interval's width (about 130 of 500 unseen on six lists: the generating model's coverage goes
from 0.855 to 0.945 on ``bench/estimate.py``'s 200 negative-dependence tables) and little where
``var(mu0_hat)`` is large against ``mu0`` (docs/estimation.md: 0.3-3.3% wider on the study's large
tables). With no one unseen (``mu0 = 0``) the interval is unchanged.

The BCa bootstrap resamples the ``n`` observed persons, ``n`` fixed: it estimates the variance of
``mu0_hat`` given ``n``, which is ``var(mu0_hat) - mu0**2 / n`` (the Poisson variance less the part
that comes from ``n`` varying), so it misses ``mu0 + mu0**2 / n = mu0 N_hat / n``; that is added to
its ends the same way. (A parametric bootstrap that redrew the unseen count with the observed
would carry it already; LCMCR's and BMA's posteriors are over the total ``n + n0`` and carry it.)
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


def with_unseen_variance(
    ci: Interval, estimate: float, n_observed: int, variance: float, dispersion: float = 1.0
) -> Interval:
    """``ci`` (an interval for ``n + mu0``) widened by the unseen count's own ``variance`` (times the
    dispersion) on each side, each side keeping its half-width: an interval for ``n + n0``
    (module docstring). The low end stays at or above ``n_observed``; an infinite end stays so."""
    if not variance > 0:
        return ci
    z = norm.ppf(0.5 + ci.level / 2)
    extra = z**2 * dispersion * variance
    low = estimate - math.sqrt((estimate - ci.low) ** 2 + extra) if math.isfinite(ci.low) else ci.low
    high = estimate + math.sqrt((ci.high - estimate) ** 2 + extra) if math.isfinite(ci.high) else ci.high
    return Interval(max(low, float(n_observed)), high, ci.level, ci.kind)


def unseen_mean(f: LoglinearFit) -> float:
    """The fitted number no list holds, ``mu0 = exp(intercept)``."""
    return f.estimate - f.n_observed


def wald_log_interval(f: LoglinearFit, level: float = 0.95, unseen: bool = True) -> Interval:
    """Normal on log ``mu0``; ``unseen=False`` leaves out the unseen count's own variance, as
    SparseMSE's ``estimatepopulation.0`` does (an interval for ``n + mu0``, not for the total)."""
    z = norm.ppf(0.5 + level / 2)
    b0, se0 = f.beta[0], f.se[0]
    ci = Interval(
        f.n_observed + math.exp(b0 - z * se0), f.n_observed + math.exp(b0 + z * se0), level, "wald-log"
    )
    return with_unseen_variance(ci, f.estimate, f.n_observed, unseen_mean(f)) if unseen else ci


def profile_interval(
    f: LoglinearFit, level: float = 0.95, dispersion: float = 1.0, unseen: bool = True
) -> Interval:
    """Profile-likelihood interval for N with the model fixed; with ``dispersion`` c > 1 (counts
    more variable than Poisson) the log-likelihood may drop c times as far (quasi-likelihood).
    The unseen count's own variance (c times ``mu0``) is added to each end unless ``unseen=False``
    (then the interval is the profile's for ``n + mu0``; module docstring)."""
    ci = _profile(f, level, dispersion)
    if not unseen:
        return ci
    return with_unseen_variance(ci, f.estimate, f.n_observed, unseen_mean(f), dispersion)


def _profile(f: LoglinearFit, level: float, dispersion: float) -> Interval:
    assert f.design is not None and f.ok
    x, y = f.design.x, f.design.y
    x_rest = x[:, 1:]
    cut = f.loglik - dispersion * chi2.ppf(level, 1) / 2
    start = f.beta[1:]
    # each refit starts from the solution at the nearest intercept tried so far (the root search
    # closes in, so that is a step or two of Newton away): the same maximum, the likelihood being
    # concave, in a third of the iterations; from the fit's own estimate if that fails
    solved: dict[float, np.ndarray] = {float(f.beta[0]): start}

    def drop(b0: float) -> float:
        offset = np.full(len(y), b0)
        if x_rest.shape[1] == 0:
            ll = poisson_loglik(y, offset)
        else:
            near = solved[min(solved, key=lambda b: abs(b - b0))]
            res = poisson_newton(x_rest, y, offset=offset, beta0=near)
            if res is None and near is not start:
                res = poisson_newton(x_rest, y, offset=offset, beta0=start)
            if res is None:
                return -math.inf
            solved[float(b0)] = res[0]
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
    unseen: bool = True,
) -> Bootstrap:
    """BCa interval for ``estimator`` by multinomial resampling of the observed persons.

    The acceleration comes from the delete-one jackknife over persons, computed once per
    distinct capture history and weighted by its count. Resamples on which the estimator has no
    answer (every model rejected) are dropped and counted in ``n_failed``. The ends are widened by
    the variance the resampling of a fixed ``n`` misses, unless ``unseen=False`` (then the interval
    is the bootstrap's as Chan, Silverman and Vincent compute it; module docstring).
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
    ci = Interval(float(low), float(high), level, "bca")
    if unseen and math.isfinite(theta) and theta > n:
        # resampling the n observed with n fixed misses the unseen count's variance and the part of
        # mu0_hat's that comes from n varying: mu0 + mu0**2 / n = mu0 N_hat / n (module docstring)
        ci = with_unseen_variance(ci, theta, n, (theta - n) * theta / n)
    return Bootstrap(ci, theta, boot, z0, accel, n_boot - len(boot))
