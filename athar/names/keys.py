"""Cross-script keys, display romanization and arabization of single name tokens.

Two keys, both deterministic pure-string functions of one name (so linkage can precompute them
column-wise and Splink can compare them with plain exact or Jaro-Winkler SQL):

* :func:`name_key` — the *comparison* key. A folded Latin spelling: Arabic tokens go through the
  dictionary's usual romanization (or the letter rules below when the name is not in it), Latin
  tokens are looked up in the same dictionary by their fold so that Mhd, Mohamed and محمد all
  land on the fold of "Mohammad". Consonant pairs that transliterations merge share one letter
  (ح/ه → h, ق/ك → k, ث/س/ص → s, ذ/ز/ظ → z, ط/ت → t, خ → x, ش → c, غ → g), ع and ء are silent, vowels
  fold to a/i/u, doubled letters collapse, and a leading article (ال, al-, el-) is dropped because
  renderings keep or drop it at will. A final -eh/-ah reads as ة (Fatmeh, Hamzah), except in a
  name that ends in ح (صالح Saleh, صلاح Salah keep theirs).
* :func:`name_skeleton` — the *blocking* key: the comparison key with its vowels (and w/y that act
  as vowels) removed, e.g. محمد, Muhammad, Mohammed, Mhd → ``mhmd``.
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache

from athar.names.arabic import is_arabic, normalize_arabic, strip_article
from athar.names.dictionary import DICTIONARY, th_as_dh
from athar.names.latin import normalize_latin

# --- Arabic letters to a plain Latin spelling (before the fold) -----------------------------------
_AR_CONSONANT = {
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
}
_AR_SILENT = {"ع", "ء"}


def _vowel_follows(tok: str, i: int) -> bool:
    """Whether the letter after position ``i`` is read as a vowel: ا, a و or ي that is not itself
    followed by ا (that one is a consonant: مروان), or a final ه (ة written ه: حمزه)."""
    nxt = tok[i + 1 : i + 2]
    if nxt == "ا":
        return True
    if nxt in ("و", "ي"):
        return tok[i + 2 : i + 3] != "ا"
    return nxt == "ه" and i + 2 == len(tok)


def romanize_rules(tok: str) -> str:
    """Letter rules for one normalized Arabic token: consonants, long vowels from ا و ي, and a
    short ``a`` guessed between consonants (Arabic does not write short vowels).

    No vowel is guessed between two consonants when the first can close a syllable (a vowel comes
    before it) and a long vowel follows the second: رحمون → rahmun (Rahmoun), سلمان → salman, not
    rahamun, salaman; حسن stays hasan (no long vowel after ن).
    """
    if tok == "الله":
        return "allah"
    out: list[str] = []
    n = len(tok)
    prev_consonant = False  # the last thing written was a consonant with no vowel after it
    prev_open = False  # ... and a vowel came before that consonant, so it may close a syllable
    i = start = 0
    if strip_article(tok) != tok:
        out.append("al")
        i = start = 2
    while i < n:
        ch = tok[i]
        nxt = tok[i + 1] if i + 1 < n else ""
        last = i == n - 1
        if ch == "ا":
            out.append("a")
            prev_consonant = False
        elif ch in "وي":
            cons, vow = ("w", "u") if ch == "و" else ("y", "i")
            if i == 0 or (nxt == "ا" and not last) or (not prev_consonant and i > 0 and tok[i - 1] == "ا"):
                opened = not prev_consonant and i > start
                if prev_consonant and not (prev_open and _vowel_follows(tok, i)):
                    out.append("a")
                    opened = True
                out.append(cons)
                prev_consonant, prev_open = True, opened
            else:
                out.append(vow)
                prev_consonant = False
        elif ch in _AR_SILENT:
            if prev_consonant and not last:
                out.append("a")
            prev_consonant = False
            if i == 0 and nxt not in "اوي":
                out.append("a")
        elif ch in _AR_CONSONANT:
            if ch == "ه" and last and i > 0:
                out.append("a" if tok[i - 1] != "ا" else "h")
                prev_consonant = False
            else:
                opened = not prev_consonant and i > start
                if prev_consonant and not (prev_open and _vowel_follows(tok, i)):
                    out.append("a")
                    opened = True
                out.append(_AR_CONSONANT[ch])
                prev_consonant, prev_open = True, opened
        else:
            out.append(ch if ch.isascii() else "")
            prev_consonant = False
        i += 1
    return "".join(out)


# --- the fold: Latin spelling -> comparison key ---------------------------------------------------
_DIGRAPHS = re.compile(r"^ou(?=[aeiy])|dsch|tsch|sch|tch|dzh|dj|dh|th|kh|gh|sh|ch|ph|ck|zh|c[eiy]|[qcxvpg]")
_DIGRAPH_MAP = {
    "dsch": "j",
    "tsch": "c",
    "sch": "c",
    "tch": "c",
    "dzh": "j",
    "dj": "j",
    "dh": "z",
    "th": "s",
    "kh": "x",
    "gh": "g",
    "g": "j",  # a lone g is Egyptian-style ج (Hegazi, Gamal); غ is written gh
    "ou": "w",  # French Ouail, Oualid, Ouafaa
    "sh": "c",
    "ch": "c",
    "ph": "f",
    "ck": "k",
    "zh": "j",
    "q": "k",
    "c": "k",
    "ce": "se",  # French c before e, i, y is s (Yacine, Cyrine, Lucie)
    "ci": "si",
    "cy": "sy",
    "x": "ks",
    "v": "f",
    "p": "b",
}
# a final -eh/-ah/-e is ة (Fatmeh, Hamzah, Samire); after a long ee the h is the letter ه (Wajeeh وجيه)
_ENDINGS = re.compile(r"(?<=[^aeiou])(?:ine|yne)$|(?<=[^aeiou])(?:ane)$|(?:(?<!e)eh|ah|e)$")
_DIPH_Y = re.compile(r"[aei][iy](?=[^aeiouy]|$)")
_DIPH_W = re.compile(r"(?:[ao][wu]|ow|aou)(?=[^aeiouw]|$)")
_VOWELS = str.maketrans({"o": "u", "y": "i"})
_SEMI = re.compile(r"(?<=[aeiou])y(?=[aeiou])|^y(?=[aeiou])|(?<=[aeiou])w(?=[aeiou])|^w(?=[aeiou])")
_REPEAT = re.compile(r"(.)\1+")
_FIRST_OF_RUN = operator.methodcaller("group", 1)  # as the template r"\1", without expanding one
_SKELETON_DROP = str.maketrans("", "", "aeiuwy")


def _collapse(s: str) -> str:
    """Collapse runs of one letter (mohammad -> mohamad)."""
    return _REPEAT.sub(_FIRST_OF_RUN, s)


def _ending(m: re.Match[str]) -> str:
    s = m.group(0)
    if s in ("ine", "yne"):
        return "in"
    if s == "ane":
        return "an"
    return "a"


def coarse(folded: str) -> str:
    """A coarser fold for dictionary look-ups: e and i merge (Hamed/Hamid, Yousef/Yusif)."""
    return _collapse(folded.replace("e", "i"))


@lru_cache(maxsize=200_000)
def fold_latin(tok: str) -> str:
    """Fold one normalized Latin token to the comparison alphabet (see module docstring).

    ``e`` stays apart from ``i``: in Levantine romanization it marks a short vowel (Salem سالم,
    Samer سامر) where ``i`` is often long (Salim سليم, Samir سمير).
    """
    return _fold(tok)


def _fold(tok: str, endings: bool = True) -> str:
    # a doubled y or w is one letter, as any doubled letter: Khayyat like Khayat (خياط), Sayyed like
    # Sayed (سيد); read singly before y/w are told consonant from vowel
    s = tok.replace("'", "").replace("yy", "y").replace("ww", "w")
    if endings and len(s) > 3:
        s = _ENDINGS.sub(_ending, s)
    s = _DIGRAPHS.sub(lambda m: _DIGRAPH_MAP[m.group(0)], s)
    s = s.replace("ee", "i")
    s = _DIPH_Y.sub("i", s)
    s = _DIPH_W.sub("u", s)
    # y and w stay consonants only before a vowel; elsewhere they are the vowels i and u
    s = _SEMI.sub(lambda m: m.group(0).upper(), s)
    s = s.replace("y", "i").replace("w", "u").translate(_VOWELS).lower()
    return _collapse(s)


def _strip_article_key(key: str, arabic: str | None) -> str:
    if arabic is not None:
        if key.startswith("al") and DICTIONARY.has_article(arabic):
            return key[2:]
        return key
    if key.startswith("al") and len(key) >= 5:
        return key[2:]
    return key


@lru_cache(maxsize=400_000)
def token_identity(tok: str) -> tuple[str, str | None]:
    """(comparison key, the known Arabic name it spells or None) of one normalized token."""
    if not tok:
        return "", None
    if is_arabic(tok):
        titled = _title_parts(tok)
        if titled is not None:
            return token_identity(titled[0])[0] + token_identity(titled[1])[0], None
        known = DICTIONARY.resolve_arabic(tok)
        if known is not None:
            return _known_key(known), known
        if DICTIONARY.has_article(tok):
            return token_identity(tok[2:])[0], None  # اليوسف: the article on a name the dictionary knows
        fold = _fold_final_h if tok.endswith("ح") else None
        return _key_without_article(normalize_latin(romanize_rules(tok)), tok, fold), None
    titled = _latin_title_parts(tok)
    if titled is not None:
        return token_identity(titled[0])[0] + token_identity(titled[1])[0], None
    folded = fold_latin(tok)
    arabic = DICTIONARY.arabic_for_latin(tok, folded)
    if arabic is None and folded.startswith("el") and len(folded) > 5 and folded[2] not in "aeiu":
        tok = "al" + tok[2:]
        arabic = DICTIONARY.arabic_for_latin(tok, "al" + folded[2:])
    if arabic is not None and DICTIONARY.romanize_token(arabic) is not None:
        return _known_key(arabic), arabic
    if tok.startswith("al") and len(tok) >= 5:
        return token_identity(tok[2:])[0], None  # Al-Yussuf: the article on a name the dictionary knows
    if tok.startswith("el") and len(tok) >= 5:
        # the French article glued to a name that opens with a vowel (Elomar, Elidlibi, Elattar):
        # only when what follows is a name the dictionary knows, so Elias stays إلياس
        rest_key, rest_known = token_identity(tok[2:])
        if rest_known is not None:
            return rest_key, None
    return _key_without_article(tok, None), None


def _key_without_article(latin: str, arabic: str | None, fold=None) -> str:
    """Fold a Latin form after taking its article off, so that a name's first letter folds as it
    does without the article (Al-Yousef like Yousef, الوليد like وليد)."""
    fold = fold or fold_latin
    if latin.startswith("al") and (DICTIONARY.has_article(arabic) if arabic is not None else len(latin) >= 5):
        return fold(latin[2:])
    return _strip_article_key(fold(latin), arabic)


@lru_cache(maxsize=400_000)
def part_identity(part: str) -> tuple[str, str | None]:
    """`token_identity` of a normalized name part, which may be several words: their keys run
    together (al-Haj Ali = الحاج علي = Alhajali) and no single known name."""
    if " " not in part:
        return token_identity(part)
    return "".join(token_identity(t)[0] for t in part.split()), None


@lru_cache(maxsize=100_000)
def _known_key(arabic: str) -> str:
    """The key of a name the dictionary knows: the fold of its usual spelling.

    The fold reads a final -eh or -ah as ة (Fatmeh, Hamzah → fatma, hamza), which a name ending in ح
    does not have: صالح (Saleh) and صلاح (Salah) keep their last letter and their vowels apart
    (saleh, salah), and any spelling the dictionary resolves to one of them gets its key. An Arabic
    name ending in ح that the dictionary does not know keeps its ح too (فاتح → fatah).
    """
    if DICTIONARY.has_article(arabic) and arabic[2:] in DICTIONARY.latin:
        # the key drops the article, so al-X is keyed as the name X the dictionary knows:
        # العبدالله as عبدالله (abdala, not the fold of its listed Al-Abdullah)
        return _known_key(arabic[2:])
    latin = DICTIONARY.latin[arabic]  # known: the dictionary has its spelling
    return _key_without_article(latin, arabic, _fold_final_h if arabic.endswith("ح") else None)


@lru_cache(maxsize=50_000)
def _fold_final_h(tok: str) -> str:
    """fold_latin without reading a final -eh/-ah as ة."""
    return _fold(tok, endings=False)


def key_read_with(latin: str, arabic: str) -> str | None:
    """The key of a Latin spelling read with the letters of the Arabic name it is compared with,
    where a Latin spelling can stand for several letters: th for ذ or ظ as well as ث (Kathem
    كاظم, Munther منذر), a final -ah/-eh for ح as well as ة (Muftah مفتاح). None when the Arabic
    settles nothing the plain key did not."""
    t = th_as_dh(arabic, latin)
    final_h = arabic.endswith("ح") and t.endswith("h")
    if t == latin and not final_h:
        return None
    return _key_without_article(t, None, _fold_final_h if final_h else None)


def _title_parts(tok: str) -> tuple[str, str] | None:
    """حاجرحمون -> (حاج, رحمون), ابوعماد -> (ابو, عماد): a title or Abu joined to a name is keyed part
    by part, the name as it is keyed alone, in both scripts (see _latin_title_parts)."""
    if tok.startswith("البو") and len(tok) > 5:
        return "بو", tok[4:]
    for title in ("حاج", "شيخ", "ابو"):
        if tok.startswith(title) and len(tok) > len(title) + 1:
            return title, tok[len(title) :]
    return None


# Latin titles and Abu as normalize_latin writes them when it joins them to the next name
# (Al-Cheikh Bader -> sheikhbader, Hadjdj Zakariya -> hajzakariya, Abou Emad -> abuemad).
_LATIN_TITLES = ("sheikh", "abu", "haj")


def _latin_title_parts(tok: str) -> tuple[str, str] | None:
    """sheikhbader -> (sheikh, bader), as _title_parts splits شيخبدر. A name that merely begins with
    the letters (Hajar حجر, Hajib حاجب, Abud) is one the dictionary knows, or too short to hold a
    name after the title."""
    for title in _LATIN_TITLES:
        if tok.startswith(title) and len(tok) >= len(title) + 3:
            if title == "haj" and tok in DICTIONARY.by_spelling:
                return None
            rest = tok[len(title) :]
            return title, rest[2:] if rest.startswith("al") and len(rest) >= 5 else rest
    return None


@lru_cache(maxsize=1)
def known_name_keys() -> frozenset[str]:
    """The keys of the single-word names the dictionary lists and trusts (`NameDictionary.trusts`):
    two different keys from this set are two different names (محمد and محمود, muhamad and mahmud),
    however close their letters."""
    return frozenset(
        _known_key(arabic) for arabic in DICTIONARY.latin if " " not in arabic and DICTIONARY.trusts(arabic)
    )


@lru_cache(maxsize=1)
def _keys_sharing_a_spelling() -> frozenset[frozenset[str]]:
    """Pairs of known-name keys that one Latin spelling writes (Hassan: حسن and حسان; Salim: سالم and
    سليم; Hamid: حامد and حميد): a list that writes that spelling may mean either."""
    out: set[frozenset[str]] = set()
    for arabics in DICTIONARY.spelled_by.values():
        if len(arabics) > 1:
            keys = sorted({_known_key(a) for a in arabics if " " not in a})
            out.update(frozenset((x, y)) for i, x in enumerate(keys) for y in keys[i + 1 :])
    return frozenset(out)


def distinct_names(key_a: str, key_b: str) -> bool:
    """Whether two single-word name keys are two different names however close their letters:
    both names the dictionary trusts (:func:`known_name_keys`: محمد and محمود, حسن and حسين), and
    no Latin spelling the dictionary lists writes both."""
    if key_a == key_b:
        return False
    known = known_name_keys()
    return key_a in known and key_b in known and frozenset((key_a, key_b)) not in _keys_sharing_a_spelling()


def _token_key(tok: str) -> str:
    return token_identity(tok)[0]


_ASCII_LETTER = re.compile("[A-Za-z]")


def normalize_name(s: str) -> str:
    """Normalize a name in either (or mixed) script: each run is folded by its script's rules."""
    if not s or s.isascii():
        return normalize_latin(s) if s else ""
    if is_arabic(s):
        ar = normalize_arabic(s)
        if not is_arabic(ar):
            return normalize_latin(ar)  # only Arabic marks around Latin letters (A + ﮲)
        if _ASCII_LETTER.search(ar) is None:
            return ar
        tokens = (t if is_arabic(t) else normalize_latin(t) for t in ar.split())
        return " ".join(t for t in tokens if t)  # a Latin token may normalize to nothing (Ø)
    return normalize_latin(s)


@lru_cache(maxsize=400_000)
def name_key(s: str) -> str:
    """Cross-script comparison key of a name or name part, any script.

    ``name_key("محمد") == name_key("Mohammed") == name_key("Mhd")``. Several tokens give keys
    joined by a space.
    """
    return " ".join(_token_key(t) for t in normalize_name(s).split())


def skeleton_of_key(key: str) -> str:
    """Drop the vowels (and w/y acting as vowels) of one comparison key; a w or y that opens it is
    a consonant and stays."""
    if not key:
        return key
    head = "" if key[0] in "aeiu" else key[0]
    return _collapse(head + key[1:].translate(_SKELETON_DROP)) or key


@lru_cache(maxsize=400_000)
def name_skeleton(s: str) -> str:
    """Consonant skeleton of :func:`name_key`, for blocking (``mhmd`` for all spellings of Muhammad)."""
    return " ".join(skeleton_of_key(k) for k in name_key(s).split())


@lru_cache(maxsize=200_000)
def romanize(s: str) -> str:
    """Latin display form of a name in any script (Arabic via the dictionary, else letter rules).

    Latin input is returned tidied (title case) rather than respelled.
    """
    out = []
    for tok in normalize_name(s).split():
        if is_arabic(tok):
            disp = DICTIONARY.display_token(tok) or _title(normalize_latin(romanize_rules(tok)))
        else:
            disp = _title(tok)
        out.append(disp)
    return " ".join(out)


def _title(tok: str) -> str:
    if tok.startswith("al") and len(tok) > 4 and tok[2] not in "aeiouy":
        return "Al-" + tok[2:].capitalize()
    return tok.capitalize()


@lru_cache(maxsize=200_000)
def arabize(s: str) -> str | None:
    """Arabic spelling of a Latin-script name when the dictionary knows every token, else None.

    Arabic input comes back normalized.
    """
    norm = normalize_name(s)
    if not norm:
        return None
    out = []
    for tok in norm.split():
        if is_arabic(tok):
            out.append(tok)
            continue
        if tok in ("bin", "bint"):
            out.append("بن" if tok == "bin" else "بنت")
            continue
        arabic = DICTIONARY.arabic_for_latin(tok, fold_latin(tok))
        if arabic is None:
            return None
        out.append(arabic)
    return " ".join(out)
