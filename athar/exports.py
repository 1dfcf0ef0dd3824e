"""Writing the store's current records out: canonical CSV and PFIF 1.4 XML.

Every export names who it is for (a `Principal`: a web user, or the command line's `operator`) and
holds only the records of the sources that principal may see (`athar.accounts.visibility`).
The pipeline's own full read (linkage, search index) is `athar.store.records.current_records`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_sources
from athar.config import pfif_domain
from athar.csv_safety import SafeDictWriter
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


def export_records_csv(engine: Engine, out: Path, principal: Principal, source: str | None = None) -> int:
    count = 0
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = SafeDictWriter(f, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for record in current_records(engine, source, principal=principal):
            writer.writerow({k: "" if v is None else v for k, v in record.items()})
            count += 1
    return count


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
