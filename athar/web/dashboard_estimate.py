"""The dashboard's estimate: the default estimate (`athar.estimate.service.headline_estimates`, the one
`athar estimate` and `athar report` quote), over the lists the viewer's organisation may see.

Capture histories are read as the command line reads them (`athar.estimate.from_store`), restricted
to the visible sources by the rule every page follows (`athar.accounts.visibility.visible_sources`),
so on a store whose lists the viewer all sees, the page and the command line give the same figure.
Nothing computed for one organisation's lists reaches another's: the estimate is a function of the
capture histories and the linkage's uncertain pairs alone (same seed), and it is remembered with
them, by the store state they were read for (which names the visible sources), not by who asked.

Reading the histories is a pass over every current record (about 50 µs a record: 5 s at 100,000),
so the histories too are remembered, by what they are made from: the visible sources, the newest
link run, the newest import and the number of memberships. Any import, link run or change of
which lists are visible reads them afresh.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_sources
from athar.errors import AtharError
from athar.estimate import CaptureHistories, Estimate, stratify
from athar.estimate.from_store import person_capture_rows, uncertain_links
from athar.estimate.linkage_draws import DEFAULT_DRAWS, UncertainLinks
from athar.estimate.service import DEFAULT_SEED, headline_estimates
from athar.store.tables import Import, LinkRun, Membership, Source

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
    def figures(self) -> tuple[int | None, int | None, int | None]:
        """Estimate, lower and upper end, rounded; None for an end that is not finite (shown as a dash)."""
        if self.headline is None:
            return None, None, None
        e = self.headline
        return tuple(round(v) if math.isfinite(v) else None for v in (e.estimate, e.ci_low, e.ci_high))  # type: ignore[return-value]

    @property
    def chosen(self) -> str:
        """The method the default rule chose (averaged log-linear, or LCMCR beyond twelve lists), for
        the page to name."""
        if self.headline is None:
            return ""
        return str(self.headline.details.get("default", {}).get("chosen", "")).split(" (")[0]

    @property
    def because(self) -> str:
        """The rule's reason, one of `athar.estimate.default`'s: translated by the template."""
        if self.headline is None:
            return ""
        return str(self.headline.details.get("default", {}).get("because", ""))


@dataclass(frozen=True)
class _Histories:
    hist: CaptureHistories | None
    left_out: int
    links: UncertainLinks | None = None  # the newest linkage's uncertain pairs, drawn as the CLI draws them


# (engine url, store state) -> the capture histories read for it; a few states at a time.
_read: dict[tuple, _Histories] = {}
_reading = threading.Lock()  # pages are served from a pool of threads


def dashboard_estimate(engine: Engine, principal: Principal) -> DashboardEstimate:
    """The default estimate over the principal's visible lists."""
    state = _state(engine, principal)
    read = _histories(engine, principal, state)
    if read.hist is None:
        return DashboardEstimate(0, (), read.left_out, None, "no linked persons")
    hist = read.hist
    try:
        headline = _headline(state, hist, read.links)
    except (ValueError, AtharError) as exc:
        return DashboardEstimate(hist.n_observed, hist.lists, read.left_out, None, str(exc))
    return DashboardEstimate(hist.n_observed, hist.lists, read.left_out, headline)


def _state(engine: Engine, principal: Principal) -> tuple:
    """What the visible capture histories are made from, in a few cheap queries."""
    with engine.connect() as conn:
        query = select(Source.id, Source.name).where(visible_sources(principal)).order_by(Source.id)
        visible = tuple(tuple(row) for row in conn.execute(query))
        return (
            engine.url.render_as_string(hide_password=True),
            visible,
            conn.execute(select(func.max(LinkRun.id))).scalar(),
            conn.execute(select(func.max(Import.id))).scalar(),
            conn.execute(select(func.count()).select_from(Membership)).scalar(),
        )


def _histories(engine: Engine, principal: Principal, state: tuple) -> _Histories:
    with _reading:
        found = _read.get(state)
    if found is not None:
        return found
    left_out: list[str] = []
    rows = list(person_capture_rows(engine, left_out, visible=visible_sources(principal)))
    links = uncertain_links(engine, rows, left_out) if rows else None
    found = _Histories(stratify(rows)[()] if rows else None, len(left_out), links)
    with _reading:
        if len(_read) >= REMEMBERED:
            _read.pop(next(iter(_read)))
        _read[state] = found
    return found


# store state (as `_read`) -> the headline estimate of the histories and pairs read for it.
_estimated: dict[tuple, Estimate] = {}


def _headline(state: tuple, hist: CaptureHistories, links: UncertainLinks | None) -> Estimate:
    """The default estimate with the linkage's uncertainty drawn in, as `athar estimate` gives it
    (same seed, same number of draws), remembered by the store state its histories were read for."""
    with _reading:
        found = _estimated.get(state)
    if found is not None:
        return found
    found = headline_estimates(hist, seed=DEFAULT_SEED, links=links, linkage_draws=DEFAULT_DRAWS)[0]
    with _reading:
        if len(_estimated) >= REMEMBERED:
            _estimated.pop(next(iter(_estimated)))
        _estimated[state] = found
    return found
