"""The FastAPI dependencies that enforce `athar.accounts.permissions` on every route.

Every route names exactly one action through `require(action)` (pages) or `require_api(action)` (JSON
API); the permission tests walk the app's routes and try each one as every role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from athar.accounts.permissions import ACTIONS, Principal, allowed

bearer_scheme = HTTPBearer(auto_error=False, description="A partner organisation's API token")


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
    from athar.accounts.tokens import principal_for_token

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
