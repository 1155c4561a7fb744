"""What a projection assumes: fertility, mortality, hukou changes, each with its source."""

from __future__ import annotations

import math

import attrs

__all__ = ["AGE_GROUPS", "Assumption", "Assumptions", "life_expectancy"]

AGE_GROUPS = ((15, 20), (20, 25), (25, 30), (30, 35), (35, 40), (40, 45), (45, 50))
"""The five-year age groups of the fertility schedules: ``[low, high)`` in completed years."""

ASSUMPTION = "assumption"

_CENSUS_2010 = (
    "2010 census life expectancy at birth, male 72.38 and female 77.37 years "
    "(National Bureau of Statistics of China, 2012)"
)


@attrs.frozen(kw_only=True)
class Assumption:
    """One assumption of a projection: what it is, its value, and where it comes from.

    ``source`` is a citation, or ``"assumption"`` when the value is fpcore's own choice.

    Example:
        >>> print(Assumption(label="hukou", value="0.5 % a year", source="assumption"))
        hukou: 0.5 % a year [assumption]
    """

    label: str
    value: str
    source: str

    def __str__(self) -> str:
        return f"{self.label}: {self.value} [{self.source}]"

    def to_dict(self) -> dict[str, str]:
        """The assumption as a JSON-ready mapping."""
        return {"label": self.label, "value": self.value, "source": self.source}


def _rates(
    values: tuple[float, ...],
) -> tuple[float, float, float, float, float, float, float]:
    if len(values) != len(AGE_GROUPS):
        raise ValueError(f"a fertility schedule has {len(AGE_GROUPS)} rates, got {len(values)}")
    if any(not 0 <= v <= 1 or math.isnan(v) for v in values):
        raise ValueError(f"fertility rates are yearly probabilities in [0, 1], got {values}")
    a, b, c, d, e, f, g = values
    return (a, b, c, d, e, f, g)


def _probability(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0 <= value <= 1 or math.isnan(value):
        raise ValueError(f"{attribute.name}: {value} is not a probability in [0, 1]")


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0 or math.isinf(value):
        raise ValueError(f"{attribute.name}: {value} must be a positive number")


Schedule = tuple[float, float, float, float, float, float, float]


@attrs.frozen(kw_only=True)
class Assumptions:
    """The demographic assumptions of a projection (every field has a stated source).

    Fertility is a yearly probability of a delivery for a married woman living with her
    husband, by five-year age group (:data:`AGE_GROUPS`) and by what the birth would be:

    - ``first_birth``: her household has had no delivery yet;
    - ``second_birth_within``: a second delivery the law in force allows (from 2016
      under the 2015 law; before, under the 2001 law, when the couple holds a birth
      permit: see ``second_birth_permit``);
    - ``second_birth_outside``: a second delivery the law does not allow;
    - ``third_birth_within``: a third delivery under the 2021 law;
    - ``later_birth_outside``: a third or later delivery the law does not allow.

    Whether a projected birth is within policy is decided as
    :func:`fpcore.policies.birth_policy.assess_birth` does, on its day.

    Mortality is Gompertz-Makeham above age 1 (force of mortality
    ``makeham + gompertz_* * exp(gompertz_slope * age)``) and ``infant_mortality`` in the
    first year, levels chosen so that life expectancy at birth matches the 2010 census
    (:func:`life_expectancy`).

    Raises:
        ValueError: a rate is not a probability, or a schedule has the wrong length.

    Example:
        >>> round(life_expectancy(Assumptions(), female=True), 1)
        77.4
        >>> Assumptions(hukou_rate=0.01).hukou_rate
        0.01
    """

    first_birth: Schedule = attrs.field(
        default=(0.10, 0.35, 0.30, 0.15, 0.06, 0.02, 0.005), converter=_rates
    )
    second_birth_within: Schedule = attrs.field(
        default=(0.02, 0.10, 0.12, 0.08, 0.03, 0.01, 0.002), converter=_rates
    )
    second_birth_outside: Schedule = attrs.field(
        default=(0.001, 0.004, 0.004, 0.003, 0.001, 0.0005, 0.0), converter=_rates
    )
    third_birth_within: Schedule = attrs.field(
        default=(0.0, 0.01, 0.02, 0.015, 0.005, 0.001, 0.0), converter=_rates
    )
    later_birth_outside: Schedule = attrs.field(
        default=(0.0, 0.001, 0.001, 0.001, 0.0005, 0.0, 0.0), converter=_rates
    )
    second_birth_permit: str = attrs.field(
        default="rural_first_daughter",
        validator=attrs.validators.in_(("rural_first_daughter", "none")),
    )
    minimum_birth_interval_years: float = attrs.field(default=1.0, validator=_positive)
    male_share_at_birth: float = attrs.field(default=105.95 / 205.95, validator=_probability)
    infant_mortality: float = attrs.field(default=0.0131, validator=_probability)
    makeham: float = attrs.field(default=0.0005, validator=_probability)
    gompertz_male: float = attrs.field(default=6.097e-05, validator=_probability)
    gompertz_female: float = attrs.field(default=3.792e-05, validator=_probability)
    gompertz_slope: float = attrs.field(default=0.09, validator=_positive)
    hukou_rate: float = attrs.field(default=0.005, validator=_probability)
    certificate_share: float = attrs.field(default=0.8, validator=_probability)
    confirmation_share: float = attrs.field(default=0.7, validator=_probability)

    def listed(self) -> tuple[Assumption, ...]:
        """Every assumption as a labelled :class:`Assumption`, with its source."""
        groups = ", ".join(f"{low}-{high - 1}" for low, high in AGE_GROUPS)

        def schedule(values: Schedule) -> str:
            return "/".join(f"{v:g}" for v in values) + f" per year at ages {groups}"

        illustrative = f"{ASSUMPTION} (illustrative; not fitted to the county)"
        return (
            Assumption(
                label="fertility: first delivery of a married couple",
                value=schedule(self.first_birth),
                source=illustrative,
            ),
            Assumption(
                label="fertility: second delivery within policy",
                value=schedule(self.second_birth_within),
                source=illustrative,
            ),
            Assumption(
                label="fertility: second delivery outside policy",
                value=schedule(self.second_birth_outside),
                source=illustrative,
            ),
            Assumption(
                label="fertility: third delivery within policy (2021 law)",
                value=schedule(self.third_birth_within),
                source=illustrative,
            ),
            Assumption(
                label="fertility: third or later delivery outside policy",
                value=schedule(self.later_birth_outside),
                source=illustrative,
            ),
            Assumption(
                label="birth permit before 2016 (2001 law)",
                value=(
                    "rural couples whose first child is a daughter get a second-birth "
                    "permit before the birth"
                    if self.second_birth_permit == "rural_first_daughter"
                    else "no new permits"
                ),
                source=f"{ASSUMPTION} (a common provincial condition; the county's own "
                "conditions are not in the sources)",
            ),
            Assumption(
                label="birth interval",
                value=f"no delivery within {self.minimum_birth_interval_years:g} year(s) of "
                "the last; one child per delivery (no twins projected)",
                source=ASSUMPTION,
            ),
            Assumption(
                label="sex at birth",
                value=f"{self.male_share_at_birth:.4f} of births are boys",
                source="sex ratio at birth 105.95 in a township report (domain.md 5)",
            ),
            Assumption(
                label="mortality",
                value=(
                    f"infant {self.infant_mortality:g}; above 1, force of mortality "
                    f"{self.makeham:g} + B exp({self.gompertz_slope:g} age), B = "
                    f"{self.gompertz_male:.4g} (men), {self.gompertz_female:.4g} (women); "
                    f"life expectancy {life_expectancy(self, female=False):.2f} (men), "
                    f"{life_expectancy(self, female=True):.2f} (women)"
                ),
                source=f"{ASSUMPTION}: Gompertz-Makeham shape with levels fitted to the "
                f"{_CENSUS_2010}; infant mortality 13.1 per mille (national, 2010)",
            ),
            Assumption(
                label="hukou changes (农转非)",
                value=f"{self.hukou_rate:g} of rural couples a year convert to urban hukou, "
                "together on one day; no changes back",
                source=ASSUMPTION,
            ),
            Assumption(
                label="honour certificates",
                value=f"{self.certificate_share:g} of first children born before 2016-01-01 "
                "get one within a year of the birth",
                source=f"{ASSUMPTION} (the synthetic county's share)",
            ),
            Assumption(
                label="special-assistance confirmations",
                value=f"{self.confirmation_share:g} of one-child families whose child dies "
                "after the mother's 49th birthday are confirmed within a year",
                source=f"{ASSUMPTION} (the synthetic county's share)",
            ),
            Assumption(
                label="new couples, adoptions, disabilities, migration",
                value="none projected: the projected county is the start's households",
                source=ASSUMPTION,
            ),
        )


def yearly_death_probability(assumptions: Assumptions, age: float, *, female: bool) -> float:
    """The probability of dying within a year at ``age`` (completed years).

    >>> round(yearly_death_probability(Assumptions(), 0, female=True), 4)
    0.0131
    """
    if age < 1:
        return assumptions.infant_mortality
    b = assumptions.gompertz_female if female else assumptions.gompertz_male
    c = assumptions.gompertz_slope
    hazard = assumptions.makeham + b / c * (math.exp(c * (age + 1)) - math.exp(c * age))
    return 1 - math.exp(-hazard)


def life_expectancy(assumptions: Assumptions, *, female: bool) -> float:
    """Life expectancy at birth of the mortality assumption (a life table to age 110).

    Deaths within a year count half a year, infant deaths a tenth.
    """
    alive, years = 1 - assumptions.infant_mortality, 1 - 0.9 * assumptions.infant_mortality
    for age in range(1, 111):
        q = 1.0 if age == 110 else yearly_death_probability(assumptions, age, female=female)
        years += alive * (1 - q / 2)
        alive *= 1 - q
    return years
