"""Migration 0006 on a store that already holds case events: inquiries recorded in the clear are sealed
into `inquiry_contacts` and cleared from the append-only history, whose triggers still hold after;
events get their recorder's organisation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from athar.cases.contacts import open_inquiry
from athar.protect import DataKey, FieldCipher, KeyRing
from athar.store import open_store

PHONE = "+963 944 321 000"


def test_inquiries_recorded_in_the_clear_are_sealed_by_the_migration(store_url, monkeypatch):
    from alembic import command

    from athar.store.engine import alembic_config, make_engine

    key = DataKey.generate()
    monkeypatch.setenv("ATHAR_DATA_KEY", key.as_text())
    engine = make_engine(store_url)
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(text("insert into organisations (name, created_at) values ('Alpha', :at)"), {"at": now})
        conn.execute(
            text("insert into users (name, role, organisation_id, failed_logins, disabled, created_at) "
                 "values ('caseworker-a', 'caseworker', 1, 0, false, :at)"),
            {"at": now},
        )  # fmt: skip
        conn.execute(
            text("insert into persons (id, status, created_at) values ('P-1', 'missing', :at)"), {"at": now}
        )
        conn.execute(
            text("insert into case_events (person_id, kind, detail, user_name, created_at) "
                 "values ('P-1', 'inquiry', :detail, 'caseworker-a', :at)"),
            {"detail": f'{{"phone": "{PHONE}", "note": "do not share"}}', "at": now},
        )  # fmt: skip
    engine.dispose()
    engine = open_store(store_url)
    try:
        with engine.connect() as conn:
            event = conn.execute(text("select id, detail, organisation_id, shared from case_events")).one()
            sealed = conn.execute(text("select sealed from inquiry_contacts")).scalar_one()
        assert event.detail is None and event.organisation_id == 1 and not event.shared
        assert PHONE not in sealed
        opened = open_inquiry(FieldCipher(KeyRing(key)), event.id, sealed)
        assert opened == {"phone": PHONE, "note": "do not share"}
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("update case_events set reason = 'rewritten'"))
    finally:
        engine.dispose()
