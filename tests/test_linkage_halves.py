"""A map shared between this process and a forked one gives what one process gives."""

from __future__ import annotations

import multiprocessing as mp
import os
import time

import pandas as pd
import pytest

from athar.linkage import features, halves
from athar.linkage.halves import map_in_two_processes


@pytest.fixture(autouse=True)
def _two_cpus(monkeypatch):
    """The fork is taken on any host these tests run on, one CPU or more."""
    monkeypatch.setattr(halves, "usable_cpus", lambda: 2)


def _work(items):
    return [(item * 2, os.getpid()) for item in items]


_PARENT = os.getpid()


def _slow_work(items):
    # slow here, so that the child, some milliseconds behind, gets chunks too even on a busy machine
    time.sleep(0.1 if os.getpid() == _PARENT else 0.0)
    return _work(items)


def test_chunks_are_taken_from_both_ends_and_the_results_keep_their_order():
    parent, first_done = os.getpid(), mp.get_context("fork").Event()

    def work(items):
        if os.getpid() == parent:
            out = _slow_work(items)
            first_done.set()
            return out
        first_done.wait(10)  # the child's first chunk waits for this process's first
        return _work(items)

    out = map_in_two_processes(work, list(range(11)), min_items=2, chunk=1)
    assert [doubled for doubled, _pid in out] == [i * 2 for i in range(11)]
    pids = [pid for _doubled, pid in out]
    here = pids.count(os.getpid())
    assert 0 < here < 11 and set(pids[:here]) == {os.getpid()} and os.getpid() not in pids[here:]
    assert not mp.active_children()


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 20])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 13])
def test_any_chunk_size_gives_every_result_once_in_order(n, chunk):
    assert [doubled for doubled, _pid in map_in_two_processes(_work, list(range(n)), 0, chunk=chunk)] == [
        i * 2 for i in range(n)
    ]


@pytest.mark.parametrize("min_items", [0, 100])
def test_meanwhile_is_called_once_here_forked_or_not(min_items):
    calls = []
    out = map_in_two_processes(
        _slow_work, list(range(6)), min_items, meanwhile=lambda: calls.append(os.getpid())
    )
    assert calls == [os.getpid()]
    assert [doubled for doubled, _pid in out] == [i * 2 for i in range(6)]


def test_few_items_stay_in_this_process():
    assert {pid for _doubled, pid in map_in_two_processes(_work, [1, 2, 3], min_items=4)} == {os.getpid()}


def test_a_child_that_dies_has_its_share_done_here():
    parent = os.getpid()

    def dies_in_the_child(items):
        if os.getpid() != parent:
            os._exit(3)
        return list(items)

    assert map_in_two_processes(dies_in_the_child, list(range(7)), min_items=2) == list(range(7))


def test_an_error_in_the_child_is_raised_here_without_doing_its_share_again():
    parent = os.getpid()
    calls = []

    def fails_in_the_child(items):
        calls.append(len(items))
        if os.getpid() != parent:
            raise ValueError(f"bad record among {len(items)}")
        time.sleep(0.1)  # leaves the child, some milliseconds behind, items to fail on
        return list(items)

    with pytest.raises(ValueError, match="bad record among 1"):
        map_in_two_processes(fails_in_the_child, list(range(7)), min_items=2, chunk=1)
    assert not mp.active_children()


def test_an_error_here_leaves_no_child_behind():
    parent = os.getpid()

    def fails_here(items):
        if os.getpid() == parent:
            raise KeyError("here")
        time.sleep(0.05)  # the child, a few milliseconds behind, leaves this process the first item
        return list(items)

    with pytest.raises(KeyError):
        map_in_two_processes(fails_here, list(range(7)), min_items=2, chunk=1)
    assert not mp.active_children()


def test_features_computed_in_two_processes_equal_those_of_one(monkeypatch):
    names = ["Amr Said Hamza", "محمد خير أحمد الدرة", "هاله عمر", "HADDAD, Hamza", "Mhd Khair Ali", "Hala"]
    records = [
        {"unique_id": i, "source_dataset": "a" if i % 2 else "b", "full_name": name, "event_date": "2013-05"}
        for i, name in enumerate(names * 3)
    ]
    records += [{"unique_id": 100, "source_dataset": "c", "given_name": "محمد خير", "family_name": "الدرة"}]
    one = features.feature_frame(records, other_readings=True)
    forks = []
    real = halves.map_in_two_processes

    def counted(*args, **kwargs):
        forks.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(features, "PARALLEL_MIN_RECORDS", 2)
    monkeypatch.setattr(features, "map_in_two_processes", counted)
    two = features.feature_frame(records, other_readings=True)
    monkeypatch.setattr(halves, "CHUNK", 2)  # the distinct names split over both processes
    in_chunks = features.feature_frame(records, other_readings=True)
    assert forks == [2, 2]
    assert len(one) > len(records)  # some names read more than one way
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, in_chunks)
