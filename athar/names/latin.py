"""Normalization of names written in Latin script (romanized Arabic names).

Output is lower-case ASCII, one token per name, with the article attached (``al-Hamoud``,
``Al Hamoud``, ``el-Hamoud`` → ``alhamoud``; ``ash-Shami`` → ``alshami``), compounds joined
(``Abd al-Rahman``, ``Abdul Rahman``, ``Abdurrahman`` → ``abdalrahman``; ``Nour Eddine`` →
``nouraldin``; ``Abu Bakr`` → ``abubakr``), connectors canonical (``ibn``/``ben``/``bin`` → ``bin``)
and the usual abbreviations expanded (``Mhd``, ``Md``, ``Moh'd`` → ``muhammad``). Vowel spelling
(ou/u, ee/i) and French or German consonant spellings are left alone here; the cross-script key
(:mod:`athar.names.keys`) folds them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import cast

# Letters that NFKD does not decompose, and the ayn/hamza marks dropped without a space.
_SPECIAL = {
    "ı": "i",
    "ş": "sh",  # Turkish, Azeri, Kurdish, Romanian: Şükrü, Ayşe, Eşref (not the s NFKD would leave)
    "Ş": "sh",
    "ș": "sh",
    "Ș": "sh",
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ħ": "h",
    "ŧ": "t",
    "ʿ": "",
    "ʾ": "",
    "ʻ": "",
    "ʼ": "",
    "'": "",
    "`": "",
    "´": "",
    "’": "",
    "‘": "",
    "ʹ": "",
    "ʽ": "",
    "′": "",
}
_SPECIAL_TABLE = {ord(k): v for k, v in _SPECIAL.items()}
_WORD = re.compile(r"[a-z0-9]+")  # anything else separates words

ABBREVIATIONS = {
    "mhd": "muhammad",
    "md": "muhammad",
    "mohd": "muhammad",
    "muhd": "muhammad",
    "mohmd": "muhammad",
    "mhmd": "muhammad",
    "mohamd": "muhammad",
    "mhmmd": "muhammad",
    "moh": "muhammad",
    "mu": "muhammad",
    "abd": "abd",
}
CONNECTORS = {
    "bin": "bin",
    "ibn": "bin",
    "ben": "bin",
    "bn": "bin",
    "b": "bin",
    "ibni": "bin",
    "bint": "bint",
    "bent": "bint",
    "binti": "bint",
    "walad": "bin",
    "ould": "bin",
    "wuld": "bin",
}
_CONNECTOR_VALUES = frozenset(CONNECTORS.values())
# Articles written as their own word: plain forms and forms assimilated to a sun letter.
PLAIN_ARTICLES = frozenset({"al", "el", "ul", "il", "ol", "l", "alle"})
# Titles that family names carry as a first word (Haj Rahmoun, Al-Sheikh Daoud, Al Bou Jasem), as in
# athar.names.arabic.TITLES: joined to the next word without the article; an honorific when they
# open a longer name (Hajj Ahmad Khalil), where they are dropped.
_TITLE_SPELLINGS = {
    "haj": ("haj", "hajj", "hadj", "hadjdj", "hadjj", "hajji"),
    "sheikh": ("sheikh", "shaikh", "sheik", "shaykh", "cheikh", "cheik", "shekh", "shiekh"),
    "bu": ("bu", "bou"),
}
# Each spelling bare and with its article glued on (Al-Cheikh and El-Hajj arrive as alcheikh, elhajj).
TITLES = {
    form: title
    for title, spellings in _TITLE_SPELLINGS.items()
    for spelling in spellings
    for form in (spelling, "al" + spelling, "el" + spelling)
}
# Titles glued to their article (alhajrahmoun, elcheikhdaoud), longest first so that alhajj is not
# read as alhaj + j.
_ARTICLE_TITLE_FORMS = tuple(
    sorted((form for form in TITLES if form.startswith(("al", "el"))), key=len, reverse=True)
)
_SUN = ("sh", "th", "dh", "ts", "t", "d", "r", "z", "s", "n", "l")
SUN_ARTICLES = {v + c: c for v in "aeu" for c in _SUN}
# Words that open a compound with the next word.
ABD_FORMS = frozenset({"abd", "abdu", "abdo", "abde", "abdi", "abdou", "abed", "abid"})
ABD_AL_FORMS = frozenset({"abdul", "abdel", "abdal", "abdol", "abdil", "abdoul", "abdull", "abdell"})
ABU_FORMS = frozenset({"abu", "abou", "abo", "aboo", "abi", "umm", "um", "oum", "om"})
_DIN = re.compile(r"^(?:[aeiou]?[ld]-?)?d(?:i|ee|ea|ie|y)ne?$")
_ALLAH = re.compile(r"^(?:[aeiou]?l)?l[ae]h?$|^allah$|^ullah$|^ollah$")
_GLUED_DIN = re.compile(r"(?<=[a-z]{2})(?:[aeiou]l-?|[aeiou]{1,2}d-?|-)d(?:i|ee|ea|ie|y)ne?$")
_GLUED_ABD = re.compile(r"^ab[de]d?(?:([aeiou]{1,2})(sh|th|dh|[tdrzsnl])(?:\2|(?<=l)))?([a-z]{3,})$")


def _strip_marks(s: str) -> str:
    if s.isascii():  # the only ASCII marks in _SPECIAL are ' and `
        if "'" in s or "`" in s:
            s = s.replace("'", "").replace("`", "")
        return s.lower()
    if "\u0327" in s or "\u0326" in s:
        s = unicodedata.normalize("NFC", s)  # s + cedilla or comma below: one ş or ș, as _SPECIAL has it
    s = s.translate(_SPECIAL_TABLE)
    if s.isascii():
        return s.lower()
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.translate(_SPECIAL_TABLE).lower()


def _glued_abd(tok: str) -> str:
    """abdurrahman, abdulrahman, abdelaziz, abdullah → abd + al + name."""
    m = _GLUED_ABD.match(tok)
    if not m or not tok.startswith("abd"):
        return tok
    _vowel, consonant, rest = m.groups()
    if consonant is None:
        # abdrahman, or abdul/abdel spelled without a break: look for a plain l-article
        m2 = re.match(r"^abd[aeiou]{1,2}l(?!l?ah?$)([a-z]{3,})$", tok)
        if m2 and not tok.startswith(("abdullah", "abdallah")):
            return "abdal" + m2.group(1)
        if re.match(r"^abd[aeiou]{1,2}ll?ah?$", tok):
            return "abdallah"
        return tok
    if consonant == "l":
        return "abdal" + rest
    return "abdal" + consonant + rest


def _glued_din(tok: str) -> str:
    """nureddin, noureddine, nuruddin, saif-eddine, alaaldin → <name>aldin."""
    m = _GLUED_DIN.search(tok)
    if m and m.start() >= 2:
        return tok[: m.start()] + "aldin"
    return tok


_SUFFIX_ALLAH = frozenset({"allah", "ullah", "ollah", "illah", "ellah", "alah", "alla"})


def _is_suffix(tok: str) -> bool:
    return bool(_DIN.match(tok)) or tok in _SUFFIX_ALLAH


# Words _merge or _join_titles may act on; any other word passes through both unchanged.
_SPECIAL_WORDS = frozenset(
    {*CONNECTORS, *PLAIN_ARTICLES, *SUN_ARTICLES, *ABD_FORMS, *ABD_AL_FORMS, *ABU_FORMS, *TITLES}
)


@lru_cache(maxsize=100_000)
def _plain(tok: str) -> str | None:
    """The canonical form of a word that no neighbour joins with (most words), else None."""
    if tok in _SPECIAL_WORDS or _is_suffix(tok) or tok.startswith(_ARTICLE_TITLE_FORMS):
        return None
    return _canonical_token(tok)


def _merge(tokens: list[str]) -> list[str]:
    """Join articles and compounds, reading right to left so that each prefix meets a finished
    word: ``al abd alah`` → ``abd`` + ``alah`` = ``abdallah``, then ``al`` + that = ``alabdallah``."""
    out: list[str] = []  # built reversed: out[-1] is the word to the right of the current one
    pending_suffix: str | None = None
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        right = out[-1] if out else None
        if tok in CONNECTORS and i > 0:
            out.append(CONNECTORS[tok])
            continue
        if right is not None and right not in _CONNECTOR_VALUES and pending_suffix is None:
            if tok in PLAIN_ARTICLES and not (tok == "l" and i == 0):
                out[-1] = "al" + right
                if i > 0 and _is_suffix(out[-1]) and tokens[i - 1] not in CONNECTORS:
                    # "al lah" made a suffix ("allah"): it closes the word before, as it would
                    # when read again (Saad Al Lah -> saadallah, not saad allah then saadallah)
                    pending_suffix = "aldin" if _DIN.match(out[-1]) else "allah"
                continue
            if tok in SUN_ARTICLES and right.startswith(SUN_ARTICLES[tok]) and len(right) > 2:
                out[-1] = "al" + right
                continue
            if tok in ABD_FORMS or tok in ABD_AL_FORMS:
                if right in _SUFFIX_ALLAH or right in ("alallah", "allah", "alalah", "lah", "llah"):
                    out[-1] = "abdallah"
                elif tok in ABD_AL_FORMS and not right.startswith("al"):
                    out[-1] = "abdal" + right
                else:
                    out[-1] = "abd" + right
                continue
            if tok in ABU_FORMS and len(right) > 1:
                out[-1] = ("abu" if tok.startswith(("a", "b")) else "umm") + right
                continue
        if pending_suffix is not None and (tok in PLAIN_ARTICLES or tok in SUN_ARTICLES) and i > 0:
            continue  # "ad din", "el din": the article belongs to the suffix
        if pending_suffix is not None:
            out[-1] = tok + pending_suffix
            pending_suffix = None
            continue
        if i > 0 and _is_suffix(tok) and tokens[i - 1] not in CONNECTORS:
            pending_suffix = "aldin" if _DIN.match(tok) else "allah"
            out.append(tok)  # placeholder, replaced when the word before it arrives
            continue
        out.append(tok)
    if pending_suffix is not None and out:
        out[-1] = pending_suffix
    return out[::-1]


@lru_cache(maxsize=100_000)
def _canonical_token(tok: str) -> str:
    tok = ABBREVIATIONS.get(tok, tok)
    if tok.startswith("abd") and len(tok) > 5:
        tok = _glued_abd(tok)
    if len(tok) > 6:
        tok = _glued_din(tok)
    return tok


@lru_cache(maxsize=200_000)
def normalize_latin(s: str) -> str:
    """Fold a Latin-script name to lower-case ASCII tokens with articles and compounds joined.

    Never raises; idempotent. Non-name characters (digits kept) become separators.
    """
    s = _strip_marks(s)
    tokens = _WORD.findall(s)
    if not tokens:
        return ""
    plain = [_plain(t) for t in tokens]
    if None not in plain:
        return " ".join(cast(list[str], plain))  # no word joins another: each is canonical on its own
    tokens = _join_titles(_merge(tokens))
    return " ".join(_canonical_token(t) for t in tokens)


def _join_titles(tokens: list[str]) -> list[str]:
    head = tokens[0] if tokens else ""
    if len(tokens) >= 3 and head in TITLES and TITLES[head] != "bu" and not head.startswith(("al", "el")):
        # an honorific before the given name (Hajj Ahmad Khalil); with its article the title opens
        # a family name written first (Al-Sheikh Samer Mohammad Radi)
        tokens = tokens[1:]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in TITLES and i + 1 < len(tokens) and tokens[i + 1] not in _CONNECTOR_VALUES:
            name = tokens[i + 1]  # its article off (Haj Al-Ali -> hajali), not the Al of Ali (Haj Ali)
            out.append(TITLES[tok] + (name[2:] if name.startswith("al") and len(name) >= 5 else name))
            i += 2
            continue
        if tok.startswith(_ARTICLE_TITLE_FORMS):
            for form in _ARTICLE_TITLE_FORMS:
                if tok.startswith(form) and len(tok) > len(form) + 2:
                    tok = TITLES[form] + tok[len(form) :]  # alhajrahmoun -> hajrahmoun
                    break
        out.append(tok)
        i += 1
    return out
