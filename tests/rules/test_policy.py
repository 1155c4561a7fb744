"""Policies: validation, content hash, reforms as values, diffs, settings."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from fpcore.errors import InvalidInput, UnknownName
from fpcore.money import Money
from fpcore.periods import Month
from fpcore.rules import Citation, Policy, diff, param

from .domain import OCR, POLICY, RA, SA, Child, Household, Person

REFORM = Citation(document="County reform 2013")


def _couple() -> Household:
    return Household(
        id=1,
        persons=(
            Person(id=1, birth=pendulum.Date(1950, 1, 1), rural=True),
            Person(id=2, birth=pendulum.Date(1952, 1, 1), rural=True),
        ),
        children=(Child(birth=pendulum.Date(1990, 6, 15), boy=True),),
        certificate=pendulum.Date(1991, 1, 1),
    )


def test_hash_is_stable_and_content_based() -> None:
    again = attrs.evolve(POLICY)
    assert again.content_hash == POLICY.content_hash
    assert POLICY.content_hash.startswith("sha256:")
    assert POLICY.with_identity(version="2").content_hash == POLICY.content_hash
    assert POLICY.without_rule("CERT").content_hash != POLICY.content_hash


def test_with_parameter_is_a_new_value() -> None:
    ra = POLICY.parameters["reward_assistance.annual"]
    raised = ra.with_value(pendulum.Date(2013, 1, 1), Money(1200), REFORM)
    reform = POLICY.with_parameter(raised)
    month = Month(year=2013, month=6)
    assert POLICY.parameters["reward_assistance.annual"] is ra
    assert POLICY.evaluate(_couple(), month).total("reward_assistance") == Money(160)
    assert reform.evaluate(_couple(), month).total("reward_assistance") == Money(200)
    assert reform.content_hash != POLICY.content_hash
    changes = diff(POLICY, reform)
    assert [str(c) for c in changes.parameters] == [
        "reward_assistance.annual from 2012-01-01: 960.00 -> 960.00 until 2012-12-31",
        "reward_assistance.annual from 2013-01-01: - -> 1200.00",
    ]
    assert not changes.rules_changed
    assert not changes.settings


def test_with_setting_changes_the_last_month_paid() -> None:
    household = _couple()
    birthday_month = Month(year=2008, month=6)  # the child turns 18
    assert POLICY.evaluate(household, birthday_month).total("only_child_reward") == Money(10)
    before = POLICY.with_setting("only_child_reward_last_month", "month_before")
    assert before.evaluate(household, birthday_month).total("only_child_reward") == Money(0)
    assert POLICY.setting_values == {}
    assert diff(POLICY, before).settings == (
        ("only_child_reward_last_month", "birthday_month", "month_before"),
    )
    with pytest.raises(InvalidInput, match="not one of"):
        POLICY.with_setting("only_child_reward_last_month", "never")
    with pytest.raises(UnknownName):
        POLICY.with_setting("nope", "x")


def test_replace_and_remove_rules() -> None:
    richer = attrs.evolve(RA, outcome=param("reward_assistance.annual") / 10)
    reform = POLICY.replace_rule(richer).without_rule("SA")
    assert POLICY.rule("RA") is RA
    assert POLICY.rule("SA") is SA
    changes = diff(POLICY, reform)
    assert changes.rules_changed == ("RA",)
    assert changes.rules_removed == ("SA",)
    assert diff(reform, POLICY).rules_added == ("SA",)
    assert diff(POLICY, POLICY).is_empty
    assert "rule changed RA" in str(changes)
    with pytest.raises(UnknownName, match="known: CERT, OCR, RA, SA"):
        POLICY.without_rule("NOPE")


def test_policy_validation_lists_every_problem() -> None:
    bad = attrs.evolve(OCR, id="RA", outcome=param("missing.parameter"))
    with pytest.raises(InvalidInput) as info:
        POLICY.with_rule(bad)
    text = str(info.value)
    assert "rule ids repeat" in text
    assert "unknown parameter 'missing.parameter'" in text
    wrong_kind = attrs.evolve(OCR, id="W", outcome=param("reward_assistance.birth_year_from"))
    with pytest.raises(InvalidInput, match="is int, used as money"):
        POLICY.with_rule(wrong_kind)


def test_policy_equality() -> None:
    assert attrs.evolve(POLICY) == POLICY
    assert POLICY.with_identity(version="2") != POLICY
    assert isinstance(POLICY, Policy)
    assert sorted(POLICY.facts) == [
        "household.adult_month",
        "household.boys_born",
        "household.certificate_month",
        "household.children_born",
        "household.living_children",
        "household.living_disabled",
        "household.quota_waived",
        "household.rural_couple",
        "person.age",
        "person.birth_year",
    ]
