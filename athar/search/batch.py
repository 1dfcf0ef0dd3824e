"""Many queries against the person index at once, with the very results of one-at-a-time `search`.

A bulk import of tracing requests asks for the candidates of thousands of sought persons. One
`search` per person pays, for each of a name's readings, a round of small NumPy calls and a part
comparison per distinct name it meets. Here all readings of all queries are scored in one
vectorised pass over the index's arrays:

* the candidates of each reading are found as `search` finds them (`query.reading_persons`), and a
  reading with more than ``SHORTLIST`` candidates is narrowed as `query.shortlist` narrows it, in
  one pass of `query.quick_similarities` over all such readings of the batch;
* every (reading, shortlisted person) becomes one row; all rows' entries are gathered at once;
* per name part, the distinct (query part, vocabulary id) pairs of the whole batch are compared once
  each, by the function `search` uses (`query.similarities`), and scattered back to the entries;
* evidence, birth-year and sex terms are summed in the same order as `query.score_persons`, so every
  score is bit-for-bit the one `search` computes; top-``limit`` selection, the merge of readings and
  the final order follow `search` step by step, and the reasons come from the same pass.

`tests/test_requests_bulk_search.py` holds the batch to `search` on a synthetic population.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from athar.names.evidence import PRIOR, probability_array
from athar.search.index import PARTS, SEX_CODES, PersonIndex
from athar.search.query import (
    _NO_EVIDENCE,
    MIN_EVIDENCE,
    SEX_CONFLICT,
    SHORTLIST,
    Compare,
    Match,
    _indexed,
    _year_evidence,
    match_reasons,
    name_evidence,
    query_readings,
    quick_similarities,
    reading_persons,
    similarities,
    top_rows,
)

_UNKNOWN_YEAR = 10_000


@dataclass(frozen=True)
class Query:
    """What `search` takes for one sought person: a full name, and optionally the father's and
    mother's names, a birth year, a sex, and whether the name came in separate fields."""

    text: str
    father: str | None = None
    mother: str | None = None
    born: int | None = None
    sex: str | None = None
    structured: bool = False


def search_many(index: PersonIndex, queries: Sequence[Query], limit: int = 10) -> list[list[Match]]:
    """`search(index, q.text, q.father, q.mother, q.born, limit, q.sex, q.structured)` for every
    query, in order."""
    options = [query_readings(q.text, q.father, q.mother, q.structured) for q in queries]
    task_query: list[int] = []
    task_parts: list[tuple[str | None, ...]] = []
    task_odds: list[float] = []
    person_runs: list[np.ndarray] = []
    for q, reading_list in enumerate(options):
        query = queries[q]
        persons_of: dict[tuple, np.ndarray] = {}  # readings that differ only in the grandfather
        for parts, log_odds in reading_list:
            persons = persons_of.get(_indexed(parts))
            if persons is None:
                persons = persons_of[_indexed(parts)] = reading_persons(index, parts, query.born, query.sex)
            if not len(persons):
                continue
            task_query.append(q)
            task_parts.append(parts)
            task_odds.append(log_odds)
            person_runs.append(persons)
    if not person_runs:
        return [[] for _ in queries]
    born = np.array([queries[q].born or 0 for q in task_query], dtype=np.int64)
    sex = np.array([SEX_CODES.get((queries[q].sex or "").upper()[:1], 0) for q in task_query], dtype=np.int8)
    _shortlist(index, person_runs, task_parts, born, sex)
    lengths = np.array([len(p) for p in person_runs], dtype=np.int64)
    rows = _Rows(
        index,
        task=np.repeat(np.arange(len(person_runs), dtype=np.int64), lengths),
        person=np.concatenate(person_runs).astype(np.int64),
        task_parts=task_parts,
    )
    rows.score(born, sex)
    evidence = rows.total() + PRIOR + np.asarray(task_odds)[rows.task]  # `search`'s order

    bounds = np.concatenate([[0], np.cumsum(lengths)])
    best: list[dict[int, tuple[float, int, int]]] = [{} for _ in queries]  # person -> (score, task, row)
    for t in range(len(person_runs)):
        lo, hi = int(bounds[t]), int(bounds[t + 1])
        persons, ev = rows.person[lo:hi], evidence[lo:hi]
        local = top_rows(ev, index.person_tiebreak[persons], limit)  # as `search` chooses
        found = best[task_query[t]]
        for i, p, e in zip(local.tolist(), persons[local].tolist(), ev[local].tolist(), strict=True):
            if p not in found or e > found[p][0]:
                found[p] = (e, t, lo + i)
    out = []
    for q, found in enumerate(best):
        ranked = sorted(found, key=lambda p: (-found[p][0], index.person_ids[p]))[:limit]
        out.append(
            [
                _match(index, p, found[p], task_parts, task_odds, rows.sims, rows.gap, queries[q].born)
                for p in ranked
                if found[p][0] > MIN_EVIDENCE
            ]
        )
    return out


def _shortlist(
    index: PersonIndex,
    person_runs: list[np.ndarray],
    task_parts: list[tuple[str | None, ...]],
    born: np.ndarray,
    sex: np.ndarray,
) -> None:
    """`query.shortlist` for every task with more than ``SHORTLIST`` candidates, in one pass of
    `quick_similarities` over all of them; the tasks' person runs are narrowed in place."""
    big = [t for t, run in enumerate(person_runs) if len(run) > SHORTLIST]
    if not big:
        return
    lengths = np.array([len(person_runs[t]) for t in big], dtype=np.int64)
    quick = _Rows(
        index,
        task=np.repeat(np.asarray(big, dtype=np.int64), lengths),
        person=np.concatenate([person_runs[t] for t in big]).astype(np.int64),
        task_parts=task_parts,
        compare=quick_similarities,
    )
    quick.score(born, sex)
    total = quick.total()
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    for i, t in enumerate(big):
        run, lo, hi = person_runs[t], int(bounds[i]), int(bounds[i + 1])
        person_runs[t] = run[top_rows(total[lo:hi], index.person_tiebreak[run], SHORTLIST)]


class _Rows:
    """One row per (reading, candidate person) of the whole batch, scored as `query.score_persons`
    scores: per part, each distinct (query name, vocabulary id) pair of the batch compared once."""

    def __init__(
        self,
        index: PersonIndex,
        task: np.ndarray,
        person: np.ndarray,
        task_parts: list[tuple[str | None, ...]],
        compare: Compare = similarities,
    ) -> None:
        self.index = index
        self.task = task
        self.person = person
        self.task_parts = task_parts
        self.compare = compare
        self.entries, self.seg = index.person_entries(person)
        counts = np.diff(np.append(self.seg, len(self.entries)))
        self.entry_row = np.repeat(np.arange(len(person), dtype=np.int64), counts)
        n = len(person)
        self.part_evidence = np.zeros((len(PARTS), n))
        self.sims = np.full((n, len(PARTS)), _NO_EVIDENCE)
        self.year_evidence = np.zeros(n)
        self.sex_evidence = np.zeros(n)
        self.gap = np.full(n, -1, dtype=np.int64)

    def total(self) -> np.ndarray:
        """Summed in `score_persons`' order (before the prior and the reading's log-odds)."""
        total = np.zeros(len(self.person))
        for j in range(len(PARTS)):
            total += self.part_evidence[j]
        total += self.year_evidence
        total += self.sex_evidence
        return total

    def score(self, born: np.ndarray, sex: np.ndarray) -> None:
        self._years(born[self.task])
        self._sex(sex[self.task])
        for j in range(len(PARTS)):
            has_part = np.array([bool(parts[j]) for parts in self.task_parts], dtype=bool)
            self._part(j, has_part[self.task])

    def _part(self, j: int, rows: np.ndarray) -> None:
        """Part ``j``'s similarities and evidence for the given rows (those whose reading has it)."""
        if not rows.any():
            return
        index = self.index
        name_ids, distinct = _name_ids([parts[j] for parts in self.task_parts])
        task_name = np.asarray(name_ids, dtype=np.int64)
        take = np.flatnonzero(rows[self.entry_row])
        entry_row = self.entry_row[take]
        ids = index.entry_parts[self.entries[take], j].astype(np.int64)
        entry_name = task_name[self.task[entry_row]]
        per_entry = np.full(len(take), _NO_EVIDENCE)
        weighed = np.zeros(len(take))  # an entry without this part: no evidence
        present = ids >= 0
        if present.any():
            n_vocab = len(index.vocab)
            unique, inverse = _unique_inverse(entry_name[present] * n_vocab + ids[present])
            sought_of, vocab_ids = unique // n_vocab, unique % n_vocab
            values = np.empty(len(unique))
            names, starts = np.unique(sought_of, return_index=True)  # ``unique`` is sorted by name
            for k, lo, hi in zip(
                names.tolist(), starts.tolist(), [*starts[1:].tolist(), len(unique)], strict=True
            ):
                values[lo:hi] = self.compare(index, j, distinct[k], vocab_ids[lo:hi])
            per_entry[present] = values[inverse]
            # weighed once per distinct (sought name, vocabulary id), then spread to the entries:
            # each entry's figure is its pair's, as when weighed entry by entry
            sought = np.array([index.name_share(j, name) for name in distinct])
            share = np.maximum(index.vocab_share[vocab_ids, j], sought[sought_of])
            by_pair = name_evidence(index, j, values, share)
            weighed[present] = by_pair[inverse]
        chosen = np.flatnonzero(rows)
        starts = np.searchsorted(entry_row, chosen)  # entries of a row are contiguous, rows ascending
        self.sims[chosen, j] = np.maximum.reduceat(per_entry, starts)
        self.part_evidence[j, chosen] = np.maximum.reduceat(weighed, starts)

    def _years(self, born: np.ndarray) -> None:
        if not (born > 0).any():
            return
        years = self.index.entry_year[self.entries].astype(np.int64)
        diff = np.where(years > 0, np.abs(years - born[self.entry_row]), _UNKNOWN_YEAR)
        best_diff = np.minimum.reduceat(diff, self.seg)
        known = (best_diff < _UNKNOWN_YEAR) & (born > 0)
        self.year_evidence = np.where(known, _year_evidence(best_diff), 0.0)
        self.gap = np.where(known, best_diff, -1)

    def _sex(self, sex: np.ndarray) -> None:
        if not (sex > 0).any():
            return
        entry_sex = self.index.entry_sex[self.entries]
        code = sex[self.entry_row]
        agrees = np.maximum.reduceat((entry_sex == code).astype(np.int8), self.seg)
        conflicts = np.maximum.reduceat(((code > 0) & (entry_sex == 3 - code)).astype(np.int8), self.seg)
        self.sex_evidence = np.where((sex > 0) & (conflicts > 0) & (agrees == 0), SEX_CONFLICT, 0.0)


def _unique_inverse(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(keys, return_inverse=True)` of non-negative keys, about twice as fast on the
    million keys of a batch: each key is packed with its position into one integer, so one plain
    sort (no argsort) orders them, and the positions come back from the low bits."""
    n = len(keys)
    shift = max(1, (n - 1).bit_length())
    if n < 2 or int(keys.min()) < 0 or int(keys.max()) >= 1 << (62 - shift):
        return np.unique(keys, return_inverse=True)
    packed = np.sort((keys.astype(np.int64) << shift) | np.arange(n, dtype=np.int64))
    ordered = packed >> shift
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(n, dtype=np.int64)
    inverse[packed & ((1 << shift) - 1)] = np.cumsum(first) - 1
    return ordered[first], inverse


def _name_ids(names: list[str | None]) -> tuple[list[int], list[str]]:
    """Each name's number among the distinct names (-1 for none), and the distinct names."""
    numbers: dict[str, int] = {}
    ids = [-1 if not n else numbers.setdefault(n, len(numbers)) for n in names]
    return ids, list(numbers)


def _match(
    index: PersonIndex,
    person: int,
    found: tuple[float, int, int],
    task_parts: list[tuple[str | None, ...]],
    task_odds: list[float],
    sims: np.ndarray,
    gap: np.ndarray,
    born: int | None,
) -> Match:
    """`query._match` from the batch's own similarities (no second scoring)."""
    evidence, task, row = found
    parts, log_odds = task_parts[task], task_odds[task]
    score = float(probability_array(np.array(evidence))[()])
    reasons = match_reasons(parts, log_odds, sims[row], int(gap[row]), born)
    return Match(str(index.person_ids[person]), score, reasons)
