"""The JSON API: partner tokens, organisation sharing, judgements, audit, the OpenAPI description."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from athar.accounts.tokens import create_token, revoke_token
from athar.cases import STATUSES
from athar.store.tables import (
    SOURCE_KINDS,
    ApiToken,
    AuditEntry,
    CaseEvent,
    Membership,
    Person,
    Record,
    Source,
)
from tests.web.conftest import BASE_URL, person_ref

ON_POSTGRES = True  # every test here also runs on PostgreSQL (tests/web/conftest.py)


def api(app, token: str | None) -> TestClient:
    client = TestClient(app, base_url=BASE_URL)
    if token:
        client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.fixture(scope="module")
def mixed_person(app) -> str:
    """A person holding records both in Beta's private detention list and in a list Alpha may see."""
    with app.state.engine.connect() as conn:
        rows = conn.execute(
            select(Membership.person_id, Source.name).join(Source, Source.id == Membership.source_id)
        ).all()
    sources_of: dict[str, set[str]] = {}
    for person, name in rows:
        sources_of.setdefault(person, set()).add(name)
    for person, names in sorted(sources_of.items()):
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
        r["source"]
        for r in api(app, alpha).get(f"/api/v1/persons/{person_ref(app, mixed_person)}").json()["records"]
    }
    beta_sources = {
        r["source"]
        for r in api(app, beta)
        .get(f"/api/v1/persons/{person_ref(app, mixed_person, 'Beta')}")
        .json()["records"]
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
    assert api(app, alpha).get(f"/api/v1/persons/{person_ref(app, only_detention)}").status_code == 404


def test_every_person_view_through_the_api_is_audited_with_who_and_from_where(app, tokens, mixed_person):
    response = api(app, tokens["caseworker"]).get(f"/api/v1/persons/{person_ref(app, mixed_person)}")
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
        "/api/v1/search",
        "/api/v1/persons/{person_id}",
        "/api/v1/persons/{person_id}/case",
        "/api/v1/persons/{person_id}/status",
        "/api/v1/persons/{person_id}/inquiries",
        "/api/v1/persons/{person_id}/inquiries/{event_id}/erasure",
        "/api/v1/imports",
        "/api/v1/requests",
        "/api/v1/requests/{reference}",
        "/api/v1/requests/{reference}/accept",
        "/api/v1/requests/{reference}/assign",
        "/api/v1/requests/{reference}/notes",
        "/api/v1/requests/{reference}/status",
        "/api/v1/requests/{reference}/wish",
    }
    assert any(s.get("scheme") == "bearer" for s in document["components"]["securitySchemes"].values())


def test_no_page_loads_anything_from_another_site(anonymous):
    response = anonymous.get("/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "http://" not in response.text and "https://" not in response.text
    assert anonymous.get("/docs").status_code == 404  # Swagger UI would load from a CDN


# -- investigator search, cases and import through the API -----------------------------------------------


@pytest.fixture(scope="module")
def named_family_record(app) -> dict:
    """A record of Alpha's families list with a given and a family name, and its person."""
    with app.state.engine.connect() as conn:
        row = conn.execute(
            select(Record.given_name, Record.father_name, Record.family_name, Membership.person_id)
            .join(Source, Source.id == Record.source_id)
            .join(
                Membership,
                (Membership.source_id == Record.source_id) & (Membership.record_id == Record.record_id),
            )
            .where(
                Source.name == "families",
                Record.is_current.is_(True),
                Record.given_name.is_not(None),
                Record.family_name.is_not(None),
            )
            .limit(1)
        ).one()
    return {"name": f"{row.given_name} {row.family_name}", "father": row.father_name, "person": row.person_id}


def _audits(app, action, **where):
    with app.state.engine.connect() as conn:
        query = select(*AuditEntry.__table__.columns).where(AuditEntry.action == action)
        for column, value in where.items():
            query = query.where(getattr(AuditEntry, column) == value)
        return conn.execute(query.order_by(AuditEntry.id)).all()


def test_the_api_search_finds_the_person_shows_only_visible_records_and_audits_each(
    app, tokens, named_family_record
):
    before = len(_audits(app, "person.view"))
    response = api(app, tokens["investigator"]).post(
        "/api/v1/search", json={"name": named_family_record["name"], "father": named_family_record["father"]}
    )
    assert response.status_code == 200, response.text
    hits = response.json()
    assert person_ref(app, named_family_record["person"]) in {h["person_id"] for h in hits}
    assert not [h for h in hits if (h["person_id"] or "").startswith("P-")]  # references, not internal ids
    assert all(h["records"] for h in hits)
    assert not {r["source"] for h in hits for r in h["records"]} & {"detention"}  # Beta's, private
    views = _audits(app, "person.view")[before:]
    shown = [person_ref(app, v.target_id) if v.target_id.startswith("P-") else v.target_id for v in views]
    assert sorted(shown) == sorted(h["reference"] for h in hits)
    assert all(v.detail["via_search"] and v.detail["via"] == "token" for v in views)
    assert _audits(app, "search")[-1].detail["results"] == len(hits)


def test_the_api_search_refuses_a_blank_name_or_an_impossible_year(app, tokens):
    client = api(app, tokens["admin"])
    assert client.post("/api/v1/search", json={"name": "   "}).status_code == 422
    assert client.post("/api/v1/search", json={"name": "Ahmad", "born": 1700}).status_code == 422


def test_the_status_and_kind_the_api_accepts_are_the_ones_athar_knows(anonymous):
    schemas = anonymous.get("/openapi.json").json()["components"]["schemas"]
    enums = {tuple(s["enum"]) for s in schemas.values() if "enum" in s}
    assert STATUSES in enums
    assert SOURCE_KINDS in enums


def _person_status(app, person):
    with app.state.engine.connect() as conn:
        return conn.execute(select(Person.status).where(Person.id == person)).scalar_one()


def _case_events(app, person):
    with app.state.engine.connect() as conn:
        return conn.execute(select(CaseEvent.kind).where(CaseEvent.person_id == person)).scalars().all()


def test_a_status_change_through_the_api_is_appended_shown_in_the_history_and_audited(
    app, tokens, named_family_record
):
    person = named_family_record["person"]
    client = api(app, tokens["caseworker"])
    change = {"status": "detention_record_found", "reason": "Named in a register", "evidence": "Page 4"}
    response = client.post(
        f"/api/v1/persons/{person_ref(app, person)}/status", json={**change, "event_date": "2014-06"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["previous"], body["event_date"]) == (
        "detention_record_found",
        "missing",
        "2014-06",
    )
    assert body["user"].startswith("api-token:") and _person_status(app, person) == "detention_record_found"
    second = {"status": "located_alive", "reason": "Came home", "evidence": "Seen by a caseworker"}
    assert client.post(f"/api/v1/persons/{person_ref(app, person)}/status", json=second).status_code == 201
    case = client.get(f"/api/v1/persons/{person_ref(app, person)}/case").json()
    assert case["status"] == "located_alive"
    assert [(h["previous"], h["status"], h["reason"]) for h in case["history"]][-2:] == [
        ("missing", "detention_record_found", "Named in a register"),
        ("detention_record_found", "located_alive", "Came home"),
    ]
    audited = _audits(app, "case.status", target_id=person)
    assert [a.detail["to"] for a in audited][-2:] == ["detention_record_found", "located_alive"]
    assert _audits(app, "person.view", target_id=person)[-1].detail["case"] is True


@pytest.mark.parametrize(
    "change",
    [
        {"status": "deceased", "reason": "  ", "evidence": "morgue photo"},
        {"status": "deceased", "reason": "morgue log"},
        {"status": "eaten_by_bears", "reason": "r", "evidence": "e"},
        {"status": "deceased", "reason": "r", "evidence": "e", "event_date": "2015-02-30"},
        {"status": "deceased", "reason": "r", "evidence": "e", "event_date": "last spring"},
    ],
)
def test_a_status_change_without_reason_and_evidence_or_with_a_bad_date_is_refused(app, tokens, change):
    with app.state.engine.connect() as conn:
        person = conn.execute(
            select(Membership.person_id)
            .join(Source, Source.id == Membership.source_id)
            .where(Source.name == "returnees")
            .order_by(Membership.person_id.desc())
            .limit(1)
        ).scalar_one()
    before = (_person_status(app, person), len(_case_events(app, person)))
    response = api(app, tokens["investigator"]).post(
        f"/api/v1/persons/{person_ref(app, person)}/status", json=change
    )
    assert response.status_code == 422
    assert all({"loc", "msg", "type"} <= set(item) for item in response.json()["detail"])
    assert (_person_status(app, person), len(_case_events(app, person))) == before


def test_the_case_of_a_person_of_another_organisations_private_list_is_not_found(app):
    with app.state.engine.connect() as conn:
        only_detention = conn.execute(
            select(Membership.person_id)
            .join(Source, Source.id == Membership.source_id)
            .group_by(Membership.person_id)
            .having(func.min(Source.name) == "detention", func.max(Source.name) == "detention")
            .limit(1)
        ).scalar_one()
    alpha = api(app, create_token(app.state.engine, "Alpha", "admin"))
    assert alpha.get(f"/api/v1/persons/{person_ref(app, only_detention)}/case").status_code == 404
    change = {"status": "deceased", "reason": "r", "evidence": "e"}
    assert (
        alpha.post(f"/api/v1/persons/{person_ref(app, only_detention)}/status", json=change).status_code
        == 404
    )
    assert (
        alpha.post(
            f"/api/v1/persons/{person_ref(app, only_detention)}/inquiries", json={"note": "x"}
        ).status_code
        == 404
    )
    assert _person_status(app, only_detention) == "missing" and _case_events(app, only_detention) == []


def test_a_familys_inquiry_through_the_api_is_linked_to_the_person_and_kept_out_of_the_audit_log(
    app, tokens, named_family_record
):
    person = named_family_record["person"]
    client = api(app, tokens["caseworker"])
    inquiry = {"contact_name": "Umm Omar", "relationship": "mother", "phone": "+963 933 000 222"}
    response = client.post(f"/api/v1/persons/{person_ref(app, person)}/inquiries", json=inquiry)
    assert response.status_code == 201 and response.json()["phone"] == "+963 933 000 222"
    shown = client.get(f"/api/v1/persons/{person_ref(app, person)}/case").json()["inquiries"][-1]
    assert {k: shown[k] for k in inquiry} == inquiry and shown["note"] is None
    entry = _audits(app, "case.inquiry", target_id=person)[-1]
    assert "+963" not in repr(entry.detail) and "Umm Omar" not in repr(entry.detail)
    empty = client.post(
        f"/api/v1/persons/{person_ref(app, person)}/inquiries", json={"phone": "  ", "note": ""}
    )
    assert empty.status_code == 422


CSV = (
    b"record_id,full_name,sex,birth_date,event_date\n"
    b"1,Ahmad Khalil Al Masri,M,1980,2013-04-02\n"
    b"2,Sara Omar Haddad,F,1991,2014-07\n"
    b"3,Bad Date Person,Z9,1985,2013-99-99\n"
)


def _upload(client, source, data=CSV, name="list.csv", kind=None, mapping=None):
    files = {"file": (name, data, "text/csv")}
    if mapping is not None:
        files["mapping"] = ("mapping.toml", mapping, "application/toml")
    form = {"source": source, **({"kind": kind} if kind else {})}
    return client.post("/api/v1/imports", data=form, files=files)


def test_an_import_through_the_api_answers_counts_and_quarantined_rows_with_reasons(app, tokens):
    response = _upload(api(app, tokens["investigator"]), "api-upload", kind="returnee_registration")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["read"], body["stored"], body["quarantined"], body["new"]) == (3, 2, 1, 2)
    assert body["kind"] == "returnee_registration" and body["file"] == "list.csv"
    [row] = body["quarantined_rows"]
    assert row["row_number"] == 4 and row["raw"]["full_name"] == "Bad Date Person"
    assert set(row["field"].split(", ")) == {"sex", "event_date"} and row["reason"]
    with app.state.engine.connect() as conn:
        source = conn.execute(
            select(Source.kind, Source.sharing, Source.organisation_id).where(Source.name == "api-upload")
        ).one()
    assert (source.kind, source.sharing) == ("returnee_registration", "private") and source.organisation_id
    assert _audits(app, "records.import", target_id="api-upload")[-1].detail["stored"] == 2
    again = _upload(api(app, tokens["admin"]), "api-upload").json()  # same organisation, same file
    assert (again["new"], again["unchanged"], again["kind"]) == (0, 2, "returnee_registration")


def test_an_api_import_with_a_mapping_file(app, tokens):
    data = "رقم,الاسم الثلاثي,النوع\n7,خالد عمر الأحمد,1\n".encode()
    mapping = '[columns]\n"رقم" = "record_id"\n"الاسم الثلاثي" = "full_name"\n"النوع" = "sex"\n'
    mapping += '[values.sex]\n"1" = "M"\n[options]\nkind = "detention_register"\n'
    response = _upload(api(app, tokens["admin"]), "api-mapped", data=data, mapping=mapping.encode())
    assert response.status_code == 201, response.text
    assert (response.json()["stored"], response.json()["kind"]) == (1, "detention_register")


def test_an_unreadable_file_or_mapping_gets_the_422_body_naming_the_file(app, tokens):
    client = api(app, tokens["admin"])
    bad = _upload(client, "api-bad", data=b"\x00\x01\x02binary\xff\xfe" * 50, name="photo.csv")
    assert bad.status_code == 422
    [item] = bad.json()["detail"]
    assert item["loc"] == ["body", "file"] and item["msg"].startswith("photo.csv:")
    bad_mapping = _upload(client, "api-bad", mapping=b"this is = not [ toml")
    assert bad_mapping.status_code == 422 and bad_mapping.json()["detail"][0]["loc"] == ["body", "mapping"]
    with app.state.engine.connect() as conn:
        assert conn.execute(select(Source.id).where(Source.name == "api-bad")).first() is None


def test_nobody_imports_into_another_organisations_source_through_the_api(app):
    beta = api(app, create_token(app.state.engine, "Beta", "investigator"))
    assert _upload(beta, "families").status_code == 403
    assert _upload(beta, "   ").status_code == 422
