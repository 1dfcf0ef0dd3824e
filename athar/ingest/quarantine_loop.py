"""Closing the quarantine loop on import: fixed rows resolve what they fix, bad fields may be blanked.

- A quarantined row keeps the record id it was read with; a fully valid row for the same source and
  record id, stored by a later import (as new, a new version, or unchanged), marks it resolved (when,
  by which import). Open flags of that record (below) are resolved the same way.
- `--bad-field blank`: a row whose only problems are canonical field values (not its record id, not
  its shape or size) is kept with those fields blank; the stored record gets a `RecordFlag` naming
  them and why. The raw row is stored as read, so nothing of what the list said is lost.
- A file written by `athar export quarantine` carries the reason columns (`QUARANTINE_COLUMNS`); an
  import ignores them, so the fixed file re-imports as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import replace

from sqlalchemy import Connection, update

from athar.ingest.limits import MAX_COLUMNS
from athar.ingest.readers import RawRow, Table
from athar.ingest.validate import MAX_RAW_CELL, Problem, RowValidator
from athar.ingest.values import BadValue, parse_record_id
from athar.store.tables import CANONICAL_COLUMNS, Quarantine, RecordFlag

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BAD_FIELD_POLICIES: tuple[str, ...] = ("quarantine", "blank")
QUARANTINE_COLUMN_PREFIX = "athar_quarantine_"
QUARANTINE_COLUMNS: tuple[str, ...] = tuple(
    QUARANTINE_COLUMN_PREFIX + name for name in ("file", "row", "field", "reason")
)
BLANKABLE: frozenset[str] = frozenset(CANONICAL_COLUMNS) - {"record_id"}


def record_id_of(raw: dict[str, str], column: str | None) -> str | None:
    """The record id a raw row was read with, if it has a readable one."""
    if column is None:
        return None
    try:
        value = parse_record_id(raw.get(column, ""))
    except BadValue:
        return None
    return value or None


def blank_bad_fields(
    validator: RowValidator, raw: dict[str, str], problem: Problem
) -> dict[str, object] | None:
    """Canonical values of `raw` with the fields `problem` names blanked, or None when the problem is not
    only about field values (record id, row shape, size) and the row must be quarantined whole."""
    fields = set((problem.field or "").split(", "))
    if not fields or not fields <= BLANKABLE:
        return None
    if len(raw) > MAX_COLUMNS or sum(map(len, raw.values())) > MAX_RAW_CELL:
        return None
    columns = validator.mapping.columns
    blanked = {**raw, **{columns[name]: "" for name in fields if name in columns}}
    canonical = validator.canonical(blanked)
    return None if isinstance(canonical, Problem) else canonical


def _unquoted(value: str) -> str:
    """A cell as it was before the export's CSV guard put a `'` before a formula character."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES) else value


def drop_quarantine_columns(table: Table) -> Table:
    """The table without the reason columns a quarantine export adds (none: the table as it is), and
    with the quote taken off the cells the export's CSV guard quoted."""
    dropped = [c for c in table.columns if c.startswith(QUARANTINE_COLUMN_PREFIX)]
    if not dropped:
        return table

    def rows(source: Iterable[RawRow]) -> Iterator[RawRow]:
        for row in source:
            values = {
                k: _unquoted(v) for k, v in row.values.items() if not k.startswith(QUARANTINE_COLUMN_PREFIX)
            }
            yield RawRow(row.row_number, values, row.problem)

    kept = [c for c in table.columns if not c.startswith(QUARANTINE_COLUMN_PREFIX)]
    return replace(table, columns=kept, rows=rows(table.rows))


def resolve_earlier(
    conn: Connection, source_id: int, import_id: int, record_ids: set[str], now: dt.datetime
) -> tuple[int, int]:
    """Mark resolved the open quarantined rows and flags of `record_ids` in this source left by
    earlier imports; how many of each."""
    quarantine = flags = 0
    ids = sorted(record_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for table, counter in ((Quarantine, "q"), (RecordFlag, "f")):
            done = conn.execute(
                update(table)
                .where(
                    table.source_id == source_id,
                    table.record_id.in_(chunk),
                    table.resolved_at.is_(None),
                    table.import_id != import_id,
                )
                .values(resolved_at=now, resolved_by_import_id=import_id)
            ).rowcount
            if counter == "q":
                quarantine += done
            else:
                flags += done
    return quarantine, flags
