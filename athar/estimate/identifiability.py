"""Existence and identifiability of the log-linear MLE on a sparse table.

Chan, Silverman & Vincent (2021, JASA) show that sparse capture tables break two conditions
that software usually takes for granted:

* **Existence.** The Poisson MLE exists only if the observed margins ``X'y`` lie in the relative
  interior of the cone spanned by the design rows, i.e. some strictly positive ``mu`` has the
  same margins as the data (Fienberg & Rinaldo 2012). Checked by a linear programme: maximise
  ``s`` subject to ``X'mu = X'y``, ``mu >= s``, ``s <= 1``; the MLE exists iff ``s > 0``.
* **Identifiability.** After terms with an empty margin are set to minus infinity (their cells
  are structural zeros and leave the table), the remaining design must have full column rank,
  or the intercept, and so the population estimate, is not determined.

A model that fails either check has no estimate and is dropped from any model search.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from scipy import sparse
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
    """Fienberg–Rinaldo condition for design ``x`` (cells x parameters) and counts ``y``.

    Only zero cells can make the MLE fail to exist; a table without zeros passes at once. The
    verdict depends only on the design and on which cells are zero, so it is cached on those.
    """
    zero = y <= 0
    if not zero.any():
        return True
    key = (np.ascontiguousarray(x, dtype=np.int8).tobytes() + bytes(str(x.shape), "ascii"), zero.tobytes())
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    n_cells, n_par = x.shape
    # variables: mu (n_cells) then s; maximise s  <=>  minimise -s
    c = np.zeros(n_cells + 1)
    c[-1] = -1.0
    a_eq = np.hstack([x.T, np.zeros((n_par, 1))])
    b_eq = x.T @ y
    # s - mu_i <= 0 (sparse: a table of 12 lists has 4,095 cells)
    a_ub = sparse.hstack([-sparse.identity(n_cells, format="csr"), np.ones((n_cells, 1))], format="csr")
    b_ub = np.zeros(n_cells)
    bounds = [(0, None)] * n_cells + [(None, 1.0)]
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    exists = bool(res.status == 0 and -res.fun > 1e-7)
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
