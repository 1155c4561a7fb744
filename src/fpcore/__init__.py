"""fpcore: a county family-planning bureau's policy as tested code.

The top level re-exports the everyday names; heavier parts (batch evaluation with
polars, the CLI, hypothesis strategies) live in subpackages and are imported only
when used.

Example:
    >>> import fpcore
    >>> fpcore.Money("10") * 2
    Money('20.00')
    >>> fpcore.parse_period("2017Q1").month_count
    3
"""

from fpcore._version import __version__
from fpcore.errors import FpcoreError, InvalidInput, Problem
from fpcore.money import Money, allocate, round_to_fen, split
from fpcore.periods import Month, MonthSpan, Quarter, Year, age_on, parse_period

__all__ = [
    "FpcoreError",
    "InvalidInput",
    "Money",
    "Month",
    "MonthSpan",
    "Problem",
    "Quarter",
    "Year",
    "__version__",
    "age_on",
    "allocate",
    "parse_period",
    "round_to_fen",
    "split",
]
