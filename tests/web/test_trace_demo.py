"""`athar demo` files a few synthetic tracing requests and shows their references."""

from __future__ import annotations

import io
import re
import shutil

from rich.console import Console
from sqlalchemy import select

from athar.demo import DEMO_REQUESTS, file_demo_requests
from athar.store import open_store
from athar.store.tables import TracingRequest


def test_the_demo_files_requests_with_candidates_and_prints_their_references(
    linked_store, web_lists, tmp_path
):
    shutil.copy(linked_store, tmp_path / "athar.db")
    engine = open_store(str(tmp_path / "athar.db"))
    out = io.StringIO()
    references = file_demo_requests(engine, web_lists, Console(file=out, width=200))
    assert len(references) == DEMO_REQUESTS
    for reference in references:
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", reference) and reference in out.getvalue()
    with engine.connect() as conn:
        rows = conn.execute(select(TracingRequest.candidates)).scalars().all()
    assert len(rows) == DEMO_REQUESTS and all(rows)
    assert "Demo requester" not in out.getvalue()
    engine.dispose()
