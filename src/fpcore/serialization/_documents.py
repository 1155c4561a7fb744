"""JSON documents: text in and out, with a schema version and guarded parsing."""

from __future__ import annotations

import functools
import json
import types
import typing
from typing import Any, TypeVar

import attrs
import cattrs

from fpcore._json import MAX_DOCUMENT_BYTES, MAX_NESTING, parse_json, read_limited
from fpcore.errors import InvalidInput, Problem
from fpcore.model import Household
from fpcore.serialization._converter import structure, unstructure
from fpcore.serialization._migrate import migrate_v1, v1_path

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_NESTING",
    "READABLE_VERSIONS",
    "SCHEMA_VERSION",
    "dumps",
    "from_document",
    "loads",
    "parse_json",
    "read_limited",
    "to_document",
]

T = TypeVar("T")

SCHEMA_VERSION = 2
"""The version of fpcore's JSON documents that fpcore writes; every top-level document
carries its version. Version 2 households carry life histories."""

READABLE_VERSIONS = (1, 2)
"""The document versions fpcore reads: version 1 households are migrated on reading
(:func:`migrate_household_v1`)."""


def from_document(data: Any, cls: type[T], *, converter: cattrs.Converter | None = None) -> T:
    """Build a ``cls`` from a parsed top-level document, checking its schema version.

    A version 1 document is migrated first: every household in it (the document
    itself, or one embedded, as in an application) becomes the version 2 household
    meaning the same (:func:`migrate_household_v1`), and problems are reported under
    the version 1 paths. Documents of classes new in version 2 (the event document)
    must say 2.
    """
    if not isinstance(data, dict):
        raise InvalidInput("the document must be a JSON object")
    body = dict(data)
    version = body.pop("schema_version", None)
    problems: list[Problem] = []
    first = _FIRST_VERSION.get(cls, READABLE_VERSIONS[0])
    readable = [v for v in READABLE_VERSIONS if v >= first]
    said = " or ".join(str(v) for v in readable)
    if version is None:
        problems.append(Problem("schema_version", f"is required (this fpcore reads {said})"))
    elif isinstance(version, bool) or version not in readable:
        problems.append(
            Problem("schema_version", f"{version!r} is not supported (expected {said})")
        )
    v1 = version == 1 and not isinstance(version, bool) and 1 in readable
    if v1:
        body = _upgrade(body, cls, "", problems)
    try:
        result = structure(body, cls, converter=converter)
    except InvalidInput as error:
        found = error.problems
        if v1:
            found = tuple(_v1_problem(p, cls) for p in found)
            if problems:  # the marriage could not be migrated: say why only once
                found = tuple(p for p in found if not p.path.endswith("marital_status"))
        raise InvalidInput([*problems, *found]) from None
    if problems:
        raise InvalidInput(problems)
    return result


#: Document classes first written in a later version than 1.
_FIRST_VERSION: dict[type, int] = {}


def _upgrade(value: Any, tp: Any, path: str, problems: list[Problem]) -> Any:
    """``value`` (JSON data for ``tp``) with every version 1 household migrated."""
    if tp is Household:
        if not isinstance(value, dict):
            return value
        migrated, found = migrate_v1(value, path)
        problems.extend(found)
        return migrated
    if _is_list_of(tp) and isinstance(value, list):
        item = typing.get_args(tp)[0]
        return [_upgrade(v, item, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    if isinstance(tp, type) and attrs.has(tp) and isinstance(value, dict):
        changed = dict(value)
        for name, field_type in _household_fields(tp):
            if name in changed:
                where = f"{path}.{name}" if path else name
                changed[name] = _upgrade(changed[name], field_type, where, problems)
        return changed
    return value


def _is_list_of(tp: Any) -> bool:
    args = typing.get_args(tp)
    return typing.get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


@functools.cache
def _household_fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """The fields of an attrs class that hold a household somewhere inside."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # a class whose annotations do not resolve holds none we know
        return ()
    found = []
    for field in attrs.fields(cls):
        tp = _strip_optional(hints.get(field.name))
        if _holds_household(tp, frozenset({cls})):
            found.append((field.name, tp))
    return tuple(found)


def _attrs_holds_household(cls: type, seen: frozenset[type]) -> bool:
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # unresolved annotations: nothing fpcore knows inside
        return False
    inner = seen | {cls}
    return any(
        _holds_household(_strip_optional(hints.get(f.name)), inner) for f in attrs.fields(cls)
    )


def _strip_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(tp) if a is not type(None)]
        return rest[0] if len(rest) == 1 else tp
    return tp


def _holds_household(tp: Any, seen: frozenset[type]) -> bool:
    if tp is Household:
        return True
    if _is_list_of(tp):
        return _holds_household(_strip_optional(typing.get_args(tp)[0]), seen)
    if isinstance(tp, type) and attrs.has(tp) and tp not in seen:
        return _attrs_holds_household(tp, seen)
    return False


def _v1_problem(problem: Problem, cls: type) -> Problem:
    """A problem in migrated data, named by its version 1 path."""
    if cls is Household:
        return Problem(v1_path(problem.path), problem.message)
    for name, _ in _household_fields(cls):
        if problem.path == name or problem.path.startswith(f"{name}."):
            return Problem(v1_path(problem.path, name), problem.message)
    return problem


def to_document(obj: object, *, converter: cattrs.Converter | None = None) -> dict[str, Any]:
    """The top-level document for ``obj``: its data plus ``schema_version``."""
    data = unstructure(obj, converter=converter)
    if not isinstance(data, dict):
        raise TypeError(f"{type(obj).__name__} does not make a top-level JSON object")
    return {"schema_version": SCHEMA_VERSION, **data}


def loads(text: str | bytes, cls: type[T]) -> T:
    """Read a ``cls`` (e.g. :class:`~fpcore.model.Household`) from JSON text.

    Raises:
        InvalidInput: malformed JSON, wrong types or values, unknown keys, a missing or
            unsupported ``schema_version``: every problem with its path.

    Example:
        >>> from fpcore.model import Household, sample_household
        >>> loads(dumps(sample_household()), Household) == sample_household()
        True
        >>> loads('{"schema_version": 1, "household_id": 5}', Household)
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 3 problems in the input:
          household_id: expected text, got the number 5
          village: is required
          parents: is required
    """
    return from_document(parse_json(text), cls)


def dumps(obj: object, *, indent: int | None = 2) -> str:
    """Write a domain object as a JSON document (UTF-8 text, Chinese kept readable)."""
    return json.dumps(to_document(obj), ensure_ascii=False, indent=indent)
