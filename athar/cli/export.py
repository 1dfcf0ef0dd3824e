"""`athar export records|persons|pfif`: the store out, in the format asked for, each export audited."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from athar.cli.common import DbOption, UserOption, command_group, err, fail, open_cli_store

app = command_group("Write the store's records out.")


Out = Annotated[
    str, typer.Option("--out", "-o", help="File to write (its extension says the format), or - for stdout.")
]
Format = Annotated[
    str | None, typer.Option("--format", "-f", help="csv, xlsx, jsonl or parquet (default: from --out).")
]


def _export(
    table: str, out: str, fmt: str | None, db: str | None, user: str | None, source: str | None
) -> None:
    """Write one export table for the acting operator, audited; one line on standard error."""
    from athar.accounts.permissions import operator
    from athar.audit import current_user, record_event
    from athar.exports import STDOUT, TABLES, ExportFormatError, format_for, write_table

    try:
        chosen = format_for(out, fmt)
    except ExportFormatError as e:
        raise fail(str(e)) from None
    columns, rows_of = TABLES[table]
    with open_cli_store(db) as engine:
        acting = current_user(user)
        rows = rows_of(engine, operator(acting), source) if source else rows_of(engine, operator(acting))
        if out == STDOUT:
            count = write_table(columns, rows, sys.stdout.buffer, chosen)
            sys.stdout.buffer.flush()
        else:
            with open(out, "wb") as stream:
                count = write_table(columns, rows, stream, chosen)
        record_event(
            engine, acting, f"export_{table}", "source", source, detail={"rows": count, "format": chosen}
        )
    where = "standard output" if out == STDOUT else out
    err.print(f"wrote {count:,} {table} to {where} ({chosen})", highlight=False)


@app.command("records")
def export_records(
    out: Out,
    fmt: Format = None,
    source: Annotated[str | None, typer.Option("--source", "-s")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """One row per current record: source, the canonical columns, person_id."""
    _export("records", out, fmt, db, user, source)


@app.command("persons")
def export_persons(out: Out, fmt: Format = None, db: DbOption = None, user: UserOption = None) -> None:
    """One row per person: names in both scripts, sex, birth, status, sources, records."""
    _export("persons", out, fmt, db, user, None)


@app.command("pfif")
def export_pfif(
    out: Annotated[Path, typer.Option("--out", "-o", help="XML file to write.")],
    source: Annotated[str | None, typer.Option("--source", "-s")] = None,
    include_national_id: Annotated[bool, typer.Option(help="Also write national numbers.")] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Current records as PFIF 1.4 persons, for other tracing systems."""
    from athar.accounts.permissions import operator
    from athar.audit import current_user, record_event
    from athar.exports import export_pfif as write

    with open_cli_store(db) as engine:
        acting = current_user(user)
        count = write(engine, out, operator(acting), source, include_national_id)
        record_event(engine, acting, "export_pfif", "source", source, detail={"records": count})
    err.print(f"wrote {count:,} PFIF persons to {out}", highlight=False)


@app.command("quarantine")
def export_quarantine(
    source: Annotated[
        str, typer.Option("--source", "-s", help="The source whose open quarantined rows to write.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .csv or .xlsx.")],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="csv or xlsx (default: from --out).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """A source's open quarantined rows, with their original columns and the reasons, for fixing and
    re-importing as they are (the reason columns are ignored on import)."""
    from athar.accounts.permissions import operator
    from athar.audit import current_user, record_event
    from athar.ingest.quarantine_export import (
        QuarantineExportError,
        export_format,
        quarantine_table,
        write_quarantine,
    )

    try:
        chosen = export_format(str(out), fmt)
    except QuarantineExportError as e:
        raise fail(str(e)) from None
    with open_cli_store(db) as engine:
        acting = current_user(user)
        try:
            header, rows = quarantine_table(engine, operator(acting), source)
        except QuarantineExportError as e:
            raise fail(str(e)) from None
        with open(out, "wb") as stream:
            count = write_quarantine(header, rows, stream, chosen)
        record_event(
            engine, acting, "export_quarantine", "source", source, detail={"rows": count, "format": chosen}
        )
    err.print(f"wrote {count:,} quarantined rows of {source} to {out} ({chosen})", highlight=False)
