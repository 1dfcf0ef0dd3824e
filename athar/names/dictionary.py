"""The name dictionary: usual Latin spellings of Arabic name tokens, and the way back.

Sources, in order of trust (see ``data/README.md``):

1. ``syrian_names.tsv`` — common Syrian given and family names with their usual Latin spellings,
   compiled by the Athar project. The first spelling is the display form.
2. ``tfp_levantine_dict_ar_latin.tsv`` — TechForPalestine's Levantine name-segment dictionary
   (Unlicense), one spelling per Arabic token; where several writings of one normalized token
   (رمزى, رمزي) give different spellings, the usual one is the spelling most of them give.
   Every spelling still points back to its name (``spelled_by``), also when another name has the
   better claim to it.
3. ``tfp_levantine_name_token_freq.tsv`` — token frequencies from the same project, used to pick
   the likelier Arabic name when a Latin spelling fits several, and as term frequencies.

Everything is keyed by the *normalized* Arabic spelling and by the *fold* of a Latin spelling,
so lookups are exact dictionary hits after the same normalization every caller uses.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

from athar.names.arabic import normalize_arabic, rasm, strip_article
from athar.names.latin import normalize_latin

_DATA = resources.files("athar.names") / "data"


def _rows(name: str) -> list[list[str]]:
    with (_DATA / name).open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader, None)
        return [row for row in reader if row]


@dataclass
class NameDictionary:
    """Normalized Arabic token → usual Latin spelling, and folded Latin spelling → Arabic token."""

    latin: dict[str, str] = field(default_factory=dict)  # normalized Arabic -> normalized Latin
    display: dict[str, str] = field(default_factory=dict)  # normalized Arabic -> display spelling
    by_spelling: dict[str, str] = field(default_factory=dict)  # normalized Latin -> normalized Arabic
    by_fold: dict[str, str] = field(default_factory=dict)  # coarse fold of a Latin spelling -> Arabic
    by_fine_fold: dict[str, str] = field(default_factory=dict)  # fold of a Latin spelling -> Arabic
    frequency: dict[str, int] = field(default_factory=dict)  # normalized Arabic -> count in name lists
    kind: dict[str, str] = field(default_factory=dict)  # normalized Arabic -> given/family/connector
    by_rasm: dict[str, str] = field(default_factory=dict)  # dotless shape -> likeliest known Arabic
    no_article: set[str] = field(default_factory=set)  # names that begin with ال but have no article
    spelled_by: dict[str, set[str]] = field(default_factory=dict)  # normalized Latin -> every Arabic

    def romanize_token(self, arabic: str) -> str | None:
        return self.latin.get(arabic)

    def resolve_arabic(self, arabic: str) -> str | None:
        """The known Arabic name a normalized token is, allowing for misread dots (مجمد → محمد).

        A scan loses or moves the dots of one letter; two letters apart is another name, not a
        misreading (يسار is not بشار), and so is a token the frequency list attests as written.
        """
        listed = arabic in self.latin
        if listed and (arabic in self.kind or arabic in self.frequency):
            return arabic
        # a segment-list entry no list of names attests (مخمد) is read as the common name of its
        # shape one dot away, as an unknown token is; else it stays the name the segment list says
        known = self.by_rasm.get(rasm(arabic))
        if (
            known is None
            or known == arabic
            or arabic in self.frequency
            or sum(x != y for x, y in zip(arabic, known, strict=True)) > 1
        ):
            return arabic if listed else None
        return known

    def trusts(self, arabic: str) -> bool:
        """Whether a listed name is a name in its own right: curated, or attested at least
        TRUSTED_MIN_FREQUENCY times (not a stray transliteration in the segment list, منزر munzir)."""
        return arabic in self.kind or self.frequency.get(arabic, 0) >= TRUSTED_MIN_FREQUENCY

    def has_article(self, arabic: str) -> bool:
        """Whether the leading ال of this token is the article (الحمود) rather than part of the
        name (الاء, الياس, الهام)."""
        if arabic in self.no_article:
            return False
        if strip_article(arabic) == arabic:
            return False
        if arabic[2] in "اوي" and len(arabic) <= 5:
            # short: الاء, الياس are names; الانس is the article on أنس, a name common on its own
            return self.frequency.get(arabic[2:], 0) >= ARTICLE_REST_MIN_FREQUENCY
        return True

    def display_token(self, arabic: str) -> str | None:
        return self.display.get(arabic)

    def arabic_for_latin(self, tok: str, folded: str) -> str | None:
        """The Arabic name a normalized Latin token spells: by exact spelling, else by its fold, else
        by the coarse fold that also merges e and i. The fold first: Jammil folds as Jamil (جميل)
        does, though its coarse fold is also that of Jamel (جمال, the commoner name)."""
        from athar.names.keys import coarse

        hit = self.by_spelling.get(tok)
        if hit is None:
            hit = self.by_fine_fold.get(folded)
        if hit is None:
            hit = self.by_fold.get(coarse(folded))
        return hit

    def spells(self, arabic: str, tok: str) -> bool:
        """Whether the dictionary gives this normalized Latin token as a spelling of this Arabic
        name, even when another name has the better claim to it (Hassan: حسن and حسان)."""
        return arabic in self.spelled_by.get(tok, ())


def _compound_ok(arabic: str, latin: str) -> bool:
    """TFP maps some compounds to their first half only (عبدالرحمن → abdel): skip those."""
    if arabic.startswith(("عبد", "ابو")) and len(arabic) > 4:
        return len(latin.replace(" ", "")) > 5
    return True


def th_as_dh(arabic: str, latin: str) -> str:
    """Levantine spellings write ذ (and ظ) as th, like ث: Munther, Thiyab for منذر, ذياب. The fold
    reads th as ث (Othman) and dh as ذ (Mundhir), so a name spelled with ذ and no ث is keyed
    by its spelling with dh, which Mundhir, Monzer and Munzir also fold to."""
    if "th" in latin and "ث" not in arabic and ("ذ" in arabic or "ظ" in arabic):
        return latin.replace("th", "dh")
    return latin


OCR_MIN_FREQUENCY = 200
TRUSTED_MIN_FREQUENCY = 20
ARTICLE_REST_MIN_FREQUENCY = 100
# Words that are never a name on their own (الله closes عبد الله, سعد الله): no Latin token means them.
_NOT_ALONE = frozenset({"الله"})


def load() -> NameDictionary:
    from athar.names.keys import coarse, fold_latin  # the fold lives with the keys; imported late

    d = NameDictionary()
    for ar, count, *_ in _rows("tfp_levantine_name_token_freq.tsv"):
        key = normalize_arabic(ar)
        d.frequency[key] = d.frequency.get(key, 0) + int(count)

    claims: dict[str, tuple[int, int, str]] = {}  # coarse fold -> (tier, -frequency, arabic)
    fine_claims: dict[str, tuple[int, int, str]] = {}  # fold -> (tier, -frequency, arabic)
    spelled: dict[str, tuple[int, int, str]] = {}  # normalized spelling -> (tier, -frequency, arabic)

    def claim(tok: str, tier: int, arabic: str) -> None:
        if not tok:
            return
        if arabic not in _NOT_ALONE:
            d.spelled_by.setdefault(tok, set()).add(arabic)
        rank = (0, -d.frequency.get(arabic, 0) - (50 if tier == 0 else 0))
        folded = fold_latin(tok)
        for table, k in ((spelled, tok), (fine_claims, folded), (claims, coarse(folded))):
            old = table.get(k)
            if old is None or rank < old[:2]:
                table[k] = (*rank, arabic)

    for ar, kind, written in _rows("syrian_names.tsv"):
        key = normalize_arabic(ar)
        variants = [v.strip() for v in written.split(",") if v.strip()]
        if kind == "connector":
            continue
        if key.startswith("ال") and kind == "given":
            d.no_article.add(key)
        if key not in d.latin:
            d.latin[key] = th_as_dh(key, normalize_latin(variants[0]))
            d.display[key] = variants[0]
            d.kind[key] = kind
        for v in variants:
            tok = normalize_latin(v).replace(" ", "")
            claim(tok, 0, key)
            if th_as_dh(key, tok) != tok:
                claim(th_as_dh(key, tok), 0, key)

    tfp: list[tuple[str, str, str, str]] = []  # (Arabic as written, Latin, normalized Arabic, Latin)
    for ar, lat in _rows("tfp_levantine_dict_ar_latin.tsv"):
        key = normalize_arabic(ar)
        if " " in key:
            continue
        norm = normalize_latin(lat).replace(" ", "")
        if _compound_ok(key, norm):
            tfp.append((ar, lat, key, norm))
    # One normalized name may have rows for several writings (رمزى rmza, رمزي ramzi): its usual
    # spelling is the one most of them give, else that of the writing already normalized.
    spellings: dict[str, Counter[str]] = {}
    for _, _, key, norm in tfp:
        spellings.setdefault(key, Counter())[norm] += 1
    usual: dict[str, tuple[tuple[int, bool], str, str]] = {}
    for ar, lat, key, norm in tfp:
        agreement = (spellings[key][norm], ar == key)
        if key not in usual or agreement > usual[key][0]:
            usual[key] = (agreement, lat, norm)
    for _, lat, key, norm in tfp:
        if key.startswith("ال") and not lat.startswith(("al", "el")):
            d.no_article.add(key)
        if key not in d.latin:
            _, lat_usual, norm_usual = usual[key]
            d.latin[key] = th_as_dh(key, norm_usual)
            d.display[key] = "-".join(p.capitalize() for p in lat_usual.split("-")).replace("Al-", "Al-")
        claim(norm, 1, key)
        if th_as_dh(key, norm) != norm:
            claim(th_as_dh(key, norm), 1, key)

    # داوود is داود with the long u after w written out: one name, one romanization and key
    for arabic in [a for a in d.latin if "اوو" in a]:
        short = arabic.replace("اوو", "او")
        if short in d.latin:
            d.latin[arabic], d.display[arabic] = d.latin[short], d.display[short]

    # A misread dot is only corrected towards a name common enough that the misreading is likelier
    # than a real rare name of the same shape (مجمد is محمد; الجليلي is not الخليلي).
    shapes: dict[str, tuple[tuple[int, int], str]] = {}
    for i, arabic in enumerate(d.latin):  # curated names first, then the commoner
        if d.kind.get(arabic) != "given" and d.frequency.get(arabic, 0) < OCR_MIN_FREQUENCY:
            continue
        standing = (-d.frequency.get(arabic, 0) - (10**6 if arabic in d.kind else 0), i)
        k = rasm(arabic)
        if k not in shapes or standing < shapes[k][0]:
            shapes[k] = (standing, arabic)
    d.by_rasm = {k: arabic for k, (_, arabic) in shapes.items()}
    d.by_fold = {fold: arabic for fold, (_, _, arabic) in claims.items()}
    # the fold is trusted over the coarse fold only for a name the dictionary trusts (منزر munzir,
    # seen nowhere, is not what Mundhir spells)
    d.by_fine_fold = {fold: arabic for fold, (_, _, arabic) in fine_claims.items() if d.trusts(arabic)}
    d.by_spelling = {tok: arabic for tok, (_, _, arabic) in spelled.items()}
    for table in (d.by_fold, d.by_fine_fold, d.by_spelling):
        for k in [k for k, arabic in table.items() if arabic in _NOT_ALONE]:
            del table[k]
    return d


class _Lazy:
    """Load the dictionary on first use, so importing athar.names stays cheap."""

    _d: NameDictionary | None = None

    def __getattr__(self, name: str):
        if _Lazy._d is None:
            _Lazy._d = load()
        value = getattr(_Lazy._d, name)
        # kept on this object, so that the next look-up finds it without calling __getattr__
        # (the loaded dictionary's tables and methods never change once loaded)
        object.__setattr__(self, name, value)
        return value


DICTIONARY: NameDictionary = _Lazy()  # type: ignore[assignment]
