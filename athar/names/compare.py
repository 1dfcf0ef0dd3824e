"""Compare names: per part (for Splink comparison levels) and whole chains (name_similarity).

Per-part levels, best first, each a plain SQL test on precomputed columns so that the linkage
module can declare them as Splink comparison levels:

======================  =====================================================================
Level                   SQL on columns ``norm`` = normalize_name(part), ``key`` = name_key(part)
======================  =====================================================================
EXACT_NORMALIZED        ``norm_l = norm_r``
EXACT_KEY               ``key_l = key_r``
CLOSE_KEY               ``jaro_winkler_similarity(key_l, key_r) >= 0.92``
SIMILAR_KEY             ``jaro_winkler_similarity(key_l, key_r) >= 0.80``
DIFFERENT               anything else
NULL                    either side blank
======================  =====================================================================
"""

from __future__ import annotations

from enum import IntEnum
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from athar.names.arabic import is_arabic
from athar.names.chain import FAMILY_FIRST, NameChain, parse_name_chain
from athar.names.keys import _token_key, name_key, normalize_name

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
    """The comparison level of two name parts (see the table in the module docstring)."""
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


# Arabic letters that differ only by their dots: a bad scan swaps them (محمد / مجمد).
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
        "ه": "ه",
    }
)


def _key(tok: str | None) -> str:
    return _token_key(tok) if tok else ""


def _token_similarity(a: str, b: str) -> float:
    """Similarity of two normalized tokens (or space-joined groups of tokens)."""
    if a == b:
        return 1.0
    ka = " ".join(_token_key(t) for t in a.split())
    kb = " ".join(_token_key(t) for t in b.split())
    if ka == kb:
        return 0.98
    s = _jw(ka, kb)
    if is_arabic(a) and is_arabic(b) and a.translate(_RASM) == b.translate(_RASM):
        # same letter shapes, different dots: most likely one name misread
        s = max(s, 0.93)
    return s


def part_similarity(a: str | None, b: str | None) -> float:
    """Similarity in [0, 1] of two name parts in any script (0.0 when either is blank)."""
    na, nb = normalize_name(a or ""), normalize_name(b or "")
    if not na or not nb:
        return 0.0
    return _token_similarity(na, nb)


# --- whole names ---------------------------------------------------------------------------------
# Log-odds-like weights for each part: (agreement weight, disagreement weight).
# A different father is strong evidence against (namesakes share given and family names);
# a different given name is strong evidence against (siblings share everything else).
_WEIGHTS = ((3.0, 5.0), (2.5, 5.0), (1.5, 3.0), (3.0, 5.0))
_PIVOT = 0.86  # key similarity with no evidence either way
_SPAN = 0.12


def _evidence(s: float, agree: float, disagree: float) -> float:
    t = (s - _PIVOT) / _SPAN
    if t >= 0:
        return agree * t
    return disagree * max(t, -1.0)


def _score(pa: tuple, pb: tuple) -> float:
    total = 0.0
    for x, y, (agree, disagree) in zip(pa, pb, _WEIGHTS, strict=True):
        if x and y:
            total += _evidence(_token_similarity(x, y), agree, disagree)
    return total


def _readings(c: NameChain) -> list[tuple[tuple, float]]:
    """The parse itself plus less likely readings of the same tokens, each with a penalty.

    A reading without a family name (``given father [grandfather]``) is only tried against a
    chain long enough to hold those parts; a reading with the family name first (no comma, no
    capitals) is tried against any chain.
    """
    parts = c.parts()
    out = [(parts, 0.0)]
    tokens = [p for p in parts if p]
    if c.order_detected != FAMILY_FIRST and not c.connectors:
        n = len(tokens)
        if 2 <= n <= 3:
            padded = (*tokens, None, None)[:3]
            out.append(((padded[0], padded[1], padded[2], None), 1.0))
        if n >= 2:
            rest = [*tokens[1:], None, None]
            out.append(((rest[0], rest[1], rest[2], tokens[0]), 2.0))
    return out


def _fits(reading: tuple, other: tuple) -> bool:
    """A family-less reading must face a chain that has every part it fills, and a family name."""
    if reading[3] is not None:
        return True
    return other[3] is not None and all(o is not None for r, o in zip(reading, other, strict=False) if r)


@lru_cache(maxsize=100_000)
def _chain_readings(full: str) -> tuple[tuple[tuple, float], ...]:
    return tuple(_readings(parse_name_chain(full)))


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two full personal names, each in any script and any order.

    Chain-aware: parts present on both sides are compared on their cross-script keys; a part missing
    on one side (no grandfather written) counts neither way; a different given or father name
    counts strongly against. The result is a logistic of the summed evidence, so 0.5 means
    "no evidence either way".
    """
    ra, rb = _chain_readings(a or ""), _chain_readings(b or "")
    if (not ra[0][0][0] and not ra[0][0][3]) or (not rb[0][0][0] and not rb[0][0][3]):
        return 0.0
    best = _score(ra[0][0], rb[0][0])
    for pa, pen_a in ra:
        for pb, pen_b in rb:
            if pen_a + pen_b == 0 or (pen_a and pen_b) or not (_fits(pa, pb) and _fits(pb, pa)):
                continue
            s = _score(pa, pb) - pen_a - pen_b
            if s > best:
                best = s
    return _logistic(best)


def _logistic(x: float) -> float:
    import math

    return 1.0 / (1.0 + math.exp(-0.6 * x))
