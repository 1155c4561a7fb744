"""Reforms as data: a catalogue policy plus cited parameter values and settings.

A reform document never carries code: it names a base policy of the catalogue, puts
new dated values of that policy's parameters in force (each with its citation) and
chooses settings among their declared choices. It is checked whole, every problem
reported with its path, before a policy is built. :func:`reform_from_file` reads one
from TOML, JSON or YAML; nothing in it is ever run.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pendulum

from fpcore.errors import InvalidInput, Problem, UnknownName, described
from fpcore.money import Money
from fpcore.policies._catalogue import get, list_policies
from fpcore.rules import Citation, Parameter, Policy
from fpcore.rules._parameters import CONFIDENCE
from fpcore.rules._policy import put_value

__all__ = ["REFORM_SCHEMA_VERSION", "reform_from_document", "reform_from_file", "reform_schema"]

REFORM_SCHEMA_VERSION = 1
"""The version of reform documents this fpcore reads."""

_KEYS = ("schema_version", "base", "id", "version", "title", "settings", "parameters")
_VALUE_KEYS = ("start", "until", "value", "citation")
_CITATION_KEYS = ("document", "article", "issued_by", "url", "confidence")
_DATE_TEXT = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_ID_TEXT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}", re.ASCII)
_MAX_VALUES = 64
_MAX_TEXT = 500


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown_keys(raw: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> list[Problem]:
    return [
        Problem(
            f"{path}.{key}" if path else str(key),
            f"is not a known key (expected one of {', '.join(allowed)})"
            + _suggest(str(key), list(allowed)),
        )
        for key in raw
        if key not in allowed
    ]


def _date(raw: object, path: str, problems: list[Problem]) -> pendulum.Date | None:
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return pendulum.Date(raw.year, raw.month, raw.day)  # from YAML or TOML
    match = _DATE_TEXT.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        problems.append(Problem(path, f"expected a date YYYY-MM-DD, got {described(raw)}"))
        return None
    try:
        return pendulum.Date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        problems.append(Problem(path, f"{raw} is not a date (no such day)"))
        return None


def _value(kind: str, raw: object, path: str, problems: list[Problem]) -> object:
    if kind in ("money", "ratio"):
        if not isinstance(raw, str):
            problems.append(
                Problem(
                    path, f'expected a {kind} as quoted text, e.g. "20.00", got {described(raw)}'
                )
            )
            return None
        try:
            if kind == "money":
                return Money(raw)
            text = raw.strip()
            if not re.fullmatch(r"\d{1,12}(/\d{1,12}|\.\d{1,12})?", text, re.ASCII):
                raise ValueError("expected e.g. 1/2 or 0.5")
            ratio = Fraction(text) if "/" in text else Fraction(Decimal(text))
        except (InvalidInput, InvalidOperation, ValueError, ZeroDivisionError) as error:
            problems.append(Problem(path, f"{raw[:40]!r} is not a {kind}: {error}"))
            return None
        return ratio
    if kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            problems.append(Problem(path, f"expected a whole number, got {described(raw)}"))
            return None
        if abs(raw) > 10**9:
            problems.append(Problem(path, f"{raw} is out of range (at most 10^9)"))
            return None
        return raw
    if kind == "bool":
        if not isinstance(raw, bool):
            problems.append(Problem(path, f"expected true or false, got {described(raw)}"))
            return None
        return raw
    return _date(raw, path, problems)  # kind == "date"


def _citation(raw: object, path: str, problems: list[Problem]) -> Citation | None:
    if not isinstance(raw, dict):
        problems.append(
            Problem(
                path,
                "every value needs a citation {document, article?, issued_by?, url?, confidence?}",
            )
        )
        return None
    before = len(problems)
    problems.extend(_unknown_keys(raw, _CITATION_KEYS, path))
    for key in _CITATION_KEYS:
        value = raw.get(key)
        if key == "document" and (not isinstance(value, str) or not value.strip()):
            problems.append(Problem(f"{path}.document", "is required (the issuing document)"))
        elif key == "confidence" and value is not None and value not in CONFIDENCE:
            problems.append(
                Problem(
                    f"{path}.confidence",
                    f"{described(value)} is not one of {', '.join(CONFIDENCE)}"
                    + (_suggest(value, list(CONFIDENCE)) if isinstance(value, str) else ""),
                )
            )
        elif value is not None and not isinstance(value, str):
            problems.append(Problem(f"{path}.{key}", f"expected text, got {described(value)}"))
        elif isinstance(value, str) and len(value) > _MAX_TEXT:
            problems.append(Problem(f"{path}.{key}", f"is longer than {_MAX_TEXT} characters"))
    if len(problems) > before:
        return None
    return Citation(**{key: raw[key] for key in _CITATION_KEYS if key in raw})


def _parameter(
    base: Parameter, raw: object, path: str, problems: list[Problem]
) -> Parameter | None:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(path, "expected a list of dated values {start, value, citation}"))
        return None
    if len(raw) > _MAX_VALUES:
        problems.append(Problem(path, f"has {len(raw)} values (at most {_MAX_VALUES})"))
        return None
    before = len(problems)
    result = base
    for i, entry in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem(where, f"expected an object, got {described(entry)}"))
            continue
        problems.extend(_unknown_keys(entry, _VALUE_KEYS, where))
        start = _date(entry.get("start"), f"{where}.start", problems)
        until = None
        if entry.get("until") is not None:
            until = _date(entry["until"], f"{where}.until", problems)
            if start is not None and until is not None and until < start:
                problems.append(Problem(f"{where}.until", f"{until} is before the start {start}"))
        value = _value(base.kind, entry.get("value"), f"{where}.value", problems)
        cite = _citation(entry.get("citation"), f"{where}.citation", problems)
        if len(problems) == before and start is not None and cite is not None:
            try:
                result = put_value(result, start, value, cite, until)
            except InvalidInput as error:
                problems.extend(p.under(where) for p in error.problems)
    return result if len(problems) == before else None


def reform_from_document(document: Mapping[str, Any]) -> Policy:
    """Build the policy a reform document describes (a catalogue policy, changed).

    The document (JSON, or YAML/TOML read into a mapping)::

        {"schema_version": 1, "base": "county", "id": "county-ocr-20",
         "settings": {"only_child_reward_last_month": "month_before"},
         "parameters": {"only_child_reward.monthly": [
             {"start": "2017-01-01", "value": "20.00",
              "citation": {"document": "县政府令 2016 第 3 号", "article": "二"}}]}}

    ``base`` is required; ``id`` (default ``<base>+reform``), ``version`` (default the
    base's), ``title``, ``settings`` and ``parameters`` are optional. Each parameter
    value is put in force from ``start`` over the base's timeline, as
    :meth:`fpcore.rules.Parameter.with_value` does; with ``until``, only through that
    day, and the base's value in force the day after resumes. Money and ratios
    are quoted text, dates ``YYYY-MM-DD``. Only the base's parameters and settings can
    be changed: a reform is data, never code.

    Raises:
        InvalidInput: every problem with its path (unknown base, parameter or setting,
            with a suggestion; a value of the wrong kind; a missing citation...).

    Example:
        >>> policy = reform_from_document({
        ...     "schema_version": 1, "base": "county",
        ...     "settings": {"only_child_reward_last_month": "month_before"}})
        >>> policy.id, policy.settings_in_force()["only_child_reward_last_month"]
        ('county+reform', 'month_before')
        >>> reform_from_document({"schema_version": 1, "base": "county", "parameters": {
        ...     "only_child_reward.monthy": []}})
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          parameters.only_child_reward.monthy: is not a parameter of county (did you mean ...?)
    """
    if not isinstance(document, Mapping):
        raise InvalidInput(f"a reform must be a JSON object, got {described(document)}")
    problems = _unknown_keys(document, _KEYS, "")
    version = document.get("schema_version")
    if version != REFORM_SCHEMA_VERSION or isinstance(version, bool):
        problems.append(
            Problem("schema_version", f"expected {REFORM_SCHEMA_VERSION}, got {described(version)}")
        )
    base_id = document.get("base")
    base: Policy | None = None
    if not isinstance(base_id, str):
        problems.append(Problem("base", f"expected a policy id, got {described(base_id)}"))
    else:
        try:
            base = get(base_id)
        except UnknownName:
            problems.append(
                Problem(
                    "base",
                    f"{base_id[:40]!r} is not a policy (known: {', '.join(list_policies())})"
                    + _suggest(base_id, list_policies()),
                )
            )
    identity: dict[str, str] = {}
    for key in ("id", "version", "title"):
        value = document.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or (key == "title" and len(value) > _MAX_TEXT):
            problems.append(Problem(key, f"expected text, got {described(value)}"))
        elif key != "title" and not _ID_TEXT.fullmatch(value):
            problems.append(
                Problem(
                    key,
                    "expected 1-64 letters, digits or _ . + - (starting with one of the first two)",
                )
            )
        else:
            identity[key] = value
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        problems.append(Problem("settings", f"expected an object, got {described(settings)}"))
        settings = {}
    parameters = document.get("parameters", {})
    if not isinstance(parameters, dict):
        problems.append(Problem("parameters", f"expected an object, got {described(parameters)}"))
        parameters = {}
    if base is None:
        raise InvalidInput(problems)
    declared = {s.name: s for s in base.settings}
    chosen: dict[str, str] = {}
    for name, value in settings.items():
        path = f"settings.{name}"
        if name not in declared:
            problems.append(
                Problem(path, f"is not a setting of {base.id}" + _suggest(name, list(declared)))
            )
        elif not isinstance(value, str) or value not in declared[name].choices:
            choices = ", ".join(declared[name].choices)
            problems.append(Problem(path, f"{described(value)} is not one of {choices}"))
        else:
            chosen[name] = value
    changed: list[Parameter] = []
    for name, raw in parameters.items():
        path = f"parameters.{name}"
        known = base.parameters.get(name)
        if known is None:
            problems.append(
                Problem(
                    path, f"is not a parameter of {base.id}" + _suggest(name, list(base.parameters))
                )
            )
            continue
        parameter = _parameter(known, raw, path, problems)
        if parameter is not None:
            changed.append(parameter)
    if problems:
        raise InvalidInput(problems)
    values = {**base.setting_values, **chosen}
    new_parameters = {**base.parameters, **{p.name: p for p in changed}}
    return attrs.evolve(
        base,
        id=identity.get("id", f"{base.id}+reform"),
        version=identity.get("version", base.version),
        title=identity.get("title", f"{base.title}, reformed"),
        parameters=new_parameters,
        setting_values=values,
    )


def reform_from_file(path: str | Path) -> Policy:
    """The policy a reform file describes: TOML (``.toml``, read with :mod:`tomllib`),
    JSON (``.json``) or YAML (``.yaml``/``.yml``, with the ``testing`` extra's pyyaml),
    read as data and checked by :func:`reform_from_document`, never executed.

    In TOML, dates are TOML dates or ``"YYYY-MM-DD"`` text, money quoted text::

        schema_version = 1
        base = "county"
        id = "county-ra-1200"

        [[parameters."reward_assistance.annual"]]
        start = 2018-01-01
        value = "1200.00"
        citation = { document = "a what-if, not a decision" }

    Raises:
        InvalidInput: the file cannot be read (missing, too large, not UTF-8, not valid
            TOML, JSON or YAML: with the line), or every problem of the reform, each path
            starting with the file (``FILE.parameters.NAME[0].value``).

    Example:
        >>> reform_from_file("examples/reforms/county-ra-1200.toml").id
        'county-ra-1200'
    """
    from fpcore._json import read_limited

    name = str(path)
    try:
        text = read_limited(name).decode("utf-8")  # size checked first, no devices
    except InvalidInput as error:
        reason = error.problems[0].message
        raise InvalidInput(f"cannot read the reform file: {reason}", path=name) from None
    except UnicodeDecodeError:
        raise InvalidInput("cannot read the reform file (not UTF-8 text)", path=name) from None
    suffix = Path(name).suffix.lower()
    document: object
    if suffix == ".toml":
        import tomllib

        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InvalidInput(f"not valid TOML ({error})", path=name) from None
    elif suffix == ".json":
        import json

        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"not valid JSON ({error})", path=name) from None
        except RecursionError:
            raise InvalidInput("the document is nested too deeply", path=name) from None
    else:  # YAML, a superset of JSON: any other name
        from fpcore.testing._casefile import load_yaml

        document = load_yaml(text, name)
    if not isinstance(document, Mapping):
        raise InvalidInput(
            f"a reform must be a table of keys, got {described(document)}", path=name
        )
    try:
        return reform_from_document(document)
    except InvalidInput as error:
        raise error.under(name) from None


def reform_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a reform document.

    It states the structure; which parameters and settings exist, and the kind of
    each value, depend on the base policy and are checked by
    :func:`reform_from_document`.

    Example:
        >>> reform_schema()["required"]
        ['schema_version', 'base']
    """
    text = {"type": "string", "maxLength": _MAX_TEXT}
    citation = {
        "type": "object",
        "description": "Where the value comes from: the issuing document and article.",
        "properties": {
            "document": {"type": "string", "minLength": 1, "maxLength": _MAX_TEXT},
            "article": text,
            "issued_by": text,
            "url": text,
            "confidence": {
                "enum": list(CONFIDENCE),
                "description": "how sure the source is (default sourced); a what-if is a "
                "placeholder, listed as an assumption beside every result",
            },
        },
        "required": ["document"],
        "additionalProperties": False,
    }
    date = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    dated_value = {
        "type": "object",
        "properties": {
            "start": date,
            "until": {"anyOf": [date, {"type": "null"}]},
            "value": {
                "description": 'money and ratios as quoted text ("20.00", "1/2"); '
                "int a whole number; bool true or false; date YYYY-MM-DD",
                "type": ["string", "integer", "boolean"],
            },
            "citation": {"$ref": "#/$defs/Citation"},
        },
        "required": ["start", "value", "citation"],
        "additionalProperties": False,
    }
    identifier = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "fpcore reform document",
        "description": "A catalogue policy with cited parameter values and settings changed.",
        "type": "object",
        "properties": {
            "schema_version": {"const": REFORM_SCHEMA_VERSION},
            "base": {"type": "string", "description": "a policy id of the catalogue"},
            "id": identifier,
            "version": identifier,
            "title": text,
            "settings": {"type": "object", "additionalProperties": {"type": "string"}},
            "parameters": {
                "type": "object",
                "additionalProperties": {
                    "type": "array",
                    "items": {"$ref": "#/$defs/DatedValue"},
                    "minItems": 1,
                    "maxItems": _MAX_VALUES,
                },
            },
        },
        "required": ["schema_version", "base"],
        "additionalProperties": False,
        "$defs": {"Citation": citation, "DatedValue": dated_value},
    }
