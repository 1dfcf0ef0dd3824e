"""CSRF protection for every form: a per-session token, checked on every POST of a page route.

The token is an HMAC keyed by a random per-browser seed cookie (HttpOnly, `__Host-` outside local
development) over the session cookie's value: another site can neither read nor plant those cookies, so
it cannot compute the token; and signing in changes the session cookie, so the token changes with it.
Nothing is stored server-side and no application secret is needed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import HTTPException, Request

from athar.web.sessions import session_token

SEED_COOKIE = "athar_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"


def new_seed() -> str:
    return secrets.token_urlsafe(32)


def seed(request: Request) -> str:
    """The browser's seed: its cookie, or the fresh one the middleware will set on this response."""
    fresh = getattr(request.state, "csrf_seed", None)
    if fresh:
        return fresh
    return request.cookies.get(request.app.state.settings.cookie_prefix + SEED_COOKIE, "")


def csrf_token(request: Request) -> str:
    key = seed(request).encode("utf-8")
    message = b"athar-csrf-v1:" + (session_token(request) or "").encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


async def csrf_protect(request: Request) -> None:
    """Page-router dependency: a POST must carry the token in the form (or the X-CSRF-Token header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.headers.get(HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    has_seed = bool(request.cookies.get(request.app.state.settings.cookie_prefix + SEED_COOKIE))
    if not sent or not has_seed or not hmac.compare_digest(sent, csrf_token(request)):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong; reload the page")
