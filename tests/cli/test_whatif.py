"""``fpcore whatif``: a reform file over years, written as tables, charts and assumptions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[2]
REFORM = ROOT / "examples" / "reforms" / "county-ra-1200.toml"


def fpcore(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "fpcore.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("whatif") / "out"
    done = fpcore(
        "whatif", "--reform", str(REFORM), "--years", "2016..2019", "--by",
        "township,payer", "--out", str(out), "--scale", "0.01",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def test_whatif_writes_tables_in_three_formats(written: tuple[Path, str]) -> None:
    out, _ = written
    names = ["budget_by_year", "by_payer", "by_township", "by_year_township_payer",
             "gainers_losers", "assumptions"]  # fmt: skip
    for name in names:
        csv = pl.read_csv(out / f"{name}.csv", infer_schema=False)
        parquet = pl.read_parquet(out / f"{name}.parquet")
        assert csv.height == parquet.height
    assert (out / "whatif.xlsx").stat().st_size > 0
    for chart in ("budget_by_year", "by_township", "by_payer", "gainers_losers"):
        assert (out / "charts" / f"{chart}.png").read_bytes()[:4] == b"\x89PNG"


def test_whatif_figures_add_up(written: tuple[Path, str]) -> None:
    out, stdout = written
    budget = pl.read_parquet(out / "budget_by_year.parquet")
    assert sorted(set(budget["year"])) == [2016, 2017, 2018, 2019]
    by_year = budget.group_by("year").agg(pl.col("change_fen").sum()).sort("year")
    changes = dict(by_year.rows())
    assert changes[2016] == changes[2017] == 0  # the reform starts in 2018
    assert changes[2018] > 0
    grouped = pl.read_parquet(out / "by_year_township_payer.parquet")
    assert grouped["reform_fen"].sum() == budget["reform_fen"].sum()
    assert set(grouped["payer"]) >= {"central", "province", "county"}
    assert grouped["township_name"].null_count() == 0
    gainers = pl.read_parquet(out / "gainers_losers.parquet")
    assert (gainers["change_fen"] != 0).all()
    assert gainers["reason"].str.contains("reward_assistance.annual").all()
    assert "2018: change" in stdout


def test_whatif_lists_the_assumptions(written: tuple[Path, str]) -> None:
    out, stdout = written
    text = (out / "ASSUMPTIONS.txt").read_text(encoding="utf-8")
    assert "projection" in text
    assert "reward_assistance.annual from 2018-01-01" in text  # the what-if value
    table = pl.read_csv(out / "assumptions.csv")
    assert table.height == text.count("\n- ")
    assert "assumptions (ASSUMPTIONS.txt)" in stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--years", "2035..2017"], 2, "the first year is after the last"),
        (["--by", "townhip"], 2, "did you mean 'township'"),
        (["--base", "County"], 2, "did you mean 'county'"),
        (["--reform", "no-such-file.toml"], 1, "cannot read the reform file"),
    ],
)
def test_whatif_errors_are_clear(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    options = {"--reform": str(REFORM), "--out": str(tmp_path / "out"), "--years": "2017"}
    for i in range(0, len(args), 2):
        options[args[i]] = args[i + 1]
    flat = [part for pair in options.items() for part in pair]
    done = fpcore("whatif", *flat, "--scale", "0.001")
    assert done.returncode == code, done.stderr
    assert message in done.stderr


def test_whatif_bad_reform_names_every_problem_as_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'schema_version = 1\nbase = "county"\n[[parameters."reward_assistance.anual"]]\n'
        'start = 2018-01-01\nvalue = "1200.00"\ncitation = { document = "x" }\n',
        encoding="utf-8",
    )
    done = fpcore(
        "whatif", "--reform", str(bad), "--out", str(tmp_path / "o"), "--years", "2018", "--json"
    )
    assert done.returncode == 1
    error = json.loads(done.stderr)
    assert error["problems"][0]["path"] == f"{bad}.parameters.reward_assistance.anual"
    assert not (tmp_path / "o").exists()  # nothing written
