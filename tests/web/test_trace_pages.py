"""The public tracing-request pages: a family files a request and reads its status, in Arabic first,
without JavaScript; mistakes are named by field in the requester's language and store nothing."""

from __future__ import annotations

import dataclasses
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from athar.requests.limits import IntakeLimiter
from athar.store.tables import AuditEntry, RequestContact, TracingRequest
from tests.web.conftest import BASE_URL, csrf

REFERENCE = re.compile(r'id="reference">([A-Z0-9-]+)<')
SECRET = re.compile(r'id="secret">([A-Z0-9-]+)<')


def sought_form(**changes: str) -> dict[str, str]:
    """A synthetic request: made-up person and requester, a phone that occurs nowhere else."""
    form = {
        "full_name": "سامر خالد الحلبي",
        "mother_name": "فاطمة",
        "sex": "M",
        "birth_date": "1988",
        "last_seen_date": "2013-05",
        "last_seen_place": "حمص",
        "circumstances": "arrested_at_checkpoint",
        "requester_name": "منى الحلبي",
        "requester_relationship": "أخت",
        "requester_phone": "+963 944 555 017",
        "requester_email": "mona.synthetic.017@example.org",
        "preferred_channel": "email",
        "share_with_organisations": "no",
        "reveal_requester_to_found": "yes",
    }
    form.update(changes)
    return form


@pytest.fixture(scope="module", autouse=True)
def trace_settings(app):
    """Public requests go to Alpha (whose caseworkers the tests sign in as); a generous flood guard."""
    app.state.settings = dataclasses.replace(app.state.settings, trace_organisation="Alpha")
    app.state.trace_limiter = IntakeLimiter(limit=1000, window=600)


def submit(client: TestClient, form: dict[str, str], lang: str = "ar"):
    return client.post(f"/trace?lang={lang}", data={**form, "csrf_token": csrf(client, "/trace")})


def count_requests(app) -> int:
    with app.state.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(TracingRequest)).scalar_one()


def test_the_form_is_arabic_first_works_without_script_and_asks_consent_in_plain_words(anonymous):
    page = anonymous.get("/trace")
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "<script" not in page.text
    assert 'name="website"' in page.text  # the honeypot
    assert "هل يمكنها الاطلاع على هذا الطلب؟" in page.text
    assert "هل نخبره باسمك وبأنك تبحث عنه؟" in page.text
    assert 'name="viewport" content="width=device-width' in page.text


def test_the_form_is_in_english_with_the_toggle(anonymous):
    page = anonymous.get("/trace?lang=en")
    assert '<html lang="en" dir="ltr">' in page.text
    assert "If we find the person alive, may we tell them your name" in page.text


def test_a_family_files_a_request_and_is_shown_its_reference_and_secret_once(app, anonymous):
    before = count_requests(app)
    page = submit(anonymous, sought_form())
    assert page.status_code == 200, page.text
    reference, secret = REFERENCE.search(page.text).group(1), SECRET.search(page.text).group(1)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
    assert len(secret.replace("-", "")) == 10
    assert count_requests(app) == before + 1
    with app.state.engine.connect() as conn:
        row = conn.execute(select(TracingRequest).where(TracingRequest.reference == reference)).one()
        contact = conn.execute(select(RequestContact).where(RequestContact.request_id == row.id)).one()
    assert row.intake == "form" and row.status == "received" and row.language == "ar"
    assert row.share_with_organisations is False and row.reveal_requester_to_found is True
    assert secret not in (row.secret_hash or "")
    assert "example.org" not in (contact.email or "") and "555" not in (contact.phone or "")


def test_mistakes_are_named_by_field_in_arabic_and_nothing_is_stored(app, anonymous):
    before = count_requests(app)
    form = sought_form(full_name="", requester_phone="12345", birth_date="1988-13-45")
    page = submit(anonymous, form)
    assert page.status_code == 422
    assert "اكتب اسم الشخص الذي تبحث عنه." in page.text
    assert "رقم هاتفك ليس رقم هاتف صحيحًا" in page.text
    assert "تاريخ الولادة ليس تاريخًا صحيحًا" in page.text
    assert 'id="f-requester_phone"' in page.text and 'aria-invalid="true"' in page.text
    assert 'value="منى الحلبي"' in page.text  # what was typed is kept
    assert count_requests(app) == before


def test_mistakes_are_named_in_english_for_an_english_requester(anonymous):
    page = submit(anonymous, sought_form(requester_email="not-an-address"), lang="en")
    assert page.status_code == 422
    assert "Your e-mail address is not a valid e-mail address." in page.text


def test_markup_in_a_name_is_refused_and_markup_in_free_text_is_kept_as_escaped_text(app, anonymous):
    refused = submit(anonymous, sought_form(full_name="<b>سامر</b>"), lang="en")
    assert refused.status_code == 422 and "must not contain HTML" in refused.text
    assert "<b>سامر</b>" not in refused.text and "&lt;b&gt;" in refused.text
    text = '<script>alert("x")</script> أخذوه من البيت'
    page = submit(anonymous, sought_form(circumstances_text=text))
    assert page.status_code == 200
    reference = REFERENCE.search(page.text).group(1)
    with app.state.engine.connect() as conn:
        stored = conn.execute(
            select(TracingRequest.circumstances_text).where(TracingRequest.reference == reference)
        ).scalar_one()
    assert stored == text


def test_a_filled_honeypot_stores_nothing(app, anonymous):
    before = count_requests(app)
    page = submit(anonymous, sought_form(website="http://spam.example"))
    assert page.status_code == 400
    assert count_requests(app) == before


def test_requests_from_one_client_are_limited(app, anonymous):
    app.state.trace_limiter = IntakeLimiter(limit=2, window=600)
    try:
        assert submit(anonymous, sought_form()).status_code == 200
        assert submit(anonymous, sought_form()).status_code == 200
        before = count_requests(app)
        page = submit(anonymous, sought_form(), lang="en")
        assert page.status_code == 429 and 'id="rate-limited"' in page.text
        assert count_requests(app) == before
    finally:
        app.state.trace_limiter = IntakeLimiter(limit=1000, window=600)


def read_status(client: TestClient, reference: str, secret: str, lang: str = "ar"):
    token = csrf(client, "/trace/status")
    return client.post(
        f"/trace/status?lang={lang}", data={"reference": reference, "secret": secret, "csrf_token": token}
    )


def test_the_family_reads_the_status_in_plain_words_and_nothing_of_the_record(app, anonymous):
    page = submit(anonymous, sought_form(full_name="نادر سليم العمر"))
    reference, secret = REFERENCE.search(page.text).group(1), SECRET.search(page.text).group(1)
    answer = read_status(anonymous, reference.lower().replace("-", ""), secret)
    assert answer.status_code == 200
    assert "وصلنا طلبك. سيبدأ أحد العاملين في الحالات البحث قريبًا." in answer.text
    assert "نادر" not in answer.text and "منى" not in answer.text and "حمص" not in answer.text
    english = read_status(anonymous, reference, secret, lang="en")
    assert "We have received your request." in english.text


def test_a_wrong_secret_is_refused_audited_and_locked_out_after_five(app):
    client = TestClient(app, base_url=BASE_URL)
    page = submit(client, sought_form())
    reference = REFERENCE.search(page.text).group(1)
    secret = SECRET.search(page.text).group(1)
    for _ in range(5):
        assert read_status(client, reference, "WRONGSECRET").status_code == 422
    locked = read_status(client, reference, secret)  # even the right secret waits out the window
    assert locked.status_code == 429 and 'id="locked"' in locked.text
    with app.state.engine.connect() as conn:
        failures = conn.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "request.secret_failed", AuditEntry.target_id == reference)
        ).scalar_one()
    assert failures == 5
