"""JSON Schema (draft 2020-12) of fpcore's documents, derived from the attrs classes."""

from __future__ import annotations

import enum
import json
import types
import typing
from importlib import resources
from typing import Any

import attrs
import pendulum

from fpcore.model import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_CERTIFICATES,
    MAX_CHILDREN,
    MAX_DEPOSITS,
    MAX_PARENTS,
    MAX_TEXT_CHARS,
)
from fpcore.model._limits import (
    MAX_CONFIRMATIONS,
    MAX_DISABILITIES,
    MAX_HUKOU_CHANGES,
    MAX_MARRIAGES,
)
from fpcore.money import AMOUNT_PATTERN, Money
from fpcore.serialization._documents import SCHEMA_VERSION

# Patterns are written for both ECMA-262 (JSON Schema's dialect) and Python's re: ASCII
# digits as [0-9] (Python's \d takes every script's digits), and the end of the text as
# (?![\s\S]) (Python's $ also matches before a final newline).
_END = r"(?![\s\S])"
_DATE_PATTERN = r"^(18[5-9][0-9]|19[0-9]{2}|20[0-9]{2}|21[0-9]{2})-[0-9]{2}-[0-9]{2}" + _END
assert (pendulum.Date(1850, 1, 1), pendulum.Date(2199, 12, 31)) == (EARLIEST_DATE, LATEST_DATE)
_MONEY_PATTERN = f"^{AMOUNT_PATTERN}{_END}"
_TEXT = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS, "pattern": r"\S"}
_FIELD_PATTERNS = {
    ("Household", "village"): r"^[0-9]{12}" + _END,
    ("Residence", "township"): r"^[0-9]{9}" + _END,
    ("Residence", "village"): r"^[0-9]{12}" + _END,
    ("Person", "resident_id"): r"^[1-9][0-9]{16}[0-9X]" + _END,
    ("Child", "resident_id"): r"^[1-9][0-9]{16}[0-9X]" + _END,
}
_FIELD_PATTERNS[("Deposit", "amount")] = (  # a positive amount: not all zeros, no minus
    r"^(?!0+(\.0{1,2})?(?![\s\S]))[0-9]{1,16}(\.[0-9]{1,2})?" + _END
)
_FIELD_BOUNDS = {("Disability", "grade"): {"minimum": 1, "maximum": 4}}
_MAX_ITEMS = {
    ("Household", "parents"): MAX_PARENTS,
    ("Household", "children"): MAX_CHILDREN,
    ("Household", "certificates"): MAX_CERTIFICATES,
    ("Household", "deposits"): MAX_DEPOSITS,
    ("Household", "marriages"): MAX_MARRIAGES,
    ("Household", "confirmations"): MAX_CONFIRMATIONS,
    ("Person", "hukou_changes"): MAX_HUKOU_CHANGES,
    ("Child", "disabilities"): MAX_DISABILITIES,
}


def json_schema(cls: type, *, version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The JSON Schema of a top-level document holding a ``cls``.

    It describes structure and formats (types, required and unknown keys, enum values,
    date and amount patterns, the model's limits: dates 1850-01-01..2199-12-31, text of
    1 to 200 characters with something besides spaces, list lengths, code shapes). Rules
    across fields (a child born after its parents, a resident ID that agrees with the
    birth date, a valid check digit) are beyond JSON Schema; the reader still enforces
    them. Text must also be valid Unicode without lone surrogates (I-JSON, RFC 7493),
    which JSON Schema cannot say.

    ``version`` 2 (the default) is the document fpcore writes. ``version=1`` gives the
    frozen schema of the version 1 household document, which fpcore still reads (and
    migrates) but never writes; only :class:`~fpcore.model.Household` had one.

    Example:
        >>> from fpcore.model import Household
        >>> schema = json_schema(Household)
        >>> schema["$defs"]["Household"]["required"]
        ['household_id', 'village', 'parents']
        >>> schema["$defs"]["Sex"]
        {'enum': ['male', 'female']}
        >>> json_schema(Household, version=1)["properties"]["schema_version"]
        {'const': 1}
    """
    if version == 1 and cls.__name__ == "Household" and cls.__module__.startswith("fpcore."):
        return _v1_household_schema()
    if version != SCHEMA_VERSION:
        raise ValueError(f"no JSON Schema of version {version} for {cls.__name__}")
    defs: dict[str, Any] = {}
    _schema_for(cls, defs)
    top = dict(defs[cls.__name__])
    top["properties"] = {"schema_version": {"const": SCHEMA_VERSION}, **top["properties"]}
    top["required"] = ["schema_version", *top.get("required", [])]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"fpcore {cls.__name__} document",
        **top,
        "$defs": defs,
    }


def _with_pattern(schema: dict[str, Any], pattern: str) -> dict[str, Any]:
    """The text schema (possibly inside ``anyOf`` with null) with a stricter pattern."""
    if "anyOf" in schema:
        return {"anyOf": [_with_pattern(option, pattern) for option in schema["anyOf"]]}
    if schema.get("type") == "string" or "pattern" in schema:
        return {**schema, "pattern": pattern}
    return schema


def _schema_for(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if tp is str:
        return dict(_TEXT)
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is pendulum.Date:
        return {"type": "string", "format": "date", "pattern": _DATE_PATTERN}
    if tp is Money:
        return {"type": "string", "pattern": _MONEY_PATTERN, "description": "yuan, e.g. 10.50"}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        defs.setdefault(tp.__name__, {"enum": [member.value for member in tp]})
        return {"$ref": f"#/$defs/{tp.__name__}"}
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [_schema_for(arg, defs) for arg in args if arg is not type(None)]
        if type(None) in args:
            options.append({"type": "null"})
        return options[0] if len(options) == 1 else {"anyOf": options}
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return {"type": "array", "items": _schema_for(args[0], defs)}
    if isinstance(tp, type) and attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder first: a class may refer to itself
            hints = typing.get_type_hints(tp)
            properties: dict[str, Any] = {}
            required: list[str] = []
            for field in attrs.fields(tp):
                if not field.init:
                    continue
                prop = _schema_for(hints[field.name], defs)
                pattern = _FIELD_PATTERNS.get((name, field.name))
                if pattern is not None:
                    prop = _with_pattern(prop, pattern)
                prop = {**prop, **_FIELD_BOUNDS.get((name, field.name), {})}
                most = _MAX_ITEMS.get((name, field.name))
                if most is not None:
                    prop = {**prop, "maxItems": most}
                properties[field.name] = prop
                if field.default is attrs.NOTHING:
                    required.append(field.name)
            body: dict[str, Any] = {"type": "object", "properties": properties}
            if required:
                body["required"] = required
            body["additionalProperties"] = False
            if tp.__doc__:
                body["description"] = tp.__doc__.strip().split("\n\n")[0]
            defs[name] = body
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}")


def _v1_household_schema() -> dict[str, Any]:
    """The version 1 household schema, frozen as it was released (package data)."""
    text = resources.files("fpcore.serialization").joinpath(_V1_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


_V1_FILE = "data/household-v1.schema.json"
