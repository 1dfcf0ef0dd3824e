"""The main pages in a real Chromium: sign in, dashboard, review with the keyboard, a person, languages."""

from __future__ import annotations

import re

from sqlalchemy import select

from athar.store.tables import Judgement, Membership, Source
from tests.browser.conftest import PHONE, fits_the_phone, platform_fonts, sign_in
from tests.web.conftest import person_ref

NOTO_ARABIC = {"Noto Naskh Arabic", "Noto Sans Arabic", "Noto Kufi Arabic"}


def _stored(app, left: str, right: str) -> list[str]:
    """The decisions stored for a pair (judgements keep the pair in sorted order)."""
    a, b = sorted([tuple(left.split(":", 1)), tuple(right.split(":", 1))])
    with app.state.engine.connect() as conn:
        return list(
            conn.execute(
                select(Judgement.decision).where(
                    Judgement.left_source == a[0],
                    Judgement.left_record_id == a[1],
                    Judgement.right_source == b[0],
                    Judgement.right_record_id == b[1],
                )
            ).scalars()
        )


def _pair(page) -> tuple[str, str]:
    return (
        page.input_value("#judge input[name=left]"),
        page.input_value("#judge input[name=right]"),
    )


def _alpha_person(app) -> str:
    """A person with a record in Alpha's own list (so an Alpha user may see them)."""
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(Membership.person_id)
            .join(Source, Source.id == Membership.source_id)
            .where(Source.name == "families")
            .order_by(Membership.person_id)
            .limit(1)
        ).scalar_one()


def test_signing_in_leads_to_the_dashboard_with_counts_and_sources(page, screenshots):
    sign_in(page, "reviewer-alpha", lang="en")
    page.wait_for_url("**/dashboard")
    assert page.locator("h1").inner_text() == "Dashboard"
    assert int(page.inner_text("#persons-count").replace(",", "")) > 0
    assert page.locator("table.data tbody tr").count() >= 3  # families, returnees (shared), morgue
    assert "reviewer-alpha" in page.inner_text("header .who")
    screenshots(page, "dashboard-en")
    page.goto("/dashboard?lang=ar")
    assert page.locator("h1").inner_text() == "لوحة المتابعة"
    screenshots(page, "dashboard-ar")


def _bar_and_label(page, chart: str) -> tuple[dict, dict]:
    """The drawn boxes of the first non-empty bar of a dashboard chart and of its label."""
    rows = page.locator(f"#{chart} g.row")
    row = next(rows.nth(i) for i in range(rows.count()) if int(rows.nth(i).get_attribute("data-n")) > 0)
    return row.locator("rect.bar").bounding_box(), row.locator("text.label").bounding_box()


def test_the_dashboard_draws_its_counts_as_bar_charts_mirrored_in_arabic(page, screenshots):
    sign_in(page, "investigator-beta", lang="ar")
    page.wait_for_url("**/dashboard")
    for chart in ("chart-status", "chart-governorate", "chart-year", "chart-sources"):
        assert page.locator(f"#{chart}").is_visible()
        assert page.locator(f"#{chart}-title").text_content().strip() != ""
    bar, label = _bar_and_label(page, "chart-status")
    assert bar["width"] > 0 and bar["x"] + bar["width"] <= label["x"] + 1  # label on the right, bar leftwards
    assert re.fullmatch(r"[٠-٩٬]+", page.locator("#chart-status text.value").first.text_content())
    page.locator("#governorate").scroll_into_view_if_needed()
    screenshots(page, "dashboard-charts-ar")
    page.goto("/dashboard?lang=en")
    bar, label = _bar_and_label(page, "chart-status")
    assert label["x"] + label["width"] <= bar["x"] + 1  # label on the left, bar rightwards
    page.click("#place-field a")
    page.wait_for_url("**place=event")
    assert page.get_attribute("#place-field", "data-field") == "event_place"
    screenshots(page, "dashboard-charts-en")


def test_the_dashboard_fits_a_phone_in_arabic_its_wide_tables_scrolling_in_their_own_box(page, screenshots):
    page.set_viewport_size(PHONE)
    sign_in(page, "reviewer-alpha", lang="ar")
    page.wait_for_url("**/dashboard")
    assert page.locator("#by-source tbody tr").count() >= 3
    assert fits_the_phone(page)
    scrolls = "t => t.parentElement.scrollWidth > t.parentElement.clientWidth"
    assert page.locator("#by-source").evaluate(scrolls), "a table wider than the phone scrolls in its own box"
    page.locator("#sources").scroll_into_view_if_needed()
    screenshots(page, "dashboard-phone-ar")


def test_a_wrong_password_is_refused_with_a_message_and_no_session(page, screenshots):
    page.goto("/login?lang=ar")
    screenshots(page, "login-ar")
    page.fill("input[name=name]", "caseworker-alpha")
    page.fill("input[name=password]", "not the password")
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as posted:
        page.click("form.stack button[type=submit]")
    assert posted.value.status == 401
    assert page.inner_text("[role=alert]") == (
        "الاسم أو كلمة المرور أو الرمز غير صحيح، أو كثرت المحاولات: انتظر دقيقة ثم أعد المحاولة."
    )
    assert page.input_value("input[name=name]") == "caseworker-alpha"
    screenshots(page, "login-failed-ar")
    page.goto("/dashboard")
    assert re.search(r"/login\?next=/dashboard$", page.url)


def test_the_review_keys_s_d_u_store_a_judgement_and_load_the_next_pair(app, page, screenshots):
    sign_in(page, "reviewer-alpha", lang="en")
    page.wait_for_url("**/dashboard")
    page.goto("/review")
    screenshots(page, "review-en")
    seen = set()
    for key, decision in (("s", "same"), ("d", "different"), ("u", "unsure")):
        left, right = _pair(page)
        seen.add((left, right))
        assert page.locator("table.pair tbody tr").count() > 0
        with page.expect_navigation():
            page.keyboard.press(key)
        assert page.url.endswith("/review")
        assert _stored(app, left, right) == [decision]
        assert _pair(page) not in seen, "the same pair came back after it was judged"
    page.goto("/review?lang=ar")
    screenshots(page, "review-ar")


def test_typing_s_in_the_note_does_not_judge(app, page):
    sign_in(page, "investigator-alpha", lang="en")
    page.wait_for_url("**/dashboard")
    page.goto("/review")
    left, right = _pair(page)
    page.click("#judge textarea[name=note]")
    page.keyboard.type("sdu")
    assert page.url.endswith("/review") and _pair(page) == (left, right)
    assert _stored(app, left, right) == []


def test_a_person_page_lists_their_records(app, page, screenshots):
    person = _alpha_person(app)
    shown = person_ref(app, person, "Alpha")
    sign_in(page, "caseworker-alpha", lang="en")
    page.wait_for_url("**/dashboard")
    page.goto(f"/persons/{shown}")
    heading = page.locator("h1").inner_text()
    assert shown in heading and person not in heading  # the organisation's reference, not the P- id
    sources = page.locator("table.data tbody tr td:first-child").all_inner_texts()
    assert "families" in sources and "detention" not in sources  # Beta's private list stays hidden
    screenshots(page, "person-en")
    page.goto(f"/persons/{shown}?lang=ar")
    screenshots(page, "person-ar")


def test_switching_language_flips_direction_and_arabic_is_drawn_in_noto(page):
    page.goto("/login")
    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "ar"
    assert page.locator("h1").inner_text() == "تسجيل الدخول"
    assert set(platform_fonts(page, "h1")) <= NOTO_ARABIC, platform_fonts(page, "h1")
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith('"Noto Naskh Arabic"')
    # In RTL the brand sits on the right of the top bar.
    brand = page.locator("header .brand").bounding_box()
    assert brand["x"] > 640

    page.click("header .prefs a[hreflang=en]")
    page.wait_for_url("**lang=en")
    assert page.get_attribute("html", "dir") == "ltr" and page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in"
    assert page.locator("header .brand").bounding_box()["x"] < 640

    page.goto("/login")  # the choice is remembered in a cookie
    assert page.get_attribute("html", "dir") == "ltr"
    # The link back to Arabic is itself Arabic text, drawn in a Noto Arabic face on an English page.
    assert set(platform_fonts(page, "header .prefs a[hreflang=ar]")) <= NOTO_ARABIC
    page.click("header .prefs a[hreflang=ar]")
    page.wait_for_url("**lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.locator("h1").inner_text() == "تسجيل الدخول"
