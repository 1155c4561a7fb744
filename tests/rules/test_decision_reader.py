"""Reading decisions back: strict types, guarded JSON, every problem by path (issue 14, item 7)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest

from fpcore.errors import InvalidInput
from fpcore.periods import Month, Year
from fpcore.rules import Decision

from .domain import POLICY, Child, Household, Person


def _decision(year: int = 2012) -> Decision:
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
    return POLICY.evaluate(household, Year(year=year), explain=True)


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
        (["values", 0, 1], 1.5, "values[0][1]"),
        (["values", 0, 0], 999, "values[0][0]"),
        (["explanations", 0, "values", 0], 999, "explanations[0].values[0]"),
        (["expressions", 0], 5, "expressions[0]"),
        (["expressions", 0], [0], "expressions[0][0]"),
        (["parameters"], {}, "parameters"),
        (["stamp", "input_hash"], 5, "stamp.input_hash"),
        (["entitlements", 0, "beneficiary_id"], [1], "entitlements[0].beneficiary_id"),
        (["entitlements", 0, "beneficiary_id"], True, "entitlements[0].beneficiary_id"),
        (["entitlements", 0, "entity"], "nobody", "entitlements[0].entity"),
        (["rules", "OCR", "entity"], "nobody", "rules.OCR.entity"),
        (["entitlements", 0, "monthly", 0, "amount"], "9999.00", "entitlements[0].total"),
        (["entitlements", 0, "monthly", 0, "amount"], "1e3", "entitlements[0].monthly[0].amount"),
        (["entitlements", 0, "monthly", 0, "first"], None, "entitlements[0].monthly[0].first"),
        (["entitlements", 0, "monthly", 0, "last"], "9999-12", "entitlements[0].monthly[0]"),
        (["entitlements", 0, "monthly", 0], "2012-01", "entitlements[0].monthly[0]"),
        (["explanations", 0, "in_force"], 1, "explanations[0].in_force"),
        (["explanations", 0, "first"], "2012-13", "explanations[0].first"),
        (["explanations", 0, "rank"], -1, "explanations[0].rank"),
        (["explanations", 0, "rule_id"], "XYZ", "explanations[0].rule_id"),
        (["explanations", 0, "conditions"], None, "explanations[0].conditions"),
        (["explanations", 0, "conditions"], "tq", "explanations[0].conditions"),
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
    data["explanations"][0]["conditions"] += "t"
    assert "explanations[0].conditions" in [p.path for p in _refused(data).problems]


def test_an_expression_refers_only_to_an_earlier_one() -> None:
    data = DECISION.to_dict()
    data["expressions"].append(["(", len(data["expressions"]), ")"])
    where = f"expressions[{len(data['expressions']) - 1}][1]"
    assert where in [p.path for p in _refused(data).problems]


def test_an_expression_may_not_expand_without_bound() -> None:
    data = DECISION.to_dict()
    data["expressions"].append("x" * 1000)
    for _ in range(8):
        n = len(data["expressions"]) - 1
        data["expressions"].append([n, n, n, n, n, n, n, n])
    assert any("expands to more than" in p.message for p in _refused(data).problems)


DATA = Path(__file__).parent / "data"


def test_a_version_2_document_still_reads() -> None:
    """Written by fpcore 0.2.0 (schema 2): reads to the same decision, no input hash."""
    text = (DATA / "decision-v2-explained.json").read_text(encoding="utf-8")
    read = Decision.from_json(text)
    assert read.stamp.input_hash is None
    now = _decision(2011)
    assert attrs.evolve(read, stamp=attrs.evolve(read.stamp, fpcore_version="x")) == attrs.evolve(
        now, stamp=attrs.evolve(now.stamp, fpcore_version="x", input_hash=None)
    )
    assert json.loads(read.to_json())["schema_version"] == 3


def test_a_span_of_the_trace_expands_to_its_months() -> None:
    data = DECISION.to_dict()
    assert len(data["explanations"]) < len(DECISION.explanations) / 6
    data["explanations"][0]["last"] = "9999-12"
    assert "explanations[0]" in [p.path for p in _refused(data).problems]


def test_month_parse_refuses_non_text() -> None:
    with pytest.raises(InvalidInput):
        Month.parse(None)  # type: ignore[arg-type]
