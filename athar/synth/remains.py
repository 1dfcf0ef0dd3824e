"""Synthetic remains: missing persons with what their families recall, and bodies recovered from
graves with what an anthropologist can and cannot see on a skeleton.

Every person has a true body (sex, birth year, height, teeth, old fractures and implants, clothes
worn when taken). Families recall part of it, in Arabic or English, with error: a height rounded to
5 cm and a few off, a dentist's record of some restorations (made years before, so later treatment
shows on the body), marks such as "broke his left arm" (sometimes the wrong side), clothes as
remembered. Bodies are some of the dead, recovered from graves used over a period after their
disappearance: sex estimated (sometimes undetermined or wrong), age and stature as ranges that
usually hold the truth, teeth charted where recovered, healed fractures and metal implants (never
tattoos or scars: skin is gone), clothing decayed (colours often lost). Only synthetic people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from athar.dental import PERMANENT

GOVERNORATES = (
    "Damascus", "Rif Dimashq", "Aleppo", "Homs", "Hama", "Idlib", "Latakia", "Tartus", "Daraa",
    "As-Suwayda", "Quneitra", "Deir ez-Zor", "Al-Hasakah", "Raqqa",
)  # fmt: skip
BONES = (("arm", "radius", "الذراع"), ("leg", "tibia", "الساق"), ("arm", "humerus", "اليد"),
         ("leg", "femur", "الفخذ"), ("collarbone", "clavicle", "الترقوة"))  # fmt: skip
SIDES = (("left", "اليسرى"), ("right", "اليمنى"))
ITEMS = (("shirt", "قميص"), ("trousers", "بنطال"), ("jacket", "جاكيت"), ("shoes", "حذاء"),
         ("ring", "خاتم"), ("watch", "ساعة"), ("belt", "حزام"), ("prayer beads", "مسبحة"))  # fmt: skip
COLOURS = (("red", "أحمر"), ("blue", "أزرق"), ("black", "أسود"), ("white", "أبيض"), ("green", "أخضر"),
           ("grey", "رمادي"), ("brown", "بني"))  # fmt: skip


@dataclass
class RemainsData:
    persons: list[dict]  # ante-mortem rows: key, sex, birth_date, event_date, governorate, height_cm, ...
    sites: list[dict]  # name, governorate, used_from, used_to
    bodies: list[dict]  # post-mortem rows: case_id, site, ... ; truth in `true_key`


def _chart(rng: np.random.Generator, age: float) -> dict[int, str]:
    """A true chart: restorations and losses grow with age."""
    teeth: dict[int, str] = {}
    for tooth in PERMANENT:
        if tooth % 10 == 8 and rng.random() < 0.4:
            teeth[tooth] = "M"
            continue
        r = rng.random() * 60 / max(age, 18)
        if r < 0.04:
            teeth[tooth] = "M"
        elif r < 0.12:
            teeth[tooth] = "F"
        elif r < 0.14:
            teeth[tooth] = "C"
        elif r < 0.15:
            teeth[tooth] = "R"
    return teeth


def _later(rng: np.random.Generator, teeth: dict[int, str]) -> dict[int, str]:
    """The chart some years on: a few more fillings, a filling crowned, a tooth lost."""
    later = dict(teeth)
    for tooth in PERMANENT:
        if rng.random() < 0.02:
            later[tooth] = {"F": "C", "C": "M", "R": "C", "M": "M"}.get(later.get(tooth, ""), "F")
    return later


def generate(persons: int = 10_000, bodies: int = 500, seed: int = 17) -> RemainsData:
    rng = np.random.default_rng(seed)
    people: list[dict] = []
    truth: list[dict] = []
    for i in range(persons):
        sex = "M" if rng.random() < 0.85 else "F"
        gone = int(rng.integers(2011, 2021))
        born = gone - int(np.clip(rng.normal(30, 11), 14, 75))
        height = float(rng.normal(172, 7) if sex == "M" else rng.normal(160, 6))
        gov = int(rng.integers(len(GOVERNORATES)))
        marks = []
        if rng.random() < 0.2:
            marks.append(("fracture", BONES[rng.integers(len(BONES))], SIDES[rng.integers(2)]))
        if rng.random() < 0.04:
            marks.append(("implant", BONES[rng.integers(len(BONES))], SIDES[rng.integers(2)]))
        worn = [(ITEMS[j], COLOURS[rng.integers(len(COLOURS))]) for j in rng.choice(len(ITEMS), 3, False)]
        chart = _chart(rng, gone - born)
        truth.append(
            dict(sex=sex, gone=gone, born=born, height=height, gov=gov, marks=marks, worn=worn, chart=chart)
        )
        arabic = rng.random() < 0.6
        row: dict = {
            "key": f"P{i:06d}",
            "sex": sex,
            "birth_date": str(born) if rng.random() < 0.9 else "",
            "event_date": f"{gone}-{int(rng.integers(1, 13)):02d}",
            "governorate": GOVERNORATES[gov],
            "height_cm": "",
            "dental": "",
            "marks": "",
            "clothing": "",
        }
        if rng.random() < 0.5:
            row["height_cm"] = str(int(5 * round((height + rng.normal(0, 3)) / 5)))
        if rng.random() < 0.2:  # a dentist's record, made some years before the disappearance
            record = _chart(rng, gone - born - 3) if rng.random() < 0.05 else chart
            known = [t for t in record if record[t] != "M" or rng.random() < 0.5]
            count = min(len(known), int(rng.integers(1, 5)))
            listed: list[int] = [int(t) for t in rng.choice(known, count, False)] if known else []
            earlier = {t: record[t] for t in listed}
            row["dental"] = " ".join(f"{t}{earlier[t]}" for t in sorted(earlier))
            truth[-1]["chart"] = _later(rng, chart)  # treatment after the record
        recalled = [m for m in marks if rng.random() < 0.6]
        if recalled:
            words = []
            for kind, bone, side in recalled:
                side = side if rng.random() < 0.9 else SIDES[1 - SIDES.index(side)]
                if arabic:
                    words.append(("كسر في " if kind == "fracture" else "بلاتين في ") + f"{bone[2]} {side[1]}")
                else:
                    words.append(
                        ("broke his " if kind == "fracture" else "metal plate in his ")
                        + f"{side[0]} {bone[0]}"
                    )
            row["marks"] = "، ".join(words) if arabic else "; ".join(words)
        if rng.random() < 0.4:
            said = [w for w in worn if rng.random() < 0.6]
            if arabic:
                row["clothing"] = " و".join(f"{item[1]} {colour[1]}" for item, colour in said)
            else:
                row["clothing"] = ", ".join(f"{colour[0]} {item[0]}" for item, colour in said)
        people.append(row)

    sites: list[dict[str, Any]] = []
    for s in range(12):
        start = int(rng.integers(2011, 2019))
        sites.append(
            dict(name=f"Site {s + 1}", governorate=GOVERNORATES[s % len(GOVERNORATES)], used_from=start,
                 used_to=start + int(rng.integers(1, 4)))
        )  # fmt: skip
    out: list[dict] = []
    chosen = rng.choice(persons, min(bodies, persons), replace=False)
    for n, p in enumerate(chosen):
        t = truth[int(p)]
        fits = [s for s in sites if s["used_to"] >= t["gone"]] or sites
        near = [s for s in fits if s["governorate"] == GOVERNORATES[t["gov"]]]
        site = near[0] if near and rng.random() < 0.7 else fits[int(rng.integers(len(fits)))]
        death = max(t["gone"], int(rng.integers(site["used_from"], site["used_to"] + 1)))
        age = death - t["born"]
        sex = (
            t["sex"] if rng.random() < 0.82 else ("U" if rng.random() < 0.75 else "MF".replace(t["sex"], ""))
        )
        width = float(rng.uniform(8, 20))
        centre = age + rng.normal(0, 5)
        stature = t["height"] + rng.normal(0, 3.5)
        row = {
            "case_id": f"{site['name'].replace(' ', '')}-{n + 1:04d}",
            "site": site["name"],
            "recovery_date": f"{site['used_to'] + int(rng.integers(1, 6))}",
            "sex": sex,
            "age_min": str(max(12, int(centre - width / 2))),
            "age_max": str(max(14, int(centre + width / 2))),
            "stature_min_cm": "",
            "stature_max_cm": "",
            "dental": "",
            "skeletal_marks": "",
            "clothing": "",
            "effects": "",
            "dna_sample_id": f"DNA-{n + 1:05d}",
            "true_key": people[int(p)]["key"],
        }
        if rng.random() < 0.8:  # long bones recovered
            row["stature_min_cm"] = str(int(stature - 5))
            row["stature_max_cm"] = str(int(stature + 5))
        if rng.random() < 0.7:  # jaws recovered
            entries = []
            for tooth in PERMANENT:
                if rng.random() < 0.15:
                    entries.append(f"{tooth}X")
                elif tooth in t["chart"]:
                    entries.append(f"{tooth}{t['chart'][tooth]}")
            row["dental"] = " ".join(entries) or "none"
        seen = [m for m in t["marks"] if rng.random() < 0.85]
        row["skeletal_marks"] = "; ".join(
            ("healed fracture of the " if kind == "fracture" else "metal plate on the ")
            + f"{side[0]} {bone[1]}"
            for kind, bone, side in seen
        )
        kept = [w for w in t["worn"] if rng.random() < 0.5]
        effects = ("ring", "watch", "prayer beads")
        row["clothing"] = ", ".join(
            (f"{colour[0]} " if rng.random() < 0.5 else "") + item[0]
            for item, colour in kept
            if item[0] not in effects
        )
        row["effects"] = ", ".join(
            item[0] for item, _ in kept if item[0] in ("ring", "watch", "prayer beads")
        )
        out.append(row)
    return RemainsData(people, sites, out)
