"""The command line, driven through typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fpcore.cli import app
from fpcore.model import Household, sample_history, sample_household
from fpcore.serialization import dumps, loads

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_example_file_is_the_embedded_sample() -> None:
    text = (ROOT / "examples" / "household.json").read_text(encoding="utf-8")
    assert loads(text, Household) == sample_history()
    text = (ROOT / "examples" / "household-v1.json").read_text(encoding="utf-8")
    assert loads(text, Household) == sample_household()


def test_validate_reads_every_household_document() -> None:
    names = ("household.json", "household-v1.json", "household-events.json")
    files = [str(ROOT / "examples" / name) for name in names]
    result = runner.invoke(app, ["validate", *files])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK") == 3


def test_demo_shows_the_sample_household_masked() -> None:
    result = runner.invoke(app, ["demo", "--households", "3000"])
    assert result.exit_code == 0, result.output
    assert "Synthetic county: 3,000 households" in result.output
    assert "what if reward assistance" in result.output
    assert "HN-0001" in result.output
    assert "张*娟" in result.output
    assert "张秀娟" not in result.output
    resident_id = sample_household().parents[0].resident_id
    assert resident_id is not None
    assert resident_id not in result.output


def test_the_demo_and_evaluate_name_benefits_not_rules() -> None:
    """One row per benefit and beneficiary, by the benefit's name, with why not in words
    (issue 11): no rule ids (OCR, RA, SA), no condition codes."""
    wide = {"COLUMNS": "240"}
    demo = runner.invoke(app, ["demo", "--households", "0"], env=wide)
    assert demo.exit_code == 0, demo.output
    example = str(Path(__file__).parents[2] / "examples" / "household.json")
    shown = runner.invoke(app, ["evaluate", example, "--period", "2017"], env=wide)
    assert shown.exit_code == 0, shown.output
    for output in (demo.output, shown.output):
        assert "Only-child parents' reward" in output
        assert "Special assistance for family-planning households" in output
        for word in ("OCR", "RA", "SA", "only_child_reward", "CHILD_NOT_PAST_18"):
            assert word not in output.split(), word
        assert "the only child has passed the month of the 18th birthday" in output
    zh = runner.invoke(app, ["evaluate", example, "--period", "2017", "--lang", "zh"], env=wide)
    assert "独生子女父母奖励费" in zh.output
    assert "男方" in zh.output
    assert "独生子女已满十八周岁" in zh.output


def test_validate_ok_and_invalid(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(dumps(sample_household()), encoding="utf-8")
    bad = tmp_path / "bad.json"
    data = json.loads(dumps(sample_household()))
    data["children"][0]["birth_date"] = "2019-02-30"
    data["colour"] = "red"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"OK {good}" in result.output
    assert "children[0].birth_date: 2019-02-30 is not a date" in result.output
    assert "colour: unknown field" in result.output


def test_validate_reports_unreadable_and_malformed_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(broken), str(tmp_path / "missing.json")])
    assert result.exit_code == 1
    assert "not valid JSON" in result.output
    assert "cannot read" in result.output
    assert "missing.json (No such file or directory)" in result.output
    assert "Traceback" not in result.output


def test_schema_prints_the_decision_schema() -> None:
    result = runner.invoke(app, ["schema", "decision"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "fpcore Decision document"
    assert schema["properties"]["schema_version"] == {"const": 3}
    refused = runner.invoke(app, ["schema", "notice"])
    assert refused.exit_code == 2


def test_schema_prints_the_household_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["properties"]["schema_version"] == {"const": 2}


def test_replay_says_identical_or_what_differs(tmp_path: Path) -> None:
    import fpcore.policies as policies
    from fpcore.periods import Year

    household = tmp_path / "household.json"
    household.write_text(dumps(sample_household()), encoding="utf-8")
    decision = tmp_path / "decision.json"
    made = policies.get("county").evaluate(sample_household(), Year(2008), explain=True)
    decision.write_text(made.to_json(), encoding="utf-8")
    same = runner.invoke(app, ["replay", str(decision), str(household)])
    assert same.exit_code == 0, same.output
    assert same.output.strip() == "identical"
    other = policies.get("national").evaluate(sample_household(), Year(2008))
    stamped = other.to_dict()
    stamped["stamp"]["policy_id"] = "county"  # recorded under another county policy
    decision.write_text(json.dumps(stamped), encoding="utf-8")
    differs = runner.invoke(app, ["replay", str(decision), str(household)])
    assert differs.exit_code == 1
    assert "the policy changed" in differs.output
    assert "only_child_reward for HN-0001: recorded 120.00" in differs.output
    missing = runner.invoke(app, ["replay", str(tmp_path / "none.json"), str(household)])
    assert missing.exit_code == 1
    assert "Traceback" not in missing.output
