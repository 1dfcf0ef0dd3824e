"""A family files a tracing request in Arabic on a 360×740 phone, is shown its reference, reads its
status; a caseworker accepts a candidate and answers it; the family reads the answer."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from athar.store.tables import Record, Source, TracingRequest
from tests.browser.conftest import PHONE, fits_the_phone, sign_in


@pytest.fixture(scope="module", autouse=True)
def trace_to_alpha(app):
    """The public form files with Alpha, whose caseworker signs in below."""
    app.state.settings = dataclasses.replace(app.state.settings, trace_organisation="Alpha")


def _sought(app) -> dict:
    """A person the (synthetic) detention list holds, as an Arabic-writing family would give them."""
    with app.state.engine.connect() as conn:
        row = conn.execute(
            select(Record.given_name, Record.father_name, Record.family_name, Record.mother_name)
            .join(Source, Source.id == Record.source_id)
            .where(
                Source.name == "detention",
                Record.given_name.is_not(None),
                Record.father_name.is_not(None),
                Record.family_name.is_not(None),
            )
            .limit(1)
        ).one()
    return dict(row._mapping)


def _read_status(page, reference: str, secret: str) -> str:
    page.goto("/trace/status")
    page.fill("#f-reference", reference)
    page.fill("#f-secret", secret)
    with page.expect_navigation():
        page.click("#check")
    return page.inner_text("#status-text")


def test_a_family_files_in_arabic_on_a_phone_and_a_caseworker_answers(app, page, screenshots):
    page.set_viewport_size(PHONE)
    sought = _sought(app)
    page.goto("/trace")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.locator("h1").inner_text() == "اطلب منا البحث عن قريب مفقود"
    assert fits_the_phone(page)

    # A first try with the phone number written without its country code: told beside the field.
    page.fill("#f-full_name", f"{sought['given_name']} {sought['father_name']} {sought['family_name']}")
    if sought["mother_name"]:
        page.fill("#f-mother_name", sought["mother_name"])
    page.fill("#f-last_seen_date", "2013-05")
    page.select_option("#f-circumstances", "arrested_at_checkpoint")
    page.fill("#f-requester_name", "منى المثال")
    page.fill("#f-requester_relationship", "أخت")
    page.fill("#f-requester_phone", "0944555017")
    with page.expect_navigation():
        page.click("#send")
    assert "رقم هاتفك ليس رقم هاتف صحيحًا" in page.inner_text("#e-requester_phone")
    assert fits_the_phone(page)
    screenshots(page, "trace-form-error-ar-phone")

    page.fill("#f-requester_phone", "+963 944 555 017")
    page.check("input[name=share_with_organisations][value=no]")
    page.check("input[name=reveal_requester_to_found][value=yes]")
    with page.expect_navigation():
        page.click("#send")
    reference = page.inner_text("#reference").strip()
    secret = page.inner_text("#secret").strip()
    assert len(reference) == 9 and len(secret.replace("-", "")) == 10
    assert fits_the_phone(page)
    screenshots(page, "trace-confirmation-ar-phone")

    assert _read_status(page, reference, secret).startswith("وصلنا طلبك")
    assert sought["given_name"] not in page.content()
    screenshots(page, "trace-status-received-ar-phone")

    # The caseworker (on a desktop) accepts the best candidate, verifies it and answers.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "caseworker-alpha")
    page.goto("/requests?lang=en")
    assert page.locator(f"#queue a:has-text('{reference}')").count() == 1
    page.click(f"#queue a:has-text('{reference}')")
    assert page.locator("#candidate-1").is_visible()
    screenshots(page, "requests-candidates-en")
    with page.expect_navigation():
        page.click("#candidate-1 button.accept")
    assert page.inner_text("#status") == "Possible match"
    for status in ("verified", "no_news"):
        page.select_option("#f-status", status)
        page.fill("#f-reason", "checked with the detention register")
        with page.expect_navigation():
            page.click("#change-status")
    assert page.inner_text("#status") == "Answered: no news"
    screenshots(page, "requests-answered-en")
    with app.state.engine.connect() as conn:
        accepted = conn.execute(
            select(TracingRequest.accepted_person_id).where(TracingRequest.reference == reference)
        ).scalar_one()
    assert accepted is not None

    # The family reads the answer, in Arabic on the phone again, signed out.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    assert _read_status(page, reference, secret).startswith("لا توجد أخبار بعد")
    screenshots(page, "trace-status-answered-ar-phone")
