"""Sign-in: password, a growing wait after repeated failures, optional TOTP (two-factor) codes.

Not a lock: after `signin_free_failures` failures each further attempt on the account must wait a
little longer (doubling, capped at a minute by default), so five requests from a stranger cannot shut
an admin out for a quarter of an hour; the long waits fall on the guessing client (`athar.web.throttle`).

The count is taken *before* the password is checked, by one compare-and-set UPDATE on the user's row
(`failed_logins` as read, and no wait pending): of parallel guesses only one wins each step, the
others are refused unchecked, so forty guesses at once check no more passwords than forty in a row.
A success sets the count back to zero. Whatever went wrong, the caller gets `INVALID`: an unknown name,
a wrong password or code, a disabled account and an account that must wait look alike, and each spends
one password hash's time.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol

import pyotp
from sqlalchemy import Engine, or_, select, update

from athar.accounts.errors import AccountError
from athar.accounts.passwords import hash_password, needs_rehash, verify_nothing, verify_password
from athar.store.tables import User


class BackoffPolicy(Protocol):
    """How sign-in failures slow an account down (`athar.web.settings.WebSettings` is one)."""

    signin_free_failures: int
    signin_backoff_seconds: float
    signin_max_backoff_seconds: float


def backoff_seconds(failures: int, policy: BackoffPolicy) -> float:
    """The wait after `failures` failures in a row: none for the first free ones, then doubling, capped."""
    excess = failures - policy.signin_free_failures
    if excess < 0:
        return 0.0
    return min(policy.signin_backoff_seconds * 2.0 ** min(excess, 30), policy.signin_max_backoff_seconds)


def enable_totp(engine: Engine, name: str) -> str:
    """Turn on two-factor sign-in for `name`; returns the base32 secret for the authenticator app."""
    secret = pyotp.random_base32()
    with engine.begin() as conn:
        done = conn.execute(update(User).where(User.name == name).values(totp_secret=secret)).rowcount
    if not done:
        raise AccountError(f"no user {name!r}")
    return secret


def totp_uri(secret: str, name: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name="Athar")


class Outcome(enum.Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown name, wrong password or code, or a wait pending: one answer for all
    TOTP_REQUIRED = "totp_required"  # password right, code missing: ask for it, count nothing


@dataclass(frozen=True)
class SignIn:
    outcome: Outcome
    user_id: int | None = None
    detail: str | None = None


def aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def authenticate(
    engine: Engine,
    name: str,
    password: str,
    totp_code: str | None,
    settings: BackoffPolicy,
    now: dt.datetime | None = None,
) -> SignIn:
    """Check a sign-in (see the module docstring). `SignIn.detail` says why an attempt failed, for the
    audit log only: `unknown`, `wrong`, `backoff` or `race`."""
    now = now or dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        user = conn.execute(select(User).where(User.name == name)).first()
    if user is None or user.disabled:
        verify_nothing(password)
        return SignIn(Outcome.INVALID, detail="unknown")
    wait_until = aware(user.locked_until)
    if wait_until is not None and wait_until > now:
        verify_nothing(password)
        return SignIn(Outcome.INVALID, detail="backoff")
    failures = user.failed_logins + 1
    delay = dt.timedelta(seconds=backoff_seconds(failures, settings))
    with engine.begin() as conn:
        reserved = conn.execute(
            update(User)
            .where(
                User.id == user.id,
                User.failed_logins == user.failed_logins,
                or_(User.locked_until.is_(None), User.locked_until <= now),
            )
            .values(failed_logins=failures, locked_until=(now + delay) if delay else None)
        ).rowcount
    if not reserved:  # another attempt on this account took this step first
        verify_nothing(password)
        return SignIn(Outcome.INVALID, detail="race")
    ok = verify_password(user.password_hash, password)
    if ok and user.totp_secret:
        if not totp_code:
            with engine.begin() as conn:  # the password was right: this attempt counts for nothing
                conn.execute(
                    update(User)
                    .where(User.id == user.id, User.failed_logins > 0)
                    .values(failed_logins=User.failed_logins - 1)
                )
            return SignIn(Outcome.TOTP_REQUIRED)
        ok = pyotp.TOTP(user.totp_secret).verify(totp_code.strip(), for_time=now, valid_window=1)
    if not ok:
        return SignIn(Outcome.INVALID, detail="wrong")
    values: dict = {"failed_logins": 0, "locked_until": None}
    if needs_rehash(user.password_hash):
        values["password_hash"] = hash_password(password)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user.id).values(**values))
    return SignIn(Outcome.OK, user.id)
