"""``fpcore notice`` and ``fpcore register`` through typer's test runner."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from fpcore.cli import app
from fpcore.model import sample_household
from fpcore.serialization import dumps
from fpcore.workflows import dumps_applications, sample_applicant
from tests.workflows.helpers import granted, on_notice, submitted

runner = CliRunner()


def write_applications(tmp_path: Path) -> Path:
    path = tmp_path / "applications.json"
    path.write_text(dumps_applications([on_notice()]), encoding="utf-8")
    return path


def write_population(tmp_path: Path) -> Path:
    path = tmp_path / "population.json"
    text = "[" + dumps(sample_household()) + "," + dumps(sample_applicant()) + "]"
    path.write_text(text, encoding="utf-8")
    return path


def test_notice_prints_the_masked_notice(tmp_path: Path) -> None:
    result = runner.invoke(app, ["notice", str(write_applications(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "李*英" in result.output
    assert "371121********3488" in result.output
    assert "李桂英" not in result.output
    assert "2008-03-21 至 2008-03-27（7天）" in result.output


def test_notice_formats_and_options(tmp_path: Path) -> None:
    path = write_applications(tmp_path)
    html = runner.invoke(app, ["notice", str(path), "--format", "html", "--contact", "<局>"])
    assert html.exit_code == 0, html.output
    assert "&lt;局&gt;" in html.output
    out = runner.invoke(app, ["notice", str(path), "--format", "csv", "--posted-on", "2008-03-21"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert rows[0]["notice_from"] == "2008-03-21"
    # issue 14, item 4: the printed period can no longer differ from the enforced one
    moved = runner.invoke(app, ["notice", str(path), "--posted-on", "2008-04-01"])
    assert moved.exit_code == 1
    assert "must show that period" in moved.output


def test_notice_errors_exit_1_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "open.json"
    path.write_text(dumps_applications([submitted()]), encoding="utf-8")
    result = runner.invoke(app, ["notice", str(path)])
    assert result.exit_code == 1
    assert "not approved by the city" in result.output
    missing = runner.invoke(app, ["notice", str(tmp_path / "none.json")])
    assert missing.exit_code == 1
    assert "cannot read" in missing.output
    bad_day = runner.invoke(app, ["notice", str(write_applications(tmp_path)), "--posted-on", "x"])
    assert bad_day.exit_code == 2  # a bad option value is a usage error
    assert "--posted-on" in bad_day.output
    assert "Traceback" not in bad_day.output


def test_register_from_a_list_file(tmp_path: Path) -> None:
    population = write_population(tmp_path)
    result = runner.invoke(
        app, ["register", "--policy", "county", "--period", "2008Q2", str(population)]
    )
    assert result.exit_code == 0, result.output
    assert "洪凝镇 (371121100): 660.00" in result.output
    assert "合计 total: 660.00 (3 lines)" in result.output
    assert "张秀娟" not in result.output


def test_register_from_a_directory_office_copy_as_csv(tmp_path: Path) -> None:
    folder = tmp_path / "households"
    folder.mkdir()
    (folder / "a.json").write_text(dumps(sample_household()), encoding="utf-8")
    (folder / "b.json").write_text(dumps(sample_applicant()), encoding="utf-8")
    result = runner.invoke(
        app, ["register", "--period", "2008", "--copy", "office", "--format", "csv", str(folder)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["name"] for r in rows} == {"张秀娟", "李桂英", "赵德明"}


def test_register_with_applications_pays_arrears(tmp_path: Path) -> None:
    population = write_population(tmp_path)
    apps = tmp_path / "granted.json"
    apps.write_text(dumps_applications([granted()]), encoding="utf-8")
    result = runner.invoke(
        app,
        ["register", "--period", "2008Q1", "--applications", str(apps), str(population)],
    )
    assert result.exit_code == 0, result.output
    assert "当期 2008-03" in result.output


def test_register_errors_name_the_bad_item(tmp_path: Path) -> None:
    folder = tmp_path / "households"
    folder.mkdir()
    (folder / "bad.json").write_text('{"schema_version": 1}', encoding="utf-8")
    result = runner.invoke(app, ["register", "--period", "2008Q1", str(folder)])
    assert result.exit_code == 1
    assert "bad.json.household_id" in result.output
    population = write_population(tmp_path)
    for args in (["--period", "2008Q5"], ["--policy", "atlantis"]):
        out = runner.invoke(app, ["register", *args, str(population)])
        assert out.exit_code == 2  # a bad option value is a usage error
        assert args[0] in out.output
        assert "Traceback" not in out.output


def test_the_example_applications_are_current() -> None:
    """The example applications carry checks stamped with the county policy's hash."""
    import runpy

    root = Path(__file__).resolve().parents[2]
    made = runpy.run_path(str(root / "scripts" / "make_examples.py"))["applications"]()
    written = (root / "examples" / "applications.json").read_text(encoding="utf-8")
    assert written == dumps_applications(made) + "\n", (
        "a policy changed: run python scripts/make_examples.py"
    )
