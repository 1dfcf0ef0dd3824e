"""Choosing passwords: a minimum length and no common password; users change theirs, admins reset."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from athar.accounts.passwords import WeakPassword, password_problem
from athar.accounts.users import create_user, set_password
from athar.cli import app as cli
from athar.store import open_store
from athar.store.tables import AuditEntry, User
from tests.web.conftest import BASE_URL, PASSWORD, client_for, csrf, login

NEW = "olive grove at dawn 7"


@pytest.mark.parametrize(
    "weak",
    ["x", "short-one", "password1234", "Qwertyuiop12", "monkeymonkey", "!!dragon2024!!", "abcabcabcabc"],
)
def test_short_and_common_passwords_are_refused(weak):
    assert password_problem(weak) is not None


def test_a_long_uncommon_password_is_accepted_unless_it_is_the_users_name():
    assert password_problem(NEW) is None
    assert password_problem("samira-haddad", "Samira-Haddad") is not None


def test_a_user_changes_their_password_and_their_other_sessions_end(app):
    create_user(app.state.engine, "changer", "reviewer", "Alpha", PASSWORD)
    me, elsewhere = client_for(app, "changer"), client_for(app, "changer")
    token = csrf(me, "/account/password")
    weak = me.post(
        "/account/password", data={"current": PASSWORD, "new": "x", "again": "x", "csrf_token": token}
    )
    assert weak.status_code == 422 and 'id="password-problem"' in weak.text
    wrong = me.post(
        "/account/password", data={"current": "not it", "new": NEW, "again": NEW, "csrf_token": token}
    )
    assert wrong.status_code == 422
    done = me.post(
        "/account/password", data={"current": PASSWORD, "new": NEW, "again": NEW, "csrf_token": token}
    )
    assert done.status_code == 200 and 'id="password-changed"' in done.text
    assert me.get("/dashboard", follow_redirects=False).status_code == 200
    assert elsewhere.get("/dashboard", follow_redirects=False).status_code == 303
    app.state.signin_throttle.reset()
    assert login(TestClient(app, base_url=BASE_URL), "changer", NEW).status_code == 303


def test_an_admin_resets_a_password_shown_once_and_the_old_one_stops_working(app):
    user_id = create_user(app.state.engine, "forgot", "caseworker", "Alpha", PASSWORD)
    admin = client_for(app, "admin-alpha")
    page = admin.post(f"/admin/users/{user_id}/password", data={"csrf_token": csrf(admin, "/admin/users")})
    assert page.status_code == 200
    fresh = re.search(r'id="reset-password">([^<]+)<', page.text).group(1)
    app.state.signin_throttle.reset()
    assert login(TestClient(app, base_url=BASE_URL), "forgot").status_code == 401
    assert login(TestClient(app, base_url=BASE_URL), "forgot", fresh).status_code == 303
    with app.state.engine.connect() as conn:
        actions = (
            conn.execute(select(AuditEntry.action).where(AuditEntry.target_id == "forgot")).scalars().all()
        )
    assert "user.password_reset" in actions


def test_set_password_refuses_a_weak_one(app):
    user_id = create_user(app.state.engine, "weakling", "caseworker", "Alpha", PASSWORD)
    with pytest.raises(WeakPassword):
        set_password(app.state.engine, user_id, "Qwerty123456")


def test_the_command_line_refuses_a_one_character_password_and_resets_one(tmp_path, monkeypatch):
    db = str(tmp_path / "athar.db")
    runner = CliRunner()
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "x")
    refused = runner.invoke(
        cli, ["users", "add", "root-ish", "--role", "admin", "--org", "A", "--prompt", "--db", db]
    )
    assert refused.exit_code != 0 and "12 characters" in refused.output
    assert (
        runner.invoke(
            cli, ["users", "add", "root-ish", "--role", "admin", "--org", "A", "--db", db]
        ).exit_code
        == 0
    )
    assert runner.invoke(cli, ["users", "password", "root-ish", "--db", db]).exit_code != 0
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW)
    assert runner.invoke(cli, ["users", "password", "root-ish", "--db", db]).exit_code == 0
    reset = runner.invoke(cli, ["users", "reset", "root-ish", "--db", db, "--user", "operator-1"])
    assert reset.exit_code == 0 and "shown once" in reset.output
    engine = open_store(db)
    with engine.connect() as conn:
        actions = (
            conn.execute(select(AuditEntry.action).where(AuditEntry.target_id == "root-ish")).scalars().all()
        )
        assert conn.execute(select(User.password_hash).where(User.name == "root-ish")).scalar_one()
    engine.dispose()
    assert {"user.password", "user.password_reset"} <= set(actions)
