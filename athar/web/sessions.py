"""Browser sessions: a random token in an HttpOnly, SameSite=Lax (and, outside local development,
Secure `__Host-`) cookie, and a server-side row holding only the token's SHA-256.

A session ends after `session_hours` however active, and after `idle_minutes` without a request
(`expires_at` is the idle deadline, moved forward at most once a minute by the requests that use it).

Why rows rather than self-contained signed cookies: signing out, disabling a user or an admin ending a
session takes effect at once (a signed cookie stays valid until it expires); there is no signing key to
configure, share between workers or leak; and a stolen copy of the database yields no working cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from fastapi import Request, Response
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import OperationalError

from athar.accounts.permissions import NOBODY, Principal
from athar.store.engine import is_lock_timeout
from athar.store.tables import User, WebSession
from athar.web.settings import WebSettings

COOKIE = "athar_session"


def cookie_name(settings: WebSettings) -> str:
    return settings.cookie_prefix + COOKIE


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(engine: Engine, user_id: int, client: str | None, settings: WebSettings) -> str:
    """A new session for `user_id`; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(WebSession).values(
                token_hash=_hash(token),
                user_id=user_id,
                created_at=now,
                expires_at=_idle_deadline(now, now, settings),
                client=client,
            )
        )
    return token


def _idle_deadline(created: dt.datetime, now: dt.datetime, settings: WebSettings) -> dt.datetime:
    return min(
        now + dt.timedelta(minutes=settings.idle_minutes),
        created + dt.timedelta(hours=settings.session_hours),
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(WebSession)
            .where(WebSession.token_hash == _hash(token), WebSession.revoked_at.is_(None))
            .values(revoked_at=dt.datetime.now(dt.UTC))
        )


def principal_for_session(
    engine: Engine, token: str, now: dt.datetime | None = None, settings: WebSettings | None = None
) -> Principal | None:
    """The user of a live session (not revoked, not idle past its deadline nor older than
    `session_hours`, user not disabled), else None. With `settings`, a use moves the idle deadline."""
    now = now or dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                WebSession.id, WebSession.created_at, WebSession.expires_at,
                User.id.label("user_id"), User.name, User.role, User.organisation_id,
            )
            .join(User, User.id == WebSession.user_id)
            .where(
                WebSession.token_hash == _hash(token),
                WebSession.revoked_at.is_(None),
                User.disabled.is_(False),
            )
        ).first()  # fmt: skip
    if row is None:
        return None
    expires, created = _aware(row.expires_at), _aware(row.created_at)
    if expires <= now:
        return None
    if settings is not None:
        if created + dt.timedelta(hours=settings.session_hours) <= now:
            return None
        _touch(engine, row.id, expires, _idle_deadline(created, now, settings))
    return Principal(
        name=row.name,
        role=row.role,
        organisation_id=row.organisation_id,
        kind="user",
        user_id=row.user_id,
        session_id=row.id,
    )


def _touch(engine: Engine, session_id: int, expires: dt.datetime, deadline: dt.datetime) -> None:
    """Move the idle deadline, at most once a minute; skipped, not failed, while the store is busy."""
    if deadline - expires < dt.timedelta(minutes=1):
        return
    try:
        with engine.begin() as conn:
            conn.execute(update(WebSession).where(WebSession.id == session_id).values(expires_at=deadline))
    except OperationalError as e:
        if not is_lock_timeout(e):
            raise


def session_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name(request.app.state.settings))


def current_principal(request: Request) -> Principal:
    """The signed-in user of this request, or NOBODY; looked up once per request."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    token = session_token(request)
    settings = request.app.state.settings
    principal = (
        principal_for_session(request.app.state.engine, token, settings=settings) if token else None
    ) or NOBODY
    request.state.principal = principal
    return principal


def set_cookie(response: Response, settings: WebSettings, name: str, value: str, max_age: int | None) -> None:
    """Every cookie of the app is set here, with the same flags: HttpOnly, SameSite=Lax, Secure."""
    response.set_cookie(
        settings.cookie_prefix + name,
        value,
        max_age=max_age,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def set_session_cookie(response: Response, settings: WebSettings, token: str) -> None:
    set_cookie(response, settings, COOKIE, token, int(settings.session_hours * 3600))


def clear_session_cookie(response: Response, settings: WebSettings) -> None:
    response.delete_cookie(
        cookie_name(settings), path="/", secure=settings.secure_cookies, httponly=True, samesite="lax"
    )
