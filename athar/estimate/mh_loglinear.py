"""Log-linear models with a heterogeneity term in the number of lists (Rcapture's Mth models).

When each person's chance of being listed is raised or lowered alike on every list, the
log-linear model of the capture table gains a term in ``|h|``, the number of lists a history
is on (Darroch et al. 1993; Rivest and Baillargeon 2007):

    log E[n_h] = mu + sum_j a_j h_j + (list interactions) + tau * f(|h|),  tau >= 0,

with f as Rcapture (``internal.matrices.R``) writes it, each with f(0) = 0 so that the
intercept is still the log of the number no list holds:

* Darroch: f(k) = k^2 / 2 (a normal visibility, to second order);
* Poisson2: f(k) = 2^k - 1 (visibility 1 + a Poisson count);
* Gamma3.5: f(k) = -log(1 + k / 3.5) (a gamma-distributed visibility).

A negative tau would describe people more alike than independence allows, which no
distribution of visibility gives: such a fit is refused (the model without the term stands
for it), as Rcapture reports such a fit as not valid.

The Darroch column is the sum of the two-list interaction columns plus half the main effects,
so Darroch with every two-list term is not identifiable: the identifiability check drops it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum

import numpy as np

from .histories import CaptureHistories, cell_patterns
from .loglinear import LoglinearFit, build_design, fit_design
from .models import MAIN_EFFECTS, Model, model_name


class Heterogeneity(StrEnum):
    NONE = "none"
    DARROCH = "Darroch"
    POISSON2 = "Poisson2"
    GAMMA35 = "Gamma3.5"


COLUMNS: dict[Heterogeneity, Callable[[np.ndarray], np.ndarray]] = {
    Heterogeneity.DARROCH: lambda k: k**2 / 2,
    Heterogeneity.POISSON2: lambda k: 2.0**k - 1,
    Heterogeneity.GAMMA35: lambda k: -np.log(1 + k / 3.5),
}


def heterogeneity_column(k_lists: int, kind: Heterogeneity) -> np.ndarray:
    """f(|h|) for every observable cell, in cell-index order."""
    sizes = cell_patterns(k_lists).sum(axis=1).astype(float)
    return COLUMNS[kind](sizes)


def fit_mh(
    hist: CaptureHistories, model: Model = MAIN_EFFECTS, kind: Heterogeneity = Heterogeneity.NONE
) -> LoglinearFit:
    """Fit ``model`` (list interactions) with the heterogeneity term ``kind``.

    The term is the design's last column, so ``beta[-1]`` is tau; intervals that profile the
    intercept (``athar.estimate.intervals.profile_interval``) work unchanged.
    """
    design = build_design(hist, model)
    if kind != Heterogeneity.NONE:
        column = heterogeneity_column(hist.k, kind)[design.keep]
        design = replace(design, x=np.column_stack([design.x, column]), n_params=design.n_params + 1)
    return fit_design(hist, model, design, last_nonnegative=kind != Heterogeneity.NONE)


def mh_name(model: Model, kind: Heterogeneity, lists: tuple[str, ...]) -> str:
    base = model_name(model, lists)
    return base if kind == Heterogeneity.NONE else f"{base} + heterogeneity ({kind.value})"
