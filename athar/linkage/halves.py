"""Split a pure-Python pass over many items between this process and a forked one.

The features step parses a million names one at a time: Python work that holds one core while the
other idles. A forked child inherits the items (nothing is pickled on the way in), works through
the second half while this process does the first, and sends its results back. Where fork is not
available, or for few items, the pass runs here alone; the result is the same either way.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

Work = Callable[[Sequence[Any]], tuple[list, ...]]

# What the forked child works on: set just before the fork, so the child inherits it.
_job: tuple[Work, Sequence[Any]] | None = None


def _child(send: Any) -> None:
    assert _job is not None
    work, items = _job
    send.send(work(items))
    send.close()


def in_two_halves(work: Work, items: Sequence[Any], min_items: int) -> tuple[list, ...]:
    """`work(items)`, computed as `work(first half)` here and `work(second half)` in a forked
    process, each list of the result concatenated in order. `work` returns a tuple of lists."""
    global _job
    if len(items) < min_items or (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        return work(items)
    middle = len(items) // 2
    context = mp.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    _job = (work, items[middle:])
    try:
        child = context.Process(target=_child, args=(send,), daemon=True)
        child.start()
    finally:
        _job = None
    send.close()
    head = work(items[:middle])
    try:
        tail = receive.recv()
    except EOFError:  # the child died (killed for memory, say): do its half here
        log.warning("the forked half of a pass gave no result (exit code %s): redone here", child.exitcode)
        tail = work(items[middle:])
    finally:
        receive.close()
        child.join()
    return tuple(a + b for a, b in zip(head, tail, strict=True))
