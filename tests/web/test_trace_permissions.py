"""Every role against every tracing-request route, pages and API, from the permissions table.

The walk of tests/web/test_permissions.py covers `routes()`; the tracing-request routes are listed by
`tracing_routes()` and walked here with the same fixtures and the same expectations (an anonymous
visitor is sent to sign in or gets 401, a role without the action gets 403, nothing answers 500).
"""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from athar.accounts.permissions import ACTIONS, ANONYMOUS, ROLES, allowed
from athar.requests.limits import IntakeLimiter
from athar.web.app import route_action, tracing_routes
from tests.web.conftest import BASE_URL, client_for, csrf
from tests.web.test_permissions import assert_no_sequential_id
from tests.web.test_trace_casework import file_request, synthetic_names

PRINCIPALS = (ANONYMOUS, *ROLES)
ROUTES = [(method, route.path) for route in tracing_routes() for method in sorted(route.methods - {"HEAD"})]
FORM = {"full_name": "Nobody Anyone", "requester_name": "Nobody", "requester_phone": "+963944555001"}
POST_BODIES = {
    "/trace": FORM,
    "/trace/status": {"reference": "K7MQ-4XR9", "secret": "WRONG"},
    "/requests": FORM,
    "/requests/{reference}/accept": {"person_id": "none"},
    "/requests/{reference}/assign": {"assignee": "permission-test"},
    "/requests/{reference}/notes": {"note": "permission test"},
    "/requests/{reference}/status": {"status": "being_searched"},
    "/requests/{reference}/wish": {"wish": "nothing"},
    "/requests/{reference}/requester-for-found": {},
}
JSON_BODIES = {
    "/api/v1/requests": {
        "full_name": "Nobody Anyone",
        "requester_name": "N",
        "requester_phone": "+963944555002",
    },
    "/api/v1/requests/{reference}/accept": {"person_id": None},
    "/api/v1/requests/{reference}/assign": {"assignee": "permission-test"},
    "/api/v1/requests/{reference}/notes": {"note": "permission test"},
    "/api/v1/requests/{reference}/status": {"status": "no_news"},
    "/api/v1/requests/{reference}/wish": {"wish": "alive_only"},
}


@pytest.fixture(scope="module")
def reference(app) -> str:
    app.state.settings = dataclasses.replace(app.state.settings, trace_organisation="Alpha")
    app.state.trace_limiter = IntakeLimiter(limit=10_000, window=600)
    return file_request(app, "Alpha", synthetic_names(app, 1)[0], n=900)


def test_every_tracing_route_requires_a_known_action():
    for route in tracing_routes():
        assert route_action(route) in ACTIONS, route.path


def test_every_tracing_post_has_a_body_for_the_walk():
    posts = {r.path for r in tracing_routes() if "POST" in r.methods}
    assert posts == set(POST_BODIES) | set(JSON_BODIES)


def test_the_public_pages_are_open_to_everyone_and_casework_only_to_those_who_record_inquiries():
    actions = {r.path: route_action(r) for r in tracing_routes()}
    assert {p for p, a in actions.items() if a == "public.view"} == {"/trace", "/trace/status"}
    assert {r for r in ROLES if allowed(r, "case.inquiry")} == {"admin", "investigator", "caseworker"}


@pytest.mark.parametrize("who", PRINCIPALS)
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_tracing_route_is_allowed_exactly_for_the_roles_the_table_allows(
    app, tokens, reference, who, method, path
):
    route = next(r for r in tracing_routes() if r.path == path and method in r.methods)
    expected = allowed(who, route_action(route))
    concrete = path.replace("{reference}", reference)
    if path.startswith("/api/"):
        client = TestClient(app, base_url=BASE_URL)
        headers = {} if who == ANONYMOUS else {"Authorization": f"Bearer {tokens[who]}"}
        if method == "GET":
            response = client.get(concrete, headers=headers)
        else:
            response = client.post(concrete, json=JSON_BODIES[path], headers=headers)
        refused = response.status_code in (401, 403)
        if not expected:
            assert response.status_code == (401 if who == ANONYMOUS else 403), response.text
    else:
        client = TestClient(app, base_url=BASE_URL) if who == ANONYMOUS else client_for(app, f"{who}-alpha")
        if method == "GET":
            response = client.get(concrete, follow_redirects=False)
        else:
            data = {**POST_BODIES[path], "csrf_token": csrf(client)}
            response = client.post(concrete, data=data, follow_redirects=False)
        to_login = response.status_code == 303 and response.headers["location"].startswith("/login?next=")
        refused = response.status_code == 403 or to_login
        if not expected:
            assert to_login if who == ANONYMOUS else response.status_code == 403
    assert refused is not expected, (who, method, path, response.status_code, response.text[:300])
    assert response.status_code < 500
    assert_no_sequential_id(who, response, (method, path))  # candidates by Alpha's references
