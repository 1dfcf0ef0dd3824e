"""What the tracing-request pages and API share: the store's field cipher, the intake flood guard,
the organisation the public form files requests with, and reading a form into request values.

All held on `app.state`, made on first use (no global state, and nothing for other routes to carry).
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from sqlalchemy import select

from athar.accounts.permissions import Principal
from athar.protect import FieldCipher
from athar.requests.intake import cipher_for
from athar.requests.limits import IntakeLimiter
from athar.requests.validation import CHANNELS, CIRCUMSTANCES, HONEYPOT, PERSON_FIELDS, TEXT_LIMITS
from athar.store.tables import Organisation

# Every field the request form has (the requester's, the sought person's, consent, the honeypot).
FORM_FIELDS: tuple[str, ...] = (
    *PERSON_FIELDS,
    "circumstances",
    "circumstances_text",
    "detention_branch",
    "height_cm",
    "dental",
    "marks",
    "clothing",
    "requester_name",
    "requester_relationship",
    "requester_phone",
    "requester_email",
    "preferred_channel",
    "share_with_organisations",
    "reveal_requester_to_found",
    HONEYPOT,
)
FORM_LIMIT = 8000  # characters per field read from a form; longer is cut (validation then refuses it)
DEFAULT_TRACE_ORGANISATION = "Athar"
__all__ = ["CHANNELS", "CIRCUMSTANCES", "FORM_FIELDS", "TEXT_LIMITS"]


def cipher(request: Request) -> FieldCipher:
    """The store's field cipher (key from ATHAR_DATA_KEY, else the key file beside a SQLite store)."""
    state = request.app.state
    found = getattr(state, "request_cipher", None)
    if found is None:
        found = state.request_cipher = cipher_for(state.engine)
    return found


def intake_limiter(request: Request) -> IntakeLimiter:
    """Per-client flood guard of the public form (five accepted requests per ten minutes)."""
    state = request.app.state
    found = getattr(state, "trace_limiter", None)
    if found is None:
        limit = getattr(state.settings, "trace_requests_per_window", 5)
        found = state.trace_limiter = IntakeLimiter(limit=limit, window=600.0)
    return found


def trace_organisation(request: Request) -> str:
    """The organisation the public form's requests are filed with."""
    return getattr(request.app.state.settings, "trace_organisation", None) or DEFAULT_TRACE_ORGANISATION


def principal_organisation(request: Request, principal: Principal) -> str | None:
    if principal.organisation_id is None:
        return None
    with request.app.state.engine.connect() as conn:
        return conn.execute(
            select(Organisation.name).where(Organisation.id == principal.organisation_id)
        ).scalar()


def form_values(form: Mapping[str, object]) -> dict[str, str]:
    """The request fields of a submitted form, as text (an uploaded file or unknown field is ignored)."""
    values: dict[str, str] = {}
    for name in FORM_FIELDS:
        value = form.get(name)
        if isinstance(value, str) and value != "":
            values[name] = value[:FORM_LIMIT]
    return values
