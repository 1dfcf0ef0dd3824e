"""One call per method, one result type: what the CLI, the report and the bench use."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from athar.estimate.errors import EstimateError

from .bma import bma
from .diagnostics import table_warnings
from .distribution import histogram
from .histories import CaptureHistories
from .intervals import bca_interval, profile_interval, wald_log_interval
from .lcmcr import lcmcr
from .loglinear import fit
from .model_average import AveragedModel, model_average
from .models import Model, all_hierarchical_models
from .selection import Selection, criterion_value, default_max_order, select_model

DEFAULT_LCMCR_SEED = 19481210


@dataclass
class Estimate:
    """A population estimate with its interval, in plain numbers."""

    method: str
    lists: list[str]
    n_observed: int
    estimate: float
    ci_low: float
    ci_high: float
    ci_level: float
    interval: str
    model: str
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    # an averaged estimate's models, as (model, heterogeneity term): a draw of the linkage refits
    # these (`athar.estimate.service`) instead of searching again; not part of the output
    averaged: tuple = field(default=(), repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values: no NaN or infinities (``null`` instead), no NumPy types."""
        out = asdict(self)
        out.pop("averaged", None)
        for key in ("estimate", "ci_low", "ci_high"):
            v = out[key]
            out[key] = None if v is None or not math.isfinite(v) else round(v, 2)
        return plain_json(out)


def plain_json(value: Any) -> Any:
    """``value`` with NumPy scalars and arrays made Python, and every non-finite float ``None``,
    so that ``json.dumps(..., allow_nan=False)`` holds: standard JSON has no NaN or -Infinity."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(v) for v in value]
    return value


def loglinear_estimate(
    hist: CaptureHistories,
    search: str = "auto",
    criterion: str = "bic",
    max_order: int | None = None,
    p_threshold: float = 0.02,
    interval: str = "profile",
    level: float = 0.95,
    n_boot: int = 1000,
    n_top: int = 20,
    seed: int = 1234,
) -> Estimate:
    """Choose a log-linear model, estimate N and give an interval.

    ``interval``: ``profile`` (model fixed), ``wald-log`` (model fixed, SparseMSE's default),
    or ``bca`` (model search repeated in each of ``n_boot`` resamples; for the exhaustive
    search the resamples choose among the ``n_top`` best models on the data, as SCV 2024 do).
    """
    hist = hist.drop_empty_lists()
    warnings = table_warnings(hist)
    if hist.k < 2:
        raise EstimateError("need at least two lists holding someone")
    max_order = default_max_order(hist.k) if max_order is None else max_order
    sel = select_model(hist, search, criterion, max_order, p_threshold)
    best = sel.best
    details: dict[str, Any] = {
        "search": sel.search,
        "criterion": sel.criterion,
        "models_fitted": len(sel.fitted),
        "models_rejected": sel.n_rejected,
        "minus_infinity_terms": [":".join(hist.lists[j] for j in t) for t in best.infinite_terms],
        "terms": best.term_estimates(),
    }
    if sel.criterion in ("aic", "bic"):
        ranked = sel.ranked()[:5]
        details["top_models"] = [
            {
                "model": f.name,
                "estimate": round(f.estimate, 2),
                sel.criterion: round(criterion_value(f, sel.criterion), 3),
            }
            for f in ranked
        ]
        spread = [f.estimate for f in sel.ranked()[:3]]
        if len(spread) > 1 and max(spread) > 1.25 * min(spread):
            warnings.append(
                f"models almost as good as the chosen one give estimates from {min(spread):,.0f} to "
                f"{max(spread):,.0f}: the choice of model matters (a bootstrap interval shows it)"
            )
    if sel.n_rejected:
        warnings.append(
            f"{sel.n_rejected} models were dropped: their estimate does not exist or is not identifiable "
            "on this sparse table"
        )
    if interval == "profile":
        ci = profile_interval(best, level)
    elif interval == "wald-log":
        ci = wald_log_interval(best, level)
    elif interval == "bca":
        candidates = _top_models(sel, n_top) if sel.search == "exhaustive" else None
        boot = bca_interval(
            hist, _bootstrap_estimator(sel, candidates, max_order, p_threshold), n_boot, level, seed
        )
        ci = boot.interval
        details.update(
            {
                "n_boot": n_boot,
                "bootstrap_failed": boot.n_failed,
                "bias_z0": boot.bias_z0,
                "acceleration": boot.acceleration,
            }
        )
    else:
        raise EstimateError(f"unknown interval {interval!r}")
    if best.estimate > 5 * best.n_observed:
        warnings.append(
            f"the estimate is {best.estimate / best.n_observed:.1f} times the number observed: "
            "most of it is extrapolation"
        )
    return Estimate(
        method=f"log-linear ({sel.search}, {sel.criterion})",
        lists=list(hist.lists),
        n_observed=hist.n_observed,
        estimate=best.estimate,
        ci_low=ci.low,
        ci_high=ci.high,
        ci_level=level,
        interval=ci.kind,
        model=best.name,
        warnings=warnings,
        details=details,
    )


def lcmcr_estimate(
    hist: CaptureHistories,
    iterations: int = 10_000,
    burnin: int = 10_000,
    thinning: int = 10,
    chains: int = 2,
    k_max: int | None = None,
    level: float = 0.95,
    seed: int = DEFAULT_LCMCR_SEED,
    tables: Sequence[CaptureHistories] = (),
    on_progress: Callable[[float], None] | None = None,
) -> Estimate:
    """Latent-class estimate: posterior median and equal-tailed credible interval.

    ``tables``: draws of the linkage (``athar.estimate.linkage_draws``); the chain's kept
    iterations are shared among them, so the posterior is their mixture (:func:`lcmcr`).
    """
    hist = hist.drop_empty_lists()
    warnings = table_warnings(hist)
    if hist.k < 3:
        warnings.append("LCMCR needs three or more lists to say anything about heterogeneity (HRDAG's rule)")
    res = lcmcr(
        hist, k_max, iterations, burnin, thinning, chains, seed=seed, tables=tables, on_progress=on_progress
    )
    diag = res.diagnostics()
    if not res.converged():
        warnings.append(
            f"the sampler may not have converged (R-hat {diag['rhat']:.2f}, "
            f"effective draws {diag['ess']:.0f}): run more iterations"
        )
    low, high = res.interval(level)
    settings = {key: v for key, v in res.settings.items() if key != "lists"}
    details: dict[str, Any] = {
        "posterior_mean": res.mean,
        "posterior_histogram": histogram(res.pooled),
        **diag,
        **settings,
    }
    if tables:
        details["linkage_draws"] = {
            "draws": len(tables),
            "method": "Sadinle (2018): unjudged review-band pairs drawn linked with their match "
            "probability, persons rebuilt per draw; the chain's kept iterations shared among the "
            "draws, so the posterior is the draws' mixture",
            "observed_per_draw": [min(t.n_observed for t in tables), max(t.n_observed for t in tables)],
        }
    return Estimate(
        method="LCMCR (Bayesian latent classes)",
        lists=list(hist.lists),
        n_observed=hist.n_observed,
        estimate=res.median,
        ci_low=low,
        ci_high=high,
        ci_level=level,
        interval="posterior quantiles" + (f", mixed over {len(tables)} linkage draws" if tables else ""),
        model=f"latent classes, K = {res.settings['K']}",
        warnings=warnings,
        details=details,
    )


def bma_estimate(hist: CaptureHistories, delta: float | None = None, level: float = 0.95) -> Estimate:
    """Madigan-York model average over decomposable graphs: posterior median, equal-tailed interval."""
    hist = hist.drop_empty_lists()
    warnings = table_warnings(hist)
    if hist.k > 6:
        raise EstimateError(f"BMA over decomposable graphs is enumerated for up to 6 lists, not {hist.k}")
    res = bma(hist, delta=delta)
    low, high = res.interval(level)
    top = res.top_models(5)
    if res.mass_at_cap > 0.001:
        warnings.append(
            f"{res.mass_at_cap:.1%} of the posterior lies at the cap of {20 * res.n_observed:,} unobserved "
            "(20 times those observed): the lists do not bound the total"
        )
    saturated = float(res.model_probs[-1])  # the complete graph is enumerated last
    if saturated > 0.5:
        warnings.append(
            f"the saturated model (every list depending on every other) holds {saturated:.0%} of the "
            "posterior: under it the lists say nothing about those no list holds, and the estimate is "
            "the prior's (near the number observed). Heterogeneous visibility does this on large lists"
        )
    return Estimate(
        method="BMA (decomposable graphs, Madigan-York)",
        lists=list(hist.lists),
        n_observed=hist.n_observed,
        estimate=res.median,
        ci_low=low,
        ci_high=high,
        ci_level=level,
        interval="posterior quantiles",
        model=f"average of {len(res.model_probs)} graphs; likeliest {top[0][0]} ({top[0][1]:.2f})",
        warnings=warnings,
        details={
            "posterior_mean": res.mean,
            "posterior_mode": res.mode,
            "bayes_relative_squared_error": res.bayes_relative,
            "delta": res.delta,
            "prior_on_N": "1/N",
            "graphs": len(res.model_probs),
            "top_models": [{"model": name, "posterior": round(prob, 4)} for name, prob in top],
            "posterior_mass_at_cap": res.mass_at_cap,
            "posterior_histogram": histogram(res.totals, res.posterior),
        },
    )


AVERAGE_METHOD = "averaged log-linear (heterogeneity terms, AIC weights)"


def average_estimate(
    hist: CaptureHistories,
    level: float = 0.95,
    models: Collection[AveragedModel] = (),
    envelope: bool = True,
) -> Estimate:
    """Log-linear models with and without a heterogeneity term, averaged by AIC weight
    (:mod:`athar.estimate.model_average`): the mixture's median and equal-tailed interval. With
    `models` (another estimate's `averaged`), those models are refitted instead of searched for."""
    hist = hist.drop_empty_lists()
    warnings = table_warnings(hist)
    avg = model_average(hist, level, models=models, envelope=envelope)
    top = avg.models[0]
    if avg.estimate > 5 * hist.n_observed:
        warnings.append(
            f"the estimate is {avg.estimate / hist.n_observed:.1f} times the number observed: "
            "most of it is extrapolation"
        )
    widened = avg.envelope.applied and envelope
    if widened:
        guesses = ", ".join(f"{t.kind.value} {t.estimate:,.0f}" for t in avg.envelope.terms if t.adequate)
        aic_low, aic_high = avg.envelope.aic_interval
        warnings.append(
            "models of heterogeneity that fit the lists alike disagree about how many no list holds "
            f"({guesses}; the AIC-weighted interval alone: {aic_low:,.0f}-{aic_high:,.0f}); the data "
            "cannot choose between them, so the interval spans them all (docs/estimation.md)"
        )
    return Estimate(
        method=AVERAGE_METHOD,
        lists=list(hist.lists),
        n_observed=hist.n_observed,
        estimate=avg.estimate,
        ci_low=avg.low,
        ci_high=avg.high,
        ci_level=level,
        interval="envelope of the adequately fitting heterogeneity terms' intervals"
        if widened
        else "quantiles of the AIC-weighted mixture of profile-likelihood intervals",
        model=f"average of {len(avg.models)} models; likeliest {top.name} ({top.weight:.2f})",
        warnings=warnings,
        averaged=tuple((m.fit.model, m.kind) for m in avg.models) + avg.envelope_models,
        details={
            "models_fitted": avg.n_fitted,
            "models_averaged": len(avg.models),
            "overdispersion_c_hat": round(avg.overdispersion, 3),
            "weight_by_heterogeneity": {k: round(v, 4) for k, v in avg.weight_by_kind().items()},
            "heterogeneity_envelope": avg.envelope.as_dict(),
            "posterior_histogram": avg.distribution.histogram(),
            "top_models": [
                {
                    "model": m.name,
                    "weight": round(m.weight, 4),
                    "estimate": round(m.fit.estimate, 2),
                    "interval": [round(m.low, 2), round(m.high, 2)],
                }
                for m in avg.models[:5]
            ],
        },
    )


def _top_models(sel: Selection, n_top: int) -> list[Model]:
    return [f.model for f in sel.ranked()[:n_top]]


def _bootstrap_estimator(
    sel: Selection, candidates: list[Model] | None, max_order: int, p_threshold: float
) -> Callable[[CaptureHistories], float]:
    """The data's own search, to repeat on every resample (restricted to ``candidates`` if given)."""
    search, criterion = sel.search, sel.criterion

    def estimator(h: CaptureHistories) -> float:
        if candidates is not None:
            fits = [f for f in (fit(h, m) for m in candidates) if f.ok]
            if not fits:
                raise EstimateError("no candidate model fits this resample")
            return min(fits, key=lambda f: criterion_value(f, criterion)).estimate
        return select_model(h, search, criterion, max_order, p_threshold).best.estimate

    return estimator


def fixed_model_estimate(hist: CaptureHistories, model: Model, level: float = 0.95) -> Estimate:
    """One given model, profile-likelihood interval."""
    f = fit(hist, model)
    if not f.ok:
        raise EstimateError(f"model {f.name}: {f.status.name.lower().replace('_', ' ')}")
    ci = profile_interval(f, level)
    return Estimate(
        "log-linear (fixed model)",
        list(hist.lists),
        hist.n_observed,
        f.estimate,
        ci.low,
        ci.high,
        level,
        ci.kind,
        f.name,
        table_warnings(hist),
    )


__all__ = [
    "Estimate",
    "all_hierarchical_models",
    "average_estimate",
    "bma_estimate",
    "fixed_model_estimate",
    "lcmcr_estimate",
    "loglinear_estimate",
]
