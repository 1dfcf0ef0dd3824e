"""Decomposable (chordal) graphs on a few lists, with their cliques and separators.

Madigan and York (1997) average over every decomposable graphical model: a graph on the lists
whose every cycle of four or more has a chord. Such a model's likelihood factorises over its
cliques and separators, so its marginal likelihood under a hyper-Dirichlet prior is a ratio of
Dirichlet-multinomial terms on marginal tables (see :mod:`athar.estimate.bma`).

Sets of lists are bit masks (bit ``j`` for list ``j``), as cells are in
:mod:`athar.estimate.histories`. There are 8, 61, 822 and 18,154 decomposable graphs on 3, 4, 5
and 6 labelled vertices (OEIS A058862); the tests check those counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np

from athar.estimate.errors import EstimateError


@dataclass(frozen=True)
class Decomposable:
    """One decomposable graph: its edges, maximal cliques and (non-empty) separators, as bit masks."""

    edges: tuple[tuple[int, int], ...]
    cliques: tuple[int, ...]
    separators: tuple[int, ...]

    def name(self, lists: tuple[str, ...] | list[str]) -> str:
        """``A:B + C`` style: each clique's lists joined by ``:``."""
        parts = [":".join(lists[j] for j in range(len(lists)) if c >> j & 1) for c in self.cliques]
        return " + ".join(sorted(parts, key=lambda s: (-s.count(":"), s)))


def _cliques_and_separators(p: int, adj: list[int]) -> tuple[list[int], list[int]] | None:
    """Maximum cardinality search; ``None`` when the graph is not chordal.

    In an MCS order, a graph is chordal exactly when each vertex's earlier neighbours form a
    clique. The sets {v} + earlier neighbours that are not inside a later one are the maximal
    cliques, already in an order with the running intersection property, so each clique's
    separator is its intersection with the union of the cliques before it.
    """
    order: list[int] = []
    numbered = 0
    weight = [0] * p
    for _ in range(p):
        v = max((u for u in range(p) if not numbered >> u & 1), key=lambda u: (weight[u], -u))
        order.append(v)
        numbered |= 1 << v
        for u in range(p):
            if adj[v] >> u & 1:
                weight[u] += 1
    candidates: list[int] = []
    seen = 0
    for v in order:
        earlier = adj[v] & seen
        for u in range(p):
            if earlier >> u & 1 and (earlier & ~(1 << u)) & ~adj[u]:
                return None  # two earlier neighbours that are not adjacent
        candidates.append(earlier | 1 << v)
        seen |= 1 << v
    cliques = [c for i, c in enumerate(candidates) if not any(c & d == c for d in candidates[i + 1 :])]
    separators = []
    union = 0
    for c in cliques:
        if union & c:
            separators.append(union & c)
        union |= c
    return cliques, separators


@cache
def decomposable_graphs(p: int) -> tuple[Decomposable, ...]:
    """Every decomposable graph on ``p`` labelled lists (2 <= p <= 6), the empty graph first."""
    if not 2 <= p <= 6:
        raise EstimateError(f"decomposable graphs are enumerated for 2 to 6 lists, not {p}")
    pairs = list(combinations(range(p), 2))
    out = []
    for mask in range(1 << len(pairs)):
        edges = tuple(pair for i, pair in enumerate(pairs) if mask >> i & 1)
        adj = [0] * p
        for a, b in edges:
            adj[a] |= 1 << b
            adj[b] |= 1 << a
        found = _cliques_and_separators(p, adj)
        if found is not None:
            out.append(Decomposable(edges, tuple(found[0]), tuple(found[1])))
    return tuple(out)


@cache
def incidence(p: int) -> tuple[np.ndarray, np.ndarray]:
    """``(A, c)``: ``A[g, s - 1]`` = +1 per clique ``s`` of graph ``g``, -1 per separator ``s``;
    ``c[g]`` = cliques minus separators. A graph's log marginal likelihood is then
    ``A @ T + c * D`` for the per-margin terms ``T`` and the shared term ``D``.
    """
    graphs = decomposable_graphs(p)
    a = np.zeros((len(graphs), (1 << p) - 1))
    for g, graph in enumerate(graphs):
        for s in graph.cliques:
            a[g, s - 1] += 1
        for s in graph.separators:
            a[g, s - 1] -= 1
    c = np.array([len(g.cliques) - len(g.separators) for g in graphs], dtype=float)
    return a, c
