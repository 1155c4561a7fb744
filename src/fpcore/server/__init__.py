"""The HTTP JSON API (extra ``server``: Starlette on uvicorn): ``fpcore serve``.

Endpoints: ``POST /v1/decisions``, ``POST /v1/validate``, ``GET /v1/policies``,
``GET /v1/policies/{id}``, ``GET /v1/schemas/{household|decision|reform}``,
``GET /openapi.json``, ``GET /health``. Errors are ``application/problem+json``
with every problem of the input by path. See ``docs/server.md``.

Nothing here is imported by ``import fpcore``.

Example:
    >>> from fpcore.server import create_app
    >>> app = create_app()   # the catalogue's policies, built and compiled once
    >>> type(app).__name__
    'Starlette'
"""

from __future__ import annotations

import copy
import gc
from typing import Any

try:
    from starlette.applications import Starlette
except ModuleNotFoundError as error:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError(
        'fpcore.server needs the server extra: pip install "fpcore[server]"', name=error.name
    ) from error

from fpcore.server._app import create_app
from fpcore.server._problems import PROBLEM_TYPE

__all__ = ["PROBLEM_TYPE", "create_app", "log_config", "serve"]


def log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's logging configuration plus the ``fpcore.server`` logger at ``level``.

    The server logs one line per request with masked household ids, problem paths
    (never their messages, which may quote the input) and no client addresses.

    Example:
        >>> log_config("warning")["loggers"]["fpcore.server"]["level"]
        'WARNING'
    """
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["fpcore.server"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


def _served_app() -> Starlette:
    """The app as ``serve`` runs it: what is built at start-up (policies, compiled
    evaluators, schemas) is frozen out of the garbage collector's scans."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    workers: int = 1,
    log_level: str = "info",
) -> None:  # pragma: no cover - runs until stopped; tested through a real process
    """Run the API with uvicorn until stopped (Ctrl-C).

    Args:
        host: the address to listen on (loopback by default).
        port: the TCP port.
        workers: processes; each loads the policies once. On 2 cores, 1 or 2.
        log_level: ``debug``, ``info``, ``warning`` or ``error``.
    """
    import uvicorn

    uvicorn.run(
        "fpcore.server:_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        log_config=log_config(log_level),
        access_log=False,  # it logs client addresses; the app logs its own masked lines
        server_header=False,
    )
