"""JSON for workflow documents: fpcore's converter plus the rule engine's decisions."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from typing import Any

import cattrs

from fpcore.errors import InvalidInput, Problem
from fpcore.rules import Decision
from fpcore.serialization import from_document, make_converter, parse_json, to_document
from fpcore.workflows._application import Application


def _structure_decision(value: object, _type: type) -> Decision:
    if not isinstance(value, dict):
        raise InvalidInput("expected a decision document (an object)")
    return Decision.from_dict(value)


def workflow_converter() -> cattrs.Converter:
    """A converter for workflow documents: :func:`fpcore.serialization.make_converter`
    with hooks for :class:`~fpcore.rules.Decision` (its own ``to_dict``/``from_dict``).

    Example:
        >>> import pendulum
        >>> from fpcore.workflows import Application, sample_applicant
        >>> app = Application.submit(application_id="TF-1", household=sample_applicant(),
        ...                          benefit="special_assistance", on=pendulum.Date(2008, 3, 3))
        >>> conv = workflow_converter()
        >>> data = conv.unstructure(app)
        >>> data["events"][0]["action"], data["events"][0]["eligibility"]["stamp"]["period"]
        ('submit', '2008-03')
        >>> conv.structure(data, Application) == app
        True
    """
    converter = make_converter()
    # StrEnum members are str, which cattrs passes through untouched; JSON text would
    # be right anyway, but unstructured data should hold plain values.
    converter.register_unstructure_hook(enum.StrEnum, lambda member: member.value)
    converter.register_structure_hook(Decision, _structure_decision)
    converter.register_unstructure_hook(Decision, lambda decision: decision.to_dict())
    return converter


_CONVERTER = workflow_converter()


def application_to_json(application: Application, *, indent: int | None = 2) -> str:
    """An application as a JSON document (Chinese kept readable).

    Example:
        >>> import json, pendulum
        >>> from fpcore.workflows import sample_applicant
        >>> app = Application.submit(application_id="TF-1", household=sample_applicant(),
        ...                          benefit="special_assistance", on=pendulum.Date(2008, 3, 3))
        >>> data = json.loads(application_to_json(app))
        >>> data["schema_version"], data["events"][0]["on"], data["household"]["household_id"]
        (2, '2008-03-03', 'HN-0107')
        >>> application_from_json(application_to_json(app)) == app
        True
    """
    document = to_document(application, converter=_CONVERTER)
    return json.dumps(document, ensure_ascii=False, indent=indent)


def _application(data: Any) -> Application:
    return from_document(data, Application, converter=_CONVERTER)


def application_from_json(text: str | bytes) -> Application:
    """Read an application written by :func:`application_to_json`.

    Raises:
        InvalidInput: malformed JSON, a bad field or a trail that breaks the procedure.
    """
    return _application(parse_json(text))


def dumps_applications(applications: Iterable[Application], *, indent: int | None = 2) -> str:
    """Several applications as a JSON list of application documents.

    Example:
        >>> dumps_applications([])
        '[]'
    """
    documents = [to_document(a, converter=_CONVERTER) for a in applications]
    return json.dumps(documents, ensure_ascii=False, indent=indent)


def _is_household(item: object) -> bool:
    """A household document where an application was expected (a common mix-up)."""
    return (
        isinstance(item, dict)
        and "household_id" in item
        and "application_id" not in item
        and "events" not in item
    )


def loads_applications(text: str | bytes) -> list[Application]:
    """Read a JSON list of application documents (or one application document).

    Raises:
        InvalidInput: every problem, with paths such as ``[2].events[3]``.

    Example:
        >>> loads_applications('[{"schema_version": 1, "benefit": "special_assistance"}]')
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 5 problems in the input:
          [0].application_id: is required
          ...
        >>> loads_applications('{"schema_version": 1, "household_id": "HN-0001"}')
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          this is a household, not a list of applications (...)
    """
    data = parse_json(text)
    items = data if isinstance(data, list) else [data]
    if items and all(_is_household(item) for item in items):
        what = "a household" if isinstance(data, dict) else "a list of households"
        raise InvalidInput(
            f"this is {what}, not a list of applications (expected a JSON list of "
            "application documents, each with application_id, benefit and events)"
        )
    if isinstance(data, dict):
        return [_application(data)]
    if not isinstance(data, list):
        raise InvalidInput("expected a list of application documents")
    found: list[Application] = []
    problems: list[Problem] = []
    for index, item in enumerate(data):
        try:
            found.append(_application(item))
        except InvalidInput as error:
            problems.extend(p.under(f"[{index}]") for p in error.problems)
    if problems:
        raise InvalidInput(problems)
    return found
