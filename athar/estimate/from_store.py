"""Which lists hold each person: the capture histories that estimation works from.

A row per person: (person id, the sources holding one of their records, stratum fields). Stratum
fields come from the person's records: governorate (of the first birth or event place the gazetteer
knows), year (the earliest event year: arrest, last seen, death), sex, and age group at that event.

Only identifiable persons count: at least one of their records gives both a given and a family name.
A record without them (a morgue entry with no name) cannot be linked to anyone, so it would stand
in the histories as a person seen by one list only, and every such false singleton inflates the
estimate. They are left out and counted instead, as HRDAG leaves out records too thin to match.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import ColumnElement, Engine, select

from athar.names import parse_name_chain
from athar.store.records import MEMBER_CURRENT_VERSION
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


def identifiable(given: str | None, family: str | None, full_name: str | None) -> bool:
    if given and family:
        return True
    if not full_name:
        return False
    chain = parse_name_chain(full_name)
    return bool((given or chain.given) and (family or chain.family))


def person_capture_rows(
    engine: Engine, left_out: list[str] | None = None, visible: ColumnElement[bool] | None = None
) -> Iterator[tuple[str, set[str], dict]]:
    """Rows for identifiable persons; the ids of the others are appended to `left_out` when given.

    `visible`, a condition on `Source`, keeps only the records of the sources it holds for (the web
    dashboard passes what the viewer's organisation may see); by default every source counts."""
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
            Record.given_name,
            Record.family_name,
            Record.full_name,
        )
        .join(Source, Source.id == Membership.source_id)
        .join(Record, MEMBER_CURRENT_VERSION)
        .where(~Source.name.startswith("tracing requests: ", autoescape=True))  # requests are not lists
        .order_by(Membership.person_id)
    )
    if visible is not None:
        query = query.where(visible)
    current: str | None = None
    sources: set[str] = set()
    facts: dict = {}
    with engine.connect() as conn:
        for (
            pid,
            source,
            sex,
            birth,
            age,
            event,
            birth_place,
            event_place,
            given,
            family,
            full,
        ) in conn.execute(query):
            if pid != current:
                if current is not None:
                    yield from _row(current, sources, facts, left_out)
                current, sources, facts = pid, set(), {"years": [], "births": [], "ages": [], "named": False}
            sources.add(source)
            facts["named"] = facts["named"] or identifiable(given, family, full)
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
        yield from _row(current, sources, facts, left_out)


def _row(
    pid: str, sources: set[str], facts: dict, left_out: list[str] | None
) -> Iterator[tuple[str, set[str], dict]]:
    if facts["named"]:
        yield pid, sources, _strata(facts)
    elif left_out is not None:
        left_out.append(pid)


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
