"""Turning ante-mortem rows and post-mortem rows into the ranker's arrays (`athar.remains.ranking`).

Rows are plain dicts with the store's column names, from the store or from `athar.synth.remains`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from athar.dental import DentalError, parse_chart
from athar.remains.ranking import Body, MissingPersons, SiteFacts
from athar.remains.vocabulary import absent_mark_concepts, clothing_concepts, mark_concepts


def _year(value: object) -> float:
    text = str(value or "")[:4]
    return float(text) if text.isdigit() else np.nan


def persons_from_rows(rows: Iterable[Mapping[str, object]], governorates: dict[str, int]) -> MissingPersons:
    """Rows need `key` and may hold sex, birth_date (or age with event_date), event_date, governorate,
    height_cm, dental, marks, clothing. A chart that cannot be read counts as not given."""
    keys, sex, birth, gone, gov, height, dental, marks, clothing = ([] for _ in range(9))
    for row in rows:
        keys.append(str(row["key"]))
        sex.append({"M": 1, "F": 2}.get(str(row.get("sex") or ""), 0))
        event_year = _year(row.get("event_date"))
        born = _year(row.get("birth_date"))
        if np.isnan(born) and row.get("age") not in (None, "") and not np.isnan(event_year):
            born = event_year - float(row["age"])  # type: ignore[arg-type]
        birth.append(born)
        gone.append(event_year)
        gov.append(governorates.get(str(row.get("governorate") or ""), -1))
        h = row.get("height_cm")
        height.append(float(h) if h not in (None, "") else np.nan)  # type: ignore[arg-type]
        try:
            dental.append(
                parse_chart(str(row.get("dental") or ""), post_mortem=False) if row.get("dental") else None
            )
        except DentalError:
            dental.append(None)
        marks.append(mark_concepts(str(row.get("marks") or "")))
        clothing.append(clothing_concepts(str(row.get("clothing") or "")))
    return MissingPersons(
        keys=keys,
        sex=np.asarray(sex, dtype=np.int8),
        birth_year=np.asarray(birth, dtype=np.float32),
        disappeared_year=np.asarray(gone, dtype=np.float32),
        governorate=np.asarray(gov, dtype=np.int32),
        height_cm=np.asarray(height, dtype=np.float32),
        dental=dental,
        marks=marks,
        clothing=clothing,
    )


def body_from_row(row: Mapping[str, object], site: SiteFacts) -> Body:
    def number(name: str) -> float | None:
        value = row.get(name)
        return None if value in (None, "") else float(value)  # type: ignore[arg-type]

    recovery = _year(row.get("recovery_date"))
    sex = str(row.get("sex") or "") or None
    dental = parse_chart(str(row.get("dental") or ""), post_mortem=True)
    worn = " ; ".join(str(row.get(c) or "") for c in ("clothing", "effects"))
    return Body(
        case_id=str(row["case_id"]),
        site=site,
        sex=sex if sex in ("M", "F") else None,
        age_min=number("age_min"),
        age_max=number("age_max"),
        stature_min_cm=number("stature_min_cm"),
        stature_max_cm=number("stature_max_cm"),
        recovery_year=None if np.isnan(recovery) else int(recovery),
        dental=dental if dental.examined else None,
        marks=mark_concepts(str(row.get("skeletal_marks") or "")),
        absent_marks=absent_mark_concepts(str(row.get("skeletal_marks") or "")),
        clothing=clothing_concepts(worn),
    )
