"""The import page: upload a list, preview its first rows, the column mapping Athar detects and the rows
an import would quarantine (with their reasons), change the mapping there if need be (one choice per
column, checked again before importing; plain HTML forms, no JavaScript needed), then import it
(`athar.ingest.import_file`) and see the counts and the quarantined rows with their reasons.

Between preview and import the upload waits in a private temporary folder of the app
(`athar.web.uploads`), under a random name that only the uploading user's form carries; it is deleted
once imported.

A source that an import creates belongs to the importer's organisation (private until that
organisation shares it); an existing source takes imports only from its own organisation's staff (or
an admin's, for a source that belongs to no organisation). The import sets a new source's kind; only
an admin's import changes an existing source's kind (403 otherwise, nothing written).
"""

from __future__ import annotations

import itertools
import re
import secrets
import shutil
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from athar.accounts.permissions import Principal
from athar.accounts.sources import may_change_kind_by_import, may_import_into
from athar.ingest import KindChangeRefused, UnreadableFile, import_file
from athar.ingest.dry_run import dry_run
from athar.ingest.mapping import IGNORE, load_mapping_file, resolve
from athar.ingest.readers import read_table
from athar.store.summary import quarantined_count, quarantined_rows
from athar.store.tables import CANONICAL_COLUMNS, SOURCE_KINDS
from athar.web.audit import audit
from athar.web.import_mapping import MappingChoiceError, chosen_columns, write_mapping
from athar.web.permissions import require
from athar.web.templates import render
from athar.web.uploads import one_line, safe_name, save_upload, upload_root

router = APIRouter()
PREVIEW_ROWS = 5
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


def _pending(request: Request, token: str, principal: Principal) -> tuple[Path, Path, Path | None]:
    """The folder of an upload this user made, its data file and its mapping file (if any)."""
    if not TOKEN.match(token):
        raise HTTPException(status_code=404, detail="no such upload")
    folder = upload_root(request) / token
    owner = folder / ".owner"
    if not owner.is_file() or owner.read_text() != principal.name:
        raise HTTPException(status_code=404, detail="no such upload")
    files = [p for p in folder.iterdir() if p.name not in (".owner", "mapping.toml")]
    if len(files) != 1:
        raise HTTPException(status_code=404, detail="no such upload")
    mapping = folder / "mapping.toml"
    return folder, files[0], mapping if mapping.is_file() else None


def clean_kind(kind: str | None) -> str | None:
    """The kind chosen on a form: one of SOURCE_KINDS, or None for "keep it / as the mapping says"."""
    kind = (kind or "").strip()
    return kind if kind in SOURCE_KINDS else None


def _form(request: Request, status_code: int = 200, **context) -> HTMLResponse:
    context = {"error": None, "source": "", "kind": "", **context}
    return render(request, "import.html", status_code, stage="upload", kinds=SOURCE_KINDS, **context)


@router.get("/import", response_class=HTMLResponse)
def import_form(
    request: Request, principal: Annotated[Principal, Depends(require("records.import"))]
) -> HTMLResponse:
    return _form(request)


@router.post("/import/preview", response_class=HTMLResponse)
async def import_preview(
    request: Request,
    principal: Annotated[Principal, Depends(require("records.import"))],
    file: Annotated[UploadFile | None, File()] = None,
    source: Annotated[str, Form()] = "",
    mapping: Annotated[UploadFile | None, File()] = None,
    kind: Annotated[str, Form()] = "",
) -> HTMLResponse:
    source, kind = source.strip(), clean_kind(kind) or ""
    if file is None or not file.filename or not source:
        return _form(request, 422, error="missing", source=source, kind=kind)
    if not may_import_into(request.app.state.engine, source, principal):
        return _form(request, 403, error="owner", source=source, kind=kind)
    token = secrets.token_urlsafe(24)
    folder = upload_root(request) / token
    folder.mkdir()
    (folder / ".owner").write_text(principal.name)
    path = folder / safe_name(file.filename)
    try:
        await save_upload(file, path)
        mapping_path = None
        if mapping is not None and mapping.filename:
            mapping_path = folder / "mapping.toml"
            await save_upload(mapping, mapping_path)
        return _preview_page(request, token, path, mapping_path, source, kind)
    except UnreadableFile as error:
        shutil.rmtree(folder, ignore_errors=True)
        return _form(request, 422, error="file", message=one_line(error), source=source, kind=kind)


def _preview_page(
    request: Request,
    token: str,
    path: Path,
    mapping_path: Path | None,
    source: str,
    kind: str,
    status_code: int = 200,
    message: str | None = None,
) -> HTMLResponse:
    """The preview of an upload: its first rows, the mapping (as choices to change), and the rows an
    import with that mapping would quarantine. Raises UnreadableFile (a MappingError included)."""
    mapping_file = load_mapping_file(mapping_path) if mapping_path else None
    options = mapping_file.options if mapping_file else {}
    table = read_table(path, encoding=options.get("encoding"), sheet=options.get("sheet"))
    resolved = resolve(table.columns, mapping_file, path.name)
    first = list(itertools.islice(table.rows, PREVIEW_ROWS))
    check = dry_run(itertools.chain(first, table.rows), resolved)
    feeds = {column: field for field, column in resolved.columns.items()}
    return render(
        request,
        "import.html",
        status_code,
        stage="preview",
        error="mapping" if message else None,
        message=message,
        token=token,
        source=source,
        kind=kind,
        mapping_kind=options.get("kind"),
        file_name=path.name,
        file_format=table.file_format,
        encoding=table.encoding,
        columns=table.columns,
        rows=[row.values for row in first],
        mapping=resolved.columns,
        feeds=feeds,
        fields=CANONICAL_COLUMNS,
        unmapped=resolved.unmapped,
        check=check,
    )


def _apply_choices(form: dict[str, str], path: Path, folder: Path, mapping_path: Path | None) -> Path | None:
    """Write the mapping chosen on the preview's form beside the upload (if it changes anything); the
    mapping file the import is then to read. MappingChoiceError when the choices contradict."""
    mapping_file = load_mapping_file(mapping_path) if mapping_path else None
    options = mapping_file.options if mapping_file else {}
    table = read_table(path, encoding=options.get("encoding"), sheet=options.get("sheet"))
    chosen = chosen_columns(form, table.columns)
    if chosen is None:
        return mapping_path
    current = resolve(table.columns, mapping_file, path.name).columns
    feeds = {column: field for field, column in current.items()}
    if chosen == {column: feeds.get(column, IGNORE) for column in table.columns}:
        return mapping_path
    target = folder / "mapping.toml"
    write_mapping(target, chosen)
    return target


async def _text_fields(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


@router.post("/import/preview/mapping", response_class=HTMLResponse)
async def import_preview_mapping(
    request: Request,
    principal: Annotated[Principal, Depends(require("records.import"))],
    token: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The preview again, with the column mapping the user chose on it."""
    source, kind = source.strip(), clean_kind(kind) or ""
    folder, path, mapping_path = _pending(request, token, principal)
    form = await _text_fields(request)

    def again() -> HTMLResponse:
        try:
            chosen_path = _apply_choices(form, path, folder, mapping_path)
        except MappingChoiceError as error:
            return _preview_page(request, token, path, mapping_path, source, kind, 422, str(error))
        return _preview_page(request, token, path, chosen_path, source, kind)

    try:
        return await run_in_threadpool(again)
    except UnreadableFile as error:
        return _form(request, 422, error="file", message=one_line(error), source=source, kind=kind)


@router.post("/import", response_class=HTMLResponse)
async def import_run(
    request: Request,
    principal: Annotated[Principal, Depends(require("records.import"))],
    token: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
) -> HTMLResponse:
    source, kind = source.strip(), clean_kind(kind) or ""
    if not token or not source:
        return _form(request, 422, error="missing", source=source, kind=kind)
    folder, path, mapping_path = _pending(request, token, principal)
    engine = request.app.state.engine
    if not may_import_into(engine, source, principal):
        shutil.rmtree(folder, ignore_errors=True)
        return _form(request, 403, error="owner", source=source, kind=kind)
    form = await _text_fields(request)
    try:
        mapping_path = await run_in_threadpool(_apply_choices, form, path, folder, mapping_path)
    except MappingChoiceError as error:
        page = run_in_threadpool(
            _preview_page, request, token, path, mapping_path, source, kind, 422, str(error)
        )
        return await page
    except UnreadableFile as error:
        shutil.rmtree(folder, ignore_errors=True)
        return _form(request, 422, error="file", message=one_line(error), source=source, kind=kind)
    try:
        result, quarantined = await run_in_threadpool(
            run_import, request, principal, path, source, mapping_path, kind or None
        )
    except UnreadableFile as error:
        return _form(request, 422, error="file", message=one_line(error), source=source, kind=kind)
    except KindChangeRefused:
        return _form(request, 403, error="kind", source=source, kind=kind)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for q in quarantined:
        q["cells"] = quarantine_cells(q["raw"], q["field"], result.columns)
        q["fields"] = [f.strip() for f in (q["field"] or "").split(",") if f.strip()]
    # Rows this import refused that an earlier import of another file had already quarantined.
    elsewhere = result.quarantined - quarantined_count(engine, result.import_id)
    return render(
        request, "import.html", stage="done", error=None, result=result, quarantined=quarantined,
        source=source, quarantined_elsewhere=max(elsewhere, 0),
    )  # fmt: skip


def run_import(
    request: Request,
    principal: Principal,
    path: Path,
    source: str,
    mapping_path: Path | None,
    kind: str | None,
    limit: int = 200,
):
    """Import one uploaded file (the caller checked `may_import_into`); audit it; return the result and
    up to `limit` of the rows this file had quarantined (this import's, and those of earlier imports of
    the same file, which a re-import does not store twice)."""
    engine = request.app.state.engine
    result = import_file(
        engine, path, source, mapping_path=mapping_path, user=principal.name, kind=kind,
        organisation_id=principal.organisation_id, may_change_kind=may_change_kind_by_import(principal),
    )  # fmt: skip
    audit(
        request, principal, "records.import", "source", source,
        {"import_id": result.import_id, "read": result.read, "stored": result.stored,
         "quarantined": result.quarantined, "kind": result.kind},
    )  # fmt: skip
    return result, quarantined_rows(engine, limit=limit, import_id=result.import_id)


def quarantine_cells(raw: dict, fields: str | None, columns: dict[str, str]) -> list[dict]:
    """A quarantined row as the page shows it: each of the file's columns with its value, the Athar
    field it feeds (from the import's mapping, canonical -> file column), and whether that field is one
    the row was refused for. A row of the wrong shape marks its surplus cells (`_extra_N`)."""
    problems = {f.strip() for f in (fields or "").split(",") if f.strip()}
    feeds = {column: field for field, column in columns.items()}
    return [
        {
            "column": column,
            "value": "" if value is None else str(value),
            "field": feeds.get(column),
            "problem": feeds.get(column) in problems or (not problems and column.startswith("_extra_")),
        }
        for column, value in (raw or {}).items()
    ]
