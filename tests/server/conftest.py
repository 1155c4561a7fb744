"""A real server process (``fpcore serve`` on 127.0.0.1, a free port) for the HTTP tests.

Each test module skips when the ``server`` extra (starlette, uvicorn) or httpx is
missing (``pytest.importorskip`` there: a skip raised in a conftest is an error).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import httpx


def needs_the_server_extra() -> None:
    """Skip the calling test module unless starlette, uvicorn and httpx import."""
    pytest.importorskip("starlette", reason="needs the server extra")
    pytest.importorskip("uvicorn", reason="needs the server extra")
    pytest.importorskip("httpx", reason="the HTTP tests use httpx")


class Server:
    """The running server: its base URL and what it has logged so far."""

    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log

    def logged(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import httpx

    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    command = [
        sys.executable,
        "-c",
        "from fpcore.cli import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield Server(url, log)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def client(server: Server) -> Iterator[httpx.Client]:
    import httpx

    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http
