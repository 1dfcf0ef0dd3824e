"""Administration pages: users, organisations, and each source's sharing setting (and kind).

* `/admin/users` (admin): every account with its role, organisation and whether it is disabled or
  locked out; add one (a generated password is shown once), change a role, disable or enable an
  account, clear a lockout. An admin cannot change their own role or disable themselves, so an
  installation is never left without an admin by a slip.
* `/admin/organisations` (admin): the organisations, with their users and sources; add one.
* `/admin/sources` (admin, investigator): whether each source is private to its organisation or shared
  with every organisation on the installation: the reporter's choice. Admins may change any source;
  investigators only their own organisation's. The source's kind is set on the same form.

Every change is written to the audit log with what it was before. Forms carry the CSRF token like
every page form (the router is protected in `app.py`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine

from athar.accounts import organisations, users
from athar.accounts.errors import AccountError
from athar.accounts.organisations import OrganisationExists, list_organisations
from athar.accounts.passwords import generate_password
from athar.accounts.permissions import ROLES, SHARING, Principal
from athar.accounts.sources import change_source as change_source_settings
from athar.accounts.sources import manageable_source, manageable_sources
from athar.store.tables import SOURCE_KINDS
from athar.web.audit import audit
from athar.web.permissions import require
from athar.web.templates import render

router = APIRouter(prefix="/admin")
NAME_LIMIT = 200


def _clean_name(value: str) -> str | None:
    """A name as typed: trimmed, no control characters, at most NAME_LIMIT characters; else None."""
    value = value.strip()
    if not value or len(value) > NAME_LIMIT or any(ord(c) < 32 or ord(c) == 127 for c in value):
        return None
    return value


# -- users -----------------------------------------------------------------------------------------------


def _users_page(
    request: Request, status_code: int = 200, error: str | None = None, **context
) -> HTMLResponse:
    engine = request.app.state.engine
    return render(
        request,
        "admin_users.html",
        status_code=status_code,
        users=users.list_users(engine),
        organisations=list_organisations(engine),
        roles=ROLES,
        error=error,
        form=context.pop("form", {}),
        **context,
    )


def _user(engine: Engine, user_id: int) -> dict:
    user = users.get_user(engine, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="no such user")
    return user


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request, principal: Annotated[Principal, Depends(require("users.manage"))]
) -> HTMLResponse:
    return _users_page(request)


@router.post("/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    principal: Annotated[Principal, Depends(require("users.manage"))],
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
) -> HTMLResponse:
    engine = request.app.state.engine
    form = {"name": name, "role": role, "organisation": organisation}
    clean = _clean_name(name)
    known = {o["name"] for o in list_organisations(engine)}
    error = None
    if clean is None:
        error = "user_name"
    elif role not in ROLES:
        error = "role"
    elif organisation not in known:
        error = "organisation"
    if error is None and clean is not None:
        password = generate_password()
        try:
            users.create_user(engine, clean, role, organisation, password)
        except AccountError:
            error = "user_exists"
    if error is not None:
        return _users_page(request, 422, error, form=form)
    audit(request, principal, "user.add", "user", clean, {"role": role, "organisation": organisation})
    # Shown once, on this response only: the store keeps the argon2 hash.
    return _users_page(request, new_user={"name": clean, "password": password})


@router.post("/users/{user_id}/role")
def change_role(
    request: Request,
    user_id: int,
    principal: Annotated[Principal, Depends(require("users.manage"))],
    role: Annotated[str, Form()] = "",
) -> Response:
    engine = request.app.state.engine
    user = _user(engine, user_id)
    if role not in ROLES:
        return _users_page(request, 422, "role")
    if user["id"] == principal.user_id:
        return _users_page(request, 422, "self")
    if role != user["role"]:
        users.set_role(engine, user_id, role)
        audit(request, principal, "user.role", "user", user["name"], {"from": user["role"], "to": role})
    return RedirectResponse("/admin/users", status_code=303)


def _set_disabled(request: Request, principal: Principal, user_id: int, disabled: bool) -> Response:
    engine = request.app.state.engine
    user = _user(engine, user_id)
    if user["id"] == principal.user_id:
        return _users_page(request, 422, "self")
    if user["disabled"] != disabled:
        users.set_disabled(engine, user_id, disabled)
        audit(request, principal, "user.disable" if disabled else "user.enable", "user", user["name"])
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/disable")
def disable_user(
    request: Request, user_id: int, principal: Annotated[Principal, Depends(require("users.manage"))]
) -> Response:
    return _set_disabled(request, principal, user_id, True)


@router.post("/users/{user_id}/enable")
def enable_user(
    request: Request, user_id: int, principal: Annotated[Principal, Depends(require("users.manage"))]
) -> Response:
    return _set_disabled(request, principal, user_id, False)


@router.post("/users/{user_id}/unlock")
def clear_lockout(
    request: Request, user_id: int, principal: Annotated[Principal, Depends(require("users.manage"))]
) -> Response:
    engine = request.app.state.engine
    user = _user(engine, user_id)
    users.clear_lockout(engine, user_id)
    audit(
        request, principal, "user.unlock", "user", user["name"],
        {"failed_logins": user["failed_logins"], "was_locked": user["locked_until"] is not None},
    )  # fmt: skip
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/password")
def reset_password(
    request: Request, user_id: int, principal: Annotated[Principal, Depends(require("users.manage"))]
) -> Response:
    """A generated password for the account, shown once to the admin; every session of it ends."""
    engine = request.app.state.engine
    user = _user(engine, user_id)
    password = generate_password()
    users.set_password(engine, user_id, password, request.app.state.settings.min_password_length)
    audit(request, principal, "user.password_reset", "user", user["name"])
    return _users_page(request, reset_user={"name": user["name"], "password": password})


# -- organisations ---------------------------------------------------------------------------------------


@router.get("/organisations", response_class=HTMLResponse)
def organisations_page(
    request: Request, principal: Annotated[Principal, Depends(require("organisations.manage"))]
) -> HTMLResponse:
    return render(
        request, "admin_organisations.html", organisations=list_organisations(request.app.state.engine),
        error=None, form={},
    )  # fmt: skip


@router.post("/organisations", response_class=HTMLResponse)
def add_organisation(
    request: Request,
    principal: Annotated[Principal, Depends(require("organisations.manage"))],
    name: Annotated[str, Form()] = "",
) -> Response:
    engine = request.app.state.engine
    clean = _clean_name(name)
    error = None
    if clean is None:
        error = "organisation_name"
    else:
        try:
            organisations.add_organisation(engine, clean)
        except OrganisationExists:
            error = "organisation_exists"
    if error is not None:
        return render(
            request, "admin_organisations.html", status_code=422, organisations=list_organisations(engine),
            error=error, form={"name": name},
        )  # fmt: skip
    audit(request, principal, "organisation.add", "organisation", clean)
    return RedirectResponse("/admin/organisations", status_code=303)


# -- sources: sharing and kind ---------------------------------------------------------------------------


@router.get("/sources", response_class=HTMLResponse)
def sources_page(
    request: Request, principal: Annotated[Principal, Depends(require("sources.manage"))]
) -> HTMLResponse:
    return render(
        request, "admin_sources.html", sources=manageable_sources(request.app.state.engine, principal),
        sharing_choices=SHARING, kinds=SOURCE_KINDS, error=None,
    )  # fmt: skip


@router.post("/sources/{source_id}")
def change_source(
    request: Request,
    source_id: int,
    principal: Annotated[Principal, Depends(require("sources.manage"))],
    sharing: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    family_search: Annotated[str, Form()] = "",
) -> Response:
    engine = request.app.state.engine
    source = manageable_source(engine, source_id, principal)
    if source is None:
        raise HTTPException(status_code=404, detail="no such source")
    if sharing not in SHARING or kind not in SOURCE_KINDS:
        return render(
            request, "admin_sources.html", status_code=422, sources=manageable_sources(engine, principal),
            sharing_choices=SHARING, kinds=SOURCE_KINDS, error="source",
        )  # fmt: skip
    opened = family_search.strip().lower() in ("on", "1", "true", "yes")
    changes = change_source_settings(engine, source, sharing, kind, opened)
    if "family_search" in changes:
        audit(request, principal, "source.family_search", "source", source["name"], {"to": opened})
    if "sharing" in changes:
        audit(
            request, principal, "source.sharing", "source", source["name"],
            {"from": source["sharing"], "to": sharing},
        )  # fmt: skip
    if "kind" in changes:
        audit(
            request, principal, "source.kind", "source", source["name"], {"from": source["kind"], "to": kind}
        )
    return RedirectResponse("/admin/sources", status_code=303)
