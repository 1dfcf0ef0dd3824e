"""A national number written on many records is a list's placeholder, read as missing: it neither
pairs the records nor makes namesakes one person, and explain reads it as the run did."""

from __future__ import annotations

import pandas as pd

from athar.linkage.shared_numbers import (
    digest,
    digests,
    numbers_with_digests,
    overused_numbers,
    read_as_missing,
)


def test_a_number_more_records_hold_than_the_limit_is_overused():
    numbers = pd.Series(["1" * 11] * 4 + ["2" * 11] * 2 + [None, "3" * 11])
    assert overused_numbers(numbers, 3) == {"1" * 11}
    assert overused_numbers(numbers, 1) == {"1" * 11, "2" * 11}
    assert overused_numbers(pd.Series([], dtype=object), 1) == frozenset()


def test_a_number_records_of_several_different_given_names_hold_is_overused():
    """19 different persons of one list given one number: the count alone does not tell it from a
    person's handful of records, their given names do."""
    number, other = "1" * 11, "2" * 11
    numbers = pd.Series([number] * 3 + [other] * 3)
    different = pd.Series(["umar", "ziad", "hasan", "umar", "umar", "umr"])
    assert overused_numbers(numbers, 25, different) == {number}  # the other: one name, once misread
    assert overused_numbers(numbers, 25, different, names_limit=3) == frozenset()
    assert overused_numbers(numbers, 25, pd.Series([None, None, None, "umar", "umar", "umar"])) == frozenset()


def test_the_overused_numbers_are_read_as_missing_in_every_row_that_holds_them():
    rows = pd.DataFrame({"national_id": ["1" * 11, "2" * 11, "1" * 11, None], "x": [1, 2, 3, 4]})
    assert read_as_missing(rows, frozenset({"1" * 11})) == 2
    assert rows["national_id"].isna().tolist() == [True, False, True, True]
    assert rows["national_id"].iloc[1] == "2" * 11
    assert rows["x"].tolist() == [1, 2, 3, 4]


def test_a_run_keeps_digests_that_find_the_numbers_again_but_not_the_numbers():
    kept = digests(["1" * 11])
    assert kept == [digest("1" * 11)] and "1" * 11 not in kept[0]
    assert numbers_with_digests(["1" * 11, "2" * 11, None], kept) == {"1" * 11}


def test_a_change_in_the_numbers_read_as_missing_is_a_reason_to_score_again():
    from athar.linkage.staleness import placeholder_reasons

    a, b = digest("1" * 11), digest("2" * 11)
    assert placeholder_reasons(frozenset({a}), frozenset({a})) == []
    (newly,) = placeholder_reasons(frozenset(), frozenset({a, b}))
    assert newly.startswith("2 national numbers newly read as missing")
    (gone,) = placeholder_reasons(frozenset({a}), frozenset({b}))
    assert "1 national number newly read as missing and 1 no longer" in gone


def test_one_persons_records_whose_given_name_reads_three_ways_keep_their_number():
    """بزهان (a scan's noise), برهان and Borhan: three cross-script keys, two consonant skeletons,
    which is what the rule counts (`steps.make_features`); by key, this number was read as missing."""
    from athar.linkage.features import feature_frame

    written = [
        ("بزهان", "خالد", "خمو", None),
        ("برهان", "خالد", "جمو", None),
        (None, None, None, "Borhan Khalled Jamo"),
    ]
    rows = feature_frame(
        [
            {
                "unique_id": i,
                "source_dataset": "l",
                "given_name": g,
                "father_name": f,
                "family_name": fam,
                "full_name": full,
            }
            for i, (g, f, fam, full) in enumerate(written)
        ]
    )
    numbers = pd.Series(["1" * 11] * 3)
    assert rows["given_key"].nunique() == 3
    assert overused_numbers(numbers, 25, rows["given_skel"]) == frozenset()
    assert overused_numbers(numbers, 25, rows["given_key"]) == {"1" * 11}
