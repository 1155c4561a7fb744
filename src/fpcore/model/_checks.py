"""Field checks shared by the domain classes: collect problems, raise once."""

from __future__ import annotations

import datetime
import enum
from typing import Any

import pendulum

from fpcore.errors import InvalidInput, Problem


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
            self.add(path, f"{value!r} is not a date (expected pendulum.Date)")
            return False
        return True

    def text(self, path: str, value: object, *, optional: bool = False) -> bool:
        if value is None and optional:
            return False
        if not isinstance(value, str):
            self.add(path, f"{value!r} is not text")
            return False
        if not value.strip():
            self.add(path, "is empty")
            return False
        return True

    def choice(self, path: str, value: object, kind: type[enum.Enum]) -> bool:
        if not isinstance(value, kind):
            allowed = ", ".join(str(member.value) for member in kind)
            self.add(path, f"{value!r} is not a {kind.__name__} (expected one of: {allowed})")
            return False
        return True

    def items(self, path: str, value: object, kind: type) -> bool:
        if not isinstance(value, tuple):
            self.add(path, f"expected a list of {kind.__name__}, got {type(value).__name__}")
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
