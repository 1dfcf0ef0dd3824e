"""What a principal may see: the one rule, used by pages, the JSON API, exports and search.

Each source belongs to an organisation (or to none: lists the operator imported for everyone). What one
organisation may see of another's records follows the source's `sharing`: `private` (only its own
organisation) or `shared` (every organisation on this installation). The rule holds for every role,
admins included: least disclosure. The operator of the command line holds the database and sees every
source. A person is visible through their visible records only; one with none is not disclosed to
exist (`PersonNotVisible`, which the web answers with 404 whether or not the person exists).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Engine, and_, or_, select, true

from athar.accounts.permissions import Principal
from athar.errors import AtharError
from athar.store.records import parse_record_ref
from athar.store.tables import CANONICAL_COLUMNS, Membership, Record, Source


class PersonNotVisible(AtharError, LookupError):
    """No such person, or none of their records is visible: the two are not told apart."""

    def __init__(self) -> None:
        super().__init__("no such person")


def visible_sources(principal: Principal) -> ColumnElement[bool]:
    """A condition on `Source`: the sources whose records this principal may see."""
    if principal.kind == "operator":
        return true()
    if principal.is_anonymous:
        return ~true()
    return or_(
        Source.organisation_id.is_(None),
        Source.organisation_id == principal.organisation_id,
        Source.sharing == "shared",
    )


def visible_source_names(engine: Engine, principal: Principal) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(Source.name).where(visible_sources(principal))).scalars())


def visible_record(engine: Engine, ref: str, principal: Principal) -> dict | None:
    """The current version of record SOURCE:ID, if it exists and the principal may see it."""
    source, record_id = parse_record_ref(ref)
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    query = (
        select(Source.name.label("source"), *columns)
        .join(Source, Source.id == Record.source_id)
        .where(
            Source.name == source,
            Record.record_id == record_id,
            Record.is_current.is_(True),
            visible_sources(principal),
        )
    )
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def visible_person_records(engine: Engine, person_id: str, principal: Principal) -> list[dict]:
    """The current versions of a person's records from the sources the principal may see, each with
    its source's name and kind."""
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    query = (
        select(Source.name.label("source"), Source.kind.label("source_kind"), *columns)
        .select_from(Membership)
        .join(Source, Source.id == Membership.source_id)
        .join(
            Record,
            and_(
                Record.source_id == Membership.source_id,
                Record.record_id == Membership.record_id,
                Record.is_current.is_(True),
            ),
        )
        .where(Membership.person_id == person_id, visible_sources(principal))
        .order_by(Source.name, Record.record_id)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def visible_person(engine: Engine, person_id: str, principal: Principal) -> list[dict]:
    """The person's visible records (`visible_person_records`); `PersonNotVisible` when there are none,
    also when the person exists: existence is not disclosed."""
    records = visible_person_records(engine, person_id, principal)
    if not records:
        raise PersonNotVisible()
    return records
