"""Policy what-ifs: comparing two policies over a synthetic county."""

from __future__ import annotations

import pendulum
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.money import Money
from fpcore.periods import Year
from fpcore.policies import get
from fpcore.rules import Population
from fpcore.scenario import compare, entitlement_lines
from fpcore.synth import synthetic_county

POPULATION = Population(synthetic_county(households=3_000, seed=11).tables())
YEAR = Year(year=2014)


def test_a_policy_against_itself_changes_nothing() -> None:
    table = compare(POPULATION, get("county"), get("county"), YEAR, by=("benefit", "township"))
    assert table["change_fen"].abs().sum() == 0
    assert table["gainers"].sum() == 0
    assert table["losers"].sum() == 0
    assert (table["base_fen"] > 0).any()


@settings(max_examples=5, deadline=None)
@given(annual=st.integers(min_value=1, max_value=5_000))
def test_raising_reward_assistance_changes_only_it(annual: int) -> None:
    base = get("county")
    parameter = base.parameters["reward_assistance.annual"]
    citation = parameter.entry_at(YEAR.start).citation
    reform = base.with_parameter(
        parameter.with_value(pendulum.Date(2014, 1, 1), Money(annual), citation)
    )
    by_benefit = compare(POPULATION, base, reform, YEAR).rows_by_key("benefit", named=True)
    for benefit, (row,) in by_benefit.items():
        if benefit != "reward_assistance":
            assert row["change_fen"] == 0
    ra = by_benefit["reward_assistance"][0]
    # every beneficiary gets annual/12 a month (rounded half up to the fen)
    assert (ra["gainers"] > 0) == (annual > 960)
    assert (ra["losers"] > 0) == (annual < 960)


def test_groupings_sum_to_the_same_total() -> None:
    reform = get("county").with_setting("special_assistance_start", "next_month")
    totals = [
        compare(POPULATION, get("county"), reform, YEAR, by=by)["change_fen"].sum()
        for by in (("benefit",), ("township",), ("village",), ("benefit", "village"))
    ]
    assert len(set(totals)) == 1


def test_lines_are_the_entitlement_tables() -> None:
    lines = entitlement_lines(get("county"), POPULATION, YEAR)
    result = get("county").evaluate_table(POPULATION, YEAR)
    parts = [int(result.persons["amount_fen"].sum()), int(result.households["amount_fen"].sum())]
    assert int(lines["fen"].sum()) == sum(parts)
    assert lines.filter(pl.col("township").is_null()).height == 0


@pytest.mark.parametrize("by", [(), ("payer",)])
def test_unknown_grouping_is_refused(by: tuple[str, ...]) -> None:
    with pytest.raises(InvalidInput, match="by="):
        compare(POPULATION, get("county"), get("county"), YEAR, by=by)  # type: ignore[arg-type]
