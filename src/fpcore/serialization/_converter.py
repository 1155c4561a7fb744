"""The cattrs converter: strict types, pendulum dates, money as text, every error by path."""

from __future__ import annotations

import enum
import re
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import cattrs
import pendulum
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from fpcore.errors import InvalidInput, Problem, described, shown
from fpcore.model._checks import date_problem
from fpcore.money import Money

T = TypeVar("T")

_DATE_TEXT = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)  # not other scripts' digits


def _structure_str(value: object, _type: type) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"expected text, got {described(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidInput(
            f"{described(value)} is not UTF-8 text (a lone surrogate at character {error.start})"
        ) from None
    return value


def _structure_int(value: object, _type: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"expected a whole number, got {described(value)}")
    return value


def _structure_bool(value: object, _type: type) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"expected true or false, got {described(value)}")
    return value


def parse_date(value: object) -> pendulum.Date:
    """Read a ``YYYY-MM-DD`` text as a pendulum Date, or raise InvalidInput saying why.

    The date must be in the range the model accepts (1850-01-01..2199-12-31).
    """
    if not isinstance(value, str):
        raise InvalidInput(f"expected a date as text YYYY-MM-DD, got {described(value)}")
    match = _DATE_TEXT.fullmatch(value)
    if match is None:
        raise InvalidInput(f"{shown(value)} is not a date (expected YYYY-MM-DD)")
    try:
        day = pendulum.Date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise InvalidInput(f"{value} is not a date (no such day)") from None
    problem = date_problem(day)
    if problem is not None:
        raise InvalidInput(problem)
    return day


def _structure_money(value: object, _type: type) -> Money:
    if not isinstance(value, str):
        raise InvalidInput(f'expected an amount as text such as "10.50", got {described(value)}')
    return Money(value)


def _structure_enum(value: object, kind: type[enum.Enum]) -> enum.Enum:
    for member in kind:
        if member.value == value and type(value) is type(member.value):
            return member
    listed = ", ".join(repr(member.value) for member in kind)
    raise InvalidInput(f"{described(value)} is not one of {listed}")


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


def _problems(error: BaseException, path: str) -> list[Problem]:
    """Turn whatever a structuring step raised into problems with paths."""
    if isinstance(error, InvalidInput):
        return [p.under(path) for p in error.problems]
    if isinstance(error, ForbiddenExtraKeysError):
        known = ", ".join(sorted(a.name for a in attrs.fields(error.cl)))
        return [
            Problem(_join(path, _key(key)), f"unknown field (expected only: {known})")
            for key in sorted(error.extra_fields)
        ]
    if isinstance(error, ClassValidationError):
        found: list[Problem] = []
        with_notes, without_notes = error.group_exceptions()
        for sub, note in with_notes:
            found.extend(_problems(sub, _join(path, note.name)))
        for sub in without_notes:
            found.extend(_problems(sub, path))
        return found
    if isinstance(error, IterableValidationError):
        found = []
        indexed, rest = error.group_exceptions()
        for sub, inote in indexed:
            found.extend(_problems(sub, f"{path}[{inote.index}]"))
        for sub in rest:
            found.extend(_problems(sub, path))
        return found
    if isinstance(error, KeyError):
        return [Problem(path, "is required")]
    if isinstance(error, RecursionError):
        return [Problem(path, "is nested too deeply")]
    return [Problem(path, f"{error}")]


def _key(key: str) -> str:
    """An unknown key as a path shows it: cut like any quoted value."""
    return key if len(key) <= 40 else shown(key, 40)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def make_converter() -> cattrs.Converter:
    """A new converter for fpcore's domain types (never cattrs' global one).

    Strict about types (no ``"5"`` for 5, no 1 for true), pendulum Dates from
    ``YYYY-MM-DD``, money as decimal text, unknown keys rejected. Errors raised while
    structuring are cattrs' detailed errors; :func:`structure` turns them into one
    :class:`~fpcore.errors.InvalidInput` listing every problem by path.

    Example:
        >>> from fpcore.model import Disability
        >>> conv = make_converter()
        >>> conv.structure({"grade": 2, "issued": "2005-06-01"}, Disability).issued
        Date(2005, 6, 1)
    """
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    # StrEnum and IntEnum come before str and int in their MRO, so these win over them
    for enum_base in (enum.Enum, enum.StrEnum, enum.IntEnum):
        converter.register_structure_hook(enum_base, _structure_enum)
    converter.register_structure_hook(pendulum.Date, lambda v, _t: parse_date(v))
    converter.register_unstructure_hook(pendulum.Date, lambda d: d.isoformat())
    converter.register_structure_hook(Money, _structure_money)
    converter.register_unstructure_hook(Money, str)
    # plain values, not enum members: cattrs' str and int passthrough would otherwise
    # win for StrEnum and IntEnum members (they are str and int subclasses)
    for enum_base in (enum.Enum, enum.StrEnum, enum.IntEnum):
        converter.register_unstructure_hook(enum_base, lambda member: member.value)

    def tuple_factory(cls: Any) -> Callable[[object, Any], tuple[Any, ...]]:
        item_type = typing.get_args(cls)[0]

        def structure(value: object, _type: Any) -> tuple[Any, ...]:
            if not isinstance(value, list):
                raise InvalidInput(f"expected a list, got {described(value)}")
            items: list[Any] = []
            problems: list[Problem] = []
            for index, item in enumerate(value):
                try:
                    items.append(converter.structure(item, item_type))
                except Exception as error:  # collected, re-raised below with paths
                    problems.extend(_problems(error, f"[{index}]"))
            if problems:
                raise InvalidInput(problems)
            return tuple(items)

        return structure

    converter.register_structure_hook_factory(_is_homogeneous_tuple, tuple_factory)

    def attrs_factory(cls: Any) -> Callable[[object, Any], Any]:
        generated = make_dict_structure_fn(cls, converter)

        def structure(value: object, _type: Any) -> Any:
            if not isinstance(value, dict):
                raise InvalidInput(f"expected an object, got {described(value)}")
            return generated(value, cls)

        return structure

    converter.register_structure_hook_factory(attrs.has, attrs_factory)
    converter.register_unstructure_hook_factory(
        attrs.has, lambda cls: make_dict_unstructure_fn(cls, converter)
    )
    return converter


_DEFAULT = make_converter()


def structure(data: object, cls: type[T], *, converter: cattrs.Converter | None = None) -> T:
    """Build a ``cls`` from JSON-like data, or raise one InvalidInput with every problem.

    Example:
        >>> from fpcore.model import Disability
        >>> structure({"grade": 7, "issued": "2005-02-30", "colour": 1}, Disability)
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 2 problems in the input:
          issued: 2005-02-30 is not a date (no such day)
          colour: unknown field (expected only: cancelled, certificate_number, grade, issued)
    """
    try:
        return (converter or _DEFAULT).structure(data, cls)
    except InvalidInput:
        raise
    except Exception as error:  # every dependency error becomes one clear InvalidInput
        raise InvalidInput(_problems(error, "")) from None


def unstructure(obj: object, *, converter: cattrs.Converter | None = None) -> Any:
    """JSON-ready data (dicts, lists, text, numbers) for a domain object."""
    return (converter or _DEFAULT).unstructure(obj)
