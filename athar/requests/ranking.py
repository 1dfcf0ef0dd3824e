"""Candidates for a bulk import's requests, ranked in a pool of worker processes when it pays.

Ranking is nearly all of a bulk import's CPU time (about 4 ms per request over a million persons,
against a third of a millisecond to check and store one), and it is Python-bound: threads would
wait on one another for the interpreter. So a large file's requests are ranked by worker processes
forked after the index is loaded and warmed (its arrays, pair postings and normalised vocabulary
are shared copy-on-write, not copied or rebuilt), one per core, in slices taken in order; the
answers come back in the order of the requests. Each slice goes through the same batched search
(`athar.requests.intake.rank_many`), whose answer for a request does not depend on what else is in
its batch, so the candidates are those of ranking in one process (a test holds the two equal).

A machine of one core, a platform without ``fork``, or a file of fewer than ``POOL_ROWS`` new
requests is ranked in the importing process: starting workers costs more than it saves there.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os

from athar.requests.intake import rank_many
from athar.search import PersonIndex

RANK_CHUNK = 1000  # requests ranked per batched search in one process (bounds memory)
POOL_ROWS = 400  # fewer new requests than this are ranked without a pool
MAX_WORKERS = 8
MIN_TASK = 50  # requests per slice given to a worker, at least (the batch shares comparisons)

Sought = list[tuple[dict, str | None]]

_index: PersonIndex | None = None  # the index the forked workers read (set only while a pool runs)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return os.cpu_count() or 1


def pool_workers(requests: int, cores: int | None = None) -> int:
    """How many worker processes rank ``requests`` new requests: 0 (rank in this process) below
    ``POOL_ROWS``, on one core, or where processes cannot be forked; else one per core."""
    cores = usable_cores() if cores is None else cores
    if requests < POOL_ROWS or cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(cores, MAX_WORKERS)


def warm(index: PersonIndex) -> None:
    """Build what the search derives from the index on first use, so that forked workers share it
    instead of each building its own (the pair postings take seconds at a million persons)."""
    _ = index.entry_skeletons, index.pair_postings, index.normalized_vocab
    _ = index.vocab_untitled_skeleton, index.vocab_key_objects, index._share_by_key


def _rank_slice(sought: Sought) -> list[list[dict]]:
    assert _index is not None
    return rank_many(_index, sought)


def rank_requests(index: PersonIndex, sought: Sought, workers: int | None = None) -> list[list[dict]]:
    """`rank_many` of every (record, exclude) in ``sought``, in order: in ``workers`` forked
    processes (None: `pool_workers` decides; 0: in this one)."""
    global _index
    workers = pool_workers(len(sought)) if workers is None else workers
    if workers < 1 or not sought:
        out: list[list[dict]] = []
        for start in range(0, len(sought), RANK_CHUNK):
            out.extend(rank_many(index, sought[start : start + RANK_CHUNK]))
        return out
    warm(index)
    # a few slices per worker, so that one slow slice does not leave the other workers idle
    size = min(RANK_CHUNK, max(MIN_TASK, math.ceil(len(sought) / (workers * 4))))
    slices = [sought[start : start + size] for start in range(0, len(sought), size)]
    _index = index
    # the objects of this process are kept out of the workers' garbage collections: a collection
    # writes to every object it visits, which would copy the pages shared with this process
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            answers = [ranked for part in pool.imap(_rank_slice, slices) for ranked in part]
    finally:
        gc.unfreeze()
        _index = None
    return answers
