"""The command line's contract, tested on the real command in fresh processes.

stdout carries results only; notes and errors go to stderr; exit codes are 0 ok,
1 invalid input or a refused request, 2 usage; ``--json`` makes errors JSON; ``-``
reads stdin; no fpcore error becomes a traceback; a missing extra names its install
command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLD = ROOT / "examples" / "household.json"
APPLICATIONS = ROOT / "examples" / "applications.json"
POPULATION = ROOT / "examples" / "population.json"


def fpcore(*args: str, stdin: bytes = b"", prelude: str = "") -> subprocess.CompletedProcess[str]:
    """Run ``fpcore ARGS`` in a fresh interpreter (``prelude`` runs first, e.g. to hide a
    module as on an install without an extra)."""
    code = f"{prelude}\nfrom fpcore.cli import main\nmain()"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin.decode("utf-8"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def hide(*modules: str) -> str:
    """A prelude that makes importing ``modules`` fail as if they were not installed."""
    return (
        "import sys\n"
        "class _Hide:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {modules!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _Hide())\n"
    )


def bad_household(tmp_path: Path) -> Path:
    data = json.loads(HOUSEHOLD.read_text(encoding="utf-8"))
    data["children"][0]["birth_date"] = "2019-02-30"
    data["colour"] = "red"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def json_error(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    assert set(document) == {"error", "message", "problems"}
    return document


def test_version() -> None:
    from fpcore import __version__

    done = fpcore("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"fpcore {__version__}\n", "")


def test_results_on_stdout_errors_on_stderr(tmp_path: Path) -> None:
    good = fpcore("evaluate", str(HOUSEHOLD), "--period", "2008")
    assert good.returncode == 0
    assert "total 240.00" in good.stdout
    assert good.stderr == ""
    bad = fpcore("evaluate", str(bad_household(tmp_path)))
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert "children[0].birth_date: 2019-02-30 is not a date" in bad.stderr
    assert "colour: unknown field" in bad.stderr


def test_json_errors_carry_the_problem_list_with_paths(tmp_path: Path) -> None:
    bad = fpcore("evaluate", str(bad_household(tmp_path)), "--json")
    assert (bad.returncode, bad.stdout) == (1, "")
    error = json_error(bad.stderr)
    assert error["error"] == "invalid_input"
    paths = {p["path"] for p in error["problems"]}
    assert {"children[0].birth_date", "colour"} <= paths
    missing = json_error(fpcore("evaluate", "missing.json", "--json").stderr)
    assert (
        missing["problems"][0]["message"] == "cannot read missing.json (No such file or directory)"
    )


def test_usage_errors_exit_2_and_name_the_option() -> None:
    cases = {
        ("--policy", "County"): "did you mean 'county'?",
        ("--period", "2017-13"): "13 is not a month",
        ("--lang", "fr"): "'fr' is not one of",
    }
    for (option, value), expected in cases.items():
        done = fpcore("evaluate", str(HOUSEHOLD), option, value)
        assert done.returncode == 2, (option, done.stderr)
        assert f"Invalid value for '{option}'" in done.stderr
        assert expected in done.stderr
        assert done.stdout == ""
        as_json = fpcore("evaluate", str(HOUSEHOLD), option, value, "--json")
        assert as_json.returncode == 2
        error = json_error(as_json.stderr)
        assert error["error"] == "usage"
        assert error["problems"][0]["path"] == option
    assert fpcore("evaluate").returncode == 2
    assert fpcore("no-such-command").returncode == 2


def test_names_get_suggestions() -> None:
    done = fpcore("policies", "show", "nat")
    assert done.returncode == 2
    assert "did you mean 'national'?" in done.stderr
    assert "known: county, national, shandong" in done.stderr


def test_dash_reads_stdin() -> None:
    text = HOUSEHOLD.read_bytes()
    done = fpcore("evaluate", "-", "--period", "2008", "--json", stdin=text)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stamp"]["policy_id"] == "county"
    checked = fpcore("validate", "-", stdin=text)
    assert (checked.returncode, checked.stdout) == (0, "OK <stdin>\n")
    broken = fpcore("validate", "-", "--json", stdin=b"{")
    assert broken.returncode == 1
    assert json.loads(broken.stdout)[0]["file"] == "<stdin>"


def test_out_of_range_periods_say_what_is_in_force() -> None:
    early = fpcore("evaluate", str(HOUSEHOLD), "--period", "1990")
    assert early.returncode == 0
    assert "total 0.00" in early.stdout
    assert "note: no rule is in force in 1990: policy county has rules in force from" in (
        early.stderr
    )
    late = fpcore("evaluate", str(HOUSEHOLD), "--period", "2099", "--json")
    assert late.returncode == 0
    json.loads(late.stdout)
    assert "2099 is past the latest parameter value of policy county" in late.stderr
    demo = fpcore("demo", "--year", "1990")
    assert demo.returncode == 1
    assert "--year 1990: nothing to evaluate; policy county has rules in force from" in (
        demo.stderr
    )


def test_demo_options_are_checked() -> None:
    negative = fpcore("demo", "--households", "-5")
    assert negative.returncode == 2
    assert "Invalid value for '--households'" in negative.stderr
    unknown = fpcore("demo", "--policy", "nope")
    assert unknown.returncode == 2
    assert "unknown policy 'nope'" in unknown.stderr
    for year in ("0", "99999"):
        far = fpcore("demo", "--year", year)
        assert far.returncode == 2
        assert "Invalid value for '--year'" in far.stderr
    day = fpcore("demo", "--on", "2008-02-30", "--households", "0")
    assert day.returncode == 2
    assert "Invalid value for '--on'" in day.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "missing.json"],
        ["evaluate", "missing.json"],
        ["evaluate", str(HOUSEHOLD), "--period", "2017Q7"],
        ["policies", "diff", "county", "atlantis"],
        ["indicators", "missing-dir", "--year", "2008"],
        ["notice", str(HOUSEHOLD)],
        ["notice", str(APPLICATIONS), "--posted-on", "soon"],
        ["register", str(HOUSEHOLD), "--applications", "missing.json"],
        ["indicators", "tests/indicators/data/register", "--year", "0"],
        ["demo", "--year", "-1"],
        ["register", str(HOUSEHOLD), "--period", "2008Q1", "--copy", "secret"],
        ["demo", str(APPLICATIONS), "--households", "0"],
    ],
    ids=lambda args: " ".join(a.replace(str(ROOT), ".") for a in args),
)
def test_no_fpcore_error_becomes_a_traceback(args: list[str]) -> None:
    done = fpcore(*args)  # asserts no traceback
    assert done.returncode in (1, 2), done.stderr
    assert done.stdout == ""
    assert done.stderr.strip()


def test_notice_on_a_household_says_so() -> None:
    done = fpcore("notice", str(HOUSEHOLD))
    assert done.returncode == 1
    assert "this is a household, not a list of applications" in done.stderr


def test_notice_and_register_on_the_examples() -> None:
    notice = fpcore("notice", str(APPLICATIONS))
    assert notice.returncode == 0, notice.stderr
    assert "李*英" in notice.stdout
    register = fpcore(
        "register", str(POPULATION), "--period", "2008Q1", "--applications", str(APPLICATIONS)
    )
    assert register.returncode == 0, register.stderr
    assert "暂缓发放 withheld: 2" in register.stdout
    assert "TF-2008-001: awaiting grant (public_notice, open); 300.00 withheld" in register.stdout
    as_csv = fpcore(
        "register",
        str(POPULATION),
        "--period",
        "2008Q1",
        "--applications",
        str(APPLICATIONS),
        "--format",
        "csv",
    )
    assert "withheld" not in as_csv.stdout
    assert "note: withheld: HN-0107  mother" in as_csv.stderr


def test_a_core_only_install_names_the_cli_extra() -> None:
    for args in (["--help"], ["evaluate", str(HOUSEHOLD)]):
        done = fpcore(*args, prelude=hide("typer", "rich"))
        assert done.returncode == 1
        assert done.stdout == ""
        assert 'pip install "fpcore[cli]"' in done.stderr


def test_a_missing_batch_extra_names_its_install_command() -> None:
    register_dir = ROOT / "tests" / "indicators" / "data" / "register"
    done = fpcore("indicators", str(register_dir), "--year", "2008", prelude=hide("polars"))
    assert done.returncode == 1
    assert 'pip install "fpcore[batch]"' in done.stderr
    demo = fpcore("demo", "--households", "10", prelude=hide("polars", "numpy"))
    assert demo.returncode == 0
    assert 'pip install "fpcore[batch]"' in demo.stderr
    as_json = fpcore(
        "indicators", str(register_dir), "--year", "2008", "--json", prelude=hide("polars")
    )
    assert json_error(as_json.stderr)["error"] == "missing_extra"


def loaded_by(*args: str) -> set[str]:
    """The top-level packages and fpcore modules a command leaves in ``sys.modules``."""
    code = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.__stderr__))\n"
        "from fpcore.cli import main\n"
        "main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    names: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return {n if n.startswith("fpcore") else n.split(".")[0] for n in names}


def test_each_command_loads_only_what_it_needs() -> None:
    help_modules = loaded_by("--help")
    assert not help_modules & {"fpcore.policies", "fpcore.model", "rich", "pendulum"}
    evaluate = loaded_by("evaluate", str(HOUSEHOLD), "--period", "2008", "--json")
    assert "fpcore.policies" in evaluate
    unneeded = {
        "polars",
        "numpy",
        "pydantic",
        "yaml",
        "hypothesis",
        "rich",
        "fpcore.workflows",
        "fpcore.indicators",
        "fpcore.scenario",
        "fpcore.synth",
        "fpcore.rules._batch",
        "fpcore.policies._reforms",
        "fpcore.serialization._decision_schema",
    }
    assert not evaluate & unneeded, evaluate & unneeded


def test_library_parts_behind_extras_name_their_install_command() -> None:
    code = hide("numpy", "polars", "yaml") + (
        "from fpcore.synth import synthetic_county\n"
        "from fpcore.testing.cases import parse_cases\n"
        "for call in (lambda: synthetic_county(households=10), lambda: parse_cases('[]')):\n"
        "    try:\n"
        "        call()\n"
        "    except ModuleNotFoundError as error:\n"
        "        print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.stdout.splitlines() == [
        'synthetic_county needs the batch extra: pip install "fpcore[batch]"',
        'worked-case files need PyYAML: pip install "fpcore[testing]"',
    ], done.stderr
