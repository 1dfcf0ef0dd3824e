"""An average of log-linear models with and without a heterogeneity term, weighted by AIC.

Heterogeneous visibility and dependence between lists leave similar marks on a capture table,
and the models that describe each extrapolate differently to the people no list holds. Choosing
one model takes that uncertainty away; averaging over the plausible ones keeps it (Buckland,
Burnham and Augustin 1997). The models are every one a downhill AIC search visits, run once per
heterogeneity term (none, Darroch, Poisson2, Gamma3.5; :mod:`athar.estimate.mh_loglinear`)
over two-list interactions: the search walks the region where the weight lies, at a small share
of the cost of all 4 x 2^(K(K-1)/2) models, and scales beyond five lists.

Each model's uncertainty is its profile-likelihood interval, represented by the two-piece
log-normal through its estimate and interval ends (:mod:`athar.estimate.posterior_shape`); the
estimate is the median of the AIC-weighted mixture, the interval its equal-tailed quantiles.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from athar.estimate.errors import EstimateError

from .histories import CaptureHistories
from .intervals import profile_interval
from .loglinear import LoglinearFit
from .mh_loglinear import Heterogeneity, fit_mh, mh_name
from .models import MAIN_EFFECTS, Model, addable_terms, removable_terms
from .posterior_shape import TwoPieceMixture

MAX_ORDER = 2
# models whose AIC weight is below this share are left out of the mixture (their profile
# intervals cost time and move no quantile)
MIN_WEIGHT = 1e-4


@dataclass(frozen=True)
class WeightedModel:
    kind: Heterogeneity
    fit: LoglinearFit
    weight: float
    low: float
    high: float

    @property
    def name(self) -> str:
        return mh_name(self.fit.model, self.kind, self.fit.lists)


@dataclass(frozen=True)
class ModelAverage:
    estimate: float
    low: float
    high: float
    level: float
    models: tuple[WeightedModel, ...]  # by decreasing weight
    n_fitted: int
    distribution: TwoPieceMixture
    overdispersion: float

    def weight_by_kind(self) -> dict[str, float]:
        out = {kind.value: 0.0 for kind in Heterogeneity}
        for m in self.models:
            out[m.kind.value] += m.weight
        return out


def searched_fits(
    hist: CaptureHistories, max_order: int = MAX_ORDER
) -> dict[tuple[Model, Heterogeneity], LoglinearFit]:
    """Every fit the downhill AIC searches visit, one search per heterogeneity term.

    A search with a heterogeneity term starts from main effects, or, where that term has no
    valid fit there (lists that never meet push its tau below zero), from where the search
    without one ended.
    """
    cache: dict[tuple[Model, Heterogeneity], LoglinearFit] = {}

    def get(model: Model, kind: Heterogeneity) -> LoglinearFit:
        if (model, kind) not in cache:
            cache[model, kind] = fit_mh(hist, model, kind)
        return cache[model, kind]

    def downhill(kind: Heterogeneity, start: Model) -> Model | None:
        current = get(start, kind)
        if not current.ok:
            return None
        while True:
            neighbours = [current.model | {t} for t in addable_terms(current.model, hist.k, max_order)]
            neighbours += [current.model - {t} for t in removable_terms(current.model)]
            scored = [f for f in (get(m, kind) for m in neighbours) if f.ok]
            if not scored:
                return current.model
            best = min(scored, key=lambda f: f.aic)
            if best.aic >= current.aic - 1e-9:
                return current.model
            current = best

    plain = downhill(Heterogeneity.NONE, MAIN_EFFECTS)
    for kind in list(Heterogeneity)[1:]:
        if downhill(kind, MAIN_EFFECTS) is None and plain is not None:
            downhill(kind, plain)
    return cache


# a model of the average: its two-list terms and its heterogeneity term
AveragedModel = tuple[Model, Heterogeneity]


def model_average(
    hist: CaptureHistories,
    level: float = 0.95,
    max_order: int = MAX_ORDER,
    models: Collection[AveragedModel] = (),
) -> ModelAverage:
    """The average over the models the searches visit, or over `models` alone when given.

    `models` serve the linkage draws: each draw is a table close to the linked one, and refitting
    the models that held the linked table's weight costs a fraction of searching again (at 1.5
    million persons under latent classes, 4.8 s per search; twenty draws are the default). When
    none of them fits the draw, the draw is searched as any table.
    """
    hist = hist.drop_empty_lists()
    if hist.k < 2:
        raise EstimateError("need at least two lists holding someone")
    candidates = {key: fit_mh(hist, *key) for key in models} if models else {}
    fits = {key: f for key, f in candidates.items() if f.ok}
    if not fits:
        fits = {key: f for key, f in searched_fits(hist, max_order).items() if f.ok}
    if not fits:
        raise EstimateError("no log-linear model has an identifiable estimate on this table")
    keys = list(fits)
    c_hat = overdispersion(list(fits.values()))
    qaic = np.array([-2 * fits[key].loglik / c_hat + 2 * fits[key].n_params for key in keys])
    weights = np.exp(-(qaic - qaic.min()) / 2)
    weights /= weights.sum()
    kept = []
    for key, w in sorted(zip(keys, weights, strict=True), key=lambda kw: -kw[1]):
        if w < MIN_WEIGHT:
            break
        ci = profile_interval(fits[key], level, dispersion=c_hat)
        kept.append(WeightedModel(key[1], fits[key], float(w), ci.low, ci.high))
    mixture = TwoPieceMixture(
        np.array([m.fit.estimate for m in kept]),
        np.array([m.low for m in kept]),
        np.array([m.high for m in kept]),
        np.array([m.weight for m in kept]),
        level,
    )
    estimate, low, high = (mixture.quantile(p) for p in (0.5, (1 - level) / 2, (1 + level) / 2))
    return ModelAverage(estimate, low, high, level, tuple(kept), len(fits), mixture, c_hat)


def overdispersion(fits: list[LoglinearFit]) -> float:
    """c-hat: the largest fitted model's deviance per residual degree of freedom, at least 1."""
    general = [f for f in fits if f.design is not None and len(f.design.y) > f.design.x.shape[1]]
    if not general:
        return 1.0
    top = max(general, key=lambda f: (f.design.x.shape[1], f.loglik))  # type: ignore[union-attr]
    assert top.design is not None
    y, mu = top.design.y, np.exp(top.design.x @ top.beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
    deviance = 2 * float(terms.sum())
    return max(1.0, deviance / (len(y) - top.design.x.shape[1]))
