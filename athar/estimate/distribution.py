"""A posterior (or bootstrap) distribution of the total, binned for a plot: small enough to carry in
an estimate's ``details`` and its ``--json``, and enough for the report to draw its shape."""

from __future__ import annotations

import numpy as np

BINS = 40


def histogram(
    values: np.ndarray, weights: np.ndarray | None = None, bins: int = BINS
) -> dict[str, list[float]]:
    """``{"edges": bins + 1 values, "mass": bins shares summing to 1}`` over the central 99.8% of the
    distribution (the far tails would squeeze the shape into a few bins). Empty when there is
    nothing to bin."""
    values = np.asarray(values, dtype=float).reshape(-1)
    w = np.ones_like(values) if weights is None else np.asarray(weights, dtype=float).reshape(-1)
    keep = np.isfinite(values) & (w > 0)
    values, w = values[keep], w[keep]
    if values.size == 0 or w.sum() <= 0:
        return {"edges": [], "mass": []}
    order = np.argsort(values)
    values, w = values[order], w[order]
    cdf = np.cumsum(w) / w.sum()
    last = values.size - 1
    low = float(values[min(int(np.searchsorted(cdf, 0.001)), last)])
    high = float(values[min(int(np.searchsorted(cdf, 0.999)), last)])
    if high <= low:
        high = low + 1.0
    mass, edges = np.histogram(values, bins=bins, range=(low, high), weights=w)
    total = mass.sum()
    return {
        "edges": [round(float(e), 1) for e in edges],
        "mass": [round(float(m / total), 5) if total > 0 else 0.0 for m in mass],
    }
