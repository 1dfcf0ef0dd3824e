"""Sign-in: password, lockout after repeated failures, optional TOTP (two-factor) codes."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol

import pyotp
from sqlalchemy import Engine, select, update

from athar.accounts.passwords import hash_password, needs_rehash, verify_nothing, verify_password
from athar.store.tables import User


class LockoutPolicy(Protocol):
    """How many failures lock an account, and for how long (`athar.web.settings.WebSettings` is one)."""

    lockout_failures: int
    lockout_minutes: float


def enable_totp(engine: Engine, name: str) -> str:
    """Turn on two-factor sign-in for `name`; returns the base32 secret for the authenticator app."""
    secret = pyotp.random_base32()
    with engine.begin() as conn:
        done = conn.execute(update(User).where(User.name == name).values(totp_secret=secret)).rowcount
    if not done:
        raise ValueError(f"no user {name!r}")
    return secret


def totp_uri(secret: str, name: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name="Athar")


class Outcome(enum.Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown name, wrong password or wrong code: one answer for all, to leak nothing
    LOCKED = "locked"
    TOTP_REQUIRED = "totp_required"  # password right, code missing: ask for it, count nothing


@dataclass(frozen=True)
class SignIn:
    outcome: Outcome
    user_id: int | None = None


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
    settings: LockoutPolicy,
    now: dt.datetime | None = None,
) -> SignIn:
    """Check a sign-in. Each failure is counted on the user; the `lockout_failures`-th locks the account
    for `lockout_minutes`, during which even the right password is refused."""
    now = now or dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        user = conn.execute(select(User).where(User.name == name)).first()
        if user is None or user.disabled:
            verify_nothing(password)
            return SignIn(Outcome.INVALID)
        locked_until = aware(user.locked_until)
        if locked_until is not None and locked_until > now:
            return SignIn(Outcome.LOCKED)
        ok = verify_password(user.password_hash, password)
        if ok and user.totp_secret:
            if not totp_code:
                return SignIn(Outcome.TOTP_REQUIRED)
            ok = pyotp.TOTP(user.totp_secret).verify(totp_code.strip(), for_time=now, valid_window=1)
        if ok:
            values: dict = {"failed_logins": 0, "locked_until": None}
            if needs_rehash(user.password_hash):
                values["password_hash"] = hash_password(password)
            conn.execute(update(User).where(User.id == user.id).values(**values))
            return SignIn(Outcome.OK, user.id)
        # Counted in the database (not read-modify-write here), so parallel guesses all count.
        failures = conn.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
        ).scalar_one()
        if failures < settings.lockout_failures:
            return SignIn(Outcome.INVALID)
        conn.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, locked_until=now + dt.timedelta(minutes=settings.lockout_minutes))
        )
        return SignIn(Outcome.LOCKED)
