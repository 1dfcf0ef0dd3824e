"""Arabic first, right to left; English on request; digits by preference; complete catalogues."""

import re

from babel.messages.pofile import read_po

from athar.web.i18n import LOCALE_DIR, format_number, load_catalogues
from tests.web.conftest import client_for


def test_pages_are_arabic_and_right_to_left_by_default(anonymous):
    page = anonymous.get("/login").text
    assert '<html lang="ar" dir="rtl">' in page
    assert "تسجيل الدخول" in page and "Sign in" not in page


def test_lang_en_switches_to_english_left_to_right_and_is_remembered(anonymous):
    page = anonymous.get("/login?lang=en").text
    assert '<html lang="en" dir="ltr">' in page and "Sign in" in page and "تسجيل الدخول" not in page
    again = anonymous.get("/login").text
    assert '<html lang="en" dir="ltr">' in again


def test_the_language_switcher_offers_the_other_language(anonymous):
    assert 'href="?lang=en"' in anonymous.get("/").text
    assert 'href="?lang=ar"' in anonymous.get("/?lang=en").text


def test_dashboard_counts_follow_the_digit_preference(app):
    client = client_for(app, "admin-alpha")
    arabic = client.get("/dashboard").text
    count = re.search(r'id="persons-count">([^<]+)<', arabic).group(1)
    assert count and all("٠" <= c <= "٩" or c == "٬" for c in count)
    latin = client.get("/dashboard?digits=latin").text
    assert re.search(r'id="persons-count">([0-9,]+)<', latin)


def test_numbers_format_with_arabic_indic_or_latin_digits():
    assert format_number(12345, "arabic") == "١٢٬٣٤٥"
    assert format_number(12345, "latin") == "12,345"


def test_every_message_has_an_arabic_and_an_english_translation():
    for lang in ("ar", "en"):
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f, locale=lang)
        untranslated = [m.id for m in catalog if m.id and not m.string]
        assert untranslated == [], lang
        assert len(catalog) > 50


def test_the_catalogues_compile_from_the_po_files_without_a_build_step():
    catalogues = load_catalogues()
    assert catalogues["ar"].gettext("Sign in") == "تسجيل الدخول"
    assert catalogues["en"].gettext("Sign in") == "Sign in"
