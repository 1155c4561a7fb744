"""The proportions of the county calibrated to the report (see :mod:`fpcore.synth`).

Each constant is a proportion the draws use; the targets they are tuned to, with their
tolerances and sources, are :data:`fpcore.synth.TARGETS`. Tuned on the default seed and
checked on others (``tests/synth/test_calibration.py``).
"""

from __future__ import annotations

from typing import Any

import pendulum

REPORT_YEAR = 2008
"""The year the report's figures are compared with (domain.md 7: about 2007-2009)."""

EARLIEST_ON = pendulum.Date(2000, 1, 1)
"""The earliest ``on`` day of a calibrated county (its youngest mothers marry from 20)."""

CALIBRATED_HOUSEHOLDS = 212_000
"""Households of the calibrated county at scale 1 (about 513,000 people at home)."""

#: Mothers' birth years, by cohort: (first year, last year, weight). A mountainous rural
#: county: the cohorts of the 1960s and early 1970s large, fewer after the one-child
#: policy; mothers married from 20, so none born after 1988.
MOTHER_COHORTS: tuple[tuple[int, int, float], ...] = (
    (1918, 1927, 0.058),
    (1928, 1932, 0.050),
    (1933, 1937, 0.056),
    (1938, 1942, 0.058),
    (1943, 1947, 0.068),
    (1948, 1952, 0.078),
    (1953, 1957, 0.080),
    (1958, 1962, 0.088),
    (1963, 1967, 0.116),
    (1968, 1972, 0.114),
    (1973, 1977, 0.091),
    (1978, 1982, 0.086),
    (1983, 1988, 0.106),
)

#: Children per mother (0, 1, 2, 3 or more, drawn up to 3) by the mother's birth year
#: (cohorts up to the year given): several children before the one-child policy; one,
#: or two where the first is a girl, after.
CHILDREN_BY_COHORT: tuple[tuple[int, tuple[float, float, float, float]], ...] = (
    (1937, (0.01, 0.015, 0.20, 0.775)),
    (1947, (0.01, 0.02, 0.30, 0.67)),
    (1955, (0.02, 0.06, 0.52, 0.40)),
    (1962, (0.03, 0.22, 0.62, 0.13)),
    (1970, (0.03, 0.44, 0.50, 0.03)),
    (1988, (0.05, 0.54, 0.40, 0.01)),
)

#: Years of the mother's age at her first child, then between children.
FIRST_CHILD_AGE = (21.0, 29.0)
SECOND_CHILD_GAP = (4.0, 8.0)
THIRD_CHILD_GAP = (2.0, 6.0)

SON_PREFERENCE = 0.8
"""Mothers born before 1963 with two daughters who had a third child."""

MALE_AT_BIRTH = 0.515
"""The share of boys at birth (a sex ratio at birth of about 109)."""

#: Out-of-policy shares of second and third births, before 1980, 1980-1999, from 2000
#: (in the report year, exactly :data:`PLANNED_BIRTHS` instead).
OUT_OF_POLICY_SECOND = (0.0, 0.15, 0.0008)
OUT_OF_POLICY_THIRD = (0.0, 0.8, 0.15)
PLANNED_BIRTHS = 0.9978
"""The report's planned-birth rate: the share of the report year's births within policy."""

#: Mortality: a Gompertz hazard B exp(G age) per year, a constant hazard for accidents
#: and illness at every age, and infant deaths in the first year.
GOMPERTZ_B = 4.05e-5
GOMPERTZ_G = 0.095
BACKGROUND_HAZARD = 0.0006
INFANT_DEATHS = 0.012
PARENT_SURVIVES_TO = 50.0
"""Parents are drawn alive at 50 (households whose parent died younger are the widowed
single parents)."""

LEAVE_HOME_AGE = {"daughter": (19.0, 25.0), "son": (21.0, 30.0)}
"""Children leave their parents' household between these ages, daughters earlier (they
marry out), sons later: they are counted in the county's people while at home (the rules
still see them as children)."""

DISABLED_CHILDREN = 0.005
"""Children certified disabled, besides the families below."""

CERTIFICATE_SHARE = 0.51
"""One-child families (first child born before 2016) given the honour certificate."""

#: Exact counts at scale 1 (scaled with the household count), in the report year.
DOUBLE_FEE_COUPLES = 79
DISABLED_FIRST_CHILD_FAMILIES = 90
SPECIAL_ASSISTANCE_FAMILIES = 12


def cohort_births(rng: Any, size: int, *, epoch: pendulum.Date) -> Any:
    """Mothers' birth days (day numbers from ``epoch``), drawn by cohort."""
    import numpy as np

    weights = np.array([w for _, _, w in MOTHER_COHORTS])
    cohort = rng.choice(len(MOTHER_COHORTS), size, p=weights / weights.sum())
    first = np.array([(pendulum.Date(a, 1, 1) - epoch).days for a, _, _ in MOTHER_COHORTS])
    last = np.array([(pendulum.Date(b + 1, 1, 1) - epoch).days for _, b, _ in MOTHER_COHORTS])
    span = (last - first)[cohort]
    return first[cohort] + (rng.random(size) * span).astype(np.int64)


def children_counts(rng: Any, birth_years: Any) -> Any:
    """How many children each mother has (up to 3), by her birth year."""
    import numpy as np

    limits = np.array([year for year, _ in CHILDREN_BY_COHORT])
    cumulative = np.cumsum(np.array([p for _, p in CHILDREN_BY_COHORT]), axis=1)
    cohort = np.minimum(np.searchsorted(limits, birth_years), len(limits) - 1)
    draw = rng.random(birth_years.shape[0])
    return (draw[:, None] >= cumulative[cohort][:, :3]).sum(axis=1)


def lifetimes(rng: Any, size: Any, *, survived: float = 0.0) -> Any:
    """Ages at death in years, drawn alive at ``survived`` years: the first of a Gompertz
    death, a background death and (from birth) an infant death."""
    import numpy as np

    exposure = rng.exponential(1.0, size)
    old = np.log(np.exp(GOMPERTZ_G * survived) + GOMPERTZ_G / GOMPERTZ_B * exposure) / GOMPERTZ_G
    background = survived + rng.exponential(1.0 / BACKGROUND_HAZARD, size)
    life = np.minimum(old, background)
    if survived == 0.0:
        infant = rng.random(size) < INFANT_DEATHS
        life = np.where(infant, rng.random(size) ** 2, life)
    return life
