"""Dental notation and comparison, the same on both sides (ante-mortem and post-mortem).

A chart is FDI tooth numbers, each followed by its condition, separated by spaces: ``16F 26C 36M``.

* ``M`` missing in life, ``F`` filling, ``C`` crown, ``R`` root canal; a tooth may carry several
  (``36RC``: root canal under a crown); ``X`` (remains only) not recovered: nothing is known of it.
* Ante-mortem, a chart lists only what is known; a tooth it does not list is unknown. ``none`` says the
  person's teeth were known to be all sound.
* Post-mortem, every examined tooth not listed is present and sound; ``none`` means examined and all
  sound; an empty field means not examined (nothing is known of any tooth).

Comparison follows Interpol DVI practice: conditions advance in one direction over a life (sound →
filled → root-canal treated → crowned → missing), so a body further along than the record is an
*explainable* discrepancy (treatment after the record was made), and a body less far along is an
*excluding* one (a tooth missing in life present on the body; a filling that is not there).
Permanent teeth are quadrants 1-4 (teeth 1-8), primary teeth 5-8 (teeth 1-5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from athar.errors import AtharError


class Tooth(IntEnum):
    """What is known of one tooth, in the order treatment moves it (UNKNOWN is outside the order)."""

    UNKNOWN = 0
    SOUND = 1
    FILLED = 2
    ROOT_CANAL = 3
    CROWNED = 4
    MISSING = 5


CONDITION_CODES: dict[str, Tooth] = {
    "F": Tooth.FILLED,
    "R": Tooth.ROOT_CANAL,
    "C": Tooth.CROWNED,
    "M": Tooth.MISSING,
}
PERMANENT = tuple(q * 10 + t for q in (1, 2, 3, 4) for t in range(1, 9))
PRIMARY = tuple(q * 10 + t for q in (5, 6, 7, 8) for t in range(1, 6))
TEETH: tuple[int, ...] = PERMANENT + PRIMARY
TOOTH_INDEX: dict[int, int] = {tooth: i for i, tooth in enumerate(TEETH)}
NONE_WORDS = frozenset({"none", "nil", "sound", "لا شيء", "سليمة", "سليم"})
_ENTRY = re.compile(r"(\d{2})([A-Za-z]+)")


class DentalError(AtharError, ValueError):
    """A chart that does not follow the notation; the message names the entry and why."""


@dataclass(frozen=True)
class Chart:
    """A parsed chart: the state of each listed tooth, and what an unlisted tooth means.

    `examined` is False for an empty post-mortem field (nothing known); `unlisted` is the state of a
    tooth the chart does not list (SOUND on examined remains and for ``none``, else UNKNOWN)."""

    teeth: dict[int, Tooth]
    unlisted: Tooth
    examined: bool

    def state(self, tooth: int) -> Tooth:
        """A listed tooth's state; an unlisted permanent tooth's is `unlisted`, an unlisted primary
        tooth's unknown (an adult's chart says nothing of milk teeth)."""
        if tooth in self.teeth:
            return self.teeth[tooth]
        return self.unlisted if tooth < 50 else Tooth.UNKNOWN

    @property
    def is_empty(self) -> bool:
        return not self.examined


NOT_EXAMINED = Chart({}, Tooth.UNKNOWN, examined=False)


def parse_chart(text: str | None, post_mortem: bool) -> Chart:
    """Read a chart; raise DentalError naming the first malformed entry."""
    value = " ".join((text or "").replace(",", " ").replace(";", " ").split())
    if not value:
        return NOT_EXAMINED
    if value.casefold() in NONE_WORDS:
        return Chart({}, Tooth.SOUND, examined=True)
    teeth: dict[int, Tooth] = {}
    for entry in value.split(" "):
        m = _ENTRY.fullmatch(entry.translate(_DIGITS))
        if not m:
            raise DentalError(f"{entry!r} is not a tooth and condition (write FDI number + code, e.g. 16F)")
        number, codes = int(m[1]), m[2].upper()
        if number not in TOOTH_INDEX:
            raise DentalError(f"{entry!r}: {number} is not an FDI tooth number (11-48, 51-85)")
        if number in teeth:
            raise DentalError(f"{entry!r}: tooth {number} is listed twice")
        if "X" in codes:
            if not post_mortem:
                raise DentalError(f"{entry!r}: X (not recovered) is for remains only")
            if codes != "X":
                raise DentalError(f"{entry!r}: X (not recovered) cannot carry other conditions")
            teeth[number] = Tooth.UNKNOWN
            continue
        unknown = sorted(set(codes) - set(CONDITION_CODES))
        if unknown:
            raise DentalError(f"{entry!r}: unknown condition {''.join(unknown)} (use M, F, C, R or X)")
        if "M" in codes and codes != "M":
            raise DentalError(f"{entry!r}: a missing tooth cannot also be filled or crowned")
        teeth[number] = max(CONDITION_CODES[c] for c in codes)
    unlisted = Tooth.SOUND if post_mortem else Tooth.UNKNOWN
    return Chart(teeth, unlisted, examined=True)


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalise_chart(text: str | None, post_mortem: bool) -> str | None:
    """The chart written canonically (teeth in FDI order, codes upper case), or None when empty;
    raises DentalError as `parse_chart` does."""
    chart = parse_chart(text, post_mortem)
    if not chart.examined:
        return None
    if not chart.teeth:
        return "none"
    names = {v: k for k, v in CONDITION_CODES.items()}
    out = []
    for tooth in sorted(chart.teeth, key=TOOTH_INDEX.__getitem__):
        state = chart.teeth[tooth]
        out.append(f"{tooth}{names.get(state, 'X')}")
    return " ".join(out)


@dataclass(frozen=True)
class Discrepancy:
    tooth: int
    ante_mortem: Tooth
    post_mortem: Tooth


@dataclass(frozen=True)
class DentalComparison:
    """Per tooth compared: concordant points (restorations and losses only: sound against sound is
    counted apart, it says little), explainable and excluding discrepancies."""

    concordant: tuple[int, ...]
    sound_agreeing: int
    explainable: tuple[Discrepancy, ...]
    excluding: tuple[Discrepancy, ...]

    @property
    def compared(self) -> int:
        return len(self.concordant) + self.sound_agreeing + len(self.explainable) + len(self.excluding)

    @property
    def excluded(self) -> bool:
        return bool(self.excluding)


def classify(ante: Tooth, post: Tooth) -> str:
    """ "unknown", "concordant", "explainable" or "excluding" for one tooth."""
    if ante is Tooth.UNKNOWN or post is Tooth.UNKNOWN:
        return "unknown"
    if ante == post:
        return "concordant"
    return "explainable" if post > ante else "excluding"


def compare(ante_mortem: Chart, post_mortem: Chart) -> DentalComparison:
    """Compare a missing person's chart with a body's, tooth by tooth."""
    concordant: list[int] = []
    explainable: list[Discrepancy] = []
    excluding: list[Discrepancy] = []
    sound = 0
    if ante_mortem.examined and post_mortem.examined:
        for tooth in TEETH:
            a, p = ante_mortem.state(tooth), post_mortem.state(tooth)
            kind = classify(a, p)
            if kind == "concordant":
                if a is Tooth.SOUND:
                    sound += 1
                else:
                    concordant.append(tooth)
            elif kind == "explainable":
                explainable.append(Discrepancy(tooth, a, p))
            elif kind == "excluding":
                excluding.append(Discrepancy(tooth, a, p))
    return DentalComparison(tuple(concordant), sound, tuple(explainable), tuple(excluding))
