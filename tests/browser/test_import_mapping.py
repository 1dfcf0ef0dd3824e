"""The import preview in a real Chromium: the rows that will be quarantined are flagged, and the column
mapping is changed on the page (plain forms, no JavaScript needed) before importing."""

from __future__ import annotations

from sqlalchemy import select

from athar.store.tables import Import, Source
from tests.browser.conftest import sign_in


def test_the_mapping_is_edited_in_the_preview_and_the_flagged_rows_follow_it(
    app, page, screenshots, tmp_path
):
    source = "browser-remapped"
    upload = tmp_path / "unnamed-columns.csv"
    upload.write_text(
        "ident,الاسم,الميلاد,ملاحظة\n"
        "M-1,عمر خالد الحلبي,1980-02-11,\n"
        "M-2,ليلى حسن الشامي,1991-07-30,\n"
        "M-3,سامر رامي الخطيب,1985-13-45,تاريخ خاطئ\n",
        encoding="utf-8",
    )
    sign_in(page, "investigator-alpha", lang="en")
    page.wait_for_url("**/dashboard")
    page.goto("/import")
    page.fill("#upload-form input[name=source]", source)
    page.set_input_files("#upload-form input[name=file]", str(upload))
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")

    # "ident" is not a header Athar knows: without a record id every row would be quarantined.
    assert page.get_attribute("#will-quarantine-count", "data-count") == "3"
    assert "missing record_id" in page.inner_text("#will-quarantine")
    assert page.input_value("#column-0") == "-"
    screenshots(page, "import-preview-unmapped-en")

    page.select_option("#column-0", "record_id")
    page.select_option("#column-1", "full_name")
    page.select_option("#column-2", "birth_date")
    with page.expect_navigation():
        page.click("#check-mapping")
    assert page.get_attribute("#will-quarantine-count", "data-count") == "1"
    flagged = page.locator("#will-quarantine tbody tr")
    assert flagged.count() == 1 and flagged.nth(0).get_attribute("data-row") == "4"
    assert "1985-13-45" in flagged.nth(0).inner_text() and "Birth date" in flagged.nth(0).inner_text()
    assert page.input_value("#column-0") == "record_id"  # the choice is kept on the page
    screenshots(page, "import-preview-remapped-en")

    with page.expect_navigation():
        page.click("#import-form button[type=submit]")
    assert (page.inner_text("#count-read"), page.inner_text("#count-stored")) == ("3", "2")
    assert page.inner_text("#count-quarantined") == "1"
    with app.state.engine.connect() as conn:
        mapping = conn.execute(
            select(Import.mapping).join(Source, Source.id == Import.source_id).where(Source.name == source)
        ).scalar_one()
    assert mapping["columns"] == {"record_id": "ident", "full_name": "الاسم", "birth_date": "الميلاد"}


def test_the_preview_in_arabic_flags_the_rows_without_javascript(browser, base_url, screenshots, tmp_path):
    context = browser.new_context(base_url=base_url, java_script_enabled=False, locale="ar")
    page = context.new_page()
    try:
        upload = tmp_path / "list.csv"
        upload.write_text(
            "record_id,full_name,sex\nN-1,عمر خالد الحلبي,ذكر\nN-2,ليلى حسن الشامي,Q\n", encoding="utf-8"
        )
        sign_in(page, "investigator-alpha", lang="ar")
        page.wait_for_url("**/dashboard")
        page.goto("/import")
        page.fill("#upload-form input[name=source]", "browser-nojs")
        page.set_input_files("#upload-form input[name=file]", str(upload))
        with page.expect_navigation():
            page.click("#upload-form button[type=submit]")
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.get_attribute("#will-quarantine-count", "data-count") == "1"
        page.select_option("#column-2", "-")  # sex not used: nothing left to refuse
        with page.expect_navigation():
            page.click("#check-mapping")
        assert page.get_attribute("#will-quarantine-count", "data-count") == "0"
        assert "لن يُحجز أي صف" in page.inner_text("#will-quarantine-count")
        screenshots(page, "import-preview-nojs-ar")
    finally:
        context.close()
