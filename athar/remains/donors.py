"""Families' reference DNA donors: who gave a sample for which missing person's record (relationship,
sample, laboratory; never the donor's name), recorded against the record and audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert, select

from athar.audit import record_event
from athar.errors import AtharError
from athar.store.tables import Record, ReferenceDonor, Source

RELATIONSHIPS = ("mother", "father", "child", "sibling", "half_sibling", "spouse", "grandparent", "other")


class DonorError(AtharError, ValueError):
    """A donor that cannot be recorded; the message says why."""


def add_donor(
    engine: Engine,
    reference: str,
    sample_id: str,
    relationship: str,
    user: str,
    laboratory: str | None = None,
    collected_on: str | None = None,
) -> int:
    if relationship not in RELATIONSHIPS:
        raise DonorError(f"relationship must be one of {', '.join(RELATIONSHIPS)}")
    sample_id = sample_id.strip()
    if not sample_id:
        raise DonorError("a donor needs the sample id")
    source, sep, record_id = reference.rpartition(":")
    with engine.begin() as conn:
        source_id = conn.execute(select(Source.id).where(Source.name == source)).scalar() if sep else None
        exists = (
            source_id is not None
            and conn.execute(
                select(Record.id).where(Record.source_id == source_id, Record.record_id == record_id).limit(1)
            ).first()
        )
        if not exists:
            raise DonorError(f"no record {reference!r} in the store (write source:record_id)")
        if conn.execute(select(ReferenceDonor.id).where(ReferenceDonor.sample_id == sample_id)).first():
            raise DonorError(f"sample {sample_id!r} is recorded already")
        result = conn.execute(
            insert(ReferenceDonor).values(
                sample_id=sample_id, source_id=source_id, record_id=record_id, relationship=relationship,
                laboratory=laboratory, collected_on=collected_on, recorded_by=user,
                created_at=dt.datetime.now(dt.UTC),
            )
        )  # fmt: skip
        key = result.inserted_primary_key
        assert key is not None
        record_event(conn, user, "donor.added", "record", reference, detail={"sample_id": sample_id})
    return int(key[0])
