"""Work on a body from its page: a chain-of-custody step (who holds the body or its sample, when, where,
a note; append-only) and joining or splitting commingled remains with a reason, through the same
functions as `athar remains custody|join|split` (`athar.remains.workflow`), each audited there.

Who may: the identification rule (`athar.remains.access.may_identify`: `case.update` and a site of the
user's organisation, or of none for an admin). A body the user may not see is answered 404, as one that
does not exist, and so is a whole case they may not see or work on; one they see but may not work on,
403. A refusal the user can mend comes back on the body page, beside its form, with what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from athar.accounts.permissions import Principal
from athar.remains.access import may_identify
from athar.remains.views import BodyRef, NoSuchRemains, body_ref
from athar.remains.workflow import IdentificationError, join_case, record_custody, split_case
from athar.web.clients import client_address
from athar.web.permissions import require
from athar.web.remains_pages import body_page

router = APIRouter()


def _workable_body(request: Request, remains_id: int, principal: Principal) -> BodyRef:
    try:
        body = body_ref(request.app.state.engine, principal, remains_id)
    except NoSuchRemains:
        raise HTTPException(status_code=404, detail="no such body") from None
    if not may_identify(principal, body.site_organisation_id):
        raise HTTPException(status_code=403, detail="another organisation's site")
    return body


def _when(text: str) -> dt.datetime | None:
    """A date (`2024-03-01`) or date and time (`2024-03-01T14:30`, as a browser's date-time field
    sends it) in UTC; None when blank; IdentificationError("at") when neither."""
    text = text.strip().replace(" ", "T")
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise IdentificationError(f"{text!r} is not a date and time", "at") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@router.post("/remains/{remains_id}/custody")
def add_custody(
    request: Request,
    remains_id: int,
    principal: Annotated[Principal, Depends(require("case.update"))],
    action: Annotated[str, Form()] = "",
    holder: Annotated[str, Form()] = "",
    at: Annotated[str, Form()] = "",
    location: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    held: Annotated[str, Form()] = "case",
) -> Response:
    """One step in the chain of custody of this body, or of its DNA sample (`held=sample`)."""
    body = _workable_body(request, remains_id, principal)
    form = {"action": action, "holder": holder, "at": at, "location": location, "note": note, "held": held}
    sample = held == "sample"
    try:
        if sample and not body.dna_sample_id:
            raise IdentificationError("this body has no DNA sample", "sample")
        record_custody(
            request.app.state.engine, principal.name, action, holder, location,
            case_id=None if sample else body.case_id, sample_id=body.dna_sample_id if sample else None,
            at=_when(at), note=note, client=client_address(request),
        )  # fmt: skip
    except IdentificationError as e:
        return body_page(request, principal, remains_id, 422, e.code, form, "custody")
    return RedirectResponse(f"/remains/{remains_id}#custody", status_code=303)


@router.post("/remains/{remains_id}/join")
def join_body(
    request: Request,
    remains_id: int,
    principal: Annotated[Principal, Depends(require("case.update"))],
    whole: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Record this body as a part of another case (commingled remains), with the reason. The whole
    must be a case the user may work on too; any other is, to them, a case that does not exist."""
    body = _workable_body(request, remains_id, principal)
    form = {"whole": whole, "reason": reason}
    try:
        other = body_ref(request.app.state.engine, principal, case_id=whole)
        if not may_identify(principal, other.site_organisation_id):
            raise NoSuchRemains(whole)
    except NoSuchRemains:
        return body_page(request, principal, remains_id, 422, "case", form, "join")
    try:
        join_case(
            request.app.state.engine, body.case_id, other.case_id, reason, principal.name,
            client_address(request),
        )  # fmt: skip
    except IdentificationError as e:
        return body_page(request, principal, remains_id, 422, e.code, form, "join")
    return RedirectResponse(f"/remains/{remains_id}#commingled", status_code=303)


@router.post("/remains/{remains_id}/split")
def split_body(
    request: Request,
    remains_id: int,
    principal: Annotated[Principal, Depends(require("case.update"))],
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Separate this body from the case it was joined to, with the reason."""
    body = _workable_body(request, remains_id, principal)
    try:
        split_case(request.app.state.engine, body.case_id, reason, principal.name, client_address(request))
    except IdentificationError as e:
        return body_page(request, principal, remains_id, 422, e.code, {"reason": reason}, "split")
    return RedirectResponse(f"/remains/{remains_id}#commingled", status_code=303)
