"""``fpcore import-register`` and ``fpcore export-register`` under the command line's
contract: results on stdout or --out, errors by row and column on stderr, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

from fpcore.registers import read_households
from tests.cli.test_contract import fpcore

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "registers" / "sample.csv"


def test_import_then_export_gives_the_register_back(tmp_path: Path) -> None:
    households = tmp_path / "households.json"
    done = fpcore("import-register", str(SAMPLE.with_suffix(".xlsx")), "--out", str(households))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "read 3 households (8 persons)" in done.stderr
    assert len(json.loads(households.read_text(encoding="utf-8"))) == 3
    register = tmp_path / "register.csv"
    done = fpcore("export-register", str(households), "--out", str(register))
    assert done.returncode == 0, done.stderr
    assert register.read_bytes() == SAMPLE.read_bytes()
    assert read_households(register) == read_households(SAMPLE)


def test_bad_cells_are_listed_and_nothing_is_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    text = SAMPLE.read_text(encoding="utf-8-sig")
    bad.write_text(text.replace("1980-09-05", "1980-09-31").replace(",男,", ",M,", 1), "utf-8")
    out = tmp_path / "households.json"
    done = fpcore("import-register", str(bad), "--out", str(out), "--json")
    assert done.returncode == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]
    error = json.loads(done.stderr)
    assert error["error"] == "invalid_input"
    assert [p["path"] for p in error["problems"]] == [
        "row 3, column D (性别 sex)",
        "row 7, column E (出生日期 birth_date)",
    ]


def test_stdin_is_read_as_csv() -> None:
    done = fpcore("import-register", "-", stdin=SAMPLE.read_bytes())
    assert done.returncode == 0, done.stderr
    assert [d["household_id"] for d in json.loads(done.stdout)] == ["HN-0001", "HN-0107", "HN-0388"]
