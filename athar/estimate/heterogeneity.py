"""Does the table look like people differ in how visible they are?

When each person's chance of being listed is raised or lowered alike on every list (a Rasch
model, continuous heterogeneity), the people least visible are the ones no list holds, and no
estimator in ``bench/estimate.py`` covered the true total (see docs/estimation.md). The mark it
leaves on the lists: compared with lists that catch everyone independently, too many people are
on one list only and too many on three or more, too few on exactly two. This module measures
that against the independence (main effects) fit, whose margins match the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .histories import CaptureHistories
from .loglinear import fit


@dataclass(frozen=True)
class Dispersion:
    """Observed and expected (under independence) counts of persons on 1, 2 and 3+ lists."""

    observed: tuple[float, float, float]
    expected: tuple[float, float, float]

    @property
    def chi_square(self) -> float:
        """Pearson's statistic over the three groups; about chi-square with one degree of freedom
        under independence (the fit matches the number seen and the lists' sizes)."""
        return float(
            sum((o - e) ** 2 / e for o, e in zip(self.observed, self.expected, strict=True) if e > 0)
        )

    @property
    def looks_heterogeneous(self) -> bool:
        """Too many on one list and on three or more, too few on two, beyond chance (p < 0.001)."""
        o, e = self.observed, self.expected
        return self.chi_square > 10.83 and o[0] > e[0] and o[1] < e[1] and o[2] > e[2]


def capture_dispersion(hist: CaptureHistories) -> Dispersion | None:
    """``None`` for fewer than four lists (three or more on a list is then too thin to read)."""
    hist = hist.drop_empty_lists()
    if hist.k < 4:
        return None
    main = fit(hist)
    if not main.ok or not math.isfinite(main.estimate):
        return None
    sizes = np.array([hist.list_sizes()[name] for name in hist.lists], dtype=float)
    p = np.clip(sizes / main.estimate, 0, 1)
    dist = np.zeros(hist.k + 1)
    dist[0] = 1.0
    for pj in p:  # Poisson-binomial: number of lists a person is on
        dist[1:] = dist[1:] * (1 - pj) + dist[:-1] * pj
        dist[0] *= 1 - pj
    expected = main.estimate * dist
    seen = np.zeros(hist.k + 1)
    for h, n in hist.counts.items():
        seen[sum(h)] += n
    return Dispersion(
        (float(seen[1]), float(seen[2]), float(seen[3:].sum())),
        (float(expected[1]), float(expected[2]), float(expected[3:].sum())),
    )
