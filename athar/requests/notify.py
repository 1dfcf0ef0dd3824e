"""Telling a family that there is news: a status change queues a message in the outbox.

The message says only that there is news and names the reference (`outbox.TEMPLATES["status_changed"]`):
what the news is, the family reads with their reference and secret, where it follows the found
person's wish. It goes by the channel the family chose (e-mail or SMS); "phone me" means a
caseworker calls, so nothing is queued. The recipient is opened from the request's sealed contact
and sealed again for the outbox row.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select

from athar.protect import FieldCipher
from athar.requests.intake import contact_context
from athar.store.tables import OutboxMessage, RequestContact

STATUS_TEMPLATE = "status_changed"


def queue_status_message(conn: Connection, request, cipher: FieldCipher, now: dt.datetime) -> bool:
    """Queue a "there is news" message to the requester of ``request``; False when there is no one to
    write to (phone chosen, no such contact detail, or erased)."""
    channel = request.preferred_channel
    if channel not in ("email", "sms") or request.erased_at is not None:
        return False
    contact = conn.execute(select(RequestContact).where(RequestContact.request_id == request.id)).first()
    if contact is None:
        return False
    field = "email" if channel == "email" else "phone"
    sealed = getattr(contact, field)
    if sealed is None:
        return False
    recipient = cipher.open(sealed, contact_context(request.id, field))
    if not recipient:
        return False
    conn.execute(
        insert(OutboxMessage).values(
            request_id=request.id,
            channel=channel,
            recipient=cipher.seal(recipient, f"outbox:{request.id}:recipient"),
            template=STATUS_TEMPLATE,
            language=request.language,
            params={"reference": request.reference},
            state="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return True
