"""`athar review judge --user NAME` is audited, with the operating-system account beside the name."""

from __future__ import annotations

import getpass

from sqlalchemy import select
from typer.testing import CliRunner

from athar.cli import app
from athar.store import open_store
from athar.store.tables import AuditEntry


def test_a_judgement_from_the_command_line_is_audited_under_the_name_given_and_the_os_account(tmp_path):
    db = str(tmp_path / "athar.db")
    listing = tmp_path / "list.csv"
    listing.write_text("record_id,full_name\n1,Sara Omar Haddad\n2,Sarah Omar Hadad\n", "utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(listing), "--source", "families", "--db", db]).exit_code == 0
    result = runner.invoke(
        app, ["review", "judge", "families:1", "families:2", "same", "--user", "someone-else", "--db", db]
    )
    assert result.exit_code == 0, result.output
    engine = open_store(db)
    with engine.connect() as conn:
        entry = conn.execute(select(AuditEntry).where(AuditEntry.action == "review.judge")).one()
    engine.dispose()
    assert entry.user_name == "someone-else" and entry.target_id == "families:1 families:2"
    assert entry.detail == {"decision": "same", "os_user": getpass.getuser()}
