"""The columns Splink compares, computed from each record's canonical values.

Splink compares strings letter by letter, so names are turned into cross-script keys here
(`athar.names`) before Splink sees them: محمد, Mohammad and Mhd all become the same key. The
name chain comes from the separate name columns where the list has them, else from parsing the
full name. Birth dates keep their precision; a log that gives only an age yields an estimated
birth year (event year minus age), flagged as estimated.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from athar.linkage.halves import collector_paused, map_in_two_processes
from athar.names import is_arabic, name_key, name_skeleton, normalize_arabic, parse_name_chain
from athar.names.arabic import rasm, strip_article
from athar.names.keys import arabize
from athar.names.reading import LINKAGE, NameRoles, name_parts, readings
from athar.store.dates import birth_fields

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
    "event_month",
    "event_day",
    "event_kind",
    "given_family_block",
    "given_family_skel_block",
    "given_father_block",
    "father_family_block",
    "given_family_rasm_block",
    "given_rasm_family_skel_block",
    "family_given_block",
    "birth_day_date",
)

# What a list's event date is, by the list's kind (`sources.kind`): a death (every other list's
# event, an arrest, a disappearance, a return, happened while the person was alive), a return (after
# the arrest or disappearance other lists record), or another event ("event").
EVENT_KINDS = {"hospital_or_morgue": "death", "returnee_registration": "return"}

# A name's other reading is scored when it has at least this log-odds (nats) against the one
# taken: a probability of about 1 in 100 (athar.names.reading.LINKAGE).
OTHER_READING_MIN_LOG_ODDS = LINKAGE.min_log_odds

# A given+family name pair shared by more records than this is too common to block on alone
# (محمد الأحمد): such records are found through rules that add the father's name or the birth year.
RARE_NAME_PAIR_LIMIT = 25


@lru_cache(maxsize=500_000)
def _part_features(part: str | None) -> tuple[str | None, str | None, str | None]:
    """(key, consonant skeleton, dotless Arabic shape) of one name part.

    The dotless shape is what survives a scan that loses or adds dots (محمود / مجمود); a Latin
    name gets the shape of its Arabic spelling when the dictionary knows it, so that "Khalil"
    still meets حليل.
    """
    if not part:
        return None, None, None
    key = name_key(part) or None
    skeleton = name_skeleton(part) or None
    arabic = part if is_arabic(part) else arabize(part)
    # the keys drop the article (العبدالله as عبدالله), and the shapes must meet the Latin spelling's
    shape = rasm(strip_article(normalize_arabic(arabic), min_rest=3)).replace(" ", "") if arabic else None
    return key, skeleton, shape or None


def _key(part: str | None) -> str | None:
    return _part_features(part)[0]


@lru_cache(maxsize=200_000)
def _mother_key(mother_name: str | None) -> str | None:
    """The mother's given name: her family name is often left out, so it is not compared."""
    if not mother_name:
        return None
    chain = parse_name_chain(mother_name)
    return _key(chain.given)


_ROLE_MIN_COUNT = 2


def name_roles(records: Iterable[dict]) -> NameRoles:
    """How each name key is used where a list writes the parts in separate columns.

    A full name with no marker of its order ("Ismail Waleed Ayham", "Hajj Mahdi Ahmad Izzat") may
    begin with the family name; which reading is right shows in how the same names are used by the
    lists that do separate them: Ayham is always a given name, Ismail mostly one, Hajj Mahdi only
    ever a family name. Learnt from the records being linked, so it follows the data, not a list.
    """
    family: Counter[str] = Counter()
    chain: Counter[str] = Counter()
    for r in records:
        if not (r.get("given_name") and r.get("family_name")):
            continue
        for part in NAME_PARTS:
            key = _key(r.get(f"{part}_name"))
            if key:
                (family if part == "family" else chain)[key] += 1
    # A likelihood ratio, not a share: every record has three places for a given name and one for a
    # family name, so raw counts would make every name look like a given one.
    total_family, total_chain = sum(family.values()) + 1, sum(chain.values()) + 1
    roles = {}
    for key in family.keys() | chain.keys():
        f, c = family[key], chain[key]
        if f + c >= _ROLE_MIN_COUNT:
            roles[key] = round(math.log(((f + 0.5) / total_family) / ((c + 0.5) / total_chain)), 3)
    return roles


def name_readings(
    record: dict, roles: NameRoles | None = None
) -> tuple[tuple[str | None, ...], tuple[tuple[tuple[str | None, ...], float], ...]]:
    """`name_parts(record, roles)` and the other readings of its full name, each with its log-odds
    (nats) against the one taken. One parse serves all: at a million records no cache holds every
    name until a second pass comes back for it. A list that writes names in separate columns has
    said how to read them: no other reading.

    * the other order, when nothing marks it (a comma, capitals, an article, connectors) and that
      reading is not unlikely (log-odds at least `OTHER_READING_MIN_LOG_ODDS`): "Naeem Ahmad Nafea
      Tarek" and "Mazzin Antar Mahmoud" read either way (Tarek and Mazen are given names and family
      names both); the roles say which reading is likelier, not which is right;
    * a given and a father's name, the family name left out (هاله عمر, Muhammed Hatem), for two
      unmarked words: what morgue logs and hurried lists write as often as given + family name;
    * a compound given name (محمد خير, Mohammad Nour) where the lists that separate the parts
      use it: "Mohammed Kheir El-Daas" is then Kheir's son or Mohammed Kheir.
    """
    full = record.get("full_name")
    separate = tuple(record.get(f"{p}_name") or None for p in NAME_PARTS)
    if not full or any(separate):
        return name_parts(record, roles), ()
    taken, *others = readings(full, roles or {}, LINKAGE)
    return taken.parts, tuple((other.parts, other.log_odds) for other in others)


def name_features(record: dict, roles: NameRoles | None = None) -> tuple[str | None, ...]:
    """The four keys, then the four skeletons, then the four dotless shapes."""
    return _features_of_parts(name_parts(record, roles))


def _features_of_parts(parts: tuple[str | None, ...]) -> tuple[str | None, ...]:
    features = [_part_features(part) for part in parts]
    return tuple(f[i] for i in range(3) for f in features)


_EPOCH = dt.date(1970, 1, 1)


def _days(date: str | None) -> int | None:
    """Days since 1970 of a full YYYY-MM-DD date, else None."""
    if not date or len(date) != 10:
        return None
    return (dt.date.fromisoformat(date) - _EPOCH).days


def _months(date: str | None) -> int | None:
    """Months since year 0 of a YYYY-MM or YYYY-MM-DD date, else None: families often recall only
    the month someone was taken."""
    if not date or len(date) < 7:
        return None
    return int(date[:4]) * 12 + int(date[5:7]) - 1


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


def feature_frame(
    records: Iterable[dict],
    place_lookup: PlaceLookup | None = None,
    roles: NameRoles | None = None,
    other_readings: bool = False,
) -> pd.DataFrame:
    """One row per record, with `unique_id` and `source_dataset` taken from the records as given
    (and `source_kind`, the list's kind, which says what its event date is: `EVENT_KINDS`).

    `roles` (see :func:`name_roles`) are learnt from these records unless given, as explain gives
    the ones its run used. With `other_readings`, a full name that may be read otherwise
    (:func:`name_readings`) gets a row for each other reading, with a unique id after all the
    records'; `reading_of` then gives each row's record and `reading_bits` the log2-probability of
    its reading (0 for the reading taken).
    """
    records = list(records)
    place = place_lookup or default_place_lookup()
    if roles is None:
        roles = name_roles(records)
    known: NameRoles = roles
    with collector_paused():
        per_record = map_in_two_processes(
            lambda part: _record_rows(part, place, known, other_readings), records, PARALLEL_MIN_RECORDS
        )
        rows = [row for row, _readings in per_record]
        readings = [reading for _row, of_record in per_record for reading in of_record]
        del per_record
        if not other_readings:
            return _frame(rows, None, len(rows))
        n_records = len(rows)
        rows.extend(row for row, _of, _bits in readings)
        return _frame(rows, readings, n_records)


def feature_frames(
    records: Iterable[dict], place_lookup: PlaceLookup | None = None, roles: NameRoles | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records' rows alone (for training) and with the other readings (for scoring), built as
    one frame: the first is the second's leading rows, whose rare-name blocking columns then count
    the other readings too (they serve only the scoring's blocking rules)."""
    records = list(records)
    with_readings = feature_frame(records, place_lookup, roles, other_readings=True)
    features = with_readings.iloc[: len(records)].drop(columns=["reading_of", "reading_bits"])
    return features, with_readings


# Below this many records one process is quicker than forking a second for half of them.
PARALLEL_MIN_RECORDS = 100_000


def _record_rows(
    records: Sequence[dict], place: PlaceLookup, roles: NameRoles, other_readings: bool
) -> list[tuple[tuple, list[tuple[tuple, int, float]]]]:
    """Each record's feature row, with the rows of its other readings (no unique id yet: `_frame`
    numbers them after all the records')."""
    out = []
    names_end = 2 + 3 * len(NAME_PARTS)  # unique_id, source_dataset, then the name columns
    for r in records:
        if other_readings:
            parts, alternatives = name_readings(r, roles)
        else:
            parts, alternatives = name_parts(r, roles), ()
        row = _feature_row(r, r["unique_id"], _features_of_parts(parts), place)
        # the same record with its name read another way; log2 P(that reading) = log2 sigmoid
        readings = [
            (
                (None, row[1], *_features_of_parts(other), *row[names_end:]),
                r["unique_id"],
                -math.log1p(math.exp(-log_odds)) / math.log(2),
            )
            for other, log_odds in alternatives
        ]
        out.append((row, readings))
    return out


# Integer columns (nullable); every other column is text.
_INTEGER_COLUMNS = ("birth_year", "birth_month", "birth_day", "event_year", "event_month", "event_day")

# The rare-pair blocks: (column, first name column, second name column).
_RARE_PAIR_BLOCKS = (
    ("given_family_block", "given_key", "family_key"),
    ("given_family_skel_block", "given_skel", "family_skel"),
    ("given_father_block", "given_key", "father_key"),
    ("father_family_block", "father_key", "family_key"),
    ("given_family_rasm_block", "given_rasm", "family_rasm"),
    # scan noise on the given name and a vowel spelled otherwise in the family name (بسرى العبدالله /
    # Boshra Abdullah); most Latin family names have no Arabic spelling to take a shape from
    ("given_rasm_family_skel_block", "given_rasm", "family_skel"),
    # the same names the other way round, to meet a family-first name read given-first
    ("family_given_block", "family_key", "given_key"),
)


def _frame(rows: list[tuple], readings: list[tuple[tuple, int, float]] | None, records: int) -> pd.DataFrame:
    # column by column as plain objects: pandas' own row-wise reading and type guessing took twice as
    # long at a million rows
    columns = zip(*rows, strict=True) if rows else ([] for _ in FEATURE_COLUMNS)
    frame = pd.DataFrame(
        {name: pd.Series(values, dtype=object) for name, values in zip(FEATURE_COLUMNS, columns, strict=True)}
    )
    ids = [row[0] for row in rows[:records]]
    if readings is not None:
        frame["reading_of"] = pd.Series(ids + [of for _row, of, _b in readings], dtype="int64")
        bits = [0.0] * records + [bits for _row, _of, bits in readings]
        frame["reading_bits"] = pd.Series(bits, dtype=float)
        next_id = max(ids, default=-1) + 1
        ids += range(next_id, next_id + len(readings))
    frame["unique_id"] = pd.Series(ids, dtype="int64")
    codes = name_codes(frame, sorted({c for _block, *pair in _RARE_PAIR_BLOCKS for c in pair}))
    for block, first, second in _RARE_PAIR_BLOCKS:
        frame[block] = rare_name_pairs(frame, first, second, codes=codes)
    # Only a full date is specific enough to block on; "1985" alone would pair a year's births.
    frame["birth_day_date"] = frame["birth_date"].where(frame["birth_precision"] == "day")
    for column in _INTEGER_COLUMNS:
        frame[column] = frame[column].astype("Int64")
    return frame


def _feature_row(r: dict, unique_id: int, names: tuple[str | None, ...], place: PlaceLookup) -> tuple:
    birth = birth_fields(r.get("birth_date"), r.get("age"), r.get("event_date"))
    place_id, governorate_id = place(r["birth_place"]) if r.get("birth_place") else (None, None)
    event_date = r.get("event_date")
    return (
        unique_id,
        r["source_dataset"],
        *names,
        _mother_key(r.get("mother_name")),
        r.get("sex"),
        *birth,
        r.get("national_id"),
        place_id,
        governorate_id,
        int(event_date[:4]) if event_date else None,
        _months(event_date),
        _days(event_date),
        EVENT_KINDS.get(r.get("source_kind") or "", "event"),
        *([None] * 8),  # the blocking columns, filled in over the whole frame
    )


NameCodes = tuple[dict[str, np.ndarray], int]


def name_codes(frame: pd.DataFrame, columns: Iterable[str]) -> NameCodes:
    """Each value of `columns` as an integer, one numbering for all of them (0 for no value), so
    that a pair of names read one way round (given, family) meets the same pair the other way
    (family, given); and how many numbers there are."""
    columns = list(columns)
    numbers, distinct = pd.factorize(pd.concat([frame[c] for c in columns], ignore_index=True))
    numbers = numbers.astype(np.int64) + 1  # factorize gives -1 for a missing value
    n = len(frame)
    return {c: numbers[i * n : (i + 1) * n] for i, c in enumerate(columns)}, len(distinct) + 1


def rare_name_pairs(
    frame: pd.DataFrame,
    first: str,
    second: str,
    limit: int = RARE_NAME_PAIR_LIMIT,
    codes: NameCodes | None = None,
) -> pd.Series:
    """A number for the pair of values (first, second) in records whose pair is uncommon, else
    missing (see RARE_NAME_PAIR_LIMIT), and missing where either name is. `codes` (from
    `name_codes`) must cover both columns."""
    numbers, size = codes if codes is not None else name_codes(frame, (first, second))
    pair = numbers[first] * size + numbers[second]
    _values, which, counts = np.unique(pair, return_inverse=True, return_counts=True)
    keep = (numbers[first] > 0) & (numbers[second] > 0) & (counts[which] <= limit)
    return pd.Series(pd.array(pair, dtype="Int64"), index=frame.index).where(keep)
