"""Guarded reading of files for every reader (issue 14, item 8)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fpcore.cli import app
from fpcore.errors import InvalidInput
from fpcore.serialization import MAX_DOCUMENT_BYTES, read_limited

runner = CliRunner()


def test_devices_directories_and_fifos_are_refused_without_reading(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not a regular file"):
        read_limited("/dev/zero")
    with pytest.raises(InvalidInput, match="not a regular file"):
        read_limited(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InvalidInput, match="not a regular file"):
        read_limited(fifo)  # 0.1 hung here


def test_large_files_are_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: nothing to read in fact
    with pytest.raises(InvalidInput, match="at most"):
        read_limited(big)
    with pytest.raises(InvalidInput, match="more than"):
        read_limited(io.BytesIO(b" " * (MAX_DOCUMENT_BYTES + 1)))
    assert read_limited(io.BytesIO(b"{}")) == b"{}"


def test_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"cannot read .*nowhere"):
        read_limited(tmp_path / "nowhere.json")


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "/dev/zero"],
        ["notice", "/dev/zero"],
        ["evaluate", "/dev/zero"],
        ["register", "/dev/zero"],
    ],
)
def test_commands_refuse_devices_cleanly(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "not a regular file" in result.output


def test_indicators_on_a_file_is_a_clean_error(tmp_path: Path) -> None:
    file = tmp_path / "x.json"
    file.write_text("{}")
    result = runner.invoke(app, ["indicators", str(file), "--year", "2008"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "not a directory" in result.output


def test_reform_files_are_read_through_the_guard(tmp_path: Path) -> None:
    from fpcore.testing.cases import load_reform

    with pytest.raises(InvalidInput, match="not a regular file"):
        load_reform("/dev/zero")
    big = tmp_path / "reform.toml"
    with big.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(InvalidInput, match="at most"):
        load_reform(big)


def test_deeply_nested_yaml_reforms_are_refused(tmp_path: Path) -> None:
    from fpcore.testing.cases import load_reform

    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 5000 + "]" * 5000)
    with pytest.raises(InvalidInput, match="nested too deeply"):
        load_reform(deep)  # a RecursionError before
