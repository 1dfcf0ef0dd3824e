"""A flood guard for intake: at most N requests per client in a sliding window, kept in memory by
the process that serves the form (a restart forgets it, which only ever lets a family through)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class TooManyRequests(Exception):
    """This client sent too many requests lately; ``retry_after`` seconds until the next is accepted."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many requests; try again in {int(retry_after) + 1} s")


class IntakeLimiter:
    def __init__(
        self, limit: int = 5, window: float = 600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        """Count one request from ``client``; raise TooManyRequests when over the limit."""
        now = self.clock()
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                raise TooManyRequests(times[0] + self.window - now)
            times.append(now)
            if len(self._seen) > 100_000:  # forget idle clients rather than grow without bound
                for key in [k for k, v in self._seen.items() if not v or v[-1] <= now - self.window]:
                    del self._seen[key]
