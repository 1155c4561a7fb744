"""The ``fpcore`` command line (extra ``cli``: typer + rich).

Commands: ``fpcore demo``, ``fpcore validate FILE...``, ``fpcore schema``, and the
commands of the other parts (``fpcore indicators``...). Run ``fpcore --help``.
"""

from __future__ import annotations

from fpcore.cli import _documents as _documents  # registers validate, schema, demo
from fpcore.cli import _indicators as _indicators  # registers indicators
from fpcore.cli import _policies as _policies  # registers evaluate, policies
from fpcore.cli import _workflows as _workflows  # registers notice, register
from fpcore.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``fpcore`` console script."""
    app()
