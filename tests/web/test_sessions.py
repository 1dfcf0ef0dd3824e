"""Session cookies: flags, server-side revocation, nothing usable stored in the database."""

from sqlalchemy import select

from athar.store.tables import WebSession
from athar.web import WebSettings, create_app
from tests.web.conftest import BASE_URL, login

ON_POSTGRES = True  # every test here also runs on PostgreSQL (tests/web/conftest.py)


def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_the_session_cookie_is_host_only_secure_httponly_and_samesite_lax(anonymous):
    cookies = _set_cookies(login(anonymous, "reviewer-alpha"))
    session = cookies["__Host-athar_session"]
    assert "Secure" in session and "HttpOnly" in session and "SameSite=lax" in session
    assert "Path=/" in session and "Domain" not in session


def test_every_cookie_the_app_sets_carries_the_same_flags(anonymous):
    response = anonymous.get("/?lang=en&digits=latin")
    cookies = _set_cookies(response)
    assert {"__Host-athar_csrf", "__Host-athar_lang", "__Host-athar_digits"} <= set(cookies)
    for header in cookies.values():
        assert "Secure" in header and "HttpOnly" in header and "SameSite=lax" in header


def test_plain_http_development_drops_secure_only_when_asked(linked_store, tmp_path):
    import shutil

    from fastapi.testclient import TestClient

    path = tmp_path / "athar.db"
    shutil.copy(linked_store, path)
    app = create_app(str(path), WebSettings(secure_cookies=False))
    client = TestClient(app, base_url="http://localhost")
    cookies = _set_cookies(login(client, "reviewer-alpha"))
    assert "Secure" not in cookies["athar_session"] and "HttpOnly" in cookies["athar_session"]
    app.state.engine.dispose()


def test_the_store_keeps_only_a_hash_of_the_session_token(app, anonymous):
    token = (
        _set_cookies(login(anonymous, "reviewer-alpha"))["__Host-athar_session"].split(";")[0].split("=")[1]
    )
    with app.state.engine.connect() as conn:
        stored = conn.execute(select(WebSession.token_hash)).scalars().all()
    assert token not in stored and all(len(h) == 64 for h in stored)


def test_signing_out_ends_the_session_on_the_server(app, anonymous):
    from tests.web.conftest import csrf

    login(anonymous, "reviewer-alpha")
    stolen = anonymous.cookies.get("__Host-athar_session")
    anonymous.post("/logout", data={"csrf_token": csrf(anonymous)}, follow_redirects=False)
    from fastapi.testclient import TestClient

    thief = TestClient(app, base_url=BASE_URL)
    thief.cookies.set("__Host-athar_session", stolen)
    assert thief.get("/dashboard", follow_redirects=False).status_code == 303


def test_a_session_unused_for_the_idle_timeout_is_over_and_each_use_moves_the_deadline(app):
    import datetime as dt

    from sqlalchemy import select

    from athar.store.tables import User
    from athar.web.sessions import principal_for_session, start_session

    settings = app.state.settings
    with app.state.engine.connect() as conn:
        user_id = conn.execute(select(User.id).where(User.name == "reviewer-alpha")).scalar_one()
    token = start_session(app.state.engine, user_id, "testclient", settings)
    now = dt.datetime.now(dt.UTC)
    idle = dt.timedelta(minutes=settings.idle_minutes)
    assert (
        principal_for_session(app.state.engine, token, now + idle + dt.timedelta(minutes=1), settings) is None
    )
    in_use = now + idle / 2
    assert principal_for_session(app.state.engine, token, in_use, settings) is not None
    later = in_use + idle - dt.timedelta(minutes=1)  # past the first deadline, within the moved one
    assert principal_for_session(app.state.engine, token, later, settings) is not None
    too_old = now + dt.timedelta(hours=settings.session_hours, minutes=1)
    assert principal_for_session(app.state.engine, token, too_old, settings) is None
