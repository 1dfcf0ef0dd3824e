"""Bayesian model averaging over decomposable graphical models (Madigan and York 1997).

What HRDAG's R package dga (``bma.cr``) computes, vectorised over graphs and values of N:

* the lists' joint inclusion probabilities follow a hyper-Dirichlet prior with ``delta`` prior
  persons per cell of the full table (dga suggests ``2**-p`` for ``p`` lists, our default), so a
  margin over ``s`` lists has ``delta * 2**(p - s)`` per cell;
* for a decomposable graph with cliques C and separators S, the marginal likelihood of the
  completed table (observed cells plus ``N0`` persons on no list) is
  ``prod_C ML(C) / prod_S ML(S)``, each ``ML`` a Dirichlet-multinomial on that margin;
* times the multinomial coefficient ``N! / (N0! prod y!)`` and a prior on ``N`` (``1/N`` by
  default, as in dga); graphs equally likely a priori.

The posterior over (graph, N0) is normalised over all graphs and a grid of N0. dga takes the
grid from its user; here it is found from the data (a coarse geometric grid finds where the
posterior lives, then a fine grid of at most ``max_points`` values covers it) and capped at
``20 * n`` unobserved, the cap LCMCR puts on its draws. A posterior that still has mass at the
cap is reported: the data then do not bound N.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import gammaln, logsumexp

from athar.estimate.errors import EstimateError

from .graphs import decomposable_graphs, incidence
from .histories import CaptureHistories

LogPrior = Callable[[np.ndarray], np.ndarray]


@dataclass
class BMAResult:
    """Posterior over N averaged over graphs, and each graph's posterior probability."""

    lists: tuple[str, ...]
    n_observed: int
    n_missing: np.ndarray  # grid of N0 values
    posterior: np.ndarray  # averaged posterior mass at each grid value (sums to 1)
    model_probs: np.ndarray  # one per graph, in decomposable_graphs(p) order
    delta: float
    mass_at_cap: float = 0.0
    by_model: np.ndarray | None = field(default=None, repr=False)  # (graphs, grid) when kept

    @property
    def totals(self) -> np.ndarray:
        return self.n_observed + self.n_missing

    @property
    def mean(self) -> float:
        return float(self.posterior @ self.totals)

    @property
    def mode(self) -> float:
        return float(self.totals[int(np.argmax(self.posterior))])

    @property
    def median(self) -> float:
        return self.quantile(0.5)

    @property
    def bayes_relative(self) -> float:
        """Madigan and York's estimator under relative squared error: E[1/N] / E[1/N**2]."""
        t = self.totals.astype(float)
        return float((self.posterior @ (1 / t)) / (self.posterior @ (1 / t**2)))

    def quantile(self, q: float) -> float:
        """The smallest grid total whose posterior CDF reaches ``q`` (as R's ``quantile`` type 1)."""
        cdf = np.cumsum(self.posterior)
        i = int(np.searchsorted(cdf, q * cdf[-1] - 1e-12))
        return float(self.totals[min(i, len(cdf) - 1)])

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        return self.quantile((1 - level) / 2), self.quantile((1 + level) / 2)

    def top_models(self, k: int = 5) -> list[tuple[str, float]]:
        graphs = decomposable_graphs(len(self.lists))
        best = np.argsort(-self.model_probs)[:k]
        return [(graphs[g].name(self.lists), float(self.model_probs[g])) for g in best]


def full_table(hist: CaptureHistories) -> np.ndarray:
    """Counts in cell order (index = bit mask of lists; cell 0, the unobserved, is 0)."""
    y = np.zeros(1 << hist.k)
    for history, n in hist.counts.items():
        y[sum(1 << j for j, v in enumerate(history) if v)] = n
    return y


def margin_terms(y: np.ndarray, p: int, delta: float, n_missing: np.ndarray) -> np.ndarray:
    """Per non-empty set of lists ``s``, the log Dirichlet-multinomial terms of its margin.

    Row ``s - 1``: ``lgamma(m_0 + N0 + d) + sum_c lgamma(m_c + d) - 2**|s| lgamma(d)`` with
    ``d = delta * 2**(p - |s|)``, ``m_c`` the margin's counts (``m_0`` the observed persons on none
    of the lists in ``s``); dga's ``CompLogML``. The shared ``lgamma(sum d) - lgamma(N + sum d)``
    is added per clique and separator by the caller.
    """
    cells = np.arange(1 << p)
    out = np.empty(((1 << p) - 1, len(n_missing)))
    for s in range(1, 1 << p):
        size = s.bit_count()
        d = delta * 2.0 ** (p - size)
        margin = np.bincount(cells & s, weights=y, minlength=1 << p)
        present = np.unique(cells & s)
        rest = present[present != 0]
        const = float(gammaln(margin[rest] + d).sum()) - (1 << size) * float(gammaln(d))
        out[s - 1] = gammaln(margin[0] + n_missing + d) + const
    return out


def log_posterior(
    y: np.ndarray, p: int, delta: float, n_missing: np.ndarray, log_prior: LogPrior | None = None
) -> np.ndarray:
    """Unnormalised log posterior, one row per decomposable graph, one column per N0."""
    n = float(y[1:].sum())
    total = n + n_missing
    a, c = incidence(p)
    shared = gammaln((1 << p) * delta) - gammaln(total + (1 << p) * delta)
    logw = a @ margin_terms(y, p, delta, n_missing) + c[:, None] * shared[None, :]
    coefficient = gammaln(total + 1) - gammaln(n_missing + 1) - float(gammaln(y[1:] + 1).sum())
    prior = -np.log(total) if log_prior is None else log_prior(total)
    return logw + (coefficient + prior)[None, :]


def bma(
    hist: CaptureHistories,
    delta: float | None = None,
    n_missing: np.ndarray | None = None,
    log_prior: LogPrior | None = None,
    max_points: int = 4000,
    cap: float = 20.0,
    keep_by_model: bool = False,
) -> BMAResult:
    """Average over every decomposable graph on the lists (3 to 6 lists holding someone).

    ``delta``: hyper-Dirichlet prior persons per cell (default ``2**-p``). ``n_missing``: the
    grid of unobserved counts (default: found from the data, see the module docstring).
    ``log_prior``: log prior of the total N, vectorised (default ``-log N``).
    """
    hist = hist.drop_empty_lists()
    p = hist.k
    if not 2 <= p <= 6:
        raise EstimateError(f"BMA over decomposable graphs needs 2 to 6 lists holding someone, not {p}")
    delta = 2.0**-p if delta is None else float(delta)
    y = full_table(hist)
    n = int(y.sum())
    upper = max(int(cap * n), 50)
    if n_missing is None:
        n_missing = _grid(y, p, delta, log_prior, upper, max_points)
    n_missing = np.asarray(n_missing, dtype=float)
    step = np.gradient(n_missing) if len(n_missing) > 1 else np.ones(1)
    log_mass = np.empty(len(n_missing))
    log_model = np.full(len(decomposable_graphs(p)), -np.inf)
    kept = []
    for chunk in _chunks(len(n_missing), len(log_model)):
        lw = log_posterior(y, p, delta, n_missing[chunk], log_prior) + np.log(step[chunk])[None, :]
        log_mass[chunk] = logsumexp(lw, axis=0)
        log_model = np.logaddexp(log_model, logsumexp(lw, axis=1))
        if keep_by_model:
            kept.append(lw)
    z = logsumexp(log_mass)
    posterior = np.exp(log_mass - z)
    by_model = np.exp(np.hstack(kept) - z) if keep_by_model else None
    at_cap = float(posterior[n_missing >= 0.98 * upper].sum()) if n_missing[-1] >= 0.98 * upper else 0.0
    return BMAResult(
        tuple(hist.lists), n, n_missing, posterior, np.exp(log_model - z), delta, at_cap, by_model
    )


def _chunks(points: int, graphs: int, budget: int = 4_000_000) -> list[slice]:
    size = max(1, budget // max(graphs, 1))
    return [slice(i, min(i + size, points)) for i in range(0, points, size)]


def _grid(
    y: np.ndarray, p: int, delta: float, log_prior: LogPrior | None, upper: int, max_points: int
) -> np.ndarray:
    """Where the averaged posterior of N0 is within e**-30 of its peak, on at most ``max_points``."""
    coarse = np.unique(np.concatenate([[0.0], np.round(np.geomspace(1, upper, 800))]))
    lp = np.concatenate(
        [
            logsumexp(log_posterior(y, p, delta, coarse[c], log_prior), axis=0)
            for c in _chunks(len(coarse), len(decomposable_graphs(p)))
        ]
    )
    alive = np.flatnonzero(lp > lp.max() - 30)
    lo = coarse[max(alive[0] - 1, 0)]
    hi = coarse[min(alive[-1] + 1, len(coarse) - 1)]
    width = hi - lo
    if width + 1 <= max_points:
        return np.arange(lo, hi + 1)
    return np.unique(np.round(np.linspace(lo, hi, max_points)))
