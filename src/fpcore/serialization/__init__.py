"""JSON in and out: documents with a schema version, clear errors, a JSON Schema.

fpcore writes version 2 documents (households with their life histories) and reads
versions 1 and 2; a version 1 household is migrated to the history it meant
(:func:`migrate_household_v1`). The event document (:func:`dumps_events`,
:func:`loads_events`) carries the same history as a dated event list.

Example:
    >>> from fpcore.model import Household, sample_household
    >>> text = dumps(sample_household())
    >>> loads(text, Household).children[0].birth_date
    Date(1999, 5, 31)
    >>> loads('{"schema_version": 1, "household_id": "x", "village": NaN}', Household)
    Traceback (most recent call last):
    ...
    fpcore.errors.InvalidInput: 1 problem in the input:
      NaN is not allowed in fpcore documents (JSON has no such number)
"""

from fpcore.serialization._converter import make_converter, parse_date, structure, unstructure
from fpcore.serialization._documents import (
    MAX_DOCUMENT_BYTES,
    MAX_NESTING,
    READABLE_VERSIONS,
    SCHEMA_VERSION,
    dumps,
    from_document,
    loads,
    parse_json,
    read_limited,
    to_document,
)
from fpcore.serialization._events import (
    HouseholdEvents,
    dumps_events,
    events_document,
    loads_events,
    loads_household,
)
from fpcore.serialization._migrate import migrate_household_v1, v1_path
from fpcore.serialization._schema import json_schema

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fpcore.serialization._decision_schema import decision_schema


def __getattr__(name: str) -> object:
    """The decision schema's builder, loaded on first use (reading a household does not
    need it)."""
    if name == "decision_schema":
        from fpcore.serialization._decision_schema import decision_schema

        globals()[name] = decision_schema
        return decision_schema
    raise AttributeError(f"module 'fpcore.serialization' has no attribute {name!r}")


__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_NESTING",
    "READABLE_VERSIONS",
    "SCHEMA_VERSION",
    "HouseholdEvents",
    "decision_schema",
    "dumps",
    "dumps_events",
    "events_document",
    "from_document",
    "json_schema",
    "loads",
    "loads_events",
    "loads_household",
    "make_converter",
    "migrate_household_v1",
    "parse_date",
    "parse_json",
    "read_limited",
    "structure",
    "to_document",
    "unstructure",
    "v1_path",
]
