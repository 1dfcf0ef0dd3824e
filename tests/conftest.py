"""Shared fixtures: a fresh store on SQLite and, when the machine can run one, on a real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from athar.store import open_store
from tests import postgres_server


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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty store: a SQLite file, or a new database on the throwaway PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'athar.db'}"
        return
    server = request.getfixturevalue("postgres")
    if server is None:
        pytest.skip("no PostgreSQL binaries on this machine")
    name = f"athar_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
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
