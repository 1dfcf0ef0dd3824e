"""The default estimate: the method the simulation study backs in every scenario family.

Chosen from the table in docs/estimation.md (``bench/estimate.py``): log-linear models with and
without a heterogeneity term (Darroch, Poisson2, Gamma3.5), with two-list interactions, averaged
by AIC weight (:mod:`athar.estimate.model_average`). It was the one method whose interval held
the truth at least 90% of the time in every family: lists that depend on each other (the
interaction terms), people who differ in how visible they are, in groups or continuously (the
heterogeneity terms), and sparse tables. Choosing one of those models would hide which of them
the data cannot tell apart; the average carries that into the interval.

A log-linear model has a cell per capture history, so beyond twelve lists the rule falls back
to the latent-class model (LCMCR), which grows with persons, not histories.

The heterogeneity check (:mod:`athar.estimate.heterogeneity`) no longer picks the method; it is
reported, and it warns where the average is known to fall short: a table larger than the study's
that looks heterogeneous and where the envelope rule did not widen the interval (beyond about
100,000 observed the deviance rejects every heterogeneity term but one, though none is exactly
true, and the interval shrinks round an estimate a few percent off), and three lists leaning on
heterogeneity terms (visibility and dependence leave the same mark there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .api import Estimate, average_estimate, lcmcr_estimate
from .heterogeneity import capture_dispersion
from .histories import CaptureHistories
from .loglinear import MAX_LISTS

RULE = (
    "default rule: log-linear models with and without a heterogeneity term (Darroch, Poisson2, "
    "Gamma3.5) and two-list interactions, averaged by AIC weight, the interval spanning the "
    "heterogeneity terms that fit adequately where they disagree about the unseen (envelope rule); "
    "LCMCR beyond twelve lists (docs/estimation.md)"
)
AVERAGED = "heterogeneity and dependence averaged"
MANY_LISTS = "more than twelve lists"

# The study's largest tables (100,000 people on four lists, about 53,000 observed) are covered,
# the envelope rule widening the interval where the heterogeneity terms disagree; beyond them the
# deviance rejects all but one term and the rule has nothing to span (docs/estimation.md).
LARGE_TABLE = 60_000
LARGE_HETEROGENEOUS_WARNING = (
    "the lists look like people differ in how visible they are (too many on one list and on three or "
    "more, too few on two: chi-square {chi:.0f}), the table is larger than any the simulation covered, "
    "and fewer than two models of heterogeneity fit it, so nothing widened the interval: in "
    "simulation, where visibility varied continuously and 170,000 or more were observed, the "
    "interval missed the true total, an estimate about 3% low (docs/estimation.md). Read the "
    "interval as too narrow"
)
THREE_LISTS_WARNING = (
    "{share:.0%} of the average's weight is on heterogeneity terms: in simulation, when visibility "
    "differed, three-list estimates like this one were 15-19% below the true total and their "
    "interval held it 83-95% of the time (docs/estimation.md): read the estimate as likely low and "
    "the interval as a lower bound on the uncertainty"
)


def default_estimate(
    hist: CaptureHistories,
    iterations: int = 10_000,
    seed: int | None = None,
    level: float = 0.95,
    tables: Sequence[CaptureHistories] = (),
    on_progress: Callable[[float], None] | None = None,
) -> Estimate:
    """Apply the rule; the estimate's ``details`` say which method ran and why.

    ``tables`` (draws of the linkage) are used by LCMCR, whose chain mixes them at the cost of one
    run; an averaged estimate is mixed over them afterwards by the caller
    (``athar.estimate.service``).
    """
    hist = hist.drop_empty_lists()
    if hist.k > MAX_LISTS:
        kwargs = {"seed": seed} if seed is not None else {}
        est = lcmcr_estimate(
            hist,
            iterations=iterations,
            burnin=iterations,
            level=level,
            tables=tables,
            on_progress=on_progress,
            **kwargs,
        )
        reason = MANY_LISTS
    else:
        est = average_estimate(hist, level=level)
        reason = AVERAGED
        heterogeneity_share = 1 - est.details["weight_by_heterogeneity"]["none"]
        if hist.k == 3 and heterogeneity_share > 0.5:
            est.warnings.append(THREE_LISTS_WARNING.format(share=heterogeneity_share))
    dispersion = capture_dispersion(hist) if hist.k <= MAX_LISTS else None
    widened = est.details.get("heterogeneity_envelope", {}).get("applied", False)
    if (
        dispersion is not None
        and dispersion.looks_heterogeneous
        and hist.n_observed >= LARGE_TABLE
        and not widened
    ):
        est.warnings.append(LARGE_HETEROGENEOUS_WARNING.format(chi=dispersion.chi_square))
    est.details["default"] = {
        "rule": RULE,
        "chosen": est.method,
        "because": reason,
        "dispersion": None
        if dispersion is None
        else {
            "observed_on_1_2_3plus": [round(v, 1) for v in dispersion.observed],
            "expected_if_independent": [round(v, 1) for v in dispersion.expected],
            "chi_square": round(dispersion.chi_square, 2),
            "looks_heterogeneous": dispersion.looks_heterogeneous,
        },
    }
    est.method = f"default: {est.method}"
    return est
