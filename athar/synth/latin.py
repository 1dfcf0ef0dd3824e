"""Rules that turn a canonical Latin name into the spellings that real lists use.

A canonical form is a plain vocalised romanisation (``Muhammad``, ``Husayn``, ``Abd al-Rahman``,
stem ``Hamud`` of the family name ``al-Hamud``).  Real lists write these names in many ways:
vowel choices (u/o/ou, i/e/ee, ay/ai/ei), doubled or single consonants, q/k, dh/z/th, th/s, the
feminine ending (a/ah/eh), the article (Al-, Al, El-, joined, dropped, assimilated: Ash-Shami) and
French conventions (ou, ch, dj) used by families in France.  Known real spellings of the
commonest names come from the tables; the rules add the long tail.
"""

import re
from collections.abc import Iterable

SUN_INITIALS = ("th", "sh", "dh", "t", "d", "r", "z", "s", "n", "l")

# Single-token rewrites (applied to lower case).  Each yields one plausible real spelling.
_RULES: list[tuple[str, str]] = [
    (r"(?<!o)u", "ou"),  # Yusuf -> Yousouf, Mahmud -> Mahmoud
    (r"(?<!o)u", "o"),  # Muhammad -> Mohammad, Umar -> Omar
    (r"ay", "ai"),  # Husayn -> Husain
    (r"ay", "ei"),  # Husayn -> Husein
    (r"(?<=[^aeiou])i(?=[^aeiou]$)", "e"),  # Khalid -> Khaled (short i: Levantine imala in the last syllable)
    (r"(?<=[^aeiou])i(?=[^aeiou]$)", "ee"),  # Karim -> Kareem (long i only)
    (r"q", "k"),  # Qasim -> Kasim
    (r"dh", "z"),  # Muadh -> Muaz
    (r"dh", "th"),  # Mundhir -> Munthir
    (r"th", "s"),  # Haytham -> Haysam
    (r"([bdfhjklmnqrstwyz])\1", r"\1"),  # Hassan -> Hasan
    (r"(?<=[aeiou])([bdfjklmnrstz])(?=[aeiou][a-z])", r"\1\1"),  # Hasan -> Hassan
]
_COMPILED = [(re.compile(p), r) for p, r in _RULES]
_SHORT_I_RULE, _LONG_I_RULE = 4, 5  # indices above: which one applies depends on the Arabic vowel
# The feminine ending ة: only for names that have it in Arabic (Hamza -> Hamzah, Hamzeh).
_TA_MARBUTA = [(re.compile(r"a$"), "ah"), (re.compile(r"a$"), "eh"), (re.compile(r"a$"), "e")]


def _case_like(word: str) -> str:
    """Title-case a lower-case token the way lists do (``abd`` -> ``Abd``, keeps apostrophes)."""
    return word[:1].upper() + word[1:]


def long_last_i(arabic_word: str) -> bool | None:
    """Is the vowel before the last consonant long (ي: كريم Karim) or short (خالد Khalid)?

    ``None`` when there is no Arabic to tell.  Writing a short i as ee or a long one as e changes
    the name, not its spelling: سالم Salem is not سليم Saleem, ماجد Majed is not مجيد Majeed.
    """
    word = arabic_word.strip().split(" ")[-1] if arabic_word.strip() else ""
    if len(word) < 3:
        return None
    return word[-2] == "ي"


def token_rule_variants(token: str, ta_marbuta: bool = False, long_i: bool | None = None) -> list[str]:
    """Spellings of one Latin token made by one or two different rules (order fixed, no duplicates).

    ``long_i``: the last syllable's i is long in Arabic (ee allowed, e not) or short (e allowed, ee
    not); ``None`` allows both.
    """
    base = token.lower()
    skip = {_SHORT_I_RULE} if long_i is True else ({_LONG_I_RULE} if long_i is False else set())
    rules = [r for i, r in enumerate(_COMPILED) if i not in skip] + (_TA_MARBUTA if ta_marbuta else [])
    seen: dict[str, None] = {}
    singles = []
    for i, (pattern, repl) in enumerate(rules):
        v = pattern.sub(repl, base)
        if v != base:
            singles.append((i, v))
            seen.setdefault(v)
    for i, v in singles:  # a second, different rule on top of the first: Muhammad -> Mohamad
        for j, (pattern, repl) in enumerate(rules):
            if j <= i:
                continue
            w = pattern.sub(repl, v)
            if w != v and w != base:
                seen.setdefault(w)
    return [_case_like(v) for v in seen]


def french(spelling: str) -> str:
    """The French rendering of a Latin spelling: ou for u and w, ch for sh, dj for j, k for q."""
    s = spelling.lower()
    s = s.replace("sh", "ch").replace("oo", "ou").replace("ee", "i").replace("q", "k")
    s = re.sub(r"(?<!d)j", "dj", s)
    s = re.sub(r"(?<![a-z])w|(?<=[aeiou])w(?=[aeiou])", "ou", s)
    s = re.sub(r"(?<!o)u", "ou", s)
    return " ".join(_case_like(p) for p in s.split(" "))


def compound_variants(canonical: str, arabic: str = "") -> list[str]:
    """Rule-made spellings of compound names (Abd al-X, X al-Din, Muhammad X, Abu X).

    Every spelling keeps both parts: a compound never loses one (نور الدين is not نور) and a
    simple name never gains one (علاء is not علاء الدين).  ``arabic`` tells long from short vowels.
    """
    out: list[str] = []
    words = arabic.split(" ") if arabic else []
    first_ar, last_ar = (words[0], words[-1]) if len(words) >= 2 else ("", "")
    m = re.fullmatch(r"Abd al-(\w+)", canonical)
    if m:
        stem = m.group(1)
        stems = [stem, *token_rule_variants(stem, long_i=long_last_i(last_ar))[:3]]
        first = stem[0].lower()
        sun = any(stem.lower().startswith(s) for s in SUN_INITIALS)
        for s in stems:
            out += [f"Abdul{s.lower()}", f"Abdul {s}", f"Abdel {s}", f"Abdel{s.lower()}", f"Abd al-{s}"]
            out += [f"Abdal{s.lower()}", f"Abd Al{s.lower()}", f"Abd El {s}", f"Abdul-{s}"]
            if sun:
                out += [f"Abdu{first}{s.lower()}", f"Abd a{first}-{s}"]
        return out
    m = re.fullmatch(r"(\w+) al-Din", canonical)
    if m:
        head = m.group(1)
        heads = [head, *token_rule_variants(head, long_i=long_last_i(first_ar))[:3]]
        for h in heads:
            out += [f"{h} Eddin", f"{h} al-Din", f"{h}eddine", f"{h} Aldin", f"{h} El Din", f"{h}uddin"]
        return out
    parts = canonical.split(" ")
    if len(parts) == 2:
        a_vars = [parts[0], *token_rule_variants(parts[0], long_i=long_last_i(first_ar))[:4]]
        b_vars = [parts[1], *token_rule_variants(parts[1], long_i=long_last_i(last_ar))[:3]]
        for a in a_vars:
            for b in b_vars:
                out += [f"{a} {b}", f"{a}{b.lower()}"] if parts[0] in ("Abd", "Abu", "Hajj") else [f"{a} {b}"]
        return out
    return token_rule_variants(canonical, long_i=long_last_i(arabic))


def rule_variants(canonical: str, ta_marbuta: bool = False, arabic: str = "") -> list[str]:
    """All rule-made spellings of a canonical name (one token or a compound).

    ``ta_marbuta``: the Arabic name ends in ة, so the ending may be written a, ah, eh or e.
    ``arabic``: the name in Arabic, which tells a long i (كريم Kareem) from a short one (خالد Khaled).
    """
    if " " in canonical or "-" in canonical:
        return compound_variants(canonical, arabic)
    return token_rule_variants(canonical, ta_marbuta, long_last_i(arabic))


def article_forms(stem: str, canonical_stem: str) -> list[tuple[str, int]]:
    """Ways to write the article with a family-name stem, with rough weights.

    ``canonical_stem`` decides sun-letter assimilation (al-Shami -> Ash-Shami).
    """
    low = stem.lower()
    forms = [
        (f"Al-{stem}", 6),
        (f"Al {stem}", 2),
        (f"Al{low}", 3),
        (f"El-{stem}", 1),
        (f"El {stem}", 1),
        (stem, 5),
        (f"al-{stem}", 1),
    ]
    c = canonical_stem.lower()
    for s in SUN_INITIALS:
        if c.startswith(s) and s != "l":
            forms.append((f"A{s[0]}-{stem}" if len(s) == 1 else f"A{s}-{stem}", 1))
            break
    return forms


def french_article_forms(stem: str) -> list[tuple[str, int]]:
    """French families write the article as El, often detached: El Hamoud, El-Chami."""
    f = french(stem)
    return [(f"El {f}", 4), (f"El-{f}", 2), (f, 3), (f"Al {f}", 1), (f"El{f.lower()}", 1)]


def expand(weighted: Iterable[tuple[str, int]]) -> tuple[str, ...]:
    """A pool where each spelling repeats by its weight, so a uniform index draws by weight.

    Duplicate spellings add their weights; order of first appearance is kept for determinism.
    """
    total: dict[str, int] = {}
    for s, w in weighted:
        if s and w > 0:
            total[s] = total.get(s, 0) + w
    out: list[str] = []
    for s, w in total.items():
        out += [s] * w
    return tuple(out)
