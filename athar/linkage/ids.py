"""Stable person ids across runs: a family's case number must not change silently.

Each new cluster takes the id of the previous person it overlaps most (largest overlap first;
ties go to the lower id, then to the cluster with the smallest member), each old id going to at
most one cluster. Clusters left without an id get a new one. What happened is returned as events:
a cluster that absorbed records of other persons merged them; an old person whose records now lie
in several clusters was split; an old id that went to no cluster is retired.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class IdAssignment:
    person_of_cluster: dict[Hashable, str]
    events: list[dict] = field(default_factory=list)


def assign_ids(
    clusters: Mapping[Any, Sequence[Hashable]],
    previous: Mapping[Any, str],
    new_id: Callable[[], str],
) -> IdAssignment:
    """`clusters`: cluster -> its records; `previous`: record -> person id from the last run.

    In arrays (a million records in a few hundred thousand clusters): only the greedy pass over
    the overlaps of clusters and old persons that are not one to one is a Python loop."""
    keys = list(clusters)
    sizes = np.fromiter((len(clusters[k]) for k in keys), dtype=np.int64, count=len(keys))
    members = [m for k in keys for m in clusters[k]]
    cluster_of_member = np.repeat(np.arange(len(keys), dtype=np.int64), sizes)
    least = _smallest_member_ranks([clusters[k] for k in keys])
    # how many of each cluster's records each old person held: the largest overlap first
    was = pd.Series([previous.get(m) for m in members], dtype=object)
    held = was.notna().to_numpy()
    overlaps = (
        pd.DataFrame({"cluster": cluster_of_member[held], "person": was[held].to_numpy()})
        .groupby(["cluster", "person"], sort=False)
        .size()
        .rename("n")
        .reset_index()
    )
    overlaps["smallest"] = least[overlaps["cluster"].to_numpy()]
    overlaps["minus_n"] = -overlaps["n"]
    overlaps = overlaps.sort_values(["minus_n", "person", "smallest"], kind="stable")
    # a cluster that overlaps one old person only, who overlaps no other cluster, keeps that id
    # whatever the order (most clusters of a re-run); the greedy pass is for the rest
    alone = ~(overlaps["cluster"].duplicated(keep=False) | overlaps["person"].duplicated(keep=False))
    alone_persons = overlaps["person"][alone].tolist()
    named = overlaps["cluster"][alone].tolist()
    person_of_cluster: dict[Hashable, str] = dict(zip([keys[c] for c in named], alone_persons, strict=True))
    taken_ids: set[str] = set(alone_persons)
    rest = overlaps[~alone]
    pairs = list(zip(rest["cluster"].tolist(), rest["person"].tolist(), strict=True))
    for c, person_id in pairs:
        cluster_key = keys[c]
        if person_id in taken_ids or cluster_key in person_of_cluster:
            continue
        person_of_cluster[cluster_key] = person_id
        taken_ids.add(person_id)
        named.append(c)

    # the clusters left without an id, in the order of their smallest members: new ids
    unnamed = np.ones(len(keys), dtype=bool)
    unnamed[named] = False
    fresh = np.flatnonzero(unnamed)
    fresh = fresh[np.argsort(least[fresh], kind="stable")]
    new_ids = [new_id() for _ in range(len(fresh))]
    person_of_cluster.update(zip([keys[c] for c in fresh.tolist()], new_ids, strict=True))
    events: list[dict] = [
        {"person_id": person_id, "kind": "created", "detail": {"records": n}}
        for person_id, n in zip(new_ids, sizes[fresh].tolist(), strict=True)
    ]

    # Where did each old person's records go? (a person alone in its cluster stayed whole)
    destinations: dict[str, set[str]] = {}
    for c, person_id in pairs:
        destinations.setdefault(person_id, set()).add(person_of_cluster[keys[c]])
    for old_id, now in sorted(destinations.items()):
        if old_id not in taken_ids:
            survivor = sorted(now)[0] if len(now) == 1 else None
            kind = "merged" if survivor else "retired"
            events.append({"person_id": old_id, "kind": kind, "detail": {"into": sorted(now)}})
        elif len(now) > 1:
            events.append({"person_id": old_id, "kind": "split", "detail": {"into": sorted(now - {old_id})}})
    for old_id in sorted(set(previous.values()) - set(destinations) - set(alone_persons)):
        events.append({"person_id": old_id, "kind": "retired", "detail": {"into": []}})
    return IdAssignment(person_of_cluster=person_of_cluster, events=events)


def _smallest_member_ranks(clusters: Iterable[Sequence[Hashable]]) -> np.ndarray:
    """Each cluster's rank among the clusters by the text of its smallest member (the text of a
    member being `str(member)`): equal texts share a rank. Only the order of ranks counts (the
    tie-breaker and the order new ids follow); ranked as clusters, not members, and by Python's
    sort, which is near linear where clusters come nearly in that order already."""
    least = [min(map(str, members)) for members in clusters]
    order = sorted(range(len(least)), key=least.__getitem__)
    ranks = np.empty(len(least), dtype=np.int64)
    rank, before = -1, None
    for i in order:
        text = least[i]
        if text != before:
            rank, before = rank + 1, text
        ranks[i] = rank
    return ranks
