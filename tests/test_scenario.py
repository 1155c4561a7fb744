"""Policy what-ifs: comparing two policies over a synthetic county."""

from __future__ import annotations

import pendulum
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.money import Money
from fpcore.periods import Year, parse_period
from fpcore.policies import get
from fpcore.policies.funding import fund_benefits
from fpcore.rules import Policy, Population
from fpcore.scenario import compare, cost_curve, entitlement_lines, gainers_losers
from fpcore.synth import synthetic_county
from fpcore.tables import household_tables

COUNTY = synthetic_county(households=3_000, seed=11)
POPULATION = Population(COUNTY.tables())
YEAR = Year(year=2014)
RA1200 = get("county").with_amount("reward_assistance.annual", "1200.00", from_="2014-04-01")
OCR_EARLY = get("county").with_setting("only_child_reward_last_month", "month_before")


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


@pytest.mark.parametrize("by", [(), ("county",), ("benefit", "benefit")])
def test_unknown_grouping_is_refused(by: tuple[str, ...]) -> None:
    with pytest.raises(InvalidInput, match="by="):
        compare(POPULATION, get("county"), get("county"), YEAR, by=by)  # type: ignore[arg-type]


def _fen(money: Money) -> int:
    return money.fen


@settings(max_examples=6, deadline=None)
@given(
    indices=st.lists(st.integers(0, 2_999), min_size=1, max_size=25, unique=True),
    reform=st.sampled_from([RA1200, OCR_EARLY]),
)
def test_scenario_totals_are_the_sums_of_single_evaluations(
    indices: list[int], reform: object
) -> None:
    from fpcore.rules import Policy

    assert isinstance(reform, Policy)
    base = get("county")
    households = COUNTY.households(indices)
    sample = Population(household_tables(households))
    table = compare(sample, base, reform, YEAR).rows_by_key("benefit", named=True)
    for policy, column in ((base, "base_fen"), (reform, "reform_fen")):
        decisions = [policy.evaluate(h, YEAR) for h in households]
        for benefit in ("only_child_reward", "reward_assistance", "special_assistance"):
            single = sum(_fen(d.total(benefit)) for d in decisions)
            rows = table.get(benefit, [])
            assert (rows[0][column] if rows else 0) == single


@pytest.mark.parametrize(
    "by",
    [("payer",), ("benefit", "payer"), ("township", "payer"), ("village", "year", "payer")],
)
def test_payer_shares_sum_to_the_totals(by: tuple[str, ...]) -> None:
    period = parse_period("2013-07..2014-12")
    whole = compare(POPULATION, get("county"), RA1200, period)
    table = compare(POPULATION, get("county"), RA1200, period, by=by)  # type: ignore[arg-type]
    for column in ("base_fen", "reform_fen", "change_fen"):
        assert table[column].sum() == whole[column].sum()
    places = [b for b in by if b in ("township", "village")]
    if places:
        grouped = compare(POPULATION, get("county"), RA1200, period, by=places)  # type: ignore[arg-type]
        summed = table.group_by(places).agg(pl.col("base_fen", "reform_fen").sum())
        joined = grouped.join(summed, on=places, suffix="_payers")
        assert (joined["base_fen"] == joined["base_fen_payers"]).all()
        assert (joined["reform_fen"] == joined["reform_fen_payers"]).all()


def test_payer_shares_are_the_funding_shares_to_the_fen() -> None:
    base = get("county")
    by_benefit = compare(POPULATION, base, RA1200, YEAR)
    by_payer = compare(POPULATION, base, RA1200, YEAR, by=("benefit", "payer"))
    for column, policy in (("base_fen", base), ("reform_fen", RA1200)):
        totals = {b: Money.from_fen(f) for b, f in by_benefit.select("benefit", column).rows()}
        expected = {k: m.fen for k, m in fund_benefits(policy, totals, YEAR.start).items()}
        got = {(b, p): f for b, p, f in by_payer.select("benefit", "payer", column).rows() if f}
        assert got == expected


@settings(max_examples=5, deadline=None)
@given(annual=st.integers(min_value=100, max_value=3_000), ocr=st.booleans())
def test_gainers_and_losers_are_exactly_the_lines_that_differ(annual: int, ocr: bool) -> None:
    base = get("county")
    reform = base.with_amount("reward_assistance.annual", annual, from_="2014-01-01")
    if ocr:
        reform = reform.with_setting("only_child_reward_last_month", "month_before")
    keys = ["entity", "beneficiary_id", "benefit"]
    a = entitlement_lines(base, POPULATION, YEAR).select(*keys, pl.col("fen").alias("a"))
    b = entitlement_lines(reform, POPULATION, YEAR).select(*keys, pl.col("fen").alias("b"))
    both = a.join(b, on=keys, how="full", coalesce=True).fill_null(0)
    differ = {tuple(r) for r in both.filter(pl.col("a") != pl.col("b")).select(keys).rows()}
    table = gainers_losers(POPULATION, base, reform, YEAR)
    assert {tuple(r) for r in table.select(keys).rows()} == differ
    assert table.height == len(differ)
    summary = compare(POPULATION, base, reform, YEAR)
    assert summary["gainers"].sum() == (table["outcome"] == "gains").sum()
    assert summary["losers"].sum() == (table["outcome"] == "loses").sum()
    ra = table.filter(pl.col("benefit") == "reward_assistance")
    assert ra["reason"].str.contains("parameter reward_assistance.annual").all()
    if ocr:
        ocr_rows = table.filter(pl.col("benefit") == "only_child_reward")
        assert ocr_rows["reason"].str.contains("setting only_child_reward_last_month").all()


def test_sample_households_are_among_the_gainers() -> None:
    table = compare(POPULATION, get("county"), RA1200, YEAR, by=("township",), samples=2)
    changed = gainers_losers(POPULATION, get("county"), RA1200, YEAR)
    gaining = set(changed.filter(pl.col("outcome") == "gains")["household_id"].to_list())
    for row in table.iter_rows(named=True):
        assert len(row["gainer_households"]) == min(2, row["gainers"])
        assert set(row["gainer_households"]) <= gaining
        assert row["loser_households"] == []


def test_township_and_village_names() -> None:
    table = compare(POPULATION, get("county"), get("county"), YEAR, by=("township", "village"))
    names = {t.code: t.name for t in COUNTY.geography.townships}
    villages = {v.code: v.name for t in COUNTY.geography.townships for v in t.villages}
    for row in table.iter_rows(named=True):
        assert row["township_name"] == names[row["township"]]
        assert row["village_name"] == villages[row["village"]]
    own = compare(
        POPULATION, get("county"), get("county"), YEAR, by=("township",), geography=COUNTY.geography
    )
    assert (
        own["township_name"].to_list()
        == table["township_name"].unique(maintain_order=True).to_list()
    )


def test_years_of_a_period_sum_to_the_period() -> None:
    period = parse_period("2012-04..2014-09")
    whole = compare(POPULATION, get("county"), OCR_EARLY, period)
    by_year = compare(POPULATION, get("county"), OCR_EARLY, period, by=("year", "benefit"))
    assert sorted(set(by_year["year"])) == [2012, 2013, 2014]
    summed = by_year.group_by("benefit").agg(pl.col("base_fen", "reform_fen").sum()).sort("benefit")
    assert summed.rows() == whole.select("benefit", "base_fen", "reform_fen").rows()


def test_results_convert_to_pandas() -> None:
    frame = compare(POPULATION, get("county"), RA1200, YEAR, by=("payer",)).to_pandas()
    assert list(frame["payer"])[:3] == ["central", "county", "province"]
    assert str(frame["base"].iloc[0]).endswith(".00") or "." in str(frame["base"].iloc[0])


def test_cost_curve_is_the_comparison_at_each_value() -> None:
    base = get("county")
    curve = cost_curve(POPULATION, base, "reward_assistance.annual", ["600", 960, "1500.50"], YEAR)
    assert [str(v) for v in curve["value"]] == ["600.00", "960.00", "1500.50"]
    for value, reform_fen in curve.select("value", "reform_fen").rows():
        reform = base.with_amount("reward_assistance.annual", value, from_=YEAR.start)
        assert compare(POPULATION, base, reform, YEAR)["reform_fen"].sum() == reform_fen
    assert curve.row(1, named=True)["change_fen"] == 0  # 960 is the law in 2014


def test_cost_curve_refuses_nothing_and_non_money() -> None:
    with pytest.raises(InvalidInput, match="no values"):
        cost_curve(POPULATION, get("county"), "reward_assistance.annual", [], YEAR)
    with pytest.raises(InvalidInput, match="not money"):
        cost_curve(
            POPULATION, get("county"), "special_assistance.max_disability_grade", ["1"], YEAR
        )


def test_a_projection_compared_by_year_and_payer_adds_up() -> None:
    from fpcore.projection import compare_years, project

    projection = project(synthetic_county(households=400, seed=4), until=2010, seed=1)
    base = get("county")
    reform = base.with_amount("reward_assistance.annual", "1200", from_="2009-01-01")
    horizon = compare_years(projection, base, reform, range(2008, 2011), by=("year", "payer"))
    assert horizon.table.columns[:2] == ["year", "payer"]
    whole = compare(projection, base, reform, parse_period("2008-01..2010-12"), by=("year",))
    summed = horizon.table.group_by("year").agg(pl.col("change_fen").sum()).sort("year")
    assert summed.rows() == whole.select("year", "change_fen").rows()
    assert whole["change_fen"][0] == 0 < whole["change_fen"][1]


@pytest.mark.parametrize("reform", [RA1200, OCR_EARLY], ids=["amount", "setting"])
def test_tables_from_the_arrays_equal_tables_from_the_lines(
    reform: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By benefit, payer, year and place the tables are summed from the integer arrays;
    the same tables summed from the line frame (as when households are not keyed
    0..n-1) are equal."""
    from fpcore.scenario import Comparison, _line_summary

    both = Comparison.of(POPULATION, get("county"), reform, parse_period("2013-07..2014-12"))
    groupings = [
        ("benefit",),
        ("payer",),
        ("year",),
        ("year", "benefit"),
        ("benefit", "payer"),
        ("year", "township"),
        ("year", "village", "benefit"),
        ("year", "township", "payer"),
    ]
    fast = [both.table(by) for by in groupings]  # type: ignore[arg-type]

    def from_lines(
        self: Comparison, places: tuple[str, ...] = (), *, by_year: bool = True, samples: int = 3
    ) -> pl.DataFrame:
        return _line_summary(self.parts, places, by_year=by_year, samples=samples)

    monkeypatch.setattr(Comparison, "summary", from_lines)
    for by, table in zip(groupings, fast, strict=True):
        assert both.table(by).equals(table), by  # type: ignore[arg-type]


def test_place_tables_do_not_depend_on_the_order_of_households() -> None:
    """Households keyed 0..n-1 in row order are read by row, others joined: the same."""
    tables = dict(POPULATION.tables)
    tables["households"] = tables["households"].sample(fraction=1.0, shuffle=True, seed=5)
    shuffled = Population(tables)
    assert not shuffled.is_dense("households", "household_id")
    for by in [("township",), ("village", "benefit"), ("township", "payer")]:
        a = compare(POPULATION, get("county"), RA1200, YEAR, by=by)  # type: ignore[arg-type]
        b = compare(shuffled, get("county"), RA1200, YEAR, by=by)  # type: ignore[arg-type]
        assert a.equals(b), by
