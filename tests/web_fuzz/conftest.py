"""API fuzzing: the app over its own copy of the small linked store, and a live admin API token."""

from __future__ import annotations

import shutil

import pytest

from athar.accounts.tokens import create_token
from athar.web import WebSettings, create_app
from tests.web.conftest import linked_store, web_lists  # noqa: F401  (the same small linked store)


@pytest.fixture(scope="module")
def fuzz_app(linked_store, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("fuzz-app") / "athar.db"
    shutil.copy(linked_store, path)
    application = create_app(str(path), WebSettings())
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def api_token(fuzz_app) -> str:
    """Admin may do every API action, so every operation is reached past its permission check."""
    return create_token(fuzz_app.state.engine, "Alpha", "admin", label="fuzz")
