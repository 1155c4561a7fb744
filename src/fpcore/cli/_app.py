"""The typer application every command module adds itself to.

Each command lives in its own private module (``_documents``, ``_indicators``, ...)
that decorates functions with ``@app.command()``; :mod:`fpcore.cli` imports them all.
Command modules import only typer and the standard library at the top and load the
parts of fpcore a command needs when it runs, so one command does not pay for the others.
"""

from __future__ import annotations

from typing import Annotated

import typer

from fpcore.cli._contract import FpcoreGroup

app = typer.Typer(
    name="fpcore",
    cls=FpcoreGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain usage errors, one line each: easy to grep, no rich import
)


def _show_version(value: bool) -> None:
    if value:
        from fpcore._version import __version__

        typer.echo(f"fpcore {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """fpcore: family-planning policy as tested code.

    Results go to stdout; notes and errors to stderr. Exit codes: 0 ok, 1 invalid
    input or a refused request, 2 usage. With --json, errors are JSON too. FILE
    arguments accept - for stdin.
    """
