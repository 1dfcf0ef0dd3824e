"""Syrian family names, built the ways they arise, with a long-tailed frequency and regions.

Compiled by the Athar project from general knowledge of how Syrian family names are formed; no
personal data was used.  Real Syria has thousands of family names; a few hundred would make
namesakes (same given and family name, another father) far commoner than they are.  The names
come from:

* the hand-listed table ``data/family_common.tsv`` (the commonest names, with real spellings);
* men's given names, old and current: al-X (الخالد), bare X (خالد) and Abu X (أبو خالد);
* places: the nisba of a town, region or city (الحلبي, الدوماني, الديري, النابلسي), composed from
  the town table and a wider list of places by rule, with the irregular ones given
  (``data/town_nisbas.tsv``, ``data/nisba_places.tsv``);
* trades and offices (النجار, الحداد, القهوجي, الخطيب), some also without the article;
* tribes and clans, each tied to the governorates where it lives (الزعبي in Daraa, العكيدي on the
  Euphrates, البرازي in Hama);
* descriptive and other old forms (الأسمر, الطويل, شحادة, قدور, خطاب, حمدان) and compounds
  (الحاج حسين, الشيخ علي);
* Kurdish, Turkmen, Circassian, Armenian, Syriac and other Christian names, mostly in the north and
  north-east.

The tables are in ``data/`` (``tables.read``; columns and sources in ``data/README.md``).
Every name gets a prior weight (its kind, its hand weight, a fixed random jitter); the names are
ranked by it and given Zipf frequencies by rank (``ZIPF_S``, ``ZIPF_Q``), so the top ten hold about
a tenth of people, the top hundred about a third, and most names are rare.  Clan names are drawn
mostly in their own governorates (``REGION_BOOST``).
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from athar.synth import tables

ZIPF_S = 0.9  # p(rank) ~ (rank + ZIPF_Q) ** -ZIPF_S
ZIPF_Q = 10
JITTER = 0.6  # sigma of the log-normal jitter on prior weights (interleaves the kinds in the tail)
REGION_BOOST = 6.0  # a regional name in its own governorates, relative to its overall weight
REGION_ELSEWHERE = 0.15  # ... and elsewhere


@dataclass(frozen=True, slots=True)
class FamilyRow:
    """One family name: Arabic, canonical Latin stem, article, known spellings, prior, regions."""

    ar: str
    canonical: str
    article: bool
    known: str  # comma-separated Latin spellings of the stem (without the article)
    prior: float
    regions: tuple[str, ...] = ()  # governorate keys; empty: everywhere


# Euphrates clans named آل بو X (البوحسن Al-Bu Hasan) live here.
ALBU_REGIONS = ("DEZ", "RAQ")
# The long tail: every forefather's name (given or old) also gives, less often, الحاج X, الشيخ X,
# البوX (on the Euphrates) and the nisba الXي, where the -ي form reads as a name.
NO_NISBA = {"جهاد", "سامر", "فادي"}  # الجهادي, السامري (Samaritan) read as other words
# Old names still given to boys (the long tail of men's given names); not the diminutives.
NOT_GIVEN = {"عبدو", "حمدو", "عبيدو", "حمودة", "خلوف", "شحود", "حسين علي", "عليوي", "فاعور", "سعدون"}
ROOT_GIVEN_WEIGHT = 0.5  # per name, against 1-90 in given_male.tsv

# Prior weight of each kind, before jitter (the hand table keeps its own weights, scaled).
PRIOR = {
    "hand": 3.0,  # times the hand weight (1-14): the commonest names stay on top
    "given_article": 0.9,  # times sqrt(given weight)
    "given_bare": 0.55,
    "given_abu": 0.3,
    "root_article": 0.8,
    "root_bare": 0.5,
    "root_abu": 0.25,
    "other": 0.8,
    "trade": 1.0,
    "trade_bare": 0.4,
    "clan": 1.6,
    "minority": 0.5,
    "nisba": 0.6,
    "ancestor": 0.5,
    "albu": 0.7,
    "compound_bare": 0.35,
    "title": 0.5,
    "tail": 0.22,
    "town_nisba": 0.9,
}
ABU_SPELLINGS = ("Abu", "Abou", "Abo")


def _article(ar: str) -> bool:
    return ar.startswith("ال") and not ar.startswith("الله")


def nisba(place_ar: str, place_latin: str) -> tuple[str, str]:
    """The family name that says "from this place", by the regular rule.

    Arabic: drop the article; -ية becomes -ي (حمورية -> الحموري), ة or a final alif becomes -اوي
    (الرقة -> الرقاوي, درعا -> الدرعاوي), otherwise add ي (حلب -> الحلبي); then the article.
    Latin likewise: Raqqa -> Raqqawi, Daraa -> Daraawi, Halab -> Halabi.  Multi-word places need
    an override.
    """
    ar = place_ar[2:] if place_ar.startswith("ال") else place_ar
    latin = place_latin
    for prefix in ("Al-", "Ar-", "As-", "At-", "Ad-", "Az-", "Ash-", "An-", "Al "):
        if latin.startswith(prefix):
            latin = latin[len(prefix) :]
    if ar.endswith("ية") and len(ar) > 4:
        ar_n = ar[:-1]  # الحميدية -> الحميدي
        for end in ("iyyah", "iyya", "iyeh", "iyah", "iya", "ieh", "yya", "ia"):
            if latin.endswith(end):
                latin = latin[: -len(end)]
                break
        latin_n = latin + "i"
    elif ar.endswith("ة"):
        ar_n = ar[:-1] + "اوي"
        for end in ("ah", "eh", "a", "e"):
            if latin.endswith(end):
                latin = latin[: -len(end)]
                break
        latin_n = latin + "awi"
    elif ar.endswith("ى"):
        ar_n = ar[:-1] + "اوي"
        latin_n = (latin[:-1] if latin.endswith("a") else latin) + "awi"
    elif ar.endswith("ا"):
        ar_n = ar + "وي"
        latin_n = latin + "wi"
    else:
        ar_n = ar + "ي"
        latin_n = latin + "i"
    return "ال" + ar_n, latin_n


def _nisba_known(latin: str) -> str:
    """Known spellings of a nisba stem: Halabi, Halaby."""
    out = [latin]
    if latin.endswith("i"):
        out.append(latin[:-1] + "y")
    return ",".join(out)


def _forefathers(form: str) -> list[tables.Row]:
    """Rows of family_forefathers.tsv of one form (nisba, albu, hajj, shaykh, agha), in file order."""
    return [row for row in tables.read("family_forefathers.tsv") if row[1] == form]


def family_rows(male_given: Sequence[Sequence[str]], towns: Sequence[Sequence[str]]) -> list[FamilyRow]:
    """Every family name once (first kind wins), with its prior weight before jitter."""
    rows: dict[str, FamilyRow] = {}

    def add(ar: str, canonical: str, known: str, prior: float, regions: tuple[str, ...] = ()) -> None:
        if ar not in rows and prior > 0:
            article = _article(ar)
            rows[ar] = FamilyRow(ar, canonical, article, known or canonical, prior, regions)

    canon: dict[str, tuple[str, str]] = {}
    for ar, canonical, weight, article, known in tables.read("family_common.tsv"):
        rows[ar] = FamilyRow(ar, canonical, article == "1", known, PRIOR["hand"] * float(weight))
        canon[ar[2:] if article == "1" else ar] = (canonical, known)

    def from_name(ar: str, canonical: str, known: str, scale: float, kind: str) -> None:
        spellings = [k.strip() for k in known.split(",") if k.strip()]
        abu = ",".join(f"{p} {k}" for p in ABU_SPELLINGS for k in spellings[:2])
        add("ال" + ar, canonical, ",".join(spellings), PRIOR[f"{kind}_article"] * scale)
        add(ar, canonical, ",".join(spellings), PRIOR[f"{kind}_bare"] * scale)
        add("أبو " + ar, f"Abu {canonical}", abu, PRIOR[f"{kind}_abu"] * scale)

    forenames: list[tuple[str, str, str]] = []
    for ar, canonical, weight, known in male_given:
        canon[ar] = (canonical, known)
        forenames.append((ar, canonical, known))
        if " " not in ar:
            from_name(ar, canonical, known, float(weight) ** 0.5, "given")
        else:  # عبد الكريم, نور الدين as family names
            add(ar, canonical, known, PRIOR["compound_bare"] * float(weight) ** 0.5)
    for ar, canonical, known in tables.read("family_roots.tsv"):
        canon.setdefault(ar, (canonical, known))
        forenames.append((ar, canonical, known))
        if " " in ar:
            add(ar, canonical, known, PRIOR["root_bare"])
        else:
            from_name(ar, canonical, known, 1.0, "root")

    # Clans before the rest, so that a clan name keeps its regions.
    for ar, canonical, known, regions in tables.read("family_clans.tsv"):
        if ar in rows:
            rows[ar] = FamilyRow(**{**_asdict(rows[ar]), "regions": tuple(regions.split())})
        else:
            add(ar, canonical, known, PRIOR["clan"], tuple(regions.split()))
    for ar, canonical, known, regions in tables.read("family_minorities.tsv"):
        if ar in rows:
            rows[ar] = FamilyRow(**{**_asdict(rows[ar]), "regions": tuple(regions.split())})
        else:
            add(ar, canonical, known, PRIOR["minority"], tuple(regions.split()))
    for ar, canonical, known, region_keys in tables.read("family_other.tsv"):
        other_regions = tuple(region_keys.split())
        if ar in rows and other_regions and not rows[ar].regions:
            rows[ar] = FamilyRow(**{**_asdict(rows[ar]), "regions": other_regions})
        add(ar, canonical, known, PRIOR["other"], other_regions)
    for ar, canonical, known, bare_too in tables.read("family_trades.tsv"):
        add(ar, canonical, known, PRIOR["trade"])
        if bare_too == "1":
            add(ar[2:], canonical, known, PRIOR["trade_bare"])

    for word, _form, nisba_ar, nisba_latin in _forefathers("nisba"):
        canonical = canon[word][0]
        n_ar, n_la = (nisba_ar, nisba_latin) if nisba_ar else ("ال" + word + "ي", canonical + "i")
        add(n_ar, n_la, _nisba_known(n_la), PRIOR["ancestor"])
    for word, *_ in _forefathers("albu"):
        canonical, known = canon[word]
        first = known.split(",")[0].strip()
        add("البو" + word, f"Bu {canonical}", f"Bu {first},Bou {first}", PRIOR["albu"], ALBU_REGIONS)

    for word, *_ in _forefathers("hajj"):
        canonical, known = canon[word]
        ks = [k.strip() for k in known.split(",")][:2]
        add(
            f"الحاج {word}",
            f"Hajj {canonical}",
            ",".join(f"{h} {k}" for k in ks for h in ("Haj", "Hajj")),
            PRIOR["title"],
        )
    for word, *_ in _forefathers("shaykh"):
        canonical, known = canon[word]
        ks = [k.strip() for k in known.split(",")][:2]
        add(
            f"الشيخ {word}",
            f"Shaykh {canonical}",
            ",".join(f"{h} {k}" for k in ks for h in ("Sheikh", "Cheikh")),
            PRIOR["title"],
        )
    for word, *_ in _forefathers("agha"):
        canonical, known = canon[word]
        ks = [k.strip() for k in known.split(",")][:2]
        add(
            f"{word} آغا",
            f"{canonical} Agha",
            ",".join(f"{k} {a}" for k in ks for a in ("Agha", "Aga")),
            PRIOR["title"],
        )

    tail = PRIOR["tail"]
    for ar, canonical, known in forenames:
        if " " in ar:
            continue
        ks = [k.strip() for k in known.split(",")][:2]
        add(
            f"الحاج {ar}",
            f"Hajj {canonical}",
            ",".join(f"{h} {k}" for k in ks for h in ("Haj", "Hajj")),
            tail,
        )
        add(
            f"الشيخ {ar}",
            f"Shaykh {canonical}",
            ",".join(f"{h} {k}" for k in ks for h in ("Sheikh", "Cheikh")),
            tail,
        )
        add("البو" + ar, f"Bu {canonical}", f"Bu {ks[0]},Bou {ks[0]}", tail, ALBU_REGIONS)
        if ar[-1] not in "يىاةوء" and ar not in NO_NISBA:
            n_la = canonical + "i"
            add("ال" + ar + "ي", n_la, _nisba_known(n_la), tail)

    town_nisbas = {town: (n_ar, n_la) for town, n_ar, n_la in tables.read("town_nisbas.tsv")}
    for _gov, ar, latin, _weight in towns:
        if ar in town_nisbas and not town_nisbas[ar][0]:
            continue  # listed with no nisba: the town gives no family name here
        n_ar, n_la = town_nisbas.get(ar) or nisba(ar, latin.split(",")[0].strip())
        add(n_ar, n_la, _nisba_known(n_la), PRIOR["town_nisba"])
    for place_ar, place_latin, nisba_ar, nisba_latin in tables.read("nisba_places.tsv"):
        n_ar, n_la = (nisba_ar, nisba_latin) if nisba_ar else nisba(place_ar, place_latin)
        add(n_ar, n_la, _nisba_known(n_la), PRIOR["nisba"])
    return list(rows.values())


def given_tail(male_given: Sequence[Sequence[str]]) -> list[tables.Row]:
    """Old names still given to boys, as rows of given_male.tsv (arabic, canonical, weight, spellings)."""
    have = {r[0] for r in male_given}
    out: list[tables.Row] = []
    for ar, canonical, known in tables.read("family_roots.tsv"):
        if ar not in have and ar not in NOT_GIVEN and " " not in ar:
            out.append((ar, canonical, str(ROOT_GIVEN_WEIGHT), known))
            have.add(ar)
    return out


def _asdict(row: FamilyRow) -> dict:
    return {f: getattr(row, f) for f in FamilyRow.__slots__}


def zipf_probs(priors: list[float], seed: int = 20240602) -> np.ndarray:
    """Zipf probabilities by rank of prior weight times a fixed log-normal jitter."""
    rng = random.Random(seed)  # fixed: the lexicon must not depend on the caller's seed
    score = np.array([p * np.exp(rng.gauss(0.0, JITTER)) for p in priors])
    order = np.argsort(-score, kind="stable")
    p = np.empty(len(priors))
    p[order] = (np.arange(1, len(priors) + 1) + ZIPF_Q) ** -ZIPF_S
    return p / p.sum()
