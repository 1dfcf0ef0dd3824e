"""Keeping Python's cyclic garbage collector off a long-lived set of objects, for a while.

A linkage run holds a million loaded records for its whole length; every full collection the later
steps trigger would walk each of them (in the features step's forked child, copying every page it
touched). `gc.freeze()` moves every object alive into a generation the collector ignores; it is
process-wide, so it is scoped here and always undone.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


@contextmanager
def objects_frozen() -> Iterator[None]:
    """Every object alive on entry out of the collector's reach until exit, then given back (they
    are collected as usual again, and garbage made meanwhile is not lost: refcounting frees what
    holds no cycle, and the next full collection the rest).

    If something else has frozen objects already (a server that froze its start-up objects before
    forking workers), nothing is frozen: unfreezing on exit would give back its objects too."""
    if gc.get_freeze_count():
        log.debug("objects are frozen already: the run leaves the collector as it is")
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off inside the block, then as it was.

    For code that makes hundreds of thousands of small objects that hold no cycle (the rows a
    linkage run writes): each of the full collections they would trigger walks every object alive,
    and freeing them is refcounting's work anyway. Garbage with cycles made meanwhile waits for
    the next collection. (Making a million rows of tuples in the features step's forked child,
    each collection would also copy every page it touched.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
