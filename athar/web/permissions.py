"""Who may do what: one table of role -> allowed actions, and the FastAPI dependencies that enforce it.

Every route names exactly one action through `require(action)` (pages) or `require_api(action)` (JSON
API); the permission tests walk the app's routes and try each one as every role, so a route without an
action, or an action missing from the table, fails the suite.

Organisations: each source belongs to an organisation (or to none: lists the operator imported for
everyone). What one organisation may see of another's records follows the source's `sharing`:
`private` (only its own organisation) or `shared` (every organisation on this installation). The rule
holds for every role, admins included: least disclosure.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import ColumnElement, or_, true

from athar.store.tables import Source

ANONYMOUS = "anonymous"
ROLES: tuple[str, ...] = ("admin", "investigator", "reviewer", "caseworker")
SHARING: tuple[str, ...] = ("private", "shared")

_STAFF = frozenset({"dashboard.view", "sources.view", "public.view"})

# The one table. Actions: public.view (the public pages and the family search), dashboard.view,
# sources.view, review.view / review.judge (uncertain pairs), person.view (a person's records and case),
# search.view (the investigator search), case.update (a person's status, with reason and evidence),
# case.inquiry (record and see families' inquiries), records.import (upload a list), records.export,
# audit.view / audit.export, users.manage and organisations.manage (accounts and organisations),
# sources.manage (a source's sharing setting and kind: admins any source, others their organisation's).
PERMISSIONS: dict[str, frozenset[str]] = {
    ANONYMOUS: frozenset({"public.view"}),
    "caseworker": _STAFF | {"person.view", "case.update", "case.inquiry"},
    "reviewer": _STAFF | {"review.view", "review.judge"},
    "investigator": _STAFF
    | {
        "person.view",
        "case.update",
        "case.inquiry",
        "review.view",
        "review.judge",
        "records.import",
        "records.export",
        "search.view",
        "sources.manage",
    },
    "admin": _STAFF
    | {
        "person.view",
        "case.update",
        "case.inquiry",
        "review.view",
        "review.judge",
        "records.import",
        "records.export",
        "search.view",
        "audit.view",
        "audit.export",
        "users.manage",
        "organisations.manage",
        "sources.manage",
    },
}
ACTIONS: frozenset[str] = frozenset().union(*PERMISSIONS.values())


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user, a partner's API token, or nobody (anonymous)."""

    name: str
    role: str
    organisation_id: int | None = None
    kind: str = "user"  # user | token | anonymous
    user_id: int | None = None
    session_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"


bearer_scheme = HTTPBearer(auto_error=False, description="A partner organisation's API token")

NOBODY = Principal(name="anonymous", role=ANONYMOUS, kind="anonymous")


def allowed(role: str, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return action in PERMISSIONS.get(role, frozenset())


def visible_sources(principal: Principal) -> ColumnElement[bool]:
    """A condition on `Source`: the sources whose records this principal may see."""
    if principal.is_anonymous:
        return ~true()
    return or_(
        Source.organisation_id.is_(None),
        Source.organisation_id == principal.organisation_id,
        Source.sharing == "shared",
    )


class LoginRequired(Exception):
    """Raised by a page dependency for an anonymous visitor; the app answers with a redirect to login."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


Dependency = Callable[[Request], Awaitable[Principal]]


def require(action: str) -> Dependency:
    """A page dependency: the signed-in principal, if its role allows `action`.

    Anonymous visitors are sent to the login page (unless the action is public); signed-in users whose
    role does not allow the action get 403.
    """
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")

    async def dependency(request: Request) -> Principal:
        from athar.web.sessions import current_principal

        principal = current_principal(request)
        if allowed(principal.role, action):
            return principal
        if principal.is_anonymous:
            raise LoginRequired(str(request.url.path))
        raise HTTPException(status_code=403, detail="forbidden")

    dependency.action = action  # type: ignore[attr-defined]
    return dependency


def require_api(action: str) -> Callable:
    """An API dependency: the principal of the request's bearer token, if its role allows `action`.

    No or a bad token: 401. A token whose role does not allow the action: 403.
    """
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    from athar.web.tokens import principal_for_token

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    ) -> Principal:
        principal = None
        if credentials is not None and credentials.scheme.lower() == "bearer":
            principal = principal_for_token(request.app.state.engine, credentials.credentials)
        if principal is None:
            raise HTTPException(
                status_code=401,
                detail="a valid API token is required",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not allowed(principal.role, action):
            raise HTTPException(status_code=403, detail="forbidden")
        request.state.principal = principal
        return principal

    dependency.action = action  # type: ignore[attr-defined]
    return dependency
