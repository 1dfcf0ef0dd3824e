"""Per-app search state: the person index (built lazily, rebuilt when the store changes) and the
family search's rate limiter. Both live on `app.state`; nothing is global."""

from __future__ import annotations

import collections
import hashlib
import hmac
import secrets
import threading
import time

from sqlalchemy import Engine

from athar.search import PersonIndex, store_fingerprint
from athar.search.freshness import caught_up


class IndexHolder:
    """The app's PersonIndex: built on first use; when `store_fingerprint` changes, extended by the
    records added since (a request from the form, `athar.search.freshness`) or else rebuilt."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._index: PersonIndex | None = None
        self._fingerprint: str | None = None
        self._lock = threading.Lock()
        self.builds = 0
        self.extensions = 0

    def get(self) -> PersonIndex:
        fingerprint = store_fingerprint(self.engine)
        with self._lock:
            if self._index is None or fingerprint != self._fingerprint:
                extended = caught_up(self.engine, self._index) if self._index is not None else None
                if extended is None:
                    self._index = PersonIndex.build(self.engine)
                    self.builds += 1
                elif extended is not self._index:
                    self._index = extended
                    self.extensions += 1
                self._fingerprint = self._index.meta.get("fingerprint", fingerprint)
            return self._index


class RateLimiter:
    """At most `limit` events per `window` seconds per key (a sliding window), in memory."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._events) > 100_000:  # forget idle clients rather than grow without bound
                self._events = {k: q for k, q in self._events.items() if q and q[-1] > now - self.window}
            events = self._events.setdefault(key, collections.deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._events.clear()


class AddressHasher:
    """A keyed hash of a client address for the audit log: a plain SHA-256 of an IPv4 address is
    reversed by trying all four billion; with a random key held only in memory it is not, while one
    address still hashes alike for as long as the app runs (enough to see abuse)."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def __call__(self, address: str | None) -> str:
        digest = hmac.new(self._key, (address or "").encode("utf-8"), hashlib.sha256).hexdigest()
        return "h:" + digest[:24]
