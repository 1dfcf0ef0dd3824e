"""X-Forwarded-For is believed only from the proxies named in ATHAR_TRUSTED_PROXIES."""

from __future__ import annotations

import re
import socket
import threading
import time

import httpx
import pytest
import uvicorn

from athar.web import server
from athar.web.clients import parse_trusted_proxies, resolve_client

PROXIES = parse_trusted_proxies("127.0.0.1, 10.0.0.0/8")


def test_the_header_is_ignored_from_a_client_that_is_not_a_trusted_proxy():
    assert resolve_client("203.0.113.9", ["198.51.100.1"], PROXIES) == "203.0.113.9"
    assert resolve_client("203.0.113.9", ["198.51.100.1"], ()) == "203.0.113.9"


def test_behind_trusted_proxies_the_client_is_the_first_untrusted_hop_from_the_right():
    # The client wrote a fake first hop; the proxies appended what they saw.
    assert resolve_client("127.0.0.1", ["6.6.6.6, 198.51.100.7, 10.1.2.3"], PROXIES) == "198.51.100.7"
    assert resolve_client("127.0.0.1", ["10.1.2.3"], PROXIES) == "10.1.2.3"
    assert resolve_client("127.0.0.1", [], PROXIES) == "127.0.0.1"
    assert resolve_client("127.0.0.1", ["not-an-address, 10.1.2.3"], PROXIES) == "10.1.2.3"


def test_a_bad_proxy_entry_is_refused_not_ignored():
    with pytest.raises(ValueError, match="ATHAR_TRUSTED_PROXIES"):
        parse_trusted_proxies("127.0.0.1, proxy.example")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path, monkeypatch):
    """`athar serve` on a free port in a thread, run with the options `serve` gives uvicorn."""
    running: list[uvicorn.Server] = []

    def run(app, **options):
        options["port"] = port
        instance = uvicorn.Server(uvicorn.Config(app, log_level="warning", **options))
        running.append(instance)
        instance.run()

    port = _free_port()
    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.delenv("ATHAR_TRUSTED_PROXIES", raising=False)

    def start() -> str:
        thread = threading.Thread(
            target=server.serve, args=(str(tmp_path / "athar.db"), "127.0.0.1", port, True), daemon=True
        )
        thread.start()
        for _ in range(200):
            if running and running[0].started:
                return f"http://127.0.0.1:{port}"
            time.sleep(0.05)
        raise RuntimeError("the server did not start")

    yield start
    for instance in running:
        instance.should_exit = True
    time.sleep(0.3)


def _family_searches(base: str, addresses: list[str]) -> list[int]:
    with httpx.Client(base_url=base) as client:
        page = client.get("/search/family")
        token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text).group(1)
        return [
            client.post(
                "/search/family", data={"csrf_token": token}, headers={"X-Forwarded-For": address}
            ).status_code
            for address in addresses
        ]


def test_a_local_client_cannot_dodge_the_family_search_limit_with_forged_addresses(served):
    base = served()
    statuses = _family_searches(base, [f"198.51.100.{i}" for i in range(12)])
    assert 429 in statuses  # all from 127.0.0.1, which is no trusted proxy here: one client, limited


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(served, monkeypatch):
    monkeypatch.setenv("ATHAR_TRUSTED_PROXIES", "127.0.0.1")
    base = served()
    assert 429 not in _family_searches(base, [f"198.51.100.{i}" for i in range(12)])
    assert 429 in _family_searches(base, ["198.51.100.200"] * 12)
