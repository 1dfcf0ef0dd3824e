"""Finding a request by its reference, and the person its sought record now belongs to."""

from __future__ import annotations

from sqlalchemy import Connection, select

from athar.errors import AtharError
from athar.requests.references import normalize_reference
from athar.store.tables import Membership, TracingRequest


class UnknownRequest(AtharError, LookupError):
    """No request has that reference (or it is not a well-formed one)."""


def find_request(conn: Connection, reference: str):
    """The request's row; UnknownRequest when the reference is malformed or unknown."""
    normalized = normalize_reference(reference)
    if normalized is None:
        raise UnknownRequest(
            "not a valid request reference: a reference is eight characters like K7MQ-4XR9 (digits 2 to 9"
            " and letters but I, L, O, U, V), and its last one checks the others: a character is"
            " mistyped or two are swapped"
        )
    row = conn.execute(select(TracingRequest).where(TracingRequest.reference == normalized)).first()
    if row is None:
        raise UnknownRequest(f"no request {normalized}")
    return row


def person_of(conn: Connection, request) -> str | None:
    """The person holding the request's record after `athar link`; else the accepted candidate."""
    found = conn.execute(
        select(Membership.person_id).where(
            Membership.source_id == request.source_id, Membership.record_id == request.record_id
        )
    ).scalar()
    return found or request.accepted_person_id
