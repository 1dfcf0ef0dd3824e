"""Map a pure-Python function over many items in this process and a forked one at once.

The features step parses a million names one at a time: Python work that holds one core while the
other idles. A forked child inherits the items (nothing is pickled on the way in), takes every
second item while this process takes the others (lists often come sorted by source, and one
source's names cost more to parse than another's), and sends its results back. Where fork is not
available, or for few items, the map runs here alone; the result is the same either way.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

Work = Callable[[Sequence[Any]], list]

# What the forked child works on: set just before the fork, so the child inherits it.
_job: tuple[Work, Sequence[Any]] | None = None


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside. Making a million rows of tuples, the collector would
    otherwise walk every object there is each time they trigger a full collection (in a forked
    child, copying every page it touches): that took as long as the rows themselves. Rows and
    strings make no cycles; the collector's state is restored on the way out."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _child(send: Any) -> None:
    assert _job is not None
    work, items = _job
    send.send(work(items))
    send.close()


def map_in_two_processes(work: Work, items: Sequence[Any], min_items: int) -> list:
    """`work(items)`, where `work` returns one result per item, with every second item done in a
    forked process; results in the order of `items`."""
    global _job
    if len(items) < min_items or (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        return work(items)
    context = mp.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    _job = (work, items[1::2])
    with collector_paused():
        try:
            child = context.Process(target=_child, args=(send,), daemon=True)
            child.start()
        finally:
            _job = None
        send.close()
        evens = work(items[0::2])
        try:
            odds = receive.recv()
        except EOFError:  # the child died (killed for memory, say): do its share here
            log.warning("the forked half of a map gave no result (exit code %s): redone here", child.exitcode)
            odds = work(items[1::2])
        finally:
            receive.close()
            child.join()
    out = [None] * len(items)
    out[0::2], out[1::2] = evens, odds
    return out
