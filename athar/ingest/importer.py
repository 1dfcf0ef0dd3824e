"""Importing one file into one source, in one transaction, losing no row.

Every row read is either stored (as a new record, a new version of a changed record, or recognised
as unchanged) or quarantined with the field and reason that stopped it, so read = stored + quarantined.
Nothing is written until the whole file has been read: a killed import leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import orjson
from sqlalchemy import Connection, CursorResult, Engine, insert, select, update

from athar.errors import ConfigurationError
from athar.ingest.counts import record_import_counts
from athar.ingest.errors import KindChangeRefused, UnreadableFile
from athar.ingest.limits import MAX_REASON_CHARS, bounded_row, cut
from athar.ingest.mapping import Mapping, load_mapping_file, resolve
from athar.ingest.quarantine_loop import (
    BAD_FIELD_POLICIES,
    blank_bad_fields,
    drop_quarantine_columns,
    record_id_of,
    resolve_earlier,
)
from athar.ingest.readers import read_bytes, read_table
from athar.ingest.validate import Problem, RowValidator
from athar.store.bulk import bulk_insert
from athar.store.engine import lock_timeout_as_store_busy
from athar.store.tables import (
    ANTE_MORTEM_COLUMNS,
    CANONICAL_COLUMNS,
    SOURCE_KINDS,
    Import,
    Quarantine,
    Record,
    RecordFlag,
    Source,
)

log = logging.getLogger(__name__)
BATCH = 5_000


@dataclass
class ImportResult:
    file: str
    source: str
    import_id: int
    file_format: str
    encoding: str | None
    sha256: str
    read: int = 0
    stored: int = 0
    quarantined: int = 0
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    quarantine_new: int = 0
    kept_with_blanks: int = 0
    quarantine_resolved: int = 0
    flags_resolved: int = 0
    kind: str = "other"
    same_file_imported_before: bool = False
    columns: dict[str, str] = field(default_factory=dict)
    unmapped_columns: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return asdict(self)


RECORD_INSERT_COLUMNS = (
    *CANONICAL_COLUMNS,
    *ANTE_MORTEM_COLUMNS,
    "source_id",
    "import_id",
    "row_number",
    "version",
    "is_current",
    "content_hash",
    "raw",
)


def _inserted_id(result: CursorResult) -> int:
    """The primary key of the one row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the insert wrote no row")
    return int(key[0])


def _ensure_source(
    conn: Connection,
    name: str,
    now: dt.datetime,
    kind: str | None,
    organisation_id: int | None,
    may_change_kind: bool = True,
) -> tuple[int, str]:
    """The source's id and kind: created (as `kind`, or "other") if new; given `kind` if one is given
    and the importer may change it (`KindChangeRefused` otherwise: read in the import's transaction, so
    no other import slips between the check and the change)."""
    row = conn.execute(select(Source.id, Source.kind).where(Source.name == name)).first()
    if row is None:
        kind = kind or "other"
        values = dict(name=name, created_at=now, kind=kind, organisation_id=organisation_id)
        return _inserted_id(conn.execute(insert(Source).values(**values))), kind
    if kind is not None and kind != row.kind:
        if not may_change_kind:
            raise KindChangeRefused(name, kind, row.kind or "other")
        conn.execute(update(Source).where(Source.id == row.id).values(kind=kind))
        return row.id, kind
    return row.id, row.kind or "other"


def import_file(
    engine: Engine,
    path: Path,
    source: str,
    mapping_path: Path | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    user: str | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    kind: str | None = None,
    organisation_id: int | None = None,
    may_change_kind: bool = True,
    bad_field: str = "quarantine",
) -> ImportResult:
    """Read `path` into `source`; raise UnreadableFile (naming the file and cause) if it is not a table.

    `kind` (else the mapping file's `[options] kind`) sets what kind of list the source is; without
    either, a new source is "other" and an existing one keeps its kind. `organisation_id` is the owner
    given to the source if this import creates it. With `may_change_kind` false (an importer who is not
    an admin), a `kind` that differs from an existing source's raises `KindChangeRefused`, nothing written.

    `bad_field="blank"` keeps a row whose only problems are field values (a date, a sex code, a
    national number) with those fields blanked and a `RecordFlag` noting each, instead of quarantining
    it. A fully valid row (new, a new version or unchanged) resolves the open quarantined rows and
    flags of its record id left by earlier imports.
    """
    if not source.strip():
        raise UnreadableFile(path, "the source name is empty")
    if kind is not None and kind not in SOURCE_KINDS:
        raise ConfigurationError(f"kind must be one of {', '.join(SOURCE_KINDS)}, not {kind!r}")
    if bad_field not in BAD_FIELD_POLICIES:
        raise ConfigurationError(
            f"bad_field must be one of {', '.join(BAD_FIELD_POLICIES)}, not {bad_field!r}"
        )
    mapping_file = load_mapping_file(mapping_path) if mapping_path else None
    if mapping_file:
        encoding = encoding or mapping_file.options.get("encoding")
        sheet = sheet or mapping_file.options.get("sheet")
        kind = kind or mapping_file.options.get("kind")
    data = read_bytes(path)
    table = drop_quarantine_columns(read_table(path, encoding=encoding, sheet=sheet, data=data))
    mapping: Mapping = resolve(table.columns, mapping_file, str(path))
    validator = RowValidator(mapping, today=today)
    now = dt.datetime.now(dt.UTC)
    sha256 = hashlib.sha256(data).hexdigest()

    with lock_timeout_as_store_busy(f"{path}: import into {source!r}"), engine.begin() as conn:
        source_id, source_kind = _ensure_source(conn, source, now, kind, organisation_id, may_change_kind)
        seen_before = conn.execute(
            select(Import.id).where(Import.source_id == source_id, Import.sha256 == sha256).limit(1)
        ).first()
        import_id = _inserted_id(
            conn.execute(
                insert(Import).values(
                    source_id=source_id,
                    file_name=path.name,
                    sha256=sha256,
                    file_format=table.file_format,
                    encoding=table.encoding,
                    mapping=mapping.as_json(),
                    imported_at=now,
                    imported_by=user or getpass.getuser(),
                )
            )
        )
        result = ImportResult(
            file=str(path),
            source=source,
            import_id=import_id,
            file_format=table.file_format,
            encoding=table.encoding,
            sha256=sha256,
            same_file_imported_before=seen_before is not None,
            kind=source_kind,
            columns=mapping.columns,
            unmapped_columns=mapping.unmapped,
        )
        writer = _Writer(conn, source_id, import_id, result, mapping.columns.get("record_id"))
        first_row_of: dict[str, int] = {}
        for raw_row in table.rows:
            result.read += 1
            if raw_row.problem is not None:
                writer.quarantine(raw_row.row_number, raw_row.values, Problem(*raw_row.problem))
            else:
                canonical = validator.canonical(raw_row.values)
                blanked: Problem | None = None
                if isinstance(canonical, Problem) and bad_field == "blank":
                    kept = blank_bad_fields(validator, raw_row.values, canonical)
                    if kept is not None:
                        blanked, canonical = canonical, kept
                if isinstance(canonical, Problem):
                    writer.quarantine(raw_row.row_number, raw_row.values, canonical)
                else:
                    record_id = canonical["record_id"]
                    first = first_row_of.setdefault(record_id, raw_row.row_number)  # type: ignore[arg-type]
                    if first != raw_row.row_number:
                        problem = Problem(
                            "record_id", f"duplicate record_id {record_id!r} (first at row {first})"
                        )
                        writer.quarantine(raw_row.row_number, raw_row.values, problem)
                    else:
                        writer.store(raw_row.row_number, raw_row.values, canonical, blanked)
            if progress and result.read % 10_000 == 0:
                progress(result.read)
        writer.flush()
        result.quarantine_resolved, result.flags_resolved = resolve_earlier(
            conn, source_id, import_id, writer.valid_stored, now
        )
        record_import_counts(conn, import_id, result)
    if progress:
        progress(result.read)
    assert result.read == result.stored + result.quarantined
    log.info(
        "import %s into %s: read %d, stored %d, quarantined %d",
        path.name,
        source,
        result.read,
        result.stored,
        result.quarantined,
    )
    return result


class _Writer:
    """Batches rows for insertion and decides new / new version / unchanged against the store."""

    def __init__(
        self,
        conn: Connection,
        source_id: int,
        import_id: int,
        result: ImportResult,
        record_id_column: str | None,
    ) -> None:
        self.conn = conn
        self.record_id_column = record_id_column
        # Record ids of this file's fully valid rows: they resolve earlier quarantined rows and flags.
        self.valid_stored: set[str] = set()
        self.flags: list[dict] = []
        self.source_id = source_id
        self.import_id = import_id
        self.result = result
        rows = conn.execute(
            select(Record.record_id, Record.content_hash, Record.version).where(
                Record.source_id == source_id, Record.is_current.is_(True)
            )
        )
        self.current: dict[str, tuple[str, int]] = {r: (h, v) for r, h, v in rows}
        self.quarantined_before: set[tuple[str, str | None, str]] = {
            (h, f, r)
            for h, f, r in conn.execute(
                select(Quarantine.raw_hash, Quarantine.field, Quarantine.reason).where(
                    Quarantine.source_id == source_id
                )
            )
        }
        self.records: list[tuple] = []  # in RECORD_INSERT_COLUMNS' order
        self.superseded: list[str] = []
        self.held: list[dict] = []

    def store(
        self,
        row_number: int,
        raw: dict[str, str],
        canonical: dict[str, object],
        blanked: Problem | None = None,
    ) -> None:
        """Store a valid row; `blanked`, when given, is the problem whose fields were blanked to keep it."""
        values = tuple(map(canonical.get, CANONICAL_COLUMNS))
        raw_json = orjson.dumps(raw).decode()
        fingerprint = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS) + orjson.dumps(values)
        ante_mortem = tuple(map(canonical.get, ANTE_MORTEM_COLUMNS))
        if any(v is not None for v in ante_mortem):  # only then: older records keep their hash
            fingerprint += orjson.dumps(ante_mortem)
        content_hash = hashlib.blake2b(fingerprint, digest_size=16).hexdigest()
        record_id: str = canonical["record_id"]  # type: ignore[assignment]
        self.result.stored += 1
        if blanked is None:
            self.valid_stored.add(record_id)
        else:
            self.result.kept_with_blanks += 1
        previous = self.current.get(record_id)
        if previous is not None and previous[0] == content_hash:
            self.result.unchanged += 1
            return
        if blanked is not None:
            self.flags.append(
                dict(
                    source_id=self.source_id,
                    record_id=record_id,
                    import_id=self.import_id,
                    row_number=row_number,
                    field=blanked.field,
                    reason=cut(blanked.reason, MAX_REASON_CHARS),
                    raw_values=bounded_row(raw),
                )
            )
        version = 1
        if previous is not None:
            version = previous[1] + 1
            self.superseded.append(record_id)
            self.result.new_versions += 1
        else:
            self.result.new += 1
        self.current[record_id] = (content_hash, version)
        self.records.append(
            (
                *values,
                *ante_mortem,
                self.source_id,
                self.import_id,
                row_number,
                version,
                True,
                content_hash,
                raw_json,
            )
        )
        if len(self.records) >= BATCH:
            self.flush()

    def quarantine(self, row_number: int, raw: dict[str, str], problem: Problem) -> None:
        self.result.quarantined += 1
        for name in (problem.field or "row").split(", "):
            self.result.reasons[name] = self.result.reasons.get(name, 0) + 1
        # The hash is of the row as read; what is kept of an over-long row is a bounded prefix.
        raw_hash = hashlib.blake2b(orjson.dumps(raw, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()
        raw = bounded_row(raw)
        problem = Problem(problem.field and problem.field[:200], cut(problem.reason, MAX_REASON_CHARS))
        key = (raw_hash, problem.field, problem.reason)
        if key in self.quarantined_before:
            return
        self.quarantined_before.add(key)
        self.result.quarantine_new += 1
        self.held.append(
            dict(
                source_id=self.source_id,
                import_id=self.import_id,
                row_number=row_number,
                raw=raw,
                raw_hash=raw_hash,
                # A duplicate's id belongs to the row stored before it: nothing later resolves it.
                record_id=None
                if "record_id" in (problem.field or "").split(", ")
                else record_id_of(raw, self.record_id_column),
                field=problem.field,
                reason=problem.reason,
            )
        )
        if len(self.held) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.superseded:
            for start in range(0, len(self.superseded), 500):
                chunk = self.superseded[start : start + 500]
                self.conn.execute(
                    update(Record)
                    .where(Record.source_id == self.source_id, Record.record_id.in_(chunk), Record.is_current)
                    .values(is_current=False)
                )
            self.superseded.clear()
        if self.records:
            bulk_insert(self.conn, "records", RECORD_INSERT_COLUMNS, self.records)
            self.records.clear()
        if self.held:
            self.conn.execute(insert(Quarantine), self.held)
            self.held.clear()
        if self.flags:
            self.conn.execute(insert(RecordFlag), self.flags)
            self.flags.clear()
