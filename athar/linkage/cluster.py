"""Clustering scored pairs into persons, with reviewers' judgements as constraints.

Kruskal-style: must-links (a reviewer said "same") join first; then pairs are taken from the most
to the least probable, and each joins its two clusters unless a cannot-link (a reviewer said
"different") lies between them, or the two clusters hold records that cannot be one person: of
different sex, or with national numbers more than one typo apart. So a cluster that a cannot-link
would join is split at its weakest link, and no re-run can override a human. A reviewer's "same"
wins over the records' own attributes (a reviewer may know the sex or the number was misrecorded).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


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


def _one_typo_apart(a: str, b: str) -> bool:
    """Equal, or one substituted, inserted, deleted or swapped character apart."""
    if a == b:
        return True
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# a cluster's sexes and national numbers (`_Forest.traits_of`)
Traits = tuple[frozenset[str], frozenset[str]]
_NONE: frozenset[str] = frozenset()


def _compatible(a: Traits, b: Traits) -> bool:
    (sexes_a, ids_a), (sexes_b, ids_b) = a, b
    if sexes_a and sexes_b and sexes_a != sexes_b:
        return False
    if ids_a and ids_b:
        return any(_one_typo_apart(x, y) for x in ids_a for y in ids_b)
    return True


def _own_traits(attributes: Mapping[str, str | None]) -> Traits:
    sex, national_id = attributes.get("sex"), attributes.get("national_id")
    return (frozenset((sex,)) if sex else _NONE, frozenset((national_id,)) if national_id else _NONE)


class _Forest:
    def __init__(
        self, nodes: Iterable[Hashable], attributes: Mapping[Hashable, Mapping[str, str | None]]
    ) -> None:
        self.parent: dict[Hashable, Hashable] = {n: n for n in nodes}
        self.size: dict[Hashable, int] = dict.fromkeys(self.parent, 1)
        self.apart: dict[Hashable, set[Hashable]] = {}
        # per root that has been joined: the sexes and national numbers its records carry (a root
        # never joined has its own node's, read from `attributes` when needed)
        self.attributes = attributes
        self.traits: dict[Hashable, Traits] = {}

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

    def traits_of(self, root: Hashable) -> Traits:
        found = self.traits.get(root)
        if found is None:
            found = _own_traits(self.attributes.get(root, {}))
        return found

    def traits_agree(self, ra: Hashable, rb: Hashable) -> bool:
        return _compatible(self.traits_of(ra), self.traits_of(rb))

    def join(self, ra: Hashable, rb: Hashable) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        (sexes, ids), (moved_sexes, moved_ids) = self.traits_of(ra), self.traits_of(rb)
        self.traits.pop(rb, None)
        self.traits[ra] = (sexes | moved_sexes, ids | moved_ids)
        moved = self.apart.pop(rb, set())
        if moved:
            kept_apart = self.apart.setdefault(ra, set())
            for other in moved:
                peers = self.apart[other]
                peers.discard(rb)
                peers.add(ra)
                kept_apart.add(other)


def cluster(
    nodes: Iterable[Hashable],
    pairs: Iterable[tuple[Hashable, Hashable, float]],
    threshold: float,
    must_link: Iterable[tuple[Hashable, Hashable]] = (),
    cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
    attributes: Mapping[Any, Mapping[str, str | None]] | None = None,
    kept_apart: Iterable[tuple[Hashable, Hashable]] = (),
) -> ClusterResult:
    """Clusters of `nodes`; `pairs` are (a, b, match probability), joined when ≥ threshold.

    `attributes` gives each node's `sex` and `national_id` (either may be None). A must-link that
    contradicts earlier judgements (a chain of "same" across a "different") is reported in
    `conflicts` and not applied. `kept_apart` are the machine's own cannot-links (likely siblings):
    they yield to reviewers' must-links, and bind only the scored pairs.
    """
    forest = _Forest(nodes, attributes or {})
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
    for a, b in kept_apart:
        if a in forest.parent and b in forest.parent and forest.find(a) != forest.find(b):
            forest.forbid(a, b)
    # only pairs at the threshold can join: the rest need no sorting (a stable sort, so that pairs
    # of equal probability are taken in the order given, as before)
    strong = [pair for pair in pairs if pair[2] >= threshold]
    strong.sort(key=lambda p: -p[2])
    for a, b, _probability in strong:
        ra, rb = forest.find(a), forest.find(b)
        if ra == rb:
            continue
        if forest.may_join(ra, rb) and forest.traits_agree(ra, rb):
            forest.join(ra, rb)
        else:
            result.refused_joins += 1
    result.cluster_of = {n: forest.find(n) for n in forest.parent}
    return result
