"""A pass split over this process and a forked one gives what one process gives."""

from __future__ import annotations

import os

import pandas as pd

from athar.linkage import features
from athar.linkage.halves import in_two_halves


def _work(items):
    return [item * 2 for item in items], [os.getpid()] * len(items)


def test_the_second_half_is_done_in_another_process_and_the_results_keep_their_order():
    doubled, pids = in_two_halves(_work, list(range(11)), min_items=2)
    assert doubled == [i * 2 for i in range(11)]
    assert set(pids[:5]) == {os.getpid()} and os.getpid() not in pids[5:]


def test_few_items_stay_in_this_process():
    _doubled, pids = in_two_halves(_work, [1, 2, 3], min_items=4)
    assert set(pids) == {os.getpid()}


def test_a_child_that_dies_has_its_half_done_here():
    parent = os.getpid()

    def dies_in_the_child(items):
        if os.getpid() != parent:
            os._exit(3)
        return (list(items),)

    assert in_two_halves(dies_in_the_child, list(range(6)), min_items=2) == (list(range(6)),)


def test_features_computed_in_two_processes_equal_those_of_one(monkeypatch):
    names = ["Amr Said Hamza", "محمد خير أحمد الدرة", "هاله عمر", "HADDAD, Hamza", "Mhd Khair Ali Nasar", "Hala"]
    records = [
        {"unique_id": i, "source_dataset": "a" if i % 2 else "b", "full_name": name, "event_date": "2013-05"}
        for i, name in enumerate(names * 3)
    ]
    records += [{"unique_id": 100, "source_dataset": "c", "given_name": "محمد خير", "family_name": "الدرة"}]
    one = features.feature_frame(records, other_readings=True)
    monkeypatch.setattr(features, "PARALLEL_MIN_RECORDS", 2)
    two = features.feature_frame(records, other_readings=True)
    assert len(one) > len(records)  # some names read more than one way
    pd.testing.assert_frame_equal(one, two)
