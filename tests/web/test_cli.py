"""The functions `athar users add`, `athar tokens add` and `athar serve` call."""

import pytest
from sqlalchemy import select

from athar.accounts.passwords import verify_password
from athar.accounts.tokens import principal_for_token
from athar.cli.accounts import add_token, add_user
from athar.store import open_store
from athar.store.tables import AuditEntry, User
from athar.web.server import serve


def test_add_user_generates_a_password_prints_it_once_and_stores_only_its_hash(tmp_path, capsys):
    db = str(tmp_path / "athar.db")
    password = add_user(db, "layla", "caseworker", "Alpha")
    assert password in capsys.readouterr().out
    engine = open_store(db)
    with engine.connect() as conn:
        user = conn.execute(select(User).where(User.name == "layla")).one()
        entry = conn.execute(select(AuditEntry).where(AuditEntry.action == "user.add")).one()
    assert user.role == "caseworker" and verify_password(user.password_hash, password)
    assert entry.target_id == "layla"
    engine.dispose()


def test_add_user_refuses_an_unknown_role_and_a_duplicate_name(tmp_path):
    db = str(tmp_path / "athar.db")
    with pytest.raises(ValueError, match="role"):
        add_user(db, "x", "superuser", "Alpha", password="olive grove at dawn 7")
    add_user(db, "y", "admin", "Alpha", password="olive grove at dawn 7")
    with pytest.raises(ValueError, match="exists"):
        add_user(db, "y", "admin", "Alpha", password="olive grove at dawn 7")


def test_add_token_returns_a_working_token_for_the_organisation(tmp_path, capsys):
    db = str(tmp_path / "athar.db")
    token = add_token(db, "Partner", "investigator")
    assert token in capsys.readouterr().out
    engine = open_store(db)
    principal = principal_for_token(engine, token)
    assert principal.role == "investigator" and principal.name.endswith("@Partner")
    engine.dispose()


def test_serve_refuses_plain_http_cookies_on_a_public_address(tmp_path):
    with pytest.raises(ValueError, match="loopback"):
        serve(str(tmp_path / "athar.db"), host="0.0.0.0", insecure_http=True)
