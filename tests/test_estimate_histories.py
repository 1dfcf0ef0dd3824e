"""Capture histories come in from CSV, the published tables' JSON (tests/data/mse) and memberships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from athar.estimate import CaptureHistories, stratify

DATA = Path(__file__).parent / "data" / "mse"


def test_json_table_counts_add_up_to_the_published_number_observed():
    raw = json.loads((DATA / "kosovo_1999_killings_4lists.json").read_text("utf-8"))
    hist = CaptureHistories.from_json(raw)
    assert hist.lists == ("EXH", "ABA", "OSCE", "HRW")
    assert hist.n_observed == raw["n_observed"]
    assert len(hist.counts) == raw["n_patterns_nonzero"]


def test_csv_round_trip_keeps_every_count(tmp_path):
    hist = CaptureHistories.from_json(DATA / "western_us_sex_trafficking_5lists.json")
    path = tmp_path / "h.csv"
    hist.to_csv(path)
    assert CaptureHistories.from_csv(path) == hist


def test_csv_without_count_column_counts_one_person_per_row(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("a,b\n1,0\n1,1\n1,1\n0,0\n", encoding="utf-8")
    hist = CaptureHistories.from_csv(path)
    assert hist.counts == {(1, 0): 1, (1, 1): 2}


def test_csv_with_a_value_that_is_not_zero_or_one_is_refused_with_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,count\n1,0,3\n1,x,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        CaptureHistories.from_csv(path)


def test_all_absent_history_and_zero_counts_are_dropped():
    hist = CaptureHistories(("a", "b"), {(0, 0): 5, (1, 0): 0, (0, 1): 2})
    assert hist.counts == {(0, 1): 2}
    assert hist.n_observed == 2


def test_memberships_count_each_person_once_with_the_union_of_sources():
    rows = [("p1", {"morgue"}), ("p1", {"detention"}), ("p2", {"morgue"}), ("p3", {"families", "morgue"})]
    hist = CaptureHistories.from_memberships(rows, lists=["detention", "families", "morgue"])
    assert hist.counts == {(1, 0, 1): 1, (0, 0, 1): 1, (0, 1, 1): 1}


def test_stratify_gives_one_table_per_stratum_over_the_same_lists():
    rows = [
        ("p1", {"A"}, {"governorate": "Homs", "sex": "m"}),
        ("p2", {"A", "B"}, {"governorate": "Homs", "sex": "f"}),
        ("p3", {"B"}, {"governorate": "Idlib", "sex": "m"}),
        ("p4", {"C"}, {"sex": "m"}),
    ]
    strata = stratify(rows, by=["governorate"])
    assert set(strata) == {("Homs",), ("Idlib",), (None,)}
    assert all(h.lists == ("A", "B", "C") for h in strata.values())
    assert strata[("Homs",)].n_observed == 2
    assert sum(h.n_observed for h in strata.values()) == 4


def test_empty_lists_are_dropped_before_estimating_a_stratum():
    hist = CaptureHistories(("A", "B", "C"), {(1, 0, 0): 3, (1, 1, 0): 1})
    assert hist.drop_empty_lists().lists == ("A", "B")


def test_merging_lists_takes_the_union():
    hist = CaptureHistories.from_json(DATA / "new_orleans_trafficking_8lists_n185.json")
    merged = hist.merge_lists({"A": ["A"], "BEFG": ["B", "E", "F", "G"], "C": ["C"], "D": ["D"], "H": ["H"]})
    five = CaptureHistories.from_json(DATA / "new_orleans_trafficking_5lists_n185.json")
    assert merged == five
