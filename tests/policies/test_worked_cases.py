"""Every worked case in tests/policy_cases, run by one parametrized test."""

from __future__ import annotations

import pytest

from fpcore.model import Household, Sex
from fpcore.money import ZERO, Money
from fpcore.periods import parse_period
from fpcore.policies import ADAPTER, get, person_role
from tests.policies.casebook import Case, load_cases

CASES = load_cases()


def _param(case: Case) -> object:
    """A case as a pytest parameter; a known disagreement with the sources is a strict xfail."""
    marks = [pytest.mark.xfail(reason=case.xfail_reason, strict=True)] if case.xfail_reason else []
    return pytest.param(case, id=case.id, marks=marks)


def _role_ids(household: Household) -> dict[str, object]:
    roles: dict[str, object] = {"household": ADAPTER.household_id(household)}
    for person in household.parents:
        roles["mother" if person.sex is Sex.FEMALE else "father"] = person_role(person)
    return roles


def _totals(case: Case) -> dict[str, dict[str, Money]]:
    policy = get(case.policy)
    for name, value in case.settings.items():
        policy = policy.with_setting(name, value)
    decision = policy.evaluate(case.household, parse_period(case.period))
    by_id = {v: k for k, v in _role_ids(case.household).items()}
    totals: dict[str, dict[str, Money]] = {}
    for entitlement in decision.entitlements:
        role = by_id[entitlement.beneficiary_id]
        benefit = totals.setdefault(entitlement.benefit, {})
        benefit[role] = benefit.get(role, ZERO) + entitlement.total
    return totals


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 45


def test_every_rule_of_every_policy_has_a_paying_case() -> None:
    paid = {(c.policy, b) for c in CASES if not c.xfail_reason for b in c.expect}
    for policy_id in ("county", "national", "shandong"):
        for rule in get(policy_id).rules:
            assert (policy_id, rule.benefit) in paid, (policy_id, rule.id)


def test_every_case_says_why() -> None:
    assert all(case.because.strip() for case in CASES)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_worked_case(case: Case) -> None:
    got = _totals(case)
    for benefit, expected in case.expect.items():
        for role, amount in expected.items():
            actual = got.get(benefit, {}).get(role, ZERO)
            assert actual == amount, f"{benefit} for {role}: {actual} != {amount} ({case.because})"
    unexpected = {
        (benefit, role): amount
        for benefit, by_role in got.items()
        for role, amount in by_role.items()
        if amount != ZERO and role not in case.expect.get(benefit, {})
    }
    assert not unexpected, f"amounts the case does not expect: {unexpected}"
    if case.why_not:
        _check_reasons(case)


def _check_reasons(case: Case) -> None:
    policy = get(case.policy)
    for name, value in case.settings.items():
        policy = policy.with_setting(name, value)
    decision = policy.evaluate(case.household, parse_period(case.period), explain=True)
    roles = _role_ids(case.household)
    for rule_id, by_role in case.why_not.items():
        failed = decision.why_not(rule_id)
        for role, codes in by_role.items():
            seen = {c for (who, _), found in failed.items() if who == roles[role] for c in found}
            missing = set(codes) - seen
            assert not missing, f"{rule_id} for {role}: {sorted(missing)} not among {sorted(seen)}"
