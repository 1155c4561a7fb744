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

from fpcore.money import Money
from fpcore.serialization._documents import SCHEMA_VERSION

_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_MONEY_PATTERN = r"^-?\d+(\.\d{1,2})?$"


def json_schema(cls: type, *, version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The JSON Schema of a top-level document holding a ``cls``.

    It describes structure and formats (types, required and unknown keys, enum values,
    date and amount patterns). Rules across fields (a child born after its parents, a
    valid check digit) are beyond JSON Schema; the reader still enforces them.

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


def _schema_for(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if tp is str:
        return {"type": "string"}
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
                properties[field.name] = _schema_for(hints[field.name], defs)
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
