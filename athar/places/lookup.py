"""Resolve free text to a gazetteer place.

Tiers, first hit wins: the whole text's exact key; then, for "X, Y" / "X - Y" / "X / Y" /
"X (Y)", the first part that resolves, choosing among its namesakes the one in the other parts'
governorate; then, for one part: exact key, key with an article glued to it (Alhasakah), "rif X"
(the governorate of X; Rif Dimashq for Damascus), the consonant skeleton when only one name has
it, a conservative fuzzy match, "X Field Hospital" / "X camp" -> X, and last "X <governorate>"
written without a separator.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from athar.names.arabic import is_arabic, normalize_arabic
from athar.places.gazetteer import MIN_SKELETON, RIF_PREFIX, Index, Place, index
from athar.places.keys import Folded, fold, skeleton, strip_leading_article

DAMASCUS = "sy-dam"
RIF_DIMASHQ = "sy-rdm"
FUZZY_CUTOFF = 92.0  # fuzz.ratio: one letter dropped or doubled in a 6+ letter key, a swap only in 13+
SKELETON_CUTOFF = 75.0  # same consonants and mostly the same letters (Zemalka/Zamalka, not Khaled/Khaldiya)
FUZZY_MARGIN = 2.0  # a runner-up this close to the best, naming another place, makes the match ambiguous
MIN_FUZZY_KEY = 6
_OPEN = frozenset("aeiouy")

_PARTS = re.compile(r"\s*(?:[,،;/|()\[\]]|\s[-–—]+\s|[–—])\s*")
_ARABIC_DASH = re.compile(r"\s*-\s*")
_SCRIPT_CHANGE = re.compile(r"([\u0600-\u06ff])\s+(?=[A-Za-z])|([A-Za-z])\s+(?=[\u0600-\u06ff])")
_LATIN_FACILITY_WORDS = re.compile(
    r"\b(?:field|national|military|university|general|central|public|hospital|hopital|clinic|"
    r"morgue|prison|branch|security|intelligence|camps?|refugee)\b",
    re.IGNORECASE,
)
_ARABIC_FACILITY_WORDS = frozenset(
    {
        "مشفي",
        "مستشفي",
        "مستوصف",
        "سجن",
        "فرع",
        "ميداني",
        "وطني",
        "عسكري",
        "مركزي",
        "جامعي",
        "عام",
        "مخيم",
        "مخيمات",
    }
)


def _split(text: str) -> list[str]:
    text = _SCRIPT_CHANGE.sub(r"\1\2|", text)  # "Douma دوما": one name in each script
    parts = _PARTS.split(text)
    if is_arabic(text):  # a hyphen never sits inside an Arabic place name
        parts = [q for p in parts for q in _ARABIC_DASH.split(p)]
    return [p for p in parts if p and p.strip()]


def _same_name(places: tuple[Place, ...]) -> bool:
    return len({p.name_en for p in places}) == 1


def _skeleton(idx: Index, key: str) -> tuple[Place, ...]:
    """Places whose consonants are the key's, if they are one name and the spellings are close.

    Without the closeness check a given name would find a place (Khaled -> Khaldiya); a final
    vowel must match a final vowel, because it is usually a suffix (-iya, -a) that makes another name.
    """
    sk = skeleton(key)
    if len(sk) < MIN_SKELETON:
        return ()
    hits = idx.skeletons.get(sk, ())
    if not hits:
        return ()
    cands = tuple(p for _, p in hits)
    if not _same_name(cands):
        return ()
    ends_open = key[-1] in _OPEN
    close = [k for k, _ in hits if (k[-1] in _OPEN) == ends_open and fuzz.ratio(key, k) >= SKELETON_CUTOFF]
    return cands if close else ()


def _fuzzy(idx: Index, key: str, arabic: bool) -> tuple[Place, ...]:
    if len(key) < MIN_FUZZY_KEY or any(ch.isdigit() for ch in key):
        return ()
    keys = idx.arabic_keys if arabic else idx.latin_keys
    hits = process.extract(key, keys, scorer=fuzz.ratio, limit=6, score_cutoff=FUZZY_CUTOFF)
    if not hits:
        return ()
    hits = [
        h for h in hits if h[0][0] == key[0]
    ]  # a first letter is rarely mistyped; a prefix is another name
    if not hits:
        return ()
    best_key, best, _ = hits[0]
    best_places = idx.exact[best_key]
    for k, score, _ in hits[1:]:
        if score >= best - FUZZY_MARGIN and idx.exact[k][0].name_en != best_places[0].name_en:
            return ()
    return best_places


def _plain(idx: Index, key: str, arabic: bool) -> tuple[Place, ...]:
    """Places for a key without "rif": exact, glued article, skeleton, fuzzy."""
    if key in idx.exact:
        return idx.exact[key]
    if not arabic:
        bare = strip_leading_article(key)
        if bare and bare in idx.exact:
            return idx.exact[bare]
        for k in (key, bare):
            if k and (hit := _skeleton(idx, k)):
                return hit
    return _fuzzy(idx, key, arabic)


def _prefer_kind(cands: tuple[Place, ...], kind: str | None) -> tuple[Place, ...]:
    if not kind:
        return cands
    first = tuple(p for p in cands if p.kind == kind)
    return first + tuple(p for p in cands if p.kind != kind)


def _without_facility_words(text: str) -> str | None:
    if is_arabic(text):
        tokens = normalize_arabic(text).split()
        kept = [t for t in tokens if (t[2:] if t.startswith("ال") else t) not in _ARABIC_FACILITY_WORDS]
        rest = " ".join(kept)
    else:
        rest = _LATIN_FACILITY_WORDS.sub(" ", text)
        tokens, kept = text.split(), rest.split()
    return rest if kept and len(kept) < len(tokens) else None


def _resolve(idx: Index, f: Folded) -> tuple[Place, ...]:
    if f.rif:
        hit = idx.exact.get(RIF_PREFIX + f.key)
        if hit:
            return _prefer_kind(hit, f.kind)
        inner = _plain(idx, f.key, f.arabic)
        if not inner:
            return ()
        gov = inner[0].governorate_id
        return (idx.places[RIF_DIMASHQ if gov == DAMASCUS else gov],)
    return _prefer_kind(_plain(idx, f.key, f.arabic), f.kind)


def candidates(text: str) -> tuple[Place, ...]:
    """Places one part of a text may name, best first (no splitting on separators)."""
    f = fold(text)
    if not f.key:
        return ()
    idx = index()
    hit = _resolve(idx, f)
    if not hit and (rest := _without_facility_words(text)):
        f = fold(rest)
        hit = _resolve(idx, f) if f.key else ()
    return hit


def _exact_whole(text: str) -> tuple[Place, ...]:
    f = fold(text)
    key = RIF_PREFIX + f.key if f.rif else f.key
    return _prefer_kind(index().exact.get(key, ()), f.kind) if f.key else ()


def _choose(cands: tuple[Place, ...], qualifiers: list[Place]) -> Place:
    """The candidate in the qualifiers' district, else their governorate, else the best one."""
    for q in qualifiers:
        district = q.district_id or (q.place_id if q.kind == "district" else "")
        for p in cands:
            if district and p.district_id == district:
                return p
        for p in cands:
            if p.governorate_id == q.governorate_id:
                return p
    return cands[0]


def _trailing_qualifier(text: str) -> Place | None:
    """ "Douma Rif Dimashq", "Al-Hamidiyah Quneitra", "الحاضر حماة": a governorate written after the place."""
    words = text.split()
    for n in (2, 1):
        if len(words) <= n:
            continue
        qualifier = next((p for p in _exact_whole(" ".join(words[-n:])) if p.kind == "governorate"), None)
        if qualifier:
            hit = candidates(" ".join(words[:-n]))
            return _choose(hit, [qualifier]) if hit else None
    return None


@lru_cache(maxsize=262_144)
def lookup(text: str) -> Place | None:
    """The place a free-text place field names, or None when it names none we know."""
    if not text or not text.strip():
        return None
    hit = _exact_whole(text)
    if hit:
        return hit[0]
    parts = _split(text)
    if len(parts) <= 1:
        hit = candidates(text)
        return hit[0] if hit else _trailing_qualifier(text)
    resolved = [candidates(p) for p in parts]
    found = [i for i, c in enumerate(resolved) if c]
    if not found:
        return None
    main = resolved[found[0]]
    return _choose(main, [resolved[i][0] for i in found[1:]])


def governorate_of(text: str) -> str | None:
    """The place_id of the governorate a free-text place lies in, or None."""
    place = lookup(text)
    return place.governorate_id if place else None
