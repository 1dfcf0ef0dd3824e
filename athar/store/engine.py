"""Opening the store: engine, connection settings and schema migration to the newest revision."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError

from athar.config import database_url
from athar.errors import AtharError, ConfigurationError

MIGRATIONS = Path(__file__).parent / "migrations"

# How long a SQLite connection waits for another's write to finish before giving up with "database is
# locked" (ATHAR_SQLITE_BUSY_TIMEOUT, seconds). Bounded, so that a request never hangs for good behind
# a long import; the caller turns the give-up into a clear error (`StoreBusy`).
DEFAULT_BUSY_TIMEOUT_S = 10.0
MAX_BUSY_TIMEOUT_S = 300.0


class StoreBusy(AtharError):
    """Another connection held the store's write lock for longer than the busy timeout."""


def busy_timeout_seconds() -> float:
    value = os.environ.get("ATHAR_SQLITE_BUSY_TIMEOUT", "").strip()
    try:
        seconds = float(value) if value else DEFAULT_BUSY_TIMEOUT_S
    except ValueError as e:
        raise ConfigurationError(
            f"ATHAR_SQLITE_BUSY_TIMEOUT must be a number of seconds, not {value!r}"
        ) from e
    return min(max(seconds, 0.0), MAX_BUSY_TIMEOUT_S)


def is_lock_timeout(error: OperationalError) -> bool:
    """Whether `error` is SQLite giving up on a lock (SQLITE_BUSY / SQLITE_LOCKED)."""
    message = str(error.orig).lower()
    return "database is locked" in message or "database table is locked" in message


@contextmanager
def lock_timeout_as_store_busy(what: str) -> Iterator[None]:
    """Turn SQLite's lock time-out inside the block into `StoreBusy`, one line naming `what` was
    not done (the driver's message would quote the statement's parameters: personal data)."""
    try:
        yield
    except OperationalError as e:
        if not is_lock_timeout(e):
            raise
        raise StoreBusy(
            f"{what}: the store stayed busy with another write for {busy_timeout_seconds():g} s "
            "(ATHAR_SQLITE_BUSY_TIMEOUT); nothing was written, try again when it has finished"
        ) from None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={round(busy_timeout_seconds() * 1000)}")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: keeps the records index in memory during imports
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for the store at `url` (see `athar.config.database_url`), not yet migrated."""
    url = database_url(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": busy_timeout_seconds()} if sqlite else {})
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


@cache
def _head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is already there)."""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == _head_revision():
        return
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def open_store(url: str | None = None) -> Engine:
    """The migrated store: what every command and the web app use."""
    engine = make_engine(url)
    migrate(engine)
    return engine
