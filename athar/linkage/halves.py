"""Map a pure-Python function over many items in this process and a forked one at once.

The features step parses a million names one at a time: Python work that holds one core while the
other idles. A forked child inherits the items (nothing is pickled on the way in), takes every
second item while this process takes the others (lists often come sorted by source, and one
source's names cost more to parse than another's), and sends its results back. Where fork is not
available, with one CPU, or for few items, the map runs here alone; the result is the same either way.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from typing import Any

from athar.linkage.heap import collector_paused

log = logging.getLogger(__name__)

Work = Callable[[Sequence[Any]], list]

# What the forked child works on: set just before the fork, so the child inherits it.
_job: tuple[Work, Sequence[Any]] | None = None


def usable_cpus() -> int:
    """CPUs this process may run on (a container's limit, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return os.cpu_count() or 1


def _child(receive: Any, send: Any) -> None:
    # the child's copy of the reading end, closed so that a parent gone away breaks the pipe
    # rather than leaving this process blocked in send
    receive.close()
    assert _job is not None
    work, items = _job
    try:
        outcome: tuple[str, Any] = ("done", work(items))
    except BaseException as error:  # handed to the parent, which raises it
        outcome = ("failed", error)
    try:
        send.send(outcome)
    except Exception:  # an exception that does not pickle: say what it was
        send.send(("failed", RuntimeError(repr(outcome[1]))))
    send.close()


def map_in_two_processes(work: Work, items: Sequence[Any], min_items: int) -> list:
    """`work(items)`, where `work` returns one result per item, with every second item done in a
    forked process; results in the order of `items`. An exception in either half is raised here."""
    global _job
    if len(items) < min_items or usable_cpus() < 2 or "fork" not in mp.get_all_start_methods():
        return work(items)
    context = mp.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    with collector_paused():
        _job = (work, items[1::2])
        try:
            child = context.Process(target=_child, args=(receive, send), daemon=True)
            child.start()
        finally:
            _job = None
            send.close()
        try:
            evens = work(items[0::2])
            try:
                status, odds = receive.recv()
            except EOFError:  # the child died (killed for memory, say): do its share here
                child.join()
                log.warning("the forked half of a map ended without a result (exit code %s)", child.exitcode)
                status, odds = "done", work(items[1::2])
        finally:
            receive.close()
            if child.is_alive():
                child.terminate()
            child.join()
    if status == "failed":
        raise odds
    out = [None] * len(items)
    out[0::2], out[1::2] = evens, odds
    return out
