"""Every role against every route, allowed and forbidden, generated from the permissions table; then
every route again for every role of the other organisation (Beta), on Alpha's data, asserting that
nothing Alpha recorded reaches Beta."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from athar.accounts.permissions import ACTIONS, ANONYMOUS, PERMISSIONS, ROLES, allowed
from athar.store.tables import Membership, Source
from athar.web.app import route_action, routes
from tests.web.conftest import BASE_URL, client_for, csrf, person_ref

PRINCIPALS = (ANONYMOUS, *ROLES)
# An internal person id (P-0000123), shown to admins only (docs/security.md); not the "P-3" inside a
# reference such as C-JN23P-348TA.
SEQUENTIAL_ID = re.compile(r"(?<![0-9A-Z])P-\d")
ROUTES = [(method, route.path) for route in routes() for method in sorted(route.methods - {"HEAD"})]
POST_BODIES = {
    "/login": {"name": "nobody", "password": "wrong"},
    "/logout": {},
    "/review/judgements": {"left": "families:none-1", "right": "families:none-2", "decision": "unsure"},
    "/search/family": {"name": "Nobody Anyone"},
    "/search": {"name": "Nobody Anyone"},
    "/open": {"reference": "K7MQ-4XR9"},
    "/persons/{person_id}/status": {"status": "missing", "reason": "permission test", "evidence": "none"},
    "/persons/{person_id}/inquiries": {"note": "permission test"},
    "/persons/{person_id}/inquiries/{event_id}/erase": {"reason": "permission test"},
    "/import/preview": {"source": "permission-test"},
    "/import/preview/mapping": {"token": "x" * 32, "column_0": "record_id"},
    "/import": {"token": "x" * 32, "source": "permission-test"},
    "/admin/users": {"name": "permission-test-user", "role": "reviewer", "organisation": "Alpha"},
    "/admin/users/{user_id}/role": {"role": "reviewer"},
    "/admin/users/{user_id}/disable": {},
    "/admin/users/{user_id}/enable": {},
    "/admin/users/{user_id}/unlock": {},
    "/admin/users/{user_id}/password": {},
    "/account/password": {"current": "not it", "new": "x", "again": "x"},
    "/admin/organisations": {"name": "Permission Test Organisation"},
    "/admin/sources/{source_id}": {"sharing": "private", "kind": "family_report"},
    "/persons/{person_id}/merge": {"other_person_id": "P-none", "reason": "permission test"},
    "/persons/{person_id}/split": {"records": "families:none", "reason": "permission test"},
    "/curations/{curation_id}/undo": {"reason": "permission test"},
    "/remains/{remains_id}/identification": {"record": "families:none", "step": "candidate"},
    "/sites": {"name": "Permission walk site", "kind": "other"},
    "/sites/{site_id}/import": {},  # no file: the allowed are told to choose one, nothing imported
    "/sites/{site_id}/bodies": {"case_id": ""},  # refused whole: no case number
    "/remains/{remains_id}/custody": {"action": "stored", "holder": "permission walk"},
    "/remains/{remains_id}/join": {"whole": "no-such-case", "reason": "permission test"},
    "/remains/{remains_id}/split": {"reason": "permission test"},
}
JSON_BODIES = {
    "/api/v1/review/judgements": {
        "left": "families:none-1",
        "right": "families:none-2",
        "decision": "unsure",
    },
    "/api/v1/search": {"name": "Nobody Anyone"},
    "/api/v1/persons/{person_id}/status": {
        "status": "missing",
        "reason": "permission test",
        "evidence": "none",
    },
    "/api/v1/persons/{person_id}/inquiries": {"note": "permission test"},
    "/api/v1/persons/{person_id}/inquiries/{event_id}/erasure": {"reason": "permission test"},
}
MULTIPART_BODIES = {
    "/api/v1/imports": (
        {"source": "permission-test-api"},
        {"file": ("p.csv", b"record_id,full_name\n1,Nobody Anyone\n", "text/csv")},
    )
}


def test_every_route_requires_a_known_action():
    for route in routes():
        assert route_action(route) in ACTIONS, route.path


def test_every_action_in_the_table_is_used_by_some_route():
    assert {route_action(r) for r in routes()} == ACTIONS


def test_the_table_names_exactly_the_four_roles_and_anonymous():
    assert set(PERMISSIONS) == {ANONYMOUS, "admin", "investigator", "reviewer", "caseworker"}


def test_anonymous_may_only_see_the_public_pages():
    assert PERMISSIONS[ANONYMOUS] == {"public.view"}


@pytest.fixture(scope="module")
def alpha_person(app) -> str:
    """A person with a record in Alpha's own list, so every Alpha role that may see persons sees one."""
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(Membership.person_id)
            .join(Source, Source.id == Membership.source_id)
            .where(Source.name == "families")
            .limit(1)
        ).scalar_one()


@pytest.fixture(scope="module")
def alpha_site(app, tmp_path_factory) -> dict[str, str]:
    """Alpha's private site with a body, for the remains pages' walk (tests/web/remains_site.py)."""
    from tests.web.remains_site import add_alpha_site

    site_id, bodies = add_alpha_site(app.state.engine, tmp_path_factory.mktemp("walk-site"), bodies=1)
    return {"{site_id}": str(site_id), "{remains_id}": str(bodies[0])}


@pytest.fixture(scope="module")
def targets(app, alpha_person, alpha_site) -> dict[str, str]:
    """Concrete values for the routes' path parameters: a person Alpha sees, an account the admin pages
    may change, and Alpha's own families list (so that an Alpha investigator may set its sharing)."""
    from athar.accounts.users import create_user

    user_id = create_user(app.state.engine, "permission-target", "caseworker", "Alpha", "irrelevant")
    with app.state.engine.connect() as conn:
        source_id = conn.execute(select(Source.id).where(Source.name == "families")).scalar_one()
    return {
        "{person_id}": person_ref(app, alpha_person, "Alpha"),  # what Alpha's users are shown and give
        "{user_id}": str(user_id),
        "{source_id}": str(source_id),
        "{curation_id}": "999999",
        "{fmt}": "xlsx",
        "{event_id}": "999999999",  # no such inquiry: each allowed role is answered 404, none erases
        **alpha_site,
    }


def _path(path: str, targets: dict[str, str]) -> str:
    for parameter, value in targets.items():
        path = path.replace(parameter, value)
    return path


def assert_no_sequential_id(who: str, response, where: object) -> None:
    """Nothing served to anyone but an admin names a person by the internal sequential id (issue 14
    item 6): pages, JSON and the text exports. Binary exports (XLSX, Parquet) are checked by
    tests/web/test_person_refs.py through their CSV twin."""
    if who == "admin" or not response.headers.get("content-type", "").startswith(
        ("text/", "application/json")
    ):
        return
    found = SEQUENTIAL_ID.search(response.text)
    assert found is None, (who, where, response.text[max(0, found.start() - 80) : found.end() + 80])


def test_every_page_post_has_a_body_for_the_permission_walk():
    posts = {r.path for r in routes() if not r.path.startswith("/api/") and "POST" in r.methods}
    assert posts == set(POST_BODIES)


def _page_request(app, who: str, method: str, path: str, template: str | None = None, org: str = "alpha"):
    client = TestClient(app, base_url=BASE_URL) if who == ANONYMOUS else client_for(app, f"{who}-{org}")
    if method == "GET":
        return client.get(path, follow_redirects=False)
    body = POST_BODIES[template or path]
    return client.post(path, data={**body, "csrf_token": csrf(client)}, follow_redirects=False)


def _api_request(app, tokens, who: str, method: str, path: str, template: str):
    client = TestClient(app, base_url=BASE_URL)
    headers = {} if who == ANONYMOUS else {"Authorization": f"Bearer {tokens[who]}"}
    if method == "GET":
        return client.get(path, headers=headers)
    if template in MULTIPART_BODIES:
        data, files = MULTIPART_BODIES[template]
        return client.post(path, data=data, files=files, headers=headers)
    return client.post(path, json=JSON_BODIES[template], headers=headers)


def test_every_api_post_has_a_body_for_the_permission_walk():
    posts = {r.path for r in routes() if r.path.startswith("/api/") and "POST" in r.methods}
    assert posts == set(JSON_BODIES) | set(MULTIPART_BODIES)


@pytest.mark.parametrize("who", PRINCIPALS)
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_route_is_allowed_exactly_for_the_roles_the_table_allows(app, tokens, targets, who, method, path):
    route = next(r for r in routes() if r.path == path and method in r.methods)
    expected = allowed(who, route_action(route))
    concrete = _path(path, targets)
    if path.startswith("/api/"):
        response = _api_request(app, tokens, who, method, concrete, path)
        refused = response.status_code in (401, 403)
        if not expected:
            assert response.status_code == (401 if who == ANONYMOUS else 403), response.text
    else:
        response = _page_request(app, who, method, concrete, path)
        to_login = response.status_code == 303 and response.headers["location"].startswith("/login?next=")
        refused = response.status_code == 403 or to_login
        if not expected:
            assert to_login if who == ANONYMOUS else response.status_code == 403
    assert refused is not expected, (who, method, path, response.status_code)
    assert response.status_code < 500
    assert_no_sequential_id(who, response, (method, path))


def test_anonymous_cannot_reach_any_record_page_or_api(app, alpha_person):
    client = TestClient(app, base_url=BASE_URL)
    for path in ("/dashboard", "/review", f"/persons/{alpha_person}", "/export/records.csv", "/audit"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    for path in (
        "/api/v1/sources",
        "/api/v1/review/next",
        f"/api/v1/persons/{alpha_person}",
        f"/api/v1/persons/{alpha_person}/case",
    ):
        assert client.get(path).status_code == 401


def test_a_reviewer_cannot_export_records_or_the_audit_log(app, tokens):
    client = client_for(app, "reviewer-alpha")
    assert client.get("/export/records.csv").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_a_reviewer_sees_pairs_but_not_persons(app, alpha_person):
    client = client_for(app, "reviewer-alpha")
    assert client.get("/review").status_code == 200
    assert client.get(f"/persons/{alpha_person}").status_code == 403


def test_only_admins_manage_users_and_organisations_and_only_they_and_investigators_sharing():
    assert {r for r in PERMISSIONS if allowed(r, "users.manage")} == {"admin"}
    assert {r for r in PERMISSIONS if allowed(r, "organisations.manage")} == {"admin"}
    assert {r for r in PERMISSIONS if allowed(r, "sources.manage")} == {"admin", "investigator"}


# -- the other organisation --------------------------------------------------------------------------------

ALPHA_SECRETS = (
    "+963 955 010 203",
    "Umm Walid Secret",
    "fears reprisals; do not share",
    "Alpha's private reason",
)


@pytest.fixture(scope="module")
def alpha_case(app, tokens, alpha_site) -> dict[str, str]:
    """Alpha's private case work on two persons: one only Alpha's list holds, one Beta also sees
    (through the morgue list, which belongs to no organisation) but holds no record of. Returns the
    targets for Beta's walk (the person Beta sees, Alpha's inquiry on them, Alpha's source) and the
    person Beta must not see."""
    engine = app.state.engine
    with engine.connect() as conn:
        rows = conn.execute(
            select(Membership.person_id, Source.name).join(Source, Source.id == Membership.source_id)
        ).all()
        families_id = conn.execute(select(Source.id).where(Source.name == "families")).scalar_one()
    held: dict[str, set[str]] = {}
    for person_id, source in rows:
        held.setdefault(person_id, set()).add(source)
    only_alpha = sorted(p for p, s in held.items() if s == {"families"})[0]
    seen_by_both = sorted(p for p, s in held.items() if s == {"families", "morgue"})[0]
    alpha = TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {tokens['caseworker']}"})
    event_id = None
    for person in (person_ref(app, only_alpha, "Alpha"), person_ref(app, seen_by_both, "Alpha")):
        inquiry = {"contact_name": ALPHA_SECRETS[1], "phone": ALPHA_SECRETS[0], "note": ALPHA_SECRETS[2]}
        made = alpha.post(f"/api/v1/persons/{person}/inquiries", json=inquiry)
        assert made.status_code == 201, made.text
        event_id = made.json()["id"]
        change = {"status": "detention_record_found", "reason": ALPHA_SECRETS[3], "evidence": "Alpha's file"}
        assert alpha.post(f"/api/v1/persons/{person}/status", json=change).status_code == 201
    return {
        "{person_id}": person_ref(app, seen_by_both, "Beta"),  # Beta's own reference for the person
        "{event_id}": str(event_id),
        "{source_id}": str(families_id),
        "{user_id}": "1",
        **alpha_site,
        "only_alpha": only_alpha,
        "seen_by_both": seen_by_both,
    }


def _beta_request(app, beta_tokens, who, method, path, template):
    if template.startswith("/api/"):
        return _api_request(app, beta_tokens, who, method, path, template)
    return _page_request(app, who, method, path, template, org="beta")


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_nothing_alpha_recorded_reaches_another_organisation(app, beta_tokens, alpha_case, who, method, path):
    """Every route, as every role of Beta, on the person whose case Alpha holds: the table's refusals
    hold, nothing is a server error, no response carries what Alpha recorded, and no write of Beta's
    lands in Alpha's case (a status change needs a record of Beta's; Alpha's inquiry is not Beta's
    to erase)."""
    route = next(r for r in routes() if r.path == path and method in r.methods)
    expected = allowed(who, route_action(route))
    response = _beta_request(app, beta_tokens, who, method, _path(path, alpha_case), path)
    assert response.status_code < 500, response.text
    if not expected:
        assert response.status_code in (401, 403)
    for secret in ALPHA_SECRETS:
        assert secret not in response.text, (who, method, path)
    if expected and path.endswith("/status"):
        # Beta may see the person, not change Alpha's case; Beta's admin may, as the person is also
        # held by a list of no organisation (athar.cases.scope).
        changed = 201 if path.startswith("/api/") else 303
        assert response.status_code == (changed if who == "admin" else 403)
    if expected and "{event_id}" in path:
        assert response.status_code == 404  # Alpha's inquiry is not Beta's to erase
    if expected and path == "/admin/sources/{source_id}" and who != "admin":
        assert response.status_code == 404  # Alpha's list is not Beta's to share
    if expected and ("{site_id}" in path or "{remains_id}" in path):
        assert response.status_code == 404  # Alpha's private site does not exist for Beta
    assert_no_sequential_id(who, response, (method, path))


PERSON_PATHS = ["/persons/{id}", "/api/v1/persons/{id}", "/api/v1/persons/{id}/case"]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("given", ["alpha-reference", "internal-id"])
@pytest.mark.parametrize("path", PERSON_PATHS, ids=["page", "api", "case"])
def test_a_person_only_alpha_holds_does_not_exist_for_beta(app, beta_tokens, alpha_case, who, given, path):
    """By Alpha's reference or by the internal id (even Beta's admin, who may give internal ids): the
    answer is the 404 of a person that does not exist, and names neither."""
    person = alpha_case["only_alpha"]
    named = person_ref(app, person, "Alpha") if given == "alpha-reference" else person
    response = _beta_request(app, beta_tokens, who, "GET", path.replace("{id}", named), path)
    assert response.status_code == (404 if allowed(who, "person.view") else 403)
    assert person not in response.text and named not in response.text


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("path", PERSON_PATHS, ids=["page", "api", "case"])
def test_alphas_reference_of_a_person_beta_sees_is_unknown_to_beta(app, beta_tokens, alpha_case, who, path):
    """References are per organisation: Beta sees the person under its own reference, and Alpha's
    reference for the same person is, to Beta, no person at all. So is the internal id for any
    role but admin."""
    if not allowed(who, "person.view"):
        pytest.skip("this role sees no person")
    person = alpha_case["seen_by_both"]
    alphas, betas = person_ref(app, person, "Alpha"), person_ref(app, person, "Beta")
    assert alphas != betas and re.fullmatch(r"C-[2-9A-Z]{5}-[2-9A-Z]{5}", betas)
    own = _beta_request(app, beta_tokens, who, "GET", path.replace("{id}", betas), path)
    assert own.status_code == 200 and betas in own.text and alphas not in own.text
    assert _beta_request(app, beta_tokens, who, "GET", path.replace("{id}", alphas), path).status_code == 404
    internal = _beta_request(app, beta_tokens, who, "GET", path.replace("{id}", person), path)
    assert internal.status_code == (200 if who == "admin" else 404)


@pytest.mark.parametrize("who", ROLES)
def test_beta_sees_alphas_private_case_only_as_a_status(app, beta_tokens, alpha_case, who):
    if not allowed(who, "person.view"):
        pytest.skip("this role sees no person")
    person = alpha_case["{person_id}"]  # Beta's reference
    client = TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {beta_tokens[who]}"})
    case = client.get(f"/api/v1/persons/{person}/case").json()
    # Beta's own events (the walk above records some) are Beta's; Alpha's are there only as statuses.
    assert not [i for i in case["inquiries"] if i["phone"] == ALPHA_SECRETS[0]]
    alphas = [h for h in case["history"] if h["withheld"]]
    assert alphas and {h["status"] for h in alphas} == {"detention_record_found"}
    assert all(h["reason"] is None and h["evidence"] is None and h["user"] is None for h in alphas)
