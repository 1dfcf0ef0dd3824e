"""A map shared between this process and a forked one gives what one process gives."""

from __future__ import annotations

import os

import pandas as pd

from athar.linkage import features
from athar.linkage.halves import map_in_two_processes


def _work(items):
    return [(item * 2, os.getpid()) for item in items]


def test_every_second_item_is_done_in_another_process_and_the_results_keep_their_order():
    out = map_in_two_processes(_work, list(range(11)), min_items=2)
    assert [doubled for doubled, _pid in out] == [i * 2 for i in range(11)]
    pids = [pid for _doubled, pid in out]
    assert set(pids[0::2]) == {os.getpid()} and os.getpid() not in pids[1::2]


def test_few_items_stay_in_this_process():
    assert {pid for _doubled, pid in map_in_two_processes(_work, [1, 2, 3], min_items=4)} == {os.getpid()}


def test_a_child_that_dies_has_its_share_done_here():
    parent = os.getpid()

    def dies_in_the_child(items):
        if os.getpid() != parent:
            os._exit(3)
        return list(items)

    assert map_in_two_processes(dies_in_the_child, list(range(7)), min_items=2) == list(range(7))


def test_features_computed_in_two_processes_equal_those_of_one(monkeypatch):
    names = ["Amr Said Hamza", "محمد خير أحمد الدرة", "هاله عمر", "HADDAD, Hamza", "Mhd Khair Ali", "Hala"]
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
