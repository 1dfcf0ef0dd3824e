"""`athar serve`: the web application and the JSON API."""

from __future__ import annotations

from typing import Annotated

import typer

from athar.cli.common import DbOption, fail
from athar.errors import AtharError


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    insecure_http: Annotated[
        bool, typer.Option("--insecure-http", help="Plain-http cookies, for a browser on this machine only.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Serve the web application (FastAPI) and the JSON API under /api/v1."""
    from athar.web.server import serve as serve_web

    try:
        serve_web(db, host=host, port=port, insecure_http=insecure_http)
    except AtharError as e:
        raise fail(str(e)) from None
