"""Tests for the exported JSON Schema, checked against the converter both ways."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from fpcore.errors import InvalidInput
from fpcore.model import Certificate, Deposit, Disability, Household, Person, sample_household
from fpcore.serialization import (
    SCHEMA_VERSION,
    dumps,
    from_document,
    json_schema,
    loads,
    to_document,
)
from fpcore.testing import strategies as fst

SCHEMA = json_schema(Household)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
STRUCTURE = Draft202012Validator(SCHEMA)  # "format" as annotation, the 2020-12 default
HEAVY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
    assert SCHEMA["required"][0] == "schema_version"
    assert SCHEMA["additionalProperties"] is False
    assert json.loads(json.dumps(SCHEMA)) == SCHEMA  # plain JSON data


def test_schema_of_other_classes() -> None:
    for cls in (Person, Disability):
        schema = json_schema(cls)
        Draft202012Validator.check_schema(schema)
        assert schema["title"] == f"fpcore {cls.__name__} document"


def test_sample_document_validates() -> None:
    VALIDATOR.validate(json.loads(dumps(sample_household())))


@HEAVY
@given(fst.households())
def test_everything_the_converter_writes_validates(h: Household) -> None:
    errors = sorted(VALIDATOR.iter_errors(json.loads(dumps(h))), key=str)
    assert errors == []
    assert list(VALIDATOR.iter_errors(to_document(h))) == []


def test_schema_rejects_what_the_reader_rejects_structurally() -> None:
    doc = to_document(sample_household())
    doc["colour"] = "red"
    doc["parents"][0]["sex"] = "F"
    doc["deposits"][0]["amount"] = 500
    del doc["village"]
    assert len(list(VALIDATOR.iter_errors(doc))) == 4
    with pytest.raises(InvalidInput) as caught:
        from_document(doc, Household)
    assert len(caught.value.problems) == 4


def load_or_invalid_input(payload: Any, cls: type[Any]) -> None:
    """The reader's contract for any JSON: an object of ``cls``, or InvalidInput."""
    failure: InvalidInput | None = None
    try:
        loaded = loads(json.dumps(payload, ensure_ascii=False), cls)
    except InvalidInput as error:
        failure = error
    if failure is not None:
        assert failure.problems
        assert failure.__cause__ is None
        return
    assert isinstance(loaded, cls)
    assert loads(dumps(loaded), cls) == loaded


def schema_payloads(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """Payloads valid against the subset of JSON Schema that json_schema() writes.

    A stand-in for hypothesis-jsonschema, whose object generation (0.23.1) calls
    hypothesis internals that recent hypothesis versions removed (``many.more``).
    """
    root = root or schema
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return st.deferred(lambda: schema_payloads(root["$defs"][name], root))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([schema_payloads(option, root) for option in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "string":
        if schema.get("pattern", r"\S") == r"\S":  # text: something besides spaces
            return st.text(min_size=1, max_size=20).filter(lambda t: t.strip() != "")
        return st.from_regex(schema["pattern"])
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(
            schema_payloads(schema["items"], root), max_size=min(3, schema.get("maxItems", 3))
        )
    assert kind == "object", schema
    properties = {k: schema_payloads(v, root) for k, v in schema["properties"].items()}
    required = set(schema.get("required", ()))
    return st.fixed_dictionaries(
        {k: v for k, v in properties.items() if k in required},
        optional={k: v for k, v in properties.items() if k not in required},
    )


@HEAVY
@given(schema_payloads(SCHEMA))
def test_schema_payloads_load_or_raise_invalid_input(payload: Any) -> None:
    assert list(STRUCTURE.iter_errors(payload)) == []
    load_or_invalid_input(payload, Household)


@HEAVY
@given(schema_payloads(json_schema(Disability)))
def test_schema_payloads_of_pieces(payload: Any) -> None:
    load_or_invalid_input(payload, Disability)


def _hypothesis_jsonschema_works() -> bool:
    once = settings(database=None, phases=[Phase.generate], max_examples=1)
    try:
        find(from_schema({"type": "object"}), lambda _: True, settings=once)
    except AttributeError:
        return False
    return True


@pytest.mark.skipif(
    not _hypothesis_jsonschema_works(),
    reason="hypothesis-jsonschema cannot generate objects with this hypothesis version",
)
@HEAVY
@given(from_schema(SCHEMA))
def test_hypothesis_jsonschema_payloads_load_or_raise_invalid_input(payload: Any) -> None:
    load_or_invalid_input(payload, Household)


# the reader accepts exactly what the schema accepts, field by field (issue 14, item 10) --

FIELD = settings(max_examples=300, deadline=None)
_TRICKY = "0123456789.-+eE_ \n\t\u00a0٠١٢٣０１X:"


def _agree(document: dict[str, Any], cls: type[Any]) -> None:
    schema = Draft202012Validator(
        json_schema(cls), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    schema_ok = not list(schema.iter_errors(document))
    try:
        from_document(document, cls)
    except InvalidInput:
        reader_ok = False
    else:
        reader_ok = True
    assert reader_ok == schema_ok, (document, reader_ok, schema_ok)


def _texts(pattern: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(alphabet=_TRICKY, max_size=12),
        st.from_regex(pattern.replace("(?![\\s\\S])", "$")),
        st.from_regex(pattern.replace("(?![\\s\\S])", "$")).map(lambda t: t + "0"),
    )


@FIELD
@given(_texts(r"^-?[0-9]{1,18}(\.[0-9]{1,3})?(?![\s\S])"))
def test_amounts_reader_and_schema_agree(text: str) -> None:
    _agree({"schema_version": SCHEMA_VERSION, "amount": text, "paid": "2000-01-01"}, Deposit)


@FIELD
@given(_texts(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\s\S])"))
def test_dates_reader_and_schema_agree(text: str) -> None:
    document = {
        "schema_version": SCHEMA_VERSION,
        "kind": "birth_permit",
        "number": "1",
        "issued": text,
    }
    _agree(document, Certificate)


@FIELD
@given(st.text(max_size=12) | st.text(alphabet=" \t\n\u3000x", max_size=4) | st.just("x" * 201))
def test_text_reader_and_schema_agree(text: str) -> None:
    document = {
        "schema_version": SCHEMA_VERSION,
        "kind": "birth_permit",
        "number": text,
        "issued": "2000-01-01",
    }
    _agree(document, Certificate)


@FIELD
@given(st.integers(-3, 8))
def test_grades_reader_and_schema_agree(grade: int) -> None:
    _agree({"schema_version": SCHEMA_VERSION, "grade": grade, "issued": "2000-01-01"}, Disability)


def test_the_schema_states_every_list_limit_of_the_model() -> None:
    from fpcore.model import _limits

    expected = {
        ("Household", "parents"): _limits.MAX_PARENTS,
        ("Household", "children"): _limits.MAX_CHILDREN,
        ("Household", "certificates"): _limits.MAX_CERTIFICATES,
        ("Household", "deposits"): _limits.MAX_DEPOSITS,
        ("Household", "marriages"): _limits.MAX_MARRIAGES,
        ("Household", "confirmations"): _limits.MAX_CONFIRMATIONS,
        ("Person", "hukou_changes"): _limits.MAX_HUKOU_CHANGES,
        ("Child", "disabilities"): _limits.MAX_DISABILITIES,
    }
    for (cls, field), most in expected.items():
        prop = SCHEMA["$defs"][cls]["properties"][field]
        assert prop.get("maxItems") == most, (cls, field, prop)
