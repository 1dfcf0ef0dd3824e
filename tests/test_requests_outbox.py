"""The outbox: messages reach a real SMTP server and an HTTP SMS gateway; a server that is down
loses nothing, and the message is sent once it is back."""

from __future__ import annotations

import datetime as dt
import json
import random
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import select

from athar.requests.intake import submit_request
from athar.requests.outbox import HttpSmsSender, SmtpSender, backoff, deliver_due
from athar.store.tables import OutboxMessage
from tests.test_requests_support import request_form, synthetic_people, test_cipher


class _Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def people(tmp_path):
    return synthetic_people(tmp_path / "synth")


def _pending(store) -> list:
    with store.connect() as conn:
        return conn.execute(
            select(
                OutboxMessage.state, OutboxMessage.attempts, OutboxMessage.recipient, OutboxMessage.last_error
            )
        ).all()


def test_a_mail_server_that_is_down_loses_nothing(store, people) -> None:
    cipher = test_cipher()
    form = request_form(people[0], people[1], random.Random(1))
    result = submit_request(store, form, "Org", cipher, None)
    port = _free_port()
    sender = SmtpSender("127.0.0.1", port, "tracing@example.org", timeout=2)

    down = deliver_due(store, {"email": sender}, cipher)
    assert down.as_json() == {"sent": 0, "retried": 1, "failed": 0}
    state, attempts, recipient, error = _pending(store)[0]
    assert (state, attempts, error) == ("pending", 1, "ConnectionRefusedError")
    assert recipient is not None and form["requester_email"] not in recipient
    assert deliver_due(store, {"email": sender}, cipher).sent == 0  # not due yet: backoff

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = dt.datetime.now(dt.UTC) + backoff(1) + dt.timedelta(seconds=1)
        assert deliver_due(store, {"email": sender}, cipher, now=later).sent == 1
    finally:
        controller.stop()
    [mail] = inbox.messages
    assert mail["To"] == form["requester_email"]
    assert result.reference in mail["Subject"] and result.reference in mail.get_payload()
    assert result.secret not in mail.as_string()
    state, attempts, recipient, _error = _pending(store)[0]
    assert (state, attempts, recipient) == ("sent", 2, None)


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert backoff(30) == dt.timedelta(hours=6)


def test_an_sms_goes_through_the_http_gateway_in_the_requesters_language(store, people) -> None:
    received: list[dict] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        cipher = test_cipher()
        form = request_form(people[0], people[1], random.Random(2)) | {
            "preferred_channel": "sms",
            "language": "ar",
        }
        result = submit_request(store, form, "Org", cipher, None)
        sms = HttpSmsSender(f"http://127.0.0.1:{server.server_port}/send")
        assert deliver_due(store, {"sms": sms}, cipher).sent == 1
    finally:
        server.shutdown()
        server.server_close()
    assert received == [{"to": form["requester_phone"], "text": received[0]["text"]}]
    assert "وصلنا طلبك" in received[0]["text"] and result.reference in received[0]["text"]
