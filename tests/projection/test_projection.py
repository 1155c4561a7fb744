"""fpcore.projection: projected tables keep the invariants and the past."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import pendulum
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from fpcore.errors import InvalidInput
from fpcore.model import sample_household
from fpcore.periods import Year
from fpcore.policies import get
from fpcore.policies.birth_policy import law_in_force
from fpcore.projection import (
    Assumptions,
    Projection,
    check_tables,
    compare_years,
    evaluate_years,
    life_expectancy,
    project,
    uprated,
)
from fpcore.rules import Population, TablesOutOfDateWarning
from fpcore.synth import synthetic_county
from fpcore.tables import household_tables

PROPERTY = settings(max_examples=8, deadline=None)

counties = st.tuples(
    st.integers(0, 2**32 - 1),
    st.integers(1, 300),
    st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2024, 12, 31)),
)
"""A synthetic county's seed, size and day (the county's repr is too large to print)."""


def _county(drawn: tuple[int, int, dt.date]) -> Any:
    seed, size, on = drawn
    return synthetic_county(households=size, seed=seed, on=pendulum.Date(on.year, on.month, on.day))


def _month(day: pendulum.Date) -> int:
    return day.year * 12 + day.month - 1


@pytest.fixture(scope="module")
def county() -> Any:
    return synthetic_county(households=3_000, seed=11)


@pytest.fixture(scope="module")
def projection(county: Any) -> Projection:
    return project(county, until=2030, seed=4)


@PROPERTY
@given(drawn=counties, seed=st.integers(0, 2**63), years=st.integers(0, 8))
def test_a_projection_is_deterministic_and_keeps_the_invariants(
    drawn: tuple[int, int, dt.date], seed: int, years: int
) -> None:
    county = _county(drawn)
    first = project(county, until=county.on.year + years, seed=seed)
    second = project(county, until=county.on.year + years, seed=seed)
    check_tables(first.tables)
    for name, table in first.tables.items():
        assert_frame_equal(table, second.tables[name])
    assert_frame_equal(first.events, second.events)


def _unchanged_before(original: dict[str, pl.DataFrame], projected: Projection) -> None:
    start = _month(projected.start)
    tables = projected.tables
    # persons: the same rows; a death is added only from the start's month on
    persons = original["persons"].join(tables["persons"], on="person_id", suffix="_p")
    assert persons.height == original["persons"].height == tables["persons"].height
    assert persons.filter(
        pl.col("death_index").is_not_null() & (pl.col("death_index") != pl.col("death_index_p"))
    ).is_empty()
    assert persons.filter(
        pl.col("death_index").is_null() & (pl.col("death_index_p") < start)
    ).is_empty()
    # children and parenthood: every old row kept, but for a death from the start on
    for name, key in (("children", "household_id"), ("parenthood", "person_id")):
        old, new = original[name], tables[name]
        columns = [c for c in old.columns if c != "death_index"]
        assert old.join(new, on=columns, how="anti", nulls_equal=True).is_empty()
        added = new.join(old.select(columns), on=columns, how="anti", nulls_equal=True)
        assert added.filter(pl.col("birth_index") < start).is_empty()
        joined = old.join(new, on=[key, "child_index"], suffix="_p")
        assert joined.filter(
            pl.col("death_index").is_not_null() & (pl.col("death_index") != pl.col("death_index_p"))
        ).is_empty()
        assert (
            joined.filter(pl.col("death_index_p") < start).height
            == joined.filter(pl.col("death_index") < start).height
        )
    # confirmations, spells, certificates: old rows kept, new ones from the start on
    old, new = original["confirmations"], tables["confirmations"]
    assert old.join(new, on=old.columns, how="anti").is_empty()
    assert (
        new.join(old, on=old.columns, how="anti")
        .filter(pl.col("confirmed_index") < start)
        .is_empty()
    )
    spells = original["hukou_spells"].filter(pl.col("end_index").is_not_null())
    assert spells.join(tables["hukou_spells"], on=spells.columns, how="anti").is_empty()
    homes = original["households"].join(tables["households"], on="household_id", suffix="_p")
    for column in ("certificate_index", "birth_permit_index"):
        assert homes.filter(
            pl.col(column).is_not_null() & (pl.col(column) != pl.col(f"{column}_p"))
        ).is_empty()
        assert homes.filter(pl.col(column).is_null() & (pl.col(f"{column}_p") < start)).is_empty()


@PROPERTY
@given(drawn=counties, seed=st.integers(0, 2**32), years=st.integers(0, 10))
def test_no_event_before_the_start_changes(
    drawn: tuple[int, int, dt.date], seed: int, years: int
) -> None:
    county = _county(drawn)
    _unchanged_before(county.tables(), project(county, until=county.on.year + years, seed=seed))


def test_no_event_before_the_start_changes_in_a_larger_county(
    county: Any, projection: Projection
) -> None:
    _unchanged_before(county.tables(), projection)
    assert projection.events["births"].sum() > 0
    assert projection.events["parent_deaths"].sum() > 0
    assert projection.events["hukou_changes"].sum() > 0
    assert projection.events["confirmations"].sum() > 0


@settings(max_examples=5, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    size=st.integers(1, 400),
    year=st.integers(2003, 2020),
    policy=st.sampled_from(["national", "shandong", "county"]),
)
def test_years_up_to_the_start_evaluate_as_on_the_original(
    seed: int, size: int, year: int, policy: str
) -> None:
    county = synthetic_county(households=size, seed=seed, on=pendulum.Date(year, 12, 31))
    projected = project(county, until=year + 6, seed=seed)
    chosen = get(policy)
    before = chosen.evaluate_table(Population(county.tables()), Year(year=year))
    after = chosen.evaluate_table(projected.population_for(year), Year(year=year))
    for a, b in ((before.persons, after.persons), (before.households, after.households)):
        keys = [c for c in a.columns if c in ("person_id", "household_id", "benefit")]
        assert_frame_equal(a.sort(keys), b.sort(keys))


@PROPERTY
@given(drawn=counties, seed=st.integers(0, 2**32), years=st.integers(1, 10))
def test_children_only_grow_and_nobody_dies_before_birth(
    drawn: tuple[int, int, dt.date], seed: int, years: int
) -> None:
    county = _county(drawn)
    projected = project(county, until=county.on.year + years, seed=seed)
    before = county.tables()["children"].group_by("household_id").len()
    after = projected.tables["children"].group_by("household_id").len()
    grown = before.join(after, on="household_id", how="left", suffix="_p")
    assert grown.filter(pl.col("len_p").is_null() | (pl.col("len_p") < pl.col("len"))).is_empty()
    children = projected.tables["children"]
    ever = [
        children.filter(pl.col("join_index") <= y * 12 + 11).height
        for y in range(county.on.year, county.on.year + years + 1)
    ]
    assert ever == sorted(ever)
    for name in ("persons", "children"):
        table = projected.tables[name]
        assert table.filter(pl.col("death_index") < pl.col("birth_index")).is_empty()


def test_projected_births_are_judged_by_the_law_of_their_day(
    county: Any, projection: Projection
) -> None:
    start = _month(projection.start)
    homes = projection.tables["households"].select("household_id", "birth_permit_index")
    born = (
        projection.tables["children"]
        .filter(pl.col("birth_index") > start)
        .join(homes, on="household_id")
    )
    assert born.height > 0
    for row in born.iter_rows(named=True):
        day = pendulum.Date(row["birth_date"].year, row["birth_date"].month, row["birth_date"].day)
        allowed = law_in_force(day).children_allowed
        permit = row["birth_permit_index"]
        order = row["delivery_order"]
        expected = order <= allowed or (
            order == 2 and permit is not None and permit <= row["birth_index"]
        )
        assert row["within_policy"] == expected


def test_nobody_is_paid_after_death_in_the_projected_years(projection: Projection) -> None:
    persons = projection.tables["persons"].select("person_id", "death_index")
    for year in (2012, 2020, 2030):
        result = get("county").evaluate_table(projection.population_for(year), Year(year=year))
        paid = result.persons.filter(pl.col("amount_fen") > 0).join(persons, on="person_id")
        assert paid.filter(pl.col("death_index") < year * 12).is_empty()


def test_people_enter_reward_assistance_in_the_year_they_turn_60(
    projection: Projection,
) -> None:
    policy = get("county")
    persons = projection.tables["persons"]
    year = 2025
    paid = (
        policy.evaluate_table(projection.population_for(year), Year(year=year))
        .persons.filter(pl.col("benefit") == "reward_assistance")
        .join(persons, on="person_id")
    )
    newcomers = paid.filter(pl.col("age60_index") // 12 == year)
    assert newcomers.height > 0
    last = (
        policy.evaluate_table(projection.population_for(year - 1), Year(year=year - 1))
        .persons.filter(pl.col("benefit") == "reward_assistance")
        .select("person_id")
    )
    assert newcomers.join(last, on="person_id").is_empty()


def test_evaluate_years_sums_the_yearly_evaluations(projection: Projection) -> None:
    policy = get("county")
    result = evaluate_years(policy, projection, [2010, 2030])
    for year in (2010, 2030):
        batch = policy.evaluate_table(projection.population_for(year), Year(year=year))
        expected = int(batch.persons["amount_fen"].sum()) + int(
            batch.households["amount_fen"].sum()
        )
        assert int(result.table.filter(pl.col("year") == year)["fen"].sum()) == expected
    labels = [a.label for a in result.assumptions]
    assert "projection" in labels
    assert any("mortality" in label for label in labels)
    assert "Assumptions:" in str(result)


def test_compare_years_has_a_row_per_year_and_the_change_of_a_reform(
    projection: Projection,
) -> None:
    base = get("county")
    reform = uprated(base, "0.05", first_year=2020, until=2030)
    result = compare_years(projection, base, reform, range(2018, 2031, 4))
    table = result.table
    assert table["year"].unique().sort().to_list() == [2018, 2022, 2026, 2030]
    assert table.filter(pl.col("year") == 2018)["change_fen"].to_list() == [0, 0, 0]
    assert table.filter(pl.col("year") == 2030)["change_fen"].min() >= 0  # type: ignore[operator]
    assert table.filter(pl.col("year") > 2018)["change_fen"].sum() > 0
    assert any("uprating" in a.source for a in result.assumptions)


@settings(max_examples=20, deadline=None)
@given(
    rate=st.decimals(min_value="-0.5", max_value="1", places=3),
    first=st.integers(2000, 2040),
    years=st.integers(0, 10),
)
def test_uprating_compounds_from_the_last_value_rounded_to_the_fen(
    rate: Any, first: int, years: int
) -> None:
    policy = uprated(get("county"), rate, first_year=first, until=first + years)
    values = policy.parameters["reward_assistance.annual"].values
    base = get("county").parameters["reward_assistance.annual"].values[-1]
    added = [v for v in values if v.citation.is_assumption]
    begin = max(first, base.start.year + 1)
    assert [v.start.year for v in added] == list(range(begin, first + years + 1))
    previous = base.value
    for value in added:
        assert value.value == previous.multiply(1 + rate)  # type: ignore[union-attr]
        previous = value.value


def test_bad_input_is_refused_with_the_field_named(county: Any) -> None:
    tables = county.tables()
    with pytest.raises(InvalidInput, match="start"):
        project(tables, until=2010)
    with pytest.raises(InvalidInput, match="until"):
        project(county, until=2000)
    with pytest.raises(InvalidInput, match="seed"):
        project(county, until=2010, seed=-1)
    with pytest.raises(InvalidInput, match="start"):
        project(tables, until=2010, start=pendulum.Date(2001, 1, 1))
    with pytest.raises(InvalidInput, match="persons"):
        project({**tables, "persons": tables["persons"].reverse()}, start=county.on)
    with pytest.raises(InvalidInput, match="year"):
        project(county, until=2010).population_for(2011)
    with pytest.raises(InvalidInput, match="rate"):
        uprated(get("county"), "three", first_year=2020, until=2021)
    with pytest.raises(InvalidInput, match="names"):
        uprated(get("county"), "0.1", first_year=2020, until=2021, names=["nope"])
    with pytest.raises(ValueError, match="probability"):
        Assumptions(hukou_rate=1.5)
    with pytest.raises(ValueError, match="7 rates"):
        Assumptions(first_birth=(0.1,))


@settings(max_examples=15, deadline=None)
@given(
    table=st.sampled_from(["households", "persons", "children", "parenthood"]),
    seed=st.integers(0, 1000),
)
def test_check_tables_finds_broken_tables(table: str, seed: int) -> None:
    tables = synthetic_county(households=50, seed=seed).tables()
    check_tables(tables)
    frame = tables[table]
    broken = [
        frame.reverse(),
        pl.concat([frame, frame.head(1)]),
        frame.with_columns(pl.col("birth_index") + 1) if "birth_index" in frame.columns else None,
        frame.drop(frame.columns[-1]),
    ]
    for bad in broken:
        if bad is not None and not bad.equals(frame):
            with pytest.raises(InvalidInput, match=table):
                check_tables({**tables, table: bad})


def test_household_tables_pass_the_check() -> None:
    check_tables(household_tables([sample_household()]))


def test_life_expectancy_matches_the_census_it_is_fitted_to() -> None:
    assert life_expectancy(Assumptions(), female=False) == pytest.approx(72.38, abs=0.05)
    assert life_expectancy(Assumptions(), female=True) == pytest.approx(77.37, abs=0.05)


def test_evaluating_past_the_tables_day_warns_and_a_projection_does_not(
    county: Any, projection: Projection
) -> None:
    frozen = Population(county.tables(), as_of=county.on)
    with pytest.warns(TablesOutOfDateWarning, match="2008-12-31"):
        get("county").evaluate_table(frozen, Year(year=2009))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        get("county").evaluate_table(frozen, Year(year=2008))
        get("county").evaluate_table(projection.population_for(2030), Year(year=2030))
