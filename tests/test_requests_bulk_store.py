"""A bulk import stores a table at a time and keeps every guarantee of storing one request: each
row stored or quarantined, every stored request with its record, sealed contact, event and
acknowledgement, one audit entry for the file; nothing of the file on an error; a reference that
clashes with a stored one is drawn again. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from athar.requests import intake
from athar.requests.bulk import import_requests
from athar.store.tables import (
    AuditEntry,
    Import,
    OutboxMessage,
    Quarantine,
    Record,
    RequestContact,
    RequestEvent,
    TracingRequest,
)
from tests.test_requests_support import synthetic_people, test_cipher, write_request_file
from tests.test_search_freshness import BULK_COLUMNS

COLUMNS = (*BULK_COLUMNS, "preferred_channel")
TABLES = (TracingRequest, Record, RequestContact, RequestEvent, OutboxMessage, Quarantine, Import, AuditEntry)


@pytest.fixture(scope="module")
def people(tmp_path_factory) -> list[dict]:
    return synthetic_people(tmp_path_factory.mktemp("bulk_store"), persons=60)


def _file(path, people: list[dict], bad: int = 0):
    """A file of one request per person, the last ``bad`` rows refused."""
    refused = range(len(people) - bad, len(people))
    return write_request_file(path, people, COLUMNS, prefix="B", seed=3, refused=refused)


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.__tablename__: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES
        }


def test_every_stored_request_has_its_record_contact_event_and_message(store, people, tmp_path) -> None:
    cipher = test_cipher()
    result = import_requests(store, _file(tmp_path / "r.csv", people[:30], bad=4), "Org", cipher, None)
    assert (result.read, result.stored, result.quarantined, result.new) == (30, 26, 4, 26)
    counts = _counts(store)
    assert counts["tracing_requests"] == counts["records"] == counts["request_contacts"] == 26
    assert counts["request_events"] == counts["outbox"] == 26
    assert counts["quarantine"] == 4 and counts["imports"] == 1
    with store.connect() as conn:
        audit = conn.execute(select(AuditEntry.action)).scalars().all()
        requests = conn.execute(
            select(TracingRequest.id, TracingRequest.record_id, TracingRequest.reference)
        ).all()
        records = set(conn.execute(select(Record.record_id, Record.row_number)).all())
        contacts = set(conn.execute(select(RequestContact.request_id)).scalars())
    assert audit == ["requests.imported"]
    assert {r.record_id for r in requests} == {f"B-{i}" for i in range(26)}
    assert records == {(f"B-{i}", i + 2) for i in range(26)}  # row numbers as in the file (header first)
    assert contacts == {r.id for r in requests}
    answered = {r["request_id"]: r["reference"] for r in result.requests}
    assert answered == {r.record_id: r.reference for r in requests}
    # the contact of a request opens under that request's id
    with store.connect() as conn:
        pk, sealed = conn.execute(select(RequestContact.request_id, RequestContact.email)).first()
    assert "@" in cipher.open(sealed, intake.contact_context(pk, "email"))


def test_an_error_half_way_leaves_nothing_of_the_file(store, people, tmp_path, monkeypatch) -> None:
    before = _counts(store)
    real = intake.acknowledgement
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 10:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(intake, "acknowledgement", failing)
    with pytest.raises(RuntimeError, match="disk is full"):
        import_requests(store, _file(tmp_path / "r.csv", people[:20], bad=2), "Org", test_cipher(), None)
    assert _counts(store) == before


def test_a_reference_already_stored_is_drawn_again(store, people, tmp_path, monkeypatch) -> None:
    first = import_requests(store, _file(tmp_path / "a.csv", people[:1]), "Org A", test_cipher(), None)
    taken = first.requests[0]["reference"]
    real = intake.new_reference
    draws = iter([taken])
    monkeypatch.setattr(intake, "new_reference", lambda: next(draws, None) or real())
    second = import_requests(store, _file(tmp_path / "b.csv", people[1:6]), "Org B", test_cipher(), None)
    assert second.new == 5
    references = [r["reference"] for r in second.requests]
    assert taken not in references and len(set(references)) == 5
    assert _counts(store)["tracing_requests"] == 6
