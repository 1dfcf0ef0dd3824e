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

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine, func, insert, select, update

from athar.store.tables import SOURCE_KINDS, Organisation, Source, User
from athar.web.audit import audit
from athar.web.auth import _aware, create_user, generate_password
from athar.web.permissions import ROLES, SHARING, Principal, require
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


def _organisations(engine: Engine) -> list[dict]:
    users = select(User.organisation_id, func.count().label("n")).group_by(User.organisation_id).subquery()
    sources = (
        select(Source.organisation_id, func.count().label("n")).group_by(Source.organisation_id).subquery()
    )
    query = (
        select(
            Organisation.id,
            Organisation.name,
            Organisation.created_at,
            func.coalesce(users.c.n, 0).label("users"),
            func.coalesce(sources.c.n, 0).label("sources"),
        )
        .outerjoin(users, users.c.organisation_id == Organisation.id)
        .outerjoin(sources, sources.c.organisation_id == Organisation.id)
        .order_by(Organisation.name)
    )
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def _users(engine: Engine) -> list[dict]:
    now = dt.datetime.now(dt.UTC)
    query = (
        select(
            User.id,
            User.name,
            User.role,
            User.disabled,
            User.failed_logins,
            User.locked_until,
            User.created_at,
            Organisation.name.label("organisation"),
        )
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .order_by(User.name)
    )
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:
        locked_until = _aware(row["locked_until"])
        row["locked"] = locked_until is not None and locked_until > now
    return rows


def _users_page(
    request: Request, status_code: int = 200, error: str | None = None, **context
) -> HTMLResponse:
    engine = request.app.state.engine
    return render(
        request,
        "admin_users.html",
        status_code=status_code,
        users=_users(engine),
        organisations=_organisations(engine),
        roles=ROLES,
        error=error,
        form=context.pop("form", {}),
        **context,
    )


def _user(engine: Engine, user_id: int) -> dict:
    with engine.connect() as conn:
        row = conn.execute(
            select(User.id, User.name, User.role, User.disabled, User.failed_logins, User.locked_until).where(
                User.id == user_id
            )
        ).first()
    if row is None:
        raise HTTPException(status_code=404, detail="no such user")
    return dict(row._mapping)


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
    known = {o["name"] for o in _organisations(engine)}
    error = None
    if clean is None:
        error = "user_name"
    elif role not in ROLES:
        error = "role"
    elif organisation not in known:
        error = "organisation"
    if error is None:
        password = generate_password()
        try:
            create_user(engine, clean, role, organisation, password)
        except ValueError:
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
        with engine.begin() as conn:
            conn.execute(update(User).where(User.id == user_id).values(role=role))
        audit(request, principal, "user.role", "user", user["name"], {"from": user["role"], "to": role})
    return RedirectResponse("/admin/users", status_code=303)


def _set_disabled(request: Request, principal: Principal, user_id: int, disabled: bool) -> Response:
    engine = request.app.state.engine
    user = _user(engine, user_id)
    if user["id"] == principal.user_id:
        return _users_page(request, 422, "self")
    if user["disabled"] != disabled:
        with engine.begin() as conn:
            conn.execute(update(User).where(User.id == user_id).values(disabled=disabled))
        # A disabled user's sessions stop working at once: every request reads `disabled` (sessions.py).
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
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user_id).values(failed_logins=0, locked_until=None))
    audit(
        request, principal, "user.unlock", "user", user["name"],
        {"failed_logins": user["failed_logins"], "was_locked": user["locked_until"] is not None},
    )  # fmt: skip
    return RedirectResponse("/admin/users", status_code=303)


# -- organisations ---------------------------------------------------------------------------------------


@router.get("/organisations", response_class=HTMLResponse)
def organisations_page(
    request: Request, principal: Annotated[Principal, Depends(require("organisations.manage"))]
) -> HTMLResponse:
    return render(
        request, "admin_organisations.html", organisations=_organisations(request.app.state.engine),
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
        with engine.begin() as conn:
            if conn.execute(select(Organisation.id).where(Organisation.name == clean)).first() is not None:
                error = "organisation_exists"
            else:
                conn.execute(insert(Organisation).values(name=clean, created_at=dt.datetime.now(dt.UTC)))
    if error is not None:
        return render(
            request, "admin_organisations.html", status_code=422, organisations=_organisations(engine),
            error=error, form={"name": name},
        )  # fmt: skip
    audit(request, principal, "organisation.add", "organisation", clean)
    return RedirectResponse("/admin/organisations", status_code=303)


# -- sources: sharing and kind ---------------------------------------------------------------------------


def may_manage_source(principal: Principal, organisation_id: int | None) -> bool:
    """Admins manage every source; other roles allowed `sources.manage` only their organisation's."""
    if principal.role == "admin":
        return True
    return organisation_id is not None and organisation_id == principal.organisation_id


def _sources(engine: Engine, principal: Principal) -> list[dict]:
    query = (
        select(Source.id, Source.name, Source.kind, Source.sharing, Source.organisation_id)
        .add_columns(Organisation.name.label("organisation"))
        .outerjoin(Organisation, Organisation.id == Source.organisation_id)
        .order_by(Source.name)
    )
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return [r for r in rows if may_manage_source(principal, r["organisation_id"])]


@router.get("/sources", response_class=HTMLResponse)
def sources_page(
    request: Request, principal: Annotated[Principal, Depends(require("sources.manage"))]
) -> HTMLResponse:
    return render(
        request, "admin_sources.html", sources=_sources(request.app.state.engine, principal),
        sharing_choices=SHARING, kinds=SOURCE_KINDS, error=None,
    )  # fmt: skip


@router.post("/sources/{source_id}")
def change_source(
    request: Request,
    source_id: int,
    principal: Annotated[Principal, Depends(require("sources.manage"))],
    sharing: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
) -> Response:
    engine = request.app.state.engine
    with engine.connect() as conn:
        source = conn.execute(
            select(Source.id, Source.name, Source.sharing, Source.kind, Source.organisation_id).where(
                Source.id == source_id
            )
        ).first()
    if source is None or not may_manage_source(principal, source.organisation_id):
        raise HTTPException(status_code=404, detail="no such source")
    if sharing not in SHARING or kind not in SOURCE_KINDS:
        return render(
            request, "admin_sources.html", status_code=422, sources=_sources(engine, principal),
            sharing_choices=SHARING, kinds=SOURCE_KINDS, error="source",
        )  # fmt: skip
    changes = {}
    if sharing != source.sharing:
        changes["sharing"] = sharing
    if kind != (source.kind or "other"):
        changes["kind"] = kind
    if changes:
        with engine.begin() as conn:
            conn.execute(update(Source).where(Source.id == source_id).values(**changes))
        if "sharing" in changes:
            audit(
                request, principal, "source.sharing", "source", source.name,
                {"from": source.sharing, "to": sharing},
            )  # fmt: skip
        if "kind" in changes:
            audit(request, principal, "source.kind", "source", source.name, {"from": source.kind, "to": kind})
    return RedirectResponse("/admin/sources", status_code=303)
