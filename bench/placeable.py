"""Which records of the other lists could any linker place from what they say, at a list's size.

The morgue log's ceiling (`bench/linkage.py`'s `morgue_ambiguity`) counts, for each morgue row, the
listed persons its few fields fit. The other lists have the same limit, reached later: a family's
report that writes "Muaz Zaid Ahmad, born 1990" fits every man of that name born that year, and
the more persons a store holds, the more such namesakes it holds (with the synthetic lists' names,
2% of persons share their given and family names, sex and birth year with another person at
20,000 persons; 12% at 200,000). A record that several listed persons fit as well as its own cannot
be placed from its fields, by Athar or any other linker: which of them it is, is a coin toss.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# What a record may write, as its feature row's column and the listed person's column it must equal.
_FIELDS = (
    "given_key",
    "father_key",
    "family_key",
    "mother_key",
    "sex",
    "birth_year",
    "birth_date",
    "birth_governorate_id",
    "national_id",
)


# A year written alone is taken to be within this many years of the person's (families' reports
# give it from memory; the synthetic families' are off by up to two).
YEAR_SLACK = 2


def _persons_fitting(listed: pd.DataFrame, records: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """For each of `records` (which all write `columns`), how many `listed` persons hold the same
    values in every one of them; a year written without a date fits years within `YEAR_SLACK`."""
    known = listed[columns].dropna().astype(str)
    counts = known.groupby(columns).size()
    wanted = records[columns].copy()
    year_only = "birth_year" in columns and "birth_date" not in columns
    offsets = range(-YEAR_SLACK, YEAR_SLACK + 1) if year_only else (0,)
    total = np.zeros(len(records), dtype=np.int64)
    for offset in offsets:
        if len(offsets) > 1:
            wanted["birth_year"] = (records["birth_year"].astype(int) + offset).astype(str)
        index = pd.MultiIndex.from_frame(wanted) if len(columns) > 1 else pd.Index(wanted[columns[0]])
        total += counts.reindex(index).fillna(0).astype(np.int64).to_numpy()
    return total


def listed_persons(lists: Path, leaving_out: str | None = None) -> pd.DataFrame:
    """Every person with a record in some list (other than `leaving_out`), with the values a record
    of theirs would write, as Athar's features write them (cross-script name keys, None where a
    person has no such name; the gazetteer's governorate), indexed by `person_id`."""
    from athar.linkage.features import default_place_lookup
    from athar.names import name_key

    persons = pd.read_csv(lists / "persons.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(lists / "truth.csv", dtype=str)
    if leaving_out is not None:
        truth = truth[truth.source != leaving_out]
    listed = persons[persons.person_id.isin(set(truth.person_id))].copy()
    for column, written in (
        ("given_key", "given_name_ar"),
        ("father_key", "father_name_ar"),
        ("family_key", "family_name_ar"),
        ("mother_key", "mother_name_ar"),
    ):
        keys = {name: name_key(name) or None for name in listed[written].unique()}
        listed[column] = listed[written].map(keys)
    place = default_place_lookup()
    governorates = {text: place(text)[1] for text in listed.birth_place.unique()}
    listed["birth_governorate_id"] = listed.birth_place.map(governorates)
    listed["birth_year"] = listed.birth_date.str[:4].astype(int)
    listed["national_id"] = listed.national_id.replace("", None)
    return listed.set_index("person_id")[list(_FIELDS)]


def record_ambiguity(records: pd.DataFrame, keys: list[tuple[str, str]], lists: Path) -> tuple[dict, set]:
    """For each record of a list other than the morgue's that writes a given name, how many listed
    persons fit every field it writes (`_FIELDS`: name keys, mother's name, sex, birth year, full
    birth date, birth governorate, national number). `records` is Athar's feature frame of the
    records (the reading it takes), one row per record of `keys`.

    A record that its own person and at least one other fit is ambiguous: nothing it says tells them
    apart. A record whose fields miss its own person (a typo, a reading Athar got wrong) is counted
    as placeable: a fuzzy comparison may still find it. Returns counts and the ambiguous records."""
    truth = pd.read_csv(lists / "truth.csv", dtype=str)
    person_of = dict(zip(zip(truth.source, truth.record_id, strict=True), truth.person_id, strict=True))
    listed = listed_persons(lists)
    records = records.reset_index(drop=True)  # a record's position in `keys`
    frame = records[list(_FIELDS)].astype(object).copy()
    # a year or an age is the birth year alone; only a full date is compared as a date
    frame["birth_date"] = frame["birth_date"].where(records["birth_precision"] == "day")
    frame = frame.where(frame.notna(), None).astype(str).where(frame.notna(), None)
    frame["source"] = [s for s, _r in keys]
    frame["person_id"] = [person_of.get(k) for k in keys]
    frame = frame[(frame.source != "morgue") & frame.given_key.notna() & frame.person_id.notna()]
    own = listed.loc[frame.person_id].astype(str).where(listed.loc[frame.person_id].notna(), None)
    values, own_values = frame[list(_FIELDS)].to_numpy(dtype=object), own.to_numpy(dtype=object)
    written = frame[list(_FIELDS)].notna().to_numpy()
    equal = (values == own_values) | ~written
    year, date = _FIELDS.index("birth_year"), _FIELDS.index("birth_date")
    year_only = written[:, year] & ~written[:, date]
    off = np.abs(frame["birth_year"].astype(float).to_numpy() - own["birth_year"].astype(float).to_numpy())
    equal[year_only, year] = off[year_only] <= YEAR_SLACK
    frame["own_fits"] = equal.all(axis=1)
    frame["mask"] = [bytes(row) for row in written.astype(np.uint8)]
    listed_values = listed.reset_index(drop=True)
    fits = pd.Series(0, index=frame.index)
    for mask, group in frame.groupby("mask"):
        columns = [c for c, w in zip(_FIELDS, mask, strict=True) if w]
        fits.loc[group.index] = _persons_fitting(listed_values, group, columns)
    frame["fits"] = fits
    ambiguous = frame[frame.own_fits & (frame.fits >= 2)]
    by_list = {}
    for source, group in frame.groupby("source"):
        by_list[source] = {
            "named_records": len(group),
            "fit_only_their_person": int((group.own_fits & (group.fits == 1)).sum()),
            "fit_2_or_3_persons": int((group.own_fits & group.fits.between(2, 3)).sum()),
            "fit_4_or_more_persons": int((group.own_fits & (group.fits >= 4)).sum()),
            "miss_their_person": int((~group.own_fits).sum()),
        }
    out = {
        "what": "How many listed persons fit every field each record of the other lists writes (name "
        "keys, mother's name, sex, birth year or date, birth governorate, national number): a record "
        "that its person and another fit cannot be placed from what it says.",
        "by_list": by_list,
        "ambiguous_records": len(ambiguous),
    }
    return out, {keys[i] for i in ambiguous.index}


def ambiguity_of_store(db: str, lists: Path, queue) -> None:
    """`record_ambiguity` of the records in the store `db` as a full `athar link` would read them;
    run in a process of its own (`bench/linkage.py`), which puts (counts, ambiguous records) on
    `queue`."""
    from athar.linkage import steps
    from athar.store import open_store

    engine = open_store(db)
    loaded = steps.load(engine, full=True)
    features = steps.make_features(loaded)
    engine.dispose()
    queue.put(record_ambiguity(features.records, loaded.keys, lists))
