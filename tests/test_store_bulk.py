"""Bulk writes store exactly what SQLAlchemy's own inserts would, on both engines."""

import datetime as dt

from sqlalchemy import insert, select

from athar.store.bulk import bulk_insert, stored_value
from athar.store.tables import Person, PersonEvent


def test_a_bulk_written_datetime_reads_back_like_an_orm_written_one(store):
    now = dt.datetime(2025, 1, 8, 13, 45, 7, 123456, tzinfo=dt.UTC)
    with store.begin() as conn:
        conn.execute(insert(Person), [{"id": "P-0000001", "created_at": now, "status": "missing"}])
        created = stored_value(conn, Person.__table__.c.created_at, now)
        bulk_insert(conn, "persons", ("id", "created_at", "status"), [("P-0000002", created, "missing")])
    with store.connect() as conn:
        read = dict(conn.execute(select(Person.id, Person.created_at)).all())
    assert read["P-0000001"] == read["P-0000002"]
    assert read["P-0000002"].replace(tzinfo=None) == now.replace(tzinfo=None)


def test_a_bulk_written_json_value_reads_back_like_an_orm_written_one(store):
    now = dt.datetime(2025, 1, 8, tzinfo=dt.UTC)
    detail = {"into": ["P-0000007", "P-0000009"]}
    columns = PersonEvent.__table__.c
    with store.begin() as conn:
        conn.execute(
            insert(PersonEvent), [{"person_id": "P-1", "kind": "split", "detail": detail, "created_at": now}]
        )
        bulk_insert(
            conn,
            "person_events",
            ("person_id", "kind", "detail", "created_at"),
            [
                (
                    "P-2",
                    "split",
                    stored_value(conn, columns.detail, detail),
                    stored_value(conn, columns.created_at, now),
                )
            ],
        )
    with store.connect() as conn:
        read = dict(conn.execute(select(PersonEvent.person_id, PersonEvent.detail)).all())
    assert read["P-1"] == read["P-2"] == detail
