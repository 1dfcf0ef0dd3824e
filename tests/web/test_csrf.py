"""Every POST form of the pages needs the session's CSRF token."""

import pytest

from athar.web.app import routes
from tests.web.conftest import client_for, csrf, login


def page_post_routes(app) -> list[str]:
    return [r.path for r in routes() if "POST" in r.methods and not r.path.startswith("/api/")]


def test_a_sign_in_without_the_token_is_refused(anonymous):
    anonymous.get("/login")
    response = anonymous.post("/login", data={"name": "admin-alpha", "password": "x"})
    assert response.status_code == 403


def test_a_sign_in_with_another_browsers_token_is_refused(app, anonymous):
    from fastapi.testclient import TestClient

    from tests.web.conftest import BASE_URL, PASSWORD

    other = TestClient(app, base_url=BASE_URL)
    foreign_token = csrf(other, "/login")
    anonymous.get("/login")
    response = anonymous.post(
        "/login", data={"name": "admin-alpha", "password": PASSWORD, "csrf_token": foreign_token}
    )
    assert response.status_code == 403


def test_every_page_post_route_refuses_a_form_without_the_token(app):
    routes = page_post_routes(app)
    assert {"/login", "/logout", "/review/judgements"} <= set(routes)
    client = client_for(app, "admin-alpha")
    client.get("/")
    for path in routes:
        assert client.post(path, data={"x": "1"}, follow_redirects=False).status_code == 403, path
        assert client.post(path, data={"csrf_token": "0" * 64}, follow_redirects=False).status_code == 403


@pytest.mark.parametrize("header", [True, False])
def test_the_token_is_accepted_in_the_form_or_the_header(app, header):
    client = client_for(app, "reviewer-alpha")
    token = csrf(client)
    if header:
        response = client.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    else:
        response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303


def test_signing_in_changes_the_token(anonymous):
    before = csrf(anonymous, "/login")
    login(anonymous, "reviewer-alpha")
    assert csrf(anonymous) != before
