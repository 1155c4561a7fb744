"""Demographic and service indicators with their official definitions.

Two ways in, one result type:

- from counts: pure ``rate_...`` functions (no polars needed), and
  :func:`indicators_from_counts` for every indicator of one area;
- from registers: :func:`read_register` / :class:`Register` (polars tables of persons,
  births, deaths, survey answers, archives, staff and training) and
  :func:`compute_indicators` for a year, by county, township or village;
  :func:`register_from_households` builds one from :mod:`fpcore.model` households.

Every result is an :class:`Indicator`: an exact ratio (``Fraction``, never a float)
with its unit, numerator, denominator, period, area, population basis (户籍 registered
or 常住 resident) and definition with its source; it is rounded half up only when
shown. A zero denominator gives an *undefined* indicator. Areas combine by summing
numerators and denominators (:func:`aggregate`), never by averaging rates.

Polars is imported only when a register is used, so ``import fpcore.indicators`` stays
light.

Example:
    >>> from fpcore.indicators import PopulationBasis, average_population, rate_crude_birth
    >>> p = average_population(start=511_400, end=513_000, basis=PopulationBasis.REGISTERED)
    >>> r = rate_crude_birth(live_births=4651, population=p)
    >>> r.rate, str(r)
    (Fraction(23255, 2561), '9.08‰')
"""

from fpcore.indicators._counts import (
    FERTILITY_AGE_GROUPS,
    Counts,
    IndicatorSettings,
    indicators_from_counts,
    sum_counts,
)
from fpcore.indicators._definitions import DEFINITIONS, definition
from fpcore.indicators._domain import register_from_households
from fpcore.indicators._formulas import (
    DefectDenominator,
    aggregate,
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
    AveragePopulation,
    PopulationMethod,
    average_population,
    rate_age_specific_fertility,
    rate_crude_birth,
    rate_crude_death,
    rate_general_fertility,
    rate_natural_growth,
    rate_total_fertility,
)
from fpcore.indicators._reduce import compute_indicators, register_counts, training_activity
from fpcore.indicators._register import (
    EDUCATION_LEVELS,
    HIGH_SCHOOL_OR_MORE,
    SCHEMAS,
    ColumnSpec,
    Register,
    read_register,
    write_register,
)
from fpcore.indicators._report import REPORT_COLUMNS, indicator_record, indicator_table
from fpcore.indicators._result import (
    AgeGroup,
    Definition,
    Indicator,
    MixedPopulationBasis,
    PopulationBasis,
    Unit,
    present,
)

__all__ = [
    "DEFINITIONS",
    "EDUCATION_LEVELS",
    "FERTILITY_AGE_GROUPS",
    "HIGH_SCHOOL_OR_MORE",
    "REPORT_COLUMNS",
    "SCHEMAS",
    "AgeGroup",
    "AveragePopulation",
    "ColumnSpec",
    "Counts",
    "DefectDenominator",
    "Definition",
    "Indicator",
    "IndicatorSettings",
    "MixedPopulationBasis",
    "PopulationBasis",
    "PopulationMethod",
    "Register",
    "Unit",
    "aggregate",
    "average_population",
    "compute_indicators",
    "definition",
    "indicator_record",
    "indicator_table",
    "indicators_from_counts",
    "present",
    "rate_age_specific_fertility",
    "rate_archive_coverage",
    "rate_birth_defect",
    "rate_contraceptive_prevalence",
    "rate_crude_birth",
    "rate_crude_death",
    "rate_general_fertility",
    "rate_natural_growth",
    "rate_out_of_policy_multi_child",
    "rate_planned_birth",
    "rate_satisfaction",
    "rate_second_child_compliance",
    "rate_sex_ratio_at_birth",
    "rate_staff_qualification",
    "rate_total_fertility",
    "rate_training_coverage",
    "read_register",
    "register_counts",
    "register_from_households",
    "sum_counts",
    "training_activity",
    "write_register",
]
