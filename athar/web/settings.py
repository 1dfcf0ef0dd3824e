"""Settings of the web application: plain data, read from the environment by `from_env`."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class WebSettings:
    """How the web application behaves.

    `secure_cookies` is on unless turned off explicitly: only a developer serving plain HTTP on their
    own machine should turn it off (`athar serve --insecure-http` on a loopback address).
    """

    secure_cookies: bool = True
    session_hours: float = 12.0
    lockout_failures: int = 5
    lockout_minutes: float = 15.0
    default_language: str = "ar"
    # The public family search: searches per client address per minute, and how to reach a caseworker
    # (shown with every answer; None shows the translated default text).
    family_searches_per_minute: int = 10
    family_contact: str | None = None
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
            trace_organisation=os.environ.get("ATHAR_WEB_TRACE_ORGANISATION") or "Athar",
        )
