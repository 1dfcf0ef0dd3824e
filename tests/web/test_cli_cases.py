"""`athar cases erase-inquiry`: the operator erases a family's contact details from the command line, as
the person page does for the organisation that recorded them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from athar import cases
from athar.accounts.permissions import Principal
from athar.cli import app as cli
from athar.store import open_store
from athar.store.tables import AuditEntry, CaseEvent, InquiryContact, Membership

PHONE = "+963 944 777 120"


def _store_bytes(db: Path) -> bytes:
    """The database file and its write-ahead log, as a disk would hold them."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


@pytest.fixture
def store_with_inquiry(linked_store, tmp_path) -> tuple[Path, int, str]:
    db = tmp_path / "athar.db"
    shutil.copy(linked_store, db)
    engine = open_store(str(db))
    with engine.connect() as conn:
        person = conn.execute(select(Membership.person_id).limit(1)).scalar_one()
    caseworker = Principal(name="caseworker-alpha", role="caseworker", organisation_id=1)
    event = cases.record_inquiry(
        engine, person, {"phone": PHONE, "note": "call after 6"}, caseworker, cases.store_cipher(engine)
    )
    with engine.connect() as conn:
        sealed = conn.execute(
            select(InquiryContact.sealed).where(InquiryContact.case_event_id == event["id"])
        ).scalar_one()
    engine.dispose()
    return db, event["id"], sealed


def test_erase_inquiry_removes_the_sealed_contact_from_the_database_bytes(store_with_inquiry):
    db, event_id, sealed = store_with_inquiry
    assert sealed.encode() in _store_bytes(db)  # what the erasure must remove is there to begin with
    result = CliRunner().invoke(
        cli, ["cases", "erase-inquiry", str(event_id), "--reason", "the family asked", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert PHONE not in result.output
    on_disk = _store_bytes(db)
    assert sealed.encode() not in on_disk and PHONE.encode() not in on_disk
    engine = open_store(str(db))
    with engine.connect() as conn:
        kinds = conn.execute(select(CaseEvent.kind, CaseEvent.detail).order_by(CaseEvent.id)).all()
        audited = conn.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "case.inquiry_erased")
        ).scalar_one()
    engine.dispose()
    assert ("inquiry", None) in kinds  # the inquiry stays as the tombstone
    assert kinds[-1] == ("inquiry_erased", {"inquiry": event_id, "reason": "the family asked"})
    assert audited == 1


def test_erase_inquiry_twice_or_unknown_is_one_line_and_exit_2(store_with_inquiry):
    db, event_id, _sealed = store_with_inquiry
    erase = ["cases", "erase-inquiry", str(event_id), "--reason", "asked", "--db", str(db), "--json"]
    first = CliRunner().invoke(cli, erase)
    assert first.exit_code == 0 and json.loads(first.stdout)["inquiry"] == event_id
    again = CliRunner().invoke(cli, erase)
    assert again.exit_code == 2 and "already erased" in again.output
    unknown = CliRunner().invoke(cli, ["cases", "erase-inquiry", "99999", "--reason", "x", "--db", str(db)])
    assert unknown.exit_code == 2 and "no inquiry 99999" in unknown.output
    blank = CliRunner().invoke(
        cli, ["cases", "erase-inquiry", str(event_id), "--reason", " ", "--db", str(db)]
    )
    assert blank.exit_code == 2 and "reason" in blank.output
