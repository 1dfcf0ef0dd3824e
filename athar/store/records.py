"""Reading the store's current records: the one full read that linkage, the search index and the
exports share, and the `SOURCE:RECORD_ID` reference by which users name a record."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import ColumnElement, Engine, and_, select

from athar.errors import AtharError
from athar.store.tables import CANONICAL_COLUMNS, Membership, Record, Source

# Join a membership (a record's place in a person) to that record's current version.
MEMBER_CURRENT_VERSION = and_(
    Record.source_id == Membership.source_id,
    Record.record_id == Membership.record_id,
    Record.is_current.is_(True),
)


class RecordRefError(AtharError, ValueError):
    """A record reference that is not SOURCE:RECORD_ID."""


def parse_record_ref(text: str) -> tuple[str, str]:
    """'SOURCE:RECORD_ID' -> (source, record id); the record id may itself contain colons."""
    source, sep, record_id = text.partition(":")
    if not sep or not source or not record_id:
        raise RecordRefError(f"{text!r} is not SOURCE:RECORD_ID")
    return source, record_id


def current_records(
    engine: Engine,
    source: str | None = None,
    record_id: str | None = None,
    where: ColumnElement[bool] | None = None,
) -> Iterator[dict]:
    """Each source's current record versions, with the person each belongs to (None before linkage).

    With `record_id` (and `source`), just that record: an indexed lookup, not a scan. `where` narrows
    the sources further (a visibility condition on `Source`, for reads made on a user's behalf).
    """
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    query = (
        select(Source.name.label("source"), *columns, Membership.person_id)
        .join(Source, Source.id == Record.source_id)
        .outerjoin(
            Membership,
            and_(Membership.source_id == Record.source_id, Membership.record_id == Record.record_id),
        )
        .where(Record.is_current.is_(True))
        .order_by(Source.name, Record.id)
    )
    if source is not None:
        query = query.where(Source.name == source)
    if record_id is not None:
        query = query.where(Record.record_id == record_id)
    if where is not None:
        query = query.where(where)
    with engine.connect() as conn:
        result = conn.execute(query)
        names = tuple(result.keys())
        # plain tuples zipped with the names: SQLAlchemy's row mappings cost half the read at a
        # million records
        for row in result:
            yield dict(zip(names, row, strict=True))
