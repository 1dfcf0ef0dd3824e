"""`athar requests import FILE --org NAME`: many requests from a CSV or XLSX file, in one transaction.

Columns: ``request_id``, the canonical person columns for the sought person, ``requester_name``,
``requester_relationship``, ``requester_phone``, ``requester_email``, ``circumstances``, the
ante-mortem columns ``height_cm, dental, marks, clothing``, and optionally ``language``,
``preferred_channel``, ``share_with_organisations``, ``reveal_requester_to_found``. The file is read by
`athar.ingest`'s readers and each row checked as the public form is, so a row is stored or
quarantined with its reasons (read = stored + quarantined). A quarantined row keeps its values as
read, with the requester's columns sealed. A ``request_id`` the organisation already sent is not
stored twice: it counts as unchanged and answers with its existing reference. The file's requests
are stored a table at a time (`athar.requests.intake.store_requests`), in one transaction.
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
    SOURCE_PREFIX,
    STATEMENT_ROWS,
    Checked,
    candidate_exclusion,
    ensure_organisation,
    new_import,
    rank_many,
    requests_source,
    store_requests,
)
from athar.requests.ranking import in_slices
from athar.requests.validation import REQUESTER_FIELDS, RequestInput, RequestInvalid, Spam, validate_request
from athar.search import PersonIndex
from athar.store.tables import Quarantine, Source, TracingRequest

log = logging.getLogger(__name__)


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


@dataclass
class _Row:
    """One row of the file once checked: quarantined (``fields`` and ``reason``) or a request, with
    its candidates once ranked."""

    number: int
    values: dict[str, str]
    checked: RequestInput | None = None
    fields: str = ""
    reason: str = ""
    candidates: list[dict] = field(default_factory=list)


def _check_row(row, today: dt.date | None, headers: dict[str, str]) -> _Row:
    """One row of the file checked as the public form checks one (request ids are compared across
    the file afterwards, `_one_per_request_id`)."""
    if row.problem is not None:
        return _Row(row.row_number, row.values, None, row.problem[0] or "row", row.problem[1])
    named = {k: headers.get(k) or _header(k) for k in row.values}
    values = {named[k]: v for k, v in row.values.items()}
    try:
        checked = validate_request(values, language="en", today=today)
    except RequestInvalid as e:
        fields = ", ".join(dict.fromkeys(p.field for p in e.problems))
        reason = "; ".join(f"{p.field}: {p.detail or p.message('en')}" for p in e.problems)
        return _Row(row.row_number, row.values, None, fields, reason)
    except Spam:
        return _Row(row.row_number, row.values, None, "website", "the website column must be empty")
    if not checked.request_id:
        return _Row(row.row_number, row.values, None, "request_id", "missing request_id")
    raw = {k: v for k, v in row.values.items() if named[k] not in REQUESTER_FIELDS}
    return _Row(row.row_number, row.values, dataclasses.replace(checked, raw=raw))


def _one_per_request_id(rows: list[_Row]) -> list[_Row]:
    """The rows with a request id an earlier row of the file holds, quarantined."""
    first_row: dict[str, int] = {}
    out = []
    for row in rows:
        request_id = row.checked.request_id if row.checked else None
        if request_id is not None:
            first = first_row.setdefault(request_id, row.number)
            if first != row.number:
                reason = f"duplicate request_id {request_id!r} (first at row {first})"
                row = _Row(row.number, row.values, None, "request_id", reason)
        out.append(row)
    return out


@dataclass(frozen=True)
class _CheckAndRank:
    """The work on a slice of the file's rows, in this process or in a ranking worker: each row
    checked, and the new requests among them ranked (`rank_many`, whose answer for a request does
    not depend on the rest of its batch)."""

    today: dt.date | None
    headers: dict[str, str]
    source_name: str
    sent: frozenset[str]

    def __call__(self, index: PersonIndex | None, rows: list) -> list[_Row]:
        checked = [_check_row(row, self.today, self.headers) for row in rows]
        fresh = [(r, r.checked) for r in checked if r.checked and r.checked.request_id not in self.sent]
        if index is not None and fresh:
            sought = [(c.record, candidate_exclusion(self.source_name, c)) for _row, c in fresh]
            for (row, _checked), candidates in zip(fresh, rank_many(index, sought), strict=True):
                row.candidates = candidates
        return checked


def _sent_before(conn, organisation: str) -> dict[str, str]:
    """Request id -> reference of the requests the organisation has sent already."""
    source = select(Source.id).where(Source.name == SOURCE_PREFIX + organisation).scalar_subquery()
    found = select(TracingRequest.record_id, TracingRequest.reference).where(
        TracingRequest.source_id == source
    )
    return {record_id: reference for record_id, reference in conn.execute(found).all()}


def _stored_candidates(conn, references: list[str]) -> dict[str, list]:
    out: dict[str, list] = {}
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        query = select(TracingRequest.reference, TracingRequest.candidates).where(
            TracingRequest.reference.in_(chunk)
        )
        out.update((reference, candidates or []) for reference, candidates in conn.execute(query).all())
    return out


def import_requests(
    engine,
    path: Path,
    organisation: str,
    cipher: FieldCipher,
    index: PersonIndex | None,
    user: str | None = None,
    today: dt.date | None = None,
    sheet: str | None = None,
    workers: int | None = None,
) -> BulkResult:
    """Import one file of requests for ``organisation`` (created if new). Raises UnreadableFile.

    The file is read, checked and its new requests ranked before the store is written to (ranking
    a file's thousands of requests over a million persons takes seconds, which the public form
    must not wait for on SQLite's one writer); then everything is written in one transaction, a
    table at a time (`store_requests`), so an error or a kill leaves nothing of the file.
    ``workers``: processes ranking the candidates (None: one per core for a large file, none for a
    small one, `athar.requests.ranking.pool_workers`; 0: ranked in this process).
    """
    user = user or getpass.getuser()
    data = read_bytes(path)
    table = read_table(path, sheet=sheet, data=data)
    source_name = SOURCE_PREFIX + organisation
    with engine.connect() as conn:
        sent = _sent_before(conn, organisation)
    raw_rows = list(table.rows)
    headers = {k: _header(k) for row in raw_rows[:1] for k in row.values}
    # Rows checked and their new requests ranked (athar.search.batch), in a pool of worker
    # processes for a large file (athar.requests.ranking): checking in the workers too keeps it
    # off the one process that waits for them.
    work = _CheckAndRank(today, headers, source_name, frozenset(sent))
    pool = workers if index is not None else 0
    rows = _one_per_request_id(in_slices(index, work, raw_rows, pool))
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        organisation_id = ensure_organisation(conn, organisation, now)
        source_id, source_name = requests_source(conn, organisation_id, organisation, now)
        import_id = new_import(
            conn, source_id, path.name, table.file_format, hashlib.sha256(data).hexdigest(), user, now
        )
        sent = _sent_before(conn, organisation)  # again, in the transaction: another import may have run
        result = BulkResult(str(path), organisation, import_id)
        quarantined: list[dict] = []
        new: list[Checked] = []
        slots: list[int] = []  # where each new request's answer goes in result.requests
        unchanged: list[int] = []
        for row in rows:
            result.read += 1
            if row.checked is None:
                quarantined.append(_quarantined(row, cipher, source_id, import_id, result))
                continue
            result.stored += 1
            request_id = row.checked.request_id
            assert request_id is not None
            if request_id in sent:
                result.unchanged += 1
                unchanged.append(len(result.requests))
                result.requests.append({"request_id": request_id, "reference": sent[request_id]})
                continue
            slots.append(len(result.requests))
            result.requests.append({})
            new.append(Checked(row.checked, row.number, row.candidates))
        for start in range(0, len(quarantined), STATEMENT_ROWS):
            conn.execute(insert(Quarantine), quarantined[start : start + STATEMENT_ROWS])
        stored_candidates = _stored_candidates(conn, [result.requests[i]["reference"] for i in unchanged])
        for i in unchanged:
            result.requests[i]["candidates"] = stored_candidates.get(result.requests[i]["reference"], [])
        intakes = store_requests(
            conn,
            new,
            cipher=cipher,
            organisation_id=organisation_id,
            source_id=source_id,
            import_id=import_id,
            intake="import",
            user=user,
            now=now,
        )
        for slot, intake in zip(slots, intakes, strict=True):
            result.requests[slot] = intake.as_json()
        result.new = len(intakes)
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


def _quarantined(row: _Row, cipher: FieldCipher, source_id: int, import_id: int, result: BulkResult) -> dict:
    """The quarantine row of a refused row, the requester's columns sealed; counted in ``result``."""
    result.quarantined += 1
    for name in row.fields.split(", "):
        result.reasons[name] = result.reasons.get(name, 0) + 1
    contact = {k: v for k, v in row.values.items() if _header(k) in REQUESTER_FIELDS}
    kept = {k: v for k, v in row.values.items() if k not in contact}
    if contact:
        kept["_sealed_requester"] = cipher.seal_json(contact, f"quarantine:{import_id}:{row.number}")
    digest = hashlib.blake2b(orjson.dumps(kept, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()
    return dict(
        source_id=source_id,
        import_id=import_id,
        row_number=row.number,
        raw=kept,
        raw_hash=digest,
        field=row.fields,
        reason=row.reason,
    )
