"""Exports on the web: the records and persons tables in CSV, XLSX, JSON Lines or Parquet, holding only
what the user's organisation may see; each audited."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse

from athar.accounts.permissions import Principal
from athar.exports import FORMATS, MEDIA_TYPES, TABLES, write_table
from athar.web.audit import audit
from athar.web.permissions import require
from athar.web.person_refs import shown_id

router = APIRouter()
CHUNK = 1 << 16


def _by_reference(
    request: Request, principal: Principal, columns: tuple[str, ...], rows: Iterator[tuple]
) -> Iterator[tuple]:
    """The rows with each person id replaced by the user's reference for that person, as the pages show
    it (`athar.web.person_refs`); the command line's exports keep the internal ids."""
    at = columns.index("person_id")
    for row in rows:
        yield (*row[:at], shown_id(request, principal, row[at]), *row[at + 1 :])


def _spooled(table: str, fmt: str, request: Request, principal: Principal) -> tuple[Iterator[bytes], int]:
    """The export written to a spooled temporary file (XLSX and Parquet need the whole table before
    their first byte), then streamed out in chunks."""
    columns, rows_of = TABLES[table]
    spool = tempfile.SpooledTemporaryFile(max_size=32 << 20)  # noqa: SIM115 - the stream closes it
    rows = _by_reference(request, principal, columns, rows_of(request.app.state.engine, principal))
    if table == "persons":  # in internal-id order, the rows would tell the order persons were found in
        at = columns.index("person_id")
        rows = iter(sorted(rows, key=lambda row: row[at]))
    count = write_table(columns, rows, spool, fmt)
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        try:
            while chunk := spool.read(CHUNK):
                yield chunk
        finally:
            spool.close()

    return chunks(), count


def _export(table: str, fmt: str, request: Request, principal: Principal) -> StreamingResponse:
    if fmt not in FORMATS:
        raise HTTPException(status_code=404)
    body, count = _spooled(table, fmt, request, principal)
    audit(request, principal, f"{table}.export", detail={"format": fmt, "rows": count})
    return StreamingResponse(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{table}.{fmt}"'},
    )


@router.get("/export/records.{fmt}")
def records_export(
    request: Request, fmt: str, principal: Annotated[Principal, Depends(require("records.export"))]
) -> StreamingResponse:
    """Current records of the sources this user may see, with their person ids."""
    return _export("records", fmt, request, principal)


@router.get("/export/persons.{fmt}")
def persons_export(
    request: Request, fmt: str, principal: Annotated[Principal, Depends(require("records.export"))]
) -> StreamingResponse:
    """One row per person this user sees a record of."""
    return _export("persons", fmt, request, principal)
