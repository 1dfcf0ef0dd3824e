"""What `athar.linkage.persist` writes for the persons a run's id assignment retires, on every store."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from athar.linkage.ids import IdAssignment
from athar.linkage.persist import _write_persons
from athar.store.tables import LinkRun, Person, PersonEvent


def test_merged_and_retired_persons_are_closed_in_one_statement(store):
    created = [{"person_id": f"P-{n}", "kind": "created", "detail": {"records": 1}} for n in (1, 2, 3, 4)]
    closed = [
        {"person_id": "P-1", "kind": "merged", "detail": {"into": ["P-2"]}},
        {"person_id": "P-3", "kind": "retired", "detail": {"into": []}},
        {"person_id": "P-2", "kind": "split", "detail": {"into": ["P-5"]}},
    ]
    first, later = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    with store.begin() as conn:
        runs = [
            conn.execute(
                insert(LinkRun)
                .values(started_at=first, engine="duckdb", mode="full", user_name="t", threshold=0.9)
                .returning(LinkRun.id)
            ).scalar_one()
            for _ in range(2)
        ]
        _write_persons(conn, IdAssignment({}, created), runs[0], first)
        _write_persons(conn, IdAssignment({}, closed), runs[1], later)
    with store.connect() as conn:
        persons = {p.id: (p.retired_at is not None, p.merged_into) for p in conn.execute(select(Person))}
        events = conn.execute(select(PersonEvent.person_id, PersonEvent.kind, PersonEvent.detail)).all()
    assert persons == {"P-1": (True, "P-2"), "P-2": (False, None), "P-3": (True, None), "P-4": (False, None)}
    assert sorted(events) == sorted((e["person_id"], e["kind"], e["detail"]) for e in created + closed)
