"""What a stored date says: its parts and how precise it is (a day, a month, a year, or a year
derived from an age at an event). Linkage compares births by it; the search index keys on its year."""

from __future__ import annotations


def birth_fields(birth_date: str | None, age: int | None, event_date: str | None) -> tuple:
    """(birth_date, year, month, day, precision) with precision 'day', 'month', 'year', 'age' or None."""
    if birth_date:
        parts = birth_date.split("-")
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
        precision = "day" if day else "month" if month else "year"
        return birth_date, year, month, day, precision
    if age is not None and event_date:
        return None, int(event_date[:4]) - age, None, None, "age"
    return None, None, None, None, None
