"""The default estimate: a rule on the data that picks the method the simulation study backs.

Chosen from the table in docs/estimation.md (``bench/estimate.py``):

* when the lists show people differing in how visible they are (too many on one list and on
  three or more, too few on two, :mod:`athar.estimate.heterogeneity`), the latent-class model
  (LCMCR), the only method that covered the truth under latent classes;
* otherwise Bayesian model averaging over decomposable graphs (dependence between lists,
  with the uncertainty of which dependence averaged in, not chosen away);
* LCMCR too when there are more than six lists (BMA enumerates graphs up to six).

Under continuous heterogeneity no method covered the truth in the study; the estimate then
carries a warning saying so and that it is likely too low.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .api import Estimate, bma_estimate, lcmcr_estimate
from .heterogeneity import capture_dispersion
from .histories import CaptureHistories

RULE = (
    "default rule: LCMCR when the lists show heterogeneous visibility (chi-square over persons on "
    "1, 2 and 3+ lists against independence > 10.83, with too many on 1 and 3+) or there are more "
    "than six lists; otherwise BMA over decomposable graphs (docs/estimation.md)"
)

HETEROGENEITY_WARNING = (
    "the lists look like people differ in how visible they are (too many on one list and on three or "
    "more, too few on two: chi-square {chi:.0f}). If that visibility varies continuously rather than "
    "between a few groups, no method covered the true total in simulation (docs/estimation.md): "
    "read the estimate and its upper limit as too low"
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
    run; a BMA estimate is mixed over them afterwards by the caller (``athar.estimate.service``).
    """
    hist = hist.drop_empty_lists()
    dispersion = capture_dispersion(hist)
    heterogeneous = dispersion is not None and dispersion.looks_heterogeneous
    if heterogeneous or hist.k > 6:
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
        reason = "heterogeneous visibility" if heterogeneous else "more than six lists"
    else:
        est = bma_estimate(hist, level=level)
        reason = "no sign of heterogeneous visibility"
    if heterogeneous and dispersion is not None:
        est.warnings.append(HETEROGENEITY_WARNING.format(chi=dispersion.chi_square))
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
        },
    }
    est.method = f"default: {est.method}"
    return est
