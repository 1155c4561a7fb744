"""The decision document's JSON Schema holds for real decisions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import fpcore.policies as policies
from fpcore.model import Household, sample_household
from fpcore.periods import Period, parse_period
from fpcore.rules import Decision
from fpcore.rules._decision import SCHEMA_VERSION as DECISION_SCHEMA_VERSION
from fpcore.serialization import decision_schema
from fpcore.testing import strategies as fst

SCHEMA = decision_schema()
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(document: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["schema_version"] == {"const": DECISION_SCHEMA_VERSION}


@pytest.mark.parametrize("policy_id", policies.list_policies())
@pytest.mark.parametrize("period", ["2008", "2017Q2", "2012-03", "2006-11..2009-02"])
@pytest.mark.parametrize("explain", [False, True])
def test_sample_decisions_validate(policy_id: str, period: str, explain: bool) -> None:
    decision = policies.get(policy_id).evaluate(
        sample_household(), parse_period(period), explain=explain
    )
    document = decision.to_dict()
    assert _errors(document) == []
    assert Decision.from_dict(document) == decision


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fst.households(),
    st.sampled_from(policies.list_policies()),
    fst.periods(min_year=2000, max_year=2030),
    st.booleans(),
)
def test_generated_decisions_validate(
    household: Household, policy_id: str, period: Period, explain: bool
) -> None:
    if period.month_count > 36:
        period = period.first_month
    decision = policies.get(policy_id).evaluate(household, period, explain=explain)
    assert _errors(decision.to_dict()) == []


def test_schema_refuses_a_float_amount() -> None:
    document = policies.get("county").evaluate(sample_household(), parse_period("2008")).to_dict()
    document["entitlements"][0]["total"] = 240.0
    assert _errors(document)
