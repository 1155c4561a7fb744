"""A synthetic county: households drawn at random, built straight into population tables.

:func:`calibrated_county` draws the county calibrated to the report (about 513,000
people at home, 12 townships, 633 villages, the report's 2008 rates and counts:
:data:`TARGETS`); :meth:`SyntheticCounty.describe` measures a county against the
targets, :meth:`SyntheticCounty.indicator_register` gives its indicator register (for
``fpcore indicators --synthetic``). See the docs page "The synthetic county calibrated
to the report".

:func:`synthetic_county` draws with illustrative proportions, for tests and small
examples: 12 townships, 633 villages, 168,000 households by default, with couples,
single parents, children by birth and adoption, deaths, disabilities, honour
certificates, second-child quotas and waivers and birth permits, in proportions that
make every rule of the catalogue fire even in a few hundred households; they are not
statistics of the real county (``calibrated=True`` draws with the report's).

The households are life histories, drawn in small proportions:

- hukou changes: whole families converted to urban hukou (农转非) on one day, single
  persons converted either way, a few changed back later;
- marriages: the couple's marriage; a parent's earlier marriage, ended by divorce or
  the death of that spouse, with the children born in it linked to that parent only;
  widowed and divorced single parents (the spouse outside the household), a few
  never-married ones; a few couples divorced after their children were born;
- deaths of parents (so surviving spouses), from age 56;
- twins at one delivery (one delivery, two children: no honour certificate);
- disability certificates cancelled on recovery, or replaced by a reissued one of the
  same or a neighbouring grade, itself sometimes cancelled;
- honour certificates returned (收回);
- special-assistance eligibility confirmations (资格确认), dated after the only child's
  death or disability certificate, for families where that came after the woman's
  49th birthday (the month payment starts: domain.md 3.2).

The tables are built with numpy in a few vectorised passes (no Python object per
person), and are exactly what :func:`fpcore.tables.household_tables` makes of the same
households as objects: :meth:`SyntheticCounty.households` builds those objects, and a
test holds the two equal. The default county (168,000 households) draws and builds its
tables in about 0.3 s of CPU time (median of 3), as 0.1.0's county without histories did.

Example:
    >>> county = synthetic_county(households=1_000, seed=7)
    >>> tables = county.tables()
    >>> tables["households"].height, tables["persons"].height > 1_500
    (1000, True)
    >>> county.households([0])[0].household_id
    'SC-0000000'
"""

from fpcore.synth._calibration import (
    TARGETS,
    CalibrationRow,
    CountyCalibration,
    Target,
    targets_table,
)
from fpcore.synth._county import (
    SyntheticCounty,
    calibrated_county,
    county_geography,
    synthetic_county,
)
from fpcore.synth._profile import CALIBRATED_HOUSEHOLDS, REPORT_YEAR

__all__ = [
    "CALIBRATED_HOUSEHOLDS",
    "REPORT_YEAR",
    "TARGETS",
    "CalibrationRow",
    "CountyCalibration",
    "SyntheticCounty",
    "Target",
    "calibrated_county",
    "county_geography",
    "synthetic_county",
    "targets_table",
]
