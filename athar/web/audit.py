"""Audit hooks for the web app: every view of a person's data and every change, with who, what,
when and from where, appended through `athar.audit.record_event`."""

from __future__ import annotations

from fastapi import Request

from athar.accounts.permissions import Principal
from athar.audit import record_event
from athar.web.clients import client_address

__all__ = ["audit", "client_address"]


def audit(
    request: Request,
    principal: Principal,
    action: str,
    target_type: str | None = None,
    target_id: str | None = None,
    detail: dict | None = None,
) -> None:
    record_event(
        request.app.state.engine,
        user=principal.name,
        action=action,
        target_type=target_type,
        target_id=target_id,
        client=client_address(request),
        detail={"via": principal.kind, **(detail or {})},
    )
