"""Which lists hold each person: the capture histories that estimation works from.

A row per person: (person id, the sources holding one of their records, stratum fields). Stratum
fields come from the person's records: governorate (of the first birth or event place the gazetteer
knows), year (the earliest event year: arrest, last seen, death), sex, and age group at that event.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine, and_, select

from athar.store.tables import Membership, Record, Source

STRATA = ("governorate", "year", "sex", "age_group")


def age_group(age: int | None) -> str | None:
    if age is None or age < 0:
        return None
    if age < 18:
        return "0-17"
    if age < 30:
        return "18-29"
    if age < 45:
        return "30-44"
    return "45+"


def person_capture_rows(engine: Engine) -> Iterator[tuple[str, set[str], dict]]:
    from athar.places import governorate_of

    query = (
        select(
            Membership.person_id,
            Source.name,
            Record.sex,
            Record.birth_date,
            Record.age,
            Record.event_date,
            Record.birth_place,
            Record.event_place,
        )
        .join(Source, Source.id == Membership.source_id)
        .join(
            Record,
            and_(
                Record.source_id == Membership.source_id,
                Record.record_id == Membership.record_id,
                Record.is_current.is_(True),
            ),
        )
        .order_by(Membership.person_id)
    )
    current: str | None = None
    sources: set[str] = set()
    facts: dict = {}
    with engine.connect() as conn:
        for pid, source, sex, birth, age, event, birth_place, event_place in conn.execute(query):
            if pid != current:
                if current is not None:
                    yield current, sources, _strata(facts)
                current, sources, facts = pid, set(), {"years": [], "births": [], "ages": []}
            sources.add(source)
            facts.setdefault("sex", sex)
            facts["sex"] = facts["sex"] or sex
            if event:
                facts["years"].append(int(event[:4]))
            if birth:
                facts["births"].append(int(birth[:4]))
            if age is not None:
                facts["ages"].append(age)
            if not facts.get("governorate"):
                for place in (birth_place, event_place):
                    governorate = governorate_of(place) if place else None
                    if governorate:
                        facts["governorate"] = governorate
                        break
    if current is not None:
        yield current, sources, _strata(facts)


def _strata(facts: dict) -> dict:
    year = min(facts["years"]) if facts["years"] else None
    age = None
    if year is not None and facts["births"]:
        age = year - min(facts["births"])
    elif facts["ages"]:
        age = facts["ages"][0]
    return {
        "governorate": facts.get("governorate"),
        "year": year,
        "sex": facts.get("sex"),
        "age_group": age_group(age),
    }
