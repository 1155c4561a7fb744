"""Policy test cases as data: the format, the runner's diffs, ``fpcore test`` and the
pytest plugin."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from fpcore.errors import InvalidInput
from fpcore.money import Money
from fpcore.policies import get
from fpcore.testing.cases import (
    build_household,
    case_schema,
    load_cases,
    parse_cases,
    run_case,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "cases"
PROJECT_CASES = ROOT / "tests" / "policy_cases"

WRONG = """
- name: a wrong total
  policy: county
  period: 2017
  household:
    mother: {born: 1970-05-01}
    father: {born: 1968-08-08}
    children: [{born: 1999-05-31}]
    honour_certificate: 2000-03-15
  expect:
    only_child_reward: {household: "120.00"}
  because: somebody forgot the 18th birthday
- name: a wrong month
  policy: county
  period: 2017
  household:
    mother: {born: 1970-05-01}
    father: {born: 1968-08-08}
    children: [{born: 1999-05-31}]
    honour_certificate: 2000-03-15
  expect:
    only_child_reward:
      household: {2017-01..2017-05: "50.00", 2017-06..2017-12: "70.00"}
  because: somebody thinks the reward runs to the end of the year
"""


def fpcore(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "fpcore.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _as_text(value: Any) -> Any:
    """YAML reads unquoted dates as dates; the schema describes the text."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return value


@pytest.mark.parametrize(
    "path", sorted([*PROJECT_CASES.glob("*.yaml"), *EXAMPLES.glob("*.yaml")]), ids=str
)
def test_every_case_file_matches_the_schema(path: Path) -> None:
    data = _as_text(yaml.safe_load(path.read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator(case_schema()).validate(data)


def test_the_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(case_schema())


def test_the_examples_pass() -> None:
    cases = load_cases(EXAMPLES)
    assert len(cases) >= 4
    assert all(run_case(case).passed for case in cases)
    done = fpcore("test", str(EXAMPLES))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("6 passed, 0 failed")


def test_a_wrong_total_fails_with_a_readable_diff() -> None:
    result = run_case(parse_cases(WRONG, source="wrong.cases.yaml")[0])
    assert not result.passed
    assert result.report().splitlines() == [
        "FAIL wrong.cases.yaml[0] a wrong total (county, 2017)",
        "  because: somebody forgot the 18th birthday",
        "  only_child_reward / household: expected 120.00, got 50.00 (-70.00)",
        "    got by month: 2017-01..2017-05 10.00 a month; 2017-06..2017-12 0.00 a month",
        "    2017-06: rule OCR did not apply: CHILD_NOT_PAST_18 (the only child has not "
        "passed the month of the 18th birthday: false)",
    ]


def test_a_wrong_month_is_named() -> None:
    result = run_case(parse_cases(WRONG, source="wrong.cases.yaml")[1])
    report = result.report()
    assert "expected 70.00 in 2017-06..2017-12, got 0.00 (-70.00)" in report
    assert "2017-06: rule OCR did not apply: CHILD_NOT_PAST_18" in report
    assert "2017-01..2017-05" not in report.split("got 0.00")[1].split("\n")[0]


def test_fpcore_test_fails_with_the_diff(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.cases.yaml"
    wrong.write_text(WRONG, encoding="utf-8")
    done = fpcore("test", str(EXAMPLES), str(wrong))
    assert done.returncode == 1
    assert "expected 120.00, got 50.00 (-70.00)" in done.stdout
    assert "2017-06: rule OCR did not apply" in done.stdout
    assert done.stdout.strip().endswith("6 passed, 2 failed")
    as_json = fpcore("test", str(wrong), "--json")
    records = json.loads(as_json.stdout)
    assert [r["ok"] for r in records] == [False, False]
    assert records[0]["differences"][0]["expected"] == "120.00"


def test_fpcore_test_under_another_policy() -> None:
    done = fpcore("test", str(EXAMPLES / "only_child_reward.cases.yaml"), "--policy", "national")
    assert done.returncode == 1  # the double fee is the county's own
    assert "FAIL" in done.stdout
    assert "(national, 2004Q2)" in done.stdout
    bad = fpcore("test", str(EXAMPLES), "--policy", "County")
    assert bad.returncode == 2
    assert "did you mean 'county'?" in bad.stderr


def test_an_unexpected_amount_is_a_difference() -> None:
    case = parse_cases(WRONG, source="x.yaml")[0]
    result = run_case(
        case, get("county").with_setting("only_child_reward_last_month", "month_before")
    )
    assert "expected 120.00, got 40.00" in result.report()


def test_bad_case_files_name_every_problem_by_path(tmp_path: Path) -> None:
    text = """
- name: typos
  period: 2017-13
  household:
    mother: {born: 1970-02-30, hukou: city}
    children: [{sex: male}]
    certificate: 2000-01-01
  expect:
    only_child_reward: {household: "ten", son: "1.00"}
"""
    with pytest.raises(InvalidInput) as caught:
        parse_cases(text, source="bad.yaml")
    paths = {p.path for p in caught.value.problems}
    assert paths >= {
        "bad.yaml[0].period",
        "bad.yaml[0].household.mother.born",
        "bad.yaml[0].household.mother.hukou",
        "bad.yaml[0].household.children[0].born",
        "bad.yaml[0].household.certificate",
        "bad.yaml[0].expect.only_child_reward.household",
        "bad.yaml[0].expect.only_child_reward.son",
    }
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    done = fpcore("test", str(path), "--json")
    assert done.returncode == 1
    error = json.loads(done.stderr)
    assert f"{path}[0].household.mother.born" in {p["path"] for p in error["problems"]}
    assert fpcore("test", str(tmp_path / "none.yaml")).returncode == 1


def test_build_household_reports_problems_by_path() -> None:
    with pytest.raises(InvalidInput) as caught:
        build_household({"mother": {"born": "1970-01-01", "hukou": "rural", "eyes": "brown"}})
    assert caught.value.problems[0].path == "mother.eyes"


def test_the_pytest_plugin_collects_case_files(tmp_path: Path) -> None:
    config = tmp_path / "pytest.ini"
    config.write_text("[pytest]\n", encoding="utf-8")
    wrong = tmp_path / "wrong.cases.yaml"
    wrong.write_text(WRONG, encoding="utf-8")
    ignored = tmp_path / "other.yaml"
    ignored.write_text("not: cases\n", encoding="utf-8")

    def pytest_run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-c",
                str(config),
                "-q",
                "-p",
                "no:cacheprovider",
                *args,
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )

    good = pytest_run(str(EXAMPLES))
    assert good.returncode == 0, good.stdout
    assert "6 passed" in good.stdout
    bad = pytest_run(str(tmp_path))
    assert bad.returncode == 1
    assert "2 failed" in bad.stdout
    assert "expected 120.00, got 50.00 (-70.00)" in bad.stdout
    assert "2017-06: rule OCR did not apply" in bad.stdout


def test_money_expectations_are_exact() -> None:
    case = parse_cases(WRONG, source="x.yaml")[1]
    expected = case.expect["only_child_reward"]["household"]
    assert expected == {"2017-01..2017-05": Money("50.00"), "2017-06..2017-12": Money("70.00")}


REFORM = ROOT / "examples" / "reforms" / "county-ocr-20.yaml"


def test_a_reform_file_as_the_policy_of_cases(tmp_path: Path) -> None:
    (case,) = load_cases(EXAMPLES / "reform.cases.yaml")
    assert case.reform is not None
    result = run_case(case)
    assert result.passed, result.report()
    assert result.policy_label == "county-ocr-20"
    under_reform = fpcore(
        "test", str(EXAMPLES / "only_child_reward.cases.yaml"), "--reform", str(REFORM)
    )
    assert under_reform.returncode == 0, under_reform.stdout  # the cases are before 2018
    wrong = tmp_path / "wrong.cases.yaml"
    wrong.write_text(WRONG.replace("period: 2017", "period: 2018"), encoding="utf-8")
    later = fpcore("test", str(wrong), "--reform", str(REFORM))
    assert later.returncode == 1
    assert "(county-ocr-20, 2018)" in later.stdout


def test_bad_reform_files_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad-reform.yaml"
    bad.write_text("schema_version: 1\nbase: County\n", encoding="utf-8")
    done = fpcore("test", str(EXAMPLES), "--reform", str(bad), "--json")
    assert done.returncode == 1
    error = json.loads(done.stderr)
    assert error["problems"][0]["path"].startswith(f"{bad}.base")
    both = fpcore("test", str(EXAMPLES), "--reform", str(REFORM), "--policy", "county")
    assert both.returncode == 2
    assert "give --policy or --reform, not both" in both.stderr
    missing = fpcore("test", str(EXAMPLES), "--reform", str(tmp_path / "none.yaml"))
    assert missing.returncode == 1
    assert "cannot read the reform file" in missing.stderr


def test_the_plugin_and_the_cases_do_not_load_hypothesis() -> None:
    """pytest loads the plugin in every session where fpcore is installed: it must stay
    cheap (hypothesis alone takes a few hundred ms to import)."""
    code = (
        "import sys\n"
        "import fpcore.testing._pytest_plugin\n"
        "from fpcore.testing.cases import load_cases, run_case\n"
        f"assert all(run_case(c).passed for c in load_cases({str(EXAMPLES)!r}))\n"
        "print(sorted(m for m in ('hypothesis', 'fpcore.testing.strategies') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
