"""The dashboard's counts: persons by case status, by governorate and by year, and the recent imports
with their quarantine counts (the sources' counts are `athar.accounts.sources.visible_source_counts`).

Everything is counted in SQL (GROUP BY) over what the principal may see, by the rule the person pages
and search follow (`athar.accounts.visibility.visible_sources`): a person counts when at least one of
their records is in a visible source, and only visible records say where and when. Nothing here is
cached, so no count computed for one organisation can reach another.

Governorates come from the gazetteer (`athar.places`), which is Python: the distinct place strings of
the visible records are read with GROUP BY, resolved once each, and written to a temporary table of
this connection (place -> governorate); SQL then joins it to the records and keeps each (person,
governorate) pair once in a second temporary table, so a person whose records spell one town three
ways counts once, and the persons with no known place are counted from the same pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    and_,
    distinct,
    exists,
    func,
    insert,
    literal,
    select,
)

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_sources
from athar.cases import STATUSES
from athar.places import governorate_of
from athar.places.gazetteer import index as gazetteer
from athar.store.tables import CaseStatus, Import, Membership, Person, Record, Source, SourceKind

# Which record field names the place a person's governorate is read from; `birth` is the default.
PLACE_FIELDS: dict[str, str] = {"birth": "birth_place", "event": "event_place"}
# Kinds of list whose event date is not a disappearance (a returnee registration dates the return).
NOT_DISAPPEARANCES: tuple[str, ...] = (SourceKind.RETURNEE_REGISTRATION,)
# Years between the first and the last with data are filled in with zeros up to this span.
MAX_YEAR_SPAN = 80
RECENT_IMPORTS = 10

_PLACES = MetaData()
# Temporary tables: each connection has its own, dropped after use.
_place_map = Table(
    "athar_dashboard_places",
    _PLACES,
    Column("place", Text, primary_key=True),
    Column("governorate", String(20), nullable=False),
    prefixes=["TEMPORARY"],
)
# Each visible person with each governorate their records name, once.
_pairs = Table(
    "athar_dashboard_pairs",
    _PLACES,
    Column("person_id", String(40), nullable=False),
    Column("governorate", String(20), nullable=False),
    prefixes=["TEMPORARY"],
)


@dataclass(frozen=True)
class Count:
    key: str
    n: int


def summary(engine: Engine, principal: Principal, place: str = "birth") -> dict:
    """The dashboard's person counts, on one connection: {"persons", "statuses", "governorates",
    "years"} (see `by_status`, `by_governorate`, `by_year`)."""
    with engine.begin() as conn:
        statuses = by_status(conn, principal)
        persons = sum(c.n for c in statuses)
        return {
            "persons": persons,
            "statuses": statuses,
            "governorates": by_governorate(conn, principal, persons, place),
            "years": by_year(conn, principal, persons),
        }


def _current_record():
    return and_(
        Record.source_id == Membership.source_id,
        Record.record_id == Membership.record_id,
        Record.is_current.is_(True),
    )


def _visible_records(principal: Principal):
    """Current records with their person, in sources the principal may see (a select to add columns
    to). Memberships name live persons only (linkage rewrites them on each run), so no join with
    persons is needed here; it would double the cost."""
    return (
        select()
        .select_from(Membership)
        .join(Source, Source.id == Membership.source_id)
        .join(Record, _current_record())
        .where(visible_sources(principal))
    )


def by_status(conn: Connection, principal: Principal) -> list[Count]:
    """Live persons with a visible record, by case status: every status in STATUSES (zeros too),
    then any other found."""
    visible = exists(
        select(literal(1))
        .select_from(Membership)
        .join(Source, Source.id == Membership.source_id)
        .where(Membership.person_id == Person.id, visible_sources(principal))
    )
    query = (
        select(Person.status, func.count())
        .where(Person.retired_at.is_(None), visible)
        .group_by(Person.status)
    )
    found: dict[str, int] = {}
    for status, n in conn.execute(query):
        found[status or CaseStatus.MISSING] = found.get(status or CaseStatus.MISSING, 0) + n
    return [Count(s, found.pop(s, 0)) for s in STATUSES] + [Count(s, n) for s, n in sorted(found.items())]


def _governorates_of(places: Iterable[str]) -> dict[str, str]:
    """Each place string the gazetteer resolves, with its governorate's place id."""
    resolved = {}
    for place in places:
        governorate = governorate_of(place)
        if governorate:
            resolved[place] = governorate
    return resolved


def by_governorate(conn: Connection, principal: Principal, persons: int, place: str = "birth") -> dict:
    """Persons by the governorate of a place their visible records name (`place`: birth or event). A
    person whose records name places in two governorates counts in both. `persons` is how many
    persons are visible.

    Returns {"rows": [Count(governorate id, persons)] for every governorate, most first, "unknown":
    persons none of whose visible records names a place the gazetteer knows}."""
    field = getattr(Record, PLACE_FIELDS[place])
    names = (
        select(field)
        .select_from(Record)
        .join(Source, Source.id == Record.source_id)
        .where(Record.is_current.is_(True), visible_sources(principal), field.is_not(None), field != "")
        .group_by(field)
    )
    pairs = (
        _visible_records(principal)
        .join(_place_map, _place_map.c.place == field)
        .add_columns(Membership.person_id, _place_map.c.governorate)
        .distinct()
    )
    resolved = _governorates_of(p for (p,) in conn.execute(names))
    for table in (_place_map, _pairs):
        table.drop(conn, checkfirst=True)
        table.create(conn)
    try:
        if resolved:
            conn.execute(insert(_place_map), [{"place": p, "governorate": g} for p, g in resolved.items()])
        conn.execute(insert(_pairs).from_select(["person_id", "governorate"], pairs))
        by_governorate = select(_pairs.c.governorate, func.count()).group_by(_pairs.c.governorate)
        found: dict[str, int] = {g: n for g, n in conn.execute(by_governorate)}
        known = conn.execute(select(func.count(distinct(_pairs.c.person_id)))).scalar_one()
    finally:
        for table in (_pairs, _place_map):
            table.drop(conn)
    governorates = [p.place_id for p in _governorates()]
    order = {g: i for i, g in enumerate(governorates)}
    rows = sorted((Count(g, found.get(g, 0)) for g in governorates), key=lambda c: (-c.n, order[c.key]))
    return {"rows": rows, "unknown": persons - known}


def by_year(conn: Connection, principal: Principal, persons: int) -> dict:
    """Persons by the year of their earliest visible recorded event that is not a return (last seen,
    detention, death, or a record of a list of another kind), each person once. `persons` is how many
    persons are visible.

    Returns {"rows": [Count(year, persons)] oldest first, the years between filled with zeros,
    "undated": persons with no such date}."""
    kind = func.coalesce(Source.kind, "other")
    first = (
        _visible_records(principal)
        .where(Record.event_date.is_not(None), Record.event_date != "", kind.not_in(NOT_DISAPPEARANCES))
        .add_columns(Membership.person_id, func.min(Record.event_date).label("first"))
        .group_by(Membership.person_id)
        .subquery()
    )
    year = func.substr(first.c.first, 1, 4)
    query = select(year, func.count()).group_by(year).order_by(year)
    found = {str(y): n for y, n in conn.execute(query) if y and str(y).isdigit()}
    dated = sum(found.values())
    years = sorted(found)
    if years and int(years[-1]) - int(years[0]) <= MAX_YEAR_SPAN:
        years = [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]
    return {"rows": [Count(y, found.get(y, 0)) for y in years], "undated": persons - dated}


def recent_imports(engine: Engine, principal: Principal, limit: int = RECENT_IMPORTS) -> list[dict]:
    """The newest imports into visible sources, with their read, stored and quarantined counts."""
    query = (
        select(
            Import.id,
            Source.name.label("source"),
            Import.file_name,
            Import.imported_at,
            Import.imported_by,
            Import.rows_read.label("read"),
            Import.rows_stored.label("stored"),
            Import.rows_quarantined.label("quarantined"),
        )
        .join(Source, Source.id == Import.source_id)
        .where(visible_sources(principal))
        .order_by(Import.imported_at.desc(), Import.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def governorate_names() -> dict[str, tuple[str, str]]:
    """Governorate place id -> (Arabic name, English name), from the gazetteer."""
    return {p.place_id: (p.name_ar, p.name_en) for p in _governorates()}


def _governorates() -> list:
    """The gazetteer's governorates, in its order."""
    return [p for p in gazetteer().places.values() if p.kind == "governorate"]
