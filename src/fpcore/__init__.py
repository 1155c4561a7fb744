"""fpcore: a county family-planning bureau's policy as tested code.

The top level offers the everyday names; each is imported from its module the first
time it is used, so ``import fpcore`` stays cheap for applications that need one part
(the JSON edge, say) and for the command line. Heavier parts (batch evaluation with
polars, the CLI, hypothesis strategies) live in subpackages behind extras.

Example:
    >>> import fpcore
    >>> fpcore.Money("10") * 2
    Money('20.00')
    >>> fpcore.parse_period("2017Q1").month_count
    3
"""

from __future__ import annotations

from importlib import import_module

from fpcore._version import __version__

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (which mypy honours), without importing typing
if TYPE_CHECKING:  # what type checkers and IDEs see; at run time, loaded on first use
    from fpcore.errors import FpcoreError, InvalidInput, Problem
    from fpcore.money import Money, allocate, round_to_fen, split
    from fpcore.periods import Month, MonthSpan, Quarter, Year, age_on, parse_period

_HOMES = {
    "FpcoreError": "fpcore.errors",
    "InvalidInput": "fpcore.errors",
    "Problem": "fpcore.errors",
    "Money": "fpcore.money",
    "allocate": "fpcore.money",
    "round_to_fen": "fpcore.money",
    "split": "fpcore.money",
    "Month": "fpcore.periods",
    "MonthSpan": "fpcore.periods",
    "Quarter": "fpcore.periods",
    "Year": "fpcore.periods",
    "age_on": "fpcore.periods",
    "parse_period": "fpcore.periods",
}

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


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'fpcore' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
