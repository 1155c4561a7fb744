"""``fpcore serve [--host H] [--port P]``: the HTTP JSON API (extra ``server``)."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from fpcore.cli._app import app


class _Level(enum.StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="the address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="the TCP port", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="server processes; each loads the policies once", min=1, max=64)
    ] = 1,
    log_level: Annotated[_Level, typer.Option(help="the server's log level")] = _Level.info,
) -> None:
    """Serve the HTTP JSON API: decisions, validation, policies, schemas, OpenAPI.

    Runs until stopped (Ctrl-C). Logs go to stderr, one line per request, household
    ids masked. See the API page of the docs.
    """
    from fpcore.server import serve as run  # the server extra: starlette, uvicorn

    run(host, port, workers=workers, log_level=log_level.value)
