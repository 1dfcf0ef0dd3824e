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


def _ids_agree(ids_a: frozenset[str], ids_b: frozenset[str]) -> bool:
    """Whether two clusters' national numbers allow one person: either has none, or one of each is
    at most a typo from the other."""
    if ids_a and ids_b:
        return any(_one_typo_apart(x, y) for x in ids_a for y in ids_b)
    return True


def _sex_bits(sexes: Sequence[str | None]) -> list[int]:
    """Each node's sex as a bit of its own (0: unknown), so that a cluster's sexes are the OR of its
    nodes' and two clusters' sets are equal exactly when their bits are."""
    bit = {sex: 1 << i if sex else 0 for i, sex in enumerate(dict.fromkeys(sexes))}
    return list(map(bit.__getitem__, sexes))


# a root's national numbers (`_Forest.ids`): its record's own (None or empty: none), or once its
# cluster holds records of different numbers, the set of them
NationalIds = str | frozenset[str] | None


def _as_set(ids: str | frozenset[str]) -> frozenset[str]:
    return ids if isinstance(ids, frozenset) else frozenset((ids,))


def _numbers_agree(ids_a: str | frozenset[str], ids_b: str | frozenset[str]) -> bool:
    """`_ids_agree` of two roots' national numbers, both known."""
    if isinstance(ids_a, str) and isinstance(ids_b, str):
        return _one_typo_apart(ids_a, ids_b)
    return _ids_agree(_as_set(ids_a), _as_set(ids_b))


class _Forest:
    """Union-find over nodes numbered 0..n-1, in lists (a million records: dicts keyed by record
    keys, hashed at every step, were most of the clustering's time).

    Each root also holds its cluster's traits: `sex`, the bits of the sexes its records carry
    (`_sex_bits`), and `ids`, their national numbers (`NationalIds`: most clusters never need a
    set); a non-root's are stale and never read."""

    def __init__(self, sexes: Sequence[str | None], national_ids: Sequence[str | None]) -> None:
        n = len(sexes)
        self.parent: list[int] = list(range(n))
        self.size: list[int] = [1] * n
        self.apart: dict[int, set[int]] = {}
        self.sex = _sex_bits(sexes)
        self.ids: list[NationalIds] = list(national_ids)

    def find(self, node: int) -> int:
        parent = self.parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def roots(self) -> np.ndarray:
        """Each node's root, by pointer jumping over the whole forest at once."""
        root = np.asarray(self.parent, dtype=np.int64)
        while True:
            above = root[root]
            if np.array_equal(above, root):
                return root
            root = above

    def forbid(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.apart.setdefault(ra, set()).add(rb)
        self.apart.setdefault(rb, set()).add(ra)

    def may_join(self, ra: int, rb: int) -> bool:
        return rb not in self.apart.get(ra, ())

    def join(self, ra: int, rb: int) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        self.sex[ra] |= self.sex[rb]
        moved_ids, kept_ids = self.ids[rb], self.ids[ra]
        if moved_ids:
            self.ids[ra] = _as_set(kept_ids) | _as_set(moved_ids) if kept_ids else moved_ids
        moved = self.apart.pop(rb, None)
        if moved:
            kept_apart = self.apart.setdefault(ra, set())
            for other in moved:
                peers = self.apart[other]
                peers.discard(rb)
                peers.add(ra)
                kept_apart.add(other)

    def join_in_order(self, left: list[int], right: list[int]) -> int:
        """Join each pair's clusters, in the order given, where no cannot-link lies between them
        and their traits agree (the sexes known are the same, and the national numbers known are at
        most a typo apart: `_numbers_agree`); the number of joins refused. The loop of the whole
        clustering: a node that is its own root is not looked up, and traits are compared inline."""
        parent, find, join, apart, sex, ids = (
            self.parent,
            self.find,
            self.join,
            self.apart,
            self.sex,
            self.ids,
        )
        refused = 0
        for a, b in zip(left, right, strict=True):
            ra = a if parent[a] == a else find(a)
            rb = b if parent[b] == b else find(b)
            if ra == rb:
                continue
            sex_a, sex_b, ids_a, ids_b = sex[ra], sex[rb], ids[ra], ids[rb]
            if (
                (apart and rb in apart.get(ra, ()))
                or (sex_a and sex_b and sex_a != sex_b)
                or (ids_a and ids_b and not _numbers_agree(ids_a, ids_b))
            ):
                refused += 1
            else:
                join(ra, rb)
        return refused


@dataclass
class IndexedClusters:
    """`cluster_indices`' result: each node's root (a node of its cluster), by node number."""

    root: np.ndarray
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
    forest = _Forest(sexes, national_ids)
    conflicts: list[tuple[int, int]] = []
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
    refused = forest.join_in_order(np.asarray(left)[strong].tolist(), np.asarray(right)[strong].tolist())
    return IndexedClusters(forest.roots(), refused, conflicts)


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
        must_link=numbered(must_link, number),
        cannot_link=numbered(cannot_link, number),
        kept_apart=numbered(kept_apart, number),
    )
    return clusters_of(nodes, found)


def numbered(pairs: Iterable[tuple[Hashable, Hashable]], index: Mapping[Any, int]) -> list[tuple[int, int]]:
    """The pairs of nodes as pairs of their numbers, those with a node `index` lacks left out."""
    return [(index[a], index[b]) for a, b in pairs if a in index and b in index]


def clusters_of(nodes: Sequence[Hashable], found: IndexedClusters) -> ClusterResult:
    """`found`, over the numbers of `nodes` (node i is `nodes[i]`), as a `ClusterResult` of the
    nodes themselves."""
    return ClusterResult(
        cluster_of=dict(zip(nodes, map(nodes.__getitem__, found.root.tolist()), strict=True)),
        refused_joins=found.refused_joins,
        conflicts=[(nodes[a], nodes[b]) for a, b in found.conflicts],
    )


def grouped(nodes: Sequence[Hashable], found: IndexedClusters) -> dict[Hashable, list[Hashable]]:
    """`clusters_of(nodes, found).clusters()`, grouped by sorting the roots' numbers rather than
    node by node in a dict: each cluster's root and its nodes, the clusters in the order of their
    first node and their nodes in the order of `nodes`."""
    root = found.root
    if not len(root):
        return {}
    order = np.argsort(root, kind="stable")  # the nodes by cluster, each cluster's in node order
    ranked = root[order]
    starts = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1])))
    ends = np.append(starts[1:], len(root))
    by_first = np.argsort(order[starts], kind="stable")  # the clusters by their first node
    members = list(map(nodes.__getitem__, order.tolist()))
    spans = map(slice, starts[by_first].tolist(), ends[by_first].tolist())
    roots = map(nodes.__getitem__, ranked[starts][by_first].tolist())
    return dict(zip(roots, map(members.__getitem__, spans), strict=True))
