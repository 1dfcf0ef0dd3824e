"""API tokens for partner organisations.

A token is 32 random bytes shown once when created; the store keeps only its SHA-256. A fast hash is
enough here (unlike passwords): a token has 256 bits of entropy, so nobody can guess it from its hash,
and a lookup must cost nothing on every API call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Engine, insert, select, update

from athar.accounts.errors import AccountError
from athar.accounts.organisations import ensure_organisation
from athar.accounts.permissions import ROLES, Principal
from athar.store.tables import ApiToken, Organisation

PREFIX = "athar_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    engine: Engine, organisation: str, role: str, label: str | None = None, created_by: str | None = None
) -> str:
    """A new token acting as `role` for `organisation` (created if needed). Returned once, never stored."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    token = PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        org_id = ensure_organisation(conn, organisation)
        conn.execute(
            insert(ApiToken).values(
                token_hash=token_hash(token),
                organisation_id=org_id,
                role=role,
                label=label,
                created_by=created_by,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    return token


def revoke_token(engine: Engine, token: str) -> bool:
    """Revoke a token; False when no such live token exists."""
    with engine.begin() as conn:
        result = conn.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
            .values(revoked_at=dt.datetime.now(dt.UTC))
        )
    return result.rowcount > 0


def principal_for_token(engine: Engine, token: str) -> Principal | None:
    """The principal a live token acts as, or None for an unknown or revoked token."""
    with engine.connect() as conn:
        row = conn.execute(
            select(ApiToken.id, ApiToken.role, ApiToken.organisation_id, Organisation.name)
            .join(Organisation, Organisation.id == ApiToken.organisation_id)
            .where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
        ).first()
    if row is None:
        return None
    return Principal(
        name=f"api-token:{row.id}@{row.name}",
        role=row.role,
        organisation_id=row.organisation_id,
        kind="token",
    )
