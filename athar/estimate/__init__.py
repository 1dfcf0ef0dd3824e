"""Multiple systems estimation: how many are missing that no list holds.

Knows nothing of the store: everything starts from a :class:`CaptureHistories` table.

>>> from athar.estimate import CaptureHistories, loglinear_estimate
>>> hist = CaptureHistories.from_csv("histories.csv")        # doctest: +SKIP
>>> loglinear_estimate(hist, search="auto", criterion="bic")  # doctest: +SKIP
"""

from .api import Estimate, bma_estimate, fixed_model_estimate, lcmcr_estimate, loglinear_estimate
from .bma import BMAResult, bma
from .graphs import Decomposable, decomposable_graphs
from .histories import CaptureHistories, stratify
from .identifiability import Check
from .intervals import Interval, bca_interval, profile_interval, wald_log_interval
from .lcmcr import LCMCRResult, lcmcr
from .loglinear import LoglinearFit, fit
from .models import Model, all_hierarchical_models, hierarchical_closure, model_name, parse_model
from .selection import Selection, select_model

__all__ = [
    "BMAResult",
    "CaptureHistories",
    "Check",
    "Decomposable",
    "Estimate",
    "Interval",
    "LCMCRResult",
    "LoglinearFit",
    "Model",
    "Selection",
    "all_hierarchical_models",
    "bca_interval",
    "bma",
    "bma_estimate",
    "decomposable_graphs",
    "fit",
    "fixed_model_estimate",
    "hierarchical_closure",
    "lcmcr",
    "lcmcr_estimate",
    "loglinear_estimate",
    "model_name",
    "parse_model",
    "profile_interval",
    "select_model",
    "stratify",
    "wald_log_interval",
]
