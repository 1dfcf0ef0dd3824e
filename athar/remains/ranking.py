"""Ranking missing persons for each body by an explainable likelihood ratio (NumPy; knows no store).

Each feature gives log10 of P(what is seen | this body is this person) / P(what is seen | a person
drawn at random from the list), the random-match side counted from the candidates themselves, so a
feature everyone shares (an age range of 18-80, a shirt) weighs nothing. The score is their sum, as in
a Fellegi-Sunter weight. Features: sex, age at death against age at disappearance carried through the
site's period of use, stature against the height the family gave, dental charts (explainable and
excluding discrepancies, `athar.dental`), skeletal marks and clothing or effects against
the families' words (`athar.remains.vocabulary`), disappearance date and governorate against the site.

Dense features are one vector operation over all persons per body; sparse ones (dental, marks,
clothing) go through inverted indexes from a concept to the persons whose families named it, so only
persons who share something are touched.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from athar.dental import Chart, Tooth, classify
from athar.remains.vocabulary import contradicted_by_absence, side_variants

FEATURES = ("sex", "age", "stature", "dental", "marks", "clothing", "date", "place")
SEX_CODES = {"M": 1, "F": 2}
SEX_ERROR = 0.05  # anthropological sex estimates on adults
AGE_IN_RANGE = 0.85  # an age-at-death range holds the true age this often
AGE_DECAY = 0.08  # log10 per year outside the range
STATURE_TOLERANCE_CM = 4.0  # what families' heights are off by
STATURE_IN_RANGE = 0.85
STATURE_DECAY = 0.06  # log10 per cm outside range and tolerance
DENTAL_EXCLUDING = -4.0
DENTAL_EXPLAINABLE = -0.3
DENTAL_CONCORDANT_MAX = 2.0
MARK_RECALL = 0.6  # a family mentions a mark the skeleton shows
MARK_OTHER_SIDE = -0.7
# A family's mark on a bone examined and found without it: a healed fracture in an adult usually
# stays visible, so its absence says about 1 in 5 that this is the person (childhood fractures may
# remodel away, and families misremember).
MARK_NOT_FOUND = -0.7
CLOTHING_RECALL = 0.4
LLR_CAP = 3.0
DISAPPEARED_BEFORE_USE_END = 0.97
SAME_GOVERNORATE = 0.7


@dataclass
class MissingPersons:
    """One entry per candidate: a person, or a record not yet linked (`key` says which)."""

    keys: list[str]
    sex: np.ndarray  # int8: 0 unknown, 1 M, 2 F
    birth_year: np.ndarray  # float32, nan unknown
    disappeared_year: np.ndarray  # float32, nan unknown
    governorate: np.ndarray  # int32, -1 unknown
    height_cm: np.ndarray  # float32, nan unknown
    dental: list[Chart | None]
    marks: list[frozenset[str]]
    clothing: list[frozenset[str]]

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class SiteFacts:
    used_from: int | None
    used_to: int | None
    governorate: int  # -1 unknown


@dataclass
class Body:
    case_id: str
    site: SiteFacts
    sex: str | None
    age_min: float | None
    age_max: float | None
    stature_min_cm: float | None
    stature_max_cm: float | None
    recovery_year: int | None
    dental: Chart | None
    marks: frozenset[str] = field(default_factory=frozenset)
    clothing: frozenset[str] = field(default_factory=frozenset)
    absent_marks: frozenset[str] = field(default_factory=frozenset)  # examined and not there


@dataclass
class Candidate:
    index: int
    key: str
    score: float
    features: dict[str, float]


def _log10(x: float) -> float:
    return math.log10(min(max(x, 1e-6), 1 - 1e-6))


def _binary(q: float, p: float) -> tuple[float, float]:
    """log10 ratios for a yes/no fact of a candidate (same sex, inside the range) that the body's
    finding holds with probability `q` when the candidate is the body, `1 - q` when the fact is no;
    `p` is the share of candidates for whom it is yes. The denominator is the finding's probability
    over the whole list, so agreement is always above 0 and disagreement always below."""
    p = min(max(p, 1e-3), 1 - 1e-3)
    marginal = q * p + (1 - q) * (1 - p)
    return _log10(q) - _log10(marginal), _log10(1 - q) - _log10(marginal)


def _rare(recall: float, share: float) -> float:
    """log10 ratio for a finding a family names with probability `recall` that `share` of the
    candidates' families also name: never below 0."""
    return max(0.0, _log10(recall) - _log10(max(share, 1e-6)))


def _index(sets: list[frozenset[str]]) -> dict[str, np.ndarray]:
    postings: dict[str, list[int]] = defaultdict(list)
    for i, concepts in enumerate(sets):
        for concept in concepts:
            postings[concept].append(i)
    return {k: np.asarray(v, dtype=np.int64) for k, v in postings.items()}


class Ranker:
    """Built once over the missing persons; `rank` scores any number of bodies against all of them."""

    def __init__(self, persons: MissingPersons) -> None:
        self.persons = persons
        n = self.n = len(persons)
        sex = persons.sex
        known = sex > 0
        self._sex_vectors: dict[int, np.ndarray] = {}
        for code in (1, 2):
            share = float(np.mean(sex[known] == code)) if known.any() else 0.5
            vector = np.zeros(n, dtype=np.float32)
            agree, disagree = _binary(1 - SEX_ERROR, share)
            vector[sex == code] = agree
            vector[known & (sex != code)] = disagree
            self._sex_vectors[code] = vector
        age_at = persons.disappeared_year - persons.birth_year
        self._age_known = ~np.isnan(age_at)
        self._age_at = np.where(self._age_known, age_at, 0).astype(np.float32)
        self._dy = persons.disappeared_year
        self._height_idx = np.flatnonzero(~np.isnan(persons.height_cm))
        self._height = persons.height_cm[self._height_idx].astype(np.float32)
        self._marks = _index(persons.marks)
        self._clothing = _index(persons.clothing)
        self._dental: dict[tuple[int, Tooth], np.ndarray] = {}
        postings: dict[tuple[int, Tooth], list[int]] = defaultdict(list)
        sound: list[int] = []
        for i, chart in enumerate(persons.dental):
            if chart is None or not chart.examined:
                continue
            if chart.unlisted is Tooth.SOUND:
                sound.append(i)
            for tooth, state in chart.teeth.items():
                postings[(tooth, state)].append(i)
        self._dental = {k: np.asarray(v, dtype=np.int64) for k, v in postings.items()}
        self._dental_holders = max(1, sum(1 for c in persons.dental if c is not None and c.examined))
        self._all_sound = np.asarray(sound, dtype=np.int64)
        self._site_cache: dict[tuple, tuple[np.ndarray, ...]] = {}
        # Sparse features write into buffers kept across bodies; only the entries touched are reset.
        self._buffers = {name: np.zeros(n, dtype=np.float32) for name in ("dental", "marks", "clothing")}
        self._touched: dict[str, list[np.ndarray]] = {name: [] for name in self._buffers}
        self._total = np.zeros(n, dtype=np.float32)

    # --- per site (and recovery year): vectors shared by every body of a site -------------------------

    def _site_vectors(self, site: SiteFacts, recovery_year: int | None) -> tuple[np.ndarray, ...]:
        """(date llr, place llr, years between disappearance and death: lowest, highest)."""
        if site.used_to is not None and (recovery_year is None or recovery_year >= site.used_to):
            recovery_year = None  # disappearing after it says no more than after the site's last use
        key = (site, recovery_year)
        if key in self._site_cache:
            return self._site_cache[key]
        dy = self._dy
        known = ~np.isnan(dy)
        date = np.zeros(self.n, dtype=np.float32)
        end = site.used_to if site.used_to is not None else recovery_year
        if end is not None and known.any():
            fits = known & (dy <= end)
            p = max(float(fits.sum()) / known.sum(), 1e-3)
            agree, disagree = _binary(DISAPPEARED_BEFORE_USE_END, p)
            date[fits] = agree
            date[known & ~fits] = disagree
        if recovery_year is not None:
            date[known & (dy > recovery_year)] = -LLR_CAP  # disappeared after the body was recovered
        place = np.zeros(self.n, dtype=np.float32)
        gov = self.persons.governorate
        if site.governorate >= 0:
            g_known = gov >= 0
            if g_known.any():
                share = max(float(np.mean(gov[g_known] == site.governorate)), 1e-3)
                agree, disagree = _binary(SAME_GOVERNORATE, share)
                place[gov == site.governorate] = agree
                place[g_known & (gov != site.governorate)] = disagree
        first = site.used_from
        last = site.used_to if site.used_to is not None else recovery_year
        dy0 = np.where(known, dy, 0)
        lo = np.zeros(self.n, dtype=np.float32) if first is None else np.maximum(0, first - dy0)
        hi = np.full(self.n, 10, dtype=np.float32) if last is None else np.maximum(lo, last - dy0)
        # Age at death lies between age at disappearance plus these years.
        lo = (self._age_at + lo).astype(np.float32)
        hi = (self._age_at + hi).astype(np.float32)
        vectors = (date, place, lo, hi)
        self._site_cache[key] = vectors
        return vectors

    # --- one body ------------------------------------------------------------------------------------

    def feature_vectors(self, body: Body) -> dict[str, np.ndarray]:
        """Each feature's log10 ratio for every candidate. The sparse features' arrays are reused:
        they hold this body's values until the next call."""
        n = self.n
        out: dict[str, np.ndarray] = {}
        date, place, extra_lo, extra_hi = self._site_vectors(body.site, body.recovery_year)
        out["date"], out["place"] = date, place
        code = SEX_CODES.get(body.sex or "")
        out["sex"] = self._sex_vectors[code] if code else np.zeros(n, dtype=np.float32)
        out["age"] = self._age(body, extra_lo, extra_hi)
        out["stature"] = self._stature(body)
        out["dental"] = self._dental_llr(body)
        out["marks"] = self._marks_llr(body)
        out["clothing"] = self._clothing_llr(body)
        return out

    def _interval_llr(
        self, gap: np.ndarray, known: np.ndarray | None, in_range: float, decay: float
    ) -> np.ndarray:
        outside = gap > 0
        n_outside = int(np.count_nonzero(outside if known is None else (outside & known)))
        total = len(gap) if known is None else int(np.count_nonzero(known))
        p = min(max(1 - n_outside / max(total, 1), 1e-3), 1 - 1e-3)
        agree, disagree = _binary(in_range, p)
        inside, beyond = np.float32(agree), np.float32(disagree)
        gap *= np.float32(-decay)
        gap += beyond
        np.maximum(gap, np.float32(-LLR_CAP), out=gap)
        return np.where(outside, gap, inside)

    def _age(self, body: Body, extra_lo: np.ndarray, extra_hi: np.ndarray) -> np.ndarray:
        if body.age_min is None and body.age_max is None:
            return np.zeros(self.n, dtype=np.float32)
        lo, hi = extra_lo, extra_hi  # age at death lies in [lo, hi] for this person at this site
        bmin = np.float32(body.age_min if body.age_min is not None else 0)
        bmax = np.float32(body.age_max if body.age_max is not None else 120)
        gap = np.maximum(bmin - hi, lo - bmax)
        llr = self._interval_llr(gap, self._age_known, AGE_IN_RANGE, AGE_DECAY)
        llr[~self._age_known] = 0
        return llr

    def _stature(self, body: Body) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        if (body.stature_min_cm is None and body.stature_max_cm is None) or not len(self._height):
            return out
        smin = np.float32((body.stature_min_cm or 0) - STATURE_TOLERANCE_CM)
        smax = np.float32((body.stature_max_cm or 300) + STATURE_TOLERANCE_CM)
        gap = np.maximum(smin - self._height, self._height - smax)
        out[self._height_idx] = self._interval_llr(gap, None, STATURE_IN_RANGE, STATURE_DECAY)
        return out

    def _buffer(self, name: str) -> np.ndarray:
        out = self._buffers[name]
        for idx in self._touched[name]:
            out[idx] = 0
        self._touched[name].clear()
        return out

    def _dental_llr(self, body: Body) -> np.ndarray:
        out = self._buffer("dental")
        touched = self._touched["dental"]
        chart = body.dental
        if chart is None or not chart.examined:
            return out
        non_sound = 0
        for (tooth, ante), idx in self._dental.items():
            post = chart.state(tooth)
            kind = classify(ante, post)
            if kind == "unknown":
                continue
            touched.append(idx)
            if kind == "concordant":
                share = len(idx) / self._dental_holders
                out[idx] += min(DENTAL_CONCORDANT_MAX, _rare(0.95, share))
            elif kind == "explainable":
                out[idx] += DENTAL_EXPLAINABLE
            else:
                out[idx] += DENTAL_EXCLUDING
        if len(self._all_sound):
            non_sound = sum(1 for state in chart.teeth.values() if state not in (Tooth.UNKNOWN, Tooth.SOUND))
            out[self._all_sound] += DENTAL_EXPLAINABLE * non_sound
            touched.append(self._all_sound)
        return out

    def _marks_llr(self, body: Body) -> np.ndarray:
        out = self._buffer("marks")
        for concept in body.marks:
            agree, other = side_variants(concept)
            hits = [self._marks[c] for c in agree if c in self._marks]
            if hits:
                idx = np.unique(np.concatenate(hits))
                out[idx] += min(LLR_CAP, _rare(MARK_RECALL, len(idx) / self.n))
                self._touched["marks"].append(idx)
            for c in other:
                if c in self._marks:
                    out[self._marks[c]] += MARK_OTHER_SIDE
                    self._touched["marks"].append(self._marks[c])
        if body.absent_marks:
            ruled_out = [
                c for c in self._marks if any(contradicted_by_absence(a, c) for a in body.absent_marks)
            ]
            if ruled_out:  # once per person, however many of their marks the examination rules out
                idx = np.unique(np.concatenate([self._marks[c] for c in ruled_out]))
                out[idx] += MARK_NOT_FOUND
                self._touched["marks"].append(idx)
        return out

    def _clothing_llr(self, body: Body) -> np.ndarray:
        out = self._buffer("clothing")
        for concept in body.clothing:
            idx = self._clothing.get(concept)
            if idx is not None:
                out[idx] += min(LLR_CAP, _rare(CLOTHING_RECALL, len(idx) / self.n))
                self._touched["clothing"].append(idx)
        return out

    def rank(self, body: Body, top: int = 10) -> list[Candidate]:
        """The `top` candidates for one body, best first, each with its per-feature log10 ratios."""
        vectors = self.feature_vectors(body)
        total = np.add(vectors["sex"], vectors["age"], out=self._total)
        for name in ("stature", "dental", "marks", "clothing", "date", "place"):
            total += vectors[name]
        k = min(top, self.n)
        if k <= 0:
            return []
        best = top_indices(total, k)
        return [
            Candidate(
                int(i),
                self.persons.keys[i],
                round(float(total[i]), 3),
                {name: round(float(vectors[name][i]), 3) for name in FEATURES},
            )
            for i in best
        ]


def top_indices(scores: np.ndarray, k: int, stride: int = 64) -> np.ndarray:
    """Indices of the `k` highest scores, best first (ties by index). The k-th best of every
    `stride`-th score is a floor at least k scores reach, so only the few above it are sorted:
    argpartition over 100,000 scores costs 25 times as much."""
    if k >= len(scores) or len(scores) < 4 * stride * k:
        chosen = np.arange(len(scores))
    else:
        sample = scores[::stride]
        floor = np.partition(sample, len(sample) - k)[len(sample) - k]
        chosen = np.flatnonzero(scores >= floor)
    order = np.lexsort((chosen, -scores[chosen]))
    return chosen[order[:k]]
