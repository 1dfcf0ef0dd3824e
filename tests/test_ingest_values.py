import datetime as dt

import pytest

from athar.ingest.values import BadValue, parse_age, parse_date, parse_national_id, parse_sex

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1985", "1985"),
        ("1985-03", "1985-03"),
        ("1985-03-07", "1985-03-07"),
        ("07/03/1985", "1985-03-07"),
        ("07-03-1985", "1985-03-07"),
        ("7/3/1985", "1985-03-07"),
        ("١٩٨٥-٠٣-٠٧", "1985-03-07"),
        ("۱۹۸۵", "1985"),
        ("٠٧/٠٣/١٩٨٥", "1985-03-07"),
        ("1985-03-07 00:00:00", "1985-03-07"),
        ("  1985 ", "1985"),
        ("", None),
    ],
)
def test_dates_are_read_with_their_precision(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1985-13-45", "month 13"),
        ("1985-02-30", "not a real date"),
        ("31/04/1990", "not a real date"),
        ("2027", "future"),
        ("2026-12", "future"),
        ("2026-11-26", "future"),
        ("1850-01-01", "before 1880"),
        ("last spring", "not a date"),
        ("85", "not a date"),
    ],
)
def test_impossible_and_future_dates_are_refused_with_the_reason(text, reason):
    with pytest.raises(BadValue, match=reason):
        parse_date(text, TODAY)


def test_today_itself_is_not_the_future():
    assert parse_date("2026-11-25", TODAY) == "2026-11-25"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M", "M"),
        ("f", "F"),
        ("Male", "M"),
        ("FEMALE", "F"),
        ("ذكر", "M"),
        ("أنثى", "F"),
        ("انثى", "F"),
        ("", None),
        ("unknown", None),
    ],
)
def test_sex_codes(text, expected):
    assert parse_sex(text) == expected


def test_unknown_sex_code_is_refused():
    with pytest.raises(BadValue, match="unknown sex code 'K'"):
        parse_sex("K")


def test_national_number_must_have_eleven_digits():
    assert parse_national_id("010-2030 4050") == "01020304050"
    assert parse_national_id("٠١٠٢٠٣٠٤٠٥٠") == "01020304050"
    with pytest.raises(BadValue, match="not 11 digits"):
        parse_national_id("1234567890")
    with pytest.raises(BadValue, match="not 11 digits"):
        parse_national_id("12345678901X")


def test_ages_in_years_in_both_scripts():
    assert parse_age("35") == 35
    assert parse_age("٣٥ سنة") == 35
    assert parse_age("35 years") == 35
    with pytest.raises(BadValue):
        parse_age("about forty")
    with pytest.raises(BadValue):
        parse_age("300")
