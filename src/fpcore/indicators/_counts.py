"""The additive counts behind every indicator of one area, and the indicators they give.

A register (or a list of domain objects) is first reduced to one :class:`Counts` per
area; counts of areas add up (``+``), and every indicator of a larger area is computed
from the summed counts. That is what makes a county's rate the sum of its townships'
numerators over the sum of their denominators, never an average of rates.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from fpcore.errors import InvalidInput, Problem
from fpcore.indicators._formulas import (
    DefectDenominator,
    rate_archive_coverage,
    rate_birth_defect,
    rate_contraceptive_prevalence,
    rate_out_of_policy_multi_child,
    rate_planned_birth,
    rate_satisfaction,
    rate_second_child_compliance,
    rate_sex_ratio_at_birth,
    rate_staff_qualification,
    rate_training_coverage,
)
from fpcore.indicators._population import (
    PopulationMethod,
    average_population,
    rate_age_specific_fertility,
    rate_crude_birth,
    rate_crude_death,
    rate_general_fertility,
    rate_natural_growth,
    rate_total_fertility,
)
from fpcore.indicators._result import (
    AgeGroup,
    Indicator,
    MixedPopulationBasis,
    PopulationBasis,
)
from fpcore.periods import Period

FERTILITY_AGE_GROUPS: tuple[AgeGroup, ...] = tuple(
    AgeGroup(first=a, last=a + 4) for a in range(15, 50, 5)
)
"""The seven five-year age groups 15-19 ... 45-49 of the fertility rates."""

_GROUPS = len(FERTILITY_AGE_GROUPS)


def _zeros() -> tuple[int, ...]:
    return (0,) * _GROUPS


def _by_age(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class IndicatorSettings:
    """The conventions of domain section 9 that a county may change without code.

    Args:
        population: average population as ``(start + end) / 2`` (default) or mid-year.
        defect_denominator: perinatal births (default, stillbirths included) or live
            births.
    """

    population: PopulationMethod = PopulationMethod.START_END
    defect_denominator: DefectDenominator = DefectDenominator.PERINATAL


_INT_FIELDS = (
    "population_start",
    "population_end",
    "population_mid",
    "live_births",
    "stillbirths",
    "deaths",
    "policy_births",
    "second_births",
    "policy_second_births",
    "out_of_policy_multi_births",
    "male_births",
    "female_births",
    "defects_live",
    "defects_stillborn",
    "contraception_users",
    "contraception_eligible",
    "survey_satisfied",
    "survey_valid",
    "archived",
    "archive_families",
    "staff",
    "staff_qualified",
    "staff_trained",
    "training_person_times",
)
_AGE_FIELDS = ("women_start", "women_end", "women_mid", "births_by_age")


@attrs.frozen(kw_only=True)
class Counts:
    """Every count the indicators need for one area and year, on one population basis.

    All fields are additive over areas. Population stocks are taken at the end of the
    previous year (``population_start``), at the end of the year (``population_end``)
    and at the end of June (``population_mid``); ``women_*`` split women aged 15-49 at
    those moments by :data:`FERTILITY_AGE_GROUPS`, and ``births_by_age`` splits live
    births by the mother's age at the birth. Status counts (contraception) are at the
    end of the year. Survey, archive and staff counts have no population basis.

    Example:
        >>> a = Counts(basis=PopulationBasis.REGISTERED, live_births=3, population_start=100)
        >>> b = Counts(basis=PopulationBasis.REGISTERED, live_births=2, population_start=50)
        >>> (a + b).live_births, (a + b).population_start
        (5, 150)
    """

    basis: PopulationBasis
    population_start: int = 0
    population_end: int = 0
    population_mid: int = 0
    live_births: int = 0
    stillbirths: int = 0
    deaths: int = 0
    policy_births: int = 0
    second_births: int = 0
    policy_second_births: int = 0
    out_of_policy_multi_births: int = 0
    male_births: int = 0
    female_births: int = 0
    defects_live: int = 0
    defects_stillborn: int = 0
    contraception_users: int = 0
    contraception_eligible: int = 0
    survey_satisfied: int = 0
    survey_valid: int = 0
    archived: int = 0
    archive_families: int = 0
    staff: int = 0
    staff_qualified: int = 0
    staff_trained: int = 0
    training_person_times: int = 0
    women_start: tuple[int, ...] = attrs.field(factory=_zeros, converter=_by_age)
    women_end: tuple[int, ...] = attrs.field(factory=_zeros, converter=_by_age)
    women_mid: tuple[int, ...] = attrs.field(factory=_zeros, converter=_by_age)
    births_by_age: tuple[int, ...] = attrs.field(factory=_zeros, converter=_by_age)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.basis, PopulationBasis):
            problems.append(Problem("basis", f"{self.basis!r} is not a PopulationBasis"))
        for name in _INT_FIELDS:
            _check_count(getattr(self, name), name, problems)
        for name in _AGE_FIELDS:
            values = getattr(self, name)
            if len(values) != _GROUPS:
                problems.append(Problem(name, f"has {len(values)} age groups, expected {_GROUPS}"))
            for i, v in enumerate(values):
                _check_count(v, f"{name}[{i}]", problems)
        pairs = (
            ("policy_births", "live_births"),
            ("second_births", "live_births"),
            ("policy_second_births", "second_births"),
            ("out_of_policy_multi_births", "live_births"),
            ("defects_live", "live_births"),
            ("defects_stillborn", "stillbirths"),
            ("contraception_users", "contraception_eligible"),
            ("survey_satisfied", "survey_valid"),
            ("archived", "archive_families"),
            ("staff_qualified", "staff"),
            ("staff_trained", "staff"),
        )
        if not problems:
            for part, whole in pairs:
                if getattr(self, part) > getattr(self, whole):
                    problems.append(Problem(part, f"exceeds {whole}"))
            if self.male_births + self.female_births > self.live_births:
                problems.append(Problem("male_births", "boys + girls exceed live_births"))
            if sum(self.births_by_age) > self.live_births:
                problems.append(Problem("births_by_age", "adds up to more than live_births"))
        if problems:
            raise InvalidInput(problems)

    def __add__(self, other: Counts) -> Counts:
        if not isinstance(other, Counts):
            return NotImplemented
        if other.basis is not self.basis:
            raise MixedPopulationBasis(
                [Problem("basis", f"cannot add {other.basis.value} counts to {self.basis.value}")]
            )
        values: dict[str, object] = {
            name: getattr(self, name) + getattr(other, name) for name in _INT_FIELDS
        }
        for name in _AGE_FIELDS:
            values[name] = tuple(
                a + b for a, b in zip(getattr(self, name), getattr(other, name), strict=True)
            )
        return Counts(basis=self.basis, **values)  # type: ignore[arg-type]

    @property
    def perinatal_births(self) -> int:
        """Live births plus stillbirths (28 weeks' gestation or more)."""
        return self.live_births + self.stillbirths

    @property
    def women_15_49_start(self) -> int:
        """Women aged 15-49 at the start of the year."""
        return sum(self.women_start)

    @property
    def women_15_49_end(self) -> int:
        """Women aged 15-49 at the end of the year."""
        return sum(self.women_end)


def _check_count(value: object, path: str, problems: list[Problem]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(Problem(path, f"{value!r} is not a whole count"))
    elif value < 0:
        problems.append(Problem(path, f"{value} is negative"))


def sum_counts(counts: Iterable[Counts], *, basis: PopulationBasis) -> Counts:
    """Add up the counts of several areas (the empty sum is all zeros on ``basis``).

    Raises:
        MixedPopulationBasis: some counts are on another basis.

    Example:
        >>> b = PopulationBasis.REGISTERED
        >>> sum_counts([Counts(basis=b, deaths=2), Counts(basis=b, deaths=3)], basis=b).deaths
        5
    """
    items = list(counts)
    wrong = [
        Problem(f"[{i}].basis", f"is {c.basis.value}, expected {basis.value}")
        for i, c in enumerate(items)
        if c.basis is not basis
    ]
    if wrong:
        raise MixedPopulationBasis(wrong)
    values: dict[str, object] = {name: sum(getattr(c, name) for c in items) for name in _INT_FIELDS}
    for name in _AGE_FIELDS:
        values[name] = (
            tuple(sum(column) for column in zip(*(getattr(c, name) for c in items), strict=True))
            if items
            else _zeros()
        )
    return Counts(basis=basis, **values)  # type: ignore[arg-type]


def indicators_from_counts(
    counts: Counts,
    *,
    period: Period | None = None,
    area: str = "",
    settings: IndicatorSettings | None = None,
) -> tuple[Indicator, ...]:
    """Every indicator of one area from its counts, in the catalogue's order.

    Age-specific fertility rates come one per group of :data:`FERTILITY_AGE_GROUPS`,
    right before the total fertility rate. Indicators whose counts are all zero (a
    table the register does not have) come out *undefined*, not zero.

    Example:
        >>> c = Counts(basis=PopulationBasis.REGISTERED, population_start=511_400,
        ...            population_end=513_000, live_births=4651, male_births=2400,
        ...            female_births=2251, deaths=3740, policy_births=4641)
        >>> shown = {i.key: i.shown() for i in indicators_from_counts(c)}
        >>> shown["crude_birth_rate"], shown["natural_growth_rate"], shown["planned_birth_rate"]
        ('9.08‰', '1.78‰', '99.78%')
        >>> shown["satisfaction_rate"]
        'undefined'
    """
    s = settings or IndicatorSettings()
    b = counts.basis
    if s.population is PopulationMethod.MID_YEAR:
        population = average_population(basis=b, mid_year=counts.population_mid)
        women = [average_population(basis=b, mid_year=w) for w in counts.women_mid]
        women_all = average_population(basis=b, mid_year=sum(counts.women_mid))
    else:
        population = average_population(
            basis=b, start=counts.population_start, end=counts.population_end
        )
        women = [
            average_population(basis=b, start=ws, end=we)
            for ws, we in zip(counts.women_start, counts.women_end, strict=True)
        ]
        women_all = average_population(
            basis=b, start=counts.women_15_49_start, end=counts.women_15_49_end
        )
    if s.defect_denominator is DefectDenominator.PERINATAL:
        defects = counts.defects_live + counts.defects_stillborn
        defect_births = counts.perinatal_births
    else:
        defects = counts.defects_live
        defect_births = counts.live_births
    asfr = [
        rate_age_specific_fertility(births=n, women=w, ages=g, period=period, area=area)
        for g, n, w in zip(FERTILITY_AGE_GROUPS, counts.births_by_age, women, strict=True)
    ]
    return (
        rate_crude_birth(
            live_births=counts.live_births, population=population, period=period, area=area
        ),
        rate_crude_death(deaths=counts.deaths, population=population, period=period, area=area),
        rate_natural_growth(
            live_births=counts.live_births,
            deaths=counts.deaths,
            population=population,
            period=period,
            area=area,
        ),
        rate_general_fertility(
            live_births=counts.live_births, women=women_all, period=period, area=area
        ),
        *asfr,
        rate_total_fertility(asfr),
        rate_sex_ratio_at_birth(
            male_births=counts.male_births,
            female_births=counts.female_births,
            basis=b,
            period=period,
            area=area,
        ),
        rate_planned_birth(
            policy_births=counts.policy_births,
            births=counts.live_births,
            basis=b,
            period=period,
            area=area,
        ),
        rate_second_child_compliance(
            policy_second_births=counts.policy_second_births,
            second_births=counts.second_births,
            basis=b,
            period=period,
            area=area,
        ),
        rate_out_of_policy_multi_child(
            out_of_policy_multi_births=counts.out_of_policy_multi_births,
            births=counts.live_births,
            basis=b,
            period=period,
            area=area,
        ),
        rate_birth_defect(
            defects=defects,
            births=defect_births,
            basis=b,
            denominator=s.defect_denominator,
            period=period,
            area=area,
        ),
        rate_contraceptive_prevalence(
            users=counts.contraception_users,
            eligible_women=counts.contraception_eligible,
            basis=b,
            period=period,
            area=area,
        ),
        rate_satisfaction(
            satisfied=counts.survey_satisfied,
            valid_responses=counts.survey_valid,
            period=period,
            area=area,
        ),
        rate_archive_coverage(
            archived=counts.archived, families=counts.archive_families, period=period, area=area
        ),
        rate_staff_qualification(
            qualified=counts.staff_qualified, staff=counts.staff, period=period, area=area
        ),
        rate_training_coverage(
            trained=counts.staff_trained, staff=counts.staff, period=period, area=area
        ),
    )
