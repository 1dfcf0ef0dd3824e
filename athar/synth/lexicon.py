"""Name and place lexicon with precomputed spelling pools.

Everything a record needs to write a name is prepared here once: for each name, tuples of
spellings repeated by weight (English-style Latin, French-style Latin, clean Arabic, scanned Arabic).
Writing a record then costs one ``pool[int(random() * len(pool))]`` per name part, which is what
lets ``bench/synth.py`` write some 20,000 persons a second on one core.

Family names and their frequencies come from ``athar.synth.surnames`` (thousands of names, Zipf by
rank, clans by governorate); men's given names are ``data/given_male.tsv`` plus a tail of old names
still given to boys. The tables are read from ``data/`` (``athar.synth.tables``). A rule-made
spelling that is another name's real spelling is dropped: rules respell a name, they must not turn
it into another one.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from athar.synth import surnames, tables
from athar.synth.arabic import arabic_pools
from athar.synth.latin import article_forms, expand, french, french_article_forms, rule_variants

KNOWN_WEIGHT = 4  # each listed real spelling; rule-made spellings weigh 1
FIRST_BONUS = 4  # the first listed spelling is the commonest


@dataclass(frozen=True, slots=True)
class Name:
    """One name (given or family) with its spelling pools."""

    ar: str
    latin: str  # the commonest Latin spelling, used in persons.csv
    canonical: str
    weight: float
    en: tuple[str, ...]
    fr: tuple[str, ...]
    ar_clean: tuple[str, ...]
    ar_scan: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Place:
    """A town: Arabic name, Latin spellings (first canonical), governorate index."""

    ar: str
    latin: tuple[str, ...]
    gov: int
    weight: float


@dataclass(frozen=True)
class Lexicon:
    """All names and places, with sampling weights as numpy arrays."""

    given: tuple[Name, ...]  # male first, then female
    n_male: int
    family: tuple[Name, ...]
    male_p: np.ndarray  # probabilities over given[:n_male]
    female_p: np.ndarray  # probabilities over given[n_male:]
    family_p: np.ndarray  # overall frequencies (Zipf by rank)
    family_p_by_gov: tuple[np.ndarray, ...]  # per governorate: clans live where they live
    gov_keys: tuple[str, ...]
    gov_ar: tuple[str, ...]
    gov_latin: tuple[tuple[str, ...], ...]
    gov_p: np.ndarray
    towns: tuple[Place, ...]
    town_p_by_gov: tuple[np.ndarray, ...]  # per governorate: probabilities over its towns
    towns_by_gov: tuple[np.ndarray, ...]  # per governorate: indices into towns
    branches: tuple[str, ...]  # expanded by weight
    hospitals: tuple[str, ...]
    return_points: tuple[str, ...]


def _known(spellings: str) -> list[str]:
    return [k.strip() for k in spellings.split(",") if k.strip()]


def _owners(rows: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Lower-cased known spelling -> the names (keys) that list it as theirs."""
    out: dict[str, set[str]] = {}
    for key, spellings in rows:
        for k in _known(spellings):
            out.setdefault(k.lower(), set()).add(key)
    return out


def _own(variants: list[str], key: str, owners: dict[str, set[str]]) -> list[str]:
    """Rule-made spellings that are not another name's known spelling.

    Rules only respell a name; when a rule lands on another name's real spelling (حمد Hamad ->
    Hammad, which is حماد; ثامر Thamer -> Samer, which is سامر) it changes who is named, so it goes.
    """
    return [v for v in variants if not (owners.get(v.lower(), set()) - {key})]


def _given_name(row: Sequence[str], rng: random.Random, owners: dict[str, set[str]]) -> Name:
    ar, canonical, weight, known_s = row
    known = _known(known_s)
    weighted = [(known[0], FIRST_BONUS)] + [(k, KNOWN_WEIGHT) for k in known]
    rules = _own(rule_variants(canonical, ar.endswith("ة"), ar), ar, owners)
    weighted += [(v, 1) for v in rules if v not in known]
    en = expand(weighted)
    fr = expand([(french(s), 3 * w) for s, w in weighted if w > 1] + [(k, 2) for k in known[:2]])
    clean, scan = arabic_pools(ar, rng)
    return Name(ar, known[0], canonical, float(weight), en, fr, clean, scan)


def _family_name(
    row: surnames.FamilyRow, weight: float, rng: random.Random, owners: dict[str, set[str]]
) -> Name:
    ar, canonical = row.ar, row.canonical
    known = _known(row.known)
    stems = [(known[0], FIRST_BONUS)] + [(k, KNOWN_WEIGHT) for k in known]
    rules = _own(rule_variants(canonical, ar.endswith("ة"), ar)[:4], canonical, owners)
    stems += [(v, 1) for v in rules if v not in known]
    clean, scan = arabic_pools(ar, rng)
    if row.article:
        en = expand([(f, w * sw) for s, sw in stems for f, w in article_forms(s, canonical)])
        fr = expand([(f, w * sw) for s, sw in stems[:3] for f, w in french_article_forms(s)])
        latin = f"Al-{known[0]}"
        bare = ar[2:] if ar.startswith("ال") else ar
        clean = clean + (bare,) * max(1, len(clean) // 12)  # some lists drop the article
        scan = scan + (bare,) * max(1, len(scan) // 12)
    else:
        en = expand(stems)
        fr = expand([(french(s), 3 * w) for s, w in stems] + [(known[0], 2)])
        latin = known[0]
    return Name(ar, latin, canonical, weight, en, fr, clean, scan)


def _family_p_by_gov(
    rows: list[surnames.FamilyRow], p: np.ndarray, gov_keys: list[str]
) -> tuple[np.ndarray, ...]:
    """Per governorate, family-name probabilities: a regional name is common at home, rare elsewhere."""
    out = []
    for key in gov_keys:
        mult = np.array(
            [
                1.0
                if not r.regions
                else (surnames.REGION_BOOST if key in r.regions else surnames.REGION_ELSEWHERE)
                for r in rows
            ]
        )
        out.append(_probs(list(p * mult)))
    return tuple(out)


def _probs(weights: list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Build the lexicon (once per process; deterministic)."""
    rng = random.Random(20240601)  # fixed: pools must not depend on the caller's seed
    male_rows = tables.read("given_male.tsv")
    given_rows = [*male_rows, *surnames.given_tail(male_rows)]
    female_rows = tables.read("given_female.tsv")
    owners = _owners([(r[0], r[3]) for r in [*given_rows, *female_rows]])
    male = [_given_name(r, rng, owners) for r in given_rows]
    female = [_given_name(r, rng, owners) for r in female_rows]
    family_rows = surnames.family_rows(male_rows, tables.read("towns.tsv"))
    family_p = surnames.zipf_probs([r.prior for r in family_rows])
    stem_owners = _owners([(r.canonical, r.known) for r in family_rows])  # الأحمد and أحمد share a stem
    family = [_family_name(r, float(w), rng, stem_owners) for r, w in zip(family_rows, family_p, strict=True)]
    govs = tables.read("governorates.tsv")
    gov_index = {g[0]: i for i, g in enumerate(govs)}
    towns = [
        Place(ar, tuple(s.strip() for s in latin.split(",")), gov_index[key], float(w))
        for key, ar, latin, w in tables.read("towns.tsv")
    ]
    towns_by_gov = tuple(
        np.array([i for i, t in enumerate(towns) if t.gov == g], dtype=np.int64) for g in range(len(govs))
    )
    town_p = tuple(_probs([towns[i].weight for i in idx]) for idx in towns_by_gov)

    def weighted(table: str) -> tuple[str, ...]:
        return expand((name, int(weight)) for name, weight in tables.read(table))

    return Lexicon(
        given=tuple(male + female),
        n_male=len(male),
        family=tuple(family),
        male_p=_probs([n.weight for n in male]),
        female_p=_probs([n.weight for n in female]),
        family_p=family_p,
        family_p_by_gov=_family_p_by_gov(family_rows, family_p, [g[0] for g in govs]),
        gov_keys=tuple(g[0] for g in govs),
        gov_ar=tuple(g[1] for g in govs),
        gov_latin=tuple(tuple(s.strip() for s in g[2].split(",")) for g in govs),
        gov_p=_probs([float(g[3]) for g in govs]),
        towns=tuple(towns),
        town_p_by_gov=town_p,
        towns_by_gov=towns_by_gov,
        branches=weighted("detention_places.tsv"),
        hospitals=weighted("hospitals.tsv"),
        return_points=weighted("return_points.tsv"),
    )
