"""Field checks shared by the domain classes: collect problems, raise once.

Every domain class checks its fields through :class:`Collector`, so one rule holds for
all of them: dates between :data:`~fpcore.model._limits.EARLIEST_DATE` and
:data:`~fpcore.model._limits.LATEST_DATE`, text that is not empty, encodes as UTF-8
(no lone surrogates) and is at most :data:`~fpcore.model._limits.MAX_TEXT_CHARS` long,
lists of bounded length; values quoted in messages are cut (:func:`fpcore.errors.shown`).
"""

from __future__ import annotations

import datetime
import enum
from typing import Any

import pendulum

from fpcore.errors import InvalidInput, Problem, shown
from fpcore.model._limits import EARLIEST_DATE, LATEST_DATE, MAX_TEXT_CHARS


def date_problem(value: pendulum.Date) -> str | None:
    """Why a date is outside the range the model accepts, or None.

    >>> date_problem(pendulum.Date(9940, 1, 1))
    '9940-01-01 is outside the dates fpcore accepts (1850-01-01..2199-12-31)'
    """
    if EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return f"{value} is outside the dates fpcore accepts ({EARLIEST_DATE}..{LATEST_DATE})"


def text_problem(value: str) -> str | None:
    """Why a text is not acceptable (not UTF-8, too long), or None; emptiness aside.

    >>> print(text_problem("\\ud800张"))
    '\\ud800张' is not UTF-8 text (a lone surrogate at character 0)
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"{shown(value)} is not UTF-8 text (a lone surrogate at character {error.start})"
    if len(value) > MAX_TEXT_CHARS:
        return f"has {len(value)} characters (at most {MAX_TEXT_CHARS})"
    return None


def to_date(value: Any) -> Any:
    """attrs converter: accept a stdlib ``date`` for convenience, hand back pendulum's."""
    if (
        isinstance(value, datetime.date)
        and not isinstance(value, datetime.datetime)
        and not isinstance(value, pendulum.Date)
    ):
        return pendulum.Date(value.year, value.month, value.day)
    return value


def to_optional_date(value: Any) -> Any:
    """attrs converter for optional dates."""
    return None if value is None else to_date(value)


def to_tuple(value: Any) -> Any:
    """attrs converter: lists become tuples so frozen objects stay hashable."""
    return tuple(value) if isinstance(value, list) else value


class Collector:
    """Gathers the problems of one object so its constructor can report them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def extend(self, error: InvalidInput, prefix: str) -> None:
        self.problems.extend(p.under(prefix) for p in error.problems)

    def date(self, path: str, value: object, *, optional: bool = False) -> bool:
        if value is None and optional:
            return False
        if not isinstance(value, pendulum.Date) or isinstance(value, datetime.datetime):
            self.add(path, f"{shown(value)} is not a date (expected pendulum.Date)")
            return False
        problem = date_problem(value)
        if problem is not None:
            self.add(path, problem)
            return False
        return True

    def text(self, path: str, value: object, *, optional: bool = False) -> bool:
        if value is None and optional:
            return False
        if not isinstance(value, str):
            self.add(path, f"{shown(value)} is not text")
            return False
        if not value.strip():
            self.add(path, "is empty")
            return False
        problem = text_problem(value)
        if problem is not None:
            self.add(path, problem)
            return False
        return True

    def choice(self, path: str, value: object, kind: type[enum.Enum]) -> bool:
        if not isinstance(value, kind):
            allowed = ", ".join(str(member.value) for member in kind)
            self.add(path, f"{shown(value)} is not a {kind.__name__} (expected one of: {allowed})")
            return False
        return True

    def items(self, path: str, value: object, kind: type, *, at_most: int | None = None) -> bool:
        if not isinstance(value, tuple):
            self.add(path, f"expected a list of {kind.__name__}, got {type(value).__name__}")
            return False
        if at_most is not None and len(value) > at_most:
            self.add(path, f"holds {len(value)} items (at most {at_most})")
            return False
        ok = True
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                self.add(f"{path}[{index}]", f"expected {kind.__name__}, got {type(item).__name__}")
                ok = False
        return ok

    def raise_if_any(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)
