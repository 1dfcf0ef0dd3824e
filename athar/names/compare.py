"""Compare names: one part with another (`part_similarity`, `compare_part`) and whole chains
(`name_similarity`).

`part_similarity` is the similarity in [0, 1] of two name parts in any script: on their cross-script
keys, with what the dictionary knows (two spellings of one name, two different names a letter
apart, a misread dot); `name_similarity` and the search weigh it on the evidence scale of
`athar.names.evidence`. `name_similarity` reads each full name in the ways `athar.names.reading`
enumerates (policy ``COMPARISON``) and keeps the best reading.

`compare_part` puts two parts on a coarse ladder (`Level`: exact after normalization, same key,
Jaro-Winkler of the keys at least ``CLOSE_KEY_JW`` or ``SIMILAR_KEY_JW``, different, blank). Linkage
does not use the ladder: its Splink levels (`athar.linkage.settings.name_part`) compare the
precomputed key, consonant skeleton and dotless shape columns, and share only the two Jaro-Winkler
thresholds defined here.
"""

from __future__ import annotations

import math
from enum import IntEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz.distance import Indel, JaroWinkler

from athar.names.arabic import is_arabic, rasm, strip_article
from athar.names.chain import parse_parts
from athar.names.dictionary import DICTIONARY
from athar.names.evidence import CHAIN_WEIGHTS, PIVOT, PRIOR, SPAN, probability
from athar.names.keys import (
    key_read_with,
    name_key,
    normalize_name,
    part_identity,
    skeleton_of_key,
)
from athar.names.reading import COMPARISON, readings

if TYPE_CHECKING:
    from athar.names.frequency import NameFrequencies

CLOSE_KEY_JW = 0.92
SIMILAR_KEY_JW = 0.80

_jw = JaroWinkler.normalized_similarity


class Level(IntEnum):
    """Agreement level of one name part; higher is stronger agreement."""

    NULL = 0
    DIFFERENT = 1
    SIMILAR_KEY = 2
    CLOSE_KEY = 3
    EXACT_KEY = 4
    EXACT_NORMALIZED = 5


def compare_part(a: str | None, b: str | None) -> Level:
    """The level of two name parts on the ladder of `Level`, best first: exact after normalization,
    same cross-script key, keys close (Jaro-Winkler >= CLOSE_KEY_JW), similar (>= SIMILAR_KEY_JW),
    different; NULL when either is blank."""
    na, nb = normalize_name(a or ""), normalize_name(b or "")
    if not na or not nb:
        return Level.NULL
    if na == nb:
        return Level.EXACT_NORMALIZED
    ka, kb = name_key(na), name_key(nb)
    if ka == kb:
        return Level.EXACT_KEY
    s = _jw(ka, kb)
    if s >= CLOSE_KEY_JW:
        return Level.CLOSE_KEY
    if s >= SIMILAR_KEY_JW:
        return Level.SIMILAR_KEY
    return Level.DIFFERENT


def _loose(key: str) -> str:
    """The key with e/i, z/d and x/h merged and a final t read as d."""
    key = key.replace("e", "i").replace("z", "d").replace("x", "h")
    return key[:-1] + "d" if key.endswith("t") else key


_FOLD_KNOWN_PENALTY = 0.1
_LOOSE_FLOOR = 0.95


def _spelled_known(part: str) -> bool:
    """Whether a part is a known name as written (محمد, Mohammed), not merely by a coarse fold of
    its spelling or a corrected dot (Jammil, مجمد): only then does a near miss against another
    known name count as two different names."""
    if is_arabic(part):
        return part in DICTIONARY.latin
    return part in DICTIONARY.by_spelling


@lru_cache(maxsize=400_000)
def _part_features(part: str) -> tuple[bool, str, str, bool, str | None]:
    """What _token_similarity needs of one part beyond its key and known name, computed once per
    distinct part and only for parts that get that far: script, loose key, skeleton, known as
    spelled, dotless shape."""
    key = part_identity(part)[0]
    arabic = is_arabic(part)
    return (
        arabic,
        _loose(key),
        skeleton_of_key(key),
        _spelled_known(part),
        rasm(part) if arabic else None,
    )


class _PairCache(dict):
    """Cache of a function of two strings keyed by one string (no key tuples for the garbage
    collector to walk); emptied when full; ``cache_clear`` as functools' caches have."""

    def __init__(self, fn, maxsize: int) -> None:
        super().__init__()
        self.fn, self.maxsize = fn, maxsize
        self.__wrapped__ = fn
        self.__doc__ = fn.__doc__
        self.cache_clear = self.clear  # on the instance: the class itself is no cache to clear

    def __call__(self, a: str, b: str) -> float:
        key = a + "\x1f" + b
        value = self.get(key)
        if value is None:
            value = self.miss(key, a, b)
        return value

    def miss(self, key: str, a: str, b: str) -> float:
        if len(self) >= self.maxsize:
            self.clear()
        value = self[key] = self.fn(a, b)
        return value


# Two spellings the dictionary lists for one name (محمد and Mohammed, Mohammed and Muhammad) agree
# a little more than two that merely fold to one key (سعيد and Cid).
_LISTED = 0.99


def _listed(a: str, b: str, arabic: str) -> bool:
    """Whether both parts are that known name as written: its Arabic spelling, or a Latin spelling
    the dictionary gives for it."""
    for part in (a, b):
        if is_arabic(part):
            if part != arabic:
                return False
        elif not DICTIONARY.spells(arabic, part):
            return False
    return True


def _dots_apart(a: str, b: str) -> int:
    """How many letters of two names of one dotless shape differ. A scan moves the dots of one
    letter; two names two letters apart, one of them a name as written, are two names (يسار, بشار)."""
    return sum(x != y for x, y in zip(a, b, strict=True))


def _derived(x: str, y: str) -> bool:
    """Whether one known Arabic name is the other with a final ة (ه) or ي added, article aside:
    كريم/كريمه (Karim, Karima), شكري/شكريه, جعفر/جعفري, حسين/الحسيني. The added letter is in the
    spelling itself, so this holds however the Latin side was resolved."""
    if x[-1] not in "هي" and y[-1] not in "هي":
        return False
    x, y = strip_article(x, min_rest=3), strip_article(y, min_rest=3)
    if len(x) < len(y):
        x, y = y, x
    return len(x) == len(y) + 1 and x.startswith(y) and x[-1] in "هي"


def _token_similarity_uncached(a: str, b: str) -> float:
    """Similarity of two normalized parts (one token, or several joined by spaces)."""
    if a == b:
        return 1.0
    ka, ra = part_identity(a)
    kb, rb = part_identity(b)
    if ka == kb:
        return _LISTED if ra is not None and ra == rb and _listed(a, b, ra) else 0.98
    if not ka or not kb:
        return 0.0
    if a.count(" ") != b.count(" "):
        # a two-word name against a one-word one (محمد خير / محمد): no prefix bonus
        return Indel.normalized_similarity(ka, kb)
    s = _jw(ka, kb)
    ar_a, loose_a, skel_a, spelled_a, rasm_a = _part_features(a)
    ar_b, loose_b, skel_b, spelled_b, rasm_b = _part_features(b)
    if ar_a != ar_b and " " not in a:
        # Arabic against Latin: a spelling the dictionary gives for that very name (Hassan for حسن
        # as for حسان) is that name, whichever name has the better claim to the spelling
        arabic, latin = (ra, b) if ar_a else (rb, a)
        if arabic is not None and DICTIONARY.spells(arabic, latin):
            return _LISTED
        guided = key_read_with(latin, a if ar_a else b)
        if guided is not None:
            k_arabic = ka if ar_a else kb
            if guided == k_arabic:
                return 0.98
            if _loose(guided) == _loose(k_arabic):
                return max(s, _LOOSE_FLOOR)  # as the loose match below, whatever name the plain key found
            s = max(s, _jw(k_arabic, guided))
    both_arabic = ar_a and ar_b
    if not both_arabic and loose_a == loose_b:
        # e/i and d/z are the letters romanizations disagree on most (Karem/Karim, Daher/Zaher),
        # then Turkish h for خ and final t for د (Halil/Khalil, Murat/Murad): keys that differ only
        # there are closer than keys that merely share their consonants (the skeleton, below)
        s = max(s, _LOOSE_FLOOR)
    elif ra is not None and rb is not None:
        # two different names the dictionary knows (محمد, محمود): close spelling is no evidence;
        # less sure when a side is known only by the fold of its spelling (Jammil, Mouhamad).
        # However close, a name and its feminine or nisba (كريم/كريمة, جعفر/جعفري) are two names.
        if _derived(ra, rb):
            s -= 0.2
        elif s < 0.96:
            s -= 0.2 if spelled_a and spelled_b else _FOLD_KNOWN_PENALTY
    elif skel_a == skel_b:
        s = max(s, 0.93)
    if (
        both_arabic
        and s < 0.93
        and rasm_a == rasm_b
        and (_dots_apart(a, b) <= 1 or not (spelled_a or spelled_b))
    ):
        s = 0.93  # same letter shapes, different dots: most likely one name misread
    return max(s, 0.0)


_token_similarity = _PairCache(_token_similarity_uncached, 500_000)


def part_similarity(a: str | None, b: str | None) -> float:
    """Similarity in [0, 1] of two name parts in any script (0.0 when either is blank)."""
    na, nb = normalize_name(a or ""), normalize_name(b or "")
    if not na or not nb:
        return 0.0
    return _token_similarity(na, nb)


# --- whole names ---------------------------------------------------------------------------------
# The evidence scale (athar.names.evidence), shared with the search's ranking; local names for the
# hot loops below, which inline `evidence`.
_WEIGHTS = CHAIN_WEIGHTS
_PRIOR = PRIOR
_PIVOT = PIVOT
_SPAN = SPAN


# --- how common a name is ------------------------------------------------------------------------
# Two lists that agree on a given and a family name name one person the likelier the rarer that
# name: P(same person | names agree) falls with how many people carry it, and namesakes arise among
# the common names. When the given and the family name both agree, the given name's rarity is added
# (up to _RARE_GIVEN_WEIGHT, scaled by how well it agrees) and _COMMON_NAME_OFFSET taken away, so an
# agreement on محمد with a family name counts less than one on a rarer given name. Only while no
# part of the chain disagrees: a rare name shared with another father is as likely a cousin named
# after the same grandfather, so a different father keeps all its weight.
#
# Frequencies: TechForPalestine's Levantine name-token counts (data/tfp_levantine_name_token_freq.tsv,
# counts over a real list of about 60,000 names), summed over the tokens that share a name's
# cross-script key, so that محمد, Mohammed and Mhd read one count and العلي, علي and Ali another.
# The list counts a split compound's halves apart (عبد and الرحمن), so an عبد compound the
# dictionary knows also gets the count of its second half (الرحمن mostly follows عبد). Only the
# given name's frequency is used: the list is Palestinian and lacks most Syrian family names
# (الزعبي, الحريري), so a family name absent from it cannot be told rare from unknown; weighting
# family names too was measured (bench/names.py) and lowered recall. Nothing here is computed from
# the synthetic lists or the bench's pairs (athar.synth draws names from its own hand-weighted tables,
# not from this file).
#
# With frequencies counted from the records at hand (athar.names.frequency.NameFrequencies), the
# rarity is that of the given + family name among those records, which know Syrian family names;
# then a pair with no father on one side weighs the rarity by _RARE_NAME_WEIGHT_NO_FATHER less
# _COMMON_NAME_OFFSET_NO_FATHER (set on bench/names.py's pairs of seed 1; reported on seed 0).
_RARE_GIVEN_WEIGHT = 7.0
_COMMON_NAME_OFFSET = 2.0
_RARE_NAME_WEIGHT_NO_FATHER = 10.0
_COMMON_NAME_OFFSET_NO_FATHER = 8.0
_TOP_FREQUENCY = 12_559  # محمد, the commonest name in the list


def _key_frequencies() -> dict[str, int]:
    """Cross-script key -> count of the tokens of the frequency list that have that key."""
    out: dict[str, int] = {}
    freq = DICTIONARY.frequency
    for token, count in freq.items():
        k = name_key(token)
        out[k] = out.get(k, 0) + count
    for arabic in DICTIONARY.latin:
        if arabic.startswith("عبد") and len(arabic) > 4 and arabic[3:] in freq:
            k = name_key(arabic)
            out[k] = out.get(k, 0) + freq[arabic[3:]]
    return out


_KEY_FREQUENCY: dict[str, int] | None = None


def _key_frequencies_loaded() -> dict[str, int]:
    global _KEY_FREQUENCY
    if _KEY_FREQUENCY is None:
        _KEY_FREQUENCY = _key_frequencies()
    return _KEY_FREQUENCY


def name_frequency(part: str) -> int:
    """How many tokens of the Levantine frequency list are this name (any spelling, any script)."""
    return _key_frequencies_loaded().get(part_identity(normalize_name(part))[0], 0)


_LOG_TOP = math.log1p(_TOP_FREQUENCY)


@lru_cache(maxsize=200_000)
def _rarity(part: str) -> float:
    """Rarity in [0, 1] of a normalized given name: 0 for محمد, 1 for a name the list never shows."""
    return max(0.0, 1.0 - math.log1p(_key_frequencies_loaded().get(part_identity(part)[0], 0)) / _LOG_TOP)


_pair_get = _token_similarity.get  # the dict's own get: stays valid when the cache is emptied


def _similarity(x: str, y: str) -> float:
    """_token_similarity with its cache looked up inline (the hot path)."""
    if x == y:
        return 1.0
    key = x + "\x1f" + y
    v = _pair_get(key)
    return _token_similarity.miss(key, x, y) if v is None else v


def _pair_rarity(pa: tuple, pb: tuple, freq: NameFrequencies | None) -> float:
    """How rare the name two agreeing chains share is, in [0, 1]: by the given name in the built-in
    list, or by given + family name in ``freq`` (the rarer spelling of the two cannot make a common
    name rare: the commoner reading counts)."""
    if freq is None:
        rx, ry = _rarity(pa[0]), _rarity(pb[0])
    else:
        rx, ry = freq.rarity_of_parts(pa[0], pa[3]), freq.rarity_of_parts(pb[0], pb[3])
    return rx if rx < ry else ry


def _rarity_weights(pa: tuple, pb: tuple, freq: NameFrequencies | None) -> tuple[float, float]:
    """(weight, offset) of the rarity term. With the records' own counts and no father on a side,
    the given and the family name are all the evidence there is, and how common they are decides
    between one person and two namesakes: the term weighs more and starts lower."""
    if freq is None or (pa[1] and pb[1]):
        return _RARE_GIVEN_WEIGHT, _COMMON_NAME_OFFSET
    return _RARE_NAME_WEIGHT_NO_FATHER, _COMMON_NAME_OFFSET_NO_FATHER


def _score(pa: tuple, pb: tuple, freq: NameFrequencies | None = None) -> float:
    total = 0.0
    tg = -1.0
    against = False
    s: float | None
    for i in (0, 1, 2, 3):
        x, y = pa[i], pb[i]
        if x and y:
            if x == y:  # _similarity, inlined: the hot loop
                s = 1.0
            else:
                key = x + "\x1f" + y
                s = _pair_get(key)
                if s is None:
                    s = _token_similarity.miss(key, x, y)
            t = (s - _PIVOT) / _SPAN  # _evidence, inlined
            if t >= 0:
                total += _WEIGHTS[i][0] * t
                if i == 0:
                    tg = t
                elif i == 3 and tg >= 0 and not against:
                    weight, offset = _rarity_weights(pa, pb, freq)
                    total += weight * _pair_rarity(pa, pb, freq) * tg - offset
            else:
                total += _WEIGHTS[i][1] * (t if t > -1.0 else -1.0)
                against = True
    return total


# The most one part can add (similarity 1.0), and the order in which _score_above looks at parts:
# the heaviest disagreements first, so that a reading that cannot win is given up after one or two
# comparisons. The family name comes after the given name, whose agreement the rarity needs.
_T_MAX = (1.0 - _PIVOT) / _SPAN
_AGREE_MAX = tuple(agree * _T_MAX for agree, _ in _WEIGHTS)
_ORDER = (0, 3, 1, 2)


def _score_above(pa: tuple, pb: tuple, need: float, freq: NameFrequencies | None = None) -> float | None:
    """``_score(pa, pb)`` when it exceeds ``need``, else None, comparing no more parts than it must."""
    room = 0.0
    for i in _ORDER:
        if pa[i] and pb[i]:
            room += _AGREE_MAX[i]
    # what the given name's rarity may still add: at most its value with the given name agreeing
    # fully; once added, at most the offset it took, given back if a father or grandfather is against
    extra = rho = 0.0
    if pa[0] and pb[0] and pa[3] and pb[3]:
        rho = _pair_rarity(pa, pb, freq)
        weight, offset = _rarity_weights(pa, pb, freq)
        extra = weight * _T_MAX * rho - offset
        if extra < 0.0:
            extra = 0.0
        room += extra
    if room <= need:
        return None
    total = 0.0
    tg = -1.0
    rarity = 0.0
    s: float | None
    for i in _ORDER:
        x, y = pa[i], pb[i]
        if not (x and y):
            continue
        room -= _AGREE_MAX[i]
        if x == y:  # _similarity, inlined
            s = 1.0
        else:
            key = x + "\x1f" + y
            s = _pair_get(key)
            if s is None:
                s = _token_similarity.miss(key, x, y)
        t = (s - _PIVOT) / _SPAN
        if t >= 0:
            total += _WEIGHTS[i][0] * t
            if i == 0:
                tg = t
            elif i == 3:
                room -= extra
                extra = 0.0
                if tg >= 0:
                    rarity = weight * rho * tg - offset
                    total += rarity
                    if rarity < 0.0:
                        extra = -rarity
                        room += extra
        else:
            total += _WEIGHTS[i][1] * (t if t > -1.0 else -1.0) - rarity
            rarity = 0.0  # a part against: the name's rarity no longer counts (see _score)
            room -= extra
            extra = 0.0
        if total + room <= need:
            return None
    return total


def _readings(full: str) -> list:
    """The readings of a full name `name_similarity` weighs (`athar.names.reading`, policy
    ``COMPARISON``), flat: five items (given, father, grandfather, family, penalty) a reading, the
    parse first; a penalty is the reading's log-odds against the parse, negated."""
    out: list = []
    for reading in readings(full, policy=COMPARISON):
        out += (*reading.parts, 0.0 - reading.log_odds)
    return out


def _fits(reading: tuple, other: tuple) -> bool:
    """A family-less reading must face a chain that has every part it fills, and a family name."""
    if reading[3] is not None:
        return True
    return (
        other[3] is not None
        and (reading[0] is None or other[0] is not None)
        and (reading[1] is None or other[1] is not None)
        and (reading[2] is None or other[2] is not None)
    )


@lru_cache(maxsize=100_000)
def _chain_readings(full: str) -> tuple:
    """:func:`_readings` as a tuple. Flat, and parsed without filling parse_name_chain's cache,
    because a cache of many small containers is what Python's garbage collector spends its time
    walking."""
    return tuple(_readings(full))


@lru_cache(maxsize=100_000)
def _taken(full: str) -> tuple:
    """The parts of the reading of ``full`` that is taken: with no roles, always the parse
    (`reading.readings`), so a pair settled on it needs no other reading enumerated."""
    return parse_parts(full)[:4]


def name_similarity(a: str, b: str, frequencies: NameFrequencies | None = None) -> float:
    """Similarity in [0, 1] of two full personal names, each in any script and any order.

    Library code, not a step of the pipeline: linkage scores names inside Splink and the search ranks
    on its index, but both on the rules this applies (`athar.names.reading`, `athar.names.evidence`).
    It is the one call for a program that wants to compare two names, and `bench/names.py` measures the
    name rules through it (AUC on real Arabic/Latin pairs).

    Chain-aware: parts present on both sides are compared on their cross-script keys; a part missing
    on one side (no grandfather written) counts neither way; a different given or father name
    counts strongly against. The result is a logistic of the summed evidence, so 0.5 means
    "no evidence either way".

    An agreement on the given and the family name counts the more the rarer that name is: by the
    given name's count in the built-in Levantine list, or, with ``frequencies`` counted from the
    records at hand, by how many of them are expected to carry that given + family name.
    """
    a, b = a or "", b or ""
    base_a, base_b = _taken(a), _taken(b)
    if (not base_a[0] and not base_a[3]) or (not base_b[0] and not base_b[3]):
        return 0.0
    if base_a.count(None) == 3 and base_b.count(None) == 3 and base_a != base_b:
        # two one-word names (العلي, Ali): the word is all either says, wherever each parse put it
        base_a, base_b = (_only_word(base_a), None, None, None), (_only_word(base_b), None, None, None)
    best = _score(base_a, base_b, frequencies)
    if best > _CONFIDENT:
        return _logistic(best + _PRIOR)  # other readings could only add to a sure match
    # one side read otherwise, the other as parsed
    for alts, base, flip in ((_chain_readings(a), base_b, False), (_chain_readings(b), base_a, True)):
        for i in range(5, len(alts), 5):
            alt, pen = alts[i : i + 4], alts[i + 4]
            pa, pb = (base, alt) if flip else (alt, base)
            if (pa[3] is None or pb[3] is None) and not (_fits(pa, pb) and _fits(pb, pa)):
                continue
            s = _score_above(pa, pb, (best if best > _HOPELESS else _HOPELESS) + pen, frequencies)
            if s is not None:
                best = s - pen
    return _logistic(best + _PRIOR)


def _only_word(parts: tuple) -> str | None:
    """The one part a reading of a one-word name fills."""
    return next((p for p in parts if p), None)


# Another reading is only looked for when it could lift the score above this (similarity 0.01):
# below it, names are different whichever way they are read, and the parse's own score stands.
_HOPELESS = -6.7


_CONFIDENT = 7.0


_logistic = probability
