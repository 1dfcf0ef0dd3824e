"""Estimates by stratum, small strata pooled by a stated rule, and a total that is their sum.

Estimating within strata (governorate, year, sex, age group) lets visibility differ between
them, which one table over everyone hides (heterogeneity between strata biases a pooled estimate
low). But a stratum with a few dozen persons and a handful seen twice gives an estimate that is
mostly noise, or none. The rule, stated once (``POOLING_RULE``):

* a stratum stands alone when it has at least ``MIN_OBSERVED`` persons observed, at least
  ``MIN_OVERLAP`` of them on two or more lists, and two or more lists holding someone;
* every other stratum goes into one pooled stratum ("small strata, pooled");
* if that pool does not meet the same test, it joins the smallest stratum that stands alone;
  if none stands alone, there is one stratum: everyone.

The strata so formed partition the persons, so their numbers observed add up to the total's. The
total is the sum of the strata's estimates; its interval adds up the strata's posteriors (each
represented, as for linkage draws, by ``athar.estimate.posterior_shape``), drawn independently
since the strata hold different people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .api import Estimate
from .histories import CaptureHistories, History
from .posterior_shape import two_piece_lognormal

MIN_OBSERVED = 50
MIN_OVERLAP = 10
MIN_LISTS = 2
POOLED = "small strata, pooled"

POOLING_RULE = (
    f"a stratum stands alone with at least {MIN_OBSERVED} persons observed, {MIN_OVERLAP} of them on "
    f"two or more lists, and {MIN_LISTS} or more lists holding someone; the others are pooled into one "
    "stratum, which joins the smallest stratum standing alone if it does not meet the same test"
)


@dataclass(frozen=True)
class Stratum:
    """One stratum as estimated: its label, the strata it pools, its table and its estimates."""

    label: str
    members: list[str]
    histories: CaptureHistories
    estimates: list[Estimate] = field(default_factory=list)


@dataclass(frozen=True)
class StratifiedEstimate:
    strata: list[Stratum]
    total: Estimate | None  # None when a stratum has no estimate of the method the total adds up
    rule: str = POOLING_RULE


def stands_alone(hist: CaptureHistories) -> bool:
    """The rule's test for one stratum."""
    hist = hist.drop_empty_lists()
    on_two_or_more = sum(n for h, n in hist.counts.items() if sum(h) >= 2)
    return hist.n_observed >= MIN_OBSERVED and on_two_or_more >= MIN_OVERLAP and hist.k >= MIN_LISTS


def pool_strata(strata: Mapping[str, CaptureHistories]) -> list[tuple[str, list[str], CaptureHistories]]:
    """``(label, members, histories)`` per stratum after pooling the small ones by the rule.

    All tables must be over the same lists (``athar.estimate.histories.stratify`` makes them so).
    """
    alone = {label: h for label, h in strata.items() if stands_alone(h)}
    small = [label for label in strata if label not in alone]
    out = [(label, [label], h) for label, h in alone.items()]
    if not small:
        return out
    pool = _add([strata[label] for label in small])
    if stands_alone(pool) or not out:
        label = POOLED if out else "all"
        return [*out, (label, small, pool)]
    smallest = min(range(len(out)), key=lambda i: out[i][2].n_observed)
    label, members, hist = out[smallest]
    out[smallest] = (f"{label} + {POOLED}", members + small, _add([hist, pool]))
    return out


def _add(tables: list[CaptureHistories]) -> CaptureHistories:
    counts: Counter[History] = Counter()
    for t in tables:
        counts.update(t.counts)
    return CaptureHistories(tables[0].lists, counts)


def estimate_strata(
    strata: Mapping[str, CaptureHistories],
    estimator: Callable[[CaptureHistories], list[Estimate]],
    level: float = 0.95,
    seed: int = 0,
    samples: int = 20_000,
) -> StratifiedEstimate:
    """Pool, estimate each stratum with ``estimator`` and add up the first estimate of each into
    the total (a stratum whose estimator fails gets no estimate, and then there is no total)."""
    pooled = []
    for label, members, hist in pool_strata(strata):
        try:
            estimates = estimator(hist)
        except ValueError:
            estimates = []
        pooled.append(Stratum(label, members, hist, estimates))
    firsts = [s.estimates[0] for s in pooled if s.estimates]
    if not pooled or len(firsts) < len(pooled):
        return StratifiedEstimate(pooled, None)
    return StratifiedEstimate(pooled, sum_of_strata(firsts, level, seed, samples))


def sum_of_strata(parts: list[Estimate], level: float, seed: int = 0, samples: int = 20_000) -> Estimate:
    """The total of independent strata: the sum of their estimates, an interval from the sum of
    their (two-piece log-normal) posteriors."""
    rng = np.random.default_rng(seed)
    total = np.zeros(samples)
    for e in parts:
        total += two_piece_lognormal(e.estimate, e.ci_low, e.ci_high, level, samples, rng)
    tail = (1 - level) / 2
    estimate = float(sum(e.estimate for e in parts))
    low, high = float(np.quantile(total, tail)), float(np.quantile(total, 1 - tail))
    methods = sorted({e.method for e in parts})
    return Estimate(
        method="sum of strata: " + "; ".join(methods),
        lists=sorted({name for e in parts for name in e.lists}),
        n_observed=sum(e.n_observed for e in parts),
        estimate=estimate,
        ci_low=min(low, estimate),
        ci_high=max(high, estimate),
        ci_level=level,
        interval="sum of the strata's posteriors",
        model=f"{len(parts)} strata",
        warnings=sorted({w for e in parts for w in e.warnings}),
        details={"strata": len(parts), "pooling_rule": POOLING_RULE},
    )
