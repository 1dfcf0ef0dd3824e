"""Clustering scored pairs into persons, with reviewers' judgements as constraints.

Kruskal-style: must-links (a reviewer said "same") join first; then pairs are taken from the most
to the least probable, and each joins its two clusters unless a cannot-link (a reviewer said
"different") lies between them, or the two clusters hold records that cannot be one person: of
different sex, or with national numbers more than one typo apart. So a cluster that a cannot-link
would join is split at its weakest link, and no re-run can override a human. A reviewer's "same"
wins over the records' own attributes (a reviewer may know the sex or the number was misrecorded).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class ClusterResult:
    cluster_of: dict[Hashable, Hashable]
    refused_joins: int = 0
    conflicts: list[tuple[Hashable, Hashable]] = field(default_factory=list)

    def clusters(self) -> dict[Hashable, list[Hashable]]:
        """Each cluster's root and its nodes, the clusters in the order of their first node and
        their nodes in the order of `cluster_of`."""
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


def _own_traits(sex: str | None, national_id: str | None) -> Traits:
    return (frozenset((sex,)) if sex else _NONE, frozenset((national_id,)) if national_id else _NONE)


class _Forest:
    """Union-find over nodes numbered 0..n-1, in lists (a million records: dicts keyed by record
    keys, hashed at every step, were most of the clustering's time)."""

    def __init__(self, sexes: Sequence[str | None], national_ids: Sequence[str | None]) -> None:
        n = len(sexes)
        self.parent: list[int] = list(range(n))
        self.size: list[int] = [1] * n
        self.apart: dict[int, set[int]] = {}
        # per root that has been joined: the sexes and national numbers its records carry (a root
        # never joined has its own node's, read from `sexes` and `national_ids` when needed)
        self.sexes = sexes
        self.national_ids = national_ids
        self.traits: dict[int, Traits] = {}

    def find(self, node: int) -> int:
        parent = self.parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def forbid(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.apart.setdefault(ra, set()).add(rb)
        self.apart.setdefault(rb, set()).add(ra)

    def may_join(self, ra: int, rb: int) -> bool:
        return rb not in self.apart.get(ra, ())

    def traits_of(self, root: int) -> Traits:
        found = self.traits.get(root)
        if found is None:
            found = _own_traits(self.sexes[root], self.national_ids[root])
        return found

    def traits_agree(self, ra: int, rb: int) -> bool:
        traits = self.traits
        if ra in traits or rb in traits:
            return _compatible(self.traits_of(ra), self.traits_of(rb))
        # two records never joined (most pairs): `_compatible` of their own traits, without the sets
        sex_a, sex_b = self.sexes[ra], self.sexes[rb]
        if sex_a and sex_b and sex_a != sex_b:
            return False
        id_a, id_b = self.national_ids[ra], self.national_ids[rb]
        return _one_typo_apart(id_a, id_b) if id_a and id_b else True

    def join(self, ra: int, rb: int) -> None:
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


@dataclass
class IndexedClusters:
    """`cluster_indices`' result: each node's root (a node of its cluster), by node number."""

    root: list[int]
    refused_joins: int = 0
    conflicts: list[tuple[int, int]] = field(default_factory=list)


def cluster_indices(
    sexes: Sequence[str | None],
    national_ids: Sequence[str | None],
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    threshold: float,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    kept_apart: Iterable[tuple[int, int]] = (),
) -> IndexedClusters:
    """`cluster` over nodes numbered 0..n-1 (n = len(sexes)), each with its sex and national number
    (None or empty: unknown); pair k joins nodes left[k] and right[k] with `probability[k]`.
    Constraints are pairs of node numbers, which must lie in 0..n-1."""
    n = len(sexes)
    forest = _Forest(sexes, national_ids)
    conflicts: list[tuple[int, int]] = []
    refused = 0
    for a, b in cannot_link:
        forest.forbid(a, b)
    for a, b in must_link:
        ra, rb = forest.find(a), forest.find(b)
        if ra == rb:
            continue
        if forest.may_join(ra, rb):
            forest.join(ra, rb)
        else:
            conflicts.append((a, b))
    for a, b in kept_apart:
        if forest.find(a) != forest.find(b):
            forest.forbid(a, b)
    # only pairs at the threshold can join: the rest need no sorting (a stable sort, so that pairs
    # of equal probability are taken in the order given)
    probability = np.asarray(probability, dtype=float)
    strong = np.flatnonzero(probability >= threshold)
    strong = strong[np.argsort(-probability[strong], kind="stable")]
    find, may_join, traits_agree, join = forest.find, forest.may_join, forest.traits_agree, forest.join
    for a, b in zip(np.asarray(left)[strong].tolist(), np.asarray(right)[strong].tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if may_join(ra, rb) and traits_agree(ra, rb):
            join(ra, rb)
        else:
            refused += 1
    return IndexedClusters([find(i) for i in range(n)], refused, conflicts)


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
    they yield to reviewers' must-links, and bind only the scored pairs. Constraints on a node not
    in `nodes` are ignored; a pair of one is an error (KeyError).

    The nodes are numbered and clustered by `cluster_indices`."""
    index: dict[Hashable, int] = {}
    for node in nodes:
        index.setdefault(node, len(index))
    listed = list(index)
    attributes = attributes or {}
    none: Mapping[str, str | None] = {}
    sexes = [attributes.get(node, none).get("sex") for node in listed]
    national_ids = [attributes.get(node, none).get("national_id") for node in listed]
    return cluster_numbered(
        listed, index, sexes, national_ids, pairs, threshold, must_link, cannot_link, kept_apart
    )


def cluster_numbered(
    nodes: Sequence[Hashable],
    number: Mapping[Any, int],
    sexes: Sequence[str | None],
    national_ids: Sequence[str | None],
    pairs: Iterable[tuple[Hashable, Hashable, float]],
    threshold: float,
    must_link: Iterable[tuple[Hashable, Hashable]] = (),
    cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
    kept_apart: Iterable[tuple[Hashable, Hashable]] = (),
) -> ClusterResult:
    """`cluster` of `nodes` already numbered (``number[nodes[i]] == i``), with each node's sex and
    national number by its number: a caller holding them in columns builds no dict per node."""
    left: list[int] = []
    right: list[int] = []
    probability: list[float] = []
    for a, b, p in pairs:
        if p >= threshold:  # no other pair can join: a pair of an unknown node below it is ignored
            left.append(number[a])
            right.append(number[b])
            probability.append(p)
    found = cluster_indices(
        sexes,
        national_ids,
        np.asarray(left, dtype=np.int64),
        np.asarray(right, dtype=np.int64),
        np.asarray(probability, dtype=float),
        threshold,
        must_link=_numbered(must_link, number),
        cannot_link=_numbered(cannot_link, number),
        kept_apart=_numbered(kept_apart, number),
    )
    return clusters_of(nodes, found)


def _numbered(pairs: Iterable[tuple[Hashable, Hashable]], index: Mapping[Hashable, int]) -> list:
    return [(index[a], index[b]) for a, b in pairs if a in index and b in index]


def clusters_of(nodes: Sequence[Hashable], found: IndexedClusters) -> ClusterResult:
    """`found`, over the numbers of `nodes` (node i is `nodes[i]`), as a `ClusterResult` of the
    nodes themselves."""
    return ClusterResult(
        cluster_of=dict(zip(nodes, [nodes[r] for r in found.root], strict=True)),
        refused_joins=found.refused_joins,
        conflicts=[(nodes[a], nodes[b]) for a, b in found.conflicts],
    )
