"""Passwords, the waits after failed sign-ins, throttles and two-factor sign-in."""

import dataclasses
import datetime as dt
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from athar.accounts import Outcome, authenticate, create_user, enable_totp, hash_password, verify_password
from athar.store.tables import User
from athar.web.settings import WebSettings
from athar.web.throttle import SigninThrottle
from tests.web.conftest import BASE_URL, PASSWORD, login

ON_POSTGRES = True  # every test here also runs on PostgreSQL (tests/web/conftest.py)

SETTINGS = WebSettings()


def test_passwords_are_stored_as_argon2id_hashes_that_verify_only_the_right_password():
    stored = hash_password("s3cret words")
    assert stored.startswith("$argon2id$") and "s3cret" not in stored
    assert verify_password(stored, "s3cret words")
    assert not verify_password(stored, "s3cret word")
    assert not verify_password(None, "anything")


def test_the_application_hashes_with_rfc_9106s_recommended_argon2id_parameters():
    from argon2 import PasswordHasher

    from athar.accounts import passwords

    assert passwords.HASHER_PARAMETERS["time_cost"] >= 3
    assert passwords.HASHER_PARAMETERS["memory_cost"] >= 64 * 1024  # KiB
    stored = PasswordHasher(**passwords.HASHER_PARAMETERS).hash("x")
    assert stored.startswith("$argon2id$") and "m=65536,t=3" in stored


def test_an_unknown_name_is_checked_against_a_hash_of_the_applications_own_parameters(monkeypatch):
    """So that a wrong name costs as long as a wrong password (the hash is made on first use)."""
    from athar.accounts import passwords

    checked = []
    monkeypatch.setattr(passwords, "verify_password", lambda stored, given: checked.append(stored))
    passwords.verify_nothing("a guess")
    assert checked == [passwords._dummy_hash()]
    assert checked[0].startswith("$argon2id$") and not passwords.needs_rehash(checked[0])


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


def _wait_until(engine, name):
    with engine.connect() as conn:
        value = conn.execute(select(User.locked_until).where(User.name == name)).scalar_one()
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def test_after_five_failures_each_attempt_waits_longer_and_is_refused_unchecked_meanwhile(app):
    engine = app.state.engine
    create_user(engine, "slowed", "caseworker", "Alpha", PASSWORD)
    now = dt.datetime.now(dt.UTC)
    outcomes = [authenticate(engine, "slowed", "wrong", None, SETTINGS, now) for _ in range(5)]
    assert [o.detail for o in outcomes] == ["wrong"] * 5
    assert _wait_until(engine, "slowed") == now + dt.timedelta(seconds=1)
    refused = authenticate(engine, "slowed", PASSWORD, None, SETTINGS, now)
    assert (refused.outcome, refused.detail) == (Outcome.INVALID, "backoff")  # the same answer as wrong
    later = now + dt.timedelta(seconds=1)
    assert authenticate(engine, "slowed", "wrong", None, SETTINGS, later).detail == "wrong"
    assert _wait_until(engine, "slowed") == later + dt.timedelta(seconds=2)  # doubling


def test_nobody_can_lock_an_admin_out_failures_only_delay_them_a_minute_at_most(app):
    engine = app.state.engine
    create_user(engine, "boss", "admin", "Alpha", PASSWORD)
    now = dt.datetime.now(dt.UTC)
    for step in range(40):  # an attacker who keeps guessing whenever the wait is over
        authenticate(engine, "boss", "wrong", None, SETTINGS, now + dt.timedelta(minutes=step))
    waits = _wait_until(engine, "boss") - (now + dt.timedelta(minutes=39))
    assert waits <= dt.timedelta(seconds=SETTINGS.signin_max_backoff_seconds)
    in_a_minute = now + dt.timedelta(minutes=40)
    assert authenticate(engine, "boss", PASSWORD, None, SETTINGS, in_a_minute).outcome is Outcome.OK


def test_forty_parallel_guesses_check_no_more_passwords_than_the_free_failures(app, monkeypatch):
    from athar.accounts import signin

    engine = app.state.engine
    create_user(engine, "raced", "caseworker", "Alpha", PASSWORD)
    checked = []
    real = signin.verify_password

    def counting(password_hash, password):
        checked.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(signin, "verify_password", counting)
    barrier = threading.Barrier(40)
    now = dt.datetime.now(dt.UTC)  # one instant for all: no wait runs out while they race

    def guess(i):
        barrier.wait()
        return authenticate(engine, "raced", f"guess {i}", None, SETTINGS, now).outcome

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(guess, range(40)))
    assert outcomes == [Outcome.INVALID] * 40
    assert 1 <= len(checked) <= SETTINGS.signin_free_failures


def test_every_failure_gets_the_same_page_whether_the_name_exists_or_not(app, anonymous):
    app.state.signin_throttle.reset()
    create_user(app.state.engine, "waiting-web", "caseworker", "Alpha", PASSWORD)
    with app.state.engine.begin() as conn:  # nine failures already: the next one brings a 32 s wait
        conn.execute(update(User).where(User.name == "waiting-web").values(failed_logins=9))
    authenticate(app.state.engine, "waiting-web", "wrong", None, SETTINGS)
    backoff = login(anonymous, "waiting-web")  # the right password, during the wait
    unknown = login(anonymous, "waiting-nobody")
    wrong = login(anonymous, "caseworker-alpha", "not it")
    assert backoff.status_code == unknown.status_code == wrong.status_code == 401
    body = re.compile(r'<p class="error" role="alert">([^<]*)</p>')
    assert (
        body.search(backoff.text).group(1)
        == body.search(unknown.text).group(1)
        == body.search(wrong.text).group(1)
    )
    app.state.signin_throttle.reset()


def test_one_client_guessing_across_many_accounts_is_slowed_down(app, anonymous):
    app.state.signin_throttle.reset()
    statuses = [login(anonymous, f"guess-{i}", "wrong").status_code for i in range(14)]
    assert statuses[:10] == [401] * 10 and 429 in statuses[10:]
    other = TestClient(app, base_url=BASE_URL, client=("198.51.100.23", 5000))
    assert login(other, "caseworker-alpha").status_code == 303  # another client is not held back
    app.state.signin_throttle.reset()


def test_the_app_checks_no_more_than_its_global_bound_of_sign_ins_a_minute(app):
    throttle = SigninThrottle(dataclasses.replace(SETTINGS, signin_checks_per_minute=3))
    admitted = [throttle.admit(f"203.0.113.{i}", now=100.0) for i in range(5)]
    assert admitted == [True, True, True, False, False]
    assert throttle.admit("203.0.113.9", now=161.0)


def test_a_success_resets_the_failure_count(app):
    engine = app.state.engine
    create_user(engine, "forgetful", "caseworker", "Alpha", PASSWORD)
    for _ in range(4):
        authenticate(engine, "forgetful", "wrong", None, SETTINGS)
    assert authenticate(engine, "forgetful", PASSWORD, None, SETTINGS).outcome is Outcome.OK
    for _ in range(4):
        assert authenticate(engine, "forgetful", "wrong", None, SETTINGS).outcome is Outcome.INVALID


def test_a_waiting_account_is_refused_by_the_login_page(app, anonymous):
    app.state.signin_throttle.reset()
    create_user(app.state.engine, "locked-web", "caseworker", "Alpha", PASSWORD)
    with app.state.engine.begin() as conn:  # nine failures already: the next one brings a 32 s wait
        conn.execute(update(User).where(User.name == "locked-web").values(failed_logins=9))
    assert login(anonymous, "locked-web", "wrong").status_code == 401
    response = login(anonymous, "locked-web")  # the right password, within the wait
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


def test_wrong_two_factor_codes_count_towards_the_wait(app):
    engine = app.state.engine
    create_user(engine, "totp-guesser", "caseworker", "Alpha", PASSWORD)
    secret = enable_totp(engine, "totp-guesser")
    right = pyotp.TOTP(secret).now()
    wrong = f"{(int(right) + 500000) % 1000000:06d}"
    now = dt.datetime.now(dt.UTC)
    outcomes = [authenticate(engine, "totp-guesser", PASSWORD, wrong, SETTINGS, now) for _ in range(6)]
    assert [o.detail for o in outcomes] == ["wrong"] * 5 + ["backoff"]
    assert authenticate(engine, "totp-guesser", PASSWORD, right, SETTINGS, now).outcome is Outcome.INVALID
