"""Casework in a real Chromium: a caseworker finds a case by name in Arabic, an investigator splits a
person and undoes it, and the review page's model charts drawn in Arabic."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from athar.store.tables import Curation, Membership, Record, Source
from tests.browser.conftest import sign_in
from tests.web.conftest import person_ref


def _alpha_named_person(app) -> tuple[str, str]:
    """A person with a record in Alpha's own list that gives an Arabic given and family name."""
    with app.state.engine.connect() as conn:
        row = conn.execute(
            select(Membership.person_id, Record.given_name, Record.father_name, Record.family_name)
            .join(Source, Source.id == Membership.source_id)
            .join(
                Record,
                (Record.source_id == Membership.source_id) & (Record.record_id == Membership.record_id),
            )
            .where(
                Source.name == "families",
                Record.is_current.is_(True),
                Record.given_name.op("GLOB")("*[ء-ي]*"),
                Record.father_name.is_not(None),
                Record.family_name.is_not(None),
            )
            .order_by(Membership.person_id)
            .limit(1)
        ).one()
    return row.person_id, f"{row.given_name} {row.father_name} {row.family_name}"


def _multi_record_alpha_person(app) -> tuple[str, list[str]]:
    """A person of two or more records, all in lists an Alpha user sees."""
    refs: dict[str, list[str]] = defaultdict(list)
    with app.state.engine.connect() as conn:
        for person, source, record in conn.execute(
            select(Membership.person_id, Source.name, Membership.record_id).join(
                Source, Source.id == Membership.source_id
            )
        ):
            refs[person].append(f"{source}:{record}")
    visible = {"families", "returnees", "morgue"}
    person = next(
        p for p, r in sorted(refs.items()) if len(r) >= 2 and {x.split(":")[0] for x in r} <= visible
    )
    return person, sorted(refs[person])


def test_a_caseworker_finds_a_case_by_its_arabic_name_and_opens_it(app, page, screenshots):
    person, typed = _alpha_named_person(app)
    shown = person_ref(app, person, "Alpha")  # what Alpha's users are shown, never the P- id
    sign_in(page, "caseworker-alpha", lang="ar")
    page.wait_for_url("**/dashboard")
    page.click('nav a[href="/search"]')
    page.fill("input[name=name]", typed)
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    link = page.locator(f'section.result a[href="/persons/{shown}"]')
    assert link.count() == 1
    screenshots(page, "caseworker-search-ar")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/persons/{shown}")


def test_an_investigator_splits_a_record_off_a_person_and_undoes_it(app, page, screenshots):
    person, refs = _multi_record_alpha_person(app)
    sign_in(page, "investigator-alpha", lang="ar")
    page.wait_for_url("**/dashboard")
    page.goto(f"/persons/{person_ref(app, person, 'Alpha')}")
    with page.expect_navigation():
        page.click("#curate-link")
    page.check(f'#split-form input[value="{refs[0]}"]')
    page.fill("#split-form textarea[name=reason]", "اسم الأب مختلف في السجل")
    with page.expect_navigation():
        page.click("#split-form button[type=submit]")
    row = page.locator('#curations tr[data-kind="split"]')
    assert row.count() == 1 and refs[0] in row.inner_text()
    screenshots(page, "person-split-ar")
    with app.state.engine.connect() as conn:
        split = conn.execute(select(Curation).where(Curation.person_id == person)).one()
    assert split.kind == "split" and {p[0] for p in split.pairs} == {refs[0]}

    row.locator("input[name=reason]").fill("تبيّن أنه الشخص نفسه")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert "muted" in (page.get_attribute(f'#curations tr[data-curation="{split.id}"]', "class") or "")


def test_the_model_page_draws_its_chart_in_arabic_and_the_review_reads_in_arabic(page, screenshots):
    sign_in(page, "reviewer-alpha", lang="ar")
    page.wait_for_url("**/dashboard")
    page.goto("/review")
    waterfall = page.locator("table.waterfall")
    assert waterfall.count() == 1  # the browser store's wide review band always leaves a pair
    text = waterfall.inner_text()
    assert "نقطة البداية" in text and "All other comparisons" not in text and "_key" not in text
    screenshots(page, "review-reasons-ar")
    with page.expect_navigation():
        page.click("#model-link")
    assert page.locator("h1").inner_text() == "النموذج"
    chart = page.locator("svg#chart-probabilities")
    assert chart.count() == 1 and chart.get_attribute("direction") == "rtl"
    assert page.locator("svg#chart-probabilities g.row").count() == 20
    screenshots(page, "review-model-ar")


def test_a_caseworker_opens_a_case_by_the_reference_read_over_the_phone(app, page, screenshots):
    person, _typed = _alpha_named_person(app)
    shown = person_ref(app, person, "Alpha")
    sign_in(page, "caseworker-alpha", lang="ar")
    page.wait_for_url("**/dashboard")
    page.fill("form.open-ref input[name=reference]", shown.lower().replace("-", " "))  # as heard
    with page.expect_navigation():
        page.click("form.open-ref button[type=submit]")
    assert page.url.endswith(f"/persons/{shown}")
    page.fill("form.open-ref input[name=reference]", "C-XXXXX-XXXXX")
    with page.expect_navigation():
        page.click("form.open-ref button[type=submit]")
    assert page.locator("#not-found").is_visible()
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshots(page, "open-by-reference-not-found-ar")
