"""Languages: Arabic first (right to left), English available; digits Arabic-Indic or Latin by preference.

The catalogues are Babel gettext `.po` files under `locale/`; they are compiled in memory when the app
starts (babel.messages.mofile), so a fresh clone works without a build step and a `.mo` can never be
staler than its `.po`. Extract new strings with `pybabel extract -F athar/web/babel.cfg -k N_ --no-location -o
athar/web/locale/messages.pot athar/web` and merge with `pybabel update --no-location`.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from fastapi import Request

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES: tuple[str, ...] = ("ar", "en")
RTL = frozenset({"ar"})
DIGITS: tuple[str, ...] = ("arabic", "latin")
LANG_COOKIE = "athar_lang"
DIGITS_COOKIE = "athar_digits"

_ARABIC_INDIC = str.maketrans("0123456789,.", "٠١٢٣٤٥٦٧٨٩٬٫")
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def load_catalogues(locale_dir: Path = LOCALE_DIR) -> dict[str, gettext.NullTranslations]:
    """Each language's translations, compiled from its .po file."""
    catalogues: dict[str, gettext.NullTranslations] = {}
    for lang in LANGUAGES:
        po = locale_dir / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        catalogues[lang] = gettext.GNUTranslations(buffer)
    return catalogues


def direction(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


def language(request: Request) -> str:
    """`?lang=`, else the language cookie, else the default (Arabic)."""
    prefix = request.app.state.settings.cookie_prefix
    for value in (request.query_params.get("lang"), request.cookies.get(prefix + LANG_COOKIE)):
        if value in LANGUAGES:
            return value
    return request.app.state.settings.default_language


def digits(request: Request, lang: str) -> str:
    """`?digits=`, else the cookie, else Arabic-Indic digits for Arabic and Latin ones for English."""
    prefix = request.app.state.settings.cookie_prefix
    for value in (request.query_params.get("digits"), request.cookies.get(prefix + DIGITS_COOKIE)):
        if value in DIGITS:
            return value
    return "arabic" if lang == "ar" else "latin"


def format_number(value: int | float | None, digit_style: str) -> str:
    """Grouped digits in the preferred style: 12,345 or ١٢٬٣٤٥."""
    if value is None:
        return ""
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    return text.translate(_ARABIC_INDIC) if digit_style == "arabic" else text


def format_digits(value: object, digit_style: str) -> str:
    """Text (a year, a date) with its digits in the preferred style and nothing else changed."""
    text = "" if value is None else str(value)
    return text.translate(_ARABIC_DIGITS) if digit_style == "arabic" else text


def translations(request: Request) -> gettext.NullTranslations:
    return request.app.state.catalogues[language(request)]
