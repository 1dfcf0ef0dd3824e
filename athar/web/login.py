"""Signing in (password, then a TOTP code when the account has two-factor on) and signing out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from athar.accounts.permissions import Principal
from athar.accounts.signin import Outcome, authenticate
from athar.audit import record_event
from athar.store.engine import lock_timeout_as_store_busy
from athar.web.audit import client_address
from athar.web.permissions import require
from athar.web.sessions import (
    clear_session_cookie,
    end_session,
    session_token,
    set_session_cookie,
    start_session,
)
from athar.web.templates import render

router = APIRouter()


def N_(message: str) -> str:
    """Marks a message for the catalogue; the template translates it."""
    return message


def safe_next(value: str | None) -> str:
    """Only a path on this site: never `//elsewhere` or `https://elsewhere` (an open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/dashboard"


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    principal: Annotated[Principal, Depends(require("public.view"))],
    next: str | None = None,
) -> HTMLResponse:
    return render(request, "login.html", next=safe_next(next), error=None, ask_totp=False, name="")


FAILED = N_("Wrong name, password or code, or too many attempts: wait a minute and try again.")
THROTTLED = N_("Too many sign-in attempts from here: wait a few minutes and try again.")


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    principal: Annotated[Principal, Depends(require("public.view"))],
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    totp: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    app = request.app
    client = client_address(request)
    throttle = app.state.signin_throttle
    if not throttle.admit(client or ""):
        # Nothing about the account is checked or said: the wait is this client's (or everyone's).
        record_event(app.state.engine, name, "login.failed", "user", name, client=client,
                     detail={"outcome": "throttled"})  # fmt: skip
        return _form(request, 429, next, THROTTLED, bool(totp), name)
    with lock_timeout_as_store_busy("sign-in"):
        result = authenticate(app.state.engine, name, password, totp, app.state.settings)
    if result.outcome is Outcome.OK and result.user_id is not None:
        token = start_session(app.state.engine, result.user_id, client, app.state.settings)
        record_event(app.state.engine, name, "login", "user", name, client=client)
        response = RedirectResponse(safe_next(next), status_code=303)
        set_session_cookie(response, app.state.settings, token)
        return response
    if result.outcome is Outcome.TOTP_REQUIRED:
        return _form(request, 200, next, N_("Enter the code from your authenticator app."), True, name)
    throttle.failed(client or "")
    record_event(
        app.state.engine, name, "login.failed", "user", name, client=client,
        detail={"outcome": result.outcome.value, "why": result.detail},
    )  # fmt: skip
    # One answer for every failure, whether the name exists or not (no account enumeration).
    return _form(request, 401, next, FAILED, bool(totp), name)


def _form(request: Request, status: int, next: str | None, error: str, ask_totp: bool, name: str) -> Response:
    return render(
        request,
        "login.html",
        status_code=status,
        next=safe_next(next),
        error=error,
        ask_totp=ask_totp,
        name=name,
    )


@router.post("/logout")
def logout(request: Request, principal: Annotated[Principal, Depends(require("public.view"))]) -> Response:
    token = session_token(request)
    if token:
        end_session(request.app.state.engine, token)
    if not principal.is_anonymous:
        record_event(request.app.state.engine, principal.name, "logout", client=client_address(request))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request.app.state.settings)
    return response
