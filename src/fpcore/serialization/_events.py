"""The event document: a household's history as the dated event list
(:func:`fpcore.model.household_events`), the form a population system exports."""

from __future__ import annotations

import json
from typing import Any

import attrs

from fpcore.errors import InvalidInput
from fpcore.model import Household, LifeEvent, household_events, household_from_events
from fpcore.serialization._converter import unstructure
from fpcore.serialization._documents import (
    _FIRST_VERSION,
    SCHEMA_VERSION,
    from_document,
    parse_json,
)


def _events(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen(kw_only=True)
class HouseholdEvents:
    """A household's key, village and dated events: the body of an event document.

    ``json_schema(HouseholdEvents)`` is the event document's JSON Schema;
    :func:`loads_events` reads a document into the household it describes.

    Example:
        >>> from fpcore.model import sample_household
        >>> doc = events_document(sample_household())
        >>> from_document(doc, HouseholdEvents).events[0].kind.value
        'birth'
    """

    household_id: str
    village: str
    events: tuple[LifeEvent, ...] = attrs.field(converter=_events)

    def household(self) -> Household:
        """The household the events describe (:func:`fpcore.model.household_from_events`).

        Raises:
            InvalidInput: events out of order or contradicting each other, by path.
        """
        return household_from_events(self.household_id, self.village, self.events)


_FIRST_VERSION[HouseholdEvents] = 2


def _compact(value: Any) -> Any:
    """JSON data without null fields and empty lists (their defaults say the same)."""
    if isinstance(value, dict):
        return {
            key: _compact(item) for key, item in value.items() if item is not None and item != []
        }
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value


def events_document(household: Household) -> dict[str, Any]:
    """The event document of a household: ``schema_version``, ``household_id``,
    ``village`` and ``events`` in order, each event without its null fields.

    Example:
        >>> from fpcore.model import sample_household
        >>> doc = events_document(sample_household())
        >>> doc["schema_version"], doc["events"][2]
        (2, {'on': '1997-10-01', 'kind': 'marriage', 'who': ['p0', 'p1'], 'item': 0})
    """
    body = HouseholdEvents(
        household_id=household.household_id,
        village=household.village,
        events=household_events(household),
    )
    data = _compact(unstructure(body))
    data["events"] = [{"on": e.pop("on"), **e} if "on" in e else e for e in data["events"]]
    return {"schema_version": SCHEMA_VERSION, **data}


def dumps_events(household: Household, *, indent: int | None = 2) -> str:
    """A household as an event document (JSON text, Chinese kept readable).

    Example:
        >>> from fpcore.model import sample_household
        >>> loads_events(dumps_events(sample_household())) == sample_household()
        True
    """
    return json.dumps(events_document(household), ensure_ascii=False, indent=indent)


def loads_events(text: str | bytes) -> Household:
    """The household an event document describes.

    Raises:
        InvalidInput: malformed JSON, a bad event field, events out of order or
            contradicting each other (``events[3].on: ...``), a household that does
            not hold together; every problem with its path, nothing half-built.

    Example:
        >>> loads_events('{"schema_version": 2, "household_id": "HN-9", '
        ...              '"village": "371121100201", "events": [{"kind": "death"}]}')
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          events[0].on: is required (only a marriage or its end may be undated)
    """
    return from_document(parse_json(text), HouseholdEvents).household()


def loads_household(text: str | bytes) -> Household:
    """A household from any household document fpcore reads: a household document of
    version 1 or 2, or an event document (told apart by its ``events`` list).

    Example:
        >>> from fpcore.model import sample_household
        >>> from fpcore.serialization import dumps
        >>> h = sample_household()
        >>> loads_household(dumps_events(h)) == loads_household(dumps(h)) == h
        True
    """
    data = parse_json(text)
    if isinstance(data, dict) and "events" in data and "parents" not in data:
        return from_document(data, HouseholdEvents).household()
    if not isinstance(data, dict):
        raise InvalidInput("the document must be a JSON object")
    return from_document(data, Household)
