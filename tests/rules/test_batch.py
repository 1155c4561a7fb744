"""The batch evaluator's edges: population schema, aggregation paths, refusals."""

from __future__ import annotations

import functools
from fractions import Fraction

import pendulum
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.money import Money
from fpcore.periods import Month, Year
from fpcore.rules import Condition, EntityAdapter, Fact, Policy, Population, Rule, const, fact

MONTH = Month(year=2012, month=1)
ADAPTER: EntityAdapter[dict[str, object], dict[str, object]] = EntityAdapter(
    household_id=lambda h: 0, persons=lambda h: [], person_id=lambda p: 0
)


def _policy(*tests: object, outcome: object = None) -> Policy:
    return Policy(
        id="b",
        version="1",
        parameters={},
        adapter=ADAPTER,
        rules=(
            Rule(
                id="R",
                title_zh="",
                title_en="",
                benefit="b",
                entity="household",
                citations=(),
                effective_from=pendulum.Date(2000, 1, 1),
                conditions=tuple(
                    Condition(code=f"C{i}", test=t)  # type: ignore[arg-type]
                    for i, t in enumerate(tests)
                ),
                outcome=const(Money(5)) if outcome is None else outcome,  # type: ignore[arg-type]
            ),
        ),
    )


def _population(children: dict[str, list[object]]) -> Population:
    return Population(
        {
            "persons": pl.DataFrame({"person_id": [0, 1, 2], "household_id": [0, 1, 2]}),
            "households": pl.DataFrame({"household_id": [0, 1, 2]}),
            "children": pl.DataFrame(children),
        }
    )


def test_population_schema_is_checked() -> None:
    with pytest.raises(InvalidInput) as info:
        Population({"persons": pl.DataFrame({"person_id": ["a"]})})
    paths = [p.path for p in info.value.problems]
    assert paths == ["persons.person_id", "persons.household_id", "households"]


def test_from_rows() -> None:
    pop = Population.from_rows(
        persons=[{"person_id": 3, "household_id": 9}], households=[{"household_id": 9}]
    )
    assert pop.is_dense("households", "household_id") is False
    with pytest.raises(InvalidInput, match="'children' is missing"):
        pop.table("children")


@pytest.mark.parametrize("sort", [True, False])
def test_group_by_and_positional_aggregation_agree(sort: bool) -> None:
    rows: dict[str, list[object]] = {"household_id": [2, 0, 2, 2], "x": [1, 5, 7, None]}
    if sort:
        rows = {"household_id": [0, 2, 2, 2], "x": [5, 1, 7, None]}

    def python(h: object, m: Month) -> int:
        return 0

    positional = fact(
        "household",
        "int",
        over="children",
        agg="sum",
        fill=0,
        name="s",
        columnar=lambda m: pl.col("x"),
    )(python)
    grouped = fact(
        "household", "int", over="children", fill=0, name="g", columnar=lambda m: pl.col("x").sum()
    )(python)
    largest = fact(
        "household", "int", over="children", agg="max", name="mx", columnar=lambda m: pl.col("x")
    )(python)
    tables = _policy(positional == grouped, outcome=const(Money(1)) * grouped).evaluate_table(
        _population(rows), MONTH
    )
    assert dict(tables.households.select("household_id", "amount_fen").rows()) == {
        0: 500,
        2: 800,
    }
    tables = _policy(largest.is_missing()).evaluate_table(_population(rows), MONTH)
    assert tables.households["household_id"].to_list() == [1]


def test_multi_month_counts_months() -> None:
    always: Fact[object] = fact("household", "bool", name="t", columnar=lambda m: pl.lit(True))(
        lambda h, m: True
    )
    tables = _policy(always).evaluate_table(
        _population({"household_id": [], "x": []}), Year(year=2012)
    )
    assert tables.households.sort("household_id")["months"].to_list() == [12, 12, 12]
    assert tables.households["amount_fen"].to_list() == [6000] * 3


def test_refusals() -> None:
    bare: Fact[object] = fact("household", "bool", name="bare")(lambda h, m: True)
    with pytest.raises(InvalidInput, match="no columnar implementation"):
        _policy(bare).evaluate_table(_population({"household_id": [], "x": []}), MONTH)
    ratio: Fact[object] = fact("household", "ratio", name="r", columnar=lambda m: pl.lit(1))(
        lambda h, m: Fraction(1, 2)
    )
    with pytest.raises(InvalidInput, match="is a ratio"):
        _policy(ratio == Fraction(1, 2)).evaluate_table(
            _population({"household_id": [], "x": []}), MONTH
        )


def test_dates_compare_in_both_evaluators() -> None:
    day: Fact[object] = fact(
        "household", "date", name="d", columnar=lambda m: pl.lit(None, dtype=pl.Date)
    )(lambda h, m: None)
    policy = _policy(day < pendulum.Date(2000, 1, 1))
    assert policy.evaluate({}, MONTH).entitlements == ()
    tables = policy.evaluate_table(_population({"household_id": [], "x": []}), MONTH)
    assert tables.households.height == 0


# --- time as intervals -------------------------------------------------------------------


def test_month_columns_reads_comparisons_with_the_month() -> None:
    from fpcore.policies import _facts as facts
    from fpcore.rules._intervals import month_columns

    months = list(Year(year=2014).months())
    assert month_columns(facts.living_children, months) == frozenset({"join_index", "death_index"})
    assert month_columns(facts.month_turning_60, months) == frozenset()

    @fact("person", "int", columnar=lambda m: m.year - pl.col("birth_year"))
    def age(person: object, month: Month) -> int:
        return 0

    @fact("person", "bool", columnar=lambda m: pl.col("death_index") > m.index - 1)
    def shifted(person: object, month: Month) -> bool:
        return True

    assert month_columns(age, months) == frozenset()  # the same all the year
    across = [Month(year=2014, month=12), Month(year=2015, month=1)]
    assert month_columns(age, across) is None  # the month used otherwise: month by month
    assert month_columns(shifted, months) is None


def test_month_tests_accept_the_month_only_as_a_side_of_a_comparison() -> None:
    from fpcore.rules import month_index
    from fpcore.rules._intervals import month_tests

    @fact("person", "int", columnar=lambda m: pl.col("x"))
    def x(person: object, month: Month) -> int:
        return 0

    found = month_tests([month_index >= x + 12, month_index < 5])
    assert found is not None
    probes, constants = found
    assert [p.key() for p in probes] == ["(person.x + 12)"]
    assert [c.key() for c in constants] == ["(month_index < 5)"]
    assert month_tests([month_index - x >= 12]) is None


@settings(max_examples=12, deadline=None)
@given(
    start=st.integers(Month(year=2001, month=1).index, Month(year=2020, month=12).index),
    length=st.integers(1, 40),
    policy_id=st.sampled_from(["county", "national", "shandong"]),
)
def test_intervals_equal_month_by_month(start: int, length: int, policy_id: str) -> None:
    """A period by intervals (households evaluated again only at their breakpoints)
    gives exactly the month-by-month result."""
    from fpcore.periods import MonthSpan
    from fpcore.policies import get
    from fpcore.rules import _batch

    tables = _county_tables()
    period = MonthSpan(first=Month.from_index(start), last=Month.from_index(start + length))
    policy = get(policy_id)
    months = list(period.months())
    fast = _batch.evaluate_table(policy, Population(tables), period)
    totals, statuses = _batch._month_by_month(
        _batch._Evaluation(policy), Population(tables), months
    )
    slow = _batch._tables(Population(tables), totals, statuses, True)
    for a, b in ((fast.persons, slow.persons), (fast.households, slow.households)):
        keys = [c for c in a.columns if c.endswith("_id")] + ["benefit"]
        assert a.sort(keys).equals(b.sort(keys))


@functools.cache
def _county_tables() -> dict[str, pl.DataFrame]:
    from fpcore.synth import synthetic_county

    return synthetic_county(households=400, seed=5).tables()


@settings(max_examples=10, deadline=None)
@given(
    start=st.integers(Month(year=2001, month=1).index, Month(year=2020, month=12).index),
    length=st.integers(0, 14),
    size=st.sampled_from([37, 150]),
    policy_id=st.sampled_from(["county", "national", "shandong"]),
)
def test_ranges_of_households_equal_the_whole(
    start: int, length: int, size: int, policy_id: str
) -> None:
    """Households evaluated in ranges (slices of the tables, memory bounded by a range)
    give exactly the result of the whole population month by month."""
    from unittest import mock

    from fpcore.periods import MonthSpan
    from fpcore.policies import get
    from fpcore.rules import _batch

    tables = _county_tables()
    period = MonthSpan(first=Month.from_index(start), last=Month.from_index(start + length))
    policy = get(policy_id)
    with mock.patch.object(_batch, "_PART_HOUSEHOLDS", size):
        parts = _batch.evaluate_table(policy, Population(tables), period)
    evaluation = _batch._Evaluation(policy)
    months = list(period.months())
    totals, statuses = _batch._month_by_month(evaluation, Population(tables), months)
    whole = _batch._tables(Population(tables), totals, statuses, len(months) > 1)
    for a, b in ((parts.persons, whole.persons), (parts.households, whole.households)):
        keys = [c for c in a.columns if c.endswith("_id")] + ["benefit"]
        assert a.sort(keys).equals(b.sort(keys))


def test_ranges_are_refused_when_a_table_is_not_sorted_by_household() -> None:
    from fpcore.rules import _intervals

    tables = dict(_county_tables())
    assert _intervals.household_ranges(Population(tables), 100) is not None
    tables["children"] = tables["children"].reverse()
    assert _intervals.household_ranges(Population(tables), 100) is None
