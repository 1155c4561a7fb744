"""Projection: population tables drawn forward year by year, and policies over a horizon.

Population tables (:mod:`fpcore.tables`) hold the events up to one day: a synthetic
county is drawn as of its ``on`` day (default 2008-12-31), a register as of its export.
:func:`project` draws the later years: deaths by age, births by the mother's age under
the birth law in force, hukou changes, certificates and confirmations, seeded and
vectorised. :func:`evaluate_years` and :func:`compare_years` evaluate policies over the
horizon, one row per year and benefit, exact to the fen, with every assumption (the
projection's, and any parameter value the law does not give: :func:`uprated`) listed.

Example:
    >>> from fpcore.policies import get
    >>> from fpcore.synth import synthetic_county
    >>> projection = project(synthetic_county(households=1_000, seed=5), until=2010, seed=2)
    >>> result = evaluate_years(get("county"), projection, range(2008, 2011))
    >>> result.table.columns[:4]
    ['year', 'benefit', 'beneficiaries', 'fen']
    >>> any("mortality" in a.label for a in result.assumptions)
    True
"""

from fpcore.projection._assumptions import AGE_GROUPS, Assumption, Assumptions, life_expectancy
from fpcore.projection._check import check_tables
from fpcore.projection._horizon import (
    HorizonResult,
    compare_years,
    evaluate_years,
    parameter_assumptions,
    uprated,
)
from fpcore.projection._project import Projection, SupportsTables, project

__all__ = [
    "AGE_GROUPS",
    "Assumption",
    "Assumptions",
    "HorizonResult",
    "Projection",
    "SupportsTables",
    "check_tables",
    "compare_years",
    "evaluate_years",
    "life_expectancy",
    "parameter_assumptions",
    "project",
    "uprated",
]
