"""The gazetteer table (``data/syria_places.tsv``) and the index of keys built from it."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from athar.places.keys import fold, skeleton

DATA = Path(__file__).parent / "data" / "syria_places.tsv"
COLUMNS = ["place_id", "kind", "governorate_id", "district_id", "name_ar", "name_en", "variants"]
KINDS = ("governorate", "district", "subdistrict", "town", "neighbourhood", "facility")
# Which kind a bare name means when several share it: "Homs" is the city more often than the
# governorate or the district in the lists we see, and a town is more precise for linkage anyway.
# Towns and neighbourhoods rank alike, so between namesakes the row listed first wins.
KIND_PREFERENCE = {
    "town": 0,
    "neighbourhood": 0,
    "facility": 1,
    "subdistrict": 2,
    "district": 3,
    "governorate": 4,
}
RIF_PREFIX = "rif:"
MIN_SKELETON = 4  # consonants; shorter skeletons (Nawa -> n, Tafas -> tfs) match too much


@dataclass(frozen=True)
class Place:
    """One row of the gazetteer."""

    place_id: str
    kind: str
    governorate_id: str
    district_id: str
    name_ar: str
    name_en: str


@dataclass(frozen=True)
class Index:
    """Keys of every spelling, mapped to the places that carry them, best first."""

    places: dict[str, Place]
    exact: dict[str, tuple[Place, ...]]
    skeletons: dict[str, tuple[tuple[str, Place], ...]]  # skeleton -> (key, place) pairs
    latin_keys: tuple[str, ...]
    arabic_keys: tuple[str, ...]


def read_rows(path: Path = DATA) -> list[dict[str, str]]:
    """The table's rows as dicts (file order is meaningful: earlier rows win ties)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def spellings(row: dict[str, str]) -> list[str]:
    """Every spelling of a row: both standard names and the variants."""
    out = [row["name_ar"], row["name_en"]]
    out += [v.strip() for v in row["variants"].split("|") if v.strip()]
    return out


def _keys_of(spelling: str) -> list[str]:
    """Index keys of one spelling: as written, and with its spaces removed (ديرالزور, Talkalakh)."""
    keys = []
    for text in (spelling, spelling.replace(" ", "")):
        f = fold(text)
        if f.key:
            keys.append(RIF_PREFIX + f.key if f.rif else f.key)
    return keys


def _rank(place: Place, order: int) -> tuple[int, int]:
    return (KIND_PREFERENCE[place.kind], order)


@cache
def index() -> Index:
    """Build the index once, on first use."""
    places: dict[str, Place] = {}
    order: dict[str, int] = {}
    exact: dict[str, list[Place]] = defaultdict(list)
    skel: dict[str, list[tuple[str, Place]]] = defaultdict(list)
    latin: set[str] = set()
    arabic: set[str] = set()
    for i, row in enumerate(read_rows()):
        place = Place(*(row[c] for c in COLUMNS[:6]))
        places[place.place_id] = place
        order[place.place_id] = i
        for sp in spellings(row):
            for key in _keys_of(sp):
                if place not in exact[key]:
                    exact[key].append(place)
                if key.startswith(RIF_PREFIX) or any(ch.isdigit() for ch in key):
                    continue
                if key.isascii():
                    latin.add(key)
                    sk = skeleton(key)
                    if len(sk) >= MIN_SKELETON and (key, place) not in skel[sk]:
                        skel[sk].append((key, place))
                else:
                    arabic.add(key)

    def ranked(d: dict[str, list[Place]]) -> dict[str, tuple[Place, ...]]:
        return {k: tuple(sorted(v, key=lambda p: _rank(p, order[p.place_id]))) for k, v in d.items()}

    skeletons = {
        k: tuple(sorted(v, key=lambda kp: _rank(kp[1], order[kp[1].place_id]))) for k, v in skel.items()
    }
    return Index(places, ranked(exact), skeletons, tuple(sorted(latin)), tuple(sorted(arabic)))
