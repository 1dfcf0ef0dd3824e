"""Linkage uncertainty carried into the estimate (Sadinle 2018).

The capture histories come from one resolution of the linkage: pairs of records the model was
unsure of (the review band) and nobody has judged are taken as linked or not by a threshold. An
interval computed from that one resolution ignores that those pairs could have gone the other
way, and every such pair moves a person between "on two lists" and "two people on one list each",
the cells the estimate is most sensitive to.

Here each unjudged pair is drawn linked with its match probability, the persons are rebuilt per
draw, the estimate is repeated per draw and the per-draw posteriors are mixed. Judged pairs and
pairs the model is sure of are not drawn: they stay as the linkage left them.

The structure is store-free (:class:`UncertainLinks`): the persons no uncertain pair touches are
fixed counts; the records of the others are grouped into *pieces* that no drawn pair can split
(records joined by sure or judged pairs), and a draw joins pieces along the pairs drawn linked,
never across a reviewer's "different". ``athar.estimate.from_store`` builds it from the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .api import Estimate
from .histories import CaptureHistories, History
from .posterior_shape import two_piece_lognormal


@dataclass(frozen=True)
class UncertainLinks:
    """What a draw of the linkage needs, and nothing about who the persons are.

    ``fixed``: histories of the persons no uncertain pair touches. ``piece_lists``: per piece, the
    bitmask of the lists holding one of its records (bit ``j`` for ``fixed.lists[j]``; 0 for a piece
    whose records are on no list, such as a tracing request). ``piece_counted``: whether a person
    made of this piece counts (it has an identifiable record). ``uncertain``: ``(piece, piece,
    probability of being one person)``. ``apart``: pieces a reviewer judged different people.
    """

    fixed: CaptureHistories
    piece_lists: Sequence[int]
    piece_counted: Sequence[bool]
    uncertain: Sequence[tuple[int, int, float]] = ()  # likeliest first
    apart: Sequence[tuple[int, int]] = ()
    pieces_now: Sequence[int] = field(default=())  # each piece's person under the current linkage

    @property
    def lists(self) -> tuple[str, ...]:
        return self.fixed.lists

    @property
    def empty(self) -> bool:
        """No uncertain pair: every draw is the current linkage."""
        return not self.uncertain

    @cached_property
    def _pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The uncertain pairs as arrays (pieces, probabilities), built once for all the draws."""
        pieces = np.array([(a, b) for a, b, _p in self.uncertain], dtype=np.int64).reshape(-1, 2)
        return pieces, np.fromiter((p for _a, _b, p in self.uncertain), float, len(self.uncertain))

    def draw(self, rng: np.random.Generator) -> CaptureHistories:
        """One resolution of the uncertain pairs, as capture histories."""
        pieces, probability = self._pairs
        edges = pieces[rng.random(len(probability)) < probability]
        # likeliest first, as the clustering joins them: it decides which of two joins a
        # reviewer's "different" lets through
        return self._histories(_components(len(self.piece_lists), edges, self.apart))

    def current(self) -> CaptureHistories:
        """The histories of the linkage as it stands (``pieces_now``), for checking the build."""
        if not self.pieces_now:
            return self._histories(list(range(len(self.piece_lists))))
        return self._histories(list(self.pieces_now))

    def _histories(self, person_of_piece: Sequence[int] | np.ndarray) -> CaptureHistories:
        """Each person's lists are the union of its pieces'; it counts if one of its pieces does
        (in NumPy: a wide review band has hundreds of thousands of pieces, and this runs per draw)."""
        k = len(self.lists)
        counts: Counter[History] = Counter(self.fixed.counts)
        if not len(person_of_piece):
            return CaptureHistories(self.lists, counts)
        _, person = np.unique(np.asarray(person_of_piece), return_inverse=True)
        masks = np.zeros(person.max() + 1, dtype=np.int64)
        np.bitwise_or.at(masks, person, np.asarray(self.piece_lists, dtype=np.int64))
        counted = np.zeros(len(masks), dtype=bool)
        np.logical_or.at(counted, person, np.asarray(self.piece_counted, dtype=bool))
        cells = np.bincount(masks[(masks != 0) & counted], minlength=1 << k)
        for mask in np.flatnonzero(cells):
            counts[_history(int(mask), k)] += int(cells[mask])
        return CaptureHistories(self.lists, counts)


def _history(mask: int, k: int) -> History:
    return tuple((mask >> j) & 1 for j in range(k))


def _components(n: int, edges: np.ndarray, apart: Sequence[tuple[int, int]]) -> np.ndarray:
    """Each of ``n`` pieces' group when joined along ``edges`` (an array of piece pairs, in order),
    never joining two pieces judged ``apart``: a label per piece.

    The groups are the graph's connected components (SciPy), except where a component holds two
    pieces judged apart: only there does the order of the edges matter, and its edges are joined
    one by one (:func:`_union_find`). Edges of other components cannot touch such a group, so the
    labels group the pieces as the union-find over all edges would (what a draw needs: which pieces
    are one person), at a fraction of its cost on a wide review band."""
    if len(edges) == 0:
        return np.arange(n)
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    if not apart:
        return label
    split = np.array([(a, b) for a, b in apart], dtype=np.int64)
    conflicted = np.unique(label[split[:, 0]][label[split[:, 0]] == label[split[:, 1]]])
    if len(conflicted) == 0:
        return label
    inside = np.isin(label, conflicted)
    own = edges[inside[edges[:, 0]]]
    groups = _union_find(n, [(int(a), int(b)) for a, b in own], apart)
    out = label.copy()
    out[inside] = label.max() + 1 + np.asarray(groups)[inside]
    return out


def _union_find(n: int, edges: Sequence[tuple[int, int]], apart: Sequence[tuple[int, int]]) -> list[int]:
    """Union-find over ``n`` pieces along ``edges``, in order, never joining two pieces judged apart.

    ``forbidden`` holds, per root, the pieces its group may not join (by piece, so a partner that
    has since joined another group is found through ``find``)."""
    parent = list(range(n))
    forbidden: dict[int, set[int]] = {}
    for a, b in apart:
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        fa, fb = forbidden.get(ra, set()), forbidden.get(rb, set())
        if any(find(x) == rb for x in fa) or any(find(x) == ra for x in fb):
            continue
        if fb:
            forbidden[ra] = fa | forbidden.pop(rb)
        parent[rb] = ra
    return [find(x) for x in range(n)]


@dataclass(frozen=True)
class LinkageMixture:
    """The per-draw estimates mixed into one interval."""

    estimate: float
    low: float
    high: float
    per_draw: list[tuple[float, float, float]]  # (estimate, low, high) of each draw
    observed: list[int]  # persons observed in each draw


def mix_draws(
    draws: Sequence[CaptureHistories],
    estimator: Callable[[CaptureHistories], tuple[float, float, float]],
    level: float = 0.95,
    samples_per_draw: int = 4000,
    seed: int = 0,
    on_draw: Callable[[], None] | None = None,
) -> LinkageMixture:
    """Estimate on every draw and mix the per-draw posteriors (Sadinle 2018's mixture).

    ``estimator`` gives ``(estimate, low, high)`` at ``level``. Each draw's posterior (or bootstrap
    distribution) is represented by :func:`two_piece_lognormal`, whatever method made it; the
    mixture's median and equal-tailed quantiles are the result.
    """
    rng = np.random.default_rng(seed)
    pooled: list[np.ndarray] = []
    per_draw: list[tuple[float, float, float]] = []
    for hist in draws:
        est, low, high = estimator(hist)
        per_draw.append((est, low, high))
        if on_draw is not None:
            on_draw()
        pooled.append(two_piece_lognormal(est, low, high, level, samples_per_draw, rng))
    values = np.concatenate(pooled)
    tail = (1 - level) / 2
    return LinkageMixture(
        estimate=float(np.median(values)),
        low=float(np.quantile(values, tail)),
        high=float(np.quantile(values, 1 - tail)),
        per_draw=per_draw,
        observed=[h.n_observed for h in draws],
    )


DEFAULT_DRAWS = 20


def with_linkage_draws(
    estimate: Estimate,
    links: UncertainLinks,
    tables: Sequence[CaptureHistories],
    estimator: Callable[[CaptureHistories], Estimate],
    seed: int = 0,
    on_draw: Callable[[], None] | None = None,
) -> Estimate:
    """``estimate`` (made on the linkage as it stands) with the linkage's uncertainty mixed in.

    ``tables`` are draws of ``links`` (:meth:`UncertainLinks.draw`). With no uncertain pair, or no
    draws, the estimate is returned as it is: every draw would be the linkage as it stands.
    Otherwise the estimate and interval become the mixture's over the draws, and
    ``details["linkage_draws"]`` keeps the figures on the linkage as it stands and each draw's.
    """
    draws = len(tables)
    if draws == 0 or links.empty:
        estimate.details["linkage_draws"] = {
            "draws": 0,
            "uncertain_pairs": len(links.uncertain),
            "note": "no unjudged pair in the review band: the linkage adds no uncertainty"
            if links.empty
            else "linkage uncertainty not drawn (--linkage-draws 0)",
        }
        return estimate

    def figures(hist: CaptureHistories) -> tuple[float, float, float]:
        e = estimator(hist)
        return e.estimate, e.ci_low, e.ci_high

    mixture = mix_draws(tables, figures, estimate.ci_level, seed=seed, on_draw=on_draw)
    estimate.details["linkage_draws"] = {
        "draws": draws,
        "uncertain_pairs": len(links.uncertain),
        "method": "Sadinle (2018): unjudged review-band pairs drawn linked with their match "
        "probability, persons rebuilt, estimated per draw, per-draw posteriors mixed",
        "on_linkage_as_it_stands": {
            "estimate": estimate.estimate,
            "ci_low": estimate.ci_low,
            "ci_high": estimate.ci_high,
            "n_observed": estimate.n_observed,
        },
        "observed_per_draw": [min(mixture.observed), max(mixture.observed)],
        "per_draw": [
            {"estimate": round(e, 1), "ci_low": round(lo, 1), "ci_high": round(hi, 1)}
            for e, lo, hi in mixture.per_draw
        ],
    }
    estimate.estimate, estimate.ci_low, estimate.ci_high = mixture.estimate, mixture.low, mixture.high
    estimate.interval = f"{estimate.interval}, mixed over {draws} linkage draws"
    return estimate
