"""Rules: validation, default logic with exceptions, conflicts and empty outcomes."""

from __future__ import annotations

import pendulum
import pytest

from fpcore.errors import ConflictingOutcomes, EmptyOutcome
from fpcore.money import Money
from fpcore.periods import Month
from fpcore.rules import Condition, Policy, Rule, RuleException, const

from .domain import (
    ADAPTER,
    LAW,
    PARAMETERS,
    Household,
    Person,
    age,
    certificate_month,
    quota_waived,
    to_population,
)

MONTH = Month(year=2012, month=3)
ISSUED = certificate_month.is_missing() == const(False)


def _rule(*exceptions: RuleException, outcome: Money | None = None) -> Rule:
    return Rule(
        id="X",
        title_zh="测试",
        title_en="Test",
        benefit="test",
        entity="household",
        citations=(LAW,),
        effective_from=pendulum.Date(2000, 1, 1),
        outcome=None if outcome is None else const(outcome),
        exceptions=exceptions,
    )


def _policy(rule: Rule) -> Policy:
    return Policy(id="t", version="1", rules=(rule,), parameters=PARAMETERS, adapter=ADAPTER)


def _household(waived: bool, certificate: bool) -> Household:
    return Household(
        id=0,
        persons=(Person(id=0, birth=pendulum.Date(1960, 1, 1), rural=True),),
        certificate=pendulum.Date(2001, 1, 1) if certificate else None,
        quota_waived=waived,
    )


TEN = RuleException(label="waived", when=quota_waived, outcome=const(Money(10)))
TWENTY = RuleException(label="certified", when=ISSUED, outcome=const(Money(20)))


def test_two_exceptions_at_one_priority_with_different_outcomes_conflict() -> None:
    policy = _policy(_rule(TEN, TWENTY, outcome=Money(1)))
    household = _household(waived=True, certificate=True)
    with pytest.raises(ConflictingOutcomes, match="rule X"):
        policy.evaluate(household, MONTH)
    with pytest.raises(ConflictingOutcomes, match="rule X"):
        policy.evaluate_table(to_population([household]), MONTH)


def test_same_outcome_is_no_conflict_and_priority_settles_it() -> None:
    same = RuleException(label="also ten", when=ISSUED, outcome=const(Money(10)))
    household = _household(waived=True, certificate=True)
    decision = _policy(_rule(TEN, same, outcome=Money(1))).evaluate(household, MONTH)
    assert decision.total() == Money(10)
    higher = RuleException(label="certified", when=ISSUED, outcome=const(Money(20)), priority=1)
    decision = _policy(_rule(TEN, higher, outcome=Money(1))).evaluate(household, MONTH)
    assert decision.total() == Money(20)
    tables = _policy(_rule(TEN, higher, outcome=Money(1))).evaluate_table(
        to_population([household]), MONTH
    )
    assert tables.households["amount_fen"].to_list() == [2000]


def test_default_applies_when_no_exception_fires() -> None:
    household = _household(waived=False, certificate=False)
    assert _policy(_rule(TEN, outcome=Money(1))).evaluate(household, MONTH).total() == Money(1)


def test_a_rule_without_default_must_decide() -> None:
    policy = _policy(_rule(TEN))
    household = _household(waived=False, certificate=False)
    with pytest.raises(EmptyOutcome, match="no outcome for household 0"):
        policy.evaluate(household, MONTH)
    with pytest.raises(EmptyOutcome, match="rule X"):
        policy.evaluate_table(to_population([household]), MONTH)
    assert policy.evaluate(_household(True, False), MONTH).total() == Money(10)


def test_rule_validation() -> None:
    with pytest.raises(ValueError, match="needs an outcome"):
        _rule()
    with pytest.raises(TypeError, match="money or all text"):
        Rule(
            id="Y",
            title_zh="",
            title_en="",
            benefit="b",
            entity="household",
            citations=(),
            effective_from=pendulum.Date(2000, 1, 1),
            outcome=const(Money(1)),
            exceptions=(RuleException(label="x", when=quota_waived, outcome=const("text")),),
        )
    with pytest.raises(TypeError, match="uses person fact 'age'"):
        Rule(
            id="Z",
            title_zh="",
            title_en="",
            benefit="b",
            entity="household",
            citations=(),
            effective_from=pendulum.Date(2000, 1, 1),
            conditions=(Condition(code="OLD", test=age >= 60),),
            outcome=const(Money(1)),
        )
    with pytest.raises(TypeError, match="not a condition"):
        Condition(code="BAD", test=age + 1)


def test_in_force_uses_the_first_day_of_the_month() -> None:
    rule = Rule(
        id="R",
        title_zh="",
        title_en="",
        benefit="b",
        entity="household",
        citations=(),
        effective_from=pendulum.Date(2008, 1, 1),
        effective_until=pendulum.Date(2011, 12, 31),
        outcome=const(Money(1)),
    )
    assert not rule.in_force(Month(year=2007, month=12))
    assert rule.in_force(Month(year=2008, month=1))
    assert rule.in_force(Month(year=2011, month=12))
    assert not rule.in_force(Month(year=2012, month=1))


def test_rule_equality_is_structural() -> None:
    assert _rule(TEN, outcome=Money(1)) == _rule(TEN, outcome=Money(1))
    assert _rule(TEN, outcome=Money(1)) != _rule(TEN, outcome=Money(2))
