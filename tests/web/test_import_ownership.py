"""Who writes into which list (issue 14, item 2): a list that belongs to no organisation takes imports
from admins only, and an import changes an existing list's kind only when an admin asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from athar.ingest import KindChangeRefused, import_file
from athar.store.tables import Record, Source
from tests.web.conftest import BASE_URL, client_for, csrf

CSV = b"record_id,full_name\n1,Nabil Fares Haddad\n2,Rana Samir Khoury\n"
CHANGED = b"record_id,full_name\n1,Nabil Fares Haddad\n2,Rana Samir Khoury Changed\n"


def api(app, token: str) -> TestClient:
    return TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {token}"})


def _upload(client, source, data=CSV, kind=None, mapping=None):
    files = {"file": ("list.csv", data, "text/csv")}
    if mapping is not None:
        files["mapping"] = ("mapping.toml", mapping, "application/toml")
    form = {"source": source, **({"kind": kind} if kind else {})}
    return client.post("/api/v1/imports", data=form, files=files)


@pytest.fixture(scope="module")
def ownerless(app, tmp_path_factory) -> str:
    """A list imported from the command line: it belongs to no organisation."""
    path: Path = tmp_path_factory.mktemp("ownerless") / "common.csv"
    path.write_bytes(CSV)
    import_file(app.state.engine, path, "common-register", kind="detention_register")
    return "common-register"


def _source(app, name):
    with app.state.engine.connect() as conn:
        source = conn.execute(select(Source.id, Source.kind).where(Source.name == name)).one()
        versions = conn.execute(select(func.count()).where(Record.source_id == source.id)).scalar_one()
    return source.kind, versions


def test_only_an_admin_imports_into_a_list_of_no_organisation(app, tokens, beta_tokens, ownerless):
    before = _source(app, ownerless)
    for role in ("investigator",):
        for token in (tokens[role], beta_tokens[role]):
            response = _upload(api(app, token), ownerless, data=CHANGED, kind="other")
            assert response.status_code == 403, response.text
    client = client_for(app, "investigator-beta")
    preview = client.post(
        "/import/preview",
        data={"source": ownerless, "csrf_token": csrf(client, "/import")},
        files={"file": ("list.csv", CHANGED, "text/csv")},
    )
    assert preview.status_code == 403
    assert _source(app, ownerless) == before  # no new version, the kind unchanged
    done = _upload(api(app, tokens["admin"]), ownerless, data=CHANGED)
    assert done.status_code == 201 and done.json()["new_versions"] == 1


def test_an_import_by_anyone_but_an_admin_never_changes_an_existing_lists_kind(app, tokens):
    investigator = api(app, tokens["investigator"])
    assert _upload(investigator, "alpha-kinds", kind="family_report").status_code == 201
    refused = _upload(investigator, "alpha-kinds", data=CHANGED, kind="hospital_or_morgue")
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    by_mapping = _upload(investigator, "alpha-kinds", data=CHANGED, mapping=b'[options]\nkind = "other"\n')
    assert by_mapping.status_code == 403
    assert _source(app, "alpha-kinds") == ("family_report", 2)  # nothing written
    same_kind = _upload(investigator, "alpha-kinds", data=CHANGED, kind="family_report")
    assert same_kind.status_code == 201
    by_admin = _upload(api(app, tokens["admin"]), "alpha-kinds", data=CSV, kind="hospital_or_morgue")
    assert by_admin.status_code == 201 and _source(app, "alpha-kinds")[0] == "hospital_or_morgue"


def test_the_import_page_refuses_a_kind_change_by_an_investigator(app):
    client = client_for(app, "investigator-alpha")
    token = csrf(client, "/import")

    def run(source, kind):
        preview = client.post(
            "/import/preview",
            data={"source": source, "kind": kind, "csrf_token": token},
            files={"file": ("list.csv", CSV, "text/csv")},
        )
        upload = preview.text.split('name="token" value="')[1].split('"')[0]
        return client.post(
            "/import", data={"token": upload, "source": source, "kind": kind, "csrf_token": token}
        )

    assert run("alpha-page-kinds", "family_report").status_code == 200
    refused = run("alpha-page-kinds", "returnee_registration")
    assert refused.status_code == 403 and 'id="import-error"' in refused.text
    assert _source(app, "alpha-page-kinds")[0] == "family_report"


def test_the_importer_refuses_a_kind_change_it_is_not_allowed(app, tmp_path):
    path = tmp_path / "l.csv"
    path.write_bytes(CSV)
    import_file(app.state.engine, path, "core-kinds", kind="family_report")
    with pytest.raises(KindChangeRefused):
        import_file(app.state.engine, path, "core-kinds", kind="other", may_change_kind=False)
    import_file(app.state.engine, path, "core-kinds", kind="other")  # the operator (`athar import --kind`)
    assert _source(app, "core-kinds")[0] == "other"
