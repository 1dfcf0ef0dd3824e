"""A store busy with another write answers 503 with a clear message; import errors show no server path."""

from __future__ import annotations

import re
import sqlite3

from fastapi.testclient import TestClient

from athar.web import WebSettings, create_app
from tests.web.conftest import BASE_URL, client_for, csrf, login


def test_a_sign_in_while_another_writer_holds_the_store_answers_503_not_500(app, monkeypatch):
    path = app.state.engine.url.database
    monkeypatch.setenv("ATHAR_SQLITE_BUSY_TIMEOUT", "0.2")
    busy_app = create_app(path, WebSettings())
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        client = TestClient(busy_app, base_url=BASE_URL, raise_server_exceptions=False)
        client.get("/login")  # reads still work under a writer (WAL)
        holder.execute("BEGIN IMMEDIATE")  # a long import's write transaction
        page = login(client, "caseworker-alpha", "wrong")
        api = client.get("/api/v1/sources", headers={"Authorization": "Bearer nothing"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        busy_app.state.engine.dispose()
    assert page.status_code == 503 and page.headers["retry-after"]
    assert "database is locked" not in page.text and "caseworker-alpha" not in page.text.split("<main")[-1]
    assert api.status_code in (401, 503)


def test_a_web_import_into_a_busy_store_answers_503_without_the_servers_temporary_path(app, monkeypatch):
    path = app.state.engine.url.database
    monkeypatch.setenv("ATHAR_SQLITE_BUSY_TIMEOUT", "0.2")
    busy_app = create_app(path, WebSettings())
    client = client_for(busy_app, "investigator-alpha")
    client = TestClient(busy_app, base_url=BASE_URL, raise_server_exceptions=False, cookies=client.cookies)
    files = {"file": ("list.csv", b"record_id,full_name\n1,Sara Omar Haddad\n", "text/csv")}
    token = csrf(client, "/import")
    preview = client.post("/import/preview", data={"source": "busy-upload", "csrf_token": token}, files=files)
    upload = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        done = client.post(
            "/import", data={"token": upload, "source": "busy-upload", "csrf_token": csrf(client, "/import")}
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        busy_app.state.engine.dispose()
    assert done.status_code == 503
    assert "athar-uploads" not in done.text and "list.csv" not in done.text
