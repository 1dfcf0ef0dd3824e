"""Stable person ids across runs: a family's case number must not change silently.

Each new cluster takes the id of the previous person it overlaps most (largest overlap first;
ties go to the lower id, then to the cluster with the smallest member), each old id going to at
most one cluster. Clusters left without an id get a new one. What happened is returned as events:
a cluster that absorbed records of other persons merged them; an old person whose records now lie
in several clusters was split; an old id that went to no cluster is retired.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class IdAssignment:
    person_of_cluster: dict[Hashable, str]
    events: list[dict] = field(default_factory=list)


def assign_ids(
    clusters: Mapping[Any, Sequence[Hashable]],
    previous: Mapping[Any, str],
    new_id: Callable[[], str],
) -> IdAssignment:
    """`clusters`: cluster -> its records; `previous`: record -> person id from the last run."""
    # each cluster's smallest member as text: the tie-breaker below and the order new ids follow
    smallest = {cluster_key: min(map(str, members)) for cluster_key, members in clusters.items()}
    overlaps: list[tuple[int, str, str, Hashable]] = []
    for cluster_key, members in clusters.items():
        counts = Counter(previous[m] for m in members if m in previous)
        for person_id, n in counts.items():
            overlaps.append((n, person_id, smallest[cluster_key], cluster_key))
    overlaps.sort(key=lambda o: (-o[0], o[1], o[2]))

    taken_ids: set[str] = set()
    person_of_cluster: dict[Hashable, str] = {}
    for _n, person_id, _smallest, cluster_key in overlaps:
        if person_id in taken_ids or cluster_key in person_of_cluster:
            continue
        person_of_cluster[cluster_key] = person_id
        taken_ids.add(person_id)

    events: list[dict] = []
    for cluster_key in sorted(clusters, key=smallest.__getitem__):
        if cluster_key not in person_of_cluster:
            person_of_cluster[cluster_key] = new_id()
            events.append(
                {
                    "person_id": person_of_cluster[cluster_key],
                    "kind": "created",
                    "detail": {"records": len(clusters[cluster_key])},
                }
            )

    # Where did each old person's records go?
    destinations: dict[str, set[str]] = {}
    for cluster_key, members in clusters.items():
        for m in members:
            if m in previous:
                destinations.setdefault(previous[m], set()).add(person_of_cluster[cluster_key])
    for old_id, now in sorted(destinations.items()):
        if old_id not in taken_ids:
            survivor = sorted(now)[0] if len(now) == 1 else None
            kind = "merged" if survivor else "retired"
            events.append({"person_id": old_id, "kind": kind, "detail": {"into": sorted(now)}})
        elif len(now) > 1:
            events.append({"person_id": old_id, "kind": "split", "detail": {"into": sorted(now - {old_id})}})
    for old_id in sorted(set(previous.values()) - set(destinations)):
        events.append({"person_id": old_id, "kind": "retired", "detail": {"into": []}})
    return IdAssignment(person_of_cluster=person_of_cluster, events=events)
