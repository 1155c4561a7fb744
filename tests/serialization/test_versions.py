"""Tests for document versions: version 1 migrated, version 2 written, the event document."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from fpcore.errors import InvalidInput
from fpcore.model import (
    Household,
    MaritalStatus,
    Marriage,
    MarriageEnd,
    household_events,
    sample_history,
    sample_household,
)
from fpcore.serialization import (
    READABLE_VERSIONS,
    SCHEMA_VERSION,
    HouseholdEvents,
    dumps,
    dumps_events,
    events_document,
    from_document,
    json_schema,
    loads,
    loads_events,
    loads_household,
    migrate_household_v1,
    structure,
    to_document,
    v1_path,
)
from fpcore.testing import strategies as fst

D = pendulum.Date
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
HEAVY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
V1_SCHEMA = Draft202012Validator(json_schema(Household, version=1))
V2_SCHEMA = Draft202012Validator(json_schema(Household))
EVENTS_SCHEMA = Draft202012Validator(json_schema(HouseholdEvents))


def problems(build: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        build()
    assert caught.value.__cause__ is None
    return [(p.path, p.message) for p in caught.value.problems]


def v1_sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "household-v1.json").read_text("utf-8"))
    return data


# the versions ------------------------------------------------------------------------------


def test_versions() -> None:
    assert SCHEMA_VERSION == 2
    assert READABLE_VERSIONS == (1, 2)
    assert json.loads(dumps(sample_household()))["schema_version"] == 2


def test_the_examples() -> None:
    text = (EXAMPLES / "household.json").read_text("utf-8")
    assert json.loads(text)["schema_version"] == 2
    assert loads(text, Household) == sample_history()
    assert text == dumps(sample_history()) + "\n"
    events = (EXAMPLES / "household-events.json").read_text("utf-8")
    assert loads_events(events) == sample_history()
    assert events == dumps_events(sample_history()) + "\n"
    old = (EXAMPLES / "household-v1.json").read_text("utf-8")
    assert json.loads(old)["schema_version"] == 1
    assert loads(old, Household) == sample_household()
    V1_SCHEMA.validate(json.loads(old))
    V2_SCHEMA.validate(json.loads(text))
    EVENTS_SCHEMA.validate(json.loads(events))
    for document in (text, events, old):
        assert loads_household(document) in (sample_history(), sample_household())


# version 1 documents -----------------------------------------------------------------------


@HEAVY
@given(fst.households(snapshot=True))
def test_a_v1_document_and_its_migration_give_equal_households(h: Household) -> None:
    doc = fst.v1_document(h)
    V1_SCHEMA.validate(doc)
    kept = copy.deepcopy(doc)
    migrated = migrate_household_v1(doc)
    assert doc == kept  # a pure function: the input is not changed
    assert migrated["schema_version"] == 2
    V2_SCHEMA.validate(migrated)
    from_v1 = loads(json.dumps(doc), Household)
    assert from_v1 == h
    assert from_document(migrated, Household) == from_v1
    assert loads(dumps(from_v1), Household) == from_v1
    assert json.loads(dumps(from_v1)) == json.loads(dumps(from_document(migrated, Household)))
    assert migrate_household_v1(kept) == migrated  # and the same every time


def test_what_a_v1_marital_status_becomes() -> None:
    doc = v1_sample()
    assert migrate_household_v1(doc)["marriages"] == [{"spouses": [0, 1], "married": "1997-10-01"}]
    single = {**doc, "parents": doc["parents"][:1], "marital_status": "divorced"}
    single["status_since"] = "2003-04-05"
    h = loads(json.dumps(single), Household)
    assert h.marriages == (
        Marriage(
            spouses=(0,), married=D(1997, 10, 1), ended=D(2003, 4, 5), end=MarriageEnd.DIVORCE
        ),
    )
    assert h.marital_status_on(D(2003, 4, 4)) is MaritalStatus.MARRIED
    assert h.marital_status is MaritalStatus.DIVORCED


def test_a_v1_widowed_parent_without_a_date() -> None:
    doc = {**v1_sample(), "marital_status": "widowed", "status_since": None}
    doc["parents"] = doc["parents"][:1]
    h = loads(json.dumps(doc), Household)
    (marriage,) = h.marriages
    assert (marriage.ended, marriage.end) == (None, MarriageEnd.DEATH)
    # widowed on every day after the wedding, as the version 1 snapshot read it
    for day in (D(1997, 10, 1), D(2005, 1, 1), D(2030, 1, 1)):
        assert h.marital_status_on(day) is MaritalStatus.WIDOWED
    assert loads(dumps(h), Household) == h
    assert loads_events(dumps_events(h)) == h


def test_v1_children_hukou_and_disability() -> None:
    doc = v1_sample()
    doc["children"][0]["disability"] = {
        "grade": 2,
        "issued": "2005-01-01",
        "recovered": "2009-01-01",
        "certificate_number": None,
    }
    h = loads(json.dumps(doc), Household)
    (disability,) = h.children[0].disabilities
    assert disability.cancelled == D(2009, 1, 1)
    assert h.children[0].parents is None
    assert all(p.hukou_changes == () for p in h.parents)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"marital_status": "single"}, ["marital_status"]),
        ({"marital_status": "widowed"}, ["parents"]),
        ({"status_since": "2001-01-01"}, ["status_since"]),
        ({"married": "1997-02-30"}, ["married"]),
        ({"married": "1960-01-01"}, ["married", "married"]),
        ({"marriages": []}, ["marriages"]),  # a version 2 field in a version 1 document
        ({"colour": "red"}, ["colour"]),
    ],
)
def test_v1_problems_are_named_by_v1_paths(change: dict[str, Any], expected: list[str]) -> None:
    doc = {**v1_sample(), **change}
    found = problems(lambda: loads(json.dumps(doc), Household))
    assert [path for path, _ in found] == expected


def test_v1_widowed_problems_by_v1_paths() -> None:
    doc = {**v1_sample(), "marital_status": "widowed", "status_since": "1990-01-01"}
    doc["parents"] = doc["parents"][:1]
    doc["parents"][0]["hukou_changes"] = []
    doc["children"][0]["disability"] = {
        "grade": 7,
        "issued": "2005-01-01",
        "recovered": "2004-01-01",
    }
    found = problems(lambda: loads(json.dumps(doc), Household))
    assert [path for path, _ in found] == [
        "parents[0].hukou_changes",
        "status_since",
        "children[0].disability.grade",
        "children[0].disability.recovered",
    ]


def test_migrate_refuses_what_v1_refused() -> None:
    assert problems(lambda: migrate_household_v1({"schema_version": 2})) == [
        ("schema_version", "2 is not 1 (this migrates version 1)")
    ]
    assert [p for p, _ in problems(lambda: migrate_household_v1({"parents": [{}, {}, {}]}))] == [
        "parents"
    ]


def test_v1_paths() -> None:
    assert v1_path("marriages[0].married") == "married"
    assert v1_path("marriages[0].ended") == "status_since"
    assert v1_path("children[3].disabilities[0].grade") == "children[3].disability.grade"
    assert v1_path("parents[1].name") == "parents[1].name"
    assert v1_path("x.marriages[0].married", "x") == "x.married"
    assert v1_path("y.marriages[0].married", "x") == "y.marriages[0].married"


@attrs.frozen(kw_only=True)
class Envelope:
    """Another application's document with a household inside."""

    note: str
    household: Household
    others: tuple[Household, ...] = ()


def test_an_embedded_v1_household_is_migrated() -> None:
    inner, other = v1_sample(), v1_sample()
    del inner["schema_version"], other["schema_version"]
    doc: dict[str, Any] = {"schema_version": 1, "note": "x", "household": inner, "others": [other]}
    envelope = from_document(doc, Envelope)
    assert envelope.household == sample_household() == envelope.others[0]
    assert to_document(envelope)["schema_version"] == 2
    inner["status_since"] = "2001-01-01"
    inner["married"] = "x"
    assert [p for p, _ in problems(lambda: from_document(doc, Envelope))] == [
        "household.status_since",
        "household.married",
    ]


def test_an_old_application_document_migrates_and_names_the_policy_it_cannot_check() -> None:
    from fpcore.workflows._json import application_from_json

    text = (DATA / "application-v1.json").read_text("utf-8")
    data = json.loads(text)
    assert data["schema_version"] == 1
    # the household inside is migrated to the history it meant
    household = structure(migrate_household_v1(data["household"]), Household)
    assert household.marriages == (Marriage(spouses=(0, 1), married=D(1978, 1, 10)),)
    # its checks were made under the 0.1 county policy, which 0.2 no longer has: loading
    # re-derives every check (a forged trail must not load), so it says which policy
    with pytest.raises(InvalidInput, match="not known here"):
        application_from_json(text)


# the event document ------------------------------------------------------------------------


@HEAVY
@given(fst.households())
def test_event_documents_round_trip(h: Household) -> None:
    text = dumps_events(h)
    assert loads_events(text) == h
    assert loads_household(text) == h
    data = json.loads(text)
    EVENTS_SCHEMA.validate(data)
    assert "null" not in text
    assert list(data) == ["schema_version", "household_id", "village", "events"]
    assert len(data["events"]) == len(household_events(h))
    body = from_document(data, HouseholdEvents)
    assert body.events == household_events(h)


def test_event_document_shape() -> None:
    doc = events_document(sample_history())
    assert doc["events"][0] == {
        "on": "1968-08-08",
        "kind": "birth",
        "who": ["p1"],
        "person": {
            "name": "王建国",
            "sex": "male",
            "birth_date": "1968-08-08",
            "hukou": "rural",
            "residence": {"township": "371121100", "village": "371121100201"},
            "resident_id": "371121196808080373",
        },
    }
    kinds = [e["kind"] for e in doc["events"]]
    assert "hukou_change" in kinds
    assert "spouse_death" in kinds
    assert "disability_cancelled" in kinds
    assert "eligibility_confirmed" in kinds


def _events_doc(**changes: Any) -> str:
    doc = events_document(sample_household())
    doc.update(changes)
    return json.dumps(doc, ensure_ascii=False)


def test_bad_event_documents_name_the_path() -> None:
    doc = events_document(sample_household())
    doc["events"][2], doc["events"][3] = doc["events"][3], doc["events"][2]
    assert [p for p, _ in problems(lambda: loads_events(json.dumps(doc)))] == ["events[3].on"]
    doc = events_document(sample_household())
    doc["events"][0]["kind"] = "born"
    doc["events"][1]["on"] = "1970-02-30"
    doc["events"][2]["colour"] = "red"
    assert [p for p, _ in problems(lambda: loads_events(json.dumps(doc)))] == [
        "events[0].kind",
        "events[1].on",
        "events[2].colour",
    ]
    doc = events_document(sample_household())
    doc["events"].append({"on": "2030-01-01", "kind": "death", "who": ["p0"]})
    doc["events"].append({"on": "2031-01-01", "kind": "hukou_change", "who": ["p0"],
                          "item": 0, "hukou": "urban"})  # fmt: skip
    assert problems(lambda: loads_events(json.dumps(doc))) == [
        ("events[11].on", "2031-01-01 is after the death of p0 (2030-01-01)")
    ]


def test_event_documents_start_at_version_2() -> None:
    assert problems(lambda: loads_events(_events_doc(schema_version=1))) == [
        ("schema_version", "1 is not supported (expected 2)")
    ]
    assert [p for p, _ in problems(lambda: loads_events(_events_doc(events={})))] == ["events"]
    assert [p for p, _ in problems(lambda: loads_household("[]"))] == [""]


# the schemas -------------------------------------------------------------------------------


def test_the_schemas() -> None:
    v1, v2 = json_schema(Household, version=1), json_schema(Household)
    events = json_schema(HouseholdEvents)
    for schema in (v1, v2, events):
        Draft202012Validator.check_schema(schema)
    assert v1["properties"]["schema_version"] == {"const": 1}
    assert "marital_status" in v1["properties"]
    assert "marriages" in v2["properties"]
    assert events["required"] == [
        "schema_version",
        "household_id",
        "village",
        "events",
    ]
    assert not V1_SCHEMA.is_valid(to_document(sample_household()))
    assert not V2_SCHEMA.is_valid(v1_sample())
    with pytest.raises(ValueError, match="version 1"):
        json_schema(HouseholdEvents, version=1)


# bad histories in JSON: InvalidInput naming the path ---------------------------------------


def _history_doc() -> dict[str, Any]:
    return to_document(sample_history())


def _overlap(doc: dict[str, Any]) -> None:
    doc["marriages"][0]["ended"] = "1998-01-01"  # the father's first marriage: not over


def _divorce_first(doc: dict[str, Any]) -> None:
    doc["marriages"][0]["ended"] = "1989-01-01"


def _hukou_before_birth(doc: dict[str, Any]) -> None:
    doc["parents"][0]["hukou_changes"][0]["on"] = "1969-12-31"


def _returned_before_issue(doc: dict[str, Any]) -> None:
    doc["certificates"][1]["returned"] = "2000-03-14"


def _cancelled_before_issue(doc: dict[str, Any]) -> None:
    doc["children"][0]["disabilities"][0]["cancelled"] = "2005-03-31"


def _confirmed_after_death(doc: dict[str, Any]) -> None:
    doc["parents"][0]["death_date"] = "2015-01-01"


def _changes_out_of_order(doc: dict[str, Any]) -> None:
    doc["parents"][0]["hukou_changes"].append({"on": "2008-01-01", "hukou": "rural"})


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (_overlap, ["marriages[1].married"]),
        (_divorce_first, ["marriages[0].ended"]),
        (_hukou_before_birth, ["parents[0].hukou_changes[0].on"]),
        (_returned_before_issue, ["certificates[1].returned"]),
        (_cancelled_before_issue, ["children[0].disabilities[0].cancelled"]),
        (_confirmed_after_death, ["confirmations[0].confirmed"]),
        (_changes_out_of_order, ["parents[0].hukou_changes[1].on"]),
    ],
)
def test_bad_histories_in_json_name_the_path(spoil: Any, expected: list[str]) -> None:
    doc = _history_doc()
    spoil(doc)
    text = json.dumps(doc, ensure_ascii=False)
    assert [p for p, _ in problems(lambda: loads(text, Household))] == expected
    assert [p for p, _ in problems(lambda: loads_household(text))] == expected
