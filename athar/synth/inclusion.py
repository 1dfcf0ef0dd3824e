"""Who appears in which list, and how many times.

Inclusion is deliberately not independent across lists, because real lists are not:

* families report whole households (a family that reaches an NGO names all its missing), more
  often from governorates whose people fled abroad (Daraa, Homs, Rif Dimashq, Aleppo) than from
  the coast;
* detention registers hold only the detained; the dead of detention are much more likely to be
  in a morgue log when they are in a register (the same bureaucracy photographed and numbered them);
* returnee registrations hold only the released and the returned, who are never in a morgue log;
* some persons are in no list at all: that is what estimation must recover.

A person can be written twice in one list (two relatives report; a detainee transferred between
branches): those are the within-source duplicates.
"""

from dataclasses import dataclass

import numpy as np

from athar.synth.lexicon import Lexicon
from athar.synth.population import FATES, NO_DATE, Population

SOURCES = ("families", "detention", "returnees", "morgue")

# Families' reporting propensity by governorate (where the families fled to matters).
GOV_REPORTING = {
    "DRA": 1.3,
    "HMS": 1.3,
    "RDM": 1.2,
    "ALE": 1.15,
    "IDL": 1.1,
    "DAM": 1.0,
    "HMA": 1.0,
    "QUN": 0.9,
    "DEZ": 0.9,
    "RAQ": 0.8,
    "HSK": 0.7,
    "LAT": 0.5,
    "SWD": 0.5,
    "TAR": 0.4,
}
# Given that the household reports, chance that a member is named, by fate.
FAMILY_BY_FATE = np.array([0.85, 0.80, 0.45, 0.85, 0.55, 0.35])
DUPLICATE_RATE = {"families": 0.05, "detention": 0.07, "returnees": 0.02, "morgue": 0.02}


@dataclass
class Inclusion:
    """Per source, the person index of every record (duplicates repeated), in file order."""

    persons: dict[str, np.ndarray]


def _fate(name: str) -> int:
    return FATES.index(name)


def draw(pop: Population, rng: np.random.Generator, lex: Lexicon) -> Inclusion:
    """Decide list membership and duplicates for every person."""
    n, fate = pop.n, pop.fate
    h = int(pop.hh.max()) + 1 if n else 0
    gov_mult = np.array([GOV_REPORTING[k] for k in lex.gov_keys])
    h_gov = np.zeros(h, dtype=np.int64)
    h_gov[pop.hh] = pop.gov
    h_reports = rng.random(h) < np.clip(0.62 * gov_mult[h_gov], 0, 0.95)
    in_fam = h_reports[pop.hh] & (rng.random(n) < FAMILY_BY_FATE[fate])

    detained = np.isin(
        fate, [_fate("detained_disappeared"), _fate("detained_died"), _fate("detained_released")]
    )
    in_det = detained & (rng.random(n) < 0.6)

    p_morgue = np.zeros(n)
    died = fate == _fate("detained_died")
    p_morgue[died] = np.where(in_det[died], 0.65, 0.25)
    p_morgue[fate == _fate("killed")] = 0.5
    in_morgue = (rng.random(n) < p_morgue) & (pop.death != NO_DATE)

    p_ret = np.zeros(n)
    p_ret[fate == _fate("detained_released")] = 0.55
    p_ret[fate == _fate("returned")] = 0.7
    in_ret = rng.random(n) < p_ret

    persons = {}
    for name, inc in zip(SOURCES, (in_fam, in_det, in_ret, in_morgue), strict=True):
        idx = np.flatnonzero(inc)
        dup = idx[rng.random(idx.size) < DUPLICATE_RATE[name]]
        both = np.concatenate([idx, dup])
        persons[name] = both[rng.permutation(both.size)]
    return Inclusion(persons)
