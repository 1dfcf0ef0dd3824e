"""`athar remains import FILE --site NAME`: post-mortem records into one site, in one transaction.

Every row is stored as a remains case (or recognised as one already stored with the same values) or
quarantined with the fields and reasons, in the ordinary `imports` and `quarantine` tables under the
site's source: read = stored + quarantined. A case id stored before with other values is a correction:
the case gets a new version (its id, steps, DNA reports and custody stay), and the version it replaces
is kept in `remains_case_versions`, as records keep theirs.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import orjson
from sqlalchemy import Connection, Engine, insert, select, update

from athar.audit import record_event
from athar.errors import AtharError
from athar.ingest.counts import record_import_counts
from athar.ingest.limits import MAX_REASON_CHARS, bounded_row, cut
from athar.ingest.readers import RawRow, read_bytes, read_table
from athar.remains.postmortem import COLUMNS, header, validate_row
from athar.remains.sites import find_site, new_id
from athar.store.engine import lock_timeout_as_store_busy
from athar.store.tables import (
    CustodyEvent,
    Import,
    Quarantine,
    RemainsCase,
    RemainsCaseEvent,
    RemainsCaseVersion,
    Site,
)

log = logging.getLogger(__name__)


FORM_ENTRY = "form entry"


class UnknownSite(ValueError):
    """The import names a site nobody added."""


class EntryRefused(AtharError, ValueError):
    """A body entered on a form that cannot be stored: `problems` holds every wrong field and why."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {r}" for f, r in problems))
        self.problems = problems


@dataclass
class RemainsImportResult:
    file: str
    site: str
    import_id: int
    read: int = 0
    stored: int = 0
    quarantined: int = 0
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    new_case_ids: list[int] = field(default_factory=list)  # the new cases' ids (not printed)

    def as_json(self) -> dict:
        out = asdict(self)
        del out["new_case_ids"]
        return out


VERSIONED = tuple(c for c in COLUMNS if c not in ("case_id", "part_of"))


def _supersede(conn: Connection, case_pk: int, import_id: int, now: dt.datetime) -> None:
    """Keep the case's current version, as read and as stored, before a corrected row replaces it."""
    case = conn.execute(select(RemainsCase).where(RemainsCase.id == case_pk)).one()
    conn.execute(
        insert(RemainsCaseVersion).values(
            remains_case_id=case_pk, version=case.version, import_id=case.import_id,
            row_number=case.row_number, raw=case.raw, content_hash=case.content_hash,
            stored={c: getattr(case, c) for c in (*VERSIONED, "part_of_id")},
            superseded_by_import_id=import_id, superseded_at=now,
        )
    )  # fmt: skip


def _hash(values: dict) -> str:
    return hashlib.blake2b(orjson.dumps(values, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


def import_remains(
    engine: Engine,
    path: Path,
    site: str,
    user: str | None = None,
    today: dt.date | None = None,
    client: str | None = "cli",
) -> RemainsImportResult:
    """Raise UnreadableFile for a file that is not a table, UnknownSite for a site not added."""
    data = read_bytes(path)
    table = read_table(path, data=data)
    upload = _Upload(
        str(path), path.name, hashlib.sha256(data).hexdigest(), table.file_format, table.encoding
    )
    user = user or getpass.getuser()
    return _import_rows(engine, upload, table.rows, site, user, today or dt.date.today(), client)


def enter_body(
    engine: Engine,
    values: dict[str, str],
    site: str,
    user: str,
    today: dt.date | None = None,
    client: str | None = "cli",
) -> int:
    """One body typed on a form, stored as a file's row would be (the same validation, an import of one
    row, its first custody entry), or refused whole with every wrong field (`EntryRefused`): nothing of a
    refused entry is stored, not even in quarantine, since the person typing it is there to mend it. A
    case id stored before is refused too: corrections come as files, whose rows keep their versions.
    Returns the new case's id."""
    raw = {column: (values.get(column) or "").strip() for column in COLUMNS}
    raw = {column: value for column, value in raw.items() if value}
    digest = hashlib.sha256(orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)).hexdigest()
    upload = _Upload(FORM_ENTRY, FORM_ENTRY, digest, "form", None)
    rows = iter([RawRow(1, raw)])
    result = _import_rows(engine, upload, rows, site, user, today or dt.date.today(), client, entry=True)
    return result.new_case_ids[0]


@dataclass(frozen=True)
class _Upload:
    label: str  # what the result calls the file (its path on the command line)
    name: str
    sha256: str
    file_format: str
    encoding: str | None


def _import_rows(
    engine: Engine,
    upload: _Upload,
    table_rows: Iterator[RawRow],
    site: str,
    user: str,
    today: dt.date,
    client: str | None,
    entry: bool = False,
) -> RemainsImportResult:
    now = dt.datetime.now(dt.UTC)
    with lock_timeout_as_store_busy(f"{upload.name}: remains import into {site!r}"), engine.begin() as conn:
        info = find_site(conn, site)
        if info is None:
            raise UnknownSite(f"no site named {site!r}; add it first with `athar sites add`")
        import_id = new_id(
            conn.execute(
                insert(Import).values(
                    source_id=info.source_id,
                    file_name=upload.name,
                    sha256=upload.sha256,
                    file_format=upload.file_format,
                    encoding=upload.encoding,
                    imported_at=now,
                    imported_by=user,
                )
            )
        )
        result = RemainsImportResult(upload.label, info.name, import_id)
        organisation_of = dict(conn.execute(select(Site.id, Site.organisation_id)).all())
        stored = {
            c: (i, h, site_id)
            for c, i, h, site_id in conn.execute(
                select(RemainsCase.case_id, RemainsCase.id, RemainsCase.content_hash, RemainsCase.site_id)
            )
        }

        def joinable(case_id: str) -> bool:
            """A case this site's parts may join: one of a site of the same organisation (a case of
            another organisation's site is, to this import, a case that does not exist)."""
            return case_id in stored and organisation_of[stored[case_id][2]] == organisation_of[info.id]

        first_row: dict[str, int] = {}
        parts: list[tuple[int, str, int]] = []

        def quarantine(row_number: int, raw: dict[str, str], problems: list[tuple[str, str]]) -> None:
            if entry:
                raise EntryRefused(problems)
            fields = ", ".join(dict.fromkeys(f for f, _ in problems))
            reason = cut("; ".join(f"{f}: {r}" for f, r in problems), MAX_REASON_CHARS)
            result.quarantined += 1
            for name in fields.split(", "):
                result.reasons[name] = result.reasons.get(name, 0) + 1
            result.problems.append({"row": row_number, "field": fields, "reason": reason})
            conn.execute(
                insert(Quarantine).values(
                    source_id=info.source_id,
                    import_id=import_id,
                    row_number=row_number,
                    raw=bounded_row(raw),
                    raw_hash=_hash(raw),
                    field=fields[:200],
                    reason=reason,
                )
            )

        rows = list(table_rows)
        in_file = {
            header_values.get("case_id", "").strip()
            for header_values in ({header(k): v for k, v in r.values.items()} for r in rows)
        }
        for row in rows:
            result.read += 1
            if row.problem is not None:
                quarantine(row.row_number, row.values, [(row.problem[0] or "row", row.problem[1])])
                continue
            checked = validate_row(row.values, today)
            if isinstance(checked, list):
                quarantine(row.row_number, row.values, checked)
                continue
            case_id = str(checked["case_id"])
            first = first_row.setdefault(case_id, row.row_number)
            if first != row.row_number:
                quarantine(
                    row.row_number,
                    row.values,
                    [("case_id", f"duplicate case_id {case_id!r} (first at row {first})")],
                )
                continue
            if case_id in stored and (entry or stored[case_id][2] != info.id):
                elsewhere = "" if stored[case_id][2] == info.id else " at another site"
                quarantine(
                    row.row_number, row.values, [("case_id", f"case {case_id!r} exists already{elsewhere}")]
                )
                continue
            part_of = checked.pop("part_of")
            if part_of and not joinable(str(part_of)) and part_of not in in_file:
                quarantine(
                    row.row_number,
                    row.values,
                    [
                        (
                            "part_of",
                            f"part_of names case {part_of!r}, which is in neither this file nor the store",
                        )
                    ],
                )
                continue
            content_hash = _hash({**checked, "part_of": part_of})
            if case_id in stored:
                result.stored += 1
                if stored[case_id][1] == content_hash:
                    result.unchanged += 1
                    continue
                case_pk = stored[case_id][0]
                _supersede(conn, case_pk, import_id, now)
                conn.execute(
                    update(RemainsCase)
                    .where(RemainsCase.id == case_pk)
                    .values(
                        **{c: checked.get(c) for c in VERSIONED},
                        import_id=import_id,
                        row_number=row.row_number,
                        raw=row.values,
                        content_hash=content_hash,
                        version=RemainsCase.version + 1,
                    )
                )
                stored[case_id] = (case_pk, content_hash, info.id)
                if part_of:
                    parts.append((case_pk, str(part_of), row.row_number))
                result.new_versions += 1
                continue
            case_pk = new_id(
                conn.execute(
                    insert(RemainsCase).values(
                        **checked,
                        site_id=info.id,
                        import_id=import_id,
                        row_number=row.row_number,
                        raw=row.values,
                        content_hash=content_hash,
                        created_at=now,
                    )
                )
            )
            stored[case_id] = (case_pk, content_hash, info.id)
            result.new_case_ids.append(case_pk)
            conn.execute(
                insert(CustodyEvent).values(
                    remains_case_id=case_pk,
                    sample_id=checked.get("dna_sample_id"),
                    action="recovered",
                    holder=info.name,
                    location=info.name,
                    at=now,
                    recorded_by=user,
                    created_at=now,
                )
            )
            if part_of:
                parts.append((case_pk, str(part_of), row.row_number))
            result.stored += 1
            result.new += 1
        for case_pk, part_of, row_number in parts:
            if not joinable(part_of):
                raise_later = (
                    f"row {row_number}: part_of names case {part_of!r}, which is in neither file nor store"
                )
                result.problems.append({"row": row_number, "field": "part_of", "reason": raise_later})
                continue
            conn.execute(
                update(RemainsCase).where(RemainsCase.id == case_pk).values(part_of_id=stored[part_of][0])
            )
            conn.execute(
                insert(RemainsCaseEvent).values(
                    remains_case_id=case_pk,
                    kind="joined",
                    other_case_id=stored[part_of][0],
                    reason=f"part_of in {upload.name}, row {row_number}",
                    user_name=user,
                    created_at=now,
                )
            )
        record_import_counts(conn, import_id, result)
        record_event(
            conn,
            user,
            "remains.imported",
            "import",
            str(import_id),
            client=client,
            detail={
                "site": info.name,
                "read": result.read,
                "stored": result.stored,
                "quarantined": result.quarantined,
            },
        )
    assert result.read == result.stored + result.quarantined
    log.info(
        "remains import %s into %s: read %d, stored %d, quarantined %d",
        upload.name,
        info.name,
        result.read,
        result.stored,
        result.quarantined,
    )
    return result
