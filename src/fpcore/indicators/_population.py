"""Population formulas: average population, birth, death and growth rates, fertility.

Pure functions of counts (no polars). Each ``rate_...`` checks its counts and returns an
:class:`~fpcore.indicators.Indicator`; nothing is rounded here.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from fractions import Fraction

import attrs

from fpcore.errors import InvalidInput, Problem
from fpcore.indicators._definitions import DEFINITIONS
from fpcore.indicators._result import (
    AgeGroup,
    Indicator,
    MixedPopulationBasis,
    PopulationBasis,
    check_same_basis,
)
from fpcore.periods import Period


class PopulationMethod(enum.Enum):
    """How the average population is taken: ``(start + end) / 2`` (default) or mid-year."""

    START_END = "start-end"
    MID_YEAR = "mid-year"


def _count(value: object, path: str, problems: list[Problem]) -> int:
    if isinstance(value, float):
        raise TypeError(f"{path}: counts refuse float ({value!r}); pass an int")
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(Problem(path, f"{value!r} is not a whole count"))
        return 0
    if value < 0:
        problems.append(Problem(path, f"{value} is negative"))
    return value


def check_counts(**values: object) -> list[int]:
    """The counts, in order; every bad one (not a whole count, negative) listed at once."""
    problems: list[Problem] = []
    out = [_count(v, k, problems) for k, v in values.items()]
    if problems:
        raise InvalidInput(problems)
    return out


@attrs.frozen(kw_only=True)
class AveragePopulation:
    """The average population of a period (年平均人口) on one population basis.

    Build it with :func:`average_population`. ``value`` is exact (it may be a half).
    """

    value: Fraction
    basis: PopulationBasis
    method: PopulationMethod


def average_population(
    *,
    basis: PopulationBasis,
    start: int | None = None,
    end: int | None = None,
    mid_year: int | None = None,
) -> AveragePopulation:
    """The average population: ``(start + end) / 2``, or the mid-year population instead.

    Give either ``start`` and ``end`` or ``mid_year``.

    Args:
        basis: whose population it is (户籍 registered or 常住 resident).
        start: population at the start of the period (end of the previous year).
        end: population at the end of the period.
        mid_year: population at mid-period, used as the average instead.

    Raises:
        InvalidInput: a negative count, or not exactly one of the two forms.

    Example:
        >>> p = average_population(start=512_000, end=514_001, basis=PopulationBasis.RESIDENT)
        >>> p.value, p.method.value
        (Fraction(1026001, 2), 'start-end')
        >>> average_population(mid_year=39_350, basis=PopulationBasis.RESIDENT).value
        Fraction(39350, 1)
    """
    if mid_year is not None:
        if start is not None or end is not None:
            raise InvalidInput("give either start and end, or mid_year, not both", path="mid_year")
        (mid,) = check_counts(mid_year=mid_year)
        return AveragePopulation(value=Fraction(mid), basis=basis, method=PopulationMethod.MID_YEAR)
    if start is None or end is None:
        missing = [n for n, v in (("start", start), ("end", end)) if v is None]
        raise InvalidInput(
            [Problem(n, "missing (give start and end, or mid_year)") for n in missing]
        )
    s, e = check_counts(start=start, end=end)
    return AveragePopulation(
        value=Fraction(s + e, 2), basis=basis, method=PopulationMethod.START_END
    )


def _population_basis(population: AveragePopulation, basis: PopulationBasis | None) -> None:
    if basis is not None and basis is not population.basis:
        raise MixedPopulationBasis(
            [
                Problem(
                    "population",
                    f"is on the {population.basis.value} basis but the counts are "
                    f"{basis.value} (numerator and denominator must share a basis)",
                )
            ]
        )


def rate_crude_birth(
    *,
    live_births: int,
    population: AveragePopulation,
    basis: PopulationBasis | None = None,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """Crude birth rate (人口出生率): live births / average population x 1000.

    Args:
        live_births: live births in the period, on the population's basis.
        population: the average population (:func:`average_population`).
        basis: the basis the births were counted on, if you want it checked.
        period: the period covered.
        area: the area covered.

    Raises:
        MixedPopulationBasis: ``basis`` differs from the population's.

    Example:
        >>> p = average_population(start=511_400, end=513_000, basis=PopulationBasis.REGISTERED)
        >>> str(rate_crude_birth(live_births=4651, population=p))
        '9.08‰'
    """
    (n,) = check_counts(live_births=live_births)
    return _per_population("crude_birth_rate", n, population, basis, period, area)


def _per_population(
    key: str,
    numerator: int,
    population: AveragePopulation,
    basis: PopulationBasis | None,
    period: Period | None,
    area: str,
) -> Indicator:
    """The indicator ``key``: ``numerator`` over an average population, bases checked."""
    _population_basis(population, basis)
    return Indicator(
        definition=DEFINITIONS[key],
        numerator=numerator,
        denominator=population.value,
        basis=population.basis,
        period=period,
        area=area,
        note=_method_note(population),
    )


def _method_note(population: AveragePopulation) -> str:
    if population.method is PopulationMethod.MID_YEAR:
        return "average population: mid-year"
    return ""


def rate_crude_death(
    *,
    deaths: int,
    population: AveragePopulation,
    basis: PopulationBasis | None = None,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """Crude death rate (死亡率): deaths / average population x 1000.

    Example:
        >>> p = average_population(start=511_400, end=513_000, basis=PopulationBasis.REGISTERED)
        >>> str(rate_crude_death(deaths=3740, population=p))
        '7.30‰'
    """
    (n,) = check_counts(deaths=deaths)
    return _per_population("crude_death_rate", n, population, basis, period, area)


def rate_natural_growth(
    *,
    live_births: int,
    deaths: int,
    population: AveragePopulation,
    basis: PopulationBasis | None = None,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """Natural growth rate (人口自然增长率): (births - deaths) / average population x 1000.

    Computed from the unrounded counts, so it equals the exact birth rate minus the
    exact death rate; the shown value may differ by 0.01 from the shown birth rate
    minus the shown death rate, as published figures do.

    Example:
        >>> p = average_population(start=511_400, end=513_000, basis=PopulationBasis.REGISTERED)
        >>> str(rate_natural_growth(live_births=4651, deaths=3740, population=p))
        '1.78‰'
    """
    b, d = check_counts(live_births=live_births, deaths=deaths)
    return _per_population("natural_growth_rate", b - d, population, basis, period, area)


def rate_general_fertility(
    *,
    live_births: int,
    women: AveragePopulation,
    basis: PopulationBasis | None = None,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """General fertility rate (一般生育率): live births / average women aged 15-49 x 1000.

    Example:
        >>> w = average_population(start=150_000, end=152_000, basis=PopulationBasis.REGISTERED)
        >>> str(rate_general_fertility(live_births=4651, women=w))
        '30.80‰'
    """
    (n,) = check_counts(live_births=live_births)
    return _per_population("general_fertility_rate", n, women, basis, period, area)


def rate_age_specific_fertility(
    *,
    births: int,
    women: AveragePopulation,
    ages: AgeGroup,
    basis: PopulationBasis | None = None,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """Age-specific fertility rate (年龄别生育率) for one age group, per mille.

    ``births`` are live births to mothers whose age at the birth is in ``ages``;
    ``women`` the average number of women of those ages.

    Example:
        >>> w = average_population(start=20_000, end=20_400, basis=PopulationBasis.REGISTERED)
        >>> str(rate_age_specific_fertility(births=2020, women=w, ages=AgeGroup(first=20, last=24)))
        '100.00‰'
    """
    _population_basis(women, basis)
    (n,) = check_counts(births=births)
    return Indicator(
        definition=DEFINITIONS["age_specific_fertility_rate"],
        numerator=n,
        denominator=women.value,
        basis=women.basis,
        period=period,
        area=area,
        ages=ages,
        note=_method_note(women),
    )


def rate_total_fertility(rates: Sequence[Indicator]) -> Indicator:
    """Total fertility rate (总和生育率) from age-specific rates: sum of rate x width / 1000.

    The rates must be age-specific fertility rates of one area, period and basis, over
    non-overlapping age groups. If any of them is undefined (no women of that age),
    the total is undefined too.

    Raises:
        MixedPopulationBasis: the rates are on different bases.
        InvalidInput: not age-specific rates, overlapping ages, or different areas or
            periods.

    Example:
        >>> b = PopulationBasis.REGISTERED
        >>> groups = [(AgeGroup(first=a, last=a + 4), n) for a, n in ((15, 10), (20, 100),
        ...           (25, 90), (30, 40), (35, 10), (40, 3), (45, 1))]
        >>> w = average_population(start=1000, end=1000, basis=b)
        >>> asfr = [rate_age_specific_fertility(births=n, women=w, ages=g) for g, n in groups]
        >>> str(rate_total_fertility(asfr))
        '1.27 children per woman'
    """
    if not rates:
        raise InvalidInput("no age-specific rates to add up", path="rates")
    problems: list[Problem] = []
    for i, r in enumerate(rates):
        if r.key != "age_specific_fertility_rate" or r.ages is None:
            problems.append(Problem(f"[{i}]", f"{r.name} is not an age-specific fertility rate"))
    if problems:
        raise InvalidInput(problems)
    first = rates[0]
    assert first.basis is not None  # population-based definitions always carry one
    check_same_basis(
        [r.basis for r in rates], [f"[{i}].basis" for i in range(len(rates))], expected=first.basis
    )
    for i, r in enumerate(rates):
        if r.area != first.area or r.period != first.period:
            problems.append(Problem(f"[{i}]", "covers another area or period than rates[0]"))
    covered: set[int] = set()
    for i, r in enumerate(rates):
        assert r.ages is not None
        ages = set(range(r.ages.first, r.ages.last + 1))
        if covered & ages:
            problems.append(Problem(f"[{i}].ages", f"{r.ages} overlaps another group"))
        covered |= ages
    if problems:
        raise InvalidInput(problems)
    notes = {r.note for r in rates}
    note = notes.pop() if len(notes) == 1 else ""
    total = Fraction(0)
    for r in rates:
        assert r.ages is not None
        if not r.defined:
            return _tfr(Fraction(0), Fraction(0), first, note)
        total += r.numerator / r.denominator * r.ages.width
    return _tfr(total, Fraction(1), first, note)


def _tfr(numerator: Fraction, denominator: Fraction, like: Indicator, note: str) -> Indicator:
    return Indicator(
        definition=DEFINITIONS["total_fertility_rate"],
        numerator=numerator,
        denominator=denominator,
        basis=like.basis,
        period=like.period,
        area=like.area,
        note=note,
    )
