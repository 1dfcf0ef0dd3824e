"""A small linked store of synthetic people, two organisations, one user and one API token per role in each.

On SQLite always; a module that sets `ON_POSTGRES = True` also runs every test against the same store
built on the throwaway PostgreSQL server (tests/postgres_server.py), marked `postgres`. Each module
gets a database of its own, copied from a template that is imported and linked once per session.
"""

from __future__ import annotations

import re
import shutil
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text, update

from athar.accounts.organisations import ensure_organisation
from athar.accounts.permissions import ROLES
from athar.accounts.tokens import create_token
from athar.accounts.users import create_user
from athar.demo import import_synthetic_lists
from athar.linkage.run import LinkOptions, link
from athar.protect import DataKey
from athar.store import open_store
from athar.store.tables import Source
from athar.synth import generate
from athar.web import WebSettings, create_app
from athar.web.sessions import COOKIE, start_session
from tests.conftest import built_once, template_database

PASSWORD = "correct horse battery staple"
BASE_URL = "https://testserver"
# Alpha owns families (private); Beta owns detention (private) and returnees (shared); morgue has no owner.
OWNERSHIP = {
    "families": ("Alpha", "private"),
    "detention": ("Beta", "private"),
    "returnees": ("Beta", "shared"),
}


def _populate(engine, folder) -> None:
    """Import and link the synthetic lists; give the lists owners and sharing; one user per role."""
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
        create_user(engine, f"{role}-beta", role, "Beta", PASSWORD)


@pytest.fixture(scope="session")
def web_lists(tmp_path_factory):
    """The synthetic lists (generated once per run, shared by the workers: read them, never change them)."""
    return built_once(tmp_path_factory, "web-lists", lambda folder: generate(folder, persons=300, seed=11))


@pytest.fixture(scope="session")
def linked_store(web_lists, tmp_path_factory):
    """The linked SQLite store, built once per run for all workers: copy it before changing anything."""

    def build(folder):
        engine = open_store(str(folder / "athar.db"))
        _populate(engine, web_lists)
        engine.dispose()

    return built_once(tmp_path_factory, "web-store", build) / "athar.db"


@pytest.fixture(scope="session")
def linked_postgres(postgres, web_lists):
    """The name of a PostgreSQL database holding the same linked store: a template for each module's."""
    yield from template_database(postgres, "athar_web", lambda engine: _populate(engine, web_lists))


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and getattr(metafunc.module, "ON_POSTGRES", False):
        metafunc.parametrize(
            "backend",
            ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
            indirect=True,
            scope="module",
        )


@pytest.fixture(scope="module")
def backend(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="module")
def app(backend, request, tmp_path_factory):
    """The app over a copy of the store of its own, with production settings (Secure cookies)."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("web-app") / "athar.db"
        shutil.copy(request.getfixturevalue("linked_store"), path)
        application = create_app(str(path), WebSettings())
        yield application
        application.state.engine.dispose()
        return
    template = request.getfixturevalue("linked_postgres")
    server = request.getfixturevalue("postgres")
    name = f"athar_app_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    with pytest.MonkeyPatch.context() as patch:  # a server store has no key file beside it
        patch.setenv("ATHAR_DATA_KEY", DataKey.generate().as_text())
        application = create_app(server.url(name), WebSettings())
        yield application
        application.state.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def tokens(app) -> dict[str, str]:
    """One live API token per role, for Alpha."""
    return {role: create_token(app.state.engine, "Alpha", role) for role in ROLES}


@pytest.fixture(scope="module")
def beta_tokens(app) -> dict[str, str]:
    """One live API token per role, for Beta (the other organisation of the permission walk)."""
    return {role: create_token(app.state.engine, "Beta", role) for role in ROLES}


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


# What a page holds that is random hex, drawn afresh for each page: its forms' CSRF token and a
# family's case reference. A check that a person's values (a birth year, "1984") appear nowhere on
# a page reads the page without them, or it fails now and then on a token that holds those digits.
_RANDOM_TOKENS = re.compile(r'(name="csrf_token" value="|id="case-reference">)[-A-Za-z0-9]+')


def without_random_tokens(html: str) -> str:
    return _RANDOM_TOKENS.sub(r"\1", html)


def person_ref(app, person_id: str, organisation: str = "Alpha") -> str:
    """The reference an organisation's users are shown for a person, and give in its URLs
    (`athar.web.person_refs`): what a test puts in a path in place of the internal id."""
    from sqlalchemy import select

    from athar.cases import store_cipher
    from athar.cases.references import PERSON_REFERENCE_LABEL, person_reference
    from athar.store.tables import Organisation

    with app.state.engine.connect() as conn:
        org_id = conn.execute(select(Organisation.id).where(Organisation.name == organisation)).scalar_one()
    return person_reference(person_id, org_id, store_cipher(app.state.engine).derive(PERSON_REFERENCE_LABEL))
