"""Without the server extra: the install command, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

HIDE_STARLETTE = "import sys\nsys.modules['starlette'] = None\n"
HINT = 'pip install "fpcore[server]"'


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", HIDE_STARLETTE + code], capture_output=True, text=True, timeout=60
    )


def test_import_names_the_extra() -> None:
    done = _run(
        "try:\n"
        "    import fpcore.server\n"
        "except ModuleNotFoundError as error:\n"
        "    print(error, error.name)\n"
    )
    assert done.returncode == 0, done.stderr
    assert HINT in done.stdout
    assert "starlette" in done.stdout


def test_import_fpcore_loads_no_server() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, fpcore, fpcore.policies, fpcore.serialization; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('starlette', 'uvicorn', 'orjson') or m.startswith('fpcore.server')))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_serve_command_names_the_extra() -> None:
    pytest.importorskip("typer", reason="needs the cli extra")
    done = _run("from fpcore.cli import main; sys.argv = ['fpcore', 'serve']; main()")
    assert done.returncode == 1
    assert HINT in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
