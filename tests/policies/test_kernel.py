"""The compiled per-household kernel (``backend="kernel"``) against the polars backend and
the single evaluator: the same tables to the fen and the month, on generated households
and periods of any length, for every policy of the catalogue."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.model import Household
from fpcore.periods import Month, MonthSpan, Period, Year
from fpcore.policies import get, list_policies
from fpcore.rules import Population, _kernel
from fpcore.synth import synthetic_county
from fpcore.tables import household_tables
from fpcore.testing.strategies import households

from .test_equivalence import _single_with

pytestmark = pytest.mark.skipif(not _kernel.available(), reason="numba is not installed")

_periods = st.builds(
    lambda start, length: MonthSpan(
        first=Month.from_index(start), last=Month.from_index(start + length)
    ),
    st.integers(
        min_value=Month(year=2002, month=1).index, max_value=Month(year=2030, month=1).index
    ),
    st.integers(min_value=0, max_value=40),
)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    keys = [c for c in ("person_id", "household_id", "benefit") if c in frame.columns]
    return frame.sort(keys)


def _same(pop: Population, policy_id: str, period: Period) -> None:
    policy = get(policy_id)
    by_polars = policy.evaluate_table(pop, period, backend="polars")
    by_kernel = policy.evaluate_table(pop, period, backend="kernel")
    for name in ("households", "persons"):
        expected, found = _sorted(getattr(by_polars, name)), _sorted(getattr(by_kernel, name))
        assert found.schema == expected.schema, name
        assert found.equals(expected), (name, period)


@pytest.mark.parametrize("policy_id", list_policies())
@settings(max_examples=40, deadline=None)
@given(homes=st.lists(households(max_children=3), min_size=1, max_size=6), period=_periods)
def test_kernel_equals_polars(policy_id: str, homes: list[Household], period: Period) -> None:
    _same(Population(household_tables(homes)), policy_id, period)


@settings(max_examples=25, deadline=None)
@given(homes=st.lists(households(max_children=3), min_size=1, max_size=6), period=_periods)
def test_kernel_equals_the_single_evaluator(homes: list[Household], period: Period) -> None:
    policy = get("county")
    result = policy.evaluate_table(Population(household_tables(homes)), period, backend="kernel")
    roles = {
        person_id: "mother" if female else "father"
        for person_id, female in household_tables(homes)["persons"]
        .select("person_id", "is_female")
        .rows()
    }
    found = {}
    for person_id, household_id, benefit, months, fen in result.persons.select(
        "person_id", "household_id", "benefit", "months", "amount_fen"
    ).rows():
        if fen:
            found[(household_id, roles[person_id], benefit)] = (months, fen)
    for household_id, benefit, months, fen in result.households.select(
        "household_id", "benefit", "months", "amount_fen"
    ).rows():
        if fen:
            found[(household_id, "household", benefit)] = (months, fen)
    expected = {
        k: (months, total.fen) for k, (months, total) in _single_with(policy, homes, period).items()
    }
    assert found == expected


@pytest.mark.parametrize("laid_out_by_ranges", [False, True])
@pytest.mark.parametrize("specialised", [False, True])
@pytest.mark.parametrize(
    "period",
    [
        Month(2014, 12),
        Year(2014),
        Year(2008),
        MonthSpan(first=Month(2006, 1), last=Month(2017, 12)),
    ],
)
def test_kernel_equals_polars_on_a_synthetic_county(
    period: Period, specialised: bool, laid_out_by_ranges: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A few thousand households on several threads (ranges of households), with the
    kernel compiled for any table and for these tables' complete columns."""
    pop = Population(synthetic_county(households=3_000, seed=5).tables())
    monkeypatch.setattr(_kernel, "_HOUSEHOLDS_PER_THREAD", 500)  # several threads
    monkeypatch.setattr(_kernel, "_RANGE_HOUSEHOLDS", 256)  # many ranges, each its outputs
    monkeypatch.setattr(_kernel, "SPECIALISE_FROM_PERSONS", 1 if specialised else 10**12)
    if laid_out_by_ranges:  # as a population too large to keep its layout
        monkeypatch.setattr(_kernel, "LAYOUT_KEPT_PERSONS", 0)
        monkeypatch.setattr(_kernel, "_PART_HOUSEHOLDS", 700)
    _same(pop, "county", period)


def test_total_over_a_period_is_the_sum_of_its_months() -> None:
    pop = Population(synthetic_county(households=1_500, seed=9).tables())
    policy = get("county")
    year = policy.evaluate_table(pop, Year(2016), backend="kernel").persons
    months = pl.concat(
        [policy.evaluate_table(pop, m, backend="kernel").persons for m in Year(2016).months()]
    )
    summed = months.group_by("person_id", "benefit").agg(
        pl.col("amount_fen").sum(), pl.col("months").sum()
    )
    assert _sorted(summed).equals(
        _sorted(year.select("person_id", "benefit", "amount_fen", "months"))
    )


def test_unknown_backend_is_refused_with_the_field() -> None:
    pop = Population(synthetic_county(households=20, seed=1).tables())
    with pytest.raises(InvalidInput, match="backend"):
        get("county").evaluate_table(pop, Month(2014, 1), backend="gpu")  # type: ignore[arg-type]


def test_prepare_compiles_what_the_evaluation_runs() -> None:
    """``prepare`` compiles the kernel for the tables' types without evaluating: the
    evaluation that follows runs the same machine code (no second signature)."""
    policy = get("county")
    tables = synthetic_county(households=400, seed=11).tables()
    _kernel.prepare(policy, Population(tables), Year(2015))

    def signatures() -> dict[int, int]:  # numba dispatchers: compiled signatures each
        return {id(k): len(k.signatures) for k in _kernel._COMPILED.values()}  # type: ignore[attr-defined]

    before = signatures()
    result = policy.evaluate_table(Population(tables), Year(2015), backend="kernel")
    assert signatures() == before
    assert all(before.values())
    assert result.persons.height > 0


@pytest.mark.parametrize("period", [Month(2014, 12), Year(2016)])
def test_a_comparison_on_the_kernel_equals_each_policy_alone(
    period: Period, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reform's copy of a rule beside the original (the combined evaluation of a
    comparison): its conditions tested once, each rule its own outcome."""
    from fpcore.rules import _batch, evaluate_tables

    base = get("county")
    reform = base.with_amount("reward_assistance.annual", "1200.00", from_="2008-01-01")
    pop = Population(synthetic_county(households=2_000, seed=4).tables())
    monkeypatch.setattr(_batch, "KERNEL_MIN_PERSONS", 0)  # auto: the kernel, at any size
    shared = evaluate_tables(pop, [base, reform], period)
    for policy, found in zip((base, reform), shared, strict=True):
        alone = policy.evaluate_table(pop, period, backend="polars")
        for name in ("households", "persons"):
            assert _sorted(getattr(found, name)).equals(_sorted(getattr(alone, name)))
