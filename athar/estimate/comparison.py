"""The headline and its comparisons: one default estimate that every interface quotes, and the other
methods beside it, labelled, with why each may differ.

The default (``athar.estimate.default``) is the only figure to quote. Other methods answer the same
question under other assumptions; showing them side by side says how much the answer rests on those
assumptions, but a comparison is never the headline. ``details["role"]`` says which an estimate is.
"""

from __future__ import annotations

import math

from .api import Estimate

HEADLINE = "headline"
COMPARISON = "comparison"

# What each method assumes, in one sentence a reader of the report can weigh.
ASSUMPTIONS: dict[str, str] = {
    "log-linear": (
        "log-linear: one model of how the lists depend on each other is chosen and then taken as known, "
        "and everyone is assumed equally likely to be listed once that dependence is allowed for; "
        "its interval leaves out the uncertainty of the choice, so it is narrower than it should be"
    ),
    "LCMCR": (
        "LCMCR: people fall into hidden groups that differ in how visible they are to each list; it "
        "rises above the other methods when such groups exist, and with three or four lists its "
        "groups are only weakly pinned down, so its interval is wide"
    ),
    "averaged log-linear": (
        "averaged log-linear: log-linear models with and without a term for people differing in how "
        "visible they are, averaged by how well each fits; its interval carries the uncertainty of "
        "which of them holds, so it is wider than one model's"
    ),
    "BMA": (
        "BMA: averages over every decomposable pattern of dependence between lists, weighted by how "
        "well each fits; it assumes everyone is equally visible within each pattern, so it runs low "
        "when visibility differs from person to person"
    ),
}


def method_family(est: Estimate) -> str:
    """``log-linear``, ``LCMCR``, ``BMA`` or ``averaged log-linear`` for an estimate's method name
    (the default's too)."""
    name = est.method.removeprefix("default: ")
    for family in ASSUMPTIONS:
        if name.startswith(family):
            return family
    return name


def default_chosen(headline: Estimate) -> str:
    """The method family the default rule chose (``averaged log-linear``, or ``LCMCR`` beyond twelve
    lists)."""
    return method_family(headline)


def overlaps(a: Estimate, b: Estimate) -> bool:
    """Whether two intervals share any value (an infinite end overlaps everything beyond it)."""
    a_low = a.ci_low if math.isfinite(a.ci_low) else -math.inf
    b_low = b.ci_low if math.isfinite(b.ci_low) else -math.inf
    a_high = a.ci_high if math.isfinite(a.ci_high) else math.inf
    b_high = b.ci_high if math.isfinite(b.ci_high) else math.inf
    return a_low <= b_high and b_low <= a_high


def label(headline: Estimate, comparisons: list[Estimate]) -> list[Estimate]:
    """Mark the headline and each comparison in ``details`` and say why each comparison may differ.

    Returns the headline followed by the comparisons."""
    because = headline.details.get("default", {}).get("because", "")
    headline.details["role"] = HEADLINE
    headline.details["why"] = (
        f"the default rule chose {default_chosen(headline)} on these lists ({because}); quote this figure"
        if because
        else "the default rule's choice; quote this figure"
    )
    for est in comparisons:
        est.details["role"] = COMPARISON
        note = ASSUMPTIONS.get(method_family(est), "another method, for comparison only")
        if not overlaps(headline, est):
            note += (
                f". Its interval does not overlap the default's: the methods' assumptions, not chance, "
                f"separate {est.estimate:,.0f} from {headline.estimate:,.0f}"
            )
        est.details["why"] = note
    return [headline, *comparisons]
