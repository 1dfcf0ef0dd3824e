"""The store's tables.

Raw rows are never changed: a record row holds the values exactly as read (`raw`, a JSON object of the
file's own column names) beside the canonical values derived from them. A changed row for an existing
record id becomes a new version; the previous version stays, marked not current.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY, PostgreSQL wants BIGINT for large tables.
BigId = BigInteger().with_variant(Integer(), "sqlite")

# The canonical record columns, as every import maps them (docs/data-formats.md); `age` (age at the
# event, in years) extends them for logs that give ages instead of birth dates.
CANONICAL_COLUMNS: tuple[str, ...] = (
    "record_id",
    "full_name",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "sex",
    "birth_date",
    "birth_place",
    "national_id",
    "event_date",
    "event_place",
    "age",
)


# What kind of list a source is: it says what a record's event date means (last seen, arrest, death,
# return) on a person's timeline. Stores made before kinds existed read as "other".
class SourceKind(StrEnum):
    FAMILY_REPORT = "family_report"
    DETENTION_REGISTER = "detention_register"
    HOSPITAL_OR_MORGUE = "hospital_or_morgue"
    RETURNEE_REGISTRATION = "returnee_registration"
    OTHER = "other"


SOURCE_KINDS: tuple[str, ...] = tuple(SourceKind)


class Decision(StrEnum):
    """A reviewer's judgement on a pair of records (the `judgements.decision` column)."""

    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"


DECISIONS: tuple[str, ...] = tuple(Decision)


class CaseStatus(StrEnum):
    """What is known of a person (the `persons.status` column); changed only by `athar.cases`."""

    MISSING = "missing"
    DETENTION_RECORD_FOUND = "detention_record_found"
    LOCATED_ALIVE = "located_alive"
    DECEASED = "deceased"
    REMAINS_IDENTIFIED = "remains_identified"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Source(Base):
    """One list: a family-report collection, a detention register, a morgue log."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    sharing: Mapped[str] = mapped_column(String(20), default="private")
    kind: Mapped[str] = mapped_column(String(40), default="other", server_default="other")
    # Whether the public family search may answer from this list (migration 0006): a choice of its own,
    # apart from `sharing`, which is between organisations.
    family_search: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Import(Base):
    """One reading of one file into one source, with the counts that must add up."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(20))
    encoding: Mapped[str | None] = mapped_column(String(40))
    mapping: Mapped[dict | None] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    imported_by: Mapped[str | None] = mapped_column(String(200))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_stored: Mapped[int] = mapped_column(Integer, default=0)
    rows_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    records_new: Mapped[int] = mapped_column(Integer, default=0)
    records_new_version: Mapped[int] = mapped_column(Integer, default=0)
    records_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_kept_blank: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Record(Base):
    """One version of one row of one source."""

    __tablename__ = "records"
    __table_args__ = (
        # The one index on records: it serves "current versions of a source" too, and every further
        # index slows the bulk insert that imports are made of.
        UniqueConstraint("source_id", "record_id", "version", name="uq_records_source_record_version"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    content_hash: Mapped[str] = mapped_column(String(32))
    raw: Mapped[dict] = mapped_column(JSON)
    full_name: Mapped[str | None] = mapped_column(Text)
    given_name: Mapped[str | None] = mapped_column(Text)
    father_name: Mapped[str | None] = mapped_column(Text)
    grandfather_name: Mapped[str | None] = mapped_column(Text)
    family_name: Mapped[str | None] = mapped_column(Text)
    mother_name: Mapped[str | None] = mapped_column(Text)
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[str | None] = mapped_column(String(10))
    birth_place: Mapped[str | None] = mapped_column(Text)
    national_id: Mapped[str | None] = mapped_column(String(11))
    event_date: Mapped[str | None] = mapped_column(String(10))
    event_place: Mapped[str | None] = mapped_column(Text)
    age: Mapped[int | None] = mapped_column(Integer)
    # Ante-mortem data (ANTE_MORTEM_COLUMNS, migration 0007).
    height_cm: Mapped[int | None] = mapped_column(Integer)
    dental: Mapped[str | None] = mapped_column(Text)
    marks: Mapped[str | None] = mapped_column(Text)
    clothing: Mapped[str | None] = mapped_column(Text)


class Quarantine(Base):
    """A row that could not be stored, kept as read with the field and reason that stopped it."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    raw: Mapped[dict] = mapped_column(JSON)
    raw_hash: Mapped[str] = mapped_column(String(32), index=True)
    field: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    # The record id the row was read with, if readable: a later valid row for it resolves this one.
    record_id: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))

    __table_args__ = (Index("ix_quarantine_source_record", "source_id", "record_id"),)


class RecordFlag(Base):
    """A stored record whose bad field values were blanked on import (`--bad-field blank`): what was
    blanked and why, until a later valid row for the record resolves it."""

    __tablename__ = "record_flags"
    __table_args__ = (Index("ix_record_flags_source_record", "source_id", "record_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    record_id: Mapped[str] = mapped_column(String(200))
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    raw_values: Mapped[dict] = mapped_column(JSON)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class RecordPair:
    """Two records, each by (source name, record id): the key a pair keeps across record versions."""

    left_source: Mapped[str] = mapped_column(String(200))
    left_record_id: Mapped[str] = mapped_column(String(200))
    right_source: Mapped[str] = mapped_column(String(200))
    right_record_id: Mapped[str] = mapped_column(String(200))


class Judgement(RecordPair, Base):
    """A reviewer's decision on a pair of records.

    Append-only: a later judgement on the same pair supersedes an earlier one.
    """

    __tablename__ = "judgements"
    __table_args__ = (
        Index("ix_judgements_pair", "left_source", "left_record_id", "right_source", "right_record_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    decision: Mapped[str] = mapped_column(String(10))  # same | different | unsure
    user_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class Curation(Base):
    """A reviewer's merge or split of persons, carried out as judgements on record pairs (`pairs`), so
    that every later `athar link` keeps it; an undo is a curation of its own naming the one it undoes
    (`undoes`). Append-only."""

    __tablename__ = "curations"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # merge | split | undo
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    other_person_id: Mapped[str | None] = mapped_column(String(40), index=True)  # merge: joined in
    pairs: Mapped[list] = mapped_column(JSON)  # [[left ref, right ref, decision], ...] as judged
    undoes: Mapped[int | None] = mapped_column(ForeignKey("curations.id"))
    reason: Mapped[str] = mapped_column(Text)
    user_name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Person(Base):
    """A resolved human being: the cluster of records that linkage (and reviewers) say are one person."""

    __tablename__ = "persons"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(40), default="missing")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    merged_into: Mapped[str | None] = mapped_column(String(40))


class Membership(Base):
    """Which person a source's record belongs to (one row per source record id)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("source_id", "record_id", name="uq_memberships_source_record"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    record_id: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(Integer)


class CaseEvent(Base):
    """Something that happened in a person's case: a status change, a sighting, an inquiry. Append-only."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(40))
    event_date: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSON)
    user_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The recording organisation owns the event's reasons, evidence and inquiry; `shared` is its choice
    # to show them to other organisations (migration 0006; athar.cases.scope).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class InquiryContact(Base):
    """A family's inquiry as given (contact name, relationship, phone, other contact, note), sealed with
    `athar.protect` (the case event's id as associated data). Kept apart from the append-only case
    event so that erasure deletes this row and the event stays as the tombstone."""

    __tablename__ = "inquiry_contacts"
    case_event_id: Mapped[int] = mapped_column(ForeignKey("case_events.id"), primary_key=True)
    sealed: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    password_hash: Mapped[str | None] = mapped_column(Text)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did or saw what, when, from where. The database refuses updates and deletes (see migrations)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(200))
    client: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict | None] = mapped_column(JSON)


class LinkRun(Base):
    """One run of `athar link`: the trained model it used and what it produced."""

    __tablename__ = "link_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    engine: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))  # full | incremental
    user_name: Mapped[str] = mapped_column(String(200))
    threshold: Mapped[float] = mapped_column(Float)
    records: Mapped[int] = mapped_column(Integer, default=0)
    new_records: Mapped[int] = mapped_column(Integer, default=0)
    pairs_scored: Mapped[int] = mapped_column(Integer, default=0)
    persons: Mapped[int] = mapped_column(Integer, default=0)
    model: Mapped[dict | None] = mapped_column(JSON)
    summary: Mapped[dict | None] = mapped_column(JSON)


class LinkPair(RecordPair, Base):
    """A scored pair of records kept for clustering, review and incremental runs."""

    __tablename__ = "link_pairs"
    __table_args__ = (Index("ix_link_pairs_left", "left_source", "left_record_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("link_runs.id"), index=True)
    match_probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)


class PersonEvent(Base):
    """A change in who is who: a person created, merged into another, split, or given records.

    Append-only, so that a family's case number never changes silently.
    """

    __tablename__ = "person_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("link_runs.id"))
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # created | merged | split | retired
    detail: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewTask(RecordPair, Base):
    """An uncertain pair put before a reviewer; it is done once a judgement on the pair exists."""

    __tablename__ = "review_tasks"
    __table_args__ = (
        Index("ix_review_tasks_pair", "left_source", "left_record_id", "right_source", "right_record_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("link_runs.id"), index=True)
    match_probability: Mapped[float] = mapped_column(Float)
    priority: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # why it waits (`review.WHY_*`); None for tasks written before 0016
    reason: Mapped[str | None] = mapped_column(String(20))


class WebSession(Base):
    """A signed-in browser session. The cookie holds a random token; only its SHA-256 is stored here,
    so a copy of the database gives no working cookie, and logout or an admin can end it at once."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    client: Mapped[str | None] = mapped_column(String(200))


class ApiToken(Base):
    """A partner organisation's key to the JSON API: SHA-256 of the token, the organisation and role it
    acts as, and when it was revoked."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    label: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- Tracing requests (migration 0005; docs/tracing-requests.md) -------------------------------------


class TracingRequest(Base):
    """A family's request to find someone. The sought person is the record `(source_id, record_id)` of
    the organisation's tracing-requests source; who asked is in `request_contacts`, sealed and erasable.
    After erasure this row is the tombstone: reference, dates, reason and who erased it."""

    __tablename__ = "tracing_requests"
    __table_args__ = (UniqueConstraint("source_id", "record_id", name="uq_tracing_requests_source_record"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    record_id: Mapped[str] = mapped_column(String(200))
    intake: Mapped[str] = mapped_column(String(20))  # form | caseworker | import
    status: Mapped[str] = mapped_column(String(30), index=True)
    language: Mapped[str] = mapped_column(String(5), default="ar")
    preferred_channel: Mapped[str | None] = mapped_column(String(10))  # email | sms | phone
    share_with_organisations: Mapped[bool] = mapped_column(Boolean, default=False)
    reveal_requester_to_found: Mapped[bool] = mapped_column(Boolean, default=False)
    circumstances: Mapped[str | None] = mapped_column(String(40))
    circumstances_text: Mapped[str | None] = mapped_column(Text)
    detention_branch: Mapped[str | None] = mapped_column(Text)
    height_cm: Mapped[int | None] = mapped_column(Integer)
    dental: Mapped[str | None] = mapped_column(Text)
    marks: Mapped[str | None] = mapped_column(Text)
    clothing: Mapped[str | None] = mapped_column(Text)
    candidates: Mapped[list | None] = mapped_column(JSON)  # [{person_id, score}] at intake, best first
    accepted_person_id: Mapped[str | None] = mapped_column(String(200))
    assigned_to: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    erased_by: Mapped[str | None] = mapped_column(String(200))
    erasure_reason: Mapped[str | None] = mapped_column(Text)


class RequestContact(Base):
    """Who asked: every value sealed with `athar.protect` (the row's request id as associated data),
    the raw cells of an imported row's contact columns too. Deleted, not updated, on erasure."""

    __tablename__ = "request_contacts"
    request_id: Mapped[int] = mapped_column(ForeignKey("tracing_requests.id"), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    relationship: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[str | None] = mapped_column(Text)


class RequestEvent(Base):
    """What happened to a request: received, status, assigned, note, candidate accepted, consent,
    disclosure (what a family or a found person was told), reminder, erased. Append-only."""

    __tablename__ = "request_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("tracing_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str | None] = mapped_column(String(30))
    detail: Mapped[dict | None] = mapped_column(JSON)
    user_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FoundPersonWish(Base):
    """What a person located alive wants their family told (ICRC Restoring Family Links): whereabouts,
    only that they are alive, or nothing; who recorded it and when. Append-only: the newest counts."""

    __tablename__ = "found_person_wishes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    wish: Mapped[str] = mapped_column(String(30))  # share_whereabouts | alive_only | nothing
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(Base):
    """A message to a family waiting to be sent, with retries and backoff. The recipient is sealed and
    cleared once sent; the text is made from `template` and `params` (no personal data) when sent."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("tracing_requests.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    recipient: Mapped[str | None] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5))
    params: Mapped[dict | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), index=True)  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RequestSettings(Base):
    """Per organisation: how long requests are kept after they end, when untouched ones are flagged,
    and how families reach a caseworker (shown on the family's status page)."""

    __tablename__ = "request_settings"
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    retention_days: Mapped[int | None] = mapped_column(Integer)
    reminder_days: Mapped[int] = mapped_column(Integer, default=14)
    contact_ar: Mapped[str | None] = mapped_column(Text)
    contact_en: Mapped[str | None] = mapped_column(Text)


# --- Remains and identification (migration 0007; docs/remains.md) ------------------------------------

# What a family or a dentist can say of a missing person, on any import beside the canonical columns
# (stored on the record; kept out of CANONICAL_COLUMNS so that existing records keep their content hash).
ANTE_MORTEM_COLUMNS: tuple[str, ...] = ("height_cm", "dental", "marks", "clothing")
SITE_KINDS: tuple[str, ...] = ("mass_grave", "cemetery", "morgue", "detention_burial", "other")
IDENTIFICATION_STEPS: tuple[str, ...] = ("candidate", "preliminary", "dna_supported", "confirmed", "revoked")


class Site(Base):
    """Where bodies are recovered: a mass grave, cemetery, morgue or detention burial ground. Its
    imports and quarantined rows go through the ordinary `imports` and `quarantine` tables under the
    site's own source (`source_id`), so `athar quarantine --source` shows them."""

    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    place: Mapped[str | None] = mapped_column(Text)
    governorate: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    used_from: Mapped[int | None] = mapped_column(Integer)
    used_to: Mapped[int | None] = mapped_column(Integer)
    discovered_on: Mapped[str | None] = mapped_column(String(10))
    excavation_status: Mapped[str | None] = mapped_column(String(30))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RemainsCase(Base):
    """A body or body part recovered at a site, as the anthropologist described it (post-mortem).
    `part_of_id` joins commingled remains to the case they belong to; each change of it is a
    `remains_case_events` row with its reason."""

    __tablename__ = "remains_cases"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(100), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    row_number: Mapped[int | None] = mapped_column(Integer)
    raw: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(32))
    recovery_date: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(1))  # M | F | U
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    stature_min_cm: Mapped[int | None] = mapped_column(Integer)
    stature_max_cm: Mapped[int | None] = mapped_column(Integer)
    dental: Mapped[str | None] = mapped_column(Text)
    skeletal_marks: Mapped[str | None] = mapped_column(Text)
    clothing: Mapped[str | None] = mapped_column(Text)
    effects: Mapped[str | None] = mapped_column(Text)
    dna_sample_id: Mapped[str | None] = mapped_column(String(100), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    part_of_id: Mapped[int | None] = mapped_column(ForeignKey("remains_cases.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # corrected re-imports (0014)


class RemainsCaseVersion(Base):
    """A superseded version of a remains case, kept when a corrected row replaced it: the row as read
    and the values as stored. Append-only."""

    __tablename__ = "remains_case_versions"
    __table_args__ = (
        UniqueConstraint("remains_case_id", "version", name="uq_remains_case_versions_case_version"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    remains_case_id: Mapped[int] = mapped_column(BigId, ForeignKey("remains_cases.id"))
    version: Mapped[int] = mapped_column(Integer)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    row_number: Mapped[int | None] = mapped_column(Integer)
    raw: Mapped[dict] = mapped_column(JSON)
    stored: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(32))
    superseded_by_import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    superseded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RemainsCaseEvent(Base):
    """A case made part of another (join) or separated from it (split), with the reason. Append-only."""

    __tablename__ = "remains_case_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    remains_case_id: Mapped[int] = mapped_column(ForeignKey("remains_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # joined | split
    other_case_id: Mapped[int | None] = mapped_column(ForeignKey("remains_cases.id"))
    reason: Mapped[str] = mapped_column(Text)
    user_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReferenceDonor(Base):
    """A relative who gave a reference DNA sample for a missing person's record (no donor name kept)."""

    __tablename__ = "reference_donors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[str] = mapped_column(String(100), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    record_id: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(40))
    laboratory: Mapped[str | None] = mapped_column(String(200))
    collected_on: Mapped[str | None] = mapped_column(String(10))
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DnaReport(Base):
    """A laboratory's match report between a body's sample and a missing person's record. Append-only:
    a later report on the same pair is read beside the earlier one, never over it."""

    __tablename__ = "dna_reports"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    remains_case_id: Mapped[int] = mapped_column(ForeignKey("remains_cases.id"), index=True)
    dna_sample_id: Mapped[str] = mapped_column(String(100))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    record_id: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str | None] = mapped_column(String(40))
    likelihood_ratio: Mapped[float | None] = mapped_column(Float)
    posterior: Mapped[float] = mapped_column(Float)
    lab: Mapped[str | None] = mapped_column(String(200))
    report_date: Mapped[str | None] = mapped_column(String(10))
    content_hash: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdentificationStep(Base):
    """One step of identifying a body as a missing person's record: candidate, preliminary,
    dna_supported, confirmed, or revoked (back to nothing, with a reason). Append-only: the newest
    step of a (case, record) pair is where the identification stands."""

    __tablename__ = "identification_steps"
    __table_args__ = (Index("ix_identification_steps_pair", "remains_case_id", "source_id", "record_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    remains_case_id: Mapped[int] = mapped_column(ForeignKey("remains_cases.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    record_id: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    user_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CustodyEvent(Base):
    """Who held a case or a sample, when and where (chain of custody). Append-only."""

    __tablename__ = "custody_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    remains_case_id: Mapped[int | None] = mapped_column(ForeignKey("remains_cases.id"), index=True)
    sample_id: Mapped[str | None] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(40))  # recovered | transferred | sampled | stored | released
    holder: Mapped[str] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)  # 0015
