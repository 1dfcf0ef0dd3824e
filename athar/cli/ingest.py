"""`athar import`, `athar sources`, `athar quarantine`: lists in, and what became of their rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from athar.cli.common import DbOption, JsonFlag, UserOption, console, fail, open_cli_store, progress_bar


def import_(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, JSON, JSON Lines or PFIF 1.4 XML file.")],
    source: Annotated[str, typer.Option("--source", "-s", help="Name of the list this file belongs to.")],
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="TOML column mapping.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding; detected when not given.")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="What kind of list the source is: family_report, detention_register, hospital_or_morgue, "
            "returnee_registration or other (sets it; a new source without one is 'other')."
        ),
    ] = None,
    json_out: JsonFlag = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Import one file into a source: every row stored or quarantined with its reason."""
    from athar.audit import current_user
    from athar.ingest import StoreBusy, UnreadableFile, import_file
    from athar.store.tables import SOURCE_KINDS

    if kind is not None and kind not in SOURCE_KINDS:
        raise fail(f"--kind must be one of: {', '.join(SOURCE_KINDS)}")
    with open_cli_store(db) as engine, progress_bar() as progress:
        task = progress.add_task(f"importing {file.name}", total=None)
        try:
            result = import_file(
                engine,
                file,
                source,
                mapping_path=mapping,
                encoding=encoding,
                sheet=sheet,
                user=current_user(user),
                progress=lambda n: progress.update(task, completed=n),
                kind=kind,
            )
        except (UnreadableFile, StoreBusy) as e:
            raise fail(str(e)) from None
        except ValueError as e:
            raise fail(f"{file}: {e}") from None
    if json_out:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return
    console.print(
        f"[bold]{file.name}[/] → source [bold]{source}[/] ({result.kind}): read {result.read:,}, "
        f"stored {result.stored:,} "
        f"({result.new:,} new, {result.new_versions:,} new versions, {result.unchanged:,} unchanged), "
        f"quarantined {result.quarantined:,}",
        highlight=False,
    )
    if result.same_file_imported_before:
        console.print("This exact file was imported into this source before; nothing new was added.")
    if result.unmapped_columns:
        console.print(
            f"Columns kept in the raw row only: {', '.join(result.unmapped_columns)}", highlight=False
        )
    if result.quarantined:
        console.print(f"See the reasons with: athar quarantine --source {source}", highlight=False)


def sources(db: DbOption = None, json_out: JsonFlag = False) -> None:
    """List sources with their record, import and quarantine counts."""
    from athar.store.summary import source_summaries

    with open_cli_store(db) as engine:
        rows = source_summaries(engine)
    if json_out:
        print(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table("source", "kind", "records", "versions", "quarantined", "imports", "last import")
    for r in rows:
        table.add_row(
            r["source"],
            r["kind"],
            f"{r['records']:,}",
            f"{r['versions']:,}",
            f"{r['quarantined']:,}",
            str(r["imports"]),
            str(r["last_import"] or ""),
        )
    console.print(table)


def quarantine(
    source: Annotated[str | None, typer.Option("--source", "-s")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows (0: all).")] = 50,
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """List quarantined rows with the field and reason that stopped each."""
    from athar.audit import current_user, record_event
    from athar.store.summary import quarantined_rows

    with open_cli_store(db) as engine:
        rows = quarantined_rows(engine, source, limit or None)
        record_event(
            engine, current_user(user), "view_quarantine", "source", source, detail={"rows": len(rows)}
        )
    if json_out:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("source", "file", "row", "field", "reason", "raw values")
    for r in rows:
        raw = "; ".join(f"{k}={v}" for k, v in r["raw"].items() if v)
        table.add_row(r["source"], r["file"], str(r["row_number"]), r["field"] or "", r["reason"], raw[:80])
    console.print(table)
