"""The ``fpcore`` command line (extra ``cli``: typer + rich).

Commands: ``fpcore demo``, ``validate``, ``schema``, ``evaluate``, ``policies``,
``indicators``, ``notice``, ``register``, ``test``, ``import-register``,
``export-register``, ``whatif``, ``evaluate-dataset``. Run ``fpcore --help``. The contract
(stdout and stderr, exit codes, JSON errors, stdin) is in :mod:`fpcore.cli._contract`.

``main`` works on a core-only install too: without the ``cli`` extra it says how to
install it instead of failing with a traceback.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import typer

__all__ = ["app", "main"]

_COMMAND_MODULES = (
    "_documents",
    "_policies",
    "_indicators",
    "_workflows",
    "_cases",
    "_serve",
    "_registers",
    "_whatif",
    "_datasets",
)


def _load_app() -> typer.Typer:
    from importlib import import_module

    for name in _COMMAND_MODULES:  # each registers its commands on the shared app
        import_module(f"fpcore.cli.{name}")
    from fpcore.cli._app import app

    return app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return _load_app()
    raise AttributeError(f"module 'fpcore.cli' has no attribute {name!r}")


def main() -> None:
    """Entry point of the ``fpcore`` console script."""
    try:
        app = _load_app()
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in ("typer", "rich", "click"):
            raise
        print(
            f"fpcore's command line needs the cli extra ({error.name} is missing): "
            'pip install "fpcore[cli]"',
            file=sys.stderr,
        )
        raise SystemExit(1) from None
    app(prog_name="fpcore")
