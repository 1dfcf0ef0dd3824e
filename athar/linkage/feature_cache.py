"""Feature rows kept between runs, so that an incremental run parses only the records it has not seen.

A record's rows (`features.record_rows`: its row and the rows of its other readings) depend on its
values, its list's name and kind, the name roles and the features' config, and the code and data
that turn names into keys (`athar.names`, `athar.places`, `features.py`). The cache keeps the rows
by the record version's `content_hash` (a digest of its raw and canonical values: a new version of
a record has another), without the list's name and kind, which are filled in from the run's
records; and each file of the cache holds rows made under one `rows_digest` of the rest, so that
other roles, another config or other code find nothing and the rows are made anew.

Beside a SQLite store, as `athar.db` -> `athar.linkage-features/`, one Parquet file per run that
added rows; a full run (new roles) starts the folder again, and once it holds `MAX_PARTS` files
they are written as one, keeping only the rows of the run's current records. Another store (a
PostgreSQL one) keeps no cache: its runs make every record's rows, as before there was one.
Writes go to a temporary file and a rename, so a run killed half-way leaves whole files only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine

from athar.linkage.config import FeatureConfig
from athar.linkage.features import ROW_COLUMNS, NameRoles

log = logging.getLogger(__name__)

# Raised whenever what a feature row holds changes in a way the code digest would not show.
ROWS_FORMAT = 1

# The columns kept: a record's row without what the run fills in (its number, list and list's kind).
KEPT_COLUMNS = tuple(c for c in ROW_COLUMNS if c not in ("unique_id", "source_dataset", "event_kind"))
_INTEGER = frozenset(("birth_year", "birth_month", "birth_day", "event_year", "event_month", "event_day"))

MAX_PARTS = 8

_DIGEST_META = b"athar_rows_digest"

# The code and data a feature row comes from, under the `athar` package.
_SOURCES = ("names", "places", "store/dates.py", "linkage/features.py")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the files that make feature rows (`_SOURCES`: code and data files alike)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for name in _SOURCES:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def rows_digest(roles: NameRoles, config: FeatureConfig) -> str:
    """What a cached row was made under besides its record: roles, config, code and format."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{ROWS_FORMAT}|{code_digest()}|".encode())
    digest.update(json.dumps(config.__dict__, sort_keys=True, default=str).encode())
    digest.update(json.dumps(roles, sort_keys=True).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class FeatureCache:
    """The cache folder of one store."""

    folder: Path
    # writes under way in a thread of their own (`replace_later`), each waited for before the folder
    # is read or written again, and what stopped any of them
    _writing: list[threading.Thread] = field(default_factory=list, compare=False, repr=False)
    _failed: list[BaseException] = field(default_factory=list, compare=False, repr=False)

    def replace_later(self, digest: str, rows: pd.DataFrame) -> None:
        """`replace`, in a thread of its own: turning a run's rows into Parquet and writing them
        (0.6 s at 200,000 records) mostly waits on Arrow, which lets Python go, so the run goes on
        to training meanwhile. `wait` returns once it is done."""
        self.wait()
        writer = threading.Thread(target=self._replace_noting, args=(digest, rows), name="feature-cache")
        self._writing.append(writer)
        writer.start()

    def _replace_noting(self, digest: str, rows: pd.DataFrame) -> None:
        try:
            self._replace_now(digest, rows)
        except BaseException as error:  # handed to the thread that waits (`wait`)
            self._failed.append(error)

    def wait(self) -> None:
        """Return once every write begun by `replace_later` has ended. One that could not write
        (a full disk, a folder gone) leaves the cache as it was, with a warning: the cache only
        spares work. Any other error is raised here."""
        while self._writing:
            self._writing.pop().join()
        while self._failed:
            error = self._failed.pop()
            if not isinstance(error, OSError | pa.ArrowException):
                raise error
            log.warning("feature cache not written (%s)", type(error).__name__)

    def _parts(self) -> list[Path]:
        self.wait()
        return self._files()

    def _files(self) -> list[Path]:
        return sorted(self.folder.glob("*.parquet")) if self.folder.is_dir() else []

    def read(self, digest: str) -> pd.DataFrame | None:
        """The rows kept under `digest` (columns `content_hash`, `reading`, `reading_bits` and
        `KEPT_COLUMNS`), one per content and reading; None if there are none. Files made under
        another digest are removed."""
        frames = []
        for part in self._parts():
            try:
                meta = pq.read_schema(part).metadata or {}
                if meta.get(_DIGEST_META) != digest.encode():
                    part.unlink(missing_ok=True)
                    continue
                frames.append(_frame(pq.read_table(part, read_dictionary=_TEXT)))
            except (OSError, pa.ArrowException) as error:  # unreadable: made anew
                log.warning("feature cache file %s unreadable (%s): removed", part.name, type(error).__name__)
                part.unlink(missing_ok=True)
        if not frames:
            return None
        rows = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        if len(frames) > 1:
            rows = rows.drop_duplicates(["content_hash", "reading"], ignore_index=True)
        return rows

    def add(self, digest: str, rows: pd.DataFrame) -> None:
        """Keep `rows` (as `read` gives them) under `digest`, in a file of their own."""
        self.wait()
        self._add_now(digest, rows)

    def _add_now(self, digest: str, rows: pd.DataFrame) -> None:
        if not len(rows):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        _write(self.folder / f"{uuid.uuid4().hex}.parquet", digest, rows)

    def replace(self, digest: str, rows: pd.DataFrame) -> None:
        """Keep only `rows` under `digest`: every other file is removed."""
        self.wait()
        self._replace_now(digest, rows)

    def _replace_now(self, digest: str, rows: pd.DataFrame) -> None:
        old = self._files()
        self._add_now(digest, rows)
        for part in old:
            part.unlink(missing_ok=True)

    def needs_compacting(self) -> bool:
        return len(self._parts()) >= MAX_PARTS


_SCHEMA = pa.schema(
    [("content_hash", pa.string()), ("reading", pa.int64()), ("reading_bits", pa.float64())]
    + [(c, pa.int64() if c in _INTEGER else pa.string()) for c in KEPT_COLUMNS]
)


_TEXT = [c for c in _SCHEMA.names if c not in _INTEGER and c not in ("reading", "reading_bits")]


def _write(path: Path, digest: str, rows: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(rows[_SCHEMA.names], schema=_SCHEMA, preserve_index=False)
    table = table.replace_schema_metadata({_DIGEST_META: digest.encode()})
    temporary = path.with_suffix(".tmp")
    pq.write_table(table, temporary)
    os.replace(temporary, path)


def _frame(table: pa.Table) -> pd.DataFrame:
    """The rows as `features.record_rows` has them: text as Python strings with None (pandas' own
    conversion would give its string type, missing values as NaN), integers as Int64."""
    columns: dict[str, pd.Series] = {}
    for name in table.column_names:
        column = table.column(name)
        if name in _INTEGER:
            columns[name] = column.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        elif pa.types.is_dictionary(column.type):
            columns[name] = pd.Series(_strings(column), dtype=object)
        elif pa.types.is_string(column.type) or pa.types.is_null(column.type):
            columns[name] = pd.Series(column.to_numpy(zero_copy_only=False), dtype=object)
        else:
            columns[name] = column.to_pandas()
    return pd.DataFrame(columns)


def _strings(column: pa.ChunkedArray) -> np.ndarray:
    """A dictionary-encoded text column as Python strings and None: each distinct name is made
    once and shared (a million rows hold some tens of thousands of names), not once a row."""
    parts = []
    for chunk in column.chunks:
        names = chunk.dictionary.to_numpy(zero_copy_only=False)
        values = np.empty(len(names) + 1, dtype=object)
        values[:-1] = names  # and None last, for a missing value's index -1
        parts.append(values[chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False)])
    return np.concatenate(parts) if parts else np.empty(0, dtype=object)


def cache_for(engine: Engine) -> FeatureCache | None:
    """The cache beside a SQLite store's file; None for another store (or SQLite in memory)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return FeatureCache(Path(url.database).with_suffix(".linkage-features"))


def kept_rows(base: pd.DataFrame, hashes: Iterable[str]) -> pd.DataFrame:
    """`features.record_rows` output as the cache keeps it: `hashes` gives each row's record's
    content hash, in the order of the rows."""
    kept = base[["reading", "reading_bits", *KEPT_COLUMNS]].copy()
    kept.insert(0, "content_hash", pd.Series(list(hashes), dtype=object, index=base.index))
    for column in KEPT_COLUMNS:
        if column in _INTEGER:
            kept[column] = kept[column].astype("Int64")
    return kept
