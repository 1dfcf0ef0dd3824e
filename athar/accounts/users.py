"""Users: accounts of the web application, each with one role in one organisation.

Changes here are plain writes; who may make them (`users.manage`) and the audit entry that records
what each was before are the caller's (the admin pages, `athar users add`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert, select, update

from athar.accounts.errors import AccountError
from athar.accounts.organisations import ensure_organisation
from athar.accounts.passwords import MIN_LENGTH, WeakPassword, hash_password, password_problem
from athar.accounts.permissions import ROLES
from athar.accounts.signin import aware
from athar.store.tables import Organisation, User, WebSession


def create_user(engine: Engine, name: str, role: str, organisation: str, password: str) -> int:
    """A new account in `organisation` (created if needed); returns its id."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not name.strip():
        raise AccountError("a user needs a name")
    with engine.begin() as conn:
        if conn.execute(select(User.id).where(User.name == name)).first() is not None:
            raise AccountError(f"user {name!r} already exists")
        org_id = ensure_organisation(conn, organisation)
        return conn.execute(
            insert(User)
            .values(
                name=name,
                role=role,
                organisation_id=org_id,
                password_hash=hash_password(password),
                failed_logins=0,
                disabled=False,
                created_at=dt.datetime.now(dt.UTC),
            )
            .returning(User.id)
        ).scalar_one()


def list_users(engine: Engine) -> list[dict]:
    """Every account with its role, organisation, and whether it is disabled or locked out now."""
    now = dt.datetime.now(dt.UTC)
    query = (
        select(
            User.id,
            User.name,
            User.role,
            User.disabled,
            User.failed_logins,
            User.locked_until,
            User.created_at,
            Organisation.name.label("organisation"),
        )
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .order_by(User.name)
    )
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:
        locked_until = aware(row["locked_until"])
        row["locked"] = locked_until is not None and locked_until > now
    return rows


def get_user(engine: Engine, user_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(User.id, User.name, User.role, User.disabled, User.failed_logins, User.locked_until).where(
                User.id == user_id
            )
        ).first()
    return None if row is None else dict(row._mapping)


def set_role(engine: Engine, user_id: int, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user_id).values(role=role))


def set_disabled(engine: Engine, user_id: int, disabled: bool) -> None:
    """Disable or enable an account. A disabled user's sessions stop working at once: every request
    reads `disabled` (`athar.web.sessions`)."""
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user_id).values(disabled=disabled))


def clear_lockout(engine: Engine, user_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user_id).values(failed_logins=0, locked_until=None))


def set_password(
    engine: Engine,
    user_id: int,
    password: str,
    min_length: int = MIN_LENGTH,
    keep_session_id: int | None = None,
) -> None:
    """Give `user_id` a new password that `password_problem` accepts (else `WeakPassword`), clear its
    failures, and end every session of the user but `keep_session_id` (the one that changed it)."""
    with engine.begin() as conn:
        name = conn.execute(select(User.name).where(User.id == user_id)).scalar_one_or_none()
        if name is None:
            raise AccountError(f"no user with id {user_id}")
        problem = password_problem(password, name, min_length)
        if problem:
            raise WeakPassword(problem)
        conn.execute(
            update(User)
            .where(User.id == user_id)
            .values(password_hash=hash_password(password), failed_logins=0, locked_until=None)
        )
        ended = update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        if keep_session_id is not None:
            ended = ended.where(WebSession.id != keep_session_id)
        conn.execute(ended.values(revoked_at=dt.datetime.now(dt.UTC)))


def user_id_named(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        user_id = conn.execute(select(User.id).where(User.name == name)).scalar_one_or_none()
    if user_id is None:
        raise AccountError(f"no user {name!r}")
    return user_id
