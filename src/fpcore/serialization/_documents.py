"""JSON documents: text in and out, with a schema version and guarded parsing."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypeVar

import cattrs

from fpcore.errors import InvalidInput, Problem
from fpcore.serialization._converter import structure, unstructure

T = TypeVar("T")

SCHEMA_VERSION = 1
"""The version of fpcore's JSON documents; every top-level document carries it."""

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
"""Larger JSON texts are refused before parsing."""

MAX_NESTING = 64
"""Deeper JSON is refused: no fpcore document nests more than a dozen levels."""


def _reject_constant(name: str) -> Any:
    raise InvalidInput(f"{name} is not allowed in fpcore documents (JSON has no such number)")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InvalidInput(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _nesting_depth(text: str) -> int:
    """Deepest bracket nesting outside strings, found without parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json(text: str | bytes) -> Any:
    """Parse JSON text safely: size and depth limits, no NaN, no repeated keys.

    Numbers with a fraction are read as ``Decimal``, never float.

    Raises:
        InvalidInput: the text is not acceptable JSON; the message says where and why.
    """
    if isinstance(text, bytes):
        if len(text) > MAX_DOCUMENT_BYTES:
            raise InvalidInput(f"the document has {len(text)} bytes (at most {MAX_DOCUMENT_BYTES})")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidInput(f"the document is not UTF-8 text ({error.reason})") from None
    if len(text) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            f"the document has {len(text)} characters (at most {MAX_DOCUMENT_BYTES})"
        )
    if "[" in text or "{" in text:
        depth = _nesting_depth(text)
        if depth > MAX_NESTING:
            raise InvalidInput(f"the document nests {depth} levels deep (at most {MAX_NESTING})")
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_no_duplicate_keys,
        )
    except InvalidInput:
        raise
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except (ValueError, RecursionError) as error:  # e.g. an integer with 5,000 digits
        raise InvalidInput(f"not valid JSON: {error}") from None


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
