"""Dental notation: FDI + M/F/C/R, X, none and empty read as the issue says; comparison tells
explainable discrepancies from excluding ones as Interpol DVI practice does."""

from __future__ import annotations

import pytest

from athar.dental import DentalError, Tooth, compare, normalise_chart, parse_chart


def test_listed_teeth_carry_their_condition() -> None:
    chart = parse_chart("16F 26C 36M 46RC", post_mortem=False)
    assert chart.state(16) is Tooth.FILLED
    assert chart.state(26) is Tooth.CROWNED
    assert chart.state(36) is Tooth.MISSING
    assert chart.state(46) is Tooth.CROWNED  # root canal under a crown reads as the crown


def test_ante_mortem_unlisted_tooth_is_unknown_post_mortem_unlisted_is_sound() -> None:
    assert parse_chart("16F", post_mortem=False).state(11) is Tooth.UNKNOWN
    assert parse_chart("16F", post_mortem=True).state(11) is Tooth.SOUND


def test_x_means_not_recovered_and_is_for_remains_only() -> None:
    assert parse_chart("11X", post_mortem=True).state(11) is Tooth.UNKNOWN
    with pytest.raises(DentalError, match="remains only"):
        parse_chart("11X", post_mortem=False)


def test_none_is_examined_and_sound_empty_is_not_examined() -> None:
    assert parse_chart("none", post_mortem=True).state(36) is Tooth.SOUND
    assert not parse_chart("", post_mortem=True).examined
    assert parse_chart("  ", post_mortem=True).state(36) is Tooth.UNKNOWN


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("19F", "not an FDI tooth"),
        ("16Q", "unknown condition"),
        ("16", "not a tooth and condition"),
        ("16F 16C", "listed twice"),
        ("16MF", "missing tooth cannot"),
        ("F16", "not a tooth and condition"),
    ],
)
def test_malformed_entries_are_refused_with_the_entry_named(text: str, message: str) -> None:
    with pytest.raises(DentalError, match=message):
        parse_chart(text, post_mortem=True)


def test_arabic_indic_digits_and_lower_case_are_read() -> None:
    assert normalise_chart("٣٦m 16f", post_mortem=False) == "16F 36M"


def test_filling_after_the_record_is_explainable() -> None:
    result = compare(parse_chart("16F", False), parse_chart("16C 26F", True))
    assert [d.tooth for d in result.explainable] == [16]  # 26 was never recorded: unknown
    assert not result.excluded


def test_tooth_missing_in_life_present_on_the_body_excludes() -> None:
    result = compare(parse_chart("36M", False), parse_chart("none", True))
    assert [d.tooth for d in result.excluding] == [36]
    assert result.excluded


def test_filling_absent_from_the_body_excludes() -> None:
    assert compare(parse_chart("16F", False), parse_chart("26F", True)).excluded


def test_tooth_not_recovered_tells_nothing() -> None:
    result = compare(parse_chart("36M", False), parse_chart("36X", True))
    assert result.compared == 0 or 36 not in result.concordant
    assert not result.excluded


def test_concordant_restorations_are_counted() -> None:
    result = compare(parse_chart("16F 36M", False), parse_chart("16F 36M", True))
    assert result.concordant == (16, 36)


def test_unexamined_remains_compare_nothing() -> None:
    assert compare(parse_chart("16F", False), parse_chart("", True)).compared == 0
