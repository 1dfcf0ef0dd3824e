"""Audit: person views and changes are logged; admins browse and export the log."""

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import select

from athar.store.tables import AuditEntry, Membership, Source
from tests.web.conftest import BASE_URL, client_for, login, person_ref

ON_POSTGRES = True  # every test here also runs on PostgreSQL (tests/web/conftest.py)


def _person(app) -> str:
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(Membership.person_id).join(Source).where(Source.name == "families").limit(1)
        ).scalar_one()


def _last(app, action: str):
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
        ).first()


def test_viewing_a_person_page_writes_who_what_when_and_from_where(app):
    person = _person(app)
    page = client_for(app, "caseworker-alpha").get(f"/persons/{person_ref(app, person)}")
    assert page.status_code == 200 and person_ref(app, person) in page.text and person not in page.text
    entry = _last(app, "person.view")
    assert (entry.user_name, entry.target_type, entry.target_id) == ("caseworker-alpha", "person", person)
    assert entry.client == "testclient" and entry.at is not None


def test_an_unknown_person_is_not_found_and_not_logged_as_a_view(app):
    before = _last(app, "person.view")
    assert client_for(app, "caseworker-alpha").get("/persons/P-does-not-exist").status_code == 404
    assert client_for(app, "caseworker-alpha").get("/persons/C-22222-22222").status_code == 404
    assert _last(app, "person.view") == before


def test_viewing_a_review_pair_is_audited(app):
    client_for(app, "reviewer-alpha").get("/review")
    entry = _last(app, "review.view")
    assert entry.user_name == "reviewer-alpha" and "|" in entry.target_id


def test_sign_ins_and_failures_are_audited(anonymous, app):
    login(anonymous, "caseworker-alpha", "wrong")
    assert _last(app, "login.failed").target_id == "caseworker-alpha"
    login(anonymous, "caseworker-alpha")
    assert _last(app, "login").user_name == "caseworker-alpha"


def test_an_admin_browses_and_exports_the_log_and_the_export_is_itself_audited(app):
    assert login(TestClient(app, base_url=BASE_URL), "admin-alpha").status_code == 303  # a sign-in to export
    admin = client_for(app, "admin-alpha")
    client_for(app, "caseworker-alpha").get(f"/persons/{person_ref(app, _person(app))}")
    page = admin.get("/audit?action=person.view")
    assert page.status_code == 200 and "caseworker-alpha" in page.text
    export = admin.get("/audit/export.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert {"person.view", "login"} <= {r["action"] for r in rows}
    assert _last(app, "audit.export").user_name == "admin-alpha"


def test_a_records_export_holds_only_visible_sources_and_is_audited(app):
    export = client_for(app, "investigator-alpha").get("/export/records.csv")
    assert export.content.startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads UTF-8
    sources = {r["source"] for r in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))}
    assert sources == {"families", "returnees", "morgue"}
    assert _last(app, "records.export").user_name == "investigator-alpha"
