"""Passwords, lockout and two-factor sign-in."""

import datetime as dt

import pyotp
from sqlalchemy import select

from athar.accounts import Outcome, authenticate, create_user, enable_totp, hash_password, verify_password
from athar.store.tables import User
from athar.web.settings import WebSettings
from tests.web.conftest import PASSWORD, login

ON_POSTGRES = True  # every test here also runs on PostgreSQL (tests/web/conftest.py)

SETTINGS = WebSettings()


def test_passwords_are_stored_as_argon2id_hashes_that_verify_only_the_right_password():
    stored = hash_password("s3cret words")
    assert stored.startswith("$argon2id$") and "s3cret" not in stored
    assert verify_password(stored, "s3cret words")
    assert not verify_password(stored, "s3cret word")
    assert not verify_password(None, "anything")


def test_the_users_table_never_holds_a_plain_password(app):
    with app.state.engine.connect() as conn:
        hashes = conn.execute(select(User.password_hash)).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_sign_in_with_the_right_password_starts_a_session_and_lands_on_the_dashboard(anonymous):
    response = login(anonymous, "caseworker-alpha")
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    assert anonymous.get("/dashboard").status_code == 200


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(anonymous):
    wrong = login(anonymous, "caseworker-alpha", "not it")
    unknown = login(anonymous, "nobody-at-all", "not it")
    assert wrong.status_code == unknown.status_code == 401
    assert "dashboard" not in wrong.headers.get("location", "")


def test_five_failures_lock_the_account_for_fifteen_minutes_even_against_the_right_password(app):
    engine = app.state.engine
    create_user(engine, "locky", "caseworker", "Alpha", PASSWORD)
    now = dt.datetime.now(dt.UTC)
    outcomes = [authenticate(engine, "locky", "wrong", None, SETTINGS, now).outcome for _ in range(5)]
    assert outcomes == [Outcome.INVALID] * 4 + [Outcome.LOCKED]
    with engine.connect() as conn:
        locked_until = conn.execute(select(User.locked_until).where(User.name == "locky")).scalar_one()
    locked_until = locked_until.replace(tzinfo=dt.UTC) if locked_until.tzinfo is None else locked_until
    assert dt.timedelta(minutes=14) < locked_until - now <= dt.timedelta(minutes=15)
    assert authenticate(engine, "locky", PASSWORD, None, SETTINGS, now).outcome is Outcome.LOCKED
    later = now + dt.timedelta(minutes=16)
    assert authenticate(engine, "locky", PASSWORD, None, SETTINGS, later).outcome is Outcome.OK


def test_a_success_resets_the_failure_count(app):
    engine = app.state.engine
    create_user(engine, "forgetful", "caseworker", "Alpha", PASSWORD)
    for _ in range(4):
        authenticate(engine, "forgetful", "wrong", None, SETTINGS)
    assert authenticate(engine, "forgetful", PASSWORD, None, SETTINGS).outcome is Outcome.OK
    for _ in range(4):
        assert authenticate(engine, "forgetful", "wrong", None, SETTINGS).outcome is Outcome.INVALID


def test_a_locked_account_is_refused_by_the_login_page(app, anonymous):
    create_user(app.state.engine, "locked-web", "caseworker", "Alpha", PASSWORD)
    for _ in range(5):
        login(anonymous, "locked-web", "wrong")
    response = login(anonymous, "locked-web")
    assert response.status_code == 401
    assert anonymous.get("/dashboard", follow_redirects=False).status_code == 303


def test_with_two_factor_on_the_password_alone_asks_for_the_code(app, anonymous):
    create_user(app.state.engine, "totp-user", "caseworker", "Alpha", PASSWORD)
    secret = enable_totp(app.state.engine, "totp-user")
    asked = login(anonymous, "totp-user")
    assert asked.status_code == 200 and 'name="totp"' in asked.text
    assert anonymous.get("/dashboard", follow_redirects=False).status_code == 303
    assert (
        login(
            anonymous, "totp-user", totp="000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
        ).status_code
        == 401
    )
    response = login(anonymous, "totp-user", totp=pyotp.TOTP(secret).now())
    assert response.status_code == 303
    assert anonymous.get("/dashboard").status_code == 200


def test_wrong_two_factor_codes_count_towards_the_lockout(app):
    engine = app.state.engine
    create_user(engine, "totp-guesser", "caseworker", "Alpha", PASSWORD)
    secret = enable_totp(engine, "totp-guesser")
    right = pyotp.TOTP(secret).now()
    wrong = f"{(int(right) + 500000) % 1000000:06d}"
    outcomes = [authenticate(engine, "totp-guesser", PASSWORD, wrong, SETTINGS).outcome for _ in range(5)]
    assert outcomes[-1] is Outcome.LOCKED
