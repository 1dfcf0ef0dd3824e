"""Which tracing requests a principal may see and work on: the requester's consent decides.

A request belongs to the organisation that took it. Another organisation sees it only when the
requester agreed that other organisations may see the request (`share_with_organisations`), and even
then only reads it: notes, statuses and answers stay with the organisation the family trusted. The
command line's operator holds the database and sees every request; nobody anonymous sees any.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, or_, true

from athar.accounts.permissions import Principal
from athar.requests.lookup import UnknownRequest, find_request
from athar.store.tables import TracingRequest


class RequestNotVisible(LookupError):
    """No such request, or the principal may not see it: the two are not told apart."""

    def __init__(self) -> None:
        super().__init__("no such request")


class NotYourRequest(PermissionError):
    """A request shared with the principal's organisation, which may read it but not work on it."""


def visible_requests(principal: Principal) -> ColumnElement[bool]:
    """A condition on `TracingRequest`: the requests this principal may see."""
    if principal.kind == "operator":
        return true()
    if principal.is_anonymous or principal.organisation_id is None:
        return ~true()
    return or_(
        TracingRequest.organisation_id == principal.organisation_id,
        TracingRequest.share_with_organisations.is_(True),
    )


def may_see(principal: Principal, request) -> bool:
    if principal.kind == "operator":
        return True
    if principal.is_anonymous or principal.organisation_id is None:
        return False
    return request.organisation_id == principal.organisation_id or bool(request.share_with_organisations)


def may_work_on(principal: Principal, request) -> bool:
    """Only the organisation that took the request (and the operator) changes it."""
    return principal.kind == "operator" or (
        principal.organisation_id is not None and request.organisation_id == principal.organisation_id
    )


def visible_request(conn: Connection, reference: str, principal: Principal):
    """The request's row if the principal may see it; RequestNotVisible otherwise (also when unknown)."""
    try:
        request = find_request(conn, reference)
    except UnknownRequest:
        raise RequestNotVisible() from None
    if not may_see(principal, request):
        raise RequestNotVisible()
    return request


def workable_request(conn: Connection, reference: str, principal: Principal):
    """The request's row if the principal may change it; RequestNotVisible or NotYourRequest otherwise."""
    request = visible_request(conn, reference, principal)
    if not may_work_on(principal, request):
        raise NotYourRequest("only the organisation that took this request may change it")
    return request
