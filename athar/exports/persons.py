"""The persons table of an export: one row per person an organisation may see, as an analyst expects
it (a name in each script, sex, birth, status, which lists hold them and which records).

Only the records the principal may see make a row: a person known to this organisation through one
list is exported with that list's record alone, and a person it sees no record of is not exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from sqlalchemy import Engine, select

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_sources
from athar.names import is_arabic
from athar.names.display import full_name, other_script
from athar.store.records import MEMBER_CURRENT_VERSION
from athar.store.tables import CANONICAL_COLUMNS, Membership, Person, Record, Source

PERSON_COLUMNS: tuple[str, ...] = (
    "person_id",
    "name_arabic",
    "name_latin",
    "sex",
    "birth_date",
    "status",
    "sources",
    "record_count",
    "record_ids",
)


def _best_name(records: list[dict]) -> tuple[str, str]:
    """(Arabic, Latin): the fullest name written in each script, else the other script's converted."""
    names = sorted((full_name(r) for r in records), key=lambda n: -len(n.split()))
    arabic = next((n for n in names if n and is_arabic(n)), "")
    latin = next((n for n in names if n and not is_arabic(n)), "")
    if not arabic and latin:
        arabic = other_script(latin)
    if not latin and arabic:
        latin = other_script(arabic)
    return arabic, latin


def _most_precise(values: list[str | None]) -> str:
    """The most precise of the dates given (a full date before a year-month before a year)."""
    return max((v for v in values if v), key=len, default="")


def _agreed(values: list[str | None]) -> str:
    """The value the records agree on, or "" when they are silent or disagree."""
    found = {v for v in values if v}
    return found.pop() if len(found) == 1 else ""


def person_rows(engine: Engine, principal: Principal) -> Iterator[tuple]:
    """The persons table's rows, in `PERSON_COLUMNS` order, by person id."""
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    query = (
        select(Membership.person_id, Person.status, Source.name.label("source"), *columns)
        .join(Person, Person.id == Membership.person_id)
        .join(Source, Source.id == Membership.source_id)
        .join(Record, MEMBER_CURRENT_VERSION)
        .where(visible_sources(principal))
        .order_by(Membership.person_id, Source.name, Record.record_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings()
        for person_id, group in groupby(rows, key=lambda r: r["person_id"]):
            records = [dict(r) for r in group]
            arabic, latin = _best_name(records)
            yield (
                person_id,
                arabic,
                latin,
                _agreed([r["sex"] for r in records]),
                _most_precise([r["birth_date"] for r in records]),
                records[0]["status"],
                ";".join(sorted({r["source"] for r in records})),
                len(records),
                ";".join(f"{r['source']}:{r['record_id']}" for r in records),
            )
