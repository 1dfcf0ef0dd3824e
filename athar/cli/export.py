"""`athar export records|pfif`: the store's current records out, each export audited."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from athar.cli.common import DbOption, UserOption, command_group, err, open_cli_store

app = command_group("Write the store's records out.")


@app.command("records")
def export_records(
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")],
    source: Annotated[str | None, typer.Option("--source", "-s")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Canonical columns of every current record, with source and person_id."""
    from athar.accounts.permissions import operator
    from athar.audit import current_user, record_event
    from athar.exports import export_records_csv

    with open_cli_store(db) as engine:
        acting = current_user(user)
        count = export_records_csv(engine, out, operator(acting), source)
        record_event(engine, acting, "export_records", "source", source, detail={"records": count})
    err.print(f"wrote {count:,} records to {out}", highlight=False)


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
