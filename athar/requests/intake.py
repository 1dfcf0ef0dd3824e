"""Storing a checked request: its sought person as a record, who asked (sealed), its first event,
its ranked candidates, an acknowledgement in the outbox; all in the caller's transaction.

Each organisation has one tracing-requests source (``tracing requests: ORG``, kind
``family_report``, private). The sought person is the record whose `record_id` is the request's id
(the organisation's own, or the reference), so `athar link` places it like any list's record, and
two requests for one person end in that one person. Candidates are ranked at once by the search
engine over the index the caller keeps (a saved index does not hold the new request, which is right:
a request is not its own candidate).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import orjson
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from athar.audit import record_event
from athar.protect import FieldCipher, load_keyring
from athar.requests.references import hash_secret, new_reference, new_secret
from athar.requests.statuses import RequestStatus
from athar.requests.validation import FieldProblem, RequestInput, RequestInvalid, validate_request
from athar.search import Match, PersonIndex, search
from athar.search.batch import Query, search_many
from athar.search.index import unlinked_person_id
from athar.store.tables import (
    CANONICAL_COLUMNS,
    Import,
    Organisation,
    OutboxMessage,
    Record,
    RequestContact,
    RequestEvent,
    Source,
    SourceKind,
    TracingRequest,
)

SOURCE_PREFIX = "tracing requests: "
SECRET_LABEL = "request secrets"
CANDIDATES = 10


@dataclass
class Intake:
    """What the requester (or the importing organisation) is given once: the secret is never stored."""

    id: int
    request_id: str
    reference: str
    secret: str
    candidates: list[dict] = field(default_factory=list)

    def as_json(self, with_secret: bool = True) -> dict:
        out = {"request_id": self.request_id, "reference": self.reference, "candidates": self.candidates}
        if with_secret:
            out["secret"] = self.secret
        return out


def contact_context(request_pk: int, name: str) -> str:
    return f"request_contacts:{request_pk}:{name}"


def ensure_organisation(conn: Connection, name: str, now: dt.datetime) -> int:
    found = conn.execute(select(Organisation.id).where(Organisation.name == name)).scalar()
    if found is not None:
        return found
    return conn.execute(insert(Organisation).values(name=name, created_at=now)).inserted_primary_key[0]  # type: ignore[index]


def requests_source(
    conn: Connection, organisation_id: int, organisation: str, now: dt.datetime
) -> tuple[int, str]:
    """The organisation's tracing-requests source (id, name), created private if new."""
    name = SOURCE_PREFIX + organisation
    found = conn.execute(select(Source.id).where(Source.name == name)).scalar()
    if found is not None:
        return found, name
    values = dict(
        name=name,
        organisation_id=organisation_id,
        sharing="private",
        kind=SourceKind.FAMILY_REPORT,
        description="Sought persons of families' tracing requests",
        created_at=now,
    )
    source_id = conn.execute(insert(Source).values(**values)).inserted_primary_key[0]  # type: ignore[index]
    return source_id, name


def new_import(
    conn: Connection, source_id: int, file_name: str, file_format: str, digest: str, user: str, now
) -> int:
    values = dict(
        source_id=source_id,
        file_name=file_name,
        sha256=digest,
        file_format=file_format,
        imported_at=now,
        imported_by=user,
    )
    return conn.execute(insert(Import).values(**values)).inserted_primary_key[0]  # type: ignore[index]


def _born(record: dict) -> int | None:
    text = str(record.get("birth_date") or "")
    return int(text[:4]) if text[:4].isdigit() else None


def candidate_query(record: dict) -> Query | None:
    """What the search is asked for a sought person (None when the record gives no name)."""
    text = record.get("full_name") or " ".join(
        str(record[p])
        for p in ("given_name", "father_name", "grandfather_name", "family_name")
        if record.get(p)
    )
    if not text:
        return None
    return Query(
        str(text),
        father=record.get("father_name") if record.get("full_name") is None else None,
        mother=record.get("mother_name"),
        born=_born(record),
        sex=record.get("sex"),
        structured=not record.get("full_name"),
    )


def _ranked(matches: list[Match], exclude: str | None) -> list[dict]:
    ranked = [
        {"person_id": m.person_id, "score": round(m.score, 4)} for m in matches if m.person_id != exclude
    ]
    return ranked[:CANDIDATES]


def rank_candidates(index: PersonIndex | None, record: dict, exclude: str | None = None) -> list[dict]:
    """Persons that may be the one sought, best first: ``[{person_id, score}]``."""
    query = candidate_query(record)
    if index is None or query is None:
        return []
    matches = search(
        index, query.text, query.father, query.mother, query.born, CANDIDATES + 1, query.sex, query.structured
    )
    return _ranked(matches, exclude)


def rank_many(index: PersonIndex, sought: list[tuple[dict, str | None]]) -> list[list[dict]]:
    """`rank_candidates` of many (record, exclude) at once, through the batched search: the same
    candidates, at a fraction of the cost per request (`athar.search.batch`)."""
    queries = [candidate_query(record) for record, _exclude in sought]
    asked = [q for q in queries if q is not None]
    answers = iter(search_many(index, asked, limit=CANDIDATES + 1))
    return [
        [] if q is None else _ranked(next(answers), exclude)
        for q, (_record, exclude) in zip(queries, sought, strict=True)
    ]


def record_values(checked: RequestInput, record_id: str) -> tuple[tuple, str, str]:
    """(canonical values in CANONICAL_COLUMNS order, raw JSON, content hash) as the importer makes them."""
    canonical = {**checked.record, "record_id": record_id}
    values = tuple(canonical.get(c) for c in CANONICAL_COLUMNS)
    raw = {"request_id": record_id, **checked.raw}
    fingerprint = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS) + orjson.dumps(values)
    return values, orjson.dumps(raw).decode(), hashlib.blake2b(fingerprint, digest_size=16).hexdigest()


def seal_contact(cipher: FieldCipher, request_pk: int, checked: RequestInput) -> dict:
    r = checked.requester
    raw = (
        cipher.seal_json(checked.requester_raw, contact_context(request_pk, "raw"))
        if checked.requester_raw
        else None
    )
    return dict(
        request_id=request_pk,
        name=cipher.seal(r.name, contact_context(request_pk, "name")),
        relationship=cipher.seal(r.relationship, contact_context(request_pk, "relationship")),
        phone=cipher.seal(r.phone, contact_context(request_pk, "phone")),
        email=cipher.seal(r.email, contact_context(request_pk, "email")),
        raw=raw,
    )


def acknowledgement(
    cipher: FieldCipher, request_pk: int, reference: str, checked: RequestInput, now
) -> dict | None:
    """The outbox row telling the requester their request arrived (no message for "phone me")."""
    r = checked.requester
    channel = checked.preferred_channel
    recipient = r.email if channel == "email" else r.phone if channel == "sms" else None
    if recipient is None:
        return None
    return dict(
        request_id=request_pk,
        channel=channel,
        recipient=cipher.seal(recipient, f"outbox:{request_pk}:recipient"),
        template="received",
        language=checked.language,
        params={"reference": reference},
        state="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def _insert_requests(
    conn: Connection, rows: list[dict], request_ids: list[str | None]
) -> list[tuple[int, str]]:
    """Insert requests, each with a fresh reference (also the record id of a request without an id
    of its own), in one statement per thousand rows; (id, reference) of each, in order. A clash
    with a stored reference (1 in 17 billion per request) undoes the batch, which draws again."""
    for _ in range(5):
        references: list[str] = []
        drawn: set[str] = set()
        while len(references) < len(rows):
            reference = new_reference()
            if reference not in drawn:
                drawn.add(reference)
                references.append(reference)
        values = [
            dict(row, reference=reference, record_id=request_id or reference)
            for row, reference, request_id in zip(rows, references, request_ids, strict=True)
        ]
        statement = insert(TracingRequest).returning(TracingRequest.id, sort_by_parameter_order=True)
        try:
            with conn.begin_nested():
                ids = [pk for (pk,) in conn.execute(statement, values).all()] if values else []
            return list(zip(ids, references, strict=True))
        except IntegrityError:
            continue
    raise RuntimeError("could not draw unused request references")


def request_id_taken(conn: Connection, source_id: int, request_id: str) -> bool:
    found = select(TracingRequest.id).where(
        TracingRequest.source_id == source_id, TracingRequest.record_id == request_id
    )
    return conn.execute(found).first() is not None


def cipher_for(engine: Engine) -> FieldCipher:
    """The field cipher of a store: keys from ATHAR_DATA_KEY, else a key file beside a SQLite store."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    return FieldCipher(load_keyring(database))


def candidate_exclusion(source_name: str, checked: RequestInput) -> str | None:
    """The index's stand-in person of the request's own record, when an earlier index holds it."""
    return unlinked_person_id(source_name, checked.request_id) if checked.request_id else None


# What a request row takes from the checked request as it is.
REQUEST_COLUMNS = (
    "language",
    "preferred_channel",
    "share_with_organisations",
    "reveal_requester_to_found",
    "circumstances",
    "circumstances_text",
    "detention_branch",
    "height_cm",
    "dental",
    "marks",
    "clothing",
)


@dataclass
class Checked:
    """A checked request to store: where it came from, and its candidates when already ranked."""

    request: RequestInput
    row_number: int
    candidates: list[dict]


def store_requests(
    conn: Connection,
    requests: list[Checked],
    *,
    cipher: FieldCipher,
    organisation_id: int,
    source_id: int,
    import_id: int,
    intake: str,
    user: str,
    now: dt.datetime,
) -> list[Intake]:
    """Store checked requests whose request ids are new (the caller made sure): each its request
    row with a reference and a hashed secret, its sought person as a record, its sealed contact,
    its first event and an acknowledgement in the outbox; a table at a time, a thousand rows to a
    statement, all in the caller's transaction. The caller audits."""
    if not requests:
        return []
    key_id = cipher.keyring.current.key_id
    pepper = cipher.derive(SECRET_LABEL)
    secrets = [new_secret() for _ in requests]
    rows = [
        dict(
            secret_hash=hash_secret(secret, pepper, key_id),
            organisation_id=organisation_id,
            source_id=source_id,
            intake=intake,
            status=RequestStatus.RECEIVED.value,
            **{name: getattr(item.request, name) for name in REQUEST_COLUMNS},
            candidates=item.candidates,
            created_by=user,
            created_at=now,
            last_activity_at=now,
        )
        for item, secret in zip(requests, secrets, strict=True)
    ]
    stored = _insert_requests(conn, rows, [item.request.request_id for item in requests])
    records, contacts, events, messages, out = [], [], [], [], []
    for item, secret, (pk, reference) in zip(requests, secrets, stored, strict=True):
        checked = item.request
        record_id = checked.request_id or reference
        values, raw_json, content_hash = record_values(checked, record_id)
        records.append(
            dict(
                **dict(zip(CANONICAL_COLUMNS, values, strict=True)),
                source_id=source_id,
                import_id=import_id,
                row_number=item.row_number,
                version=1,
                is_current=True,
                content_hash=content_hash,
                raw=orjson.loads(raw_json),
            )
        )
        contacts.append(seal_contact(cipher, pk, checked))
        events.append(
            dict(
                request_id=pk,
                kind="received",
                status=RequestStatus.RECEIVED.value,
                detail={"intake": intake, "candidates": len(item.candidates)},
                user_name=user,
                created_at=now,
            )
        )
        message = acknowledgement(cipher, pk, reference, checked, now)
        if message is not None:
            messages.append(message)
        out.append(Intake(pk, record_id, reference, secret, item.candidates))
    for table, table_rows in (
        (Record, records),
        (RequestContact, contacts),
        (RequestEvent, events),
        (OutboxMessage, messages),
    ):
        for start in range(0, len(table_rows), STATEMENT_ROWS):
            conn.execute(insert(table), table_rows[start : start + STATEMENT_ROWS])
    return out


STATEMENT_ROWS = 1000


def store_request(
    conn: Connection,
    checked: RequestInput,
    *,
    cipher: FieldCipher,
    organisation_id: int,
    source_id: int,
    source_name: str,
    import_id: int,
    row_number: int,
    intake: str,
    user: str,
    now: dt.datetime,
    index: PersonIndex | None,
    client: str | None = None,
) -> Intake:
    """Store one checked request (`store_requests`), ranking its candidates over ``index`` and
    auditing it; RequestInvalid when the organisation already sent its request id."""
    if checked.request_id and request_id_taken(conn, source_id, checked.request_id):
        raise RequestInvalid([FieldProblem("request_id", "duplicate")], checked.language)
    # A request without an id of its own is its reference: rank as that record (it is not yet stored).
    candidates = rank_candidates(index, checked.record, exclude=candidate_exclusion(source_name, checked))
    (result,) = store_requests(
        conn,
        [Checked(checked, row_number, candidates)],
        cipher=cipher,
        organisation_id=organisation_id,
        source_id=source_id,
        import_id=import_id,
        intake=intake,
        user=user,
        now=now,
    )
    record_event(
        conn, user, "request.received", "tracing_request", result.reference, client, {"intake": intake}
    )
    return result


def submit_request(
    engine: Engine,
    values: dict[str, str],
    organisation: str,
    cipher: FieldCipher,
    index: PersonIndex | None,
    *,
    intake: str = "form",
    user: str = "public",
    language: str = "ar",
    client: str | None = None,
    today: dt.date | None = None,
) -> Intake:
    """Check and store one request (from the public form or a caseworker) in one transaction.

    Raises `RequestInvalid` (every problem, in the requester's language) or `Spam`; then nothing is stored.
    """
    checked = validate_request(values, language=language, today=today)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        organisation_id = ensure_organisation(conn, organisation, now)
        source_id, source_name = requests_source(conn, organisation_id, organisation, now)
        digest = hashlib.sha256(orjson.dumps(checked.raw, option=orjson.OPT_SORT_KEYS)).hexdigest()
        import_id = new_import(conn, source_id, intake, intake, digest, user, now)
        result = store_request(
            conn,
            checked,
            cipher=cipher,
            organisation_id=organisation_id,
            source_id=source_id,
            source_name=source_name,
            import_id=import_id,
            row_number=1,
            intake=intake,
            user=user,
            now=now,
            index=index,
            client=client,
        )
        conn.execute(
            update(Import).where(Import.id == import_id).values(rows_read=1, rows_stored=1, records_new=1)
        )
    return result
