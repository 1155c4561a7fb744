"""Tests for JSON in and out: lossless, type-exact round trips and clear errors by path."""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Iterator
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.model import (
    MAX_DEPOSITS,
    Child,
    County,
    Disability,
    Household,
    Person,
    sample_county,
    sample_household,
)
from fpcore.money import Money
from fpcore.serialization import (
    MAX_DOCUMENT_BYTES,
    MAX_NESTING,
    SCHEMA_VERSION,
    dumps,
    from_document,
    loads,
    make_converter,
    parse_json,
    structure,
    to_document,
    unstructure,
)
from fpcore.testing import strategies as fst

HEAVY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

JSON_SCALARS = (str, int, bool, type(None))


def assert_same_types(a: Any, b: Any, where: str = "") -> None:
    """Equal and of exactly the same types all the way down (no stdlib date, no str money)."""
    assert type(a) is type(b), where
    if attrs.has(type(a)):
        for field in attrs.fields(type(a)):
            assert_same_types(
                getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}"
            )
    elif isinstance(a, tuple):
        assert isinstance(b, tuple)
        assert len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same_types(x, y, f"{where}[{index}]")
    else:
        assert a == b, where


def json_types_only(data: object) -> bool:
    if isinstance(data, dict):
        return all(type(k) is str and json_types_only(v) for k, v in data.items())
    if isinstance(data, list):
        return all(json_types_only(item) for item in data)
    return type(data) in JSON_SCALARS


def assert_clean(error: InvalidInput) -> None:
    """One fpcore error, no dependency's exception chained or shown."""
    assert error.problems
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    shown = "".join(traceback.format_exception(error))
    assert shown.count("Traceback (most recent call last)") == 1
    assert "During handling" not in shown
    assert "direct cause" not in shown


def rejects(text: str | bytes) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        loads(text, Household)
    assert_clean(caught.value)
    return caught.value


def document() -> dict[str, Any]:
    return to_document(sample_household())


def changed(path: str, value: Any) -> str:
    """The sample document with the value at a dotted path replaced, as JSON text."""
    doc = document()
    *parents, last = _steps(path)
    target: Any = doc
    for step in parents:
        target = target[step]
    target[last] = value
    return json.dumps(doc, ensure_ascii=False)


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.replace("[", ".[").split("."):
        if part.startswith("["):
            steps.append(int(part[1:-1]))
        elif part:
            steps.append(part)
    return steps


# round trips -----------------------------------------------------------------------------


@HEAVY
@given(fst.households())
def test_json_round_trip_is_lossless_and_type_exact(h: Household) -> None:
    text = dumps(h)
    back = loads(text, Household)
    assert back == h
    assert_same_types(back, h)
    assert json_types_only(unstructure(h))
    assert loads(dumps(h, indent=None), Household) == h
    assert loads(text.encode("utf-8"), Household) == h


def test_round_trip_types_by_example() -> None:
    back = loads(dumps(sample_household()), Household)
    assert type(back.children[0].birth_date) is pendulum.Date
    assert type(back.deposits[0].amount) is Money
    data = unstructure(sample_household())
    assert data["deposits"][0]["amount"] == "500.00"
    assert data["marriages"] == [
        {"spouses": [0, 1], "married": "1997-10-01", "ended": None, "end": None}
    ]
    assert "marital_status" not in data
    assert type(data["parents"][0]["sex"]) is str


@HEAVY
@given(fst.persons(), fst.children(), fst.counties())
def test_other_types_round_trip(p: Person, c: Child, county: County) -> None:
    for value in (p, c, county):
        back = structure(unstructure(value), type(value))
        assert back == value
        assert_same_types(back, value)


def test_documents_carry_the_schema_version() -> None:
    doc = json.loads(dumps(sample_household()))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert next(iter(doc)) == "schema_version"
    assert "张秀娟" in dumps(sample_household())  # Chinese kept readable
    with pytest.raises(TypeError):
        to_document(Money(1))


def test_each_converter_is_new() -> None:
    assert make_converter() is not make_converter()
    county = sample_county()
    assert from_document(to_document(county), County) == county


# every bad-input class: InvalidInput naming the path -------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "where", "says"),
    [
        ("children[0].birth_date", "1960-01-01", "children[0].birth_date", "before the birth of"),
        ("children[0].birth_date", "1980-01-01", "children[0].birth_date", "would have been 9"),
        ("children[0].death_date", "1999-05-30", "children[0].death_date", "before the birth"),
        ("parents[1].death_date", "1968-08-07", "parents[1].death_date", "before the birth"),
        ("children[0].link", "adoption", "children[0].adoption_date", "is required"),
        ("certificates[1].issued", "1999-05-30", "certificates[1].issued", "before the child"),
        (
            "children[0].disabilities",
            [{"grade": 5, "issued": "2005-01-01"}],
            "children[0].disabilities[0].grade",
            "1, 2, 3 or 4",
        ),
        (
            "children[0].disabilities",
            [{"grade": 0, "issued": "2005-01-01"}],
            "children[0].disabilities[0].grade",
            "1, 2, 3 or 4",
        ),
        (
            "children[0].disabilities",
            [{"grade": 2, "issued": "1990-01-01"}],
            "children[0].disabilities[0].issued",
            "before the child",
        ),
        (
            "children[0].disabilities",
            [{"grade": 2, "issued": "2005-01-01"}, {"grade": 1, "issued": "2006-01-01"}],
            "children[0].disabilities[0].cancelled",
            "a child holds one certificate at a time",
        ),
        (
            "children[0].disabilities",
            {"grade": 2, "issued": "2005-01-01"},
            "children[0].disabilities",
            "expected a list",
        ),
        ("children[0].parents", [3], "children[0].parents", "but there are 2 parents"),
        ("children[0].parents", [], "children[0].parents", "is empty"),
        ("children[0].parents", ["p0"], "children[0].parents[0]", "expected a whole number"),
        ("marriages[0].ended", "1990-01-01", "marriages[0].end", "is required"),
        ("marriages[0].spouses", [0], "marriages", "records their marriage"),
        ("marriages[0].end", "divorced", "marriages[0].end", "is not one of"),
        (
            "parents[0].hukou_changes",
            [{"on": "1960-01-01", "hukou": "urban"}],
            "parents[0].hukou_changes[0].on",
            "before the person's birth",
        ),
        ("certificates[0].returned", "1998-08-31", "certificates[0].returned", "before"),
        (
            "confirmations",
            [{"benefit": "special_assistance", "parent": 2, "confirmed": "2009-01-01"}],
            "confirmations[0].parent",
            "is not a parent",
        ),
        ("household_id", 5, "household_id", "expected text, got the number 5"),
        ("children[0].within_policy", 1, "children[0].within_policy", "expected true or false"),
        (
            "children[0].disabilities",
            [{"grade": "2", "issued": "2005-01-01"}],
            "children[0].disabilities[0].grade",
            "whole number",
        ),
        ("parents[0].sex", "F", "parents[0].sex", "is not one of 'male', 'female'"),
        ("parents", {}, "parents", "expected a list"),
        ("parents[0].residence", [], "parents[0].residence", "expected an object"),
        (
            "children[0].birth_date",
            "2019-02-30",
            "children[0].birth_date",
            "2019-02-30 is not a date",
        ),
        ("children[0].birth_date", "2019-2-3", "children[0].birth_date", "expected YYYY-MM-DD"),
        ("children[0].birth_date", "٢٠١٩-٠١-٠١", "children[0].birth_date", "expected YYYY-MM-DD"),
        ("marriages[0].married", 19971001, "marriages[0].married", "expected a date as text"),
        ("deposits[0].amount", 500, "deposits[0].amount", "expected an amount as text"),
        ("deposits[0].amount", "500.005", "deposits[0].amount", "more than two decimal places"),
        ("deposits[0].amount", "five", "deposits[0].amount", "not an amount of yuan"),
        ("deposits[0].amount", "NaN", "deposits[0].amount", "not an amount of yuan"),
        ("deposits[0].amount", "1e999999", "deposits[0].amount", "not an amount of yuan"),
        ("deposits[0].amount", "9" * 30, "deposits[0].amount", "beyond the largest amount"),
        ("schema_version", 3, "schema_version", "not supported (expected 1 or 2)"),
        ("schema_version", 0, "schema_version", "not supported"),
        ("schema_version", True, "schema_version", "not supported"),
        ("schema_version", "1", "schema_version", "not supported"),
    ],
)
def test_bad_value_names_its_path(path: str, value: Any, where: str, says: str) -> None:
    error = rejects(changed(path, value))
    assert where in [p.path for p in error.problems], str(error)
    assert says in str(error)


def test_adoption_before_birth() -> None:
    doc = document()
    doc["children"][0].update(link="adoption", adoption_date="1999-05-30")
    error = rejects(json.dumps(doc))
    assert [p.path for p in error.problems] == ["children[0].adoption_date"]


def test_duplicate_persons() -> None:
    doc = document()
    doc["children"][0].update(resident_id=doc["parents"][1]["resident_id"], birth_date="1968-08-08")
    error = rejects(json.dumps(doc))
    assert "children[0].resident_id" in [p.path for p in error.problems]
    assert "is the same person as parents[1]" in str(error)


def test_unknown_and_missing_keys() -> None:
    doc = document()
    doc["children"][0]["colour"] = "red"
    doc["colour"] = "blue"
    del doc["parents"][0]["name"]
    del doc["village"]
    error = rejects(json.dumps(doc))
    assert sorted(p.path for p in error.problems) == [
        "children[0].colour",
        "colour",
        "parents[0].name",
        "village",
    ]
    assert "unknown field (expected only:" in str(error)
    assert "is required" in str(error)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{", "not valid JSON"),
        ("", "not valid JSON"),
        ('{"schema_version": 1,}', "not valid JSON"),
        ('{"schema_version": NaN}', "NaN is not allowed"),
        ('{"schema_version": Infinity}', "Infinity is not allowed"),
        ('{"schema_version": -Infinity}', "-Infinity is not allowed"),
        ('{"schema_version": 1, "schema_version": 1}', "appears twice"),
        ("[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1), "nests"),
        ('{"a": "' + "[" * 1000 + '"}', "schema_version"),  # brackets in text do not count
        ('{"schema_version": 1' + "0" * 5000 + "}", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ("null", "must be a JSON object"),
        ("{}", "schema_version: is required"),
    ],
)
def test_bad_text(text: str, says: str) -> None:
    assert says in str(rejects(text))


def test_huge_and_deep_input() -> None:
    assert "bytes" in str(rejects(b" " * (MAX_DOCUMENT_BYTES + 1)))
    assert "characters" in str(rejects(" " * (MAX_DOCUMENT_BYTES + 1)))
    deep = '{"schema_version": 1, "parents": ' + "[" * 10_000 + "]" * 10_000 + "}"
    assert "nests 10001 levels" in str(rejects(deep))
    assert "not UTF-8" in str(rejects(b'{"a": "\xff"}'))


def test_larger_documents_are_fine() -> None:
    h = sample_household()
    many = attrs.evolve(h, deposits=h.deposits * MAX_DEPOSITS)
    assert loads(dumps(many), Household) == many


def test_structure_of_pieces_lists_problems() -> None:
    with pytest.raises(InvalidInput) as caught:
        structure({"grade": [], "issued": "2005-02-30", "colour": 1}, Disability)
    assert sorted(p.path for p in caught.value.problems) == ["colour", "grade", "issued"]
    assert_clean(caught.value)
    with pytest.raises(InvalidInput):
        parse_json("{'single': 1}")


# every bad field is listed ---------------------------------------------------------------

ALWAYS_REQUIRED = {
    "schema_version", "household_id", "village", "parents", "name", "sex", "birth_date",
    "hukou", "residence", "township", "grade", "issued", "kind", "number", "amount", "paid",
    "granted", "spouses", "on", "benefit", "parent", "confirmed",
}  # fmt: skip


CHILD_LINK = re.compile(r"children\[\d+\]\.parents")


def leaves(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar in a JSON document with its fpcore path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, f"{path}.{key}" if path else key)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, f"{path}[{index}]")
    else:
        yield path, data


def objects(data: Any, path: str = "") -> Iterator[str]:
    """The path of every JSON object in a document."""
    if isinstance(data, dict):
        yield path
        for key, value in data.items():
            yield from objects(value, f"{path}.{key}" if path else key)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from objects(value, f"{path}[{index}]")


def locate(doc: Any, path: str) -> tuple[Any, str | int]:
    *parents, last = _steps(path)
    target = doc
    for step in parents:
        target = target[step]
    return target, last


@HEAVY
@given(fst.households(), st.data())
def test_errors_list_every_bad_field(h: Household, data: st.DataObject) -> None:
    doc = to_document(h)
    # a child's null "parents" is every parent: [1] may well be a valid link
    scalar_paths = [path for path, _ in leaves(doc) if not CHILD_LINK.fullmatch(path)]
    object_paths = list(objects(doc))
    chosen = data.draw(
        st.lists(st.sampled_from(scalar_paths), min_size=1, max_size=6, unique=True),
        label="corrupted fields",
    )
    expected = []
    for path in chosen:
        target, key = locate(doc, path)
        deletable = isinstance(key, str) and key in ALWAYS_REQUIRED and "].parents" not in path
        if deletable and data.draw(st.booleans(), label=f"delete {path}"):
            del target[key]
        else:
            target[key] = data.draw(st.sampled_from([[], [1]]), label=f"value at {path}")
        expected.append(path)
    extra_at = data.draw(
        st.lists(st.sampled_from(object_paths), max_size=3, unique=True), label="extra keys"
    )
    for path in extra_at:
        target = doc
        if path:
            parent, key = locate(doc, path)
            target = parent[key]
        target["colour"] = "red"
        expected.append(f"{path}.colour" if path else "colour")
    error = rejects(json.dumps(doc, ensure_ascii=False))
    assert sorted(p.path for p in error.problems) == sorted(expected)
