"""The values of the records a linkage run reads, held column by column.

A full run reads every current record's values once, to make its features, and holds them until
the features are made. As a dict per record, with a string object per value, a million records
took some 1.7 GiB; as one array of Python objects per field, with each value that repeats (given
names, dates, places, sexes: a few thousand distinct values among a million) held once per read
chunk, they take about a third of that. That is what lets five million records be read on one
machine beside a Spark driver (docs/linkage-spark.md). The features step reads columns anyway
(`features.record_rows`), and a string read once hashes once (Python keeps a string's hash), so
the distinct-name pass over shared values is no slower.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from athar.store.tables import CANONICAL_COLUMNS

# What a record ready for scoring holds (`store_io.for_scoring`): its list, its canonical values,
# its number in the run, and its list's name and kind as Splink and the features read them.
COLUMNS: tuple[str, ...] = ("source", *CANONICAL_COLUMNS, "unique_id", "source_dataset", "source_kind")


def object_array(values: Sequence) -> np.ndarray:
    """`values` as a 1-d array of Python objects (numpy would make a tuple a row, a number a number)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def shared(values: np.ndarray) -> np.ndarray:
    """`values` (Python objects) with every equal value the same object: one string per distinct
    name among the many records that write it. None stays None."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out = np.full(len(values), None, dtype=object)
    known = codes >= 0
    out[known] = np.asarray(uniques, dtype=object)[codes[known]]
    return out


@dataclass(frozen=True)
class RecordValues:
    """Records' values: `columns` maps each of `COLUMNS` to an array of Python objects (None where a
    record has no value), one element per record, in the run's order."""

    columns: Mapping[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.columns["unique_id"])

    def __getitem__(self, column: str) -> np.ndarray:
        return self.columns[column]

    @classmethod
    def empty(cls) -> RecordValues:
        return cls({name: np.empty(0, dtype=object) for name in COLUMNS})

    @classmethod
    def of(cls, records: Sequence[Mapping]) -> RecordValues:
        """Records given one by one (made by hand, or a few read by row); a value a record leaves
        out is None."""
        return cls({name: object_array([r.get(name) for r in records]) for name in COLUMNS})

    @classmethod
    def of_any(cls, records: RecordValues | Iterable[Mapping]) -> RecordValues:
        """`records` as they are if already held by column, else `of` them."""
        return records if isinstance(records, RecordValues) else cls.of(list(records))

    def take(self, positions: np.ndarray) -> RecordValues:
        """The records at `positions`, in that order."""
        return RecordValues({name: column[positions] for name, column in self.columns.items()})

    def unique_ids(self) -> np.ndarray:
        """Each record's number in the run, as integers."""
        return np.asarray(self.columns["unique_id"], dtype=np.int64)

    def as_dicts(self) -> list[dict]:
        """The records one by one, as `store_io.for_scoring` makes a record."""
        names = list(self.columns)
        rows = zip(*(self.columns[n].tolist() for n in names), strict=True)
        return [dict(zip(names, row, strict=True)) for row in rows]
