"""Read-only summaries of what the store holds, for the command line and the dashboard."""

from __future__ import annotations

from sqlalchemy import Engine, and_, func, select
from sqlalchemy.orm import aliased

from athar.store.tables import Import, Quarantine, Record, RecordFlag, Source


def source_summaries(engine: Engine) -> list[dict]:
    records = (
        select(
            Record.source_id,
            func.count().filter(Record.is_current.is_(True)).label("records"),
            func.count().label("versions"),
        )
        .group_by(Record.source_id)
        .subquery()
    )
    quarantined = (
        select(
            Quarantine.source_id,
            func.count().label("n"),
            func.count().filter(Quarantine.resolved_at.is_not(None)).label("resolved"),
        )
        .group_by(Quarantine.source_id)
        .subquery()
    )
    flagged = (
        select(RecordFlag.source_id, func.count().label("n"))
        .where(RecordFlag.resolved_at.is_(None))
        .group_by(RecordFlag.source_id)
        .subquery()
    )
    imports = (
        select(Import.source_id, func.count().label("n"), func.max(Import.imported_at).label("last"))
        .group_by(Import.source_id)
        .subquery()
    )
    query = (
        select(
            Source.name,
            func.coalesce(Source.kind, "other"),
            func.coalesce(records.c.records, 0),
            func.coalesce(records.c.versions, 0),
            func.coalesce(quarantined.c.n, 0),
            func.coalesce(quarantined.c.resolved, 0),
            func.coalesce(flagged.c.n, 0),
            func.coalesce(imports.c.n, 0),
            imports.c.last,
        )
        .outerjoin(records, records.c.source_id == Source.id)
        .outerjoin(quarantined, quarantined.c.source_id == Source.id)
        .outerjoin(flagged, flagged.c.source_id == Source.id)
        .outerjoin(imports, imports.c.source_id == Source.id)
        .order_by(Source.name)
    )
    with engine.connect() as conn:
        return [
            dict(
                source=n,
                kind=k,
                records=r,
                versions=v,
                quarantined=q,
                quarantine_open=q - resolved,
                quarantine_resolved=resolved,
                flagged=f,
                imports=i,
                last_import=last,
            )
            for n, k, r, v, q, resolved, f, i, last in conn.execute(query)
        ]


def quarantined_rows(
    engine: Engine,
    source: str | None = None,
    limit: int | None = 50,
    import_id: int | None = None,
    include_resolved: bool = True,
) -> list[dict]:
    """Quarantined rows, oldest first: all, a source's, or (`import_id`) the rows one import's file
    had quarantined. A re-import does not store a refused row again, so the rows of the same file
    (same source and sha256) quarantined by earlier imports are that import's too. Without
    `include_resolved`, only the rows no later import has fixed."""
    query = (
        select(
            Source.name,
            Import.file_name,
            Quarantine.row_number,
            Quarantine.field,
            Quarantine.reason,
            Quarantine.raw,
            Quarantine.resolved_at,
            Quarantine.resolved_by_import_id,
        )
        .join(Source, Source.id == Quarantine.source_id)
        .join(Import, Import.id == Quarantine.import_id)
        .order_by(Quarantine.id)
        .limit(limit)
    )
    if source is not None:
        query = query.where(Source.name == source)
    if import_id is not None:
        query = query.where(Quarantine.import_id.in_(_same_file(import_id)))
    if not include_resolved:
        query = query.where(Quarantine.resolved_at.is_(None))
    with engine.connect() as conn:
        return [
            dict(
                source=s,
                file=f,
                row_number=n,
                field=fld,
                reason=reason,
                raw=raw,
                resolved_at=at.isoformat() if at else None,
                resolved_by_import=by,
            )
            for s, f, n, fld, reason, raw, at, by in conn.execute(query)
        ]


def flagged_rows(engine: Engine, source: str | None = None, limit: int | None = 50) -> list[dict]:
    """Records kept with bad fields blanked (`import --bad-field blank`) whose flag is still open."""
    query = (
        select(
            Source.name,
            Import.file_name,
            RecordFlag.record_id,
            RecordFlag.row_number,
            RecordFlag.field,
            RecordFlag.reason,
            RecordFlag.raw_values,
        )
        .join(Source, Source.id == RecordFlag.source_id)
        .join(Import, Import.id == RecordFlag.import_id)
        .where(RecordFlag.resolved_at.is_(None))
        .order_by(RecordFlag.id)
        .limit(limit)
    )
    if source is not None:
        query = query.where(Source.name == source)
    with engine.connect() as conn:
        return [
            dict(source=s, file=f, record_id=rid, row_number=n, field=fld, reason=reason, raw=raw)
            for s, f, rid, n, fld, reason, raw in conn.execute(query)
        ]


def quarantined_count(engine: Engine, import_id: int) -> int:
    """How many quarantined rows `quarantined_rows(import_id=...)` would list without a limit."""
    query = (
        select(func.count()).select_from(Quarantine).where(Quarantine.import_id.in_(_same_file(import_id)))
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def _same_file(import_id: int):
    """The ids of the imports of the same file (source and sha256) as import `import_id`, itself too."""
    this = aliased(Import)
    return (
        select(Import.id)
        .join(this, and_(this.source_id == Import.source_id, this.sha256 == Import.sha256))
        .where(this.id == import_id)
    )
