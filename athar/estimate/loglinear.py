"""Poisson log-linear models on the observable cells of a capture table.

The estimate of the population is ``N = n_obs + exp(intercept)``: the fitted count of the
unobserved all-absent cell, extrapolated from the model, plus everyone seen.

The fit is a small Newton solver in NumPy rather than a statsmodels GLM: a model search fits
thousands of models of a few dozen cells, and the solver's overhead dominates there.

Terms whose margin is empty (no person on all of the term's lists) get the extended MLE of
minus infinity, as in SparseMSE and MultipleSystemsEstimation: the term and every cell it
touches leave the fit, and the term still counts as a parameter in AIC and BIC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import gammaln

from athar.estimate.errors import EstimateError

from .histories import CaptureHistories, cell_patterns
from .identifiability import Check, check
from .models import MAIN_EFFECTS, Model, Term, model_name


@dataclass(frozen=True)
class Design:
    """The design of one model on one table, with minus-infinity terms and their cells removed."""

    x: np.ndarray  # kept cells x finite parameters (intercept, main effects, finite terms)
    y: np.ndarray  # counts of the kept cells
    terms: tuple[Term, ...]  # finite interaction terms, in column order after the main effects
    infinite_terms: tuple[Term, ...]
    n_params: int  # all parameters, minus-infinity ones included
    keep: np.ndarray  # which of the 2**K - 1 observable cells stay in the fit
    mains: tuple[int, ...]  # lists whose main effect is finite (those holding someone)


MAX_LISTS = 12


def build_design(hist: CaptureHistories, model: Model) -> Design:
    k = hist.k
    if k > MAX_LISTS:
        raise EstimateError(
            f"{k} lists: a log-linear model over 2**{k} cells is not practical; "
            "merge small lists (CaptureHistories.merge_lists) or use LCMCR"
        )
    patterns = cell_patterns(k).astype(bool)
    y = hist.cell_counts()
    terms = sorted(model, key=lambda t: (len(t), t))
    infinite = tuple(t for t in terms if y[patterns[:, list(t)].all(axis=1)].sum() == 0)
    keep = np.ones(len(y), dtype=bool)
    for t in infinite:
        keep &= ~patterns[:, list(t)].all(axis=1)
    # a list that holds nobody (it happens in bootstrap resamples) has a main effect of minus
    # infinity too: its cells leave the fit, as R's glm would leave them at a fitted zero
    mains = tuple(j for j in range(k) if y[patterns[:, j]].sum() > 0)
    for j in set(range(k)) - set(mains):
        keep &= ~patterns[:, j]
    finite = tuple(t for t in terms if t not in infinite)
    cols: list[Any] = [np.ones(len(y)), *(patterns[:, j] for j in mains)]
    cols += [patterns[:, list(t)].all(axis=1) for t in finite]
    x = np.column_stack(cols).astype(float)[keep]
    return Design(x, y[keep], finite, infinite, 1 + k + len(terms), keep, mains)


@dataclass
class LoglinearFit:
    """One fitted model. ``status`` is not OK when the model has no usable estimate."""

    lists: tuple[str, ...]
    model: Model
    status: Check
    n_observed: int
    n_params: int
    estimate: float = math.nan
    loglik: float = math.nan
    beta: np.ndarray = field(default_factory=lambda: np.zeros(0))
    se: np.ndarray = field(default_factory=lambda: np.zeros(0))
    terms: tuple[Term, ...] = ()
    infinite_terms: tuple[Term, ...] = ()
    design: Design | None = None

    @property
    def ok(self) -> bool:
        return self.status == Check.OK

    @property
    def name(self) -> str:
        return model_name(self.model, self.lists)

    @property
    def aic(self) -> float:
        return 2 * self.n_params - 2 * self.loglik

    @property
    def bic(self) -> float:
        return self.n_params * math.log(self.n_observed) - 2 * self.loglik

    def fitted_cells(self) -> np.ndarray:
        """Fitted counts of all observable cells; cells of minus-infinity terms are 0."""
        assert self.design is not None and self.ok
        mu = np.zeros(len(self.design.keep))
        mu[self.design.keep] = np.exp(self.design.x @ self.beta)
        return mu

    def _offset(self) -> int:
        return 1 + (len(self.design.mains) if self.design is not None else len(self.lists))

    def term_estimates(self) -> dict[str, float]:
        out = {}
        for i, t in enumerate(self.terms):
            out[":".join(self.lists[j] for j in t)] = float(self.beta[self._offset() + i])
        for t in self.infinite_terms:
            out[":".join(self.lists[j] for j in t)] = -math.inf
        return out


def fit(hist: CaptureHistories, model: Model = MAIN_EFFECTS) -> LoglinearFit:
    """Fit one hierarchical model, after the existence and identifiability checks."""
    return fit_design(hist, model, build_design(hist, model))


def fit_design(
    hist: CaptureHistories, model: Model, design: Design, last_nonnegative: bool = False
) -> LoglinearFit:
    """Fit `design` (`model`'s, perhaps with a column added after its own), after the existence and
    identifiability checks; with `last_nonnegative`, a fit whose last coefficient is negative is
    refused as having no admissible estimate (`athar.estimate.mh_loglinear`'s heterogeneity term)."""
    n_obs = hist.n_observed
    verdict = check(design.x, design.y)
    base: dict[str, Any] = {
        "lists": hist.lists,
        "model": model,
        "n_observed": n_obs,
        "n_params": design.n_params,
        "terms": design.terms,
        "infinite_terms": design.infinite_terms,
        "design": design,
    }
    if verdict != Check.OK:
        return LoglinearFit(status=verdict, **base)
    result = poisson_newton(design.x, design.y)
    if result is None:
        return LoglinearFit(status=Check.NO_MLE, **base)
    beta, loglik, cov = result
    if last_nonnegative and beta[-1] < 0:
        return LoglinearFit(status=Check.NO_MLE, **base)
    return LoglinearFit(
        status=Check.OK,
        estimate=n_obs + math.exp(beta[0]),
        loglik=loglik,
        beta=beta,
        se=np.sqrt(np.clip(np.diag(cov), 0, None)),
        **base,
    )


def poisson_loglik(y: np.ndarray, eta: np.ndarray) -> float:
    return float(np.sum(y * eta - np.exp(eta) - gammaln(y + 1)))


def poisson_newton(
    x: np.ndarray,
    y: np.ndarray,
    offset: np.ndarray | None = None,
    beta0: np.ndarray | None = None,
    tol: float = 1e-9,
    max_iter: int = 100,
) -> tuple[np.ndarray, float, np.ndarray] | None:
    """Maximum-likelihood Poisson regression with log link by damped Newton steps.

    Returns ``(beta, loglik, covariance)`` or ``None`` when it does not converge (a sign that the
    MLE lies at infinity, which the existence check should have caught).
    """
    off = np.zeros(len(y)) if offset is None else offset
    if beta0 is None:
        beta, *_ = np.linalg.lstsq(x, np.log(y + 0.5) - off, rcond=None)
    else:
        beta = beta0.copy()
    eta = np.clip(x @ beta + off, -700, 700)
    ll = poisson_loglik(y, eta)
    for _ in range(max_iter):
        mu = np.exp(eta)
        grad = x.T @ (y - mu)
        hess = (x * mu[:, None]).T @ x
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return None
        t = 1.0
        while True:
            cand = beta + t * step
            eta_c = np.clip(x @ cand + off, -700, 700)
            ll_c = poisson_loglik(y, eta_c)
            if ll_c >= ll - 1e-10 or t < 1e-8:
                break
            t /= 2
        beta, eta, improvement, ll = cand, eta_c, ll_c - ll, ll_c
        if np.max(np.abs(t * step)) < tol or (abs(improvement) < 1e-12 and np.max(np.abs(t * step)) < 1e-6):
            mu = np.exp(eta)
            hess = (x * mu[:, None]).T @ x
            try:
                cov = np.linalg.inv(hess)
            except np.linalg.LinAlgError:
                return None
            if not np.all(np.isfinite(beta)) or abs(beta[0]) > 50:
                return None
            return beta, ll, cov
    return None
