"""The feature rows built column by column (`features.record_rows`, `features.name_roles`) are the
rows the record-at-a-time build made, value for value and type for type, on synthetic records
with the awkward cases: no name, one part, Latin only, Arabic only, Mhd, عبد compounds, titles,
Umm and Abu, commas, capitals and stray punctuation, separate columns partly filled, missing and
year-only dates, ages, places the gazetteer does not know, and lists of each kind."""

from __future__ import annotations

import math
import random
from collections import Counter
from functools import cache

import pandas as pd
import pytest

from athar.linkage import features
from athar.linkage.config import FeatureConfig
from athar.linkage.features import (
    EVENT_KINDS,
    FEATURE_COLUMNS,
    NAME_COLUMNS,
    NAME_PARTS,
    ROW_COLUMNS,
    default_place_lookup,
    full_name_readings,
    name_parts,
    name_readings,
    name_roles,
    record_rows,
)
from athar.names.reading import LINKAGE, taken_reading
from athar.places.custody import custody_of
from athar.store.dates import birth_fields
from athar.store.tables import CANONICAL_COLUMNS
from athar.synth.lexicon import lexicon

# -- the record-at-a-time build, as it was before the columns were built at once -----------------


def reference_roles(records: list[dict], min_count: int) -> dict[str, float]:
    family: Counter[str] = Counter()
    chain: Counter[str] = Counter()
    for r in records:
        if not (r.get("given_name") and r.get("family_name")):
            continue
        for part in NAME_PARTS:
            key = features._key(r.get(f"{part}_name"))
            if key:
                (family if part == "family" else chain)[key] += 1
    total_family, total_chain = sum(family.values()) + 1, sum(chain.values()) + 1
    roles = {}
    for key in family.keys() | chain.keys():
        f, c = family[key], chain[key]
        if f + c >= min_count:
            roles[key] = round(math.log(((f + 0.5) / total_family) / ((c + 0.5) / total_chain)), 3)
    return roles


def _row(r: dict, unique_id: int | None, parts: tuple, place) -> dict:
    names = features._features_of_parts(parts)
    birth = birth_fields(r.get("birth_date"), r.get("age"), r.get("event_date"))
    place_id, governorate_id = place(r["birth_place"]) if r.get("birth_place") else (None, None)
    event_date = r.get("event_date")
    return {
        "unique_id": unique_id,
        "source_dataset": r["source_dataset"],
        **dict(zip(NAME_COLUMNS, names, strict=True)),
        **dict(
            zip(
                ("mother_key", "mother_skel", "mother_rasm"),
                features._mother_parts(r.get("mother_name")),
                strict=True,
            )
        ),
        "sex": r.get("sex"),
        "birth_date": birth[0],
        "birth_year": birth[1],
        "birth_month": birth[2],
        "birth_day": birth[3],
        "birth_precision": birth[4],
        "national_id": r.get("national_id"),
        "birth_place_id": place_id,
        "birth_governorate_id": governorate_id,
        "event_year": int(event_date[:4]) if event_date else None,
        "event_month": features._months(event_date),
        "event_day": features._days(event_date),
        "event_custody": custody_of(place(r["event_place"])[0]) if r.get("event_place") else None,
        "event_kind": EVENT_KINDS.get(r.get("source_kind") or "", "event"),
    }


def reference_name_parts(record: dict, roles: dict[str, float]) -> tuple:
    """`name_parts` as it was before `written_parts` read a name from its values."""
    separate = tuple(str(record.get(f"{p}_name") or "") or None for p in NAME_PARTS)
    full = record.get("full_name")
    if all(separate) or not full:
        return separate
    parsed = taken_reading(str(full), roles, LINKAGE).parts
    return tuple(s if s is not None else p for s, p in zip(separate, parsed, strict=True))


def reference_name_readings(record: dict, roles: dict[str, float], policy) -> tuple:
    """`name_readings` as it was, over `reference_name_parts`."""
    full = record.get("full_name")
    if not full or any(record.get(f"{p}_name") for p in NAME_PARTS):
        return reference_name_parts(record, roles), ()
    return full_name_readings(full, roles, policy)


def reference_rows(records: list[dict], roles: dict[str, float], policy) -> pd.DataFrame:
    place = default_place_lookup()
    rows, record, reading, bits, later = [], [], [], [], []
    for r in records:
        if policy is not None:
            parts, alternatives = reference_name_readings(r, roles, policy)
        else:
            parts, alternatives = reference_name_parts(r, roles), ()
        rows.append(_row(r, r["unique_id"], parts, place))
        record.append(r["unique_id"])
        reading.append(0)
        bits.append(0.0)
        for number, (other, log_odds) in enumerate(alternatives, start=1):
            later.append(
                (
                    _row(r, None, other, place),
                    r["unique_id"],
                    number,
                    -math.log1p(math.exp(-log_odds)) / math.log(2),
                )
            )
    for row, of, number, b in later:
        rows.append(row)
        record.append(of)
        reading.append(number)
        bits.append(b)
    frame = pd.DataFrame({c: pd.Series([row[c] for row in rows], dtype=object) for c in ROW_COLUMNS})
    for column in INTEGER_COLUMNS:  # nullable integers, as the feature cache keeps them
        frame[column] = frame[column].astype("Int64")
    frame["record"] = pd.Series(record, dtype="int64")
    frame["reading"] = pd.Series(reading, dtype="int64")
    frame["reading_bits"] = pd.Series(bits, dtype=float)
    return frame


INTEGER_COLUMNS = ("birth_year", "birth_month", "birth_day", "event_year", "event_month", "event_day")


# -- synthetic records -------------------------------------------------------------------------

AWKWARD_NAMES = [
    "",
    "   ",
    "محمد",
    "Mhd",
    "Mhd Khair Al-Halabi",
    "محمد خير الحلبي",
    "عبد الرحمن عمار الشيخ",
    "عبدالله احمد",
    "Abd Al Rahman Hasan",
    "Abdul Kader Ali Hamoud",
    "Hajj Mahdi Ahmad Izzat",
    "الحاج مهدي احمد عزت",
    "AL-HASSAN, Rasha Abdallah",
    "HADDAD Hamza Amr",
    "Haddad Hamza Amr",
    "Ahmad bin Ali bin Hasan",
    "احمد بن علي بن حسن العلي",
    "Nour Eddin Saad Al Lah",
    "هاله عمر",
    "Muhammed Hatem",
    "Ø",
    "A",
    "محمد Ali",
    "Ali 123",
    "Abu Ahmad",
    "أبو أحمد السوري",
    "Umm Ahmad Al-Halabi",
    "أم كلثوم محمد الحلبي",
    "Abd al-Rahman Mahmoud Al-Hassan",
    "عبد الرحمن محمود الحسن",
    "Al Sheikh Samer Mohammad Radi",
    "Ali,, Hasan",
    "Ahmad - Ali (Hasan).",
    "محمد، علي حسن",
    "  Omar   Khaled\tAl-Omar ",
    "O'Neil Ali Hamoud",
    "Mohammad Kheir El-Daas",
]


@cache
def synthetic_records(n: int = 3000, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    lex = lexicon()

    def spelling(pool_of) -> str:
        name = rng.choice(pool_of)
        pools = [p for p in (name.en, name.fr, name.ar_clean, name.ar_scan) if p]
        return rng.choice(rng.choice(pools))

    def given() -> str:
        return spelling(lex.given)

    def family() -> str:
        return spelling(lex.family)

    def date() -> str | None:
        year, month, day = rng.randint(1940, 2015), rng.randint(1, 12), rng.randint(1, 28)
        return rng.choice([None, f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"])

    towns = [t.ar for t in lex.towns[:200]] + [t.latin[0] for t in lex.towns[:200]] + ["", "Nowhere-ville"]
    kinds = [*EVENT_KINDS, "detention_register", None, ""]
    records = []
    for i in range(n):
        r: dict = {
            "unique_id": i,
            "source_dataset": rng.choice(["families", "detention", "morgue", "returnees"]),
        }
        shape = rng.random()
        if shape < 0.35:  # a full name, written in many ways
            words = [given(), given(), given(), family()][: rng.randint(1, 4)]
            if rng.random() < 0.15:
                words = [family(), *words[:-1]]
            full = " ".join(words)
            if rng.random() < 0.05:
                full = full.upper()
            r["full_name"] = full
        elif shape < 0.45:
            r["full_name"] = rng.choice(AWKWARD_NAMES)
        elif shape < 0.85:  # separate columns, some empty
            for part in NAME_PARTS:
                if rng.random() < (0.9 if part in ("given", "family") else 0.6):
                    r[f"{part}_name"] = family() if part == "family" else given()
                elif rng.random() < 0.3:
                    r[f"{part}_name"] = ""
            if rng.random() < 0.3:
                r["full_name"] = " ".join(given() for _ in range(3))
        # else: no name at all
        if rng.random() < 0.4:
            r["mother_name"] = rng.choice([given() + " " + family(), given(), "", rng.choice(AWKWARD_NAMES)])
        r["sex"] = rng.choice(["M", "F", None])
        r["birth_date"] = date()
        r["event_date"] = rng.choice([None, date(), f"{rng.randint(2011, 2020)}-{rng.randint(1, 12):02d}-15"])
        if not r["birth_date"] and rng.random() < 0.5:
            r["age"] = rng.randint(0, 90)
        r["birth_place"] = rng.choice(towns) if rng.random() < 0.7 else None
        r["national_id"] = rng.choice([None, f"{rng.randint(10**10, 10**11 - 1)}"])
        r["source_kind"] = rng.choice(kinds)
        records.append(r)
    return records


def assert_same_rows(made: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(made, expected, check_exact=True)
    for column in expected.columns:  # not only equal: the same Python types (an int is no float)
        if expected[column].dtype == object:
            assert made[column].map(type).tolist() == expected[column].map(type).tolist(), column


# -- the tests -----------------------------------------------------------------------------------


def test_roles_are_counted_as_record_by_record():
    records = synthetic_records()
    for min_count in (1, 3, 20):
        assert name_roles(records, min_count) == reference_roles(records, min_count)


@pytest.mark.parametrize("other_readings", [False, True])
def test_rows_are_the_record_at_a_time_rows_column_by_column(other_readings):
    records = synthetic_records()
    config = FeatureConfig()
    roles = name_roles(records, config.role_min_count)
    policy = config.reading_policy() if other_readings else None
    made = record_rows(records, None, roles, policy)
    expected = reference_rows(records, roles, policy)
    if other_readings:
        assert len(expected) > len(records)  # the synthetic names do read more than one way
    assert list(made.columns) == [*ROW_COLUMNS, "record", "reading", "reading_bits"]
    assert_same_rows(made, expected)


def test_rows_are_the_same_for_records_holding_every_column():
    """The store's records hold every column (None where a value is missing), which record_rows
    reads another way than records that leave values out."""
    every_column = [*CANONICAL_COLUMNS, "source", "source_kind"]  # as store_io.for_scoring makes them
    records = [{**dict.fromkeys(every_column), **r} for r in synthetic_records()]
    roles = name_roles(records)
    policy = FeatureConfig().reading_policy()
    assert_same_rows(record_rows(records, None, roles, policy), reference_rows(records, roles, policy))


def test_the_name_rules_are_the_ones_linkage_reads_with():
    """`name_readings` and `name_parts`, which explain and the search read names with, give what the
    rows are made of."""
    records = synthetic_records()
    roles = name_roles(records)
    policy = FeatureConfig().reading_policy()
    for r in records:
        assert name_parts(r, roles) == reference_name_parts(r, roles)
        assert name_readings(r, roles, policy) == reference_name_readings(r, roles, policy)


def test_rows_are_the_same_when_the_names_are_read_in_two_processes(monkeypatch):
    records = synthetic_records(600, seed=9)
    roles = name_roles(records)
    policy = FeatureConfig().reading_policy()
    monkeypatch.setattr(features, "PARALLEL_MIN_RECORDS", 2)
    assert_same_rows(record_rows(records, None, roles, policy), reference_rows(records, roles, policy))


def test_no_records_make_an_empty_frame_with_every_column():
    made = record_rows([], None, {}, FeatureConfig().reading_policy())
    assert len(made) == 0
    assert list(made.columns) == [*ROW_COLUMNS, "record", "reading", "reading_bits"]
    assert features.feature_frame([]).columns.tolist()[: len(FEATURE_COLUMNS)] == list(FEATURE_COLUMNS)
