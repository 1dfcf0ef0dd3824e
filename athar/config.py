"""Settings read from the environment; command-line flags override them."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB_FILE = "athar.db"


def database_url(explicit: str | None = None) -> str:
    """The store's SQLAlchemy URL: the flag, else ATHAR_DB, else a SQLite file in the working directory.

    A bare file path is accepted and turned into a SQLite URL, so `--db lists.db` works.
    """
    value = explicit or os.environ.get("ATHAR_DB") or DEFAULT_DB_FILE
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).resolve()}"


def pfif_domain() -> str:
    """The domain that prefixes exported PFIF record ids (PFIF requires `domain/unique-id`)."""
    return os.environ.get("ATHAR_PFIF_DOMAIN", "athar.invalid")
