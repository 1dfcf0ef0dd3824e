"""Existence and identifiability of the log-linear MLE on a sparse table.

Chan, Silverman & Vincent (2021, JASA) show that sparse capture tables break two conditions
that software usually takes for granted:

* **Existence.** The Poisson MLE exists only if the observed margins ``X'y`` lie in the relative
  interior of the cone spanned by the design rows, i.e. some strictly positive ``mu`` has the
  same margins as the data (Fienberg & Rinaldo 2012). SparseMSE checks it with a linear
  programme over all cells; :func:`mle_exists` solves the equivalent dual problem over the
  few directions the positive cells leave free, which is what makes a search over tens of
  thousands of models affordable.
* **Identifiability.** After terms with an empty margin are set to minus infinity (their cells
  are structural zeros and leave the table), the remaining design must have full column rank,
  or the intercept, and so the population estimate, is not determined.

A model that fails either check has no estimate and is dropped from any model search.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from scipy.optimize import linprog


class Check(IntEnum):
    """Verdicts, numbered as SparseMSE's ``checkident`` numbers them."""

    OK = 0
    NO_MLE = 1
    NOT_IDENTIFIABLE = 2


_CACHE: dict[tuple[bytes, bytes], bool] = {}
_CACHE_LIMIT = 200_000


def full_rank(x: np.ndarray) -> bool:
    if x.shape[0] < x.shape[1]:
        return False
    return int(np.linalg.matrix_rank(x)) == x.shape[1]


def mle_exists(x: np.ndarray, y: np.ndarray) -> bool:
    """Fienberg–Rinaldo condition for a full-rank design ``x`` (cells x parameters), counts ``y``.

    The MLE fails to exist exactly when some direction ``d = x @ b`` is zero on every positive
    cell, never positive on a zero cell and negative on at least one: the likelihood then keeps
    rising towards the boundary. Such ``b`` lie in the null space of the positive cells' rows, so
    the linear programme runs over that (usually empty, always small) null space: maximise
    ``-sum(d_zero)`` subject to ``-1 <= d_zero <= 0``. A table without zeros passes at once.
    """
    zero = y <= 0
    if not zero.any():
        return True
    xp, xz = x[~zero], x[zero]
    if xp.shape[0]:
        _, sv, vt = np.linalg.svd(xp, full_matrices=True)
        rank = int(np.sum(sv > 1e-9 * max(sv[0], 1.0)))
        null = vt[rank:].T
    else:
        null = np.eye(x.shape[1])
    if null.shape[1] == 0:
        return True
    key = (null.round(12).tobytes(), xz.tobytes())
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    a = xz @ null
    res = linprog(
        a.sum(axis=0),
        A_ub=np.vstack([a, -a]),
        b_ub=np.concatenate([np.zeros(len(a)), np.ones(len(a))]),
        bounds=[(None, None)] * a.shape[1],
        method="highs",
    )
    exists = bool(res.status == 0 and -res.fun <= 1e-7)
    if len(_CACHE) < _CACHE_LIMIT:
        _CACHE[key] = exists
    return exists


def check(x: np.ndarray, y: np.ndarray) -> Check:
    """Both conditions for a design already stripped of minus-infinity terms and their cells."""
    if not full_rank(x):
        return Check.NOT_IDENTIFIABLE
    if not mle_exists(x, y):
        return Check.NO_MLE
    return Check.OK
