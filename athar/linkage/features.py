"""The columns Splink compares, computed from each record's canonical values.

Splink compares strings letter by letter, so names are turned into cross-script keys here
(`athar.names`) before Splink sees them: محمد, Mohammad and Mhd all become the same key. The
name chain comes from the separate name columns where the list has them, else from parsing the
full name. Birth dates keep their precision; a log that gives only an age yields an estimated
birth year (event year minus age), flagged as estimated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache

import pandas as pd

from athar.names import is_arabic, name_key, name_skeleton, normalize_arabic, parse_name_chain
from athar.names.arabic import rasm

NAME_PARTS = ("given", "father", "grandfather", "family")

FEATURE_COLUMNS = (
    "unique_id",
    "source_dataset",
    *(f"{p}_key" for p in NAME_PARTS),
    *(f"{p}_skel" for p in NAME_PARTS),
    *(f"{p}_rasm" for p in NAME_PARTS),
    "mother_key",
    "sex",
    "birth_date",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_precision",
    "national_id",
    "birth_place_id",
    "birth_governorate_id",
    "event_year",
    "event_day",
    "given_family_block",
    "given_family_skel_block",
    "given_father_block",
    "birth_day_date",
)

# A given+family name pair shared by more records than this is too common to block on alone
# (محمد الأحمد): such records are found through rules that add the father's name or the birth year.
RARE_NAME_PAIR_LIMIT = 25


@lru_cache(maxsize=500_000)
def _part_features(part: str | None) -> tuple[str | None, str | None, str | None]:
    """(key, consonant skeleton, dotless Arabic shape) of one name part."""
    if not part:
        return None, None, None
    key = name_key(part) or None
    skeleton = name_skeleton(part) or None
    shape = rasm(normalize_arabic(part)).replace(" ", "") if is_arabic(part) else None
    return key, skeleton, shape or None


def _key(part: str | None) -> str | None:
    return _part_features(part)[0]


def _mother_key(mother_name: str | None) -> str | None:
    """The mother's given name: her family name is often left out, so it is not compared."""
    if not mother_name:
        return None
    chain = parse_name_chain(mother_name)
    return _key(chain.given)


def name_parts(record: dict) -> tuple[str | None, ...]:
    """Given, father, grandfather and family name: the separate columns first, the parsed full name after."""
    separate = tuple(record.get(f"{p}_name") or None for p in NAME_PARTS)
    if all(separate) or not record.get("full_name"):
        return separate
    parsed = parse_name_chain(record["full_name"]).parts()
    return tuple(s if s is not None else p for s, p in zip(separate, parsed, strict=True))


def name_features(record: dict) -> tuple[str | None, ...]:
    """The four keys, then the four skeletons, then the four dotless shapes."""
    features = [_part_features(part) for part in name_parts(record)]
    return tuple(f[i] for i in range(3) for f in features)


def birth_fields(birth_date: str | None, age: int | None, event_date: str | None) -> tuple:
    """(birth_date, year, month, day, precision) with precision 'day', 'month', 'year', 'age' or None."""
    if birth_date:
        parts = birth_date.split("-")
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
        precision = "day" if day else "month" if month else "year"
        return birth_date, year, month, day, precision
    if age is not None and event_date:
        return None, int(event_date[:4]) - age, None, None, "age"
    return None, None, None, None, None


_EPOCH = dt.date(1970, 1, 1)


def _days(date: str | None) -> int | None:
    """Days since 1970 of a full YYYY-MM-DD date, else None."""
    if not date or len(date) != 10:
        return None
    return (dt.date.fromisoformat(date) - _EPOCH).days


PlaceLookup = Callable[[str], tuple[str | None, str | None]]


def _no_places(_text: str) -> tuple[None, None]:
    return None, None


def default_place_lookup() -> PlaceLookup:
    """The Syrian gazetteer when it is installed, else a lookup that knows no place."""
    try:
        from athar.places import lookup
    except ImportError:  # pragma: no cover - the gazetteer ships with Athar
        return _no_places

    @lru_cache(maxsize=100_000)
    def place(text: str) -> tuple[str | None, str | None]:
        found = lookup(text)
        return (found.place_id, found.governorate_id) if found else (None, None)

    return place


def feature_frame(records: Iterable[dict], place_lookup: PlaceLookup | None = None) -> pd.DataFrame:
    """One row per record, with `unique_id` and `source_dataset` taken from the records as given."""
    place = place_lookup or default_place_lookup()
    rows = []
    for r in records:
        names = name_features(r)
        birth = birth_fields(r.get("birth_date"), r.get("age"), r.get("event_date"))
        place_id, governorate_id = place(r["birth_place"]) if r.get("birth_place") else (None, None)
        event_date = r.get("event_date")
        rows.append(
            (
                r["unique_id"],
                r["source_dataset"],
                *names,
                _mother_key(r.get("mother_name")),
                r.get("sex"),
                *birth,
                r.get("national_id"),
                place_id,
                governorate_id,
                int(event_date[:4]) if event_date else None,
                _days(event_date),
                None,
                None,
                None,
                None,
            )
        )
    frame = pd.DataFrame.from_records(rows, columns=list(FEATURE_COLUMNS))
    frame["given_family_block"] = rare_name_pairs(frame, "given_key", "family_key")
    frame["given_family_skel_block"] = rare_name_pairs(frame, "given_skel", "family_skel")
    frame["given_father_block"] = rare_name_pairs(frame, "given_key", "father_key")
    # Only a full date is specific enough to block on; "1985" alone would pair a year's births.
    frame["birth_day_date"] = frame["birth_date"].where(frame["birth_precision"] == "day")
    for column in ("birth_year", "birth_month", "birth_day", "event_year", "event_day"):
        frame[column] = frame[column].astype("Int64")
    return frame


def rare_name_pairs(
    frame: pd.DataFrame, first: str, second: str, limit: int = RARE_NAME_PAIR_LIMIT
) -> pd.Series:
    """first|second for records whose pair of values is uncommon, else None (see RARE_NAME_PAIR_LIMIT)."""
    pair = frame[first] + "|" + frame[second]
    counts = pair.map(pair.value_counts())
    return pair.where(counts <= limit)
