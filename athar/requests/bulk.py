"""`athar requests import FILE --org NAME`: many requests from a CSV or XLSX file, in one transaction.

Columns: ``request_id``, the canonical person columns for the sought person, ``requester_name``,
``requester_relationship``, ``requester_phone``, ``requester_email``, ``circumstances``, the
ante-mortem columns ``height_cm, dental, marks, clothing``, and optionally ``language``,
``preferred_channel``, ``share_with_organisations``, ``reveal_requester_to_found``. The file is read by
`athar.ingest`'s readers and each row checked as the public form is, so a row is stored or
quarantined with its reasons (read = stored + quarantined). A quarantined row keeps its values as
read, with the requester's columns sealed. A ``request_id`` the organisation already sent is not
stored twice: it counts as unchanged and answers with its existing reference.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from sqlalchemy import insert, select

from athar.audit import record_event
from athar.ingest.counts import record_import_counts
from athar.ingest.readers import read_bytes, read_table
from athar.protect import FieldCipher
from athar.requests.intake import (
    candidate_exclusion,
    ensure_organisation,
    new_import,
    rank_many,
    requests_source,
    store_request,
)
from athar.requests.validation import REQUESTER_FIELDS, RequestInput, RequestInvalid, Spam, validate_request
from athar.search import PersonIndex
from athar.store.tables import Quarantine, TracingRequest

log = logging.getLogger(__name__)
RANK_CHUNK = 1000  # requests ranked per batched search


@dataclass
class BulkResult:
    file: str
    organisation: str
    import_id: int
    read: int = 0
    stored: int = 0
    quarantined: int = 0
    new: int = 0
    unchanged: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return dataclasses.asdict(self)


def _header(name: str) -> str:
    return "_".join(name.strip().casefold().replace("-", " ").split())


def import_requests(
    engine,
    path: Path,
    organisation: str,
    cipher: FieldCipher,
    index: PersonIndex | None,
    user: str | None = None,
    today: dt.date | None = None,
    sheet: str | None = None,
) -> BulkResult:
    """Import one file of requests for ``organisation`` (created if new). Raises UnreadableFile."""
    user = user or getpass.getuser()
    data = read_bytes(path)
    table = read_table(path, sheet=sheet, data=data)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        organisation_id = ensure_organisation(conn, organisation, now)
        source_id, source_name = requests_source(conn, organisation_id, organisation, now)
        import_id = new_import(
            conn, source_id, path.name, table.file_format, hashlib.sha256(data).hexdigest(), user, now
        )
        existing = dict(
            conn.execute(
                select(TracingRequest.record_id, TracingRequest.reference).where(
                    TracingRequest.source_id == source_id
                )
            ).all()
        )
        candidates_of = {}
        result = BulkResult(str(path), organisation, import_id)
        first_row: dict[str, int] = {}
        fresh: list[tuple[int, RequestInput, int]] = []  # (row number, checked, slot in result.requests)

        def quarantine(row_number: int, raw: dict[str, str], fields: str, reason: str) -> None:
            result.quarantined += 1
            for name in fields.split(", "):
                result.reasons[name] = result.reasons.get(name, 0) + 1
            contact = {k: v for k, v in raw.items() if _header(k) in REQUESTER_FIELDS}
            kept = {k: v for k, v in raw.items() if k not in contact}
            if contact:
                kept["_sealed_requester"] = cipher.seal_json(contact, f"quarantine:{import_id}:{row_number}")
            digest = hashlib.blake2b(
                orjson.dumps(kept, option=orjson.OPT_SORT_KEYS), digest_size=16
            ).hexdigest()
            conn.execute(
                insert(Quarantine).values(
                    source_id=source_id,
                    import_id=import_id,
                    row_number=row_number,
                    raw=kept,
                    raw_hash=digest,
                    field=fields,
                    reason=reason,
                )
            )

        for row in table.rows:
            result.read += 1
            if row.problem is not None:
                quarantine(row.row_number, row.values, row.problem[0] or "row", row.problem[1])
                continue
            values = {_header(k): v for k, v in row.values.items()}
            try:
                checked = validate_request(values, language="en", today=today)
            except RequestInvalid as e:
                fields = ", ".join(dict.fromkeys(p.field for p in e.problems))
                reason = "; ".join(f"{p.field}: {p.detail or p.message('en')}" for p in e.problems)
                quarantine(row.row_number, row.values, fields, reason)
                continue
            except Spam:
                quarantine(row.row_number, row.values, "website", "the website column must be empty")
                continue
            request_id = checked.request_id
            if not request_id:
                quarantine(row.row_number, row.values, "request_id", "missing request_id")
                continue
            first = first_row.setdefault(request_id, row.row_number)
            if first != row.row_number:
                quarantine(
                    row.row_number,
                    row.values,
                    "request_id",
                    f"duplicate request_id {request_id!r} (first at row {first})",
                )
                continue
            result.stored += 1
            if request_id in existing:
                result.unchanged += 1
                if request_id not in candidates_of:
                    candidates_of[request_id] = (
                        conn.execute(
                            select(TracingRequest.candidates).where(
                                TracingRequest.reference == existing[request_id]
                            )
                        ).scalar()
                        or []
                    )
                result.requests.append(
                    {
                        "request_id": request_id,
                        "reference": existing[request_id],
                        "candidates": candidates_of[request_id],
                    }
                )
                continue
            raw = {k: v for k, v in row.values.items() if _header(k) not in REQUESTER_FIELDS}
            fresh.append((row.row_number, dataclasses.replace(checked, raw=raw), len(result.requests)))
            result.requests.append({})  # filled below, in the file's order
        # Candidates for the whole file at once (athar.search.batch), in chunks that bound memory.
        ranked: list[list[dict]] = []
        if index is not None:
            for start in range(0, len(fresh), RANK_CHUNK):
                chunk = fresh[start : start + RANK_CHUNK]
                sought = [(c.record, candidate_exclusion(source_name, c)) for _n, c, _slot in chunk]
                ranked.extend(rank_many(index, sought))
        for i, (row_number, checked, slot) in enumerate(fresh):
            intake = store_request(
                conn,
                checked,
                cipher=cipher,
                organisation_id=organisation_id,
                source_id=source_id,
                source_name=source_name,
                import_id=import_id,
                row_number=row_number,
                intake="import",
                user=user,
                now=now,
                index=None,
                checked_unique=True,
                audited=False,
                candidates=ranked[i] if index is not None else [],
            )
            result.new += 1
            result.requests[slot] = intake.as_json()
        record_import_counts(conn, import_id, result)
        record_event(
            conn,
            user,
            "requests.imported",
            "import",
            str(import_id),
            "cli",
            {"organisation": organisation, "file": path.name, "new": result.new, "read": result.read},
        )
    assert result.read == result.stored + result.quarantined
    log.info(
        "requests import %s for %s: read %d, stored %d, quarantined %d",
        path.name,
        organisation,
        result.read,
        result.stored,
        result.quarantined,
    )
    return result
