"""The formulas from counts: the county report's figures, edge cases and mixed bases."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from fpcore.errors import FpcoreError, InvalidInput
from fpcore.indicators import (
    AgeGroup,
    DefectDenominator,
    MixedPopulationBasis,
    PopulationBasis,
    PopulationMethod,
    aggregate,
    average_population,
    rate_age_specific_fertility,
    rate_archive_coverage,
    rate_birth_defect,
    rate_contraceptive_prevalence,
    rate_crude_birth,
    rate_crude_death,
    rate_general_fertility,
    rate_natural_growth,
    rate_out_of_policy_multi_child,
    rate_planned_birth,
    rate_satisfaction,
    rate_second_child_compliance,
    rate_sex_ratio_at_birth,
    rate_staff_qualification,
    rate_total_fertility,
    rate_training_coverage,
)
from fpcore.periods import Year

REG = PopulationBasis.REGISTERED
RES = PopulationBasis.RESIDENT

# One consistent set of county counts behind the report's figures: year-end population
# 513,000 (the report's figure), start 511,400, so the average population is 512,200.
COUNTY = average_population(start=511_400, end=513_000, basis=REG)
BIRTHS, DEATHS, POLICY_BIRTHS = 4651, 3740, 4641


def test_report_birth_death_and_growth_rates() -> None:
    birth = rate_crude_birth(live_births=BIRTHS, population=COUNTY, period=Year(2008))
    death = rate_crude_death(deaths=DEATHS, population=COUNTY, period=Year(2008))
    growth = rate_natural_growth(live_births=BIRTHS, deaths=DEATHS, population=COUNTY)
    assert COUNTY.value == 512_200
    assert (str(birth), str(death), str(growth)) == ("9.08‰", "7.30‰", "1.78‰")
    assert growth.rate == birth.rate - death.rate  # type: ignore[operator]
    assert birth.period == Year(2008)
    assert birth.basis is REG


def test_natural_growth_is_not_rounded_minus_rounded() -> None:
    # births 9.085 -> 9.09 (half up), deaths 7.304 -> 7.30: the shown difference is 1.79,
    # but the growth rate from the unrounded counts is 1.781 -> 1.78.
    p = average_population(start=1_000_000, end=1_000_000, basis=REG)
    b = rate_crude_birth(live_births=9085, population=p)
    d = rate_crude_death(deaths=7304, population=p)
    g = rate_natural_growth(live_births=9085, deaths=7304, population=p)
    assert (b.rounded(), d.rounded(), g.rounded()) == (
        Decimal("9.09"),
        Decimal("7.30"),
        Decimal("1.78"),
    )
    assert g.rate == b.rate - d.rate  # type: ignore[operator]


def test_planned_birth_rate_99_78_is_not_double_rounded() -> None:
    r = rate_planned_birth(policy_births=POLICY_BIRTHS, births=BIRTHS, basis=REG)
    assert str(r) == "99.78%"
    assert r.rounded(3) == Decimal("99.785")  # rounding 99.785 again would say 99.79
    assert r.rate == Fraction(POLICY_BIRTHS * 100, BIRTHS)


def test_birth_defect_incidence_falls_from_5_70_to_4_28() -> None:
    before = rate_birth_defect(defects=27, births=4712 + 25, basis=REG)
    after = rate_birth_defect(defects=20, births=BIRTHS + 25, basis=REG)
    assert (str(before), str(after)) == ("5.70‰", "4.28‰")
    assert after.note == "denominator: perinatal"
    live = rate_birth_defect(
        defects=20, births=BIRTHS, basis=REG, denominator=DefectDenominator.LIVE_BIRTHS
    )
    assert live.note == "denominator: live births"
    assert str(live) == "4.30‰"


def test_service_figures_of_the_report() -> None:
    assert str(rate_satisfaction(satisfied=481, valid_responses=500)) == "96.2%"
    assert rate_satisfaction(satisfied=481, valid_responses=500).basis is None
    archive = rate_archive_coverage(archived=90, families=90)
    assert str(archive) == "100.00%"
    staff = rate_staff_qualification(qualified=555, staff=1180)
    assert staff.rounded(0) == Decimal(47)
    assert str(staff) == "47.03%"
    assert str(rate_training_coverage(trained=1062, staff=1180)) == "90.00%"


def test_township_sex_ratio_196_185() -> None:
    r = rate_sex_ratio_at_birth(male_births=196, female_births=185, basis=RES, area="洪凝镇")
    assert str(r) == "105.95:100"
    assert r.rounded() == Decimal("105.95")


def test_oh100_average_population_example() -> None:
    # 281 resident births; year-end resident population 40,248 gives 6.98 per mille, but
    # the report divides by the average population (about 39,355) and says 7.14.
    year_end = average_population(mid_year=40_248, basis=RES)
    average = average_population(start=38_462, end=40_248, basis=RES)
    assert str(rate_crude_birth(live_births=281, population=year_end)) == "6.98‰"
    assert str(rate_crude_birth(live_births=281, population=average)) == "7.14‰"
    assert year_end.method is PopulationMethod.MID_YEAR
    assert rate_crude_birth(live_births=281, population=year_end).note == (
        "average population: mid-year"
    )


def test_other_birth_ratios() -> None:
    assert str(
        rate_second_child_compliance(policy_second_births=88, second_births=90, basis=REG)
    ) == ("97.78%")
    assert str(
        rate_out_of_policy_multi_child(out_of_policy_multi_births=3, births=4651, basis=REG)
    ) == ("0.06%")
    assert str(rate_contraceptive_prevalence(users=9, eligible_women=10, basis=REG)) == "90.00%"


def test_fertility_rates() -> None:
    women = average_population(start=150_000, end=152_000, basis=REG)
    assert str(rate_general_fertility(live_births=4651, women=women)) == "30.80‰"
    groups = [AgeGroup(first=a, last=a + 4) for a in range(15, 50, 5)]
    births = [10, 100, 90, 40, 10, 3, 1]
    w = average_population(start=1000, end=1000, basis=REG)
    asfr = [
        rate_age_specific_fertility(births=b, women=w, ages=g)
        for g, b in zip(groups, births, strict=True)
    ]
    tfr = rate_total_fertility(asfr)
    assert tfr.rate == Fraction(sum(births) * 5, 1000)
    assert str(tfr) == "1.27 children per woman"


def test_total_fertility_undefined_when_an_age_group_has_no_women() -> None:
    w = average_population(start=10, end=10, basis=REG)
    empty = average_population(start=0, end=0, basis=REG)
    rates = [
        rate_age_specific_fertility(births=1, women=w, ages=AgeGroup(first=20, last=24)),
        rate_age_specific_fertility(births=0, women=empty, ages=AgeGroup(first=25, last=29)),
    ]
    tfr = rate_total_fertility(rates)
    assert tfr.rate is None
    assert tfr.shown() == "undefined"


def test_total_fertility_refuses_overlapping_or_foreign_rates() -> None:
    w = average_population(start=10, end=10, basis=REG)
    a = rate_age_specific_fertility(births=1, women=w, ages=AgeGroup(first=20, last=24))
    b = rate_age_specific_fertility(births=1, women=w, ages=AgeGroup(first=22, last=26))
    with pytest.raises(InvalidInput, match=r"\[1\]\.ages"):
        rate_total_fertility([a, b])
    with pytest.raises(InvalidInput, match="not an age-specific"):
        rate_total_fertility([rate_satisfaction(satisfied=1, valid_responses=1)])
    with pytest.raises(InvalidInput):
        rate_total_fertility([])


@pytest.mark.parametrize(
    "indicator",
    [
        rate_crude_birth(live_births=0, population=average_population(start=0, end=0, basis=REG)),
        rate_sex_ratio_at_birth(male_births=3, female_births=0, basis=REG),
        rate_planned_birth(policy_births=0, births=0, basis=REG),
        rate_satisfaction(satisfied=0, valid_responses=0),
        rate_birth_defect(defects=0, births=0, basis=REG),
        rate_staff_qualification(qualified=0, staff=0),
    ],
)
def test_zero_denominator_is_undefined_not_zero(indicator: object) -> None:
    from fpcore.indicators import Indicator

    assert isinstance(indicator, Indicator)
    assert not indicator.defined
    assert indicator.rate is None
    assert indicator.rounded() is None
    assert indicator.shown() == "undefined"
    assert str(indicator).startswith("undefined (")


def test_numerator_above_denominator_of_a_proportion_is_invalid() -> None:
    with pytest.raises(InvalidInput) as info:
        rate_planned_birth(policy_births=11, births=10, basis=REG)
    assert info.value.problems[0].path == "numerator"


def test_every_bad_count_is_listed() -> None:
    with pytest.raises(InvalidInput) as info:
        rate_sex_ratio_at_birth(male_births=-1, female_births="7", basis=REG)  # type: ignore[arg-type]
    assert [p.path for p in info.value.problems] == ["male_births", "female_births"]


def test_float_is_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        rate_satisfaction(satisfied=1.0, valid_responses=2)  # type: ignore[arg-type]


def test_average_population_needs_one_form() -> None:
    with pytest.raises(InvalidInput) as info:
        average_population(start=1, basis=REG)
    assert [p.path for p in info.value.problems] == ["end"]
    with pytest.raises(InvalidInput):
        average_population(start=1, end=2, mid_year=3, basis=REG)


def test_mixed_bases_are_an_error() -> None:
    resident = average_population(start=100, end=100, basis=RES)
    with pytest.raises(MixedPopulationBasis) as info:
        rate_crude_birth(live_births=1, population=resident, basis=REG)
    assert isinstance(info.value, FpcoreError)
    assert isinstance(info.value, ValueError)
    assert info.value.problems[0].path == "population"
    a = rate_sex_ratio_at_birth(male_births=1, female_births=1, basis=REG, area="A")
    b = rate_sex_ratio_at_birth(male_births=1, female_births=1, basis=RES, area="B")
    with pytest.raises(MixedPopulationBasis, match=r"\[1\]\.basis"):
        aggregate([a, b], area="A+B")


def test_aggregate_is_sum_over_sum_not_mean_of_rates() -> None:
    a = rate_planned_birth(policy_births=9, births=10, basis=REG, area="A")
    b = rate_planned_birth(policy_births=100, births=100, basis=REG, area="B")
    total = aggregate([a, b], area="A+B")
    assert total.rate == Fraction(109 * 100, 110)
    assert total.rate != (a.rate + b.rate) / 2  # type: ignore[operator]
    assert total.area == "A+B"


def test_aggregate_refuses_mismatches_and_tfr() -> None:
    a = rate_planned_birth(policy_births=9, births=10, basis=REG, period=Year(2008))
    b = rate_planned_birth(policy_births=9, births=10, basis=REG, period=Year(2009))
    c = rate_sex_ratio_at_birth(male_births=1, female_births=1, basis=REG, period=Year(2008))
    with pytest.raises(InvalidInput) as info:
        aggregate([a, b, c], area="x")
    paths = [p.path for p in info.value.problems]
    assert "[1].period" in paths
    assert "[2].definition" in paths
    w = average_population(start=10, end=10, basis=REG)
    tfr = rate_total_fertility(
        [rate_age_specific_fertility(births=1, women=w, ages=AgeGroup(first=20, last=24))]
    )
    with pytest.raises(InvalidInput, match="does not add up"):
        aggregate([tfr, tfr], area="x")
    with pytest.raises(InvalidInput):
        aggregate([], area="x")
