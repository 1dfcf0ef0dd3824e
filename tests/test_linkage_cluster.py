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
