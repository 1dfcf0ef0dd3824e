"""Map a pure-Python function over many items in this process and a forked one at once.

The features step parses a million names one at a time: Python work that holds one core while the
other idles. A forked child inherits the items (nothing is pickled on the way in). The items are
cut into chunks: this process takes them from the front, the child from the back, each telling the
other through a shared counter how far it has come, until they meet; so the work splits by what
each process gets done (lists come sorted by source, one source's names cost more to read than
another's, and on a shared machine one process may get less of a core than the other), and this
process may first do other work (``meanwhile``) while the child starts. The child sends its
results back when they meet. Where fork is not available, with one CPU, or for few items, the map
runs here alone; the result is the same either way.
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

# How many items a process takes at a time: small enough that the two finish close together, large
# enough that claiming a chunk costs nothing beside its work.
CHUNK = 1_000

# What the forked child works on: set just before the fork, so the child inherits it.
_job: tuple[Work, Sequence[Any], Any, Any, int] | None = None


def usable_cpus() -> int:
    """CPUs this process may run on (a container's limit, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return os.cpu_count() or 1


def _chunk(items: Sequence[Any], i: int, size: int) -> Sequence[Any]:
    return items[i * size : (i + 1) * size]


def _child(receive: Any, send: Any) -> None:
    # the child's copy of the reading end, closed so that a parent gone away breaks the pipe
    # rather than leaving this process blocked in send
    receive.close()
    assert _job is not None
    work, items, front, back, size = _job
    n = -(-len(items) // size)
    done: list = []  # the chunks taken from the back, last first
    try:
        # No lock: each process writes only its own counter, and a chunk both claim at once (each
        # having read the other's counter before it moved) is done twice, the same either way.
        while front.value + back.value < n:
            back.value += 1
            done.append(work(_chunk(items, n - back.value, size)))
        outcome: tuple[str, Any] = ("done", done[::-1])
    except BaseException as error:  # handed to the parent, which raises it
        back.value = n  # and takes no more chunks
        outcome = ("failed", error)
    try:
        send.send(outcome)
    except Exception:  # an exception that does not pickle: say what it was
        send.send(("failed", RuntimeError(repr(outcome[1]))))
    send.close()


def map_in_two_processes(
    work: Work,
    items: Sequence[Any],
    min_items: int,
    meanwhile: Callable[[], object] | None = None,
    chunk: int = CHUNK,
) -> list:
    """`work(items)`, where `work` returns one result per item and the result of an item does not
    depend on the others, with part of the items done in a forked process; results in the order of
    `items`. `meanwhile`, if given, is called here once (after the fork, before this process's
    share, so the child works while it runs); `chunk`: items taken at a time. An exception
    in either process is raised here."""
    global _job
    if len(items) < min_items or usable_cpus() < 2 or "fork" not in mp.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        return work(items)
    context = mp.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    front, back = context.RawValue("q", 0), context.RawValue("q", 0)
    n = -(-len(items) // chunk)
    done: list = []  # this process's chunks, from the front
    with collector_paused():
        _job = (work, items, front, back, chunk)
        try:
            child = context.Process(target=_child, args=(receive, send), daemon=True)
            child.start()
        finally:
            _job = None
            send.close()
        try:
            if meanwhile is not None:
                meanwhile()
            while front.value + back.value < n:
                front.value += 1
                done.append(work(_chunk(items, front.value - 1, chunk)))
            try:
                status, theirs = receive.recv()
            except EOFError:  # the child died (killed for memory, say): do what it had taken here
                child.join()
                log.warning("the forked part of a map ended without a result (exit code %s)", child.exitcode)
                status, theirs = "done", [work(_chunk(items, i, chunk)) for i in range(len(done), n)]
        finally:
            receive.close()
            if child.is_alive():
                child.terminate()
            child.join()
    if status == "failed":
        raise theirs
    # the child's chunks are the last len(theirs); a chunk both did is taken from this process
    out = [result for part in done for result in part]
    for part in theirs[len(done) + len(theirs) - n :]:
        out.extend(part)
    return out
