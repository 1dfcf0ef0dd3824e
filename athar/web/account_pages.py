"""A signed-in user changes their own password: the current one first, then the new one twice.

The other sessions of the account end (a thief's among them); the one that changed it stays.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse

from athar.accounts.passwords import WeakPassword, verify_password
from athar.accounts.permissions import Principal
from athar.accounts.users import set_password
from athar.store.tables import User
from athar.web.audit import audit
from athar.web.permissions import require
from athar.web.templates import render

router = APIRouter()


@router.get("/account/password", response_class=HTMLResponse)
def password_form(
    request: Request, principal: Annotated[Principal, Depends(require("account.password"))]
) -> HTMLResponse:
    return render(request, "account_password.html", error=None, done=False)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    principal: Annotated[Principal, Depends(require("account.password"))],
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    again: Annotated[str, Form()] = "",
) -> HTMLResponse:
    from sqlalchemy import select

    engine = request.app.state.engine
    if principal.user_id is None:  # pages are reached through a session, which always names its user
        raise HTTPException(status_code=403, detail="no account")
    with engine.connect() as conn:
        stored = conn.execute(select(User.password_hash).where(User.id == principal.user_id)).scalar_one()
    if not verify_password(stored, current):
        audit(request, principal, "user.password.failed", "user", principal.name)
        return render(request, "account_password.html", status_code=422, error="current", done=False)
    if new != again:
        return render(request, "account_password.html", status_code=422, error="differ", done=False)
    try:
        set_password(
            engine, principal.user_id, new, request.app.state.settings.min_password_length,
            keep_session_id=principal.session_id,
        )  # fmt: skip
    except WeakPassword as problem:
        return render(request, "account_password.html", status_code=422, error=str(problem), done=False)
    audit(request, principal, "user.password", "user", principal.name)
    return render(request, "account_password.html", error=None, done=True)
