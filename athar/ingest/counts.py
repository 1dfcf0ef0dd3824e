"""An import's counts, written to its `imports` row once the file is read: the same columns whatever
read the file (a list, a site's post-mortem register, a laboratory's DNA reports, tracing requests)."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Connection, update

from athar.store.tables import Import


class ImportCounts(Protocol):
    read: int
    stored: int
    quarantined: int
    new: int
    unchanged: int


def record_import_counts(conn: Connection, import_id: int, result: ImportCounts) -> None:
    """Write `result`'s counts to import `import_id`; a result that keeps no versions or blanked rows
    writes 0 for them."""
    conn.execute(
        update(Import)
        .where(Import.id == import_id)
        .values(
            rows_read=result.read,
            rows_stored=result.stored,
            rows_quarantined=result.quarantined,
            records_new=result.new,
            records_new_version=getattr(result, "new_versions", 0),
            records_unchanged=result.unchanged,
            rows_kept_blank=getattr(result, "kept_with_blanks", 0),
        )
    )
