"""One name part compared with many at once: `PartTable.similarities`, equal to `part_similarity`
pair by pair, at a fraction of the cost.

A tracing-requests import ranks each sought name against the names of hundreds of candidate
records, and comparing those pairs one by one in Python (`compare._token_similarity_uncached`) was
half of its time. Most pairs take the plain path of that function: the Jaro-Winkler similarity of
the two cross-script keys, raised where the loose keys, the consonant skeletons or the dotless
shapes agree, lowered where both are names the dictionary knows. That path is computed here for all
the pairs in a few NumPy and rapidfuzz calls, over features kept per name of the table (computed
the first time a name is compared). The pairs that need more of the dictionary (two spellings of
one key both listed, a Latin spelling read with the letters of the Arabic name it faces, two names
of one dotless shape with dots that may be misread) are few; they go through the function itself,
so every value is the one `part_similarity` gives (`tests/test_names_compare_many.py` compares
them pair by pair).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from rapidfuzz.distance import Indel, JaroWinkler

from athar.names.arabic import strip_article
from athar.names.compare import (
    _FOLD_KNOWN_PENALTY,
    _LOOSE_FLOOR,
    _part_features,
    _token_similarity,
    _token_similarity_uncached,
)
from athar.names.dictionary import DICTIONARY
from athar.names.keys import part_identity

_DERIVED_ENDINGS = "هي"


def _derivation(known: str | None) -> tuple[str | None, str | None]:
    """(a known name without its article, that less a final ة (ه) or ي), as `compare._derived` reads
    them: two known names are a name and its derived form when one's base is the other's stem."""
    if known is None:
        return None, None
    stem = strip_article(known, min_rest=3)
    return stem, stem[:-1] if stem[-1] in _DERIVED_ENDINGS else None


def _guide_flags(part: str, arabic: bool) -> tuple[bool, bool]:
    """When `keys.key_read_with` may read a Latin spelling with an Arabic name's letters: (th may
    stand for ذ/ظ, a final h for ح). For an Arabic part: it has ذ or ظ and no ث; it ends in ح. For a
    Latin one: it has th; it ends in h."""
    if arabic:
        return "ث" not in part and ("ذ" in part or "ظ" in part), part.endswith("ح")
    return "th" in part, part.endswith("h")


# Fewer parts than this are compared pair by pair, through `compare._token_similarity`'s cache: the
# same values, and a table call's fixed cost exceeds a few cached comparisons (one search at a
# million persons: CPU p50 4.8 ms pair by pair, 6.2 ms all by table).
ONE_BY_ONE = 64


class PartTable:
    """Normalized name parts (``parts``, '' for none) and, filled in on first use, what comparing
    one of them needs: its cross-script key, the known name it spells, script, loose key, skeleton,
    dotless shape and the dictionary flags of `compare._token_similarity_uncached`."""

    def __init__(self, parts: Sequence[str]) -> None:
        n = len(parts)
        self.parts = np.array(list(parts), dtype=object)
        self._ready = np.zeros(n, dtype=bool)
        self.key = np.empty(n, dtype=object)  # strings, for the string metrics
        # every string feature as a number (`_code`), compared in bulk; -1 for none
        self._codes: dict[str, int] = {}
        self._lock = threading.Lock()
        (
            self.part_code,
            self.key_code,
            self.known,
            self.stem,
            self.base,
            self.loose,
            self.skeleton,
            self.rasm,
        ) = (np.full(n, -1, dtype=np.int64) for _ in range(8))
        self.arabic = np.zeros(n, dtype=bool)
        self.spelled = np.zeros(n, dtype=bool)
        self.spaces = np.zeros(n, dtype=np.int64)
        self.guide_th = np.zeros(n, dtype=bool)
        self.guide_h = np.zeros(n, dtype=bool)

    def _code(self, text: str | None) -> int:
        if text is None:
            return -1
        return self._codes.setdefault(text, len(self._codes))

    def _sought_code(self, text: str | None) -> int:
        """The number of a feature of the sought name: -2 (equal to nothing) when no part has it."""
        return -2 if text is None else self._codes.get(text, -2)

    def learn(self, ids: np.ndarray) -> None:
        """Compute the features of the parts ``ids`` not yet learnt (comparing does it on first use)."""
        todo = ids[~self._ready[ids]]
        if not len(todo):
            return
        with self._lock:  # the web app searches from several threads; codes must stay one per text
            self._fill_rows(np.unique(todo).tolist())

    def _fill_rows(self, rows: list[int]) -> None:
        code = self._code
        for i in rows:
            if self._ready[i]:
                continue
            part = self.parts[i]
            if part:
                key, known = part_identity(part)
                arabic, loose, skeleton, spelled, shape = _part_features(part)
                stem, base = _derivation(known)
                self.key[i] = key
                self.part_code[i], self.key_code[i], self.known[i] = code(part), code(key), code(known)
                self.stem[i], self.base[i] = code(stem), code(base)
                self.loose[i], self.skeleton[i], self.rasm[i] = code(loose), code(skeleton), code(shape)
                self.arabic[i], self.spelled[i] = arabic, spelled
                self.guide_th[i], self.guide_h[i] = _guide_flags(part, arabic)
                self.spaces[i] = part.count(" ")
            self._ready[i] = True

    def similarities(self, sought: str, ids: np.ndarray, one_by_one: int = ONE_BY_ONE) -> np.ndarray:
        """`part_similarity` of the normalized part ``sought`` with each part ``ids`` (0.0 where
        either is blank), as `compare._token_similarity` gives it pair by pair; fewer than
        ``one_by_one`` parts are compared pair by pair through its cache."""
        ids = np.asarray(ids, dtype=np.int64)
        out = np.zeros(len(ids))
        if not sought or not len(ids):
            return out
        if len(ids) < one_by_one:
            parts = self.parts
            return np.fromiter(
                (_token_similarity(sought, parts[i]) if parts[i] else 0.0 for i in ids.tolist()),
                float,
                len(ids),
            )
        self.learn(ids)
        part = self.part_code[ids]
        same = part == self._sought_code(sought)
        out[same] = 1.0
        rest = np.flatnonzero((part >= 0) & ~same)  # -1: a blank part
        if not len(rest):
            return out
        rid = ids[rest]
        ka, ra = part_identity(sought)
        key = self.key_code[rid]
        same_key = key == self._sought_code(ka)
        fallback = np.zeros(len(rest), dtype=bool)  # pairs left to the pair-by-pair function
        if ra is not None:
            fallback |= same_key & (self.known[rid] == self._sought_code(ra))  # both listed spellings?
        value = np.where(same_key, 0.98, 0.0)
        todo = ~same_key & (key != self._sought_code(""))
        if not ka:
            todo[:] = False
        spaces = sought.count(" ")
        indel = todo & (self.spaces[rid] != spaces)
        if indel.any():
            at = np.flatnonzero(indel)
            value[at] = _scores(ka, self.key[rid[at]], Indel.normalized_similarity)
        plain = np.flatnonzero(todo & ~indel)
        if len(plain):
            value[plain], fall = self._plain(sought, ka, ra, rid[plain], spaces)
            fallback[plain] |= fall
        for i in np.flatnonzero(fallback).tolist():
            value[i] = _token_similarity_uncached(sought, self.parts[rid[i]])
        out[rest] = value
        return out

    def _plain(
        self, a: str, ka: str, ra: str | None, rid: np.ndarray, spaces: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The similarities of pairs with different, non-empty keys and as many words on each side,
        and which of them the pair-by-pair function must settle."""
        s = _scores(ka, self.key[rid], JaroWinkler.normalized_similarity)
        ar_a, loose_a, skel_a, spelled_a, rasm_a = _part_features(a)
        arabic = self.arabic[rid]
        known = self.known[rid]
        fallback = np.zeros(len(rid), dtype=bool)
        if not spaces:  # Arabic against Latin: a listed spelling, or a spelling read with the letters
            cross = arabic != ar_a
            th_a, h_a = _guide_flags(a, ar_a)
            fallback |= cross & ((th_a & self.guide_th[rid]) | (h_a & self.guide_h[rid]))
            if ar_a:  # the record's Latin spelling is one the dictionary gives for the sought name
                listed = self._codes_of(_spellings_of(ra) if ra is not None else ())
                if len(listed):
                    fallback |= cross & np.isin(self.part_code[rid], listed)
            else:  # the sought Latin spelling is one the dictionary gives for the record's name
                listed = self._codes_of(DICTIONARY.spelled_by.get(a, ()))
                if len(listed):
                    fallback |= cross & np.isin(known, listed)
        both_arabic = arabic & ar_a
        loose = ~both_arabic & (self.loose[rid] == self._sought_code(loose_a))
        both_known = ~loose & (known >= 0) & (ra is not None)
        skeleton = ~loose & ~both_known & (self.skeleton[rid] == self._sought_code(skel_a))
        s = np.where(loose, np.maximum(s, _LOOSE_FLOOR), s)
        if both_known.any():
            stem_a, base_a = _derivation(ra)
            derived = self.base[rid] == self._sought_code(stem_a)
            if base_a is not None:
                derived |= self.stem[rid] == self._sought_code(base_a)
            penalty = np.where(self.spelled[rid] & spelled_a, 0.2, _FOLD_KNOWN_PENALTY)
            s = np.where(both_known & derived, s - 0.2, s)
            s = np.where(both_known & ~derived & (s < 0.96), s - penalty, s)
        s = np.where(skeleton, np.maximum(s, 0.93), s)
        if ar_a:  # the same letter shapes with other dots: most likely one name misread
            shape = both_arabic & (s < 0.93) & (self.rasm[rid] == self._sought_code(rasm_a))
            if spelled_a:
                fallback |= shape
            else:
                fallback |= shape & self.spelled[rid]
                s = np.where(shape & ~self.spelled[rid], 0.93, s)
        return np.maximum(s, 0.0), fallback

    def _codes_of(self, texts) -> np.ndarray:
        """The numbers of those of ``texts`` some part of the table has."""
        return np.array([c for t in texts if (c := self._codes.get(t)) is not None], dtype=np.int64)


def _scores(key: str, keys: np.ndarray, scorer) -> np.ndarray:
    """``scorer(key, k)`` for each of ``keys``, called one by one: rapidfuzz's ``process.cdist``
    computes the same similarities with a last bit that may differ."""
    return np.fromiter((scorer(key, k) for k in keys.tolist()), dtype=np.float64, count=len(keys))


_SPELLINGS: dict[str, frozenset[str]] | None = None


def _spellings_of(arabic: str) -> frozenset[str]:
    """The normalized Latin spellings the dictionary gives for a known Arabic name (``spelled_by``
    read the other way)."""
    global _SPELLINGS
    if _SPELLINGS is None:
        inverse: dict[str, set[str]] = {}
        for latin, names in DICTIONARY.spelled_by.items():
            for name in names:
                inverse.setdefault(name, set()).add(latin)
        _SPELLINGS = {name: frozenset(spellings) for name, spellings in inverse.items()}
    return _SPELLINGS.get(arabic, frozenset())


__all__ = ["PartTable"]
