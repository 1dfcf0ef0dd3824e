"""Families' contacts never reach the store's files in clear, and erasure leaves no copy of them."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from athar.requests.casework import summary
from athar.requests.erasure import AlreadyErased, erase_request, requester_data
from athar.requests.intake import submit_request
from athar.store.tables import AuditEntry, OutboxMessage, RequestContact, RequestEvent, TracingRequest
from tests.test_requests_support import request_form, synthetic_people, test_cipher


@pytest.fixture
def people(tmp_path):
    return synthetic_people(tmp_path / "synth")


def _sqlite_bytes(store) -> bytes:
    path = Path(store.url.database)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _pg_dump(store, postgres) -> bytes:
    url = make_url(store.url.render_as_string(hide_password=False))
    argv = [
        str(postgres.bindir / "pg_dump"),
        "-h",
        "127.0.0.1",
        "-p",
        str(url.port),
        "-U",
        url.username,
        url.database,
    ]
    if os.geteuid() == 0:
        argv = ["runuser", "-u", postgres.user, "--", *argv]
    return subprocess.run(argv, check=True, capture_output=True).stdout


def _store_bytes(store, request) -> bytes:
    if store.dialect.name == "sqlite":
        return _sqlite_bytes(store)
    return _pg_dump(store, request.getfixturevalue("postgres"))


def _needles(form: dict) -> list[bytes]:
    values = (form["requester_phone"], form["requester_email"], form["requester_name"])
    return [v.encode("utf-8") for v in values] + [form["requester_phone"][1:].encode()]


def test_requesters_contacts_are_not_in_the_store_files_after_intake_or_erasure(
    store, people, request
) -> None:
    cipher = test_cipher()
    rng = random.Random(21)
    forms = [request_form(people[i], people[i + 50], rng) for i in range(3)]
    results = [submit_request(store, f, "Org", cipher, None) for f in forms]
    with store.connect() as conn:
        sealed = conn.execute(
            select(RequestContact.phone).where(RequestContact.request_id == results[0].id)
        ).scalar()
    before = _store_bytes(store, request)
    assert sealed.encode() in before  # the dump does hold the contacts table: sealed
    for form in forms:
        for needle in _needles(form):
            assert needle not in before

    erase_request(store, results[0].reference, "asked by the family", "caseworker1")
    after = _store_bytes(store, request)
    for needle in _needles(forms[0]):
        assert needle not in after
    assert sealed.encode() not in after  # not even the sealed value is left, in free pages or the WAL
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(RequestContact)).scalar() == 2
        assert (
            conn.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.request_id == results[0].id)
            ).scalar()
            == 0
        )


def test_an_erased_request_shows_its_tombstone_and_keeps_its_history(store, people) -> None:
    cipher = test_cipher()
    result = submit_request(store, request_form(people[0], people[1], random.Random(22)), "Org", cipher, None)
    erase_request(store, result.reference, "family asked", "cw")
    shown = summary(store, result.reference, "cw")
    assert shown["erased"] is True
    assert shown["erasure_reason"] == "family asked" and shown["erased_by"] == "cw"
    assert shown["reference"] == result.reference and shown["created_at"]
    with store.connect() as conn:
        kinds = (
            conn.execute(select(RequestEvent.kind).where(RequestEvent.request_id == result.id))
            .scalars()
            .all()
        )
        actions = conn.execute(select(AuditEntry.action)).scalars().all()
        secret = conn.execute(
            select(TracingRequest.secret_hash).where(TracingRequest.id == result.id)
        ).scalar()
    assert kinds == ["received", "erased"]
    assert "request.erased" in actions
    assert secret is None
    with pytest.raises(AlreadyErased):
        erase_request(store, result.reference, "again", "cw")


def test_a_requester_can_have_their_own_data(store, people) -> None:
    cipher = test_cipher()
    form = request_form(people[0], people[1], random.Random(23))
    result = submit_request(store, form, "Org", cipher, None)
    mine = requester_data(store, result.reference, cipher, "cw")
    assert mine["requester_phone"] == form["requester_phone"]
    assert mine["requester_email"] == form["requester_email"]
    assert mine["as_given"]["requester_name"] == form["requester_name"]
    erase_request(store, result.reference, "family asked", "cw")
    assert "requester_phone" not in requester_data(store, result.reference, cipher, "cw")
