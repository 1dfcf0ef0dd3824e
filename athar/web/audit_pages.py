"""Admins browse and export the audit log (audited). Record and person exports: `export_pages`."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from sqlalchemy import select

from athar.accounts.permissions import Principal
from athar.csv_safety import SafeWriter
from athar.store.tables import AuditEntry
from athar.web.audit import audit
from athar.web.permissions import require
from athar.web.templates import render

router = APIRouter()
PAGE = 100
AUDIT_COLUMNS = ("id", "at", "user_name", "action", "target_type", "target_id", "client", "detail")


def _audit_query(user: str | None, action: str | None, newest_first: bool = True):
    columns = [getattr(AuditEntry, c) for c in AUDIT_COLUMNS]
    query = select(*columns).order_by(AuditEntry.id.desc() if newest_first else AuditEntry.id)
    if user:
        query = query.where(AuditEntry.user_name == user)
    if action:
        query = query.where(AuditEntry.action == action)
    return query


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    principal: Annotated[Principal, Depends(require("audit.view"))],
    user: str | None = None,
    action: str | None = None,
    page: int = 0,
) -> HTMLResponse:
    page = max(page, 0)
    with request.app.state.engine.connect() as conn:
        rows = conn.execute(_audit_query(user, action).offset(page * PAGE).limit(PAGE + 1)).mappings().all()
    return render(
        request,
        "audit.html",
        entries=[dict(r) for r in rows[:PAGE]],
        user=user or "",
        action=action or "",
        page=page,
        more=len(rows) > PAGE,
    )


def _csv(header: tuple[str, ...], rows: Iterator[tuple]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@router.get("/audit/export.csv")
def audit_export(
    request: Request,
    principal: Annotated[Principal, Depends(require("audit.export"))],
    user: str | None = None,
    action: str | None = None,
) -> StreamingResponse:
    audit(request, principal, "audit.export", detail={"user": user, "action": action})
    engine = request.app.state.engine
    query = _audit_query(user, action, newest_first=False)

    def rows() -> Iterator[tuple]:
        with engine.connect() as conn:
            yield from conn.execute(query)

    return StreamingResponse(
        _csv(AUDIT_COLUMNS, rows()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
