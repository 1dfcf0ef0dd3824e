"""The person index: every current record's name parts, birth year and sex, grouped by person.

Built once (after `athar link`) and kept in memory by the caller, so a search touches no database:

* **entries** are the distinct renderings of each person: one row per distinct (given, father,
  grandfather, family, mother's given name, birth year, sex) among the person's records, sorted by
  person so that a person's entries are one contiguous slice (``person_start``);
* every name part is an id into one **vocabulary** of normalized parts, which keeps the part
  comparisons of `athar.names` to one call per distinct spelling a query meets;
* **postings** map a part's consonant skeleton (``mhmd`` for محمد, Mohammed and Mhd alike) to the
  entries that hold it in that part, as compressed rows (an offsets array over one array of entry
  ids), so a query for محمد with a family name intersects two slices instead of scanning everyone.

Records that linkage has not yet placed in a person stand as their own person
(``record:SOURCE:RECORD_ID``), so search works before the first `athar link`.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from athar.linkage.config import DEFAULT_CONFIG
from athar.linkage.frequencies import trust
from athar.names import name_key, name_skeleton, normalize_name, parse_name_chain
from athar.names.compare_many import PartTable
from athar.names.reading import name_parts
from athar.search.freshness import store_fingerprint
from athar.store.dates import birth_fields

# The parts each entry holds, in column order; the mother's name is her given name only.
PARTS = ("given", "father", "grandfather", "family", "mother")
GIVEN, FATHER, GRANDFATHER, FAMILY, MOTHER = range(len(PARTS))
# Parts that have postings (a grandfather's name alone narrows little and families seldom give it).
INDEXED_PARTS = (GIVEN, FATHER, FAMILY, MOTHER)
# Pairs of indexed parts that make a candidate when an entry shares both with the sought person:
# one of them the given or the family name (`athar.search.query.matched_candidates`).
NAME_PAIRS = ((GIVEN, FATHER), (GIVEN, FAMILY), (GIVEN, MOTHER), (FAMILY, FATHER), (FAMILY, MOTHER))
SEX_CODES = {"M": 1, "F": 2}
UNLINKED_PREFIX = "record:"
FORMAT_VERSION = 4  # 3: name-key shares (`vocab_share`); 4: `person_tiebreak`, `vocab_held`, `vocab_keys`
# Skeletons of the titles that family names carry or drop at will (الحاج حميد, Al-Sheikh Zubair):
# a family name with one is also posted under the rest, so either spelling finds the other.
TITLE_SKELETONS = ("cx", "hj")  # sheikh/شيخ, haj/حاج


def untitled_skeleton(skeleton: str) -> str | None:
    """The skeleton without a leading title, when what is left is a name (three letters or more)."""
    for title in TITLE_SKELETONS:
        if skeleton.startswith(title):
            rest = skeleton[len(title) :].replace(" ", "")
            return rest if len(rest) >= 3 else None
    return None


def unlinked_person_id(source: str, record_id: str) -> str:
    """The stand-in person id of a record that no person holds yet."""
    return f"{UNLINKED_PREFIX}{source}:{record_id}"


def person_tiebreak(person_ids: Iterable[str]) -> np.ndarray:
    """A number per person id (its digest) that breaks ties between equal scores: which of two
    equally scored persons is kept then depends on who they are, not on where the index numbered
    them, so an index extended in place answers as one built afresh."""
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(p.encode(), digest_size=8).digest(), "little", signed=True)
            for p in person_ids
        ],
        dtype=np.int64,
    )


def _mother_given(mother_name: str | None) -> str | None:
    if not mother_name:
        return None
    return parse_name_chain(mother_name).given


def record_entry(record: dict) -> tuple:
    """(given, father, grandfather, family, mother, birth_year, sex) of one canonical record,
    names normalized (None when blank)."""
    parts = [normalize_name(p) or None if p else None for p in name_parts(record)]
    mother = _mother_given(record.get("mother_name"))
    birth_year = birth_fields(record.get("birth_date"), record.get("age"), record.get("event_date"))[1]
    return (*parts, mother or None, birth_year or 0, SEX_CODES.get(record.get("sex") or "", 0))


@dataclass
class _Builder:
    """The records of persons new to an index, as ids into its vocabulary (extended as needed)."""

    vocab: dict[str, int]
    persons: dict[str, int] = field(default_factory=dict)  # new persons, numbered from 0
    entries: dict[tuple, None] = field(default_factory=dict)  # insertion-ordered set
    # per part, how many records hold each vocabulary id there (records, not entries: as linkage
    # counts its term frequencies, one row per record)
    held: list[dict[int, int]] = field(default_factory=lambda: [{} for _ in PARTS])

    def vocab_id(self, part: str | None) -> int:
        if part is None:
            return -1
        found = self.vocab.get(part)
        if found is None:
            found = self.vocab[part] = len(self.vocab)
        return found

    def add(self, person_id: str, entry: tuple) -> None:
        p = self.persons.setdefault(person_id, len(self.persons))
        ids = [self.vocab_id(x) for x in entry[:5]]
        for held, vid in zip(self.held, ids, strict=True):
            if vid >= 0:
                held[vid] = held.get(vid, 0) + 1
        self.entries[(p, *ids, entry[5], entry[6])] = None


# the index's meta entry for `ScoringConfig.frequency_half_trust_rows` (`PersonIndex.part_trust`)
HALF_TRUST_META = "frequency_half_trust_rows"


def store_half_trust_rows(engine: Engine) -> str:
    """`ScoringConfig.frequency_half_trust_rows` as the store's newest linkage run had it (the
    default before any run), so that the search weighs names as that run's linkage did. A new run
    makes an index stale (`freshness.caught_up`), so an index never outlives the run it read."""
    from athar.linkage.store_io import latest_run

    run = latest_run(engine)
    config = run.config if run is not None else DEFAULT_CONFIG
    return str(int(config.scoring.frequency_half_trust_rows))


WARM_NAMES = 5_000  # names whose comparison features `PersonIndex.warm` learns before workers fork


class PersonIndex:
    """Compact, read-only arrays over all persons; see the module docstring for the layout."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, str] | None = None) -> None:
        self.person_ids: np.ndarray = arrays["person_ids"]  # str, one per person
        self.person_start: np.ndarray = arrays["person_start"]  # int64, n_persons + 1
        self.person_tiebreak: np.ndarray = arrays["person_tiebreak"]  # int64, one per person
        self.entry_person: np.ndarray = arrays["entry_person"]  # int32
        self.entry_parts: np.ndarray = arrays["entry_parts"]  # int32 (n_entries, 5), -1 blank
        self.entry_year: np.ndarray = arrays["entry_year"]  # int16, 0 unknown
        self.entry_sex: np.ndarray = arrays["entry_sex"]  # int8, 0 unknown, 1 M, 2 F
        self.vocab: list[str] = arrays["vocab"].tolist()
        self.skeletons: list[str] = arrays["skeletons"].tolist()
        self.vocab_skeleton: np.ndarray = arrays["vocab_skeleton"]  # int32 skeleton id per vocab id
        # each vocabulary entry's cross-script key (`athar.names.name_key`; the entry when it has none)
        self.vocab_keys: list[str] = arrays["vocab_keys"].tolist()
        # int64 (n_vocab, 5): how many records hold each vocabulary entry in each part
        self.vocab_held: np.ndarray = arrays["vocab_held"]
        # float64 (n_vocab, 5): share of the records holding a name in each part whose name has this
        # vocabulary entry's cross-script key there (`key_shares`); 0 where none does
        self.vocab_share: np.ndarray = arrays["vocab_share"]
        # float64 (5,): how often two random records' names agree on their key, per part (the sum
        # of the squared shares: Splink's u of an exact match); the share a name is weighed against
        self.part_agreement: np.ndarray = arrays["part_agreement"]
        self.post_start: np.ndarray = arrays["post_start"]  # int64 (len(INDEXED_PARTS), n_skel + 1)
        self.post_entries: list[np.ndarray] = [arrays[f"post_entries_{j}"] for j in INDEXED_PARTS]
        self.skeleton_id: dict[str, int] = {s: i for i, s in enumerate(self.skeletons)}
        self.meta: dict[str, str] = dict(meta or {})
        self._part_skeletons: dict[int, list[str]] = {}

    # --- building ---------------------------------------------------------------------------------

    @functools.cached_property
    def part_trust(self) -> np.ndarray:
        """float64 (5,): how far each part's name frequencies counted here are taken, as linkage
        takes a store's (`athar.linkage.frequencies.trust`, by the records holding a name there):
        counted in a handful of records, every name looks common. At the trust of the store's newest
        linkage run's config where the index was built from a store (`store_half_trust_rows`)."""
        half = int(self.meta.get(HALF_TRUST_META, DEFAULT_CONFIG.scoring.frequency_half_trust_rows))
        return np.array([trust(int(n), half) for n in self.vocab_held.sum(axis=0).tolist()], dtype=np.float64)

    def name_share(self, part: int, name: str) -> float:
        """The share of records whose name in ``part`` has ``name``'s cross-script key (0 when none
        has): how common the sought name is, as ``vocab_share`` says how common a record's is."""
        return self._share_by_key[part].get(name_key(name) or name, 0.0)

    @functools.cached_property
    def normalized_vocab(self) -> list[str]:
        """Each vocabulary entry as `athar.names.normalize_name` writes it, computed once."""
        return [normalize_name(v) for v in self.vocab]

    @functools.cached_property
    def vocab_table(self) -> PartTable:
        """The normalised vocabulary as a table to compare one name with many entries at once."""
        return PartTable(self.normalized_vocab)

    @functools.cached_property
    def year_span(self) -> int | None:
        """One more than the latest birth year an entry holds (1 for an empty index), the length of
        a table indexed by year; None when some year is negative (no such table)."""
        if not len(self.entry_year):
            return 1
        return int(self.entry_year.max()) + 1 if int(self.entry_year.min()) >= 0 else None

    def warm(self, common_names: int = WARM_NAMES) -> None:
        """Build now what the search derives from the index on first use (the pair postings take
        seconds at a million persons), and learn the comparison features of the ``common_names``
        names most records hold: before forking workers that should share them rather than each
        learn them afresh (the 5,000 commonest are 92% of the names of a million synthetic persons'
        records, learnt in 0.2 s)."""
        _ = self.entry_skeletons, self.pair_postings, self.normalized_vocab, self.vocab_table
        _ = self.vocab_untitled_skeleton, self.vocab_key_objects, self._share_by_key
        if common_names and len(self.vocab):
            held = self.vocab_held.sum(axis=1)
            count = min(common_names, len(held))
            commonest = np.argpartition(-held, count - 1)[:count]
            self.vocab_table.learn(commonest)

    def memo(self, name: str, limit: int) -> dict:
        """A memo the search keeps on this index (computed values go with the index they were
        computed from), emptied once it holds more than ``limit`` values."""
        cache = self.__dict__.setdefault(f"_memo_{name}", {})
        if len(cache) > limit:
            cache.clear()
        return cache

    @functools.cached_property
    def vocab_key_objects(self) -> np.ndarray:
        """`vocab_keys` as an array of Python strings, to gather many at once."""
        return np.array(self.vocab_keys, dtype=object)

    @functools.cached_property
    def vocab_untitled_skeleton(self) -> np.ndarray:
        """Per vocabulary entry, the id of its skeleton without a sheikh/haj title (-2 when it has
        none, or no one holds the rest)."""
        untitled = [
            self.skeleton_id.get(u, -2) if (u := untitled_skeleton(s)) else -2 for s in self.skeletons
        ]
        return np.array(untitled, dtype=np.int64)[self.vocab_skeleton]

    @functools.cached_property
    def entry_skeletons(self) -> np.ndarray:
        """int32 (len(INDEXED_PARTS) + 1, n_entries): per indexed part, the skeleton id of each
        entry's name there, and last the skeleton id of its family name without a sheikh/haj title;
        -1 where there is none. An entry is in a part's postings under exactly these skeletons, so
        whether it shares a sought part is read here, entry by entry, without reading the postings
        (each row is contiguous: one part is read for many entries at a time)."""
        out = np.full((len(INDEXED_PARTS) + 1, self.entry_count), -1, dtype=np.int32)
        if not len(self.vocab):
            return out
        for row, j in enumerate(INDEXED_PARTS):
            ids = self.entry_parts[:, j]
            out[row] = np.where(ids >= 0, self.vocab_skeleton[np.maximum(ids, 0)], -1)
        family = self.entry_parts[:, FAMILY]
        untitled = self.vocab_untitled_skeleton[np.maximum(family, 0)]
        out[-1] = np.where((family >= 0) & (untitled >= 0), untitled, -1)
        return out

    @functools.cached_property
    def pair_postings(self) -> dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]:
        """Per pair of indexed parts one of which is the given or family name (`NAME_PAIRS`), the
        entries by the skeleton ids they hold in both parts: (sorted keys ``a * n_skeletons + b``,
        the entries in that order). A family name with a sheikh/haj title is there under its
        untitled skeleton too, as in the postings. Entries sharing two sought parts are then found
        by a look-up per pair of sought skeletons, not by reading one part's postings whole.
        Derived from `entry_skeletons` (not saved): an extended index derives its own."""
        columns = self.entry_skeletons
        n = np.int64(len(self.skeletons))
        entries = np.arange(self.entry_count, dtype=np.int32)
        out = {}
        for a, b in NAME_PAIRS:
            keys, held = [], []
            rows = [(columns[INDEXED_PARTS.index(a)], columns[INDEXED_PARTS.index(b)])]
            if FAMILY in (a, b):  # also under the family name without its title
                untitled = columns[len(INDEXED_PARTS)]
                rows.append((untitled, rows[0][1]) if a == FAMILY else (rows[0][0], untitled))
            for first, second in rows:
                both = (first >= 0) & (second >= 0)
                keys.append(first[both].astype(np.int64) * n + second[both])
                held.append(entries[both])
            key, entry = np.concatenate(keys), np.concatenate(held)
            order = np.lexsort((entry, key))  # each key's entries ascending
            out[(a, b)] = (key[order], entry[order])
        return out

    def pair_entries(self, a: int, b: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Entries holding one of the skeleton ids ``first`` in part ``a`` and one of ``second``
        in part ``b`` (``(a, b)`` one of `NAME_PAIRS`), ascending, each once."""
        keys, entries = self.pair_postings[(a, b)]
        wanted = (first.astype(np.int64)[:, None] * len(self.skeletons) + second[None, :]).reshape(-1)
        lo, hi = np.searchsorted(keys, wanted, "left"), np.searchsorted(keys, wanted, "right")
        if len(wanted) == 1:
            return entries[int(lo[0]) : int(hi[0])]
        found = [entries[i:j] for i, j in zip(lo.tolist(), hi.tolist(), strict=True) if j > i]
        if len(found) == 1:
            return found[0]
        # a titled family name is under two keys: once each
        return np.unique(np.concatenate(found)) if found else entries[:0]

    @functools.cached_property
    def _share_by_key(self) -> list[dict[str, float]]:
        return [
            {
                key: float(share)
                for key, share in zip(self.vocab_keys, self.vocab_share[:, j].tolist(), strict=True)
                if share
            }
            for j in range(self.vocab_share.shape[1])
        ]

    @classmethod
    def build(cls, engine: Engine) -> PersonIndex:
        """Index every current record of the store under its person (or alone, if unlinked)."""
        from athar.store.records import current_records

        index = cls.from_records(current_records(engine))
        index.meta["fingerprint"] = store_fingerprint(engine)
        index.meta[HALF_TRUST_META] = store_half_trust_rows(engine)
        return index

    @classmethod
    def from_records(cls, records: Iterable[dict]) -> PersonIndex:
        """Index canonical records, each with ``person_id`` (None: a person of its own) and, for
        the unlinked, ``source`` and ``record_id``."""
        return cls.empty().extended(records)

    @classmethod
    def empty(cls) -> PersonIndex:
        arrays = {
            "person_ids": np.zeros(0, dtype=str),
            "person_start": np.zeros(1, dtype=np.int64),
            "person_tiebreak": np.zeros(0, dtype=np.int64),
            "entry_person": np.zeros(0, dtype=np.int32),
            "entry_parts": np.zeros((0, len(PARTS)), dtype=np.int32),
            "entry_year": np.zeros(0, dtype=np.int16),
            "entry_sex": np.zeros(0, dtype=np.int8),
            "vocab": np.zeros(0, dtype=str),
            "skeletons": np.zeros(0, dtype=str),
            "vocab_skeleton": np.zeros(0, dtype=np.int32),
            "vocab_keys": np.zeros(0, dtype=str),
            "vocab_held": np.zeros((0, len(PARTS)), dtype=np.int64),
            "vocab_share": np.zeros((0, len(PARTS))),
            "part_agreement": np.zeros(len(PARTS)),
            "post_start": np.zeros((len(INDEXED_PARTS), 1), dtype=np.int64),
        }
        for j in INDEXED_PARTS:
            arrays[f"post_entries_{j}"] = np.zeros(0, dtype=np.int32)
        return cls(arrays)

    def extended(self, records: Iterable[dict]) -> PersonIndex:
        """A new index: this one with ``records`` (as `from_records` takes them) added, each under
        a person this index does not hold yet (ValueError otherwise).

        `from_records` is this on an empty index, so an index extended record by record holds what
        one built at once holds, numbered in another order (which the search never depends on:
        `person_tiebreak`); the name shares are recounted over all records.
        """
        b = _Builder(vocab={v: i for i, v in enumerate(self.vocab)})
        for record in records:
            person = record.get("person_id") or unlinked_person_id(
                record.get("source") or "", record["record_id"]
            )
            b.add(person, record_entry(record))
        if not b.persons:
            return self
        known = set(self.person_ids.tolist())
        if any(p in known for p in b.persons):
            raise ValueError("records of persons the index already holds cannot be added to it")
        n_columns = 2 + len(PARTS) + 1
        table = np.array(list(b.entries), dtype=np.int64).reshape(-1, n_columns)
        table = table[np.argsort(table[:, 0], kind="stable")]
        old_persons, old_entries = len(self.person_ids), self.entry_count
        new_person = table[:, 0]
        counts = np.bincount(new_person, minlength=len(b.persons))
        vocab = list(b.vocab)
        skeleton_ids = dict(self.skeleton_id)
        vocab_skeleton = np.concatenate(
            [
                self.vocab_skeleton,
                np.array(
                    [
                        skeleton_ids.setdefault(name_skeleton(v) or v, len(skeleton_ids))
                        for v in vocab[len(self.vocab) :]
                    ],
                    dtype=np.int32,
                ),
            ]
        )
        skeletons = list(skeleton_ids)
        untitled = np.array(
            [
                -1
                if (u := untitled_skeleton(skeletons[s])) is None
                else skeleton_ids.setdefault(u, len(skeleton_ids))
                for s in vocab_skeleton.tolist()
            ],
            dtype=np.int32,
        )
        entry_parts = table[:, 1 : 1 + len(PARTS)].astype(np.int32)
        held = np.zeros((len(vocab), len(PARTS)), dtype=np.int64)
        held[: len(self.vocab)] = self.vocab_held
        for j, counted in enumerate(b.held):
            if counted:
                held[list(counted), j] += list(counted.values())
        keys = self.vocab_keys + [name_key(v) or v for v in vocab[len(self.vocab) :]]
        arrays: dict[str, np.ndarray] = {
            "person_ids": np.concatenate([self.person_ids, np.array(list(b.persons), dtype=str)]),
            "person_start": np.concatenate([self.person_start, self.person_start[-1] + np.cumsum(counts)]),
            "person_tiebreak": np.concatenate([self.person_tiebreak, person_tiebreak(b.persons)]),
            "entry_person": np.concatenate([self.entry_person, (new_person + old_persons).astype(np.int32)]),
            "entry_parts": np.concatenate([self.entry_parts, entry_parts]),
            "entry_year": np.concatenate([self.entry_year, table[:, 1 + len(PARTS)].astype(np.int16)]),
            "entry_sex": np.concatenate([self.entry_sex, table[:, 2 + len(PARTS)].astype(np.int8)]),
            "vocab": np.array(vocab, dtype=str),
            "skeletons": np.array(list(skeleton_ids), dtype=str),
            "vocab_skeleton": vocab_skeleton,
            "vocab_keys": np.array(keys, dtype=str),
            "vocab_held": held,
        }
        arrays["vocab_share"], arrays["part_agreement"] = key_shares(keys, held)
        starts = []
        new_entries = np.arange(old_entries, old_entries + len(table), dtype=np.int32)
        for row, j in enumerate(INDEXED_PARTS):
            present = np.flatnonzero(entry_parts[:, j] >= 0)
            added, skel = new_entries[present], vocab_skeleton[entry_parts[present, j]]
            if j == FAMILY:  # also under the name without its sheikh/haj title
                alt = untitled[entry_parts[present, j]]
                titled = alt >= 0
                added, skel = np.concatenate([added, added[titled]]), np.concatenate([skel, alt[titled]])
            arrays[f"post_entries_{j}"], start = _merged_postings(
                self.post_entries[row], self.post_start[row], added, skel, len(skeleton_ids)
            )
            starts.append(start)
        arrays["post_start"] = np.stack(starts)
        return PersonIndex(arrays, self.meta)

    # --- reading ----------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.person_ids)

    @property
    def entry_count(self) -> int:
        return len(self.entry_person)

    def postings(self, part: int, skeleton: str) -> np.ndarray:
        """Entries whose ``part`` has this skeleton (a view; empty when none)."""
        sid = self.skeleton_id.get(skeleton)
        if sid is None:
            return _EMPTY
        row = INDEXED_PARTS.index(part)
        return self.post_entries[row][self.post_start[row, sid] : self.post_start[row, sid + 1]]

    def posted(self, part: int, skeleton_id: int) -> bool:
        """Whether any entry holds this skeleton in ``part``."""
        row = INDEXED_PARTS.index(part)
        return bool(self.post_start[row, skeleton_id + 1] > self.post_start[row, skeleton_id])

    def posting_run(self, part: int, skeleton_id: int) -> np.ndarray:
        """Entries whose ``part`` has this skeleton id (a view)."""
        row = INDEXED_PARTS.index(part)
        return self.post_entries[row][
            self.post_start[row, skeleton_id] : self.post_start[row, skeleton_id + 1]
        ]

    def part_skeletons(self, part: int) -> list[str]:
        """The skeletons that occur in ``part`` (for fuzzy look-ups of a skeleton no one holds)."""
        found = self._part_skeletons.get(part)
        if found is None:
            row = INDEXED_PARTS.index(part)
            present = np.flatnonzero(np.diff(self.post_start[row]) > 0)
            found = self._part_skeletons[part] = [self.skeletons[i] for i in present]
        return found

    def person_entries(self, persons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All entries of the given persons, person by person, and where each person's run starts."""
        starts = self.person_start[persons]
        lengths = self.person_start[persons + 1] - starts
        seg = np.zeros(len(persons), dtype=np.int64)
        np.cumsum(lengths[:-1], out=seg[1:])
        entries = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - seg, lengths)
        return entries, seg

    # --- saving -----------------------------------------------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        out = {
            "person_ids": self.person_ids,
            "person_start": self.person_start,
            "person_tiebreak": self.person_tiebreak,
            "entry_person": self.entry_person,
            "entry_parts": self.entry_parts,
            "entry_year": self.entry_year,
            "entry_sex": self.entry_sex,
            "vocab": np.array(self.vocab, dtype=str),
            "skeletons": np.array(self.skeletons, dtype=str),
            "vocab_skeleton": self.vocab_skeleton,
            "vocab_keys": np.array(self.vocab_keys, dtype=str),
            "vocab_held": self.vocab_held,
            "vocab_share": self.vocab_share,
            "part_agreement": self.part_agreement,
            "post_start": self.post_start,
        }
        for row, j in enumerate(INDEXED_PARTS):
            out[f"post_entries_{j}"] = self.post_entries[row]
        return out

    def save(self, path: str | Path) -> Path:
        """Write the index as one uncompressed .npz (no pickled objects: loading runs no code).

        Written to a temporary file of its own beside ``path`` and renamed over it, so a reader
        never sees half a file, a failed write leaves the old index as it was, and two writers at
        once leave one whole index or the other.
        """
        path = Path(path)
        meta = {**self.meta, "format": str(FORMAT_VERSION)}
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=path.name + ".", suffix=".tmp", delete=False
        ) as f:
            tmp = Path(f.name)
        try:
            with tmp.open("wb") as f:
                np.savez(
                    f,
                    **self.arrays(),  # type: ignore[arg-type]  # numpy's stub reads **arrays as allow_pickle
                    meta_keys=np.array(list(meta), dtype=str),
                    meta_values=np.array(list(meta.values()), dtype=str),
                )
                f.flush()
                os.fsync(f.fileno())
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | Path) -> PersonIndex:
        with np.load(Path(path), allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        meta = dict(zip(arrays.pop("meta_keys").tolist(), arrays.pop("meta_values").tolist(), strict=True))
        if meta.get("format") != str(FORMAT_VERSION):
            raise ValueError(f"{path}: search index format {meta.get('format')}, expected {FORMAT_VERSION}")
        return cls(arrays, meta)

    def nbytes(self) -> int:
        """Bytes held by the arrays (the Python vocabulary and skeleton dict come on top)."""
        return sum(a.nbytes for a in self.arrays().values())


_EMPTY = np.zeros(0, dtype=np.int32)


def _merged_postings(
    entries: np.ndarray, start: np.ndarray, added: np.ndarray, skeleton: np.ndarray, n_skeletons: int
) -> tuple[np.ndarray, np.ndarray]:
    """Postings (entries grouped by skeleton, ``start`` offsets) with ``added`` entries put at the
    end of their skeletons' runs; skeleton ids past the old ``start`` are new runs."""
    order = np.argsort(skeleton, kind="stable")
    added, skeleton = added[order], skeleton[order]
    padded = np.concatenate([start, np.full(n_skeletons + 1 - len(start), start[-1], dtype=np.int64)])
    merged = np.insert(entries, padded[skeleton + 1], added).astype(np.int32)
    before = np.zeros(n_skeletons + 1, dtype=np.int64)
    np.cumsum(np.bincount(skeleton, minlength=n_skeletons), out=before[1:])
    return merged, padded + before


def key_shares(keys: list[str], held: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n_vocab, parts) shares: for each part, the share of records holding a name there whose
    name has the cross-script key (`athar.names.name_key`) of each vocabulary entry (``keys``;
    ``held``: records per vocabulary entry and part); and per part the chance that two random
    records agree there (the sum of the squared shares of its keys, summed exactly, so that it does
    not depend on the vocabulary's order).

    These are linkage's term frequencies (`athar.linkage.settings`: a name's share among the
    records, by key, not by spelling): محمد, Mohammed and Mhd count as one name, so the search
    weighs a common name agreeing as little as linkage does.
    """
    shares = np.zeros(held.shape, dtype=np.float64)
    agreement = np.zeros(held.shape[1], dtype=np.float64)
    if not len(keys):
        return shares, agreement
    key_of = np.unique(np.array(keys, dtype=str), return_inverse=True)[1].reshape(-1)
    for j in range(held.shape[1]):
        total = float(held[:, j].sum())
        if not total:
            continue
        by_key = np.bincount(key_of, weights=held[:, j].astype(np.float64))
        shares[:, j] = by_key[key_of] / total
        agreement[j] = math.fsum(((by_key[by_key > 0] / total) ** 2).tolist())
    return shares, agreement


def default_index_path(engine: Engine) -> Path:
    """Beside a SQLite store (``athar.db`` -> ``athar.search.npz``), else in the working folder."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if database and database != ":memory:":
        return Path(database).with_suffix(".search.npz")
    return Path.cwd() / "athar.search.npz"
