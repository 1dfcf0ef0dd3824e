"""A small linked store of synthetic people, two organisations, one user and one API token per role."""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from athar.demo import import_synthetic_lists
from athar.linkage.run import LinkOptions, link
from athar.store import open_store
from athar.store.tables import Source
from athar.synth import generate
from athar.web import WebSettings, create_app
from athar.web.auth import create_user
from athar.web.permissions import ROLES
from athar.web.sessions import COOKIE, start_session
from athar.web.tokens import create_token, ensure_organisation

PASSWORD = "correct horse battery staple"
BASE_URL = "https://testserver"
# Alpha owns families (private); Beta owns detention (private) and returnees (shared); morgue has no owner.
OWNERSHIP = {
    "families": ("Alpha", "private"),
    "detention": ("Beta", "private"),
    "returnees": ("Beta", "shared"),
}


@pytest.fixture(scope="session")
def linked_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web-lists")
    generate(folder, persons=300, seed=11)
    path = tmp_path_factory.mktemp("web-store") / "athar.db"
    engine = open_store(str(path))
    import_synthetic_lists(engine, folder)
    link(engine, LinkOptions(user="test"))
    with engine.begin() as conn:
        for source, (org, sharing) in OWNERSHIP.items():
            org_id = ensure_organisation(conn, org)
            conn.execute(
                update(Source).where(Source.name == source).values(organisation_id=org_id, sharing=sharing)
            )
    for role in ROLES:
        create_user(engine, f"{role}-alpha", role, "Alpha", PASSWORD)
    create_user(engine, "investigator-beta", "investigator", "Beta", PASSWORD)
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def app(linked_store, tmp_path_factory):
    """The app over a copy of the store of its own, with production settings (Secure cookies)."""
    path = tmp_path_factory.mktemp("web-app") / "athar.db"
    shutil.copy(linked_store, path)
    application = create_app(str(path), WebSettings())
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def tokens(app) -> dict[str, str]:
    """One live API token per role, for Alpha."""
    return {role: create_token(app.state.engine, "Alpha", role) for role in ROLES}


@pytest.fixture
def anonymous(app) -> TestClient:
    return TestClient(app, base_url=BASE_URL)


def client_for(app, user_name: str) -> TestClient:
    """A client signed in as `user_name` (session started directly: no password hashing per test)."""
    from sqlalchemy import select

    from athar.store.tables import User

    with app.state.engine.connect() as conn:
        user_id = conn.execute(select(User.id).where(User.name == user_name)).scalar_one()
    token = start_session(app.state.engine, user_id, "testclient", app.state.settings)
    client = TestClient(app, base_url=BASE_URL)
    client.cookies.set(app.state.settings.cookie_prefix + COOKIE, token)
    return client


def csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token the pages give this client (from the meta tag every page carries)."""
    page = client.get(path)
    return re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text).group(1)


def login(client: TestClient, name: str, password: str = PASSWORD, totp: str | None = None):
    data = {"name": name, "password": password, "csrf_token": csrf(client, "/login")}
    if totp is not None:
        data["totp"] = totp
    return client.post("/login", data=data, follow_redirects=False)
