"""Settings of the web application: plain data, read from the environment by `from_env`."""

from __future__ import annotations

import os
from dataclasses import dataclass

from athar.web.clients import Network, parse_trusted_proxies


@dataclass(frozen=True)
class WebSettings:
    """How the web application behaves.

    `secure_cookies` is on unless turned off explicitly: only a developer serving plain HTTP on their
    own machine should turn it off (`athar serve --insecure-http` on a loopback address).

    Sign-in (`athar.accounts.signin`, `athar.web.throttle`): an account may fail `signin_free_failures`
    times, then each further attempt waits `signin_backoff_seconds`, doubled per failure up to
    `signin_max_backoff_seconds`. The cap is short on purpose: an account-wide wait that anyone can
    prolong is a way to lock its owner out, so the long waits fall on the guessing client instead
    (`client_free_failures`, then up to `client_max_backoff_seconds`). `signin_checks_per_minute` bounds
    the password checks of the whole app (guessing from many addresses at once).
    """

    secure_cookies: bool = True
    session_hours: float = 12.0  # a session's whole life, however active
    idle_minutes: float = 30.0  # a session unused this long is over (ATHAR_WEB_IDLE_MINUTES)
    signin_free_failures: int = 5
    signin_backoff_seconds: float = 1.0
    signin_max_backoff_seconds: float = 60.0
    client_free_failures: int = 10
    client_max_backoff_seconds: float = 900.0
    signin_checks_per_minute: int = 300
    min_password_length: int = 12
    default_language: str = "ar"
    # The public family search: searches per client address per minute, and how to reach a caseworker
    # (shown with every answer; None shows the translated default text).
    family_searches_per_minute: int = 10
    family_contact: str | None = None
    # Proxies whose X-Forwarded-For is believed (ATHAR_TRUSTED_PROXIES; `athar.web.clients`).
    trusted_proxies: tuple[Network, ...] = ()
    # The public tracing-request form (/trace): the organisation its requests are filed with, and
    # accepted requests per client address per ten minutes.
    trace_organisation: str = "Athar"
    trace_requests_per_window: int = 5

    @property
    def cookie_prefix(self) -> str:
        # `__Host-` cookies are Secure, host-only and path '/': a sibling subdomain cannot plant one,
        # which is what keeps the pre-login CSRF cookie out of an attacker's hands.
        return "__Host-" if self.secure_cookies else ""

    @classmethod
    def from_env(cls) -> WebSettings:
        insecure = os.environ.get("ATHAR_WEB_INSECURE_COOKIES", "") == "1"
        contact = os.environ.get("ATHAR_WEB_FAMILY_CONTACT") or None
        per_minute = int(os.environ.get("ATHAR_WEB_FAMILY_SEARCHES_PER_MINUTE", "10"))
        return cls(
            secure_cookies=not insecure,
            family_contact=contact,
            family_searches_per_minute=per_minute,
            idle_minutes=float(os.environ.get("ATHAR_WEB_IDLE_MINUTES", "30")),
            trusted_proxies=parse_trusted_proxies(os.environ.get("ATHAR_TRUSTED_PROXIES", "")),
            trace_organisation=os.environ.get("ATHAR_WEB_TRACE_ORGANISATION") or "Athar",
        )
