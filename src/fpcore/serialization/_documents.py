"""JSON documents: text in and out, with a schema version and guarded parsing."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import cattrs

from fpcore._json import MAX_DOCUMENT_BYTES, MAX_NESTING, parse_json, read_limited
from fpcore.errors import InvalidInput, Problem
from fpcore.serialization._converter import structure, unstructure

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_NESTING",
    "SCHEMA_VERSION",
    "dumps",
    "from_document",
    "loads",
    "parse_json",
    "read_limited",
    "to_document",
]

T = TypeVar("T")

SCHEMA_VERSION = 1
"""The version of fpcore's JSON documents; every top-level document carries it."""


def from_document(data: Any, cls: type[T], *, converter: cattrs.Converter | None = None) -> T:
    """Build a ``cls`` from a parsed top-level document, checking its schema version."""
    if not isinstance(data, dict):
        raise InvalidInput("the document must be a JSON object")
    body = dict(data)
    version = body.pop("schema_version", None)
    problems: list[Problem] = []
    if version is None:
        problems.append(
            Problem("schema_version", f"is required (this fpcore reads {SCHEMA_VERSION})")
        )
    elif version != SCHEMA_VERSION or isinstance(version, bool):
        problems.append(
            Problem("schema_version", f"{version!r} is not supported (expected {SCHEMA_VERSION})")
        )
    try:
        result = structure(body, cls, converter=converter)
    except InvalidInput as error:
        raise InvalidInput([*problems, *error.problems]) from None
    if problems:
        raise InvalidInput(problems)
    return result


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
