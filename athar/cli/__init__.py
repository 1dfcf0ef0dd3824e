"""The `athar` command: one Typer app, one module per command group; every verb a thin call into the
package that does the work."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from athar import __version__
from athar.cli import (
    accounts,
    cases,
    estimate,
    export,
    ingest,
    link,
    remains,
    requests,
    review,
    search,
    serve,
    synth,
)
from athar.cli.common import fail
from athar.errors import AtharError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Athar (أثر): find Syria's missing. Lossless ingest, Arabic-aware linkage, estimation.",
    pretty_exceptions_show_locals=False,  # locals may hold personal data: never print them
    rich_markup_mode=None,  # plain help, as `command_group`'s: reads at 80 columns, flags without a type
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"athar {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Athar (أثر): find Syria's missing. Lossless ingest, Arabic-aware linkage, estimation."""


app.add_typer(export.app, name="export")
app.add_typer(review.app, name="review")
app.add_typer(accounts.users_app, name="users")
app.add_typer(accounts.tokens_app, name="tokens")
app.add_typer(requests.app, name="requests")
app.add_typer(cases.app, name="cases")
app.add_typer(remains.sites_app, name="sites")
app.add_typer(remains.remains_app, name="remains")
app.add_typer(remains.dna_app, name="dna")

app.command("import")(ingest.import_)
app.command()(ingest.sources)
app.command()(ingest.quarantine)
app.command()(synth.synth)
app.command()(synth.demo)
app.command()(link.link)
app.command()(link.explain)
app.command()(estimate.estimate)
app.command()(estimate.report)
app.command("search")(search.search_cmd)
app.command()(serve.serve)


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except AtharError as e:  # one a command did not catch itself: still one line, never a traceback
        raise SystemExit(fail(str(e)).exit_code) from None
