"""Writing to the append-only audit log: who saw or changed what, when, and from where."""

from __future__ import annotations

import datetime as dt
import getpass

from sqlalchemy import Connection, Engine, insert

from athar.store.tables import AuditEntry


def current_user(explicit: str | None = None) -> str:
    """The acting user for command-line work: the flag, else the operating-system account."""
    return explicit or getpass.getuser()


def record_event(
    target: Engine | Connection,
    user: str,
    action: str,
    target_type: str | None = None,
    target_id: str | None = None,
    client: str | None = "cli",
    detail: dict | None = None,
) -> None:
    """Append one entry. Pass the caller's connection to make the entry part of its transaction."""
    values = dict(
        at=dt.datetime.now(dt.UTC),
        user_name=user,
        action=action,
        target_type=target_type,
        target_id=target_id,
        client=client,
        detail=detail,
    )
    if isinstance(target, Connection):
        target.execute(insert(AuditEntry).values(**values))
        return
    with target.begin() as conn:
        conn.execute(insert(AuditEntry).values(**values))
