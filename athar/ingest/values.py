"""Reading one cell into its canonical value, or saying exactly why it cannot be read.

Each parser returns the canonical text (or None for a blank cell) and raises `BadValue` with a
reason a person can act on. Dates keep the precision they were given: `1985`, `1985-03`, `1985-03-07`.
"""

from __future__ import annotations

import datetime as dt
import re

from athar.dental import DentalError, normalise_chart

# Arabic-Indic (U+0660..) and Extended Arabic-Indic / Persian (U+06F0..) digits read as 0-9.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
EARLIEST_YEAR = 1880


class BadValue(ValueError):
    """A cell that cannot be read as what its column holds; the message is the reason."""


def ascii_digits(text: str) -> str:
    return text.translate(DIGITS)


def clean_text(text: str) -> str | None:
    """Trim and collapse white space; a blank cell is None."""
    return " ".join(text.split()) or None


_ISO = re.compile(r"(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_MY = re.compile(r"(\d{1,2})[-/.](\d{4})")


def parse_date(text: str, today: dt.date) -> str | None:
    """YYYY, YYYY-MM, YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (Arabic-Indic digits too) -> ISO, as precise."""
    value = ascii_digits(text).strip()
    if not value:
        return None
    if m := _ISO.fullmatch(value):
        year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    elif m := _DMY.fullmatch(value):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _MY.fullmatch(value):
        day, month, year = None, int(m[1]), int(m[2])
    else:
        raise BadValue(f"{text!r} is not a date (use YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY)")
    if year < EARLIEST_YEAR:
        raise BadValue(f"{text!r}: year {year} is before {EARLIEST_YEAR}")
    if month is None or month == "":
        if year > today.year:
            raise BadValue(f"{text!r} is in the future")
        return f"{year:04d}"
    if not 1 <= month <= 12:
        raise BadValue(f"{text!r} is not a real date: month {month}")
    if day is None or day == "":
        if (year, month) > (today.year, today.month):
            raise BadValue(f"{text!r} is in the future")
        return f"{year:04d}-{month:02d}"
    try:
        date = dt.date(year, month, day)
    except ValueError as e:
        raise BadValue(f"{text!r} is not a real date: {e}") from e
    if date > today:
        raise BadValue(f"{text!r} is in the future")
    return date.isoformat()


_SEX = {
    "m": "M",
    "male": "M",
    "man": "M",
    "ذكر": "M",
    "ذ": "M",
    "h": "M",
    "homme": "M",
    "masculin": "M",
    "f": "F",
    "female": "F",
    "woman": "F",
    "أنثى": "F",
    "انثى": "F",
    "أنثي": "F",
    "انثي": "F",
    "أ": "F",
    "ا": "F",
    "femme": "F",
    "féminin": "F",
    "feminin": "F",
}
_UNKNOWN_SEX = {"u", "unknown", "?", "غير معروف", "غير معروفة", "inconnu", "other", "x"}


def parse_sex(text: str) -> str | None:
    value = text.strip().casefold()
    if not value or value in _UNKNOWN_SEX:
        return None
    try:
        return _SEX[value]
    except KeyError:
        raise BadValue(f"unknown sex code {text!r} (use M/F, male/female, ذكر/أنثى)") from None


_ID_SEPARATORS = re.compile(r"[\s\-.]")


def parse_national_id(text: str) -> str | None:
    value = _ID_SEPARATORS.sub("", ascii_digits(text))
    if not value:
        return None
    if not (len(value) == 11 and value.isascii() and value.isdigit()):
        hint = " (a spreadsheet may have dropped its leading zero)" if len(value) == 10 else ""
        raise BadValue(f"national number {text!r} is not 11 digits{hint}")
    return value


_AGE = re.compile(r"(\d{1,3})(?:\s*(?:y|yrs?|years?|ans|سنة|سنه|عام|عاما))?\.?")


def parse_age(text: str) -> int | None:
    value = ascii_digits(text).strip().casefold()
    if not value:
        return None
    m = _AGE.fullmatch(value)
    if not m or int(m[1]) > 120:
        raise BadValue(f"{text!r} is not an age in years (0-120)")
    return int(m[1])


def parse_record_id(text: str) -> str | None:
    return clean_text(ascii_digits(text))


def parse_height(text: str) -> int | None:
    """A living person's height in whole centimetres (40-250, as tracing requests accept)."""
    value = ascii_digits(text).strip().casefold().removesuffix("cm").removesuffix("سم").strip()
    if not value:
        return None
    try:
        height = round(float(value))
    except ValueError:
        raise BadValue(f"{text!r} is not a height in centimetres") from None
    if not 40 <= height <= 250:
        raise BadValue(f"{text!r} is not a height in centimetres (40-250)")
    return height


def parse_dental(text: str) -> str | None:
    """An ante-mortem dental chart (`athar.dental`), written canonically."""
    try:
        return normalise_chart(text, post_mortem=False)
    except DentalError as e:
        raise BadValue(str(e)) from None
