"""Clustering scored pairs into persons, with reviewers' judgements as constraints.

Kruskal-style: must-links (a reviewer said "same") join first; then pairs are taken from the most
to the least probable, and each joins its two clusters unless a cannot-link (a reviewer said
"different", or the records' sexes differ) lies between them. So a cluster that a cannot-link would
join is split at its weakest link, and no re-run can override a human.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field


@dataclass
class ClusterResult:
    cluster_of: dict[Hashable, Hashable]
    refused_joins: int = 0
    conflicts: list[tuple[Hashable, Hashable]] = field(default_factory=list)

    def clusters(self) -> dict[Hashable, list[Hashable]]:
        groups: dict[Hashable, list[Hashable]] = {}
        for node, root in self.cluster_of.items():
            groups.setdefault(root, []).append(node)
        return groups


class _Forest:
    def __init__(self, nodes: Iterable[Hashable]) -> None:
        self.parent: dict[Hashable, Hashable] = {n: n for n in nodes}
        self.size: dict[Hashable, int] = dict.fromkeys(self.parent, 1)
        self.apart: dict[Hashable, set[Hashable]] = {}

    def find(self, node: Hashable) -> Hashable:
        parent = self.parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def forbid(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self.find(a), self.find(b)
        self.apart.setdefault(ra, set()).add(rb)
        self.apart.setdefault(rb, set()).add(ra)

    def may_join(self, ra: Hashable, rb: Hashable) -> bool:
        return rb not in self.apart.get(ra, ())

    def join(self, ra: Hashable, rb: Hashable) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        moved = self.apart.pop(rb, set())
        if moved:
            mine = self.apart.setdefault(ra, set())
            for other in moved:
                peers = self.apart[other]
                peers.discard(rb)
                peers.add(ra)
                mine.add(other)


def cluster(
    nodes: Iterable[Hashable],
    pairs: Iterable[tuple[Hashable, Hashable, float]],
    threshold: float,
    must_link: Iterable[tuple[Hashable, Hashable]] = (),
    cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
) -> ClusterResult:
    """Clusters of `nodes`; `pairs` are (a, b, match probability), joined when ≥ threshold.

    A must-link that contradicts earlier constraints (a chain of "same" across a "different") is
    reported in `conflicts` and not applied.
    """
    forest = _Forest(nodes)
    result = ClusterResult(cluster_of={})
    for a, b in cannot_link:
        if a in forest.parent and b in forest.parent:
            forest.forbid(a, b)
    for a, b in must_link:
        if a not in forest.parent or b not in forest.parent:
            continue
        ra, rb = forest.find(a), forest.find(b)
        if ra == rb:
            continue
        if forest.may_join(ra, rb):
            forest.join(ra, rb)
        else:
            result.conflicts.append((a, b))
    for a, b, probability in sorted(pairs, key=lambda p: -p[2]):
        if probability < threshold:
            break
        ra, rb = forest.find(a), forest.find(b)
        if ra == rb:
            continue
        if forest.may_join(ra, rb):
            forest.join(ra, rb)
        else:
            result.refused_joins += 1
    result.cluster_of = {n: forest.find(n) for n in forest.parent}
    return result
