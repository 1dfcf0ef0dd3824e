"""Whether a saved search index still describes the store, and bringing it up to date cheaply.

An index remembers the state of the store it was built from (`StoreState`, kept in its meta as the
fingerprint). Most changes after that only add records nobody has linked yet: a tracing request
from the public form, a caseworker or a bulk file, a new list before `athar link`. For those
`caught_up` adds the new records' entries to the index (`PersonIndex.extended`) instead of reading
a million records again. Anything else (linkage ran, a record got a new version, records
appeared out of order under concurrent writers) asks for a full rebuild.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, and_, func, select

if TYPE_CHECKING:
    from athar.search.index import PersonIndex

_FINGERPRINT = re.compile(r"r(\d+)-(\d+|None)\|m(\d+)-(\d+|None)\|l(\d+|None)")


def _number(text: str) -> int | None:
    return None if text == "None" else int(text)


@dataclass(frozen=True)
class StoreState:
    """What a store's records, memberships and link runs amount to: counts and the last ids."""

    records: int
    last_record: int | None
    members: int
    last_member: int | None
    last_run: int | None

    @property
    def fingerprint(self) -> str:
        return f"r{self.records}-{self.last_record}|m{self.members}-{self.last_member}|l{self.last_run}"

    @classmethod
    def parse(cls, fingerprint: str | None) -> StoreState | None:
        found = _FINGERPRINT.fullmatch(fingerprint or "")
        if found is None:
            return None
        records, last_record, members, last_member, last_run = found.groups()
        return cls(int(records), _number(last_record), int(members), _number(last_member), _number(last_run))

    @classmethod
    def read(cls, conn: Connection) -> StoreState:
        from athar.store.tables import LinkRun, Membership, Record

        records = conn.execute(select(func.count(), func.max(Record.id))).one()
        members = conn.execute(select(func.count(), func.max(Membership.id))).one()
        runs = conn.execute(select(func.max(LinkRun.id))).scalar()
        return cls(records[0], records[1], members[0], members[1], runs)


def store_fingerprint(engine: Engine) -> str:
    """Changes whenever records or memberships change: a saved index with another one is stale."""
    with engine.connect() as conn:
        return StoreState.read(conn).fingerprint


def added_records(engine: Engine, since: StoreState) -> tuple[StoreState, list[dict]] | None:
    """The store's state now and the records added since ``since``, as `current_records` gives
    them, when nothing else changed: no link run, no membership, no new version of a record, no
    record that a slower writer committed under an older id. None otherwise."""
    from athar.store.tables import CANONICAL_COLUMNS, Membership, Record, Source

    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    query = (
        select(Source.name.label("source"), *columns, Membership.person_id, Record.version, Record.is_current)
        .join(Source, Source.id == Record.source_id)
        .outerjoin(
            Membership,
            and_(Membership.source_id == Record.source_id, Membership.record_id == Record.record_id),
        )
        .where(Record.id > (since.last_record or 0))
        .order_by(Record.id)
    )
    with engine.connect() as conn:
        now = StoreState.read(conn)
        if (now.members, now.last_member, now.last_run) != (since.members, since.last_member, since.last_run):
            return None
        rows = [dict(row) for row in conn.execute(query).mappings()]
        if StoreState.read(conn) != now or len(rows) != now.records - since.records:
            return None
    for row in rows:
        version, current = row.pop("version"), row.pop("is_current")
        if version != 1 or not current or row["person_id"]:
            return None
    return now, rows


def caught_up(engine: Engine, index: PersonIndex) -> PersonIndex | None:
    """``index`` with the records added to the store since it was built (itself when there are
    none), or None when the store changed in another way and the index must be built again."""
    since = StoreState.parse(index.meta.get("fingerprint"))
    if since is None:
        return None
    found = added_records(engine, since)
    if found is None:
        return None
    now, rows = found
    if now == since:
        return index
    try:
        updated = index.extended(rows)
    except ValueError:  # a record of a person the index holds: only a rebuild places it
        return None
    updated.meta = {**index.meta, "fingerprint": now.fingerprint}
    return updated
