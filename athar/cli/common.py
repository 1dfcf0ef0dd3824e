"""What every command shares: the console, the common options, opening the store, progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="ATHAR_DB", help="Store URL or SQLite file (default: athar.db here)."),
]
UserOption = Annotated[str | None, typer.Option("--user", help="Acting user for the audit log.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def command_group(help: str) -> typer.Typer:
    """A sub-command group (`athar users …`), with help laid out as every group's is: plain text that
    reads at 80 columns, flags without a type, options with theirs."""
    return typer.Typer(no_args_is_help=True, help=help, rich_markup_mode=None, add_completion=False)


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]athar: error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def open_cli_store(db: str | None) -> Iterator[Engine]:
    """The store at `db` (migrated), disposed of afterwards; a store that cannot be opened is a
    one-line error."""
    from sqlalchemy.exc import OperationalError

    from athar.store import open_store

    try:
        engine = open_store(db)
    except OperationalError as e:
        raise fail(f"cannot open the store: {str(e.orig).strip().splitlines()[0]}") from None
    try:
        yield engine
    finally:
        engine.dispose()


def progress_bar(transient: bool = True, disable: bool = False) -> Progress:
    """A bar on standard error, drawn only on a terminal (and never when `disable`, e.g. under
    --json, so that piped or machine-read output stays clean)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=disable or not err.is_terminal,
    )
