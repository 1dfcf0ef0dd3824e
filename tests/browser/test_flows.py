"""Whole flows in a real Chromium: a family's search in Arabic, importing a list, changing a case status."""

from __future__ import annotations

from sqlalchemy import func, select, update

from athar.store.tables import CaseEvent, Membership, Person, Record, Source
from tests.browser import test_pages
from tests.browser.conftest import sign_in
from tests.web.conftest import person_ref, without_random_tokens

RECORD_VALUES = (
    "record_id",
    "full_name",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "birth_date",
    "birth_place",
    "national_id",
    "event_date",
    "event_place",
)
NOWHERE = "زينوبيا قورتيوبي"


def _detained(app) -> tuple[str, str, list]:
    """A person with a detention record: (person id, the Arabic name to type, their current records)."""
    with app.state.engine.connect() as conn:
        row = conn.execute(
            select(Membership.person_id, Record.given_name, Record.father_name, Record.family_name)
            .join(Source, Source.id == Membership.source_id)
            .join(
                Record,
                (Record.source_id == Membership.source_id) & (Record.record_id == Membership.record_id),
            )
            .where(
                Source.name == "detention",
                Record.is_current.is_(True),
                Record.given_name.is_not(None),
                Record.father_name.is_not(None),
                Record.family_name.is_not(None),
            )
            .order_by(Membership.person_id)
            .limit(1)
        ).one()
        records = conn.execute(
            select(*Record.__table__.columns)
            .join(
                Membership,
                (Membership.source_id == Record.source_id) & (Membership.record_id == Record.record_id),
            )
            .where(Membership.person_id == row.person_id, Record.is_current.is_(True))
        ).all()
    return row.person_id, f"{row.given_name} {row.father_name} {row.family_name}", records


def _family_search(page, name: str) -> None:
    page.fill("input[name=name]", name)
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")


def test_a_family_searching_in_arabic_is_told_only_of_a_possible_match(app, page, screenshots):
    person, typed, records = _detained(app)
    with app.state.engine.begin() as conn:  # Beta opens its register to the family search
        conn.execute(update(Source).where(Source.name == "detention").values(family_search=True))
    page.goto("/search/family")
    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "ar"
    assert page.locator("h1").inner_text() == "البحث عن قريب مفقود"

    _family_search(page, typed)
    assert page.locator("#possible-match").is_visible()
    reference = page.inner_text("#case-reference").strip()
    assert reference.startswith("F-") and person not in reference  # opaque, not the P- id
    assert page.locator("#no-match").count() == 0
    html = without_random_tokens(page.content())
    checked = 0
    for record in records:
        for field in RECORD_VALUES:
            value = getattr(record, field)
            if value is None or len(str(value)) < 3 or str(value) in typed:
                continue
            assert str(value) not in html, f"the family page shows the person's {field}"
            checked += 1
    assert checked >= 3  # birth date, mother's name, record id at least
    for source in ("detention", "morgue", "returnees", "families"):
        assert source not in html
    screenshots(page, "family-search-ar-match")

    _family_search(page, NOWHERE)
    assert page.locator("#no-match").is_visible()
    assert page.locator("#possible-match").count() == 0 and page.locator("#case-reference").count() == 0
    assert page.get_attribute("html", "dir") == "rtl"
    screenshots(page, "family-search-ar-none")


def test_an_investigator_imports_a_file_through_preview_and_sees_the_quarantined_row(
    app, page, screenshots, tmp_path
):
    source = "browser-upload"
    csv = tmp_path / "new-list.csv"
    csv.write_text(
        "record_id,given_name,father_name,family_name,mother_name,sex,birth_date\n"
        "U-1,عمر,خالد,الحلبي,فاطمة,M,1980-02-11\n"
        "U-2,ليلى,حسن,الشامي,مريم,F,1991-07-30\n"
        "U-3,يوسف,سمير,العلي,هدى,M,1975-12-01\n"
        "U-4,سامر,رامي,الخطيب,نادية,M,1985-13-45\n",
        encoding="utf-8",
    )
    sign_in(page, "investigator-alpha", lang="en")
    page.wait_for_url("**/dashboard")
    page.goto("/import")
    page.fill("#upload-form input[name=source]", source)
    page.set_input_files("#upload-form input[name=file]", str(csv))
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")

    mapping = page.inner_text("#mapping")
    for column in ("record_id", "given_name", "family_name", "birth_date"):
        assert column in mapping, f"{column} is not shown as mapped"
    rows = page.locator("#preview-rows tbody tr")
    assert rows.count() == 4
    assert "عمر" in rows.nth(0).inner_text() and "1985-13-45" in rows.nth(3).inner_text()
    screenshots(page, "import-preview-en")

    with page.expect_navigation():
        page.click("#import-form button[type=submit]")
    assert page.inner_text("#count-read") == "4"
    assert page.inner_text("#count-stored") == "3"
    assert page.inner_text("#count-quarantined") == "1"
    quarantined = page.locator("#quarantined > tbody > tr")
    assert quarantined.count() == 1
    cells = quarantined.nth(0).locator(":scope > td")
    assert cells.nth(1).inner_text() == "Birth date"
    reason = cells.nth(2).inner_text()
    assert "date" in reason.lower() and "1985-13-45" in reason, reason
    # The row as read is a table of column -> value, the refused field marked (no Python dict).
    marked = page.locator("#quarantined table.raw-row tr.problem")
    assert marked.count() == 1 and marked.get_attribute("data-column") == "birth_date"
    assert "1985-13-45" in marked.inner_text() and "refused" in marked.inner_text()
    assert page.locator("#quarantined table.raw-row tr").count() == 7
    screenshots(page, "import-done-en")

    with app.state.engine.connect() as conn:
        stored = conn.execute(
            select(func.count())
            .select_from(Record)
            .join(Source, Source.id == Record.source_id)
            .where(Source.name == source, Record.is_current.is_(True))
        ).scalar_one()
    assert stored == 3


def _status_events(app, person: str) -> list:
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(CaseEvent.status, CaseEvent.reason, CaseEvent.evidence, CaseEvent.user_name).where(
                CaseEvent.person_id == person, CaseEvent.kind == "status"
            )
        ).all()


def _stored_status(app, person: str) -> str:
    with app.state.engine.connect() as conn:
        return conn.execute(select(Person.status).where(Person.id == person)).scalar_one()


def test_a_caseworker_changes_a_status_with_a_reason_and_it_enters_the_history(app, page, screenshots):
    person = test_pages._alpha_person(app)
    before = _stored_status(app, person)
    assert before != "located_alive"
    shown = person_ref(app, person, "Alpha")
    sign_in(page, "caseworker-alpha", lang="en")
    page.wait_for_url("**/dashboard")
    page.goto(f"/persons/{shown}")
    form = "#status-form"

    # Without a reason the browser does not send the form (the field is required) ...
    page.select_option(f"{form} select[name=status]", "located_alive")
    page.fill(f"{form} textarea[name=evidence]", "Phone call with the person")
    page.click(f"{form} button[type=submit]")
    assert page.evaluate("document.querySelector('#status-form textarea[name=reason]').validity.valueMissing")
    assert page.url.endswith(f"/persons/{shown}")
    # ... and when it is sent anyway (no browser check), the server refuses it and keeps the status.
    page.evaluate("document.querySelector('#status-form').noValidate = true")
    with page.expect_response(lambda r: r.url.endswith("/status") and r.request.method == "POST") as sent:
        page.click(f"{form} button[type=submit]")
    assert sent.value.status == 422
    page.wait_for_load_state()
    assert page.inner_text("[role=alert]") == "A status change needs a reason and the evidence for it."
    assert page.get_attribute("#person-status", "data-status") == before
    assert _stored_status(app, person) == before and _status_events(app, person) == []

    reason = "Seen alive in Idlib by two relatives"
    page.select_option(f"{form} select[name=status]", "located_alive")
    page.fill(f"{form} textarea[name=reason]", reason)
    page.fill(f"{form} textarea[name=evidence]", "Phone call with the person")
    page.fill(f"{form} input[name=event_date]", "2024-05-01")
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    assert page.url.endswith(f"/persons/{shown}#history")
    assert page.get_attribute("#person-status", "data-status") == "located_alive"
    assert page.inner_text("#person-status") == "Located alive"
    history = page.locator("#status-history tbody tr")
    assert history.count() == 1
    entry = history.nth(0).inner_text()
    assert reason in entry and "Located alive" in entry and "caseworker-alpha" in entry
    screenshots(page, "person-status-changed-en")

    assert _stored_status(app, person) == "located_alive"
    assert _status_events(app, person) == [
        ("located_alive", reason, "Phone call with the person", "caseworker-alpha")
    ]


def test_an_admin_adds_a_user_and_shares_a_source_through_the_pages(app, page, screenshots):
    sign_in(page, "admin-alpha", lang="en")
    page.wait_for_url("**/dashboard")
    page.goto("/admin/users")
    page.fill("#add-user input[name=name]", "browser-added")
    page.select_option("#add-user select[name=role]", "caseworker")
    page.select_option("#add-user select[name=organisation]", "Beta")
    with page.expect_navigation():
        page.click("#add-user button[type=submit]")
    password = page.inner_text("#new-password")
    assert len(password) >= 16
    row = page.locator('#users tr[data-user="browser-added"]')
    assert row.get_attribute("data-role") == "caseworker" and "Beta" in row.inner_text()
    screenshots(page, "admin-users-en")
    page.goto("/admin/sources")
    source = page.locator('#sources tr[data-source="families"]')
    assert source.get_attribute("data-sharing") == "private"
    source.locator("select[name=sharing]").select_option("shared")
    with page.expect_navigation():
        source.locator("button[type=submit]").click()
    assert page.locator('#sources tr[data-source="families"]').get_attribute("data-sharing") == "shared"
    screenshots(page, "admin-sources-en")
    page.goto("/admin/sources?lang=ar")
    screenshots(page, "admin-sources-ar")
    page.goto("/admin/users?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshots(page, "admin-users-ar")
    with app.state.engine.connect() as conn:
        sharing = conn.execute(select(Source.sharing).where(Source.name == "families")).scalar_one()
    assert sharing == "shared"
