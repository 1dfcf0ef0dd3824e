"""Administration: users (add, role, disable, lockout), organisations, and each source's sharing and kind.

Every change must be audited, need the CSRF token, and take effect at once.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from athar.accounts import authenticate, create_user
from athar.store.tables import AuditEntry, Membership, Organisation, Source, User
from tests.web.conftest import BASE_URL, PASSWORD, client_for, csrf, login, person_ref

ON_POSTGRES = True  # every test here also runs on PostgreSQL (tests/web/conftest.py)


def _post(client, path, data=None, page="/admin/users"):
    return client.post(path, data={**(data or {}), "csrf_token": csrf(client, page)}, follow_redirects=False)


def _user(app, name):
    with app.state.engine.connect() as conn:
        return conn.execute(select(User).where(User.name == name)).first()


def _audits(app, action):
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(*AuditEntry.__table__.columns).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).all()


@pytest.fixture
def member(app, request):
    """A fresh caseworker of Alpha for this test, signed in."""
    name = f"member-{request.node.name[-40:]}"
    create_user(app.state.engine, name, "caseworker", "Alpha", PASSWORD)
    return name


def test_the_users_page_lists_accounts_with_role_and_organisation_in_both_languages(app):
    admin = client_for(app, "admin-alpha")
    page = admin.get("/admin/users?lang=en")
    assert page.status_code == 200 and "Add a user" in page.text
    rows = dict(re.findall(r'<tr data-user="([^"]+)" data-role="([a-z]+)"', page.text))
    assert rows["investigator-beta"] == "investigator" and rows["reviewer-alpha"] == "reviewer"
    assert "<bdi>Beta</bdi>" in page.text
    arabic = admin.get("/admin/users?lang=ar").text
    assert "إضافة مستخدم" in arabic and "مراجع" in arabic


def test_an_admin_adds_a_user_whose_password_is_shown_once_and_works(app):
    admin = client_for(app, "admin-alpha")
    response = _post(admin, "/admin/users", {"name": "nour", "role": "reviewer", "organisation": "Beta"})
    assert response.status_code == 200
    password = re.search(r'id="new-password">([^<]+)<', response.text).group(1)
    user = _user(app, "nour")
    assert user.role == "reviewer" and password not in (user.password_hash or "")
    assert 'id="new-password"' not in admin.get("/admin/users").text
    entry = _audits(app, "user.add")[-1]
    assert (entry.user_name, entry.target_id, entry.detail["role"]) == ("admin-alpha", "nour", "reviewer")
    assert password not in repr(entry.detail)
    fresh = TestClient(app, base_url=BASE_URL)
    assert login(fresh, "nour", password).status_code == 303
    assert fresh.get("/review").status_code == 200


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "  ", "role": "reviewer", "organisation": "Alpha"}, "Write the user"),
        ({"name": "x" * 201, "role": "reviewer", "organisation": "Alpha"}, "Write the user"),
        ({"name": "reviewer-alpha", "role": "reviewer", "organisation": "Alpha"}, "exists already"),
        ({"name": "someone", "role": "superuser", "organisation": "Alpha"}, "Choose a role"),
        ({"name": "someone", "role": "reviewer", "organisation": "Nowhere"}, "Choose an organisation"),
    ],
)
def test_a_user_without_a_name_role_or_known_organisation_is_refused(app, data, error):
    admin = client_for(app, "admin-alpha")
    admin.get("/admin/users?lang=en")
    response = _post(admin, "/admin/users", data)
    assert response.status_code == 422 and error in response.text
    with app.state.engine.connect() as conn:
        assert conn.execute(select(Organisation.id).where(Organisation.name == "Nowhere")).first() is None
    assert _user(app, "someone") is None


def test_a_role_change_takes_effect_on_the_users_open_session_and_is_audited(app, member):
    session = client_for(app, member)
    assert session.get("/review").status_code == 403
    admin = client_for(app, "admin-alpha")
    user_id = _user(app, member).id
    assert _post(admin, f"/admin/users/{user_id}/role", {"role": "reviewer"}).status_code == 303
    assert session.get("/review").status_code == 200
    entry = _audits(app, "user.role")[-1]
    assert (entry.target_id, entry.detail) == (
        member,
        {"via": "user", "from": "caseworker", "to": "reviewer"},
    )
    assert _post(admin, f"/admin/users/{user_id}/role", {"role": "emperor"}).status_code == 422
    assert _user(app, member).role == "reviewer"


def test_disabling_a_user_ends_their_sessions_at_once_and_enabling_restores_sign_in(app, member):
    session = client_for(app, member)
    assert session.get("/dashboard").status_code == 200
    admin = client_for(app, "admin-alpha")
    user_id = _user(app, member).id
    assert _post(admin, f"/admin/users/{user_id}/disable").status_code == 303
    moved = session.get("/dashboard", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].startswith("/login")
    assert login(TestClient(app, base_url=BASE_URL), member).status_code == 401
    assert 'data-disabled="yes"' in admin.get("/admin/users").text
    assert _post(admin, f"/admin/users/{user_id}/enable").status_code == 303
    assert login(TestClient(app, base_url=BASE_URL), member).status_code == 303
    assert [e.target_id for e in _audits(app, "user.disable")][-1] == member
    assert [e.target_id for e in _audits(app, "user.enable")][-1] == member


def test_an_admin_cannot_change_their_own_role_or_disable_themselves(app):
    admin = client_for(app, "admin-alpha")
    own = _user(app, "admin-alpha").id
    assert _post(admin, f"/admin/users/{own}/role", {"role": "reviewer"}).status_code == 422
    assert _post(admin, f"/admin/users/{own}/disable").status_code == 422
    me = _user(app, "admin-alpha")
    assert (me.role, me.disabled) == ("admin", False)


def test_clearing_a_lockout_lets_the_user_sign_in_again(app, member):
    settings = app.state.settings
    start = dt.datetime.now(dt.UTC)
    for step in range(settings.signin_free_failures + 4):  # each after the last wait: the last waits 16 s
        authenticate(
            app.state.engine, member, "wrong password", None, settings, start + dt.timedelta(minutes=step)
        )
    assert _user(app, member).locked_until is not None
    assert login(TestClient(app, base_url=BASE_URL), member).status_code == 401  # locked, right password
    admin = client_for(app, "admin-alpha")
    users_page = admin.get("/admin/users").text
    assert re.search(rf'data-user="{re.escape(member)}"[^>]*data-locked="yes"', users_page)
    assert _post(admin, f"/admin/users/{_user(app, member).id}/unlock").status_code == 303
    user = _user(app, member)
    assert (user.failed_logins, user.locked_until) == (0, None)
    assert login(TestClient(app, base_url=BASE_URL), member).status_code == 303
    entry = _audits(app, "user.unlock")[-1]
    assert entry.target_id == member and entry.detail["was_locked"] is True


def test_an_unknown_user_is_not_found(app):
    admin = client_for(app, "admin-alpha")
    assert _post(admin, "/admin/users/999999/disable").status_code == 404


def test_organisations_are_listed_added_once_and_offered_for_new_users(app):
    admin = client_for(app, "admin-alpha")
    page = admin.get("/admin/organisations?lang=en")
    assert page.status_code == 200 and 'data-organisation="Alpha"' in page.text
    added = _post(admin, "/admin/organisations", {"name": " Gamma Relief "}, "/admin/organisations")
    assert added.status_code == 303
    assert 'data-organisation="Gamma Relief"' in admin.get("/admin/organisations").text
    assert '<option value="Gamma Relief"' in admin.get("/admin/users").text
    assert _audits(app, "organisation.add")[-1].target_id == "Gamma Relief"
    again = _post(admin, "/admin/organisations", {"name": "Gamma Relief"}, "/admin/organisations")
    assert again.status_code == 422
    assert _post(admin, "/admin/organisations", {"name": ""}, "/admin/organisations").status_code == 422
    with app.state.engine.connect() as conn:
        names = conn.execute(select(Organisation.name).where(Organisation.name.like("%Gamma%"))).all()
    assert len(names) == 1
    arabic = admin.get("/admin/organisations?lang=ar").text
    assert "إضافة منظمة" in arabic


def _source(app, name):
    with app.state.engine.connect() as conn:
        return conn.execute(select(Source).where(Source.name == name)).first()


def _listed_sources(client) -> set[str]:
    return set(re.findall(r'<tr data-source="([^"]+)"', client.get("/admin/sources").text))


def test_investigators_manage_only_their_own_organisations_sources_and_admins_all(app):
    assert _listed_sources(client_for(app, "investigator-alpha")) == {"families"}
    assert _listed_sources(client_for(app, "investigator-beta")) == {"detention", "returnees"}
    assert {"families", "detention", "returnees", "morgue"} <= _listed_sources(client_for(app, "admin-alpha"))
    for who in ("caseworker-alpha", "reviewer-alpha"):
        assert client_for(app, who).get("/admin/sources").status_code == 403


def _alpha_sees(app, source_name) -> bool:
    """Whether any record of `source_name` is on an Alpha investigator's person page."""
    with app.state.engine.connect() as conn:
        person = conn.execute(
            select(Membership.person_id)
            .join(Source, Source.id == Membership.source_id)
            .where(Source.name == source_name)
            .limit(1)
        ).scalar_one()
    page = client_for(app, "investigator-alpha").get(f"/persons/{person_ref(app, person)}")
    return f"<td>{source_name}</td>" in page.text


def test_the_reporting_organisation_chooses_sharing_and_others_see_accordingly(app):
    beta = client_for(app, "investigator-beta")
    detention = _source(app, "detention")
    assert detention.sharing == "private" and not _alpha_sees(app, "detention")
    changed = _post(
        beta, f"/admin/sources/{detention.id}", {"sharing": "shared", "kind": "detention_register"},
        "/admin/sources",
    )  # fmt: skip
    assert changed.status_code == 303 and _source(app, "detention").sharing == "shared"
    assert _alpha_sees(app, "detention")
    entry = _audits(app, "source.sharing")[-1]
    assert (entry.user_name, entry.target_id) == ("investigator-beta", "detention")
    assert (entry.detail["from"], entry.detail["to"]) == ("private", "shared")
    back = _post(
        beta, f"/admin/sources/{detention.id}", {"sharing": "private", "kind": "detention_register"},
        "/admin/sources",
    )  # fmt: skip
    assert back.status_code == 303 and not _alpha_sees(app, "detention")


def test_another_organisations_source_cannot_be_changed_by_its_non_admin_staff(app):
    alpha = client_for(app, "investigator-alpha")
    detention = _source(app, "detention")
    response = _post(
        alpha, f"/admin/sources/{detention.id}", {"sharing": "shared", "kind": "other"}, "/admin/sources"
    )
    assert response.status_code == 404
    assert (_source(app, "detention").sharing, _source(app, "detention").kind) == (
        "private",
        "detention_register",
    )


def test_an_admin_sets_a_sources_kind_and_a_bad_setting_is_refused(app):
    admin = client_for(app, "admin-alpha")
    morgue = _source(app, "morgue")
    bad = _post(
        admin, f"/admin/sources/{morgue.id}", {"sharing": "public", "kind": "other"}, "/admin/sources"
    )
    assert bad.status_code == 422
    ok = _post(admin, f"/admin/sources/{morgue.id}", {"sharing": "shared", "kind": "other"}, "/admin/sources")
    assert ok.status_code == 303
    assert (_source(app, "morgue").sharing, _source(app, "morgue").kind) == ("shared", "other")
    entry = _audits(app, "source.kind")[-1]
    assert entry.target_id == "morgue" and entry.detail["to"] == "other"
    _post(
        admin, f"/admin/sources/{morgue.id}", {"sharing": "private", "kind": "hospital_or_morgue"},
        "/admin/sources",
    )  # fmt: skip
    assert _source(app, "morgue").kind == "hospital_or_morgue"


def test_every_admin_form_needs_the_csrf_token(app, member):
    admin = client_for(app, "admin-alpha")
    admin.get("/admin/users")
    user_id = _user(app, member).id
    source_id = _source(app, "families").id
    before = _user(app, member)
    for path, data in (
        ("/admin/users", {"name": "csrf-less", "role": "admin", "organisation": "Alpha"}),
        (f"/admin/users/{user_id}/role", {"role": "admin"}),
        (f"/admin/users/{user_id}/disable", {}),
        (f"/admin/users/{user_id}/enable", {}),
        (f"/admin/users/{user_id}/unlock", {}),
        ("/admin/organisations", {"name": "CSRF-less"}),
        (f"/admin/sources/{source_id}", {"sharing": "shared", "kind": "other"}),
    ):
        assert admin.post(path, data=data, follow_redirects=False).status_code == 403, path
    assert _user(app, "csrf-less") is None and _user(app, member).role == before.role
    assert _source(app, "families").sharing == "private"
