"""The JSON API: partner tokens, organisation sharing, judgements, audit, the OpenAPI description."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from athar.store.tables import ApiToken, AuditEntry, Membership, Source
from athar.web.tokens import create_token, revoke_token
from tests.web.conftest import BASE_URL


def api(app, token: str | None) -> TestClient:
    client = TestClient(app, base_url=BASE_URL)
    if token:
        client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.fixture(scope="module")
def mixed_person(app) -> str:
    """A person holding records both in Beta's private detention list and in a list Alpha may see."""
    with app.state.engine.connect() as conn:
        sources_of = (
            select(Membership.person_id, func.group_concat(Source.name).label("names"))
            .join(Source, Source.id == Membership.source_id)
            .group_by(Membership.person_id)
            .subquery()
        )
        for person, names in conn.execute(select(sources_of)):
            names = set(names.split(","))
            if "detention" in names and names & {"families", "returnees", "morgue"}:
                return person
    pytest.skip("no person in detention and another list")


def test_a_valid_token_lists_the_sources_its_organisation_may_see(app, tokens):
    response = api(app, tokens["caseworker"]).get("/api/v1/sources")
    assert response.status_code == 200
    names = {s["name"] for s in response.json()}
    assert names == {"families", "returnees", "morgue"}  # Beta's private detention register is not listed
    assert all(s["records"] > 0 and "quarantined" in s for s in response.json())


def test_a_missing_malformed_or_unknown_token_is_refused(app):
    assert api(app, None).get("/api/v1/sources").status_code == 401
    assert api(app, "athar_not-a-real-token").get("/api/v1/sources").status_code == 401
    client = TestClient(app, base_url=BASE_URL, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert client.get("/api/v1/sources").status_code == 401


def test_a_revoked_token_stops_working_at_once(app):
    token = create_token(app.state.engine, "Alpha", "investigator")
    assert api(app, token).get("/api/v1/sources").status_code == 200
    assert revoke_token(app.state.engine, token)
    assert api(app, token).get("/api/v1/sources").status_code == 401


def test_tokens_are_stored_only_as_hashes(app, tokens):
    with app.state.engine.connect() as conn:
        stored = conn.execute(select(ApiToken.token_hash)).scalars().all()
    assert not set(tokens.values()) & set(stored)


def test_a_person_lacks_the_records_of_another_organisations_unshared_source(app, mixed_person):
    alpha = create_token(app.state.engine, "Alpha", "investigator")
    beta = create_token(app.state.engine, "Beta", "investigator")
    alpha_sources = {
        r["source"] for r in api(app, alpha).get(f"/api/v1/persons/{mixed_person}").json()["records"]
    }
    beta_sources = {
        r["source"] for r in api(app, beta).get(f"/api/v1/persons/{mixed_person}").json()["records"]
    }
    assert "detention" not in alpha_sources and alpha_sources
    assert "detention" in beta_sources


def test_a_person_only_in_another_organisations_unshared_source_is_not_found(app):
    with app.state.engine.connect() as conn:
        only_detention = conn.execute(
            select(Membership.person_id)
            .join(Source, Source.id == Membership.source_id)
            .group_by(Membership.person_id)
            .having(func.min(Source.name) == "detention", func.max(Source.name) == "detention")
            .limit(1)
        ).scalar()
    if only_detention is None:
        pytest.skip("no person known only from detention")
    alpha = create_token(app.state.engine, "Alpha", "admin")
    assert api(app, alpha).get(f"/api/v1/persons/{only_detention}").status_code == 404


def test_every_person_view_through_the_api_is_audited_with_who_and_from_where(app, tokens, mixed_person):
    response = api(app, tokens["caseworker"]).get(f"/api/v1/persons/{mixed_person}")
    assert response.status_code == 200
    with app.state.engine.connect() as conn:
        entry = conn.execute(
            select(AuditEntry)
            .where(AuditEntry.action == "person.view", AuditEntry.target_id == mixed_person)
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.user_name.startswith("api-token:") and entry.user_name.endswith("@Alpha")
    assert entry.client == "testclient" and entry.detail["via"] == "token"


def test_next_review_task_and_a_judgement_through_the_api(app, tokens):
    client = api(app, tokens["reviewer"])
    task = client.get("/api/v1/review/next")
    assert task.status_code == 200
    body = task.json()
    assert body["left_record"]["record_id"] and body["right_record"]["record_id"]
    judged = client.post(
        "/api/v1/review/judgements", json={"left": body["left"], "right": body["right"], "decision": "same"}
    )
    assert judged.status_code == 201 and judged.json()["decision"] == "same"
    following = client.get("/api/v1/review/next")
    assert following.status_code == 204 or (following.json()["left"], following.json()["right"]) != (
        body["left"],
        body["right"],
    )


def test_a_bad_decision_is_a_validation_error_not_a_server_error(app, tokens):
    response = api(app, tokens["reviewer"]).post(
        "/api/v1/review/judgements", json={"left": "families:a", "right": "families:b", "decision": "maybe"}
    )
    assert response.status_code == 422


def test_the_openapi_document_describes_the_api_and_its_bearer_authentication(anonymous):
    document = anonymous.get("/openapi.json").json()
    assert set(document["paths"]) == {
        "/api/v1/sources",
        "/api/v1/review/next",
        "/api/v1/review/judgements",
        "/api/v1/persons/{person_id}",
    }
    assert any(s.get("scheme") == "bearer" for s in document["components"]["securitySchemes"].values())


def test_no_page_loads_anything_from_another_site(anonymous):
    response = anonymous.get("/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "http://" not in response.text and "https://" not in response.text
    assert anonymous.get("/docs").status_code == 404  # Swagger UI would load from a CDN
