"""Sign-in throttles that do not depend on the account: a growing wait per client address, and a
bound on the password checks of the whole app per minute.

In memory, per app (one `athar serve` process): what they guard against is many guesses in a short
time, and a restart forgets only the waits. The per-account wait is in the store
(`athar.accounts.signin`), since that is the one that must hold across processes and be atomic.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from athar.web.search_state import RateLimiter
from athar.web.settings import WebSettings

FORGET_AFTER_S = 3600.0  # a client quiet this long starts afresh


@dataclass
class _Record:
    failures: int
    wait_until: float
    last: float


class SigninThrottle:
    """Per client: `client_free_failures` failures, then a wait doubling from one second up to
    `client_max_backoff_seconds`. For the app: at most `signin_checks_per_minute` attempts."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self._clients: dict[str, _Record] = {}
        self._global = RateLimiter(settings.signin_checks_per_minute, 60.0)
        self._lock = threading.Lock()

    def admit(self, client: str, now: float | None = None) -> bool:
        """Whether an attempt from `client` may be checked now (it then counts towards the global bound)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            record = self._clients.get(client)
            if record is not None and record.wait_until > now:
                return False
        return self._global.allow("all", now)

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._clients) > 100_000:
                self._clients = {k: r for k, r in self._clients.items() if r.last > now - FORGET_AFTER_S}
            record = self._clients.get(client)
            if record is None or record.last < now - FORGET_AFTER_S:
                record = self._clients[client] = _Record(0, 0.0, now)
            record.failures += 1
            record.last = now
            excess = record.failures - self.settings.client_free_failures
            if excess >= 0:
                wait = min(2.0 ** min(excess, 30), self.settings.client_max_backoff_seconds)
                record.wait_until = now + wait

    def reset(self) -> None:
        with self._lock:
            self._clients.clear()
        self._global.reset()
