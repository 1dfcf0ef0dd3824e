"""Writing the store's current records out: canonical CSV and PFIF 1.4 XML.

Every export names who it is for (a `Principal`: a web user, or the command line's `operator`) and
holds only the records of the sources that principal may see (`athar.accounts.visibility`).
`current_records` without a principal is the pipeline's own full read (linkage, search index).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, and_, select

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_sources
from athar.config import pfif_domain
from athar.csv_safety import SafeDictWriter
from athar.ingest.pfif import write_pfif
from athar.store.tables import CANONICAL_COLUMNS, Membership, Record, Source

EXPORT_COLUMNS = ("source", *CANONICAL_COLUMNS, "person_id")


def current_records(
    engine: Engine,
    source: str | None = None,
    record_id: str | None = None,
    principal: Principal | None = None,
) -> Iterator[dict]:
    """Each source's current record versions, with the person each belongs to (None before linkage).

    With `record_id` (and `source`), just that record: an indexed lookup, not a scan. With `principal`,
    only the sources that principal may see.
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
    if principal is not None:
        query = query.where(visible_sources(principal))
    with engine.connect() as conn:
        for row in conn.execute(query).mappings():
            yield dict(row)


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
