"""Plain warnings about a capture table: the conditions under which an estimate misleads."""

from __future__ import annotations

from itertools import combinations

from .histories import CaptureHistories

# Said of every three-list table, because no table shows it: in the study the three-list tables
# whose estimate fell 24-36% short were those where the models saw no heterogeneity at all
# (docs/estimation.md, "Three lists: the warning's reach").
THREE_LISTS_CAVEAT = (
    "only three lists: people who differ in how visible they are and lists that depend on each "
    "other leave the same mark on three lists, so neither can be checked; in simulation where "
    "visibility differed, some estimates from three lists were 24-36% below the true total with "
    "nothing in the data to show it (docs/estimation.md)"
)


def table_warnings(hist: CaptureHistories) -> list[str]:
    """Warnings that hold whatever the method: few lists, sparse cells, empty overlaps."""
    out: list[str] = []
    sizes = hist.list_sizes()
    empty = [name for name, n in sizes.items() if n == 0]
    if empty:
        out.append(f"lists with nobody on them are ignored: {', '.join(empty)}")
    k = sum(1 for n in sizes.values() if n > 0)
    if k < 2:
        out.append("fewer than two lists hold anyone: no estimate is possible")
    elif k == 2:
        out.append(
            "only two lists: the estimate assumes they are independent, which cannot be checked "
            "and rarely holds (lists fed by the same networks share people, and the estimate is then too low)"
        )
    elif k == 3:
        out.append(THREE_LISTS_CAVEAT)
    live = [name for name in hist.lists if sizes[name] > 0]
    pairs = list(combinations(live, 2))
    disjoint = [f"{a}/{b}" for a, b in pairs if hist.overlap(a, b) == 0]
    if disjoint:
        out.append(
            f"{len(disjoint)} of {len(pairs)} pairs of lists share nobody ({', '.join(disjoint[:6])}"
            f"{', ...' if len(disjoint) > 6 else ''}): sparse table, estimates are unstable"
        )
    n_multi = sum(n for h, n in hist.counts.items() if sum(h) >= 2)
    if hist.n_observed and n_multi < 20:
        out.append(
            f"only {n_multi} persons are on more than one list: the overlaps that drive the estimate are tiny"
        )
    if hist.n_observed and n_multi / hist.n_observed < 0.05:
        out.append(
            f"only {100 * n_multi / hist.n_observed:.1f}% of persons are on more than one list: "
            "the unseen count is extrapolated far beyond the data"
        )
    return out
