"""An average of log-linear models with and without a heterogeneity term, weighted by AIC.

Heterogeneous visibility and dependence between lists leave similar marks on a capture table,
and the models that describe each extrapolate differently to the people no list holds. Choosing
one model takes that uncertainty away; averaging over the plausible ones keeps it (Buckland,
Burnham and Augustin 1997). The models are every one a downhill AIC search visits, run once per
heterogeneity term (none, Darroch, Poisson2, Gamma3.5; :mod:`athar.estimate.mh_loglinear`)
over two-list interactions: the search walks the region where the weight lies, at a small share
of the cost of all 4 x 2^(K(K-1)/2) models, and scales beyond five lists.

Each model's uncertainty is its profile-likelihood interval with the unseen count's own variance
(:mod:`athar.estimate.intervals`), represented by the two-piece
log-normal through its estimate and interval ends (:mod:`athar.estimate.posterior_shape`); the
estimate is the median of the AIC-weighted mixture, the interval its equal-tailed quantiles.

AIC weights collapse onto one model as the table grows, which is right when one model is right
and wrong under continuous heterogeneity: there every heterogeneity term is a different guess at
the people no list holds, several fit the table, and the data cannot say which guess is true
(Link 2003), so a few points of AIC on a large table pick one and the interval shrinks round an
estimate that is off by more than its width. The envelope rule (:func:`envelope_rule`) keeps
that disagreement: when two or more heterogeneity terms (none counting as one) fit the table
adequately and one of their estimates falls outside the AIC average's interval, the interval
becomes the envelope of the AIC average's and of each adequate term's own average (its models
weighted by AIC); the estimate stays the AIC average's median.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import chi2

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
# a heterogeneity term fits adequately when one of its models with residual degrees of freedom
# has a deviance of at most this many times them: lack of fit that overdispersion explains, not a
# wrong structure (Burnham and Anderson 2002, sect. 2.5: c-hat up to about 4). A p-value would
# not do: its power grows with the table, so on a large one it rejects every term that is not
# exactly true, and under continuous heterogeneity none is (Link 2003)
MAX_DEVIANCE_RATIO = 4.0
ENVELOPE_RULE = (
    "when two or more heterogeneity terms (none, Darroch, Poisson2, Gamma3.5) fit adequately "
    f"(one of the term's models has deviance at most {MAX_DEVIANCE_RATIO:g} times its residual degrees "
    "of freedom) "
    "and an adequate term's best model estimates outside the AIC average's interval, the interval "
    "runs from the lowest to the highest end of the AIC average's and each adequate term's own "
    "AIC-weighted interval (Link 2003: terms that fit alike may disagree about the unseen, and the "
    "data cannot choose)"
)


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
class TermFit:
    """How one heterogeneity term's models fit: the best deviance test and the AIC-best estimate."""

    kind: Heterogeneity
    deviance_ratio: float  # the smallest deviance per residual degree of freedom among its models
    p_value: float  # the largest deviance goodness-of-fit p-value among its models (reported only)
    estimate: float  # its AIC-best model's estimate
    aic_weight: float  # its share of the AIC weights
    interval: tuple[float, float] | None = None  # its own average's, where the envelope needed it

    @property
    def adequate(self) -> bool:
        return self.deviance_ratio <= MAX_DEVIANCE_RATIO


@dataclass(frozen=True)
class Envelope:
    """Whether the envelope rule applied, and the figures it read."""

    applied: bool
    reason: str
    terms: tuple[TermFit, ...]
    aic_interval: tuple[float, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "applied": self.applied,
            "rule": ENVELOPE_RULE,
            "reason": self.reason,
            "aic_interval": [round(v, 2) for v in self.aic_interval],
            "terms": {
                t.kind.value: {
                    "deviance_per_df": round(t.deviance_ratio, 3),
                    "fit_p_value": round(t.p_value, 4),
                    "adequate": t.adequate,
                    "best_estimate": round(t.estimate, 2),
                    "aic_weight": round(t.aic_weight, 4),
                }
                | ({"interval": [round(v, 2) for v in t.interval]} if t.interval else {})
                for t in self.terms
            },
        }


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
    envelope: Envelope
    # the models the envelope's term intervals rest on, beyond `models` (a linkage draw refits them)
    envelope_models: tuple[AveragedModel, ...] = ()

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
    envelope: bool = True,
) -> ModelAverage:
    """The average over the models the searches visit, or over `models` alone when given;
    `envelope=False` keeps the AIC average's interval whatever the envelope rule says (for
    comparison: ``bench/estimate.py``'s ``mh_average_aic``).

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
    intervals: dict[AveragedModel, tuple[float, float]] = {}

    def mixture_of(w: np.ndarray) -> tuple[TwoPieceMixture, list[WeightedModel]]:
        kept = []
        for key, wk in sorted(zip(keys, w, strict=True), key=lambda kw: -kw[1]):
            if wk < MIN_WEIGHT:
                break
            if key not in intervals:
                ci = profile_interval(fits[key], level, dispersion=c_hat)
                intervals[key] = (ci.low, ci.high)
            kept.append(WeightedModel(key[1], fits[key], float(wk), *intervals[key]))
        total = sum(m.weight for m in kept)
        mix = TwoPieceMixture(
            np.array([m.fit.estimate for m in kept]),
            np.array([m.low for m in kept]),
            np.array([m.high for m in kept]),
            np.array([m.weight / total for m in kept]),
            level,
        )
        return mix, kept

    tails = ((1 - level) / 2, (1 + level) / 2)
    mixture, kept = mixture_of(weights)
    estimate, low, high = (mixture.quantile(p) for p in (0.5, *tails))
    rule = envelope_rule(fits, keys, weights, (low, high))
    spanned: list[AveragedModel] = []
    if rule.applied and envelope:
        terms = []
        for t in rule.terms:
            if t.adequate:
                mine = np.array([key[1] == t.kind for key in keys])
                own, own_models = mixture_of(np.where(mine, np.exp(-(qaic - qaic[mine].min()) / 2), 0.0))
                spanned += [(m.fit.model, m.kind) for m in own_models]
                t = replace(t, interval=(own.quantile(tails[0]), own.quantile(tails[1])))
            terms.append(t)
        rule = replace(rule, terms=tuple(terms))
        low = min(low, *(t.interval[0] for t in terms if t.interval))
        high = max(high, *(t.interval[1] for t in terms if t.interval))
        # the distribution the interval now describes (for the histogram and the linkage draws)
        mixture = TwoPieceMixture(np.array([estimate]), np.array([low]), np.array([high]), np.ones(1), level)
    kept_keys = {(m.fit.model, m.kind) for m in kept}
    extra = tuple(dict.fromkeys(key for key in spanned if key not in kept_keys))
    return ModelAverage(estimate, low, high, level, tuple(kept), len(fits), mixture, c_hat, rule, extra)


def deviance(f: LoglinearFit) -> tuple[float, int]:
    """The fit's deviance against the saturated model, and its residual degrees of freedom."""
    assert f.design is not None
    y, mu = f.design.y, np.exp(f.design.x @ f.beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
    return 2 * float(terms.sum()), len(y) - f.design.x.shape[1]


def envelope_rule(
    fits: dict[AveragedModel, LoglinearFit],
    keys: list[AveragedModel],
    weights: np.ndarray,
    aic_interval: tuple[float, float],
) -> Envelope:
    """Read the rule (:data:`ENVELOPE_RULE`) on the fitted models; see the module's docstring."""
    terms = []
    for kind in Heterogeneity:
        mine = [i for i, key in enumerate(keys) if key[1] == kind]
        if not mine:
            continue
        p_values, ratios = [0.0], [math.inf]
        for i in mine:
            dev, df = deviance(fits[keys[i]])
            if df > 0:
                p_values.append(float(chi2.sf(dev, df)))
                ratios.append(dev / df)
        best = min(mine, key=lambda i: fits[keys[i]].aic)
        estimate, weight = fits[keys[best]].estimate, float(weights[mine].sum())
        terms.append(TermFit(kind, min(ratios), max(p_values), estimate, weight))
    adequate = [t for t in terms if t.adequate]
    low, high = aic_interval
    outside = [t for t in adequate if not low <= t.estimate <= high]
    if len(adequate) < 2:
        reason = f"{len(adequate)} heterogeneity terms fit adequately (two are needed to disagree)"
    elif not outside:
        reason = "the adequately fitting heterogeneity terms agree (each inside the AIC interval)"
    else:
        names = ", ".join(f"{t.kind.value} {t.estimate:,.0f}" for t in adequate)
        reason = (
            f"{len(adequate)} heterogeneity terms fit adequately and disagree about the unseen "
            f"({names}; the AIC interval {low:,.0f}-{high:,.0f}): the envelope of their intervals"
        )
    return Envelope(bool(len(adequate) >= 2 and outside), reason, tuple(terms), aic_interval)


def overdispersion(fits: list[LoglinearFit]) -> float:
    """c-hat: the largest fitted model's deviance per residual degree of freedom, at least 1."""
    general = [f for f in fits if f.design is not None and len(f.design.y) > f.design.x.shape[1]]
    if not general:
        return 1.0
    top = max(general, key=lambda f: (f.design.x.shape[1], f.loglik))  # type: ignore[union-attr]
    dev, df = deviance(top)
    return max(1.0, dev / df)
