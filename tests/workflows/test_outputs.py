"""Outputs safe by construction: CSV cells and terminal text (issue 14, items 5 and 6)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import attrs
import pytest
from typer.testing import CliRunner

from fpcore.cli import app as cli
from fpcore.model import sample_household
from fpcore.periods import Year
from fpcore.policies import get
from fpcore.serialization import dumps
from fpcore.workflows import Copy, csv_cell, payment_register, public_notice
from tests.workflows.helpers import on_notice

runner = CliRunner()
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _safe(text: str) -> None:
    for cell in _cells(text):
        assert not cell.startswith(DANGEROUS) or cell.lstrip("-").replace(".", "").isdigit(), cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝"])
def test_csv_cell_neutralises_formula_starts(start: str) -> None:
    assert csv_cell(f"{start}HYPERLINK(1)").startswith("'")
    assert csv_cell("-12.50") == "-12.50"
    assert csv_cell("plain") == "plain"


def test_registers_neutralise_ids_and_names_in_both_copies() -> None:
    h = sample_household()
    mother = attrs.evolve(h.parents[0], name="=A1+B1")
    hostile = attrs.evolve(
        h, household_id='=HYPERLINK("http://evil.example")', parents=(mother, h.parents[1])
    )
    register = payment_register([hostile], get("county"), Year(year=2008))
    assert register.lines
    for copy in (Copy.PUBLIC, Copy.OFFICE):
        text = register.to_csv(copy)
        _safe(text)
        assert "'=HYPERLINK" in text
    assert "'=****1" in register.to_csv(Copy.PUBLIC)  # the masked name starts with '=' too
    assert "'=A1+B1" in register.to_csv(Copy.OFFICE)


def test_the_notice_csv_neutralises_the_contact() -> None:
    notice = public_notice([on_notice()], contact="=cmd|' /C calc'!A0")
    text = notice.to_csv()
    _safe(text)
    assert "'=cmd" in text


def _household_file(tmp_path: Path, household_id: str) -> Path:
    data = json.loads(dumps(sample_household()))
    data["household_id"] = household_id
    path = tmp_path / "h.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("household_id", ["HN[/]1", "[link=https://evil.example]点击领取[/link]"])
@pytest.mark.parametrize("command", ["demo", "evaluate"])
def test_user_text_is_never_terminal_markup(
    tmp_path: Path, household_id: str, command: str
) -> None:
    path = _household_file(tmp_path, household_id)
    args = [command, str(path)] + (["--households", "0"] if command == "demo" else [])
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.exception is None
    shown = household_id if command == "demo" else household_id[:6]
    assert shown in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "a[/]b.json"],
        ["evaluate", "examples/household.json", "--policy", "[/]"],
        ["evaluate", "examples/household.json", "--period", "[/]"],
        ["policies", "show", "[/x]"],
    ],
)
def test_markup_in_arguments_is_no_traceback(args: list[str]) -> None:
    """Issue 14, item 6: each of these ended in a Rich MarkupError traceback in 0.1."""
    root = Path(__file__).resolve().parents[2]
    args = [str(root / a) if a.startswith("examples/") else a for a in args]
    result = runner.invoke(cli, args)
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "[/" in result.output
