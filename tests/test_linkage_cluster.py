"""Clustering with reviewers' judgements as constraints, and stable person ids across runs."""

import itertools

from athar.linkage.cluster import cluster
from athar.linkage.ids import assign_ids


def groups(result):
    return sorted(sorted(members) for members in result.clusters().values())


def test_pairs_above_threshold_join_transitively():
    result = cluster("abcd", [("a", "b", 0.99), ("b", "c", 0.95), ("c", "d", 0.4)], threshold=0.9)
    assert groups(result) == [["a", "b", "c"], ["d"]]


def test_same_judgement_joins_a_pair_the_model_scored_low():
    result = cluster("abc", [("a", "b", 0.1)], threshold=0.9, must_link=[("a", "b")])
    assert groups(result) == [["a", "b"], ["c"]]


def test_cannot_link_splits_a_chain_at_its_weakest_link():
    pairs = [("a", "b", 0.99), ("b", "c", 0.92), ("c", "d", 0.98)]
    result = cluster("abcd", pairs, threshold=0.9, cannot_link=[("a", "d")])
    assert groups(result) == [["a", "b"], ["c", "d"]]
    assert result.refused_joins == 1


def test_different_judgement_beats_the_most_confident_pair():
    result = cluster("ab", [("a", "b", 0.9999)], threshold=0.5, cannot_link=[("a", "b")])
    assert groups(result) == [["a"], ["b"]]


def test_cannot_link_survives_merges_on_both_sides():
    pairs = [("a", "b", 0.99), ("c", "d", 0.99), ("b", "c", 0.95)]
    result = cluster("abcd", pairs, threshold=0.9, cannot_link=[("a", "d")])
    assert groups(result) == [["a", "b"], ["c", "d"]]


def test_contradicting_same_judgement_is_reported_not_applied():
    result = cluster("abc", [], threshold=0.9, must_link=[("a", "b"), ("b", "c")], cannot_link=[("a", "c")])
    assert result.conflicts == [("b", "c")]
    assert groups(result) == [["a", "b"], ["c"]]


def test_result_does_not_depend_on_pair_order():
    pairs = [("a", "b", 0.97), ("b", "c", 0.95), ("c", "d", 0.99), ("d", "e", 0.91)]
    expected = None
    for order in itertools.permutations(pairs):
        got = groups(cluster("abcde", order, threshold=0.9, cannot_link=[("a", "e")]))
        expected = expected or got
        assert got == expected


def counter_ids():
    counter = itertools.count(100)
    return lambda: f"P-{next(counter)}"


def test_first_run_creates_a_person_per_cluster():
    result = assign_ids({"x": ["r1", "r2"], "y": ["r3"]}, {}, counter_ids())
    assert sorted(result.person_of_cluster.values()) == ["P-100", "P-101"]
    assert [e["kind"] for e in result.events] == ["created", "created"]


def test_ids_survive_when_an_unrelated_record_arrives():
    previous = {"r1": "P-1", "r2": "P-1", "r3": "P-2"}
    result = assign_ids({"x": ["r1", "r2"], "y": ["r3"], "z": ["r9"]}, previous, counter_ids())
    assert result.person_of_cluster == {"x": "P-1", "y": "P-2", "z": "P-100"}
    assert [(e["person_id"], e["kind"]) for e in result.events] == [("P-100", "created")]


def test_largest_overlap_keeps_the_id_on_a_split():
    previous = {"r1": "P-1", "r2": "P-1", "r3": "P-1"}
    result = assign_ids({"x": ["r1"], "y": ["r2", "r3"]}, previous, counter_ids())
    assert result.person_of_cluster == {"y": "P-1", "x": "P-100"}
    assert {"person_id": "P-1", "kind": "split", "detail": {"into": ["P-100"]}} in result.events


def test_merge_keeps_the_larger_persons_id_and_records_the_merge():
    previous = {"r1": "P-1", "r2": "P-2", "r3": "P-2"}
    result = assign_ids({"x": ["r1", "r2", "r3"]}, previous, counter_ids())
    assert result.person_of_cluster == {"x": "P-2"}
    assert result.events == [{"person_id": "P-1", "kind": "merged", "detail": {"into": ["P-2"]}}]


def test_tie_goes_to_the_lower_id():
    previous = {"r1": "P-7", "r2": "P-3"}
    result = assign_ids({"x": ["r1", "r2"]}, previous, counter_ids())
    assert result.person_of_cluster == {"x": "P-3"}


def test_records_of_different_sex_never_end_in_one_cluster():
    attributes = {"a": {"sex": "M"}, "b": {"sex": None}, "c": {"sex": "F"}}
    result = cluster("abc", [("a", "b", 0.99), ("b", "c", 0.98)], threshold=0.9, attributes=attributes)
    assert groups(result) == [["a", "b"], ["c"]]


def test_national_numbers_more_than_one_typo_apart_keep_clusters_apart():
    attributes = {
        "a": {"national_id": "01020304050"},
        "b": {"national_id": "01020304051"},  # one digit off: a typo, same person
        "c": {"national_id": "09876543210"},
    }
    result = cluster("abc", [("a", "b", 0.95), ("a", "c", 0.99)], threshold=0.9, attributes=attributes)
    assert groups(result) == [["a", "b"], ["c"]]


def test_a_reviewers_same_overrides_conflicting_national_numbers():
    attributes = {"a": {"national_id": "01020304050"}, "b": {"national_id": "09876543210"}}
    result = cluster("ab", [], threshold=0.9, must_link=[("a", "b")], attributes=attributes)
    assert groups(result) == [["a", "b"]]


def _reference_cluster(nodes, pairs, threshold, must_link=(), cannot_link=(), attributes=None, kept_apart=()):
    """The clustering as it was written before it ran on node numbers (dicts keyed by the nodes):
    the oracle `cluster` must agree with, cluster for cluster and in the same order."""
    from athar.linkage.cluster import _one_typo_apart

    def _compatible(a, b):  # the rule as first written: sexes equal where known, numbers a typo apart
        (sexes_a, ids_a), (sexes_b, ids_b) = a, b
        if sexes_a and sexes_b and sexes_a != sexes_b:
            return False
        return not (ids_a and ids_b) or any(_one_typo_apart(x, y) for x in ids_a for y in ids_b)

    attributes = attributes or {}
    parent = {n: n for n in nodes}
    size = dict.fromkeys(parent, 1)
    apart: dict = {}
    traits: dict = {}

    def find(node):
        while parent[node] != node:
            node = parent[node]
        return node

    def own(root):
        a = attributes.get(root, {})
        sex, nid = a.get("sex"), a.get("national_id")
        return (frozenset((sex,)) if sex else frozenset(), frozenset((nid,)) if nid else frozenset())

    def forbid(a, b):
        ra, rb = find(a), find(b)
        apart.setdefault(ra, set()).add(rb)
        apart.setdefault(rb, set()).add(ra)

    def join(ra, rb):
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
        (s1, i1), (s2, i2) = traits.get(ra) or own(ra), traits.get(rb) or own(rb)
        traits.pop(rb, None)
        traits[ra] = (s1 | s2, i1 | i2)
        for other in apart.pop(rb, set()):
            apart[other].discard(rb)
            apart[other].add(ra)
            apart.setdefault(ra, set()).add(other)

    refused, conflicts = 0, []
    for a, b in cannot_link:
        if a in parent and b in parent:
            forbid(a, b)
    for a, b in must_link:
        if a in parent and b in parent and find(a) != find(b):
            if find(b) in apart.get(find(a), ()):
                conflicts.append((a, b))
            else:
                join(find(a), find(b))
    for a, b in kept_apart:
        if a in parent and b in parent and find(a) != find(b):
            forbid(a, b)
    for a, b, _p in sorted((p for p in pairs if p[2] >= threshold), key=lambda p: -p[2]):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if rb not in apart.get(ra, ()) and _compatible(traits.get(ra) or own(ra), traits.get(rb) or own(rb)):
            join(ra, rb)
        else:
            refused += 1
    cluster_of = {n: find(n) for n in parent}
    groups: dict = {}
    for node, root in cluster_of.items():
        groups.setdefault(root, []).append(node)
    return cluster_of, groups, refused, conflicts


def _some_pairs(rng, nodes, most):
    return [tuple(rng.sample(nodes, 2)) for _ in range(rng.randint(0, most))] if len(nodes) >= 2 else []


def test_clusters_equal_the_dict_based_clustering_on_random_graphs():
    import random

    rng = random.Random(15)
    for trial in range(60):
        n = rng.choice([0, 1, 2, 5, 30, 200])
        nodes = [("list", f"r{i}") for i in range(n)]
        attributes = {
            k: {
                "sex": rng.choice([None, "", "M", "F"]),
                "national_id": rng.choice([None, "", "0123456789", "0123456788", "0123465789", "99"]),
            }
            for k in nodes
        }
        pairs = []
        for _ in range(rng.randint(0, 3 * n) if n >= 2 else 0):
            a, b = rng.sample(nodes, 2)
            pairs.append((a, b, rng.choice([0.2, 0.9, 0.95, 0.99, rng.random()])))
        must, cannot, apart = (_some_pairs(rng, nodes, n // k) for k in (10, 10, 5))
        if n >= 2:
            cannot.append((nodes[0], ("other", "not clustered")))  # constraints on unknown nodes are ignored
        got = cluster(nodes, pairs, 0.9, must, cannot, attributes=attributes, kept_apart=apart)
        cluster_of, groups, refused, conflicts = _reference_cluster(
            nodes, pairs, 0.9, must, cannot, attributes, apart
        )
        assert list(got.cluster_of.items()) == list(cluster_of.items()), trial
        assert list(got.clusters().items()) == list(groups.items()), trial
        assert (got.refused_joins, got.conflicts) == (refused, conflicts), trial


def test_a_pair_below_the_threshold_may_name_a_node_not_clustered():
    result = cluster("ab", [("a", "z", 0.2), ("a", "b", 0.95)], threshold=0.9)
    assert groups(result) == [["a", "b"]]


def test_new_ids_follow_the_text_of_each_clusters_smallest_member():
    # cluster z's smallest member ("a10") comes first in text order, though it was listed last and
    # "a9" < "a10" as numbers would have it
    clusters = {"x": [("s", "b2"), ("s", "a9")], "y": [("s", "c1")], "z": [("s", "d"), ("s", "a10")]}
    result = assign_ids(clusters, {}, counter_ids())
    assert result.person_of_cluster == {"z": "P-100", "x": "P-101", "y": "P-102"}
    assert [e["person_id"] for e in result.events] == ["P-100", "P-101", "P-102"]


def test_event_details_are_written_as_the_column_writes_them_a_created_one_once_for_each_size():
    import json

    from athar.linkage.persist import event_detail_writer

    calls = []

    def write(value):
        calls.append(value)
        return json.dumps(value)

    detail = event_detail_writer(write)
    events = [
        {"kind": "created", "detail": {"records": 2}},
        {"kind": "created", "detail": {"records": 2}},
        {"kind": "created", "detail": {"records": 3}},
        {"kind": "created", "detail": {"records": "2"}},
        {"kind": "created", "detail": {"records": True}},
        {"kind": "created", "detail": {"records": 2, "note": "x"}},
        {"kind": "created", "detail": {}},
        {"kind": "created"},
        {"kind": "merged", "detail": {"records": 2}},
        {"kind": "merged", "detail": {"into": ["P-1"]}},
    ]
    assert [detail(e) for e in events] == [json.dumps(e.get("detail")) for e in events]
    assert len(calls) == len(events) - 1  # the repeated {"records": 2} of a created event written once


def test_grouped_clusters_equal_the_result_s_clusters():
    """`grouped` (what the link step keeps as its clusters) sorts roots' numbers: the same clusters,
    keyed by the same roots, in the same order, as `ClusterResult.clusters`."""
    import random

    import numpy as np

    from athar.linkage.cluster import cluster_indices, clusters_of, grouped

    rng = random.Random(3)
    for trial in range(40):
        n = rng.choice([0, 1, 2, 7, 50, 300])
        nodes = [("list", f"r{i}") for i in range(n)]
        m = rng.randint(0, 2 * n) if n >= 2 else 0
        left = np.array([rng.randrange(n) for _ in range(m)], dtype=np.int64)
        right = np.array([rng.randrange(n) for _ in range(m)], dtype=np.int64)
        probability = np.array([rng.choice([0.5, 0.95, rng.random()]) for _ in range(m)])
        sexes = [rng.choice([None, "M", "F"]) for _ in range(n)]
        found = cluster_indices(sexes, [None] * n, left, right, probability, 0.9)
        expected = clusters_of(nodes, found).clusters()
        assert list(grouped(nodes, found).items()) == list(expected.items()), trial


def test_a_cluster_a_reviewer_gave_two_sexes_takes_no_record_of_either():
    attributes = {"a": {"sex": "M"}, "b": {"sex": "F"}, "c": {"sex": "M"}, "d": {"sex": "F"}, "e": {}}
    pairs = [("a", "c", 0.99), ("b", "d", 0.98), ("a", "e", 0.97)]
    result = cluster("abcde", pairs, 0.9, must_link=[("a", "b")], attributes=attributes)
    assert groups(result) == [["a", "b", "e"], ["c"], ["d"]]
    assert result.refused_joins == 2
