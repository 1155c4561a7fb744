"""``fpcore indicators``, driven through typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import fpcore.cli._indicators as _indicators  # registers the command
from fpcore.cli._app import app

runner = CliRunner()
EXAMPLE = Path(__file__).parent / "data" / "register"


def test_command_is_registered() -> None:
    assert _indicators.indicators.__name__ == "indicators"


def test_table_by_township() -> None:
    result = runner.invoke(app, ["indicators", str(EXAMPLE), "--year", "2008"])
    assert result.exit_code == 0, result.output
    assert "示例县" in result.output
    assert "150.00:100" in result.output
    assert "basis: registered" in result.output


def test_json_by_village() -> None:
    result = runner.invoke(
        app, ["indicators", str(EXAMPLE), "--year", "2008", "--by", "village", "--json"]
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    villages = {r["village"] for r in records if r["level"] == "village"}
    assert villages == {"东村", "南村", "西村"}
    ratio = next(
        r for r in records if r["area"] == "示例县" and r["indicator"] == "sex_ratio_at_birth"
    )
    assert (ratio["numerator"], ratio["denominator"], ratio["value"]) == ("3", "2", "150.00")


def test_settings_options() -> None:
    result = runner.invoke(
        app,
        [
            "indicators",
            str(EXAMPLE),
            "--year",
            "2008",
            "--by",
            "county",
            "--basis",
            "resident",
            "--population",
            "mid-year",
            "--defects",
            "live",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert {r["basis"] for r in records} - {None} == {"resident"}
    defect = next(r for r in records if r["indicator"] == "birth_defect_incidence")
    assert defect["note"] == "denominator: live births"


def test_bad_register_exits_1_with_every_problem(tmp_path: Path) -> None:
    result = runner.invoke(app, ["indicators", str(tmp_path), "--year", "2008"])
    assert result.exit_code == 1
    assert "register.json" in result.output
