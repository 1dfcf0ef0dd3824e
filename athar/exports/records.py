"""The records table of an export (one row per current record, with its person) and PFIF 1.4 XML.

The pipeline's own full read (linkage, search index) is `athar.store.records.current_records`; here
every read names who it is for and holds only the sources that principal may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_sources
from athar.config import pfif_domain
from athar.ingest.pfif import write_pfif
from athar.store import records as store_records
from athar.store.tables import CANONICAL_COLUMNS

EXPORT_COLUMNS = ("source", *CANONICAL_COLUMNS, "person_id")


def current_records(
    engine: Engine,
    source: str | None = None,
    record_id: str | None = None,
    principal: Principal | None = None,
) -> Iterator[dict]:
    """The current records (`athar.store.records.current_records`) of the sources `principal` may
    see; all of them without a principal (the command line's own full read)."""
    where = visible_sources(principal) if principal is not None else None
    return store_records.current_records(engine, source, record_id, where=where)


def record_rows(engine: Engine, principal: Principal, source: str | None = None) -> Iterator[tuple]:
    """The records table's rows, in `EXPORT_COLUMNS` order."""
    for record in current_records(engine, source, principal=principal):
        yield tuple(record[c] for c in EXPORT_COLUMNS)


def export_pfif(
    engine: Engine,
    out: Path,
    principal: Principal,
    source: str | None = None,
    include_national_id: bool = False,
) -> int:
    records = list(current_records(engine, source, principal=principal))
    out.write_bytes(write_pfif(records, pfif_domain(), include_national_id=include_national_id))
    return len(records)
