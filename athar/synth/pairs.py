"""Labelled pairs of full names, as different lists would write them, for evaluating name similarity.

Kinds:

* ``same``: one person written by two lists (Arabic and Latin, two Latin spellings, two Arabic
  renderings with clerks' habits or scan noise, and different name orders);
* ``sibling``: brothers or sisters: same father, grandfather and family name, another given name;
* ``namesake``: a very common given name with a common family name, different father;
* ``random``: two unrelated people.

Every kind draws its two renderings from the same mixture of scripts, orders and spellings, so a
matcher cannot tell the label from the shape of the strings.  About half the pairs are ``same``;
siblings and namesakes make 60% of the negatives.
"""

import random
from dataclasses import dataclass

import numpy as np

from athar.synth.lexicon import Lexicon, Name, lexicon

KIND_P = (("same", 0.5), ("sibling", 0.15), ("namesake", 0.15), ("random", 0.2))
COMMON_GIVEN = 6  # namesakes use one of the six commonest men's names (محمد, أحمد, ...)
COMMON_FAMILY = 15
MALE_SHARE = 0.85  # of the people drawn (most of the missing are men)
# (script of a, script of b) for any pair: Arabic-Latin, Latin-Latin, Arabic-Arabic
SCRIPT_MIX = (("ar", "la", 0.4), ("la", "la", 0.35), ("ar", "ar", 0.25))


@dataclass(frozen=True, slots=True)
class NamePair:
    """Two full names and whether they name the same person."""

    a: str
    b: str
    same: bool
    kind: str


@dataclass(frozen=True, slots=True)
class _Person:
    given: int
    father: int
    grandfather: int
    family: int


def _pick(pool: tuple[str, ...], rnd: random.Random) -> str:
    return pool[int(rnd.random() * len(pool))]


def render(p: _Person, script: str, lex: Lexicon, rnd: random.Random) -> str:
    """One list's way of writing a person's full name."""
    g, f, gf, fam = lex.given[p.given], lex.given[p.father], lex.given[p.grandfather], lex.family[p.family]
    if script == "ar":
        scanned = rnd.random() < 0.4

        def spell(n: Name) -> str:
            return _pick(n.ar_scan if scanned else n.ar_clean, rnd)

        u = rnd.random()
        if u < 0.55:
            return f"{spell(g)} {spell(f)} {spell(fam)}"
        if u < 0.85:
            return f"{spell(g)} {spell(f)} {spell(gf)} {spell(fam)}"
        return f"{spell(g)} {spell(fam)}"

    style = rnd.random()  # French family, NGO worker, official

    def spell_latin(n: Name) -> str:
        return _pick(n.fr if style < 0.15 else n.en, rnd)

    u = rnd.random()
    if u < 0.45:
        s = f"{spell_latin(g)} {spell_latin(f)} {spell_latin(fam)}"
    elif u < 0.6:
        s = f"{spell_latin(g)} {spell_latin(fam)}"
    elif u < 0.8:
        s = f"{spell_latin(fam).upper()}, {spell_latin(g)} {spell_latin(f)}"
    else:
        s = f"{spell_latin(g)} {spell_latin(f)} {spell_latin(gf)} {spell_latin(fam)}"
    return s.upper() if style > 0.7 else s


def _person(lex: Lexicon, rng: np.random.Generator, male: bool) -> _Person:
    given = (
        int(rng.choice(lex.n_male, p=lex.male_p))
        if male
        else lex.n_male + int(rng.choice(len(lex.given) - lex.n_male, p=lex.female_p))
    )
    father, grandfather = (int(x) for x in rng.choice(lex.n_male, size=2, p=lex.male_p))
    return _Person(given, father, grandfather, int(rng.choice(len(lex.family), p=lex.family_p)))


def _other_given(lex: Lexicon, rng: np.random.Generator, p: _Person) -> int:
    male = p.given < lex.n_male
    while True:
        g = _person(lex, rng, male).given
        if g != p.given:
            return g


def name_pairs(n: int, seed: int = 0) -> list[NamePair]:
    """``n`` labelled pairs of full names; deterministic for a seed."""
    lex = lexicon()
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    kinds = [k for k, _ in KIND_P]
    kind_of = rng.choice(len(kinds), size=n, p=[p for _, p in KIND_P])
    scripts = rng.choice(len(SCRIPT_MIX), size=n, p=[m[2] for m in SCRIPT_MIX])
    common_family = np.argsort(-lex.family_p, kind="stable")[:COMMON_FAMILY]
    out: list[NamePair] = []
    for k, s in zip(kind_of.tolist(), scripts.tolist(), strict=True):
        kind = kinds[k]
        male = rng.random() < MALE_SHARE
        p = _person(lex, rng, male)
        if kind == "same":
            q = p
        elif kind == "sibling":
            q = _Person(_other_given(lex, rng, p), p.father, p.grandfather, p.family)
        elif kind == "namesake":
            given = int(rng.integers(0, COMMON_GIVEN))
            family = int(rng.choice(common_family))
            p = _Person(given, p.father, p.grandfather, family)
            other = _person(lex, rng, True)
            while other.father == p.father:
                other = _person(lex, rng, True)
            q = _Person(given, other.father, other.grandfather, family)
        else:
            q = _person(lex, rng, rng.random() < MALE_SHARE)
        sa, sb = SCRIPT_MIX[s][0], SCRIPT_MIX[s][1]
        if rnd.random() < 0.5:
            sa, sb = sb, sa
        out.append(NamePair(render(p, sa, lex, rnd), render(q, sb, lex, rnd), kind == "same", kind))
    return out


def name_corpus(n: int, seed: int = 0) -> list[str]:
    """The full names of ``n`` people drawn from the same population, each as one list of the same
    mixture of scripts and habits writes it: the records a store holds, to count names in."""
    lex = lexicon()
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    scripts = ("ar", "la")
    return [
        render(_person(lex, rng, rng.random() < MALE_SHARE), scripts[int(rnd.random() < 0.5)], lex, rnd)
        for _ in range(n)
    ]
