"""Names shown to people: a name in the script it was written in, with the other script beside it,
so an Arabic-reading reviewer and a Latin-reading one see the same pair."""

from __future__ import annotations

import logging

from athar.names.arabic import is_arabic
from athar.names.keys import arabize, romanize

log = logging.getLogger(__name__)

NAME_PARTS: tuple[str, ...] = ("given_name", "father_name", "grandfather_name", "family_name")


def other_script(value: str | None) -> str:
    """`value` in the other script (Latin for Arabic, Arabic for Latin), or "" when there is none or
    it reads the same."""
    if not value:
        return ""
    try:
        other = romanize(value) if is_arabic(value) else arabize(value)
    except Exception:  # a display aid only: never let it break a page or a listing
        log.debug("no other-script form", exc_info=True)
        return ""
    return "" if not other or other == value else other


def full_name(record: dict) -> str:
    """The record's full name as written, or its name parts joined in their order."""
    written = (record.get("full_name") or "").strip()
    if written:
        return written
    return " ".join(p for p in (record.get(part) for part in NAME_PARTS) if p)


def in_both_scripts(name: str) -> str:
    """'محمد خير الحلبي (Mohammad Khair al-Halabi)', or the name alone when no other form exists."""
    other = other_script(name)
    return f"{name} ({other})" if other else name
