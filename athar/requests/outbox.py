"""Messages to families: queued in the `outbox` table, sent by e-mail (SMTP) or SMS (an HTTP
gateway), retried with exponential backoff, so a mail server that is down loses nothing.

A message's text is made from a template (Arabic and English) and parameters holding no personal
data (the reference, the status) only when it is sent; the recipient is sealed, and cleared once the
message is sent. A failure keeps only the error's kind, never its text (an SMTP refusal quotes the
address).
"""

from __future__ import annotations

import datetime as dt
import json
import smtplib
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import Engine, select, update

from athar.protect import FieldCipher
from athar.store.tables import OutboxMessage

MAX_ATTEMPTS = 8
BASE_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=6)

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "received": {
        "en": (
            "Your tracing request {reference}",
            "We have received your request. Its reference is {reference}. Keep it with the secret you "
            "were given: with both you can see how the search is going.",
        ),
        "ar": (
            "طلب البحث {reference}",
            "وصلنا طلبك. رقمه المرجعي {reference}. احتفظ به مع الرمز السري الذي أُعطي لك: بهما معًا "
            "يمكنك متابعة سير البحث.",
        ),
    },
    "status_changed": {
        "en": (
            "News on your request {reference}",
            "There is news on your request {reference}. "
            "Use your reference and secret to read it, or contact us.",
        ),
        "ar": (
            "جديد في طلبك {reference}",
            "هناك جديد في طلبك {reference}. استخدم رقمك المرجعي ورمزك السري لقراءته، أو تواصل معنا.",
        ),
    },
}


def render(template: str, language: str, params: Mapping[str, object]) -> tuple[str, str]:
    subject, body = TEMPLATES[template][language if language in ("ar", "en") else "ar"]
    return subject.format(**params), body.format(**params)


class Sender(Protocol):
    def send(self, recipient: str, subject: str, body: str) -> None: ...


@dataclass
class SmtpSender:
    host: str
    port: int
    from_address: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0

    def send(self, recipient: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.from_address
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


@dataclass
class HttpSmsSender:
    """POSTs ``{"to": ..., "text": ...}`` as JSON to a gateway; any 2xx answer is success."""

    url: str
    token: str | None = None
    timeout: float = 10.0

    def send(self, recipient: str, subject: str, body: str) -> None:
        data = json.dumps({"to": recipient, "text": body}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=data, method="POST")
        request.add_header("Content-Type", "application/json; charset=utf-8")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:
            if not 200 <= answer.status < 300:
                raise OSError(f"gateway answered {answer.status}")


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next try after ``attempts`` failures: 1, 2, 4, ... minutes, at most 6 hours."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def as_json(self) -> dict:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed}


def deliver_due(
    engine: Engine,
    senders: Mapping[str, Sender],
    cipher: FieldCipher,
    now: dt.datetime | None = None,
    limit: int = 100,
) -> DeliveryReport:
    """Send the pending messages that are due, each in its own transaction."""
    now = now or dt.datetime.now(dt.UTC)
    report = DeliveryReport()
    with engine.connect() as conn:
        due = conn.execute(
            select(OutboxMessage)
            .where(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        ).all()
    for message in due:
        sender = senders.get(message.channel)
        if sender is None:
            continue
        values: dict
        try:
            recipient = cipher.open(message.recipient, f"outbox:{message.request_id}:recipient")
            subject, body = render(message.template, message.language, message.params or {})
            sender.send(recipient or "", subject, body)
        except Exception as e:  # any failure is retried; only its kind is kept
            attempts = message.attempts + 1
            gave_up = attempts >= MAX_ATTEMPTS
            values = dict(
                attempts=attempts,
                last_error=type(e).__name__,
                state="failed" if gave_up else "pending",
                next_attempt_at=now + backoff(attempts),
            )
            report.failed += gave_up
            report.retried += not gave_up
        else:
            values = dict(
                attempts=message.attempts + 1, state="sent", sent_at=now, recipient=None, last_error=None
            )
            report.sent += 1
        with engine.begin() as conn:
            conn.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(**values))
    return report
