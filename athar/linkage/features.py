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
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from athar.linkage.config import FeatureConfig
from athar.linkage.halves import map_in_two_processes
from athar.linkage.heap import collector_paused
from athar.linkage.record_values import RecordValues, object_array
from athar.names import is_arabic, name_key, name_skeleton, normalize_arabic
from athar.names.arabic import rasm, strip_article
from athar.names.chain import parse_parts
from athar.names.keys import arabize
from athar.names.reading import LINKAGE, NameRoles, ReadingPolicy, name_parts, readings, written_parts
from athar.places.custody import custody_of
from athar.store.dates import birth_fields

NAME_PARTS = ("given", "father", "grandfather", "family")


class FeatureRow(NamedTuple):
    """One row Splink reads: a record, or a record with its name read another way."""

    unique_id: int | None  # None for another reading until `_frame` numbers it after the records
    source_dataset: str
    # the four name parts' cross-script keys, consonant skeletons and dotless shapes
    given_key: str | None
    father_key: str | None
    grandfather_key: str | None
    family_key: str | None
    given_skel: str | None
    father_skel: str | None
    grandfather_skel: str | None
    family_skel: str | None
    given_rasm: str | None
    father_rasm: str | None
    grandfather_rasm: str | None
    family_rasm: str | None
    mother_key: str | None
    mother_skel: str | None
    mother_rasm: str | None
    sex: str | None
    birth_date: str | None
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None
    birth_precision: str | None
    national_id: str | None
    birth_place_id: str | None
    birth_governorate_id: str | None
    event_year: int | None
    event_month: int | None  # months since year 0
    event_day: int | None  # days since 1970
    event_custody: str | None  # "held" where the event place is a place of custody, "free" elsewhere
    event_kind: str
    # the blocking columns, filled in over the whole frame (`_frame`)
    given_family_block: int | None = None
    given_family_skel_block: int | None = None
    given_father_block: int | None = None
    given_family_rasm_block: int | None = None
    given_rasm_family_skel_block: int | None = None
    birth_day_date: str | None = None


FEATURE_COLUMNS = FeatureRow._fields
NAME_COLUMNS = FeatureRow._fields[2:14]  # the name parts' keys, skeletons and shapes, in that order

# What a list's event date is, by the list's kind (`sources.kind`): a death (every other list's
# event, an arrest, a disappearance, a return, happened while the person was alive), a return (after
# the arrest or disappearance other lists record), or another event ("event").
EVENT_KINDS = {"hospital_or_morgue": "death", "returnee_registration": "return"}

# The thresholds (how unlikely a reading is still scored, how common a name pair is still blocked
# on, how often a name is seen before it has a role) are `FeatureConfig`'s, saved with each run.
DEFAULT_FEATURES = FeatureConfig()


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


def _mother_parts(mother_name: str | None) -> tuple[str | None, str | None, str | None]:
    """(key, consonant skeleton, dotless shape) of the mother's given name: her family name is often
    left out, so it is not compared."""
    if not mother_name:
        return (None, None, None)
    return _part_features(parse_parts(mother_name)[0])  # `parse_name_chain`'s given name


def name_roles(
    records: RecordValues | Iterable[dict], min_count: int = DEFAULT_FEATURES.role_min_count
) -> NameRoles:
    """How each name key is used where a list writes the parts in separate columns.

    A full name with no marker of its order ("Ismail Waleed Ayham", "Hajj Mahdi Ahmad Izzat") may
    begin with the family name; which reading is right shows in how the same names are used by the
    lists that do separate them: Ayham is always a given name, Ismail mostly one, Hajj Mahdi only
    ever a family name. Learnt from the records being linked, so it follows the data, not a list.
    """
    values = RecordValues.of_any(records)
    family: Counter[str] = Counter()
    chain: Counter[str] = Counter()
    separated = values["given_name"].astype(bool) & values["family_name"].astype(bool)
    for part in NAME_PARTS:
        # each distinct spelling keyed once: names repeat across records
        spellings = Counter(values[f"{part}_name"][separated].tolist())
        counts = family if part == "family" else chain
        for spelling, count in spellings.items():
            key = _key(spelling)
            if key:
                counts[key] += count
    # A likelihood ratio, not a share: every record has three places for a given name and one for a
    # family name, so raw counts would make every name look like a given one.
    total_family, total_chain = sum(family.values()) + 1, sum(chain.values()) + 1
    roles = {}
    for key in family.keys() | chain.keys():
        f, c = family[key], chain[key]
        if f + c >= min_count:
            roles[key] = round(math.log(((f + 0.5) / total_family) / ((c + 0.5) / total_chain)), 3)
    return roles


# A name's parts as taken, and its other readings' parts with their log-odds.
NamesRead = tuple[tuple[str | None, ...], tuple[tuple[tuple[str | None, ...], float], ...]]


def name_readings(record: dict, roles: NameRoles | None = None, policy: ReadingPolicy = LINKAGE) -> NamesRead:
    """`name_parts(record, roles)` and the other readings of its full name, each with its log-odds
    (nats) against the one taken. One parse serves all: at a million records no cache holds every
    name until a second pass comes back for it. A list that writes names in separate columns has
    said how to read them: no other reading.

    * the other order, when nothing marks it (a comma, capitals, an article, connectors) and that
      reading is not unlikely (log-odds at least `policy.min_log_odds`): "Naeem Ahmad Nafea
      Tarek" and "Mazzin Antar Mahmoud" read either way (Tarek and Mazen are given names and family
      names both); the roles say which reading is likelier, not which is right;
    * a given and a father's name, the family name left out (هاله عمر, Muhammed Hatem), for two
      unmarked words: what morgue logs and hurried lists write as often as given + family name;
    * a compound given name (محمد خير, Mohammad Nour) where the lists that separate the parts
      use it: "Mohammed Kheir El-Daas" is then Kheir's son or Mohammed Kheir.
    """
    given, father, grandfather, family = (record.get(f"{p}_name") for p in NAME_PARTS)
    return written_readings(record.get("full_name"), given, father, grandfather, family, roles, policy)


def written_readings(
    full: object,
    given: object,
    father: object,
    grandfather: object,
    family: object,
    roles: NameRoles | None,
    policy: ReadingPolicy,
) -> NamesRead:
    """`name_readings` of a record holding these values, without building the record."""
    if not full or given or father or grandfather or family:
        return written_parts(full, given, father, grandfather, family, roles), ()
    return full_name_readings(str(full), roles, policy)


def full_name_readings(full: str, roles: NameRoles | None, policy: ReadingPolicy) -> NamesRead:
    """`name_readings` of a record holding only a full name, without building the record."""
    taken, *others = readings(full, roles or {}, policy)
    return taken.parts, tuple((other.parts, other.log_odds) for other in others)


def name_features(record: dict, roles: NameRoles | None = None) -> tuple[str | None, ...]:
    """The four keys, then the four skeletons, then the four dotless shapes."""
    return _features_of_parts(name_parts(record, roles))


def name_keys_of(parts: tuple[str | None, ...]) -> tuple[str | None, ...]:
    """The four name parts' keys (`given_key`, `father_key`, `grandfather_key`, `family_key`)."""
    return _features_of_parts(parts)[: len(NAME_PARTS)]


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
    records: RecordValues | Iterable[dict],
    place_lookup: PlaceLookup | None = None,
    roles: NameRoles | None = None,
    other_readings: bool = False,
    config: FeatureConfig = DEFAULT_FEATURES,
) -> pd.DataFrame:
    """One row per record, with `unique_id` and `source_dataset` taken from the records as given
    (and `source_kind`, the list's kind, which says what its event date is: `EVENT_KINDS`).

    `roles` (see :func:`name_roles`) are learnt from these records unless given, as explain gives
    the ones its run used. With `other_readings`, a full name that may be read otherwise
    (:func:`name_readings`) gets a row for each other reading, with a unique id after all the
    records'; `reading_of` then gives each row's record and `reading_bits` the log2-probability of
    its reading (0 for the reading taken). `config`: the run's thresholds.
    """
    records = RecordValues.of_any(records)
    if roles is None:
        roles = name_roles(records, config.role_min_count)
    base = record_rows(records, place_lookup, roles, config.reading_policy() if other_readings else None)
    return assembled(base, config.rare_name_pair_limit, other_readings)


def feature_frames(
    records: RecordValues | Iterable[dict],
    place_lookup: PlaceLookup | None = None,
    roles: NameRoles | None = None,
    config: FeatureConfig = DEFAULT_FEATURES,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records' rows alone (for training) and with the other readings (for scoring), built as
    one frame: the first is the second's leading rows, whose rare-name blocking columns then count
    the other readings too (they serve only the scoring's blocking rules)."""
    with_readings = feature_frame(records, place_lookup, roles, other_readings=True, config=config)
    return records_part(with_readings), with_readings


def records_part(with_readings: pd.DataFrame) -> pd.DataFrame:
    """The rows of `assembled(..., other_readings=True)` that are records (its leading rows), without
    the reading columns: the training frame."""
    taken = with_readings["unique_id"].to_numpy() == with_readings["reading_of"].to_numpy()
    n_records = int(taken.sum())
    return with_readings.iloc[:n_records].drop(columns=["reading_of", "reading_bits"])


# What a record's rows hold before they are put together (`record_rows`): the feature columns a
# record's values give, up to and with the event's kind; the rare-pair blocks and the full-date
# block are counted over the whole frame (`assembled`).
ROW_COLUMNS = FEATURE_COLUMNS[: FEATURE_COLUMNS.index("event_kind") + 1]


def record_rows(
    records: RecordValues | Sequence[dict],
    place_lookup: PlaceLookup | None,
    roles: NameRoles,
    policy: ReadingPolicy | None,
) -> pd.DataFrame:
    """Each record's row and the rows of its other readings under `policy` (none without one): the
    `ROW_COLUMNS`, with `record` (the record's `unique_id`), `reading` (0 for the reading taken, then
    1, 2, ...) and `reading_bits` (log2 of the reading's probability, 0 for the one taken); text as
    Python strings and None, integers as nullable Int64 (as the feature cache gives them). A
    record's rows depend on its values, `roles` and `policy` alone, which is what lets an
    incremental run keep old records' rows (`athar.linkage.feature_cache`).

    Built column by column: names, dates and places repeat across records (a few thousand given
    names, a few thousand event dates, some hundreds of places), so each distinct value is read
    once and its features are spread back to the rows by position. Reading the full names (the
    costly part, Python one name at a time) is done once per distinct name, in two processes over
    `PARALLEL_MIN_RECORDS` distinct names (`halves.map_in_two_processes`), this one making the
    columns that do not depend on the names while the forked one starts reading."""
    place = place_lookup or default_place_lookup()
    n = len(records)
    with collector_paused():
        values = RecordValues.of_any(records).columns
        # each record's name, as the tuple of the columns it is read from, numbered by first sight
        which, distinct = _distinct_rows([values[f"{part}_name"] for part in ("full", *NAME_PARTS)])
        by_record: dict[str, Any] = {}  # the other columns, a value for each record

        def other_columns() -> None:  # done here while the forked child reads names
            by_record.update(_record_columns(values, place))

        read = map_in_two_processes(
            lambda part: _names_read(part, roles, policy), distinct, PARALLEL_MIN_RECORDS, other_columns
        )
        del distinct
        rows = _name_rows(read, which)
        del read
        by_row: dict[str, Any] = {}  # the name columns, made for each distinct name's readings
        for i, part in enumerate(NAME_PARTS):
            values_read = object_array([parts[i] for parts in rows.parts])
            made = _mapped(values_read, _part_features, 3)
            for kind, column in zip(("key", "skel", "rasm"), made, strict=True):
                by_row[f"{part}_{kind}"] = column[rows.parts_of_row]
        of_row = rows.record_of_row
        for name, column in by_record.items():
            by_row[name] = column[of_row]
        ids = values["unique_id"]
        record_column = ids[of_row]
        unique_ids = np.full(len(of_row), None, dtype=object)
        unique_ids[:n] = ids
        by_row["unique_id"] = unique_ids
        frame = pd.DataFrame(
            {
                name: pd.Series(by_row.pop(name), dtype="Int64" if name in _INTEGER_COLUMNS else object)
                for name in ROW_COLUMNS
            }
        )
    frame["record"] = pd.Series(record_column.astype(np.int64) if len(record_column) else [], dtype="int64")
    frame["reading"] = pd.Series(rows.reading, dtype="int64")
    frame["reading_bits"] = pd.Series(rows.bits, dtype=float)
    return frame


def _distinct_rows(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, list[tuple]]:
    """Each row's number among the distinct rows of `columns` (arrays of Python objects, as many
    values each), numbered by first sight; and the distinct rows, as tuples, in that order."""
    number: dict[tuple, int] = {}
    rows = zip(*(column.tolist() for column in columns), strict=True)
    codes = [number.setdefault(row, len(number)) for row in rows]
    return np.array(codes, dtype=np.int64), list(number)


class _NameRows(NamedTuple):
    """Where each row's name comes from, the rows laid out as `record_rows` lays them (the records'
    rows, then the other readings by record): `parts` are the distinct names' parts as taken, then
    their other readings' parts; `parts_of_row` and `record_of_row` each row's parts (in `parts`)
    and record (its position); `reading` each row's number among its record's readings and `bits`
    the log2-probability of its reading."""

    parts: list[tuple[str | None, ...]]
    parts_of_row: np.ndarray
    record_of_row: np.ndarray
    reading: np.ndarray
    bits: np.ndarray


def _name_rows(read: Sequence[NamesRead], which: np.ndarray) -> _NameRows:
    """`_NameRows` of the records whose names are `read[which[i]]` (`_names_read` of each distinct
    name), without going through the records one by one."""
    n, n_distinct = len(which), len(read)
    taken = [parts for parts, _others in read]
    others = [parts for _parts, others in read for parts, _odds in others]
    # log2 P(that reading) = log2 sigmoid(its log-odds)
    others_bits = [
        -math.log1p(math.exp(-odds)) / math.log(2) for _parts, others in read for _p, odds in others
    ]
    others_of = np.fromiter((len(others) for _parts, others in read), dtype=np.int64, count=n_distinct)
    first_other = np.cumsum(others_of) - others_of
    counts = others_of[which]  # each record's other readings
    starts = np.cumsum(counts) - counts
    # the other readings' rows come after all the records' rows, by record
    rank = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)
    other_row = np.repeat(first_other[which], counts) + rank
    everyone = np.arange(n, dtype=np.int64)
    return _NameRows(
        parts=taken + others,
        parts_of_row=np.concatenate([which, n_distinct + other_row]),
        record_of_row=np.concatenate([everyone, np.repeat(everyone, counts)]),
        reading=np.concatenate([np.zeros(n, dtype=np.int64), rank + 1]),
        bits=np.concatenate([np.zeros(n), np.array(others_bits, dtype=float)[other_row]]),
    )


def _record_columns(values: Mapping[str, np.ndarray], place: PlaceLookup) -> dict[str, Any]:
    """The `ROW_COLUMNS` that a record's values other than its name give, one value per record."""
    columns: dict[str, Any] = {
        "source_dataset": values["source_dataset"],
        **dict(
            zip(
                ("mother_key", "mother_skel", "mother_rasm"),
                _mapped(values["mother_name"], _mother_parts, 3),
                strict=True,
            )
        ),
        "sex": values["sex"],
    }
    # a birth date says all there is (the age and event date are read only without one), so a
    # birth is read once for each distinct date, or age and event date
    dated = values["birth_date"].astype(bool)
    age, event_date = values["age"].copy(), values["event_date"].copy()
    age[dated] = event_date[dated] = None
    codes, distinct_births = _distinct_rows([values["birth_date"], age, event_date])
    births = [birth_fields(*birth) for birth in distinct_births]
    for i, name in enumerate(_BIRTH_COLUMNS):
        made = [birth[i] for birth in births]
        columns[name] = (_integer_array(made) if name in _INTEGER_COLUMNS else object_array(made))[codes]
    columns["national_id"] = values["national_id"]
    columns["birth_place_id"], columns["birth_governorate_id"] = _mapped(
        values["birth_place"], lambda text: place(text) if text else (None, None), 2
    )
    columns["event_year"], columns["event_month"], columns["event_day"] = _mapped(
        values["event_date"], _event_fields, 3, integers=True
    )
    columns["event_custody"] = _mapped(
        values["event_place"], lambda text: (custody_of(place(text)[0]) if text else None,), 1
    )[0]
    kinds = object_array([kind or "" for kind in values["source_kind"]])
    columns["event_kind"] = _mapped(kinds, lambda kind: (EVENT_KINDS.get(kind, "event"),), 1)[0]
    return columns


_BIRTH_COLUMNS = ("birth_date", "birth_year", "birth_month", "birth_day", "birth_precision")


def _names_read(names: Sequence[tuple], roles: NameRoles, policy: ReadingPolicy | None) -> list[NamesRead]:
    """The parts of each name (full name, given, father's, grandfather's, family name) as taken, and
    its other readings under `policy` with their log-odds (none without one)."""
    if policy is None:
        return [(written_parts(f, g, fa, gf, fam, roles), ()) for f, g, fa, gf, fam in names]
    return [written_readings(f, g, fa, gf, fam, roles, policy) for f, g, fa, gf, fam in names]


def _integer_array(values: list) -> pd.api.extensions.ExtensionArray:
    """`values` (integers and None) as a nullable integer array."""
    column = object_array(values)
    missing = (column == None).astype(bool)  # noqa: E711 - elementwise, as NumPy compares
    return pd.arrays.IntegerArray(np.where(missing, 0, column).astype(np.int64), missing)


def _mapped(
    values: np.ndarray, function: Callable[[Any], tuple], width: int, integers: bool = False
) -> list[Any]:
    """`function` of each distinct value (a tuple of `width` results), spread back over `values`:
    `width` arrays of Python objects, or of nullable integers with `integers`. A missing value
    (None) is given `function(None)`."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [function(value) for value in uniques.tolist()] + [function(None)]
    make = _integer_array if integers else object_array
    # a missing value's code, -1, takes the last
    return [make([result[i] for result in results])[codes] for i in range(width)]


def _event_fields(event_date: str | None) -> tuple[int | None, int | None, int | None]:
    """The event's year, month (months since year 0) and day (days since 1970)."""
    return (int(event_date[:4]) if event_date else None, _months(event_date), _days(event_date))


def assembled(base: pd.DataFrame, rare_limit: int, other_readings: bool) -> pd.DataFrame:
    """The frame Splink reads, from rows laid out as `record_rows` gives them (the records' rows,
    then the other readings by record): the records' rows with their `unique_id`; then, with
    `other_readings`, the other readings numbered after the records (with `reading_of` and
    `reading_bits`); the rare-pair and full-date blocking columns counted over all of them."""
    record = base["record"].to_numpy()
    n_records = int((base["reading"].to_numpy() == 0).sum())
    rows = len(base) if other_readings else n_records
    ids = record[:n_records]
    empty = np.full(rows, None, dtype=object)
    columns = {
        name: (
            pd.Series(base[name].astype("Int64").array[:rows], copy=True)
            if name in _INTEGER_COLUMNS
            else pd.Series(
                base[name].to_numpy(dtype=object)[:rows] if name in ROW_COLUMNS else empty,
                dtype=object,
                copy=True,
            )
        )
        for name in FEATURE_COLUMNS
    }
    next_id = int(ids.max()) + 1 if n_records else 0
    columns["unique_id"] = pd.Series(
        np.concatenate([ids, np.arange(next_id, next_id + rows - n_records)]), dtype="int64"
    )
    if other_readings:
        columns["reading_of"] = pd.Series(record[:rows], dtype="int64")
        columns["reading_bits"] = pd.Series(base["reading_bits"].to_numpy(dtype=float)[:rows], dtype=float)
    frame = pd.DataFrame(columns)
    codes = name_codes(frame, sorted({c for _block, *pair in _RARE_PAIR_BLOCKS for c in pair}))
    for block, first, second in _RARE_PAIR_BLOCKS:
        frame[block] = rare_name_pairs(frame, first, second, rare_limit, codes=codes)
    # Only a full date is specific enough to block on; "1985" alone would pair a year's births.
    frame["birth_day_date"] = frame["birth_date"].where(frame["birth_precision"] == "day")
    return frame


# Below this many records one process is quicker than forking a second for half of them.
PARALLEL_MIN_RECORDS = 100_000


# Integer columns (nullable); every other column is text.
_INTEGER_COLUMNS = ("birth_year", "birth_month", "birth_day", "event_year", "event_month", "event_day")


# The rare-pair blocks: (column, first name column, second name column).
_RARE_PAIR_BLOCKS = (
    ("given_family_block", "given_key", "family_key"),
    ("given_family_skel_block", "given_skel", "family_skel"),
    ("given_father_block", "given_key", "father_key"),
    ("given_family_rasm_block", "given_rasm", "family_rasm"),
    # scan noise on the given name and a vowel spelled otherwise in the family name (بسرى العبدالله /
    # Boshra Abdullah); most Latin family names have no Arabic spelling to take a shape from
    ("given_rasm_family_skel_block", "given_rasm", "family_skel"),
)


def rare_pair_block_columns() -> frozenset[str]:
    """The rare-pair block columns: none holds a block of more than
    `FeatureConfig.rare_name_pair_limit` rows (`rare_name_pairs`), so blocking need not count them
    (`model.blocked_pairs`)."""
    return frozenset(block for block, _first, _second in _RARE_PAIR_BLOCKS)


NameCodes = tuple[dict[str, np.ndarray], int]


def name_codes(frame: pd.DataFrame, columns: Iterable[str]) -> NameCodes:
    """Each value of `columns` as an integer, one numbering for all of them (0 for no value), and
    how many numbers there are."""
    columns = list(columns)
    numbers, distinct = pd.factorize(pd.concat([frame[c] for c in columns], ignore_index=True))
    numbers = numbers.astype(np.int64) + 1  # factorize gives -1 for a missing value
    n = len(frame)
    return {c: numbers[i * n : (i + 1) * n] for i, c in enumerate(columns)}, len(distinct) + 1


def rare_name_pairs(
    frame: pd.DataFrame,
    first: str,
    second: str,
    limit: int = DEFAULT_FEATURES.rare_name_pair_limit,
    codes: NameCodes | None = None,
) -> pd.Series:
    """A number for the pair of values (first, second) in records whose pair is uncommon, else
    missing (`FeatureConfig.rare_name_pair_limit`), and missing where either name is. `codes` (from
    `name_codes`) must cover both columns."""
    numbers, size = codes if codes is not None else name_codes(frame, (first, second))
    pair = numbers[first] * size + numbers[second]
    _values, which, counts = np.unique(pair, return_inverse=True, return_counts=True)
    keep = (numbers[first] > 0) & (numbers[second] > 0) & (counts[which] <= limit)
    return pd.Series(pd.array(pair, dtype="Int64"), index=frame.index).where(keep)
