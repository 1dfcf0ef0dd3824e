"""Capture histories: the only input the estimators see.

A capture history says on which lists a person appears. The estimators need the number of
persons with each history, never who they are, so the core type is a count per history.
The all-absent history is never observed and never stored.

Cells are indexed the same way everywhere in this package: cell ``i`` (1 .. 2**K - 1) holds the
history whose bit ``j`` is set when the person is on list ``j``.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from athar.csv_safety import SafeDictWriter
from athar.estimate.errors import EstimateError

History = tuple[int, ...]


@dataclass(frozen=True)
class CaptureHistories:
    """Counts of persons per capture history over named lists.

    ``counts`` maps a 0/1 tuple (one entry per list, in ``lists`` order) to a positive count.
    Zero counts and the all-absent history are dropped on construction.
    """

    lists: tuple[str, ...]
    counts: Mapping[History, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        lists = tuple(str(name) for name in self.lists)
        if len(set(lists)) != len(lists):
            raise EstimateError(f"list names must be distinct: {lists}")
        clean: dict[History, int] = {}
        for history, n in self.counts.items():
            h = tuple(int(bool(v)) for v in history)
            if len(h) != len(lists):
                raise EstimateError(f"history {history} has {len(h)} entries for {len(lists)} lists")
            if int(n) < 0:
                raise EstimateError(f"negative count for history {history}")
            if int(n) != n:
                raise EstimateError(f"count for history {history} is not a whole number: {n}")
            if n and any(h):
                clean[h] = clean.get(h, 0) + int(n)
        object.__setattr__(self, "lists", lists)
        object.__setattr__(self, "counts", dict(sorted(clean.items(), key=lambda kv: _cell_index(kv[0]))))

    # ----- constructors -------------------------------------------------------------------------
    @classmethod
    def from_rows(cls, lists: Sequence[str], rows: Iterable[tuple[Sequence[int], int]]) -> CaptureHistories:
        counts: Counter[History] = Counter()
        for history, n in rows:
            counts[tuple(int(v) for v in history)] += int(n)
        return cls(tuple(lists), counts)

    @classmethod
    def from_csv(cls, path: str | Path) -> CaptureHistories:
        """Read an aggregate table: one 0/1 column per list plus ``count``.

        A file without a ``count`` column is read as one row per person.
        """
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None:
                raise EstimateError(f"{path}: empty file")
            columns = [c.strip() for c in reader.fieldnames]
            lists = [c for c in columns if c.lower() != "count"]
            count_col = next((c for c in reader.fieldnames if c.strip().lower() == "count"), None)
            rows = []
            for lineno, raw in enumerate(reader, start=2):
                row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
                try:
                    history = [_to_flag(row[name]) for name in lists]
                    n = int(float(row[count_col.strip()])) if count_col else 1
                except ValueError as exc:
                    raise EstimateError(f"{path}, line {lineno}: {exc}") from exc
                rows.append((history, n))
        return cls.from_rows(lists, rows)

    @classmethod
    def from_json(cls, source: str | Path | Mapping[str, Any]) -> CaptureHistories:
        """Read ``lists`` and ``counts`` as ``[{"in": [...], "n": k}]`` (the tests' published tables)."""
        data = source if isinstance(source, Mapping) else json.loads(Path(source).read_text("utf-8"))
        lists = list(data["lists"])
        position = {name: j for j, name in enumerate(lists)}
        rows = []
        for cell in data["counts"]:
            history = [0] * len(lists)
            for name in cell["in"]:
                history[position[name]] = 1
            rows.append((history, cell["n"]))
        return cls.from_rows(lists, rows)

    @classmethod
    def from_memberships(
        cls, rows: Iterable[tuple[Hashable, Iterable[str]]], lists: Sequence[str] | None = None
    ) -> CaptureHistories:
        """Build from ``(person_id, sources)`` pairs, one per linked person.

        A person given twice is counted once, with the union of the sources.
        """
        per_person: dict[Hashable, set[str]] = {}
        for person_id, sources in rows:
            per_person.setdefault(person_id, set()).update(str(s) for s in sources)
        names = list(lists) if lists is not None else sorted(set().union(*per_person.values()) or [])
        position = {name: j for j, name in enumerate(names)}
        counts: Counter[History] = Counter()
        for sources in per_person.values():
            unknown = sources - position.keys()
            if unknown:
                raise EstimateError(f"sources not in lists: {sorted(unknown)}")
            history = [0] * len(names)
            for s in sources:
                history[position[s]] = 1
            counts[tuple(history)] += 1
        return cls(tuple(names), counts)

    # ----- views --------------------------------------------------------------------------------
    @property
    def k(self) -> int:
        return len(self.lists)

    @property
    def n_observed(self) -> int:
        return sum(self.counts.values())

    def cell_counts(self) -> np.ndarray:
        """Counts of the 2**K - 1 observable cells, zeros included, in cell-index order."""
        y = np.zeros(2**self.k - 1, dtype=float)
        for history, n in self.counts.items():
            y[_cell_index(history) - 1] = n
        return y

    def list_sizes(self) -> dict[str, int]:
        return {name: sum(n for h, n in self.counts.items() if h[j]) for j, name in enumerate(self.lists)}

    def overlap(self, *names: str) -> int:
        """Number of persons on every one of the named lists."""
        idx = [self.lists.index(n) for n in names]
        return sum(n for h, n in self.counts.items() if all(h[j] for j in idx))

    def drop_empty_lists(self) -> CaptureHistories:
        """The same table without lists that hold nobody (HRDAG's rule before estimating a stratum)."""
        keep = [j for j, name in enumerate(self.lists) if self.list_sizes()[name] > 0]
        return self.select([self.lists[j] for j in keep])

    def select(self, names: Sequence[str]) -> CaptureHistories:
        """Restrict to some lists; persons on none of them drop out."""
        idx = [self.lists.index(n) for n in names]
        counts: Counter[History] = Counter()
        for h, n in self.counts.items():
            counts[tuple(h[j] for j in idx)] += n
        return CaptureHistories(tuple(names), counts)

    def merge_lists(self, groups: Mapping[str, Sequence[str]]) -> CaptureHistories:
        """Union lists into new ones (e.g. many small lists into one), as done for sparse tables."""
        names = list(groups)
        idx = [[self.lists.index(m) for m in groups[g]] for g in names]
        counts: Counter[History] = Counter()
        for h, n in self.counts.items():
            counts[tuple(int(any(h[j] for j in members)) for members in idx)] += n
        return CaptureHistories(tuple(names), counts)

    def with_counts(self, y: np.ndarray) -> CaptureHistories:
        """The same lists with new counts for the observable cells (used by the bootstrap)."""
        patterns = cell_patterns(self.k)
        return CaptureHistories(self.lists, {tuple(patterns[i]): int(v) for i, v in enumerate(y) if v})

    def to_rows(self) -> list[dict[str, int]]:
        return [{**dict(zip(self.lists, h, strict=True)), "count": n} for h, n in self.counts.items()]

    def to_csv(self, path: str | Path) -> None:
        """The table as CSV; list names (sources' names) are neutralised like every CSV cell."""
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = SafeDictWriter(handle, fieldnames=[*self.lists, "count"])
            writer.writeheader()
            writer.writerows(self.to_rows())


def stratify(
    rows: Iterable[tuple[Hashable, Iterable[str], Mapping[str, Any]]],
    by: Sequence[str] = (),
    lists: Sequence[str] | None = None,
) -> dict[tuple[Any, ...], CaptureHistories]:
    """Capture histories per stratum from ``(person_id, sources, stratum_fields)`` rows.

    The stratum key is the tuple of the ``by`` fields (``()`` when not stratified); a missing field
    is ``None``. Every stratum keeps the full list of sources so tables line up; call
    :meth:`CaptureHistories.drop_empty_lists` before estimating within one.
    """
    grouped: dict[tuple[Any, ...], list[tuple[Hashable, set[str]]]] = {}
    all_sources: set[str] = set()
    for person_id, sources, fields in rows:
        key = tuple(fields.get(name) for name in by)
        srcs = {str(s) for s in sources}
        all_sources |= srcs
        grouped.setdefault(key, []).append((person_id, srcs))
    names = list(lists) if lists is not None else sorted(all_sources)
    return {
        key: CaptureHistories.from_memberships(members, names)
        for key, members in sorted(grouped.items(), key=lambda kv: tuple(map(str, kv[0])))
    }


def cell_patterns(k: int) -> np.ndarray:
    """The (2**k - 1) x k 0/1 matrix of observable histories in cell-index order."""
    idx = np.arange(1, 2**k)
    return ((idx[:, None] >> np.arange(k)[None, :]) & 1).astype(np.int8)


def _cell_index(history: Sequence[int]) -> int:
    return sum(1 << j for j, v in enumerate(history) if v)


def _to_flag(value: str) -> int:
    v = value.strip().lower()
    if v in ("1", "1.0", "true", "yes", "y"):
        return 1
    if v in ("0", "0.0", "false", "no", "n", ""):
        return 0
    raise EstimateError(f"not a 0/1 value: {value!r}")
