"""Casework and the family's view: statuses move only as allowed, families read plain words that
follow the found person's wish, wrong secrets are audited and locked out, consent decides disclosure."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import select

from athar.requests import casework
from athar.requests.family import (
    AccessDenied,
    TooManyTries,
    family_status,
    record_wish,
    requester_for_found_person,
)
from athar.requests.intake import submit_request
from athar.requests.statuses import StatusChangeError
from athar.search import PersonIndex
from athar.store.tables import AuditEntry, RequestEvent
from tests.test_requests_support import request_form, synthetic_people, test_cipher


@pytest.fixture
def people(tmp_path):
    return synthetic_people(tmp_path / "synth")


def _index(people):
    return PersonIndex.from_records(
        {
            "person_id": p["person_id"],
            "given_name": p["given_name_latin"],
            "father_name": p["father_name_latin"],
            "family_name": p["family_name_latin"],
            "sex": p["sex"],
            "birth_date": p["birth_date"],
        }
        for p in people
    )


def test_statuses_move_only_as_the_workflow_allows(store, people) -> None:
    result = submit_request(
        store, request_form(people[0], people[1], random.Random(1)), "Org", test_cipher(), None
    )
    with pytest.raises(StatusChangeError, match="received to located_alive"):
        casework.change_status(store, result.reference, "located_alive", "cw")
    for status in ("being_searched", "possible_match", "verified", "located_alive", "closed"):
        casework.change_status(store, result.reference, status, "cw", reason="test")
    with pytest.raises(StatusChangeError):
        casework.change_status(store, result.reference, "verified", "cw")


def test_accepting_a_candidate_makes_a_possible_match(store, people) -> None:
    form = request_form(people[0], people[1], random.Random(2), script="latin")
    result = submit_request(store, form, "Org", test_cipher(), _index(people))
    with pytest.raises(ValueError):
        casework.accept_candidate(store, result.reference, "P9999999", "cw")
    casework.accept_candidate(store, result.reference, people[0]["person_id"], "cw")
    shown = casework.summary(store, result.reference, "cw")
    assert shown["status"] == "possible_match" and shown["person_id"] == people[0]["person_id"]
    assert [q["reference"] for q in casework.queue(store, organisation="Org", status="possible_match")] == [
        result.reference
    ]
    assert casework.queue(store, organisation="Other") == []


def test_untouched_requests_are_reminded(store, people) -> None:
    result = submit_request(
        store, request_form(people[0], people[1], random.Random(3)), "Org", test_cipher(), None
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=15)
    assert [r["reference"] for r in casework.reminders(store, now=later)] == [result.reference]
    assert casework.reminders(store, now=later, days=30) == []
    casework.add_note(store, result.reference, "called the family", "cw")
    assert casework.reminders(store, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=10)) == []


def test_family_reads_the_status_in_their_language_and_each_reading_is_a_disclosure(store, people) -> None:
    cipher = test_cipher()
    result = submit_request(store, request_form(people[0], people[1], random.Random(4)), "Org", cipher, None)
    seen = family_status(store, result.reference.lower().replace("-", ""), result.secret, cipher, "ar")
    assert seen.text.startswith("وصلنا طلبك")
    assert family_status(store, result.reference, result.secret, cipher, "en").told == "received"
    with store.connect() as conn:
        told = (
            conn.execute(select(RequestEvent.detail).where(RequestEvent.kind == "disclosure")).scalars().all()
        )
    assert [t["told"] for t in told] == ["received", "received"]


def test_what_a_family_is_told_of_a_found_person_follows_that_persons_wish(store, people) -> None:
    cipher = test_cipher()
    form = request_form(people[0], people[1], random.Random(5), script="latin")
    result = submit_request(store, form, "Org", cipher, _index(people))
    casework.accept_candidate(store, result.reference, people[0]["person_id"], "cw")
    for status in ("verified", "located_alive"):
        casework.change_status(store, result.reference, status, "cw")
    assert family_status(store, result.reference, result.secret, cipher, "en").told == "verified"
    for wish, told in (
        ("nothing", "answered_nothing"),
        ("alive_only", "alive_only"),
        ("share_whereabouts", "alive_whereabouts"),
    ):
        record_wish(store, people[0]["person_id"], wish, "cw")
        assert family_status(store, result.reference, result.secret, cipher, "en").told == told


def test_wrong_secrets_are_audited_and_then_locked_out(store, people) -> None:
    cipher = test_cipher()
    result = submit_request(store, request_form(people[0], people[1], random.Random(6)), "Org", cipher, None)
    for _ in range(5):
        with pytest.raises(AccessDenied):
            family_status(store, result.reference, "WRONG-SECRET", cipher, client="203.0.113.9")
    with pytest.raises(TooManyTries):
        family_status(store, result.reference, result.secret, cipher, client="198.51.100.7")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    assert family_status(store, result.reference, result.secret, cipher, now=later).told == "received"
    with store.connect() as conn:
        actions = conn.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("request.secret_failed") == 5 and "request.secret_locked" in actions


def test_the_requesters_identity_reaches_the_found_person_only_with_consent(store, people) -> None:
    cipher = test_cipher()
    rng = random.Random(7)
    agreed = submit_request(
        store,
        request_form(people[0], people[1], rng) | {"reveal_requester_to_found": "yes"},
        "Org",
        cipher,
        None,
    )
    refused = submit_request(store, request_form(people[2], people[3], rng), "Org", cipher, None)
    told = requester_for_found_person(store, agreed.reference, cipher, "cw")
    assert told == {
        "name": f"{people[1]['given_name_latin']} {people[1]['family_name_latin']}",
        "relationship": "sister",
    }
    assert requester_for_found_person(store, refused.reference, cipher, "cw") is None


def test_a_flood_from_one_client_is_refused_until_the_window_passes() -> None:
    from athar.requests.limits import IntakeLimiter, TooManyRequests

    now = [0.0]
    limiter = IntakeLimiter(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        limiter.check("198.51.100.1")
    with pytest.raises(TooManyRequests) as caught:
        limiter.check("198.51.100.1")
    assert 0 < caught.value.retry_after <= 60
    limiter.check("198.51.100.2")  # another client is not held back
    now[0] = 61
    limiter.check("198.51.100.1")


def test_a_mistyped_reference_is_told_apart_from_an_unknown_one(store, people) -> None:
    """A caseworker types what a family read out: a reference failing its check symbol says a
    character is mistyped; a well-formed one nobody holds says so, naming it."""
    from athar.requests.lookup import UnknownRequest, find_request
    from athar.requests.references import new_reference

    result = submit_request(
        store, request_form(people[0], people[1], random.Random(9)), "Org", test_cipher(), None
    )
    body = result.reference.replace("-", "")
    swapped = body[1] + body[0] + body[2:]
    with store.connect() as conn:
        assert find_request(conn, result.reference.lower()).reference == result.reference
        if swapped != body:
            with pytest.raises(UnknownRequest, match="a character is mistyped or two are swapped"):
                find_request(conn, swapped)
        unknown = new_reference()
        with pytest.raises(UnknownRequest, match=f"no request {unknown}"):
            find_request(conn, unknown)
