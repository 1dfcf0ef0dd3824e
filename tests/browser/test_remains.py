"""Remains in a real Chromium, in Arabic: a caseworker opens a site's page from the menu, an
investigator identifies a body (a preliminary step, then a confirmation with evidence), and an
investigator on a 360-pixel phone adds a site and imports a small post-mortem file into it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from athar.store.tables import Membership, Person, Source
from tests.browser.conftest import PHONE, fits_the_phone, sign_in
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


def test_an_investigator_adds_a_site_and_imports_bodies_in_arabic_on_a_phone(page, tmp_path, screenshots):
    bodies = tmp_path / "bodies.csv"
    bodies.write_text(
        "case_id,recovery_date,sex,age_min,age_max,dental\n"
        "T-1,2014-05-01,M,25,35,16F 36M\n"
        "T-2,2014-05-01,F,30,20,\n",
        encoding="utf-8",
    )
    page.set_viewport_size(PHONE)
    sign_in(page, "investigator-alpha", lang="ar")
    page.wait_for_url("**/dashboard")
    page.goto("/sites")
    with page.expect_navigation():
        page.click("#add-site")
    assert page.locator("html").get_attribute("dir") == "rtl" and fits_the_phone(page)
    page.fill("input[name=name]", "مقبرة التضامن")
    page.select_option("select[name=kind]", "mass_grave")
    page.fill("input[name=place]", "حمص")
    page.fill("input[name=used_from]", "2012")
    page.fill("input[name=used_to]", "2013")
    with page.expect_navigation():
        page.click("#site-form button[type=submit]")
    assert page.locator("h1").inner_text() == "مقبرة التضامن"
    assert page.locator('#site-facts dd[data-kind="mass_grave"]').inner_text() == "مقبرة جماعية"
    with page.expect_navigation():
        page.click("#add-bodies")
    page.set_input_files("#remains-upload input[type=file]", str(bodies))
    with page.expect_navigation():
        page.click("#remains-upload button[type=submit]")
    assert page.locator("#count-read").inner_text() == "٢"
    assert page.locator("#count-stored").inner_text() == "١"
    assert page.locator("#count-quarantined").inner_text() == "١"
    refused = page.locator('#quarantined tr[data-row="3"]')
    assert "أصغر عمر عند الوفاة" in refused.inner_text() and "impossible range" in refused.inner_text()
    screenshots(page, "remains-import-ar")
    assert fits_the_phone(page)
    with page.expect_navigation():
        page.click("#site-link")
    assert page.locator('#site-counts li[data-count="bodies"] .n').inner_text() == "١"
