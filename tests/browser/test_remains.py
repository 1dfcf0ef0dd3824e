"""Remains in a real Chromium, in Arabic: a caseworker opens a site's page from the menu, and an
investigator identifies a body (a preliminary step, then a confirmation with evidence)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from athar.store.tables import Membership, Person, Source
from tests.browser.conftest import sign_in
from tests.web.conftest import person_ref
from tests.web.remains_site import SITE, add_alpha_site


@pytest.fixture(scope="module")
def grave(app, tmp_path_factory) -> tuple[int, list[int]]:
    return add_alpha_site(app.state.engine, tmp_path_factory.mktemp("browser-remains"))


def test_a_site_page_in_arabic_shows_its_bodies_and_counts(page, grave, screenshots):
    site_id, bodies = grave
    sign_in(page, "caseworker-alpha", lang="ar")
    page.wait_for_url("**/dashboard")
    with page.expect_navigation():
        page.click('nav a[href="/sites"]')
    assert page.locator("html").get_attribute("dir") == "rtl"
    with page.expect_navigation():
        page.click(f'#sites a[href="/sites/{site_id}"]')
    assert page.locator("h1").inner_text() == SITE
    assert page.locator('#site-facts dd[data-kind="mass_grave"]').inner_text() == "مقبرة جماعية"
    assert page.locator('#site-counts li[data-count="bodies"] .n').inner_text() == "٤"
    assert page.locator("#bodies tbody tr").count() == len(bodies)
    screenshots(page, "remains-site-ar")


def test_an_investigator_identifies_a_body_in_arabic(app, page, grave, screenshots):
    _, bodies = grave
    with app.state.engine.connect() as conn:
        alphas = set(
            conn.execute(
                select(Membership.person_id)
                .join(Source, Source.id == Membership.source_id)
                .where(Source.name == "families")
            ).scalars()
        )
    by_reference = {person_ref(app, p, "Alpha"): p for p in alphas}  # the page names persons so
    sign_in(page, "investigator-alpha", lang="ar")
    page.wait_for_url("**/dashboard")
    page.goto(f"/remains/{bodies[0]}")
    sections = page.locator("section.candidate[data-person]")
    shown = [sections.nth(i).get_attribute("data-person") for i in range(sections.count())]
    person = next(p for p in shown if p in by_reference)
    candidate = page.locator(f'section.candidate[data-person="{person}"]')
    assert candidate.locator("table.evidence tr[data-feature]").count() == 8
    candidate.locator("select[name=step]").select_option("preliminary")
    with page.expect_navigation():
        candidate.locator("button[type=submit]").click()
    assert page.locator("#body-state").get_attribute("data-state") == "preliminary"
    candidate = page.locator(f'section.candidate[data-person="{person}"]')
    candidate.locator("select[name=step]").select_option("confirmed")
    candidate.locator("textarea[name=evidence]").fill("تطابق الأسنان والملابس")
    with page.expect_navigation():
        candidate.locator("button[type=submit]").click()
    assert page.locator("#body-state").get_attribute("data-state") == "confirmed"
    assert page.locator("#body-state").inner_text() == "تعرّف مؤكَّد"
    assert "تطابق الأسنان والملابس" in page.locator("#steps").inner_text()
    screenshots(page, "remains-identified-ar")
    with app.state.engine.connect() as conn:
        identified = conn.execute(select(Person.status).where(Person.id == by_reference[person])).scalar()
    assert identified == "remains_identified"
    page.goto(f"/persons/{person}")
    assert page.locator("#identifications tr[data-step=confirmed]").count() == 1
