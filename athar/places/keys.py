"""Folding keys for place names, in either script.

A key is what two clerks' spellings of one place have in common once the noise is gone: case,
diacritics, the article (al-/el-/ad-/ash-/ez-..., ال), hyphens and ayn marks, French spellings
(ou, ch, dj), doubled letters, a final -ah/-eh, and generic words such as "City", "Governorate",
مدينة, محافظة.  Tokens are then joined without spaces, because "Tal Kalakh"/"Talkalakh" and
كفر نبل/كفرنبل are written both ways.

Places are not personal names, so the Latin folding here is our own (articles, generic words,
ou/u ...) rather than the personal-name rules of :mod:`athar.names`; only the Arabic letter
folding (hamza, alef, ta marbuta, ya, tashkeel) is shared with it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from athar.names.arabic import is_arabic, normalize_arabic, strip_article

LATIN_ARTICLES = frozenset(
    [
        "al",
        "el",
        "il",
        "ul",
        "l",
        "ad",
        "ar",
        "as",
        "ash",
        "at",
        "az",
        "an",
        "adh",
        "ath",
        "ed",
        "er",
        "es",
        "esh",
        "et",
        "ez",
        "en",
    ]
)
# Generic words that say what kind of place follows; they are dropped from the key and kept as a hint.
LATIN_KIND_WORDS = {
    "city": "town",
    "town": "town",
    "village": "town",
    "ville": "town",
    "madinat": "town",
    "governorate": "governorate",
    "gouvernorat": "governorate",
    "province": "governorate",
    "muhafazat": "governorate",
    "muhafazah": "governorate",
    "mohafazat": "governorate",
    "mohafaza": "governorate",
    "muhafaza": "governorate",
    "district": "district",
    "mantiqa": "district",
    "mantiqat": "district",
    "subdistrict": "subdistrict",
    "nahiya": "subdistrict",
    "nahia": "subdistrict",
    "nahiyat": "subdistrict",
    "neighbourhood": "neighbourhood",
    "neighborhood": "neighbourhood",
    "quarter": "neighbourhood",
    "hayy": "neighbourhood",
}
LATIN_FILLERS = frozenset({"of", "de", "du", "d", "the", "sub"})
LATIN_RIF = frozenset({"rif", "reef", "rural", "countryside", "suburbs", "outskirts", "campagne"})
LATIN_DIRECTIONS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "nord",
        "sud",
        "est",
        "ouest",
    ]
)

ARABIC_KIND_WORDS = {
    "مدينه": "town",
    "بلده": "town",
    "قريه": "town",
    "محافظه": "governorate",
    "منطقه": "district",
    "ناحيه": "subdistrict",
    "حي": "neighbourhood",
}
ARABIC_RIF = frozenset({"ريف"})
ARABIC_DIRECTIONS = frozenset({"شمالي", "جنوبي", "شرقي", "غربي", "الشمالي", "الجنوبي", "الشرقي", "الغربي"})
# Same word, different spelling, inside facility names.
ARABIC_SYNONYMS = {"مستشفي": "مشفي", "مشفي": "مشفي"}

_APOSTROPHES = re.compile(r"['’‘`´ʿʾʻʼ′]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DOUBLE = re.compile(r"([a-z])\1+")
_FINAL_H = re.compile(r"([aeiou])h$")
_VOWELS = re.compile(r"[aeiouyw]")


@dataclass(frozen=True)
class Folded:
    """A folded string: its key, the kind its generic words asked for, and whether it said "rif"."""

    key: str
    kind: str | None = None
    rif: bool = False
    arabic: bool = False


def _fold_latin_token(tok: str) -> str:
    tok = tok.replace("dj", "j").replace("tch", "ch").replace("ch", "sh").replace("ou", "u")
    tok = tok.replace("ph", "f").replace("ee", "i").replace("oo", "u").replace("q", "k")
    tok = _DOUBLE.sub(r"\1", tok)
    tok = _FINAL_H.sub(r"\1", tok)  # Hamah/Hama, Raqqah/Raqqa, Talbiseh/Talbise
    if len(tok) > 3 and tok.endswith("e"):
        tok = tok[:-1] + "a"  # Talbise/Talbisa, Jableh/Jabla, Lattaquie -> lattakia
    return tok


def _fold_latin(text: str) -> Folded:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = _APOSTROPHES.sub("", s)
    tokens = _NON_ALNUM.sub(" ", s).split()
    kind = None
    rif = False
    kept: list[str] = []
    for tok in tokens:
        if tok in LATIN_KIND_WORDS:
            kind = LATIN_KIND_WORDS[tok]
        elif tok in LATIN_RIF:
            rif = True
        elif tok in LATIN_FILLERS or tok in LATIN_ARTICLES:
            continue
        else:
            kept.append(tok)
    if rif:
        kept = [t for t in kept if t not in LATIN_DIRECTIONS]
    if not kept:  # the text was only articles or generic words: keep them rather than return nothing
        kept = [t for t in tokens if t not in LATIN_FILLERS]
        kind, rif = None, False
    return Folded("".join(_fold_latin_token(t) for t in kept), kind, rif)


def _fold_arabic(text: str) -> Folded:
    tokens = [ARABIC_SYNONYMS.get(t, t) for t in (strip_article(t) for t in normalize_arabic(text).split())]
    kind = None
    rif = False
    kept: list[str] = []
    for tok in tokens:
        if tok in ARABIC_KIND_WORDS:
            kind = ARABIC_KIND_WORDS[tok]
        elif tok in ARABIC_RIF:
            rif = True
        else:
            kept.append(tok)
    if rif:
        kept = [t for t in kept if t not in ARABIC_DIRECTIONS]
    if not kept:
        kept, kind, rif = tokens, None, False
    # Latin letters mixed into Arabic text (rare) are folded the Latin way.
    key = "".join(_fold_latin(t).key if t.isascii() and not t.isdigit() else t for t in kept)
    return Folded(key, kind, rif, arabic=True)


def fold(text: str) -> Folded:
    """Fold free text to a key plus the hints its generic words gave (kind, "rif")."""
    return _fold_arabic(text) if is_arabic(text) else _fold_latin(text)


def place_key(text: str) -> str:
    """The folding key of a place name: equal keys mean the same spelling up to noise.

    >>> place_key("Deir ez-Zor") == place_key("DEIR EZ ZOR") == place_key("Deir-ez-Zor")
    True
    >>> place_key("دير الزور") == place_key("دیر الزّور")
    True
    """
    return fold(text).key


def strip_leading_article(key: str) -> str | None:
    """The key without an article glued to its first word (Alhasakah, Albukamal), if it had one."""
    for art in ("al", "el"):
        if key.startswith(art) and len(key) > len(art) + 3:
            return key[len(art) :]
    return None


def skeleton(key: str) -> str:
    """The first letter and the later consonants of a Latin key: what Dayr/Deir and Zawr/Zour share.

    The first letter is kept even when a vowel, so that Bremen does not meet Abu Rummaneh.
    """
    return key[:1] + _VOWELS.sub("", key[1:])
