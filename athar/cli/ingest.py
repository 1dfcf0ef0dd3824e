"""`athar import`, `athar sources`, `athar quarantine`: lists in, and what became of their rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from athar.cli.common import DbOption, JsonFlag, UserOption, console, fail, open_cli_store, progress_bar
from athar.cli.tables import flagged_table, quarantine_table, sources_table
from athar.errors import AtharError

if TYPE_CHECKING:
    from sqlalchemy import Engine


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
    bad_field: Annotated[
        str,
        typer.Option(
            help="quarantine: a row with a bad value is quarantined whole (default); blank: a row whose "
            "only problems are field values is kept with those fields blank and flagged "
            "(see athar quarantine --flagged)."
        ),
    ] = "quarantine",
    org: Annotated[
        str | None,
        typer.Option(
            "--org", help="Organisation that owns the source if this import creates it (must exist)."
        ),
    ] = None,
    json_out: JsonFlag = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Import one file into a source: every row stored or quarantined with its reason."""
    from athar.audit import current_user
    from athar.ingest import StoreBusy, UnreadableFile, import_file
    from athar.ingest.quarantine_loop import BAD_FIELD_POLICIES
    from athar.store.tables import SOURCE_KINDS

    if kind is not None and kind not in SOURCE_KINDS:
        raise fail(f"--kind must be one of: {', '.join(SOURCE_KINDS)}")
    if bad_field not in BAD_FIELD_POLICIES:
        raise fail(f"--bad-field must be one of: {', '.join(BAD_FIELD_POLICIES)}")
    with open_cli_store(db) as engine, progress_bar() as progress:
        organisation_id = _organisation_id(engine, org) if org is not None else None
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
                organisation_id=organisation_id,
                bad_field=bad_field,
            )
        except (UnreadableFile, StoreBusy) as e:
            raise fail(str(e)) from None
        except AtharError as e:
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
    if result.kept_with_blanks:
        console.print(
            f"Kept with bad fields blanked: {result.kept_with_blanks:,} "
            f"(see them with: athar quarantine --flagged --source {source})",
            highlight=False,
        )
    if result.quarantine_resolved or result.flags_resolved:
        console.print(
            f"Resolved by this import: {result.quarantine_resolved:,} quarantined rows, "
            f"{result.flags_resolved:,} flagged records",
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
    table = sources_table(rows)
    console.print(table)


def quarantine(
    source: Annotated[str | None, typer.Option("--source", "-s")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows (0: all).")] = 50,
    resolved: Annotated[
        bool, typer.Option("--resolved", help="Also list rows a later import has resolved, marked so.")
    ] = False,
    flagged: Annotated[
        bool,
        typer.Option("--flagged", help="List the records kept with bad fields blanked (--bad-field blank)."),
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """List open quarantined rows with the field and reason that stopped each (or flagged records)."""
    from athar.audit import current_user, record_event
    from athar.store.summary import flagged_rows, quarantined_rows

    with open_cli_store(db) as engine:
        if flagged:
            rows = flagged_rows(engine, source, limit or None)
        else:
            rows = quarantined_rows(engine, source, limit or None, include_resolved=resolved)
        action = "view_flagged" if flagged else "view_quarantine"
        record_event(engine, current_user(user), action, "source", source, detail={"rows": len(rows)})
    if json_out:
        print(json.dumps(rows, ensure_ascii=False))
        return
    console.print(flagged_table(rows) if flagged else quarantine_table(rows, resolved))


def _organisation_id(engine: Engine, name: str) -> int:
    """The id of organisation `name`; a clear refusal when there is none (it is never created here)."""
    from sqlalchemy import select

    from athar.store.tables import Organisation

    with engine.connect() as conn:
        found = conn.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one_or_none()
    if found is None:
        raise fail(
            f"--org: no organisation named {name!r}; an import never creates one (an admin adds it first)"
        )
    return found
