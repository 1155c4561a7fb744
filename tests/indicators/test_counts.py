"""Counts: validation, addition, and properties of the indicators computed from them."""

from __future__ import annotations

from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.indicators import (
    FERTILITY_AGE_GROUPS,
    Counts,
    Indicator,
    MixedPopulationBasis,
    PopulationBasis,
    aggregate,
    indicators_from_counts,
    rate_total_fertility,
    sum_counts,
)
from fpcore.periods import Year

REG = PopulationBasis.REGISTERED


@st.composite
def counts(draw: st.DrawFn, basis: PopulationBasis = REG) -> Counts:
    """Consistent counts for one area (parts never exceed their wholes)."""
    n = st.integers(0, 2_000)

    def part(whole: int) -> int:
        return draw(st.integers(0, whole))

    live = draw(n)
    male = part(live)
    second = part(live)
    still = draw(st.integers(0, 20))
    eligible = draw(n)
    valid = draw(n)
    families = draw(st.integers(0, 100))
    staff = draw(st.integers(0, 200))
    by_age = [0] * len(FERTILITY_AGE_GROUPS)
    left = live
    for g in range(len(by_age)):
        by_age[g] = part(left)
        left -= by_age[g]
    return Counts(
        basis=basis,
        population_start=draw(st.integers(0, 600_000)),
        population_end=draw(st.integers(0, 600_000)),
        population_mid=draw(st.integers(0, 600_000)),
        live_births=live,
        stillbirths=still,
        deaths=draw(n),
        policy_births=part(live),
        second_births=second,
        policy_second_births=part(second),
        out_of_policy_multi_births=part(live - second),
        male_births=male,
        female_births=live - male,
        defects_live=part(live),
        defects_stillborn=part(still),
        contraception_users=part(eligible),
        contraception_eligible=eligible,
        survey_satisfied=part(valid),
        survey_valid=valid,
        archived=part(families),
        archive_families=families,
        staff=staff,
        staff_qualified=part(staff),
        staff_trained=part(staff),
        training_person_times=draw(st.integers(0, 1000)),
        women_start=[draw(st.integers(0, 20_000)) for _ in by_age],
        women_end=[draw(st.integers(0, 20_000)) for _ in by_age],
        women_mid=[draw(st.integers(0, 20_000)) for _ in by_age],
        births_by_age=by_age,
    )


def _by_name(result: tuple[Indicator, ...]) -> dict[str, Indicator]:
    return {i.name: i for i in result}


@given(counts())
def test_natural_growth_is_birth_minus_death_rate_exactly(c: Counts) -> None:
    rates = _by_name(indicators_from_counts(c))
    birth, death = rates["crude birth rate"].rate, rates["crude death rate"].rate
    growth = rates["natural growth rate"].rate
    if birth is None or death is None:
        assert growth is None
    else:
        assert growth == birth - death


@given(counts())
def test_rates_stay_within_bounds(c: Counts) -> None:
    for i in indicators_from_counts(c, period=Year(2008), area="x"):
        if i.rate is None:
            assert i.denominator == 0
            continue
        if i.definition.proportion:
            assert 0 <= i.rate <= i.unit.scale
        elif not i.definition.signed:
            assert i.rate >= 0


@given(st.lists(counts(), min_size=1, max_size=5))
def test_indicators_of_summed_counts_equal_aggregated_indicators(parts: list[Counts]) -> None:
    total = indicators_from_counts(sum_counts(parts, basis=REG), area="county")
    each = [indicators_from_counts(p, area=f"t{n}") for n, p in enumerate(parts)]
    asfr: list[Indicator] = []
    for k, indicator in enumerate(total):
        if indicator.key == "total_fertility_rate":
            assert indicator == rate_total_fertility(asfr)
            continue
        combined = aggregate([e[k] for e in each], area="county")
        assert combined == indicator
        if indicator.key == "age_specific_fertility_rate":
            asfr.append(combined)


@given(counts(), counts())
def test_addition_is_commutative(a: Counts, b: Counts) -> None:
    assert a + b == b + a
    assert sum_counts([a, b], basis=REG) == a + b


def test_counts_reject_impossible_parts() -> None:
    with pytest.raises(InvalidInput) as info:
        Counts(basis=REG, live_births=1, policy_births=2, women_start=(1, 2), deaths=-1)
    paths = {p.path for p in info.value.problems}
    assert {"deaths", "women_start"} <= paths
    with pytest.raises(InvalidInput, match="exceeds live_births"):
        Counts(basis=REG, live_births=1, policy_births=2)


def test_counts_of_different_bases_do_not_add() -> None:
    a = Counts(basis=REG, deaths=1)
    b = Counts(basis=PopulationBasis.RESIDENT, deaths=1)
    with pytest.raises(MixedPopulationBasis):
        _ = a + b
    with pytest.raises(MixedPopulationBasis, match=r"\[1\]\.basis"):
        sum_counts([a, b], basis=REG)
    assert sum_counts([], basis=REG) == Counts(basis=REG)


def test_settings_change_denominators() -> None:
    from fpcore.indicators import DefectDenominator, IndicatorSettings, PopulationMethod

    c = Counts(
        basis=REG,
        population_start=100,
        population_end=200,
        population_mid=160,
        live_births=10,
        male_births=5,
        female_births=5,
        stillbirths=2,
        defects_live=1,
        defects_stillborn=1,
    )
    default = _by_name(indicators_from_counts(c))
    assert default["crude birth rate"].denominator == 150
    defect = default["birth-defect incidence"]
    assert (defect.numerator, defect.denominator) == (Fraction(2), Fraction(12))
    other = _by_name(
        indicators_from_counts(
            c,
            settings=IndicatorSettings(
                population=PopulationMethod.MID_YEAR,
                defect_denominator=DefectDenominator.LIVE_BIRTHS,
            ),
        )
    )
    assert other["crude birth rate"].denominator == 160
    assert other["crude birth rate"].note == "average population: mid-year"
    assert other["birth-defect incidence"].rate == Fraction(1, 10) * 1000
    assert attrs.evolve(c, deaths=3).deaths == 3
