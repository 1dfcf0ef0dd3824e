"""Model choice among hierarchical log-linear models.

Three searches, each the one a published analysis used, so the published figures can be
reproduced and compared:

* ``exhaustive``: every hierarchical model up to ``max_order``, best by AIC or BIC
  (Silverman, Chan & Vincent 2024). Feasible up to five lists.
* ``downhill``: from main effects, move to the best neighbouring model (one term added or
  removed) while AIC or BIC improves (Silverman, Chan & Vincent 2024, Sect. 5.2). The search for
  six or more lists.
* ``stepwise``: forward selection of two-list terms, adding the one with the smallest Wald
  p-value while that is at most ``p_threshold`` (Chan, Silverman & Vincent 2021; SparseMSE).

Every search skips models that fail the existence or identifiability checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from scipy.stats import poisson

from athar.estimate.errors import EstimateError

from .histories import CaptureHistories, cell_patterns
from .loglinear import LoglinearFit, fit
from .models import MAIN_EFFECTS, Model, addable_terms, all_hierarchical_models, removable_terms

EXHAUSTIVE_MAX_LISTS = 5


def criterion_value(f: LoglinearFit, criterion: str) -> float:
    if criterion == "aic":
        return f.aic
    if criterion == "bic":
        return f.bic
    raise EstimateError(f"unknown criterion {criterion!r} (aic or bic)")


@dataclass
class Selection:
    """The chosen fit and what the search saw on the way."""

    best: LoglinearFit
    search: str
    criterion: str
    fitted: list[LoglinearFit] = field(default_factory=list)
    n_rejected: int = 0  # models dropped by the existence / identifiability checks

    def ranked(self) -> list[LoglinearFit]:
        ok = [f for f in self.fitted if f.ok]
        if self.criterion in ("aic", "bic"):
            return sorted(ok, key=lambda f: criterion_value(f, self.criterion))
        return ok


def select_model(
    hist: CaptureHistories,
    search: str = "auto",
    criterion: str = "bic",
    max_order: int | None = None,
    p_threshold: float = 0.02,
) -> Selection:
    """Choose a model. ``search="auto"``: exhaustive up to five lists, downhill beyond.

    ``max_order=None``: every order for up to four lists (113 models for four, as Silverman,
    Chan & Vincent 2024 search Kosovo), two-list terms for five or more.
    """
    max_order = default_max_order(hist.k) if max_order is None else max_order
    if search == "auto":
        search = "exhaustive" if hist.k <= EXHAUSTIVE_MAX_LISTS else "downhill"
    if search == "exhaustive":
        return exhaustive(hist, criterion, max_order)
    if search == "downhill":
        return downhill(hist, criterion, max_order)
    if search == "stepwise":
        return stepwise(hist, p_threshold)
    raise EstimateError(f"unknown search {search!r}")


def default_max_order(k: int) -> int:
    return max(2, k - 1) if k <= 4 else 2


def exhaustive(hist: CaptureHistories, criterion: str = "bic", max_order: int = 2) -> Selection:
    fits = [fit(hist, m) for m in all_hierarchical_models(hist.k, max_order)]
    ok = [f for f in fits if f.ok]
    if not ok:
        raise EstimateError("no hierarchical model has an identifiable estimate on this table")
    best = min(ok, key=lambda f: criterion_value(f, criterion))
    return Selection(best, "exhaustive", criterion, fits, len(fits) - len(ok))


def downhill(
    hist: CaptureHistories,
    criterion: str = "bic",
    max_order: int = 2,
    start: Model = MAIN_EFFECTS,
) -> Selection:
    cache: dict[Model, LoglinearFit] = {}

    def get(m: Model) -> LoglinearFit:
        if m not in cache:
            cache[m] = fit(hist, m)
        return cache[m]

    current = get(start)
    if not current.ok:
        raise EstimateError("the starting model has no identifiable estimate on this table")
    while True:
        neighbours = [current.model | {t} for t in addable_terms(current.model, hist.k, max_order)]
        neighbours += [current.model - {t} for t in removable_terms(current.model)]
        scored = [f for f in map(get, neighbours) if f.ok]
        if not scored:
            break
        best = min(scored, key=lambda f: criterion_value(f, criterion))
        if criterion_value(best, criterion) >= criterion_value(current, criterion) - 1e-9:
            break
        current = best
    fits = list(cache.values())
    return Selection(current, "downhill", criterion, fits, sum(not f.ok for f in fits))


def stepwise(hist: CaptureHistories, p_threshold: float = 0.02) -> Selection:
    """Forward selection of two-list terms (SparseMSE's ``stepwisefit``).

    For each pair not yet in the model, the number of persons on both lists is compared with
    its Poisson distribution under the current model; the pair with the smallest one-sided
    p-value joins the model if that p-value is below ``p_threshold`` and the new model passes
    the existence and identifiability checks. A pair that shares nobody can join: its term is
    then minus infinity.
    """
    current = fit(hist, MAIN_EFFECTS)
    if not current.ok:
        raise EstimateError("the main-effects model has no identifiable estimate on this table")
    fits = [current]
    patterns = cell_patterns(hist.k).astype(bool)
    y = hist.cell_counts()
    pairs = list(combinations(range(hist.k), 2))
    observed = {t: float(y[patterns[:, list(t)].all(axis=1)].sum()) for t in pairs}
    while True:
        mu = current.fitted_cells()
        best: tuple[float, LoglinearFit] | None = None
        for t in pairs:
            if t in current.model:
                continue
            expected = float(mu[patterns[:, list(t)].all(axis=1)].sum())
            n = observed[t]
            p = min(poisson.cdf(n, expected), poisson.sf(n - 1, expected))
            if best is not None and p >= best[0]:
                continue
            cand = fit(hist, current.model | {t})
            fits.append(cand)
            if cand.ok:
                best = (p, cand)
        if best is None or best[0] >= p_threshold:
            break
        current = best[1]
    return Selection(current, "stepwise", f"p<{p_threshold}", fits, sum(not f.ok for f in fits))
