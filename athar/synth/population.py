"""The true population: households of missing people, their names, dates and fates.

Built column-wise with numpy so that a million persons take a few seconds.  Structure that makes
linkage hard is generated on purpose:

* households of 1-4 missing siblings who share father, grandfather, mother and family name, often
  arrested together on the same day;
* clans: about a quarter of households are cousins of the previous one (same family name,
  grandfather and town, different father), which makes namesakes and near-namesakes;
* Zipf-like name frequencies (محمد about one man in eight), sons named after their grandfather;
* about two thousand family names with a Zipf tail, clans mostly in their own governorates
  (``athar.synth.surnames``);
* siblings born at least ~10 months apart unless twins;
* mothers often from the same family (cousin marriage), so the mother's family name is no key.
"""

from dataclasses import dataclass

import numpy as np

from athar.synth.lexicon import Lexicon

FATES = (
    "detained_disappeared",  # arrested, never seen again, fate unknown
    "detained_died",  # died in detention
    "detained_released",
    "disappeared",  # missing, no known arrest
    "killed",  # died outside detention
    "returned",  # missing for a time, later came back from abroad or displacement
)
FATE_P = np.array([0.30, 0.15, 0.12, 0.20, 0.10, 0.13])
HOUSEHOLD_SIZES = np.array([1, 2, 3, 4])
HOUSEHOLD_SIZE_P = np.array([0.55, 0.25, 0.13, 0.07])
EVENT_YEARS = np.arange(2011, 2021)
EVENT_YEAR_P = np.array([4, 10, 14, 12, 9, 7, 5, 4, 3, 2], dtype=float) / 70
EPOCH_YEAR = 1970
NO_DATE = -10_000_000  # "no such date" (days since 1970; far outside any real date)
# Days between the births of successive missing siblings: at least ~10 months, typically 2-4 years
# (a gamma tail: other children may be born between two missing ones); TWIN_P share a birth date.
MIN_SPACING = 300
SPACING_SHAPE = 2.0
SPACING_SCALE = 420.0
TWIN_P = 0.028


def _days(year: int, month: int = 1, day: int = 1) -> int:
    return int(np.datetime64(f"{year:04d}-{month:02d}-{day:02d}", "D").astype(np.int64))


@dataclass
class Population:
    """Column arrays, one entry per person (``n``) or per household (``h_*``).

    Dates are days since 1970-01-01; ``NO_DATE`` means none.
    """

    n: int
    hh: np.ndarray
    pos: np.ndarray  # position among siblings (0 = eldest)
    hh_size: np.ndarray  # per person: number of missing siblings in the household
    sex: np.ndarray  # 0 male, 1 female
    given: np.ndarray  # index into lexicon.given
    father: np.ndarray  # per person (copied from household)
    grandfather: np.ndarray
    family: np.ndarray  # index into lexicon.family
    mother: np.ndarray  # index into lexicon.given (female)
    mother_family: np.ndarray
    town: np.ndarray
    gov: np.ndarray
    french: np.ndarray  # household lives in France: the family writes French spellings
    birth: np.ndarray
    event: np.ndarray  # arrest / disappearance / last seen
    death: np.ndarray
    release: np.ndarray  # release from detention or return home
    fate: np.ndarray  # index into FATES
    national_id: np.ndarray  # int64, 11 digits when zero-padded


def _draw_given(rng: np.random.Generator, lex: Lexicon, sex: np.ndarray) -> np.ndarray:
    out = rng.choice(lex.n_male, size=sex.size, p=lex.male_p)
    fem = sex == 1
    out[fem] = lex.n_male + rng.choice(len(lex.given) - lex.n_male, size=int(fem.sum()), p=lex.female_p)
    return out


def _by_gov(
    rng: np.random.Generator,
    gov: np.ndarray,
    p_by_gov: tuple[np.ndarray, ...],
    values: tuple[np.ndarray, ...] | None = None,
) -> np.ndarray:
    """One draw per entry of ``gov`` from that governorate's distribution (over ``values[g]``)."""
    out = np.empty(gov.size, dtype=np.int64)
    for g, p in enumerate(p_by_gov):
        sel = gov == g
        k = int(sel.sum())
        out[sel] = rng.choice(values[g] if values is not None else p.size, size=k, p=p)
    return out


def build(n: int, rng: np.random.Generator, lex: Lexicon) -> Population:
    """Draw ``n`` persons in households."""
    sizes = rng.choice(HOUSEHOLD_SIZES, size=n // 1 + 1, p=HOUSEHOLD_SIZE_P)
    cum = np.cumsum(sizes)
    h = int(np.searchsorted(cum, n)) + 1
    sizes = sizes[:h].copy()
    sizes[-1] -= int(cum[h - 1] - n)
    start = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    hh = np.repeat(np.arange(h), sizes)
    pos = np.arange(n) - start[hh]

    # Households; clan members copy family name, grandfather and town from the clan's first household.
    link = rng.random(h) < 0.25
    link[0] = False
    anchor = np.maximum.accumulate(np.where(link, 0, np.arange(h)))
    gov = rng.choice(len(lex.gov_keys), size=h, p=lex.gov_p)[anchor]
    family = _by_gov(rng, gov, lex.family_p_by_gov)[anchor]  # clans live in their governorates
    grandfather = rng.choice(lex.n_male, size=h, p=lex.male_p)[anchor]
    father = rng.choice(lex.n_male, size=h, p=lex.male_p)
    for _ in range(3):  # a father rarely carries his own father's name
        same = father == grandfather
        father[same] = rng.choice(lex.n_male, size=int(same.sum()), p=lex.male_p)
    town = _by_gov(rng, gov, lex.town_p_by_gov, lex.towns_by_gov)[anchor]
    mother = lex.n_male + rng.choice(len(lex.given) - lex.n_male, size=h, p=lex.female_p)
    cousin_marriage = rng.random(h) < 0.35
    mother_family = np.where(cousin_marriage, family, _by_gov(rng, gov, lex.family_p_by_gov))
    french = rng.random(h) < 0.08

    # Persons: mostly men; the eldest son is sometimes named after his grandfather.
    sex = (rng.random(n) < np.where(pos == 0, 0.10, 0.15)).astype(np.int8)
    given = _draw_given(rng, lex, sex)
    after_grandfather = (pos == 0) & (sex == 0) & (rng.random(n) < 0.08)
    given[after_grandfather] = grandfather[hh[after_grandfather]]
    for _ in range(8):  # siblings carry different given names
        clash = np.zeros(n, dtype=bool)
        for k in (1, 2, 3):
            prev = np.roll(given, k)
            clash |= (pos >= k) & (given == prev)
        if not clash.any():
            break
        given[clash] = _draw_given(rng, lex, sex[clash])

    # Dates: a household event (raid, arrest at a checkpoint) that most siblings share.
    h_year = rng.choice(EVENT_YEARS, size=h, p=EVENT_YEAR_P)
    h_event = (h_year - EPOCH_YEAR) * 365.25 + rng.integers(0, 365, size=h)
    own_year = rng.choice(EVENT_YEARS, size=n, p=EVENT_YEAR_P)
    own_event = (own_year - EPOCH_YEAR) * 365.25 + rng.integers(0, 365, size=n)
    together = rng.random(n) < 0.6
    event = np.where(together, h_event[hh], own_event).astype(np.int64)

    # Births: the eldest's age at the household's event, then each younger sibling at least
    # MIN_SPACING days later (missing siblings need not be adjacent: other children may come
    # between), except twins.  A household is shifted whole to keep births within 1950-2008.
    u = rng.random(h)
    eldest_age = np.where(
        u < 0.82,
        rng.triangular(18, 24, 46, size=h),
        np.where(u < 0.94, rng.uniform(46, 66, size=h), rng.uniform(14, 18, size=h)),
    )
    eldest_birth = h_event - eldest_age * 365.25 - rng.integers(0, 365, size=h)
    gaps = MIN_SPACING + rng.gamma(SPACING_SHAPE, SPACING_SCALE, size=n)
    gaps[rng.random(n) < TWIN_P] = 0.0
    gaps[pos == 0] = 0.0
    gaps = np.round(gaps)
    cs = np.cumsum(gaps)
    birth = (eldest_birth[hh] + (cs - cs[start[hh]])).astype(np.int64)
    lo, hi = _days(1950, 1, 1), _days(2008, 12, 31)
    if n:
        h_min, h_max = birth[start], birth[start + sizes - 1]  # births rise within a household
        shift = np.where(h_max > hi, hi - h_max, 0) + np.where(h_min < lo, lo - h_min, 0)
        birth = np.clip(birth + shift[hh], lo, hi)

    # Fates: siblings mostly share what happened to the household.
    h_fate = rng.choice(len(FATES), size=h, p=FATE_P)
    fate = np.where(rng.random(n) < 0.65, h_fate[hh], rng.choice(len(FATES), size=n, p=FATE_P))
    death = np.full(n, NO_DATE, dtype=np.int64)
    release = np.full(n, NO_DATE, dtype=np.int64)
    died = fate == FATES.index("detained_died")
    death[died] = event[died] + 20 + rng.exponential(300, size=int(died.sum())).astype(np.int64)
    killed = fate == FATES.index("killed")
    death[killed] = event[killed]
    freed = fate == FATES.index("detained_released")
    release[freed] = event[freed] + 60 + rng.exponential(500, size=int(freed.sum())).astype(np.int64)
    back = fate == FATES.index("returned")
    ret = _days(2017) + rng.integers(0, 8 * 365, size=int(back.sum()))
    release[back] = np.maximum(ret, event[back] + 365)
    end = _days(2024, 12, 31)
    death = np.where(death > end, end, death)
    release = np.where(release > end, end, release)

    gov_p = gov[hh]
    national_id = (gov_p + 1).astype(np.int64) * 1_000_000_000 + rng.integers(0, 1_000_000_000, size=n)

    return Population(
        n=n,
        hh=hh,
        pos=pos,
        hh_size=sizes[hh],
        sex=sex,
        given=given,
        father=father[hh],
        grandfather=grandfather[hh],
        family=family[hh],
        mother=mother[hh],
        mother_family=mother_family[hh],
        town=town[hh],
        gov=gov_p,
        french=french[hh],
        birth=birth,
        event=event,
        death=death,
        release=release,
        fate=fate,
        national_id=national_id,
    )
