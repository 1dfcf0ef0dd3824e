"""Every string the tracing-request templates translate is in both catalogues (the shared test reads
only the top-level templates; these live in templates/trace and templates/requests)."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from athar.web.i18n import LOCALE_DIR

TEMPLATES = Path(__file__).resolve().parents[2] / "athar" / "web" / "templates"
CALL = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)*)"\s*\)""")


def test_every_tracing_request_string_is_in_both_catalogues():
    used: set[str] = set()
    for folder in ("trace", "requests"):
        for path in (TEMPLATES / folder).glob("*.html"):
            used |= set(CALL.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 100
    for lang in ("ar", "en"):
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f, locale=lang)
        translated = {m.id for m in catalog if m.id and m.string}
        assert sorted(used - translated) == [], lang
