"""Reading decisions back: strict types, guarded JSON, every problem by path (issue 14, item 7)."""

from __future__ import annotations

import json
from typing import Any

import pendulum
import pytest

from fpcore.errors import InvalidInput
from fpcore.periods import Month, Year
from fpcore.rules import Decision

from .domain import POLICY, Child, Household, Person


def _decision() -> Decision:
    household = Household(
        id=7,
        persons=(
            Person(id=70, birth=pendulum.Date(1950, 3, 4), rural=True),
            Person(id=71, birth=pendulum.Date(1953, 2, 28), rural=True),
        ),
        children=(
            Child(birth=pendulum.Date(1980, 5, 1), boy=True, died=pendulum.Date(2005, 1, 1)),
        ),
        certificate=pendulum.Date(1981, 1, 1),
    )
    return POLICY.evaluate(household, Year(year=2012), explain=True)


DECISION = _decision()


def _refused(data: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        Decision.from_dict(data)
    return caught.value


def test_round_trip() -> None:
    assert DECISION.entitlements
    assert DECISION.explanations
    assert Decision.from_json(DECISION.to_json()) == DECISION
    assert Decision.from_json(DECISION.to_json().encode()) == DECISION


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[]", "expected a decision document"),
        ("[" * 10_000 + "]" * 10_000, "nests 10000 levels"),
        ("{not json", "not valid JSON"),
        ('{"schema_version": NaN}', "NaN is not allowed"),
        ('{"a": 1, "a": 2}', "appears twice"),
        (b"\xff\xfe", "not UTF-8"),
        ("1" * (9 * 1024 * 1024), "at most"),
    ],
)
def test_from_json_is_guarded(text: str | bytes, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        Decision.from_json(text)


def _with(path: list[str | int], value: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DECISION.to_json())
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (["explanations", 0, "values", 0, 1], 1.5, "explanations[0].values[0][1]"),
        (["entitlements", 0, "beneficiary_id"], [1], "entitlements[0].beneficiary_id"),
        (["entitlements", 0, "beneficiary_id"], True, "entitlements[0].beneficiary_id"),
        (["entitlements", 0, "entity"], "nobody", "entitlements[0].entity"),
        (["rules", "OCR", "entity"], "nobody", "rules.OCR.entity"),
        (["entitlements", 0, "monthly", 0, 1], "9999.00", "entitlements[0].total"),
        (["entitlements", 0, "monthly", 0, 1], "1e3", "entitlements[0].monthly[0][1]"),
        (["entitlements", 0, "monthly", 0, 0], None, "entitlements[0].monthly[0][0]"),
        (["entitlements", 0, "monthly", 0], "2012-01", "entitlements[0].monthly[0]"),
        (["explanations", 0, "in_force"], 1, "explanations[0].in_force"),
        (["explanations", 0, "first"], "2012-13", "explanations[0].first"),
        (["explanations", 0, "rank"], -1, "explanations[0].rank"),
        (["explanations", 0, "rule_id"], "XYZ", "explanations[0].rule_id"),
        (["explanations", 0, "conditions", 0], None, "explanations[0].conditions[0]"),
        (["explanations", 0, "conditions", 0], "maybe", "explanations[0].conditions"),
        (["rules", "OCR", "citations", 0], "a law", "rules.OCR.citations[0]"),
        (["rules", "OCR", "citations", 0], 99, "rules.OCR.citations[0]"),
        (["sources", 0, "document"], 7, "sources[0].document"),
        (["stamp", "period"], "٢٠١٢", "stamp.period"),
        (["stamp", "policy_hash"], 5, "stamp.policy_hash"),
        (["stamp", "colour"], "red", "stamp.colour"),
        (["schema_version"], True, "schema_version"),
        (["entitlements"], {}, "entitlements"),
    ],
)
def test_from_dict_checks_every_type(path: list[str | int], value: Any, where: str) -> None:
    error = _refused(_with(path, value))
    assert where in [p.path for p in error.problems], str(error)


def test_every_problem_is_listed() -> None:
    data = _with(["entitlements", 0, "entity"], "nobody")
    data["explanations"][0]["applied"] = "yes"
    data["stamp"].pop("policy_id")
    paths = {p.path for p in _refused(data).problems}
    assert paths >= {"entitlements[0].entity", "explanations[0].applied", "stamp.policy_id"}


def test_more_condition_values_than_the_rule_has_conditions() -> None:
    data = DECISION.to_dict()
    data["explanations"][0]["conditions"].append("true")
    assert "explanations[0].conditions[2]" in [p.path for p in _refused(data).problems]


def test_a_span_of_the_trace_expands_to_its_months() -> None:
    data = DECISION.to_dict()
    assert len(data["explanations"]) < len(DECISION.explanations) / 6
    data["explanations"][0]["last"] = "9999-12"
    assert "explanations[0]" in [p.path for p in _refused(data).problems]


def test_month_parse_refuses_non_text() -> None:
    with pytest.raises(InvalidInput):
        Month.parse(None)  # type: ignore[arg-type]
