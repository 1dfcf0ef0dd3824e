"""Candidates for a bulk import's requests, ranked in a pool of worker processes when it pays.

Ranking is most of a bulk import's CPU time (about 2 ms per request over a million persons,
against half a millisecond to check and store one), and it is Python-bound: threads would wait on
one another for the interpreter. So a large file's rows are checked and ranked by worker processes
forked after the index is loaded and warmed (its arrays, pair postings, normalised vocabulary and
the comparison features of its commonest names are shared copy-on-write, not copied or rebuilt),
one per idle core, in slices taken in order (`in_slices`); the answers come back in the order of
the rows, and the importing process stores them. Each slice goes through the same batched search
(`athar.requests.intake.rank_many`), whose answer for a request does not depend on what else is in
its batch, so the candidates are those of ranking in one process (a test holds the two equal).

A machine of one core or with fewer than two cores idle now (`busy_cores`), a platform without
``fork``, or a file of fewer than ``POOL_ROWS`` rows is ranked in the importing process: workers
cost more than they save there (`pool_workers`)."""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import time
from collections.abc import Callable
from typing import TypeVar

from athar.search import PersonIndex

RANK_CHUNK = 1000  # requests ranked per batched search in one process (bounds memory)
POOL_ROWS = 400  # a file of fewer rows than this is checked and ranked without a pool
MAX_WORKERS = 8
MIN_TASK = 50  # requests per slice given to a worker, at least (the batch shares comparisons)

T = TypeVar("T")
Work = Callable[[PersonIndex | None, list], list]  # answers a part of the items, one answer per item

# what the forked workers run (set only while a pool runs)
_job: tuple[PersonIndex | None, Work] | None = None


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return os.cpu_count() or 1


def pool_workers(requests: int, cores: int | None = None, load: float | None = None) -> int:
    """How many worker processes rank ``requests`` new requests: one per idle core (this process
    waits for them), or 0, ranking in this process, when fewer than two cores are idle, below
    ``POOL_ROWS`` requests, or where processes cannot be forked.

    ``load``: how many cores other work keeps busy (`busy_cores`, measured now, by default).
    Workers cost CPU time of their own (each learns the names it meets afresh, and two processes
    share the caches), a quarter more at a million persons: on a machine whose cores are busy with
    other work they only add to it (bench/requests.py at load 4 on 2 cores: 5.4-6.8 against
    4.7 ms of CPU per request, and a longer wall clock)."""
    cores = usable_cores() if cores is None else cores
    if requests < POOL_ROWS or cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    busy = busy_cores() if load is None else load
    idle = math.floor(cores - busy + 0.5)
    return min(idle, cores, MAX_WORKERS) if idle >= 2 else 0


BUSY_SAMPLE = 0.2  # seconds the machine's CPU time is sampled over


def busy_cores(sample: float = BUSY_SAMPLE) -> float:
    """How many cores other work keeps busy now: the machine's non-idle CPU time over ``sample``
    seconds while this process sleeps (Linux ``/proc/stat``); elsewhere the one-minute load average
    less this process. The load average lags a minute behind: just after a test suite it still read
    1.5 on an idle 2-core machine and the pool was declined."""
    before = _cpu_times()
    if before is None:
        return max(0.0, os.getloadavg()[0] - 1.0)
    time.sleep(sample)
    after = _cpu_times()
    if after is None:  # pragma: no cover - /proc/stat vanished in between
        return max(0.0, os.getloadavg()[0] - 1.0)
    (cpus, busy0, total0), (_cpus, busy1, total1) = before, after
    elapsed = total1 - total0
    return cpus * (busy1 - busy0) / elapsed if elapsed > 0 else 0.0


def _cpu_times(path: str = "/proc/stat") -> tuple[int, int, int] | None:
    """(CPUs, busy ticks, all ticks) of the whole machine, or None where there is no ``/proc/stat``."""
    try:
        with open(path, encoding="ascii") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    ticks = [int(x) for x in lines[0].split()[1:9]]  # user nice system idle iowait irq softirq steal
    cpus = sum(1 for line in lines[1:] if line.startswith("cpu"))
    idle = ticks[3] + ticks[4]
    return max(cpus, 1), sum(ticks) - idle, sum(ticks)


def _run_slice(items: list) -> list:
    assert _job is not None
    index, work = _job
    return work(index, items)


def in_slices(index: PersonIndex | None, work: Work, items: list[T], workers: int | None = None) -> list:
    """``work(index, part)`` over consecutive parts of ``items``, answers concatenated in order:
    in ``workers`` forked processes (None: `pool_workers` decides; 0: in this one, a thousand
    items at a time). ``work`` must answer an item alike whatever else is in its part."""
    global _job
    workers = pool_workers(len(items)) if workers is None else workers
    if workers < 1 or not items:
        out: list = []
        for start in range(0, len(items), RANK_CHUNK):
            out.extend(work(index, items[start : start + RANK_CHUNK]))
        return out
    if index is not None:
        index.warm()  # forked workers share what it derives instead of each building its own
    # a few slices per worker, so that one slow slice does not leave the other workers idle
    size = min(RANK_CHUNK, max(MIN_TASK, math.ceil(len(items) / (workers * 4))))
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    _job = (index, work)
    # the objects of this process are kept out of the workers' garbage collections: a collection
    # writes to every object it visits, which would copy the pages shared with this process
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            answers = [answer for part in pool.imap(_run_slice, slices) for answer in part]
    finally:
        gc.unfreeze()
        _job = None
    return answers
