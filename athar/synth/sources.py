"""Writers for the four kinds of list, each in the shape and habits of its real counterpart.

Each writer takes the persons a list holds (in file order, duplicates included), renders one row
per record with per-record random choices (spelling, order, which fields are filled, noise) and
returns the record ids in file order.  Everything per person was prepared as Python lists so the
hot loops only index lists and call ``random()``.
"""

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from athar.synth.arabic import ARABIC_INDIC
from athar.synth.lexicon import Lexicon
from athar.synth.population import FATES, Population

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
FAMILIES_HEADER = [
    "record_id",
    "full_name",
    "given_name",
    "father_name",
    "family_name",
    "mother_name",
    "sex",
    "birth_date",
    "birth_place",
    "event_date",
    "event_place",
    "notes",
]
DETENTION_HEADER = [
    "رقم السجل",
    "الاسم",
    "اسم الأب",
    "اسم الجد",
    "الكنية",
    "اسم الأم",
    "الجنس",
    "تاريخ الولادة",
    "مكان الولادة",
    "الرقم الوطني",
    "تاريخ التوقيف",
    "الفرع",
]
RETURNEES_HEADER = [
    "record_id",
    "full_name",
    "sex",
    "birth_date",
    "birth_place",
    "national_id",
    "event_date",
    "event_place",
]
MORGUE_HEADER = ["record_id", "full_name", "sex", "age", "event_date", "event_place", "notes"]
DETENTION_ENCODING = "cp1256"

FAMILY_NOTES_LATIN = (
    "arrested at a checkpoint",
    "taken from home at night",
    "last seen at work",
    "no news since arrest",
    "abducted",
    "a released detainee saw him in Saydnaya",
    "went to renew his papers and did not return",
)
FAMILY_NOTES_ARABIC = (
    "اعتقل على حاجز",
    "اقتيد من المنزل ليلا",
    "لا أخبار منذ الاعتقال",
    "شوهد آخر مرة في العمل",
    "خطف",
)
KILLED_NOTES = ("gunshot wound", "shelling", "body brought by civil defence", "unidentified", "")

Progress = Callable[[int], None]
Random = Callable[[], float]  # random.Random(seed).random


@dataclass
class Frame:
    """Per-person columns as Python lists (fast to index in loops)."""

    given: list[int]
    father: list[int]
    grandfather: list[int]
    family: list[int]
    mother: list[int]
    mother_family: list[int]
    sex: list[int]
    town: list[int]
    french: list[bool]
    birth: list[int]
    event: list[int]
    death: list[int]
    release: list[int]
    fate: list[int]
    national_id: list[int]
    hh_size: list[int]

    @classmethod
    def of(cls, pop: Population, who: np.ndarray) -> "Frame":
        """The columns of the persons ``who`` (one entry per record, in file order)."""
        return cls(
            **{
                f: getattr(pop, f)[who].tolist()
                for f in (
                    "given",
                    "father",
                    "grandfather",
                    "family",
                    "mother",
                    "mother_family",
                    "sex",
                    "town",
                    "french",
                    "birth",
                    "event",
                    "death",
                    "release",
                    "fate",
                    "national_id",
                    "hh_size",
                )
            }
        )


def _date(days: int) -> dt.date:
    return dt.date.fromordinal(days + EPOCH_ORDINAL)


def record_ids(prefix: str, count: int) -> list[str]:
    width = max(6, len(str(count)))
    return [f"{prefix}{k:0{width}d}" for k in range(1, count + 1)]


class BatchedRows:
    """Rows for a csv writer, written 20,000 at a time with a progress tick for each batch."""

    def __init__(self, writer, tick: Progress, batch: int = 20_000) -> None:
        self.writer, self.tick, self.batch = writer, tick, batch
        self.rows: list[Sequence[object]] = []

    def append(self, row) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        self.writer.writerows(self.rows)
        self.tick(len(self.rows))
        self.rows = []


def write_families(
    path: Path, persons: np.ndarray, fr: Frame, lex: Lexicon, rnd, tick: Progress
) -> list[str]:
    """Families' reports to NGOs: mostly Latin, approximate dates, many name orders."""
    ids = record_ids("F-", persons.size)
    g_en = [n.en for n in lex.given]
    g_fr = [n.fr for n in lex.given]
    g_ar = [n.ar_clean for n in lex.given]
    f_en = [n.en for n in lex.family]
    f_fr = [n.fr for n in lex.family]
    f_ar = [n.ar_clean for n in lex.family]
    towns = lex.towns
    detained_released = FATES.index("detained_released")
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(FAMILIES_HEADER)
        rows = BatchedRows(w, tick)
        for k in range(persons.size):
            p = k  # the frame holds this list's records in file order
            arabic = rnd() < 0.15
            if arabic:
                gp, fp = g_ar, f_ar
            elif fr.french[p]:
                gp, fp = g_fr, f_fr
            else:
                gp, fp = g_en, f_en
            pool = gp[fr.given[p]]
            g = pool[int(rnd() * len(pool))]
            pool = gp[fr.father[p]]
            f = pool[int(rnd() * len(pool))]
            pool = fp[fr.family[p]]
            fam = pool[int(rnd() * len(pool))]
            u = rnd()
            if arabic:
                if u < 0.55:
                    full = f"{g} {f} {fam}"
                elif u < 0.85:
                    pool = gp[fr.grandfather[p]]
                    full = f"{g} {f} {pool[int(rnd() * len(pool))]} {fam}"
                else:
                    full = f"{g} {fam}"
            elif u < 0.45:
                full = f"{g} {f} {fam}"
            elif u < 0.62:
                full = f"{g} {fam}"
            elif u < 0.74:
                full = f"{fam.upper()}, {g} {f}"
            elif u < 0.86:
                pool = gp[fr.grandfather[p]]
                full = f"{g} {f} {pool[int(rnd() * len(pool))]} {fam}"
            elif u < 0.93:
                full = f"{fam} {g} {f}"
            else:
                full = f"{g} {f} {fam}".upper()
            u = rnd()
            if u < 0.1:
                full, parts = "", (g, f, fam)
            elif u < 0.3:
                parts = (g, f, fam)
            else:
                parts = ("", "", "")
            mother = ""
            if rnd() < 0.6:
                pool = gp[fr.mother[p]]
                mother = pool[int(rnd() * len(pool))]
                if rnd() < 0.5:
                    pool = fp[fr.mother_family[p]]
                    mother = f"{mother} {pool[int(rnd() * len(pool))]}"
            sex = ""
            if rnd() < 0.8:
                if arabic:
                    sex = "أنثى" if fr.sex[p] else "ذكر"
                elif rnd() < 0.6:
                    sex = "F" if fr.sex[p] else "M"
                else:
                    sex = "Female" if fr.sex[p] else "Male"
            birth = ""
            u = rnd()
            if u < 0.6:
                v = rnd()
                off = 0 if v < 0.5 else (1 if v < 0.85 else 2)
                if rnd() < 0.5:
                    off = -off
                birth = str(_date(fr.birth[p]).year + off)
            elif u < 0.75:
                birth = _date(fr.birth[p]).isoformat()
            place = towns[fr.town[p]]
            birth_place = ""
            if rnd() < 0.6:
                birth_place = place.ar if arabic else place.latin[int(rnd() * len(place.latin))]
            d = _date(fr.event[p] + int(rnd() * 41) - 20)
            u = rnd()
            if u < 0.45:
                event = d.isoformat()
            elif u < 0.8:
                event = f"{d.year:04d}-{d.month:02d}"
            else:
                event = f"{d.year:04d}"
            if arabic and rnd() < 0.4:
                event = event.translate(ARABIC_INDIC)
                birth = birth.translate(ARABIC_INDIC)
            event_place = ""
            if rnd() < 0.7:
                ep = place if rnd() < 0.8 else towns[0]
                event_place = ep.ar if arabic else ep.latin[int(rnd() * len(ep.latin))]
            notes = ""
            u = rnd()
            if fr.hh_size[p] > 1 and u < 0.3:
                notes = "أخوه مفقود أيضا" if arabic else "his brother is also missing"
            elif u < 0.6:
                notes_pool = FAMILY_NOTES_ARABIC if arabic else FAMILY_NOTES_LATIN
                notes = notes_pool[int(rnd() * len(notes_pool))]
            if fr.fate[p] == detained_released and not arabic and rnd() < 0.3:
                notes = "released, then lost contact"
            rows.append((ids[k], full, *parts, mother, sex, birth, birth_place, event, event_place, notes))
        rows.flush()
    return ids


def _register_date(d: dt.date, u: float) -> str:
    if u < 0.5:
        return f"{d.day}/{d.month}/{d.year}"
    if u < 0.75:
        return f"{d.year}/{d.month}/{d.day}"
    return d.isoformat()


def _typo_digits(s: str, rnd: Random) -> str:
    i = int(rnd() * len(s))
    return s[:i] + str(int(rnd() * 10)) + s[i + 1 :]


def write_detention(
    path: Path, persons: np.ndarray, fr: Frame, lex: Lexicon, rnd, tick: Progress
) -> list[str]:
    """Detention registers: Arabic script and headers, Windows-1256, OCR noise, full dates."""
    start = 10000 + int(rnd() * 80000)
    ids = [str(start + k) for k in range(persons.size)]
    g_ar = [n.ar_scan for n in lex.given]
    f_ar = [n.ar_scan for n in lex.family]
    towns = lex.towns
    branches = lex.branches
    with path.open("w", encoding=DETENTION_ENCODING, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(DETENTION_HEADER)
        rows = BatchedRows(w, tick)
        for k in range(persons.size):
            p = k  # the frame holds this list's records in file order
            pool = g_ar[fr.given[p]]
            g = pool[int(rnd() * len(pool))]
            pool = g_ar[fr.father[p]]
            f = pool[int(rnd() * len(pool))]
            gf = ""
            if rnd() < 0.6:
                pool = g_ar[fr.grandfather[p]]
                gf = pool[int(rnd() * len(pool))]
            pool = f_ar[fr.family[p]]
            fam = pool[int(rnd() * len(pool))]
            pool = g_ar[fr.mother[p]]
            mother = pool[int(rnd() * len(pool))]
            if rnd() < 0.5:
                pool = f_ar[fr.mother_family[p]]
                mother = f"{mother} {pool[int(rnd() * len(pool))]}"
            fmt = rnd()  # one clerk, one date format per row
            birth = _register_date(_date(fr.birth[p]), fmt)
            birth_place = towns[fr.town[p]].ar if rnd() < 0.8 else ""
            nid = ""
            if rnd() < 0.35:
                nid = f"{fr.national_id[p]:011d}"
                if rnd() < 0.03:
                    nid = _typo_digits(nid, rnd)
            arrest = _register_date(_date(fr.event[p]), fmt)
            branch = branches[int(rnd() * len(branches))]
            sex = "أنثى" if fr.sex[p] else "ذكر"
            rows.append((ids[k], g, f, gf, fam, mother, sex, birth, birth_place, nid, arrest, branch))
        rows.flush()
    return ids


def write_returnees(
    path: Path, persons: np.ndarray, fr: Frame, lex: Lexicon, rnd, tick: Progress
) -> list[str]:
    """Returnee registrations: officials' Latin spellings, often UPPER CASE and family first."""
    ids = record_ids("R-", persons.size)
    g_en = [n.en for n in lex.given]
    f_en = [n.en for n in lex.family]
    towns = lex.towns
    points = lex.return_points
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(RETURNEES_HEADER)
        rows = BatchedRows(w, tick)
        for k in range(persons.size):
            p = k  # the frame holds this list's records in file order
            pool = g_en[fr.given[p]]
            g = pool[int(rnd() * len(pool))]
            pool = g_en[fr.father[p]]
            f = pool[int(rnd() * len(pool))]
            pool = f_en[fr.family[p]]
            fam = pool[int(rnd() * len(pool))]
            u = rnd()
            if u < 0.5:
                full = f"{fam}, {g} {f}"
            elif u < 0.85:
                full = f"{g} {f} {fam}"
            else:
                pool = g_en[fr.grandfather[p]]
                full = f"{g} {f} {pool[int(rnd() * len(pool))]} {fam}"
            if rnd() < 0.6:
                full = full.upper()
            b = _date(fr.birth[p])
            u = rnd()
            if u < 0.55:
                birth = b.isoformat()
            elif u < 0.92:
                birth = f"{b.day:02d}/{b.month:02d}/{b.year}"
            else:
                birth = str(b.year)
            place = towns[fr.town[p]]
            birth_place = place.latin[int(rnd() * len(place.latin))].upper() if rnd() < 0.85 else ""
            nid = f"{fr.national_id[p]:011d}" if rnd() < 0.75 else ""
            event = _date(fr.release[p] + int(rnd() * 5)).isoformat()
            rows.append(
                (
                    ids[k],
                    full,
                    "F" if fr.sex[p] else "M",
                    birth,
                    birth_place,
                    nid,
                    event,
                    points[int(rnd() * len(points))],
                )
            )
        rows.flush()
    return ids


def write_morgue(
    path: Path, persons: np.ndarray, fr: Frame, lex: Lexicon, rnd: Random, tick: Progress
) -> list[str]:
    """Hospital and morgue logs: sparse, partial names, estimated ages, date of death."""
    ids = record_ids("M-", persons.size)
    g_en = [n.en for n in lex.given]
    f_en = [n.en for n in lex.family]
    g_ar = [n.ar_clean for n in lex.given]
    f_ar = [n.ar_clean for n in lex.family]
    hospitals = lex.hospitals
    branches = lex.branches
    detained_died = FATES.index("detained_died")
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(MORGUE_HEADER)
        rows = BatchedRows(w, tick)
        for k in range(persons.size):
            p = k  # the frame holds this list's records in file order
            from_detention = fr.fate[p] == detained_died
            u = rnd()
            full = ""
            if u >= 0.25:
                gp, fp = (g_ar, f_ar) if rnd() < 0.5 else (g_en, f_en)
                pool = gp[fr.given[p]]
                g = pool[int(rnd() * len(pool))]
                pool = fp[fr.family[p]]
                fam = pool[int(rnd() * len(pool))]
                v = rnd()
                if v < 0.4:
                    full = f"{g} {fam}"
                elif v < 0.75:
                    pool = gp[fr.father[p]]
                    full = f"{g} {pool[int(rnd() * len(pool))]} {fam}"
                elif v < 0.85:
                    full = g
                elif v < 0.9:
                    full = fam
                else:
                    pool = gp[fr.father[p]]
                    full = f"{g} {pool[int(rnd() * len(pool))]}"
            sex = ("F" if fr.sex[p] else "M") if rnd() < 0.95 else ""
            death = _date(fr.death[p])
            age = ""
            if rnd() < 0.85:
                true_age = (fr.death[p] - fr.birth[p]) // 365
                v = rnd()
                off = 0 if v < 0.5 else (1 + int(rnd() * 2) if v < 0.8 else 3 + int(rnd() * 5))
                age = str(max(1, true_age + (off if rnd() < 0.5 else -off)))
            notes = ""
            if from_detention and rnd() < 0.6:
                branch = branches[int(rnd() * len(branches))]
                notes = f"body no. {int(rnd() * 9000) + 1000} / {branch}"
            elif not from_detention:
                notes = KILLED_NOTES[int(rnd() * len(KILLED_NOTES))]
            hospital = (
                hospitals[int(rnd() * 10)] if from_detention else hospitals[int(rnd() * len(hospitals))]
            )
            rows.append((ids[k], full, sex, age, death.isoformat(), hospital, notes))
        rows.flush()
    return ids
