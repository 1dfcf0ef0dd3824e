"""Every string the templates and page modules translate is in both catalogues."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from athar.web.i18n import LOCALE_DIR

WEB = Path(__file__).resolve().parents[2] / "athar" / "web"
CALL = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)*)"\s*\)""")


def _used() -> set[str]:
    found = set()
    for path in [*(WEB / "templates").rglob("*.html"), *WEB.rglob("*.py")]:
        found |= {m.replace('\\"', '"') for m in CALL.findall(path.read_text(encoding="utf-8"))}
    return found


def test_every_translated_string_is_in_both_catalogues():
    used = _used()
    assert len(used) > 50
    for lang in ("ar", "en"):
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f, locale=lang)
        translated = {m.id for m in catalog if m.id and m.string}
        assert sorted(used - translated) == [], lang


def test_every_finding_an_explanation_can_give_is_in_both_catalogues():
    """The review page translates the model's findings (athar.linkage.reasons) like its own strings."""
    from athar.linkage.reasons import FINDINGS

    for lang in ("ar", "en"):
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f, locale=lang)
        translated = {m.id for m in catalog if m.id and m.string}
        assert sorted(set(FINDINGS) - translated) == [], lang
