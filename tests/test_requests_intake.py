"""Intake: a request is a record of its organisation's tracing-requests source, ranked at once,
and what identifies the requester is never in the store's files in clear."""

from __future__ import annotations

import random
import unicodedata

import pytest
from sqlalchemy import func, select

from athar.requests.intake import SOURCE_PREFIX, submit_request
from athar.requests.references import normalize_reference
from athar.requests.validation import RequestInvalid, Spam, _bad_characters
from athar.search import PersonIndex
from athar.store.tables import AuditEntry, Record, RequestContact, Source, TracingRequest
from tests.test_requests_support import request_form, synthetic_people, test_cipher


@pytest.fixture
def people(tmp_path):
    return synthetic_people(tmp_path / "synth")


def _index_of(people: list[dict]) -> PersonIndex:
    records = [
        {
            "person_id": p["person_id"],
            "given_name": p["given_name_ar"],
            "father_name": p["father_name_ar"],
            "family_name": p["family_name_ar"],
            "sex": p["sex"],
            "birth_date": p["birth_date"],
        }
        for p in people
    ]
    return PersonIndex.from_records(records)


def test_a_request_becomes_a_record_and_gets_ranked_candidates_at_once(store, people) -> None:
    rng = random.Random(1)
    form = request_form(people[0], people[1], rng, script="latin")
    result = submit_request(store, form, "Syrian Families", test_cipher(), _index_of(people))
    assert normalize_reference(result.reference) == result.reference
    assert result.candidates and result.candidates[0]["person_id"] == people[0]["person_id"]
    scores = [c["score"] for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    with store.connect() as conn:
        record = conn.execute(
            select(Record.record_id, Record.given_name, Record.raw, Record.source_id)
            .join(Source)
            .where(Source.name == SOURCE_PREFIX + "Syrian Families")
        ).one()
        assert record.record_id == result.reference
        assert record.given_name == people[0]["given_name_latin"]
        assert "requester_phone" not in record.raw and form["requester_phone"] not in str(record.raw)
        source = conn.execute(select(Source.kind, Source.sharing).where(Source.id == record.source_id)).one()
        assert (source.kind, source.sharing) == ("family_report", "private")


def test_invalid_request_stores_nothing_and_says_why_in_arabic(store, people) -> None:
    form = request_form(people[0], people[1], random.Random(2))
    form.update(requester_phone="0944 12", birth_date="2090-01-01", given_name="", family_name="")
    form.pop("father_name")
    with pytest.raises(RequestInvalid) as caught:
        submit_request(store, form, "Org", test_cipher(), None, language="ar")
    messages = caught.value.messages("ar")
    assert set(messages) >= {"requester_phone", "birth_date"}
    assert "رمز البلد" in messages["requester_phone"]
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(TracingRequest)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(Record)).scalar() == 0


def test_missing_sought_name_is_refused(store, people) -> None:
    form = request_form(people[0], people[1], random.Random(3))
    for key in ("given_name", "father_name", "family_name", "mother_name"):
        form.pop(key)
    with pytest.raises(RequestInvalid) as caught:
        submit_request(store, form, "Org", test_cipher(), None)
    assert "full_name" in caught.value.messages("en")


@pytest.mark.parametrize("field", ["given_name", "requester_name", "last_seen_place"])
def test_markup_in_a_name_or_place_is_refused(store, people, field) -> None:
    form = request_form(people[0], people[1], random.Random(4))
    form[field] = "<script>alert(1)</script>"
    with pytest.raises(RequestInvalid) as caught:
        submit_request(store, form, "Org", test_cipher(), None)
    assert "HTML" in caught.value.messages("en")[field]


def test_markup_in_free_text_is_kept_as_text(store, people) -> None:
    form = request_form(people[0], people[1], random.Random(5))
    form["circumstances_text"] = "<b>taken</b> at night"
    result = submit_request(store, form, "Org", test_cipher(), None)
    with store.connect() as conn:
        stored = conn.execute(select(TracingRequest.circumstances_text).where(TracingRequest.id == result.id))
        assert stored.scalar() == "<b>taken</b> at night"


def test_control_characters_are_unicodes_but_line_breaks_and_tabs() -> None:
    """The pattern the form checks with refuses exactly Unicode's control characters (Cc) bar
    newline, tab and carriage return, over every code point."""
    for code in range(0x110000):
        ch = chr(code)
        expected = unicodedata.category(ch) == "Cc" and ch not in "\n\t\r"
        assert _bad_characters(f"Omar{ch}") is expected, hex(code)


def test_a_control_character_in_a_field_is_refused(store, people) -> None:
    form = request_form(people[0], people[1], random.Random(8))
    form["family_name"] = "Al\x85Hamwi"  # NEL, a C1 control character
    with pytest.raises(RequestInvalid) as caught:
        submit_request(store, form, "Org", test_cipher(), None)
    assert "family_name" in caught.value.messages("en")


def test_oversized_text_is_refused(store, people) -> None:
    form = request_form(people[0], people[1], random.Random(6))
    form["marks"] = "x" * 5000
    with pytest.raises(RequestInvalid) as caught:
        submit_request(store, form, "Org", test_cipher(), None)
    assert caught.value.messages("en")["marks"] == "The distinguishing marks is too long."


def test_a_filled_honeypot_stores_nothing(store, people) -> None:
    form = request_form(people[0], people[1], random.Random(7)) | {"website": "http://spam.example"}
    with pytest.raises(Spam):
        submit_request(store, form, "Org", test_cipher(), None)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(TracingRequest)).scalar() == 0


def test_contacts_are_sealed_and_the_audit_holds_no_contact(store, people) -> None:
    cipher = test_cipher()
    form = request_form(people[0], people[1], random.Random(8))
    result = submit_request(store, form, "Org", cipher, None)
    with store.connect() as conn:
        contact = conn.execute(select(RequestContact).where(RequestContact.request_id == result.id)).one()
        audit = [str(a.detail) + str(a.target_id) for a in conn.execute(select(AuditEntry)).all()]
    assert contact.phone.startswith("s1.") and form["requester_phone"] not in contact.phone
    assert cipher.open(contact.phone, f"request_contacts:{result.id}:phone") == form["requester_phone"]
    assert cipher.open(contact.email, f"request_contacts:{result.id}:email") == form["requester_email"]
    assert not any(form["requester_email"] in a or form["requester_phone"] in a for a in audit)
