"""Shared fixtures: a fresh store on SQLite and, when the machine can run one, on a real PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, text

from athar.accounts import passwords
from athar.store import open_store
from athar.web import dashboard_estimate
from tests import postgres_server

# Cheap argon2id parameters for the tests, as Django's test settings swap in a fast hasher: the
# hashing is the same code and the same format, but the default parameters (64 MiB, 3 passes) made
# every account created and every sign-in cost ~0.1 s, about a minute of the run. The production
# parameters are pinned by tests/web/test_auth.py's test of the hasher the application builds.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
passwords._dummy_hash.cache_clear()  # made again, on first use, with these parameters

# The dashboard's estimate draws the linkage's uncertain pairs in as `athar estimate` does, 20 times
# (~1.5 s of CPU on the web tests' linked store), and remembers it by store, so each web module's
# copy of the store makes it afresh. The tests draw 3 times; tests/web/test_dashboard.py sets the
# command line to the same number where it checks that the dashboard, `athar estimate` and
# `athar report` quote one figure.
DASHBOARD_DRAWS_IN_TESTS = 3
dashboard_estimate.DEFAULT_DRAWS = DASHBOARD_DRAWS_IN_TESTS


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `build(folder)` once per test run, shared by every xdist worker.

    Session fixtures run once per worker, so an expensive one (a linked store) would be built on each
    core. The first worker to get here builds it under a file lock in the run's shared temporary
    folder; the others wait and reuse it. Users copy what they change: the folder is shared.
    """
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # parent: shared by the run
    folder = root / f"built-{name}"
    with open(root / f"built-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not folder.exists():
            partial = root / f"built-{name}.partial"
            partial.mkdir()
            build(partial)
            partial.rename(folder)  # only a complete build ever appears under the final name
    return folder


@pytest.fixture(scope="session")
def postgres() -> Iterator[postgres_server.PostgresServer | None]:
    bindir = postgres_server.find_bindir()
    if bindir is None:
        if os.environ.get("ATHAR_REQUIRE_POSTGRES"):
            pytest.fail("ATHAR_REQUIRE_POSTGRES is set but no PostgreSQL binaries (initdb) were found")
        yield None
        return
    server = postgres_server.start(bindir)
    try:
        yield server
    finally:
        server.stop()


def _wants_a_migrated_store(request: pytest.FixtureRequest) -> bool:
    """Whether the test opens the store through the `store` fixture (which migrates it at once): then
    its database starts as a copy of one migrated once per run, instead of running every migration
    again per test (about 0.3 s on SQLite and 1 s on PostgreSQL each, some 400 tests). A test that
    asks for `store_url` alone (to migrate by hand from an older revision) still gets an empty one."""
    return "store" in request.fixturenames


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store migrated to the newest revision, once per run: copy it, never open it."""

    def build(folder: Path) -> None:
        open_store(f"sqlite:///{folder / 'athar.db'}").dispose()

    return built_once(tmp_path_factory, "migrated-sqlite", build) / "athar.db"


def template_database(
    postgres: postgres_server.PostgresServer | None, prefix: str, fill: Callable[[Engine], None]
) -> Iterator[str]:
    """For a session fixture: the name of a new database on this worker's server, migrated and
    filled by ``fill`` (its engine disposed: a template must have no open connections), dropped at
    the end; each test's database is then created from it."""
    if postgres is None:
        pytest.skip("no PostgreSQL binaries on this machine")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = open_store(postgres.url(name))
    fill(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_postgres(postgres: postgres_server.PostgresServer | None) -> Iterator[str]:
    """The name of a database migrated to the newest revision on this worker's server: a template."""
    yield from template_database(postgres, "athar_migrated", lambda _engine: None)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty store: a SQLite file, or a new database on the throwaway PostgreSQL server
    (already migrated when the test takes the `store` fixture too, which would migrate it at once)."""
    migrated = _wants_a_migrated_store(request)
    if request.param == "sqlite":
        if migrated:
            shutil.copy(request.getfixturevalue("migrated_sqlite"), tmp_path / "athar.db")
        yield f"sqlite:///{tmp_path / 'athar.db'}"
        return
    server = request.getfixturevalue("postgres")
    if server is None:
        pytest.skip("no PostgreSQL binaries on this machine")
    template = f' TEMPLATE "{request.getfixturevalue("migrated_postgres")}"' if migrated else ""
    name = f"athar_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
    try:
        yield server.url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    try:
        yield engine
    finally:
        engine.dispose()
