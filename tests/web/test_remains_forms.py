"""The remains forms on SQLite and PostgreSQL, as their own organisation (Alpha), as another (Beta) and
in the reader's language: adding a site, importing a post-mortem file and recording one body into it,
a chain-of-custody step, and joining and splitting commingled remains. Each form's happy path, its
refusals (the field named, nothing stored) and the other organisation's 404."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from athar.store.tables import (
    AuditEntry,
    CustodyEvent,
    Import,
    Quarantine,
    RemainsCase,
    RemainsCaseEvent,
    Site,
)
from tests.web.conftest import client_for, csrf
from tests.web.remains_site import add_alpha_site

ON_POSTGRES = True
BODIES_CSV = (
    b"case_id,recovery_date,sex,age_min,age_max,stature_min_cm,stature_max_cm,dental\n"
    b"W-1,2014-05-01,M,25,35,165,175,16F 36M\n"
    b"W-2,2014-05-01,F,30,40,,,none\n"
    b"W-3,2014-05-02,M,40,30,,,\n"
    b"W-4,2014-05-02,U,,,,,19Q\n"
)


@pytest.fixture(scope="module")
def grave(app, tmp_path_factory) -> dict:
    """Alpha's private site with four bodies (the first with a part joined to it), and a second site of
    Alpha's to import into."""
    site_id, bodies = add_alpha_site(app.state.engine, tmp_path_factory.mktemp("forms"))
    second, _ = add_alpha_site(app.state.engine, tmp_path_factory.mktemp("forms2"), bodies=1, name="Well B")
    return {"site": site_id, "bodies": bodies, "second": second}


def _count(app, table, *where) -> int:
    with app.state.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def _post(client, path: str, files: dict | None = None, **form):
    return client.post(path, data={**form, "csrf_token": csrf(client)}, files=files, follow_redirects=False)


def _case_id(app, remains_id: int) -> str:
    with app.state.engine.connect() as conn:
        return conn.execute(select(RemainsCase.case_id).where(RemainsCase.id == remains_id)).scalar_one()


# -- sites -------------------------------------------------------------------------------------------------


def test_an_investigator_adds_a_site_that_only_their_organisation_sees(app):
    alpha = client_for(app, "investigator-alpha")
    assert 'href="/sites/new"' in alpha.get("/sites?lang=en").text
    form = {"name": "  Grave  of Tadamon ", "kind": "mass_grave", "place": "Homs", "lat": "34.73"}
    response = _post(alpha, "/sites", **form, lon="٣٦٫٧١", used_from="2012", used_to="٢٠١٣")
    assert response.status_code == 303
    site_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = alpha.get(f"/sites/{site_id}?lang=en").text
    assert "Grave of Tadamon" in page and "2012–2013" in page and "36.71" in page
    with app.state.engine.connect() as conn:
        actions = conn.execute(
            select(AuditEntry.action, AuditEntry.client).where(AuditEntry.target_id == str(site_id))
        ).all()
    assert ("site.added", "testclient") in actions
    beta = client_for(app, "investigator-beta")
    assert beta.get(f"/sites/{site_id}").status_code == 404
    assert "Grave of Tadamon" not in beta.get("/sites").text


@pytest.mark.parametrize(
    ("form", "field", "error"),
    [
        ({"name": " ", "kind": "cemetery"}, "name", "missing"),
        ({"name": "Grave of Alpha", "kind": "cemetery"}, "name", "taken"),
        ({"name": "New grave", "kind": "garden"}, "kind", "kind"),
        ({"name": "New grave", "kind": "cemetery", "lat": "north"}, "lat", "number"),
        ({"name": "New grave", "kind": "cemetery", "lon": "200"}, "lon", "coordinates"),
        (
            {"name": "New grave", "kind": "cemetery", "used_from": "2016", "used_to": "2011"},
            "used_to",
            "backwards",
        ),
        ({"name": "New grave", "kind": "cemetery", "used_from": "1850"}, "used_from", "year"),
    ],
)
def test_a_bad_site_is_refused_naming_the_field_and_nothing_is_stored(app, grave, form, field, error):
    client = client_for(app, "investigator-alpha")
    before = _count(app, Site)
    response = _post(client, "/sites?lang=en", **form)
    assert response.status_code == 422
    assert f'data-error="{error}" data-field="{field}"' in response.text
    assert _count(app, Site) == before
    assert f'value="{form["name"].strip()}"' in response.text or not form["name"].strip()


def test_a_refusal_speaks_arabic_to_an_arabic_reader(app):
    client = client_for(app, "investigator-alpha")
    response = _post(
        client, "/sites?lang=ar", name="مقبرة", kind="cemetery", used_from="2016", used_to="2011"
    )
    assert response.status_code == 422
    assert "مستخدم حتى (السنة)" in response.text and "سنة الاستخدام الأخيرة تسبق الأولى" in response.text


# -- post-mortem files and one body ------------------------------------------------------------------------


def test_a_post_mortem_file_is_imported_with_each_quarantined_row_and_its_reason(app, grave):
    client = client_for(app, "investigator-alpha")
    site = grave["second"]
    assert 'id="add-bodies"' in client.get(f"/sites/{site}?lang=en").text
    files = {"file": ("bodies.csv", BODIES_CSV, "text/csv")}
    response = _post(client, f"/sites/{site}/import?lang=en", files=files)
    assert response.status_code == 200, response.text
    counts = {
        k: re.search(rf'id="count-{k}">(\d+)<', response.text).group(1)
        for k in ("read", "stored", "quarantined")
    }
    assert counts == {"read": "4", "stored": "2", "quarantined": "2"}
    assert re.search(
        r'<tr data-row="4" data-field="age_min, age_max">.*impossible range: 40 &gt; 30', response.text
    )
    assert re.search(r'<tr data-row="5" data-field="dental">', response.text)
    with app.state.engine.connect() as conn:
        stored = set(conn.execute(select(RemainsCase.case_id).where(RemainsCase.site_id == site)).scalars())
        import_id = conn.execute(select(func.max(Import.id))).scalar_one()
    assert 'id="imported-file">bodies.csv<' in response.text and "athar-uploads" not in response.text
    assert {"W-1", "W-2"} <= stored
    assert _count(app, Quarantine, Quarantine.import_id == import_id) == 2
    again = _post(client, f"/sites/{site}/import?lang=en", files=files)
    assert re.search(r'id="count-stored">2<', again.text) and "Unchanged: 2" in again.text


def test_a_case_of_another_site_is_quarantined_not_overwritten(app, grave):
    client = client_for(app, "investigator-alpha")
    taken = _case_id(app, grave["bodies"][2])
    data = f"case_id,sex,age_min,age_max\n{taken},F,1,2\n".encode()
    response = _post(
        client, f"/sites/{grave['second']}/import?lang=en", files={"file": ("x.csv", data, "text/csv")}
    )
    assert response.status_code == 200
    assert "exists already at another site" in response.text
    with app.state.engine.connect() as conn:
        case = conn.execute(select(RemainsCase).where(RemainsCase.case_id == taken)).one()
    assert case.site_id == grave["site"] and case.version == 1 and case.age_max != 2


def test_a_file_that_is_not_a_table_gets_a_one_line_error(app, grave):
    client = client_for(app, "investigator-alpha")
    before = _count(app, Import)
    junk = {"file": ("bodies.xlsx", b"PK\x03\x04 not really a workbook" * 10, "application/octet-stream")}
    response = _post(client, f"/sites/{grave['second']}/import?lang=en", files=junk)
    assert response.status_code == 422
    message = re.search(r'data-error="file">.*?<bdi dir="ltr">(.*?)</bdi>', response.text, re.S).group(1)
    assert message.startswith("bodies.xlsx: ") and "athar-uploads" not in message
    assert _count(app, Import) == before
    assert _post(client, f"/sites/{grave['second']}/import").status_code == 422  # no file at all


def test_one_body_is_recorded_through_the_importers_validation(app, grave):
    client = client_for(app, "investigator-alpha")
    site = grave["second"]
    body = {
        "case_id": "F-١",
        "sex": "F",
        "age_min": "20",
        "age_max": "30",
        "dental": "16F",
        "clothing": "red shirt",
    }
    response = _post(client, f"/sites/{site}/bodies", **body)
    assert response.status_code == 303
    page = client.get(response.headers["location"] + "?lang=en").text
    assert "F-1" in page and "red shirt" in page and 'data-action="recovered"' in page


def test_a_bad_body_is_refused_whole_with_every_field_named(app, grave):
    client = client_for(app, "investigator-alpha")
    before = (_count(app, RemainsCase), _count(app, Quarantine), _count(app, Import))
    body = {"case_id": "F-2", "age_min": "50", "age_max": "20", "dental": "19Q", "notes": "kept as typed"}
    response = _post(client, f"/sites/{grave['second']}/bodies?lang=ar", **body)
    assert response.status_code == 422
    errors = re.search(r'id="entry-errors">(.*?)</div>', response.text, re.S).group(1)
    assert 'data-field="age_min,age_max"' in errors and 'data-field="dental"' in errors
    assert "أصغر عمر عند الوفاة" in errors and "لم يُحفظ شيء" in errors
    assert "kept as typed" in response.text
    taken = _post(
        client, f"/sites/{grave['second']}/bodies?lang=en", case_id=_case_id(app, grave["bodies"][1])
    )
    assert taken.status_code == 422 and 'data-field="case_id"' in taken.text
    assert (_count(app, RemainsCase), _count(app, Quarantine), _count(app, Import)) == before


def test_only_the_sites_organisation_adds_bodies_to_it(app, grave):
    from athar.remains.sites import add_site

    common = add_site(app.state.engine, "Cemetery of all", "cemetery", "test")  # of no organisation
    files = {"file": ("bodies.csv", BODIES_CSV, "text/csv")}
    before = _count(app, RemainsCase)
    investigator = client_for(app, "investigator-alpha")
    assert investigator.get(f"/sites/{common.id}/import").status_code == 403
    assert _post(investigator, f"/sites/{common.id}/import", files=files).status_code == 403
    assert (
        _post(client_for(app, "admin-alpha"), f"/sites/{common.id}/bodies", case_id="A-9").status_code == 303
    )
    for who in ("investigator-beta", "admin-beta"):
        beta = client_for(app, who)
        assert beta.get(f"/sites/{grave['site']}/import").status_code == 404
        assert _post(beta, f"/sites/{grave['site']}/import", files=files).status_code == 404
        assert _post(beta, f"/sites/{grave['site']}/bodies", case_id="B-1").status_code == 404
    assert _count(app, RemainsCase) == before + 1


# -- custody, join and split -------------------------------------------------------------------------------


def test_a_custody_step_is_appended_and_audited(app, grave):
    body = grave["bodies"][0]
    client = client_for(app, "caseworker-alpha")
    step = {"action": "transferred", "holder": "Homs forensic lab", "at": "2024-03-01T14:30"}
    response = _post(
        client, f"/remains/{body}/custody", **step, location="Homs", note="seal 4471", held="sample"
    )
    assert response.status_code == 303
    page = client.get(f"/remains/{body}?lang=en").text
    row = re.search(r'<tr data-action="transferred">(.*?)</tr>', page).group(1)
    assert "2024-03-01 14:30" in row and "Homs forensic lab" in row and "seal 4471" in row
    with app.state.engine.connect() as conn:
        event = conn.execute(select(CustodyEvent).where(CustodyEvent.note == "seal 4471")).one()
        audited = conn.execute(
            select(AuditEntry.target_type).where(AuditEntry.action == "remains.custody")
        ).scalars()
        assert event.remains_case_id is None and event.sample_id and "sample" in set(audited)


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"action": "stored", "holder": "  "}, "holder"),
        ({"action": "lost", "holder": "Lab"}, "action"),
        ({"action": "stored", "holder": "Lab", "at": "2999-01-01T00:00"}, "at"),
        ({"action": "stored", "holder": "Lab", "at": "yesterday"}, "at"),
    ],
)
def test_a_bad_custody_step_is_refused_naming_the_field(app, grave, form, error):
    client = client_for(app, "caseworker-alpha")
    before = _count(app, CustodyEvent)
    response = _post(client, f"/remains/{grave['bodies'][1]}/custody?lang=en", **form)
    assert response.status_code == 422
    assert f'id="custody-error" data-error="{error}"' in response.text
    assert _count(app, CustodyEvent) == before


def test_remains_are_joined_and_split_with_a_reason(app, grave):
    part, whole = grave["bodies"][3], grave["bodies"][2]
    client = client_for(app, "investigator-alpha")
    assert (
        _post(client, f"/remains/{part}/join?lang=en", whole=_case_id(app, whole), reason=" ").status_code
        == 422
    )
    joined = _post(
        client, f"/remains/{part}/join", whole=_case_id(app, whole), reason="matching fracture ends"
    )
    assert joined.status_code == 303
    page = client.get(f"/remains/{part}?lang=en").text
    assert 'id="split-form"' in page and "matching fracture ends" in page
    cycle = _post(client, f"/remains/{whole}/join?lang=en", whole=_case_id(app, part), reason="the other way")
    assert cycle.status_code == 422 and 'data-error="cycle"' in cycle.text
    assert _post(client, f"/remains/{part}/split", reason="DNA says two people").status_code == 303
    again = _post(client, f"/remains/{part}/split?lang=en", reason="again")
    assert again.status_code == 422 and 'data-error="not_joined"' in again.text
    with app.state.engine.connect() as conn:
        kinds = conn.execute(
            select(RemainsCaseEvent.kind)
            .where(RemainsCaseEvent.remains_case_id == part)
            .order_by(RemainsCaseEvent.id)
        ).scalars()
        assert list(kinds) == ["joined", "split"]


def test_a_whole_case_of_another_organisation_is_no_case_at_all(app, grave, tmp_path_factory):
    from athar.accounts.organisations import ensure_organisation
    from athar.remains.sites import add_site

    with app.state.engine.begin() as conn:
        beta = ensure_organisation(conn, "Beta")
    site = add_site(app.state.engine, "Beta's morgue", "morgue", "test", organisation_id=beta)
    assert (
        _post(client_for(app, "admin-beta"), f"/sites/{site.id}/bodies", case_id="BETA-1").status_code == 303
    )
    client = client_for(app, "investigator-alpha")
    before = _count(app, RemainsCaseEvent)
    for whole in ("BETA-1", "NO-SUCH-CASE"):
        response = _post(client, f"/remains/{grave['bodies'][1]}/join?lang=en", whole=whole, reason="r")
        assert response.status_code == 422 and 'data-error="case"' in response.text
    assert _count(app, RemainsCaseEvent) == before


def test_another_organisation_gets_the_404_of_a_body_that_does_not_exist(app, grave):
    body = grave["bodies"][1]
    before = (_count(app, CustodyEvent), _count(app, RemainsCaseEvent))
    for who in ("caseworker-beta", "investigator-beta", "admin-beta"):
        beta = client_for(app, who)
        for path, form in (
            ("custody", {"action": "stored", "holder": "Beta"}),
            ("join", {"whole": _case_id(app, grave["bodies"][0]), "reason": "r"}),
            ("split", {"reason": "r"}),
        ):
            assert _post(beta, f"/remains/{body}/{path}", **form).status_code == 404
            assert _post(beta, f"/remains/999999/{path}", **form).status_code == 404
    assert (_count(app, CustodyEvent), _count(app, RemainsCaseEvent)) == before
    reviewer = client_for(app, "reviewer-alpha")
    assert _post(reviewer, f"/remains/{body}/custody", action="stored", holder="x").status_code == 403
