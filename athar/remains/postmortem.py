"""One row of a post-mortem file to the values of a remains case, or every field that is wrong and why.

Columns: ``case_id, recovery_date, sex`` (M, F, U), ``age_min, age_max, stature_min_cm,
stature_max_cm, dental, skeletal_marks, clothing, effects, dna_sample_id, notes`` and ``part_of`` (the
case a commingled part belongs to). Headers are read case-blind, spaces as underscores.
"""

from __future__ import annotations

import datetime as dt

from athar.dental import DentalError, normalise_chart
from athar.ingest.values import BadValue, ascii_digits, clean_text, parse_date, parse_sex

COLUMNS: tuple[str, ...] = (
    "case_id",
    "recovery_date",
    "sex",
    "age_min",
    "age_max",
    "stature_min_cm",
    "stature_max_cm",
    "dental",
    "skeletal_marks",
    "clothing",
    "effects",
    "dna_sample_id",
    "notes",
    "part_of",
)
TEXT_LIMIT = 2000
ID_LIMIT = 100
STATURE_CM = (100, 230)
AGE_YEARS = (0, 110)


def header(name: str) -> str:
    return "_".join(name.strip().casefold().replace("-", " ").split())


def _number(text: str, field: str, bounds: tuple[int, int], unit: str) -> int | None:
    value = ascii_digits(text).strip()
    if not value:
        return None
    try:
        number = round(float(value))
    except ValueError:
        raise BadValue(f"{text!r} is not a number of {unit}") from None
    if not bounds[0] <= number <= bounds[1]:
        raise BadValue(f"{text!r} is outside {bounds[0]}-{bounds[1]} {unit}")
    return number


def _sex(text: str) -> str | None:
    if text.strip().casefold() in ("u", "undetermined", "unknown", "غير محدد"):
        return "U"
    return parse_sex(text) or None


def validate_row(raw: dict[str, str], today: dt.date) -> dict[str, object] | list[tuple[str, str]]:
    """The case's values, or the problems as (field, reason), every wrong field named."""
    values = {header(k): v for k, v in raw.items()}
    out: dict[str, object] = {}
    problems: list[tuple[str, str]] = []

    def read(field: str, parse) -> None:
        try:
            out[field] = parse(values.get(field) or "")
        except (BadValue, DentalError) as e:
            problems.append((field, str(e)))

    read("case_id", lambda t: clean_text(ascii_digits(t)))
    if not out.get("case_id") and not problems:
        problems.append(("case_id", "missing case_id"))
    read("recovery_date", lambda t: parse_date(t, today))
    read("sex", _sex)
    read("age_min", lambda t: _number(t, "age_min", AGE_YEARS, "years"))
    read("age_max", lambda t: _number(t, "age_max", AGE_YEARS, "years"))
    read("stature_min_cm", lambda t: _number(t, "stature_min_cm", STATURE_CM, "cm"))
    read("stature_max_cm", lambda t: _number(t, "stature_max_cm", STATURE_CM, "cm"))
    read("dental", lambda t: normalise_chart(t, post_mortem=True))
    for field in ("skeletal_marks", "clothing", "effects", "notes"):
        read(field, clean_text)
        if out.get(field) and len(out[field]) > TEXT_LIMIT:  # type: ignore[arg-type]
            problems.append((field, f"over-long field (limit {TEXT_LIMIT})"))
    for field in ("case_id", "dna_sample_id", "part_of"):
        if field != "case_id":
            read(field, clean_text)
        if out.get(field) and len(out[field]) > ID_LIMIT:  # type: ignore[arg-type]
            problems.append((field, f"over-long field (limit {ID_LIMIT})"))
    for low, high, unit in (("age_min", "age_max", "years"), ("stature_min_cm", "stature_max_cm", "cm")):
        a, b = out.get(low), out.get(high)
        if a is not None and b is not None and a > b:  # type: ignore[operator]
            problems.append((f"{low}, {high}", f"impossible range: {a} > {b} {unit}"))
    if out.get("part_of") and out.get("part_of") == out.get("case_id"):
        problems.append(("part_of", "a case cannot be part of itself"))
    return problems or out
