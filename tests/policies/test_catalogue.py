"""Catalogue checks: citations, parameter timelines, coverage by date, named versions.

These hold for every named policy of :mod:`fpcore.policies`; a new rule or parameter
value that breaks one of them is caught here before any worked case runs.
"""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fpcore.policies as policies
from fpcore.errors import (
    ConflictingOutcomes,
    EmptyOutcome,
    FpcoreError,
    InvalidInput,
    UnknownName,
)
from fpcore.model import Household
from fpcore.periods import Month, MonthSpan, Year
from fpcore.policies import only_child_reward, reward_assistance
from fpcore.rules import Policy, Rule, diff
from fpcore.testing.strategies import households

POLICY_IDS = ("county", "national", "shandong")
LAST_MONTH = Month(year=2030, month=12)


def _policy(policy_id: str) -> Policy:
    return policies.get(policy_id)


def _rules() -> list[tuple[str, Rule]]:
    return [(pid, rule) for pid in POLICY_IDS for rule in _policy(pid).rules]


def _months_in_force(rule: Rule) -> list[Month]:
    first = Month.of(rule.effective_from)
    if rule.effective_from.day != 1:  # in force from the first day of the next month
        first = first + 1
    last = LAST_MONTH
    if rule.effective_until is not None:
        last = min(last, Month.of(rule.effective_until))
    return [Month.from_index(i) for i in range(first.index, last.index + 1)]


# --- the named versions ----------------------------------------------------------------


def test_list_names_the_three_versions() -> None:
    assert policies.list() == list(POLICY_IDS)
    assert policies.list_policies() == list(POLICY_IDS)


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_get_returns_the_named_policy_once_built(policy_id: str) -> None:
    policy = policies.get(policy_id)
    assert policy.id == policy_id
    assert policy.title
    assert policies.get(policy_id) is policy


def test_an_unknown_policy_is_an_unknown_name() -> None:
    with pytest.raises(UnknownName, match="unknown policy 'atlantis'; known: county, national"):
        policies.get("atlantis")
    with pytest.raises(KeyError):  # UnknownName is also the builtin callers catch
        policies.get("")


# --- citations ----------------------------------------------------------------------------


@pytest.mark.parametrize(("policy_id", "rule"), _rules(), ids=lambda v: getattr(v, "id", v))
def test_every_rule_cites_its_legal_basis(policy_id: str, rule: Rule) -> None:
    assert rule.citations, f"{policy_id}: rule {rule.id} has no citation"
    for citation in rule.citations:
        assert citation.document.strip(), f"{policy_id}: rule {rule.id} cites no document"
    for exception in rule.exceptions:
        if exception.citation is not None:
            assert exception.citation.document.strip()


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_every_parameter_value_cites_a_document(policy_id: str) -> None:
    missing = [
        f"{name} from {value.start}"
        for name, parameter in _policy(policy_id).parameters.items()
        for value in parameter.values
        if not value.citation.document.strip()
    ]
    assert not missing


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_every_parameter_is_described(policy_id: str) -> None:
    undescribed = [n for n, p in _policy(policy_id).parameters.items() if not p.description]
    assert not undescribed


# --- parameter timelines ----------------------------------------------------------------


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_no_parameter_has_unordered_or_overlapping_periods(policy_id: str) -> None:
    problems: list[str] = []
    for name, parameter in _policy(policy_id).parameters.items():
        assert parameter.values, f"{name} has no value"
        for value in parameter.values:
            if value.until is not None and value.until < value.start:
                problems.append(f"{name}: {value.start} ends before it starts ({value.until})")
        for earlier, later in zip(parameter.values, parameter.values[1:], strict=False):
            if later.start <= earlier.start:
                problems.append(f"{name}: {later.start} is not after {earlier.start}")
            elif earlier.until is not None and earlier.until >= later.start:
                problems.append(f"{name}: {earlier.start}..{earlier.until} overlaps {later.start}")
    assert not problems


@pytest.mark.parametrize(("policy_id", "rule"), _rules(), ids=lambda v: getattr(v, "id", v))
def test_every_parameter_a_rule_uses_is_in_force_while_the_rule_is(
    policy_id: str, rule: Rule
) -> None:
    policy = _policy(policy_id)
    gaps: list[str] = []
    for name in policy.parameters_of(rule):
        parameter = policy.parameters[name]
        for month in _months_in_force(rule):
            try:
                parameter.at(month.start)
            except FpcoreError as error:
                gaps.append(f"{name} in {month}: {error}")
                break
    assert not gaps


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_evaluating_every_month_to_2030_needs_no_missing_value(policy_id: str) -> None:
    from fpcore.model import sample_household

    span = MonthSpan(first=Month(year=2002, month=9), last=LAST_MONTH)
    decision = _policy(policy_id).evaluate(sample_household(), span)
    assert decision.total() >= decision.total("only_child_reward")


# --- what differs between the versions ----------------------------------------------------


def test_shandong_differs_from_national_by_the_ra_start_and_the_2017_values() -> None:
    national, shandong = policies.get("national"), policies.get("shandong")
    change = diff(national, shandong)
    assert change.rules_changed == ("RA",)
    assert change.rules_added == change.rules_removed == ()
    assert national.rule("RA").effective_from == pendulum.Date(2004, 1, 1)
    assert shandong.rule("RA").effective_from == pendulum.Date(2006, 1, 1)
    new_values = {c.name: c.new for c in change.parameters if c.start == "2017-01-01"}
    assert new_values == {
        "reward_assistance.annual": "960.00",
        "special_assistance.death.rural": "500.00",
        "special_assistance.death.urban": "500.00",
        "special_assistance.disability.rural": "400.00",
        "special_assistance.disability.urban": "400.00",
    }
    assert all(c.old is None for c in change.parameters if c.start == "2017-01-01")
    # every other change only closes the value before 2017 on 2016-12-31, unchanged
    for c in change.parameters:
        if c.start != "2017-01-01":
            assert c.name in new_values
            assert c.new == f"{c.old} until 2016-12-31", str(c)
    assert change.settings == (
        (reward_assistance.COMPLIANCE_WINDOW.name, "1973-2001", "since-1973"),
    )
    text = str(change)
    assert "rule changed RA" in text
    assert "reward_assistance.annual from 2017-01-01" in text


def test_the_county_adds_the_double_fee_and_the_funding_split() -> None:
    shandong, county = policies.get("shandong"), policies.get("county")
    change = diff(shandong, county)
    assert change.rules_changed == ("OCR",)
    assert change.settings == ()
    added = {c.name: c.new for c in change.parameters if c.old is None}
    assert added == {
        "funding.contraception.city": "2",
        "funding.contraception.county": "8",
        "only_child_reward.waiver_multiplier": "2",
    }
    assert all(c.old is None for c in change.parameters), "the county changes no Shandong value"
    assert county.rule("OCR") == only_child_reward.RULE_WITH_DOUBLE_FEE
    assert shandong.rule("OCR") == only_child_reward.RULE
    assert [e.label for e in county.rule("OCR").exceptions] == [only_child_reward.DOUBLE_FEE.label]
    assert not shandong.rule("OCR").exceptions
    national_to_county = diff(policies.get("national"), county)
    assert set(national_to_county.rules_changed) == {"OCR", "RA"}


def test_the_versions_hash_differently() -> None:
    hashes = {_policy(pid).content_hash for pid in POLICY_IDS}
    assert len(hashes) == len(POLICY_IDS)


# --- no conflicts or empty outcomes on generated households ------------------------------

_SETTING_VALUES = st.fixed_dictionaries(
    {s.name: st.sampled_from(s.choices) for s in policies.SETTINGS}
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    household=households(on=pendulum.Date(2024, 12, 31), max_children=3),
    year=st.integers(2002, 2030),
    policy_id=st.sampled_from(POLICY_IDS),
    chosen=_SETTING_VALUES,
)
def test_no_rule_conflicts_or_decides_nothing(
    household: Household, year: int, policy_id: str, chosen: dict[str, str]
) -> None:
    policy = _policy(policy_id)
    for name, value in chosen.items():
        policy = policy.with_setting(name, value)
    try:
        decision = policy.evaluate(household, Year(year=year))
    except (ConflictingOutcomes, EmptyOutcome) as error:  # pragma: no cover - a failure
        pytest.fail(f"{policy_id} {year}: {error}")
    explained = policy.evaluate(household, Month(year=year, month=6), explain=True)
    for trace in explained.explanations:
        if trace.applied:
            assert trace.outcome is not None
    assert decision.stamp.policy_id == policy_id


# --- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_every_setting_choice_builds_and_bad_ones_are_refused(policy_id: str) -> None:
    policy = _policy(policy_id)
    assert {s.name for s in policy.settings} == {s.name for s in policies.SETTINGS}
    for declared in policy.settings:
        assert declared.description
        for choice in declared.choices:
            assert (
                policy.with_setting(declared.name, choice).settings_in_force()[declared.name]
                == choice
            )
        with pytest.raises(InvalidInput):
            policy.with_setting(declared.name, "no-such-choice")
    with pytest.raises(UnknownName):
        policy.with_setting("no_such_setting", "x")
