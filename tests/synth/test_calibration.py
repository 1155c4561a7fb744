"""The county calibrated to the report: every target within its tolerance, determinism,
and its indicator register read by ``fpcore indicators``."""

from __future__ import annotations

import json

import pendulum
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from fpcore.cli import app
from fpcore.indicators import compute_indicators, register_from_households
from fpcore.synth import (
    CALIBRATED_HOUSEHOLDS,
    TARGETS,
    CountyCalibration,
    calibrated_county,
    synthetic_county,
    targets_table,
)


@pytest.fixture(scope="module")
def calibration() -> CountyCalibration:
    """The full county (seed 2008), built and measured once for the module."""
    return calibrated_county().describe()


@pytest.mark.parametrize("key", [t.key for t in TARGETS])
def test_each_target_is_within_its_tolerance(calibration: CountyCalibration, key: str) -> None:
    row = calibration[key]
    assert row.within, str(calibration)


def test_the_calibration_reads_as_a_table_and_as_text(calibration: CountyCalibration) -> None:
    table = calibration.table()
    assert table["key"].to_list() == [t.key for t in TARGETS]
    assert table["within"].all()
    assert calibration.households == CALIBRATED_HOUSEHOLDS
    text = str(calibration)
    assert "birth rate: " in text
    assert "(target 9.08 ± 0.30)" in text
    assert "OFF" not in text
    assert calibration.within


def test_the_targets_are_data_with_sources() -> None:
    table = targets_table()
    assert table.height == len(TARGETS) >= 15
    assert table["source"].str.len_chars().min() > 10  # type: ignore[operator]
    keys = set(table["key"])
    assert {"people", "crude_birth_rate", "special_assistance_families"} <= keys
    assert all(t.tolerance >= 0 for t in TARGETS)


def test_same_seed_same_county_other_seed_other_county() -> None:
    a = calibrated_county(seed=7, scale=0.03)
    b = calibrated_county(seed=7, scale=0.03)
    for name, table in a.tables().items():
        assert_frame_equal(table, b.tables()[name])
    for name, table in a.indicator_register().tables().items():
        assert_frame_equal(table, b.indicator_register().tables()[name])
    other = calibrated_county(seed=8, scale=0.03).tables()
    assert not a.tables()["persons"].equals(other["persons"])


def test_exact_counts_scale_with_the_households() -> None:
    county = calibrated_county(seed=3, scale=0.1)
    households = county.tables()["households"]
    waived = households.filter(pl.col("waiver_index").is_not_null()).height
    assert waived == round(79 * county.size / CALIBRATED_HOUSEHOLDS)
    archives = county.indicator_register(2008).archives
    assert archives is not None
    assert archives.filter(year=2008).height == round(90 * county.size / CALIBRATED_HOUSEHOLDS)


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    size=st.integers(1, 300),
    year=st.integers(2000, 2035),
)
def test_calibrated_households_are_valid_and_equal_their_tables(
    seed: int, size: int, year: int
) -> None:
    from fpcore.tables import household_tables

    county = synthetic_county(
        households=size, seed=seed, on=pendulum.Date(year, 12, 31), calibrated=True
    )
    built = county.tables()
    for name, table in household_tables(county.households()).items():
        assert_frame_equal(built[name], table)


def _sorted(frame: pl.DataFrame, drop: str) -> pl.DataFrame:
    frame = frame.drop(drop)
    return frame.sort(frame.columns)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), size=st.integers(1, 300))
def test_the_register_is_the_register_of_the_households(seed: int, size: int) -> None:
    # an illustrative county (nobody leaves home): the same rows as the households give
    county = synthetic_county(households=size, seed=seed)
    mine = county.indicator_register()
    theirs = register_from_households(county.households(), county=county.geography)
    assert_frame_equal(_sorted(mine.persons, "person_id"), _sorted(theirs.persons, "person_id"))
    assert mine.births is not None
    assert theirs.births is not None
    assert_frame_equal(_sorted(mine.births, "birth_id"), _sorted(theirs.births, "birth_id"))
    assert mine.deaths is not None
    assert theirs.deaths is not None
    assert_frame_equal(_sorted(mine.deaths, "person_id"), _sorted(theirs.deaths, "person_id"))


def test_children_leave_home_and_stop_counting() -> None:
    county = calibrated_county(seed=5, scale=0.02)
    persons = county.indicator_register(2008).persons
    children = county.tables()["children"].height
    assert persons.height == county.tables()["persons"].height + children
    left = persons.filter(
        pl.col("exit_date").is_not_null() & (pl.col("marital_status") == "single")
    )
    assert left.height > 0
    indicators = compute_indicators(county.indicator_register(2008), year=2008, by="county")
    assert {i.key for i in indicators if i.defined} >= {"crude_birth_rate", "archive_coverage"}


def test_fpcore_indicators_on_the_synthetic_county() -> None:
    runner = CliRunner()
    args = ["indicators", "--synthetic", "--scale", "0.05", "--year", "2008", "--by", "county"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    shown = {r["indicator"]: r["shown"] for r in json.loads(result.stdout) if not r["ages"]}
    assert shown["planned_birth_rate"].endswith("%")
    assert shown["archive_coverage"] == "100.00%"
    both = runner.invoke(app, [*args, "tests/indicators/data/register"])
    assert both.exit_code == 1
    neither = runner.invoke(app, ["indicators", "--year", "2008"])
    assert neither.exit_code == 1
    assert "REGISTER_DIR or --synthetic" in neither.output


def test_a_calibrated_county_starts_in_2000() -> None:
    from fpcore.errors import InvalidInput

    with pytest.raises(InvalidInput, match="before 2000-01-01"):
        calibrated_county(on=pendulum.Date(1999, 12, 31), scale=0.01)


def test_the_age_pyramid_counts_everyone_at_home() -> None:
    county = calibrated_county(seed=4, scale=0.02)
    pyramid = county.age_pyramid(2008)
    assert pyramid.height == 18
    assert pyramid["ages"][-1] == "85+"
    register = county.indicator_register(2008)
    end = pl.date(2008, 12, 31)
    at_home = register.persons.filter(
        (pl.col("entry_date").is_null() | (pl.col("entry_date") <= end))
        & (pl.col("exit_date").is_null() | (pl.col("exit_date") > end))
    )
    assert pyramid["total"].sum() == at_home.height
    assert (pyramid["total"] == pyramid["male"] + pyramid["female"]).all()
