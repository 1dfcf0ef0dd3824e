from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from athar.store import migrate, open_store
from athar.store.tables import AuditEntry, Judgement


def test_migrations_create_every_table(store):
    names = set(inspect(store).get_table_names())
    assert {
        "sources",
        "imports",
        "records",
        "quarantine",
        "judgements",
        "persons",
        "memberships",
        "case_events",
        "users",
        "audit_log",
        "organisations",
    } <= names


def test_migrating_twice_changes_nothing(store):
    from alembic.script import ScriptDirectory

    from athar.store.engine import alembic_config

    migrate(store)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with store.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar_one() == head
    assert head is not None and head >= "0003"


def test_audit_log_refuses_updates_and_deletes(store):
    with store.begin() as conn:
        conn.execute(insert(AuditEntry).values(at=datetime.now(UTC), user_name="amal", action="view_person"))
    with pytest.raises(DBAPIError, match="append-only"), store.begin() as conn:
        conn.execute(update(AuditEntry).values(user_name="someone else"))
    with pytest.raises(DBAPIError, match="append-only"), store.begin() as conn:
        conn.execute(AuditEntry.__table__.delete())
    with store.connect() as conn:
        assert conn.execute(select(AuditEntry.user_name)).scalars().all() == ["amal"]


def test_judgements_are_append_only(store):
    with store.begin() as conn:
        conn.execute(
            insert(Judgement).values(
                left_source="families",
                left_record_id="1",
                right_source="detention",
                right_record_id="9",
                decision="same",
                user_name="reviewer",
                created_at=datetime.now(UTC),
            )
        )
    with pytest.raises(DBAPIError, match="append-only"), store.begin() as conn:
        conn.execute(update(Judgement).values(decision="different"))


def test_arabic_text_round_trips(store):
    with store.begin() as conn:
        conn.execute(insert(AuditEntry).values(at=datetime.now(UTC), user_name="عبد الرحمن", action="x"))
    with store.connect() as conn:
        assert conn.execute(select(AuditEntry.user_name)).scalar_one() == "عبد الرحمن"


def test_bare_file_path_opens_a_sqlite_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = open_store("lists.db")
    assert engine.dialect.name == "sqlite"
    assert (tmp_path / "lists.db").exists()
    engine.dispose()


def test_migrations_match_the_table_definitions(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from athar.store.tables import Base

    with store.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_person_events_are_append_only(store):
    from athar.store.tables import PersonEvent

    with store.begin() as conn:
        event = insert(PersonEvent).values(person_id="P-1", kind="created", created_at=datetime.now(UTC))
        conn.execute(event)
    with pytest.raises(DBAPIError, match="append-only"), store.begin() as conn:
        conn.execute(PersonEvent.__table__.delete())


def test_a_store_from_before_source_kinds_reads_every_source_as_other(store_url):
    """Migrate an empty store to 0003 (no kind column), add a source as that schema knew it, then open."""
    from alembic import command

    from athar.store.engine import alembic_config, make_engine

    engine = make_engine(store_url)
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    with engine.begin() as conn:
        assert "kind" not in {c["name"] for c in inspect(conn).get_columns("sources")}
        conn.execute(
            text("insert into sources (name, sharing, created_at) values ('old-list', 'private', :at)"),
            {"at": datetime.now(UTC)},
        )
    engine.dispose()
    engine = open_store(store_url)
    try:
        with engine.connect() as conn:
            kind = conn.execute(text("select kind from sources where name = 'old-list'")).scalar_one()
        assert kind == "other"
    finally:
        engine.dispose()
