"""Adding a site and recording its bodies on the web: the site form (`athar sites add`), a post-mortem
file's import (`athar remains import`: the counts and every quarantined row's reason on the page) and
one body typed on a form (one row through the same validation, refused whole if any field is wrong).

Who may: `athar.remains.access` (the `records.import` permission; a site takes bodies from its own
organisation's staff, or an admin's for a site of no organisation). A site the user may not see is
answered 404, as one that does not exist; one they see but may not add to, 403. Uploads go through
`athar.web.uploads` (size bound, private folder deleted afterwards) and the readers' limits on hostile
files; the importer writes everything in one transaction, or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from athar.accounts.permissions import Principal
from athar.ingest import UnreadableFile
from athar.ingest.values import ascii_digits
from athar.remains.access import may_import_remains
from athar.remains.importer import EntryRefused, enter_body, import_remains
from athar.remains.postmortem import COLUMNS
from athar.remains.sites import SiteError, add_site
from athar.remains.views import NoSuchRemains, site_ref
from athar.store.tables import SITE_KINDS
from athar.web.clients import client_address
from athar.web.permissions import require
from athar.web.templates import render
from athar.web.uploads import one_line, received

router = APIRouter()
BODY_FIELDS = COLUMNS  # the single-body form asks for a file's columns
SHOWN_PROBLEMS = 200


def _number(text: str, field: str, kind: type[int] | type[float]) -> int | float | None:
    """A number typed on the form (Arabic-Indic digits too), or SiteError naming the field."""
    text = ascii_digits(text).replace("٫", ".").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise SiteError(f"{text!r} is not a number", field, "number") from None


def _site_form(request: Request, status_code: int = 200, **context) -> HTMLResponse:
    context = {"error": None, "field": None, "form": {}, **context}
    return render(request, "remains/site_new.html", status_code, kinds=SITE_KINDS, **context)


@router.get("/sites/new", response_class=HTMLResponse)
def new_site_form(
    request: Request, principal: Annotated[Principal, Depends(require("records.import"))]
) -> HTMLResponse:
    return _site_form(request)


@router.post("/sites")
def create_site(
    request: Request,
    principal: Annotated[Principal, Depends(require("records.import"))],
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    lat: Annotated[str, Form()] = "",
    lon: Annotated[str, Form()] = "",
    used_from: Annotated[str, Form()] = "",
    used_to: Annotated[str, Form()] = "",
) -> Response:
    """A site of the user's organisation (private to it, as a list an import makes), audited."""
    form = {"name": name, "kind": kind, "place": place, "lat": lat, "lon": lon}
    form |= {"used_from": used_from, "used_to": used_to}
    try:
        latitude, longitude = _number(lat, "lat", float), _number(lon, "lon", float)
        first, last = _number(used_from, "used_from", int), _number(used_to, "used_to", int)
        site = add_site(
            request.app.state.engine, name, kind, principal.name, place or None, latitude, longitude,
            first, last, organisation_id=principal.organisation_id,  # type: ignore[arg-type]
            client=client_address(request),
        )  # fmt: skip
    except SiteError as error:
        return _site_form(request, 422, error=error.code, field=error.field, form=form)
    return RedirectResponse(f"/sites/{site.id}", status_code=303)


def _importable_site(request: Request, site_id: int, principal: Principal) -> dict:
    """The site, if the principal sees it (else 404) and may add bodies to it (else 403)."""
    try:
        site = site_ref(request.app.state.engine, site_id, principal)
    except NoSuchRemains:
        raise HTTPException(status_code=404, detail="no such site") from None
    if not may_import_remains(principal, site["organisation_id"]):
        raise HTTPException(status_code=403, detail="another organisation's site")
    return site


def _import_page(request: Request, site: dict, status_code: int = 200, **context) -> HTMLResponse:
    context = {"error": None, "message": None, "result": None, "problems": [], "form": {}, **context}
    return render(
        request, "remains/site_import.html", status_code, site=site, body_fields=BODY_FIELDS, **context
    )


@router.get("/sites/{site_id}/import", response_class=HTMLResponse)
def site_import_form(
    request: Request, site_id: int, principal: Annotated[Principal, Depends(require("records.import"))]
) -> HTMLResponse:
    return _import_page(request, _importable_site(request, site_id, principal))


@router.post("/sites/{site_id}/import", response_class=HTMLResponse)
async def site_import(
    request: Request,
    site_id: int,
    principal: Annotated[Principal, Depends(require("records.import"))],
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Import an uploaded post-mortem file into this site; the counts and each quarantined row's field
    and reason come back on the page."""
    site = _importable_site(request, site_id, principal)
    if file is None or not file.filename:
        return _import_page(request, site, 422, error="missing")
    engine = request.app.state.engine
    try:
        async with received(request, file) as path:
            result = await run_in_threadpool(
                import_remains, engine, path, site["name"], principal.name, None, client_address(request)
            )
    except UnreadableFile as error:
        return _import_page(request, site, 422, error="file", message=one_line(error))
    problems = [
        {**p, "fields": [f.strip() for f in p["field"].split(",") if f.strip()]}
        for p in result.problems[:SHOWN_PROBLEMS]
    ]
    name = Path(result.file).name  # the upload's own name, never the server's folder
    return _import_page(request, site, result=result, file_name=name, problems=problems)


@router.post("/sites/{site_id}/bodies")
async def site_body(
    request: Request, site_id: int, principal: Annotated[Principal, Depends(require("records.import"))]
) -> Response:
    """One body typed on the form, stored as an imported row would be; refused whole, with every wrong
    field named and what was typed kept, when any field is wrong."""
    site = _importable_site(request, site_id, principal)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str) and k in BODY_FIELDS}
    try:
        case_pk = await run_in_threadpool(
            enter_body,
            request.app.state.engine,
            form,
            site["name"],
            principal.name,
            None,
            client_address(request),
        )
    except EntryRefused as refused:
        problems = [
            {"fields": [f.strip() for f in field.split(",")], "reason": r} for field, r in refused.problems
        ]
        return _import_page(request, site, 422, error="entry", problems=problems, form=form)
    return RedirectResponse(f"/remains/{case_pk}", status_code=303)
