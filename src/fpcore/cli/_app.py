"""The typer application every command module adds itself to.

Each command lives in its own private module (``_validate``, ``_indicators``, ...)
that decorates functions with ``@app.command()``; :mod:`fpcore.cli` imports them all.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="fpcore",
    help="fpcore: family-planning policy as tested code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
