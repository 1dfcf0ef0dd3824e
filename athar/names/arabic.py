"""Normalization of names written in Arabic script.

The aim is that two clerks who wrote the same name differently (with or without hamza, ta marbuta
or dots on the final ya, with vowel marks, in Persian letter forms, with the compound split or
joined) get the same string back. Folding is deliberately lossy: أحمد and احمد are one name in
every register we have seen, so we never need to keep them apart.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Code points removed outright: harakat and Quranic marks, tatweel, zero-width and bidi controls.
_REMOVE = [
    *range(0x064B, 0x0660),  # harakat, shadda, sukun, hamza above/below
    0x0670,  # superscript alef
    *range(0x06D6, 0x06EE),  # Quranic annotation marks
    *range(0x0610, 0x061B),  # honorific and small marks
    0x0640,  # tatweel
    0x061C,  # Arabic letter mark
    0x00AD,  # soft hyphen
    0x034F,  # combining grapheme joiner
    0x180E,
    0xFEFF,
    *range(0x200B, 0x2010),  # zero-width space/joiners, LRM, RLM
    *range(0x202A, 0x202F),  # bidi embeddings and overrides
    *range(0x2060, 0x2070),  # word joiner, bidi isolates
]

_FOLD = {
    # hamza and alef forms
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ٵ": "ا",
    "ؤ": "و",
    "ئ": "ي",
    "ٸ": "ي",
    "ى": "ي",
    "ة": "ه",
    # Persian, Urdu and Kurdish letter forms
    "ک": "ك",
    "ڪ": "ك",
    "گ": "ك",
    "ی": "ي",
    "ې": "ي",
    "ێ": "ي",
    "ے": "ي",
    "ە": "ه",
    "ھ": "ه",
    "ۀ": "ه",
    "ہ": "ه",
    "ۃ": "ه",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ڤ": "ف",
    "ۆ": "و",
    "ۇ": "و",
    "ڕ": "ر",
    "ڵ": "ل",
    # Arabic punctuation that separates words
    "،": " ",
    "؛": " ",
    "؟": " ",
    "٫": " ",
    "٬": " ",
    "۔": " ",
}
_TABLE: dict[int, str | None] = {cp: None for cp in _REMOVE}
_TABLE.update({ord(k): v for k, v in _FOLD.items()})
for _i in range(10):
    _TABLE[0x0660 + _i] = str(_i)  # Arabic-Indic digits
    _TABLE[0x06F0 + _i] = str(_i)  # Extended (Persian) digits

_WORD = re.compile(r"[^\W_]+")  # letters and digits; anything else separates words
_PRESENTATION = re.compile(r"[\uFB50-\uFDFF\uFE70-\uFEFF]")
# Most names are written in letters that need no folding (ء ا ب ت–غ ف–و ي) and plain spaces.
_PLAIN = re.compile("[\u0621\u0627\u0628\u062a-\u063a\u0641-\u0648\u064a ]*")

# Words that open a compound name with the word after them (عبد الرحمن, ابو بكر, ام كلثوم)
# and words that close one with the word before them (نور الدين, فتح الله).
PREFIXES = frozenset({"عبد", "ابو", "ام", "ال"})
# Titles that family names carry as a first word (الحاج رحمون, الشيخ داود, البو جاسم): joined to the
# word after them, without the article, so that حاج رحمون = الحاج رحمون = الحاجرحمون. At the head of
# a longer name the same word is an honorific (الحاج أحمد خليل) and is dropped.
TITLES = {"حاج": "حاج", "الحاج": "حاج", "شيخ": "شيخ", "الشيخ": "شيخ", "البو": "البو"}
SUFFIXES = frozenset({"الدين", "الله"})
ARTICLE = "ال"
CONNECTORS = frozenset({"بن", "ابن", "بنت"})


# Letters that differ only by their dots collapse to one shape: a bad scan swaps them (محمد/مجمد).
_RASM = str.maketrans(
    {
        "ب": "ٮ",
        "ت": "ٮ",
        "ث": "ٮ",
        "ن": "ٮ",
        "ي": "ٮ",
        "ج": "ح",
        "خ": "ح",
        "ذ": "د",
        "ز": "ر",
        "ش": "س",
        "ض": "ص",
        "ظ": "ط",
        "غ": "ع",
        "ف": "ٯ",
        "ق": "ٯ",
    }
)
# The divine names that follow عبد; used to recognise عبد misread as عند, عتد, غبد, عبذ.
_DIVINE = (
    "الله الرحمن الرحيم الكريم العزيز القادر الحميد الناصر السلام الغني اللطيف الباسط المجيد الهادي "
    "الفتاح الجبار الوهاب الحكيم المنعم الاله الرزاق الحليم الرؤوف الودود الستار الغفور القدوس الحي "
    "القيوم المعطي الحق الواحد الصمد الخالق الرشيد الجليل المطلب العال المالك النور العظيم الكافي "
    "المحسن الباري البديع الجواد الرؤوف الصبور العليم القدير المولى الوهاب الرافع المعين المنان الغفار"
)


def rasm(s: str) -> str:
    """The dotless letter shapes of a normalized Arabic string (what a blurred scan still shows)."""
    return s.translate(_RASM)


_DIVINE_RASM = frozenset(rasm(w) for w in _DIVINE.split())
_ABD_RASM = rasm("عبد")


_ARABIC_CHAR = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufefc]")


def strip_article(token: str, min_rest: int = 2) -> str:
    """A normalized token without its leading article ال, when at least ``min_rest`` letters are
    left (ال with one letter is no article). Whether the ال of a name is its article rather than
    part of it (الياس, الهام) is the dictionary's to say (`NameDictionary.has_article`).

    Keys and the dictionary strip it from two letters on; the dotless shapes of linkage and the
    derived-name test of `part_similarity` from three (their measured behaviour, kept)."""
    if token.startswith(ARTICLE) and len(token) - len(ARTICLE) >= min_rest:
        return token[len(ARTICLE) :]
    return token


def is_arabic(s: str) -> bool:
    """True when the string holds at least one Arabic-script character (U+0600–06FF, 0750–077F,
    FB50–FEFC)."""
    return not s.isascii() and _ARABIC_CHAR.search(s) is not None


_JOINING = PREFIXES | SUFFIXES | frozenset(TITLES)


def _may_join(tok: str) -> bool:
    """Whether join_compounds may act on this word (a prefix, suffix or title, a title glued to its
    article, or the dotless shape of عبد); most words it passes through unchanged."""
    return tok in _JOINING or tok.startswith(("الحاج", "الشيخ")) or (len(tok) == 3 and rasm(tok) == _ABD_RASM)


def join_compounds(tokens: list[str]) -> list[str]:
    """Join عبد X, ابو X, ام X, ال X and X الدين, X الله into one token each.

    Joining (rather than splitting) is the canonical choice because clerks write عبدالرحمن as
    often as عبد الرحمن, and a name chain must count it as one name either way.
    """
    if not any(map(_may_join, tokens)):
        return tokens
    return _join_compounds(tokens)


def _join_compounds(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    n = len(tokens)
    if n >= 3 and tokens[0] in TITLES and tokens[0] != "البو":
        i = 1  # an honorific before the given name
    while i < n:
        tok = tokens[i]
        if tok in TITLES and i + 1 < n and tokens[i + 1] not in CONNECTORS:
            tok = TITLES[tok] + tokens[i + 1]
            i += 1
            out.append(tok)
            i += 1
            continue
        if tok.startswith(("الحاج", "الشيخ")) and len(tok) > 6:
            tok = tok[2:]  # الحاجرحمون -> حاجرحمون
        misread_abd = tok not in PREFIXES and i + 1 < n and rasm(tok).replace("ذ", "د") == _ABD_RASM
        if misread_abd and rasm(tokens[i + 1]) in _DIVINE_RASM:
            tok = "عبد"  # عند الله, غبد الرحمن, عبذ الناصر: a misread عبد
        # a run of prefixes: ابو عبد الله -> ابوعبدالله
        while tok in PREFIXES and i + 1 < n and tokens[i + 1] not in CONNECTORS:
            i += 1
            tok = tok + tokens[i]
        if tok in SUFFIXES and out and out[-1] not in CONNECTORS:
            out[-1] = out[-1] + tok
        else:
            out.append(tok)
        i += 1
    return out


@lru_cache(maxsize=200_000)
def normalize_arabic(s: str) -> str:
    """Fold an Arabic-script name to its canonical spelling (space-separated tokens).

    Strips tashkeel and tatweel, folds hamza/alef forms, ة→ه, ى→ي, ؤ→و, ئ→ي, Persian/Urdu letter forms,
    drops zero-width and bidi controls, turns Arabic-Indic digits into ASCII, and joins compounds
    (عبد الرحمن → عبدالرحمن, أبو بكر → ابوبكر). Never raises; idempotent.
    """
    if _PLAIN.fullmatch(s):
        tokens = s.split()  # nothing to fold or strip
    else:
        if _PRESENTATION.search(s):
            s = unicodedata.normalize("NFKC", s)
        s = s.translate(_TABLE)
        tokens = _WORD.findall(s)
    if not tokens:
        return ""
    return " ".join(join_compounds(tokens))
