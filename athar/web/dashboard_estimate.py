"""The dashboard's estimate: the default estimate (`athar.estimate.service.headline_estimates`, the one
`athar estimate` and `athar report` quote), over the lists the viewer's organisation may see.

Capture histories are read as the command line reads them (`athar.estimate.from_store`), restricted
to the visible sources by the rule every page follows (`athar.accounts.visibility.visible_sources`),
so on a store whose lists the viewer all sees, the page and the command line give the same figure.
Nothing computed for one organisation's lists reaches another's: the estimate is a function of the
capture histories alone (same seed), and it is remembered by those histories, not by who asked; a
viewer gets a remembered figure only when their own lists give exactly the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_sources
from athar.errors import AtharError
from athar.estimate import CaptureHistories, Estimate, stratify
from athar.estimate.from_store import person_capture_rows
from athar.estimate.service import DEFAULT_SEED, headline_estimates

# How many distinct tables' estimates are kept (one per distinct set of visible lists and contents).
REMEMBERED = 32


@dataclass(frozen=True)
class DashboardEstimate:
    """What the page shows: the headline (None when none can be made, with `problem` saying why)."""

    n_observed: int
    lists: tuple[str, ...]
    left_out: int  # persons with no given and family name on any visible record
    headline: Estimate | None
    problem: str | None = None

    @property
    def chosen(self) -> str:
        """The method the default rule chose (BMA or LCMCR), for the page to name."""
        if self.headline is None:
            return ""
        return str(self.headline.details.get("default", {}).get("chosen", "")).split(" (")[0]

    @property
    def because(self) -> str:
        """The rule's reason, one of `athar.estimate.default`'s: translated by the template."""
        if self.headline is None:
            return ""
        return str(self.headline.details.get("default", {}).get("because", ""))


def dashboard_estimate(engine: Engine, principal: Principal) -> DashboardEstimate:
    """The default estimate over the principal's visible lists."""
    left_out: list[str] = []
    rows = list(person_capture_rows(engine, left_out, visible=visible_sources(principal)))
    if not rows:
        return DashboardEstimate(0, (), len(left_out), None, "no linked persons")
    hist = stratify(rows)[()]
    key = (hist.lists, tuple(sorted(hist.counts.items())))
    try:
        headline = _headline(key)
    except (ValueError, AtharError) as exc:
        return DashboardEstimate(hist.n_observed, hist.lists, len(left_out), None, str(exc))
    return DashboardEstimate(hist.n_observed, hist.lists, len(left_out), headline)


@lru_cache(maxsize=REMEMBERED)
def _headline(key: tuple[tuple[str, ...], tuple[tuple[tuple[int, ...], int], ...]]) -> Estimate:
    lists, counts = key
    return headline_estimates(CaptureHistories(lists, dict(counts)), seed=DEFAULT_SEED)[0]
