"""Ratio formulas of births, contraception and services, and aggregation over areas.

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
from fpcore.indicators._population import check_counts
from fpcore.indicators._result import Indicator, PopulationBasis, check_same_basis
from fpcore.periods import Period


class DefectDenominator(enum.Enum):
    """The births birth-defect incidence is counted over.

    ``PERINATAL`` (default): 围产儿, 28 weeks' gestation to 7 days after birth,
    stillbirths included, as surveillance counts them. ``LIVE_BIRTHS``: live births only,
    as some county reports do (numerator and denominator both live births).
    """

    PERINATAL = "perinatal"
    LIVE_BIRTHS = "live births"


def _basis_ratio(
    key: str,
    numerator: tuple[str, int],
    denominator: tuple[str, int],
    basis: PopulationBasis,
    period: Period | None,
    area: str,
    note: str = "",
) -> Indicator:
    n, d = check_counts(**dict([numerator, denominator]))
    return Indicator(
        definition=DEFINITIONS[key],
        numerator=n,
        denominator=d,
        basis=basis,
        period=period,
        area=area,
        note=note,
    )


def rate_planned_birth(
    *,
    policy_births: int,
    births: int,
    basis: PopulationBasis,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """Planned-birth rate (计划生育率, 生育政策符合率): policy births / all births x 100.

    Example:
        >>> r = rate_planned_birth(policy_births=4641, births=4651,
        ...                        basis=PopulationBasis.REGISTERED)
        >>> str(r), r.rounded(3)  # 99.78499...: never rounded twice, so not 99.79
        ('99.78%', Decimal('99.785'))
    """
    return _basis_ratio(
        "planned_birth_rate",
        ("policy_births", policy_births),
        ("births", births),
        basis,
        period,
        area,
    )


def rate_second_child_compliance(
    *,
    policy_second_births: int,
    second_births: int,
    basis: PopulationBasis,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """Second-child policy compliance rate (二孩生育政策符合率), per cent.

    Example:
        >>> str(rate_second_child_compliance(policy_second_births=88, second_births=90,
        ...                                  basis=PopulationBasis.REGISTERED))
        '97.78%'
    """
    return _basis_ratio(
        "second_child_compliance_rate",
        ("policy_second_births", policy_second_births),
        ("second_births", second_births),
        basis,
        period,
        area,
    )


def rate_out_of_policy_multi_child(
    *,
    out_of_policy_multi_births: int,
    births: int,
    basis: PopulationBasis,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """Out-of-policy multi-child rate (政策外多孩率): such third+ births / all births x 100.

    Example:
        >>> str(rate_out_of_policy_multi_child(out_of_policy_multi_births=3, births=4658,
        ...                                    basis=PopulationBasis.REGISTERED))
        '0.06%'
    """
    return _basis_ratio(
        "out_of_policy_multi_child_rate",
        ("out_of_policy_multi_births", out_of_policy_multi_births),
        ("births", births),
        basis,
        period,
        area,
    )


def rate_sex_ratio_at_birth(
    *,
    male_births: int,
    female_births: int,
    basis: PopulationBasis,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """Sex ratio at birth (出生人口性别比): boys per 100 girls among live births.

    Example:
        >>> r = rate_sex_ratio_at_birth(male_births=196, female_births=185,
        ...                             basis=PopulationBasis.RESIDENT)
        >>> str(r), r.rounded()
        ('105.95:100', Decimal('105.95'))
    """
    return _basis_ratio(
        "sex_ratio_at_birth",
        ("male_births", male_births),
        ("female_births", female_births),
        basis,
        period,
        area,
    )


def rate_birth_defect(
    *,
    defects: int,
    births: int,
    basis: PopulationBasis,
    denominator: DefectDenominator = DefectDenominator.PERINATAL,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """Birth-defect incidence (出生缺陷发生率), per mille.

    Args:
        defects: births with a defect, among the births of ``births``.
        births: perinatal births (28 weeks to 7 days, stillbirths included) by
            default, or live births when ``denominator`` is ``LIVE_BIRTHS``.
        basis: 户籍 or 常住.
        denominator: which births ``births`` counts; recorded in the result's note.
        period: the period covered.
        area: the area covered.

    Example:
        >>> str(rate_birth_defect(defects=20, births=4676, basis=PopulationBasis.REGISTERED))
        '4.28‰'
        >>> rate_birth_defect(defects=20, births=4658, basis=PopulationBasis.REGISTERED,
        ...                   denominator=DefectDenominator.LIVE_BIRTHS).note
        'denominator: live births'
    """
    return _basis_ratio(
        "birth_defect_incidence",
        ("defects", defects),
        ("births", births),
        basis,
        period,
        area,
        note=f"denominator: {denominator.value}",
    )


def rate_contraceptive_prevalence(
    *,
    users: int,
    eligible_women: int,
    basis: PopulationBasis,
    period: Period | None = None,
    area: str = "",
) -> Indicator:
    """Contraceptive prevalence (综合节育率), per cent.

    Args:
        users: eligible women practising contraception (by either partner).
        eligible_women: married women under 50, excluding the widowed, divorced,
            menopausal and primarily infertile.
        basis: 户籍 or 常住.
        period: the period (status at its end).
        area: the area covered.

    Example:
        >>> str(rate_contraceptive_prevalence(users=96_000, eligible_women=104_000,
        ...                                   basis=PopulationBasis.REGISTERED))
        '92.31%'
    """
    return _basis_ratio(
        "contraceptive_prevalence",
        ("users", users),
        ("eligible_women", eligible_women),
        basis,
        period,
        area,
    )


def _service_ratio(
    key: str,
    numerator: tuple[str, int],
    denominator: tuple[str, int],
    period: Period | None,
    area: str,
) -> Indicator:
    n, d = check_counts(**dict([numerator, denominator]))
    return Indicator(
        definition=DEFINITIONS[key], numerator=n, denominator=d, period=period, area=area
    )


def rate_satisfaction(
    *, satisfied: int, valid_responses: int, period: Period | None = None, area: str = ""
) -> Indicator:
    """Satisfaction rate (群众满意率): satisfied / valid responses x 100, shown to 1 decimal.

    Example:
        >>> str(rate_satisfaction(satisfied=481, valid_responses=500))
        '96.2%'
    """
    return _service_ratio(
        "satisfaction_rate",
        ("satisfied", satisfied),
        ("valid_responses", valid_responses),
        period,
        area,
    )


def rate_archive_coverage(
    *, archived: int, families: int, period: Period | None = None, area: str = ""
) -> Indicator:
    """Archive (filing) coverage (建档率): archived families / families in scope x 100.

    Example:
        >>> str(rate_archive_coverage(archived=90, families=90))
        '100.00%'
    """
    return _service_ratio(
        "archive_coverage", ("archived", archived), ("families", families), period, area
    )


def rate_staff_qualification(
    *, qualified: int, staff: int, period: Period | None = None, area: str = ""
) -> Indicator:
    """Share of staff with senior high school education or more, per cent.

    Example:
        >>> str(rate_staff_qualification(qualified=555, staff=1180))
        '47.03%'
    """
    return _service_ratio(
        "staff_qualification_share", ("qualified", qualified), ("staff", staff), period, area
    )


def rate_training_coverage(
    *, trained: int, staff: int, period: Period | None = None, area: str = ""
) -> Indicator:
    """Training coverage (培训覆盖率): staff trained at least once / all staff x 100.

    Example:
        >>> str(rate_training_coverage(trained=1180, staff=1180))
        '100.00%'
    """
    return _service_ratio("training_coverage", ("trained", trained), ("staff", staff), period, area)


def aggregate(indicators: Sequence[Indicator], *, area: str) -> Indicator:
    """Combine one indicator over several areas: sum of numerators / sum of denominators.

    Never an average of rates. The indicators must share the definition, age group,
    period, note (setting) and population basis.

    Raises:
        MixedPopulationBasis: registered and resident figures were mixed.
        InvalidInput: nothing to combine, different indicators, periods or settings, or
            a non-additive indicator (the total fertility rate: recompute it from the
            combined age-specific rates instead).

    Example:
        >>> b = PopulationBasis.REGISTERED
        >>> a = rate_sex_ratio_at_birth(male_births=196, female_births=185, basis=b, area="A")
        >>> c = rate_sex_ratio_at_birth(male_births=100, female_births=100, basis=b, area="B")
        >>> total = aggregate([a, c], area="A+B")
        >>> total.numerator, total.denominator, str(total)
        (Fraction(296, 1), Fraction(285, 1), '103.86:100')
    """
    if not indicators:
        raise InvalidInput("no indicators to combine", path="indicators")
    first = indicators[0]
    if first.basis is not None:
        check_same_basis(
            [i.basis for i in indicators],
            [f"[{n}].basis" for n in range(len(indicators))],
            expected=first.basis,
        )
    problems: list[Problem] = []
    if not first.definition.additive:
        problems.append(
            Problem(
                "[0]",
                f"{first.name} does not add up over areas; recompute it from the "
                "combined age-specific rates",
            )
        )
    for n, i in enumerate(indicators):
        for field, label in (
            ("definition", "indicator"),
            ("ages", "age group"),
            ("period", "period"),
            ("note", "setting"),
            ("basis", "basis"),
        ):
            if getattr(i, field) != getattr(first, field):
                problems.append(Problem(f"[{n}].{field}", f"another {label} than [0]"))
    if problems:
        raise InvalidInput(problems)
    return attrs.evolve(
        first,
        numerator=sum((i.numerator for i in indicators), Fraction(0)),
        denominator=sum((i.denominator for i in indicators), Fraction(0)),
        area=area,
    )
