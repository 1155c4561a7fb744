"""Every worked case in tests/policy_cases, run by one parametrized test."""

from __future__ import annotations

import pytest

from fpcore.policies import get
from fpcore.testing.cases import Case, run_case
from tests.policies.casebook import load_cases

CASES = load_cases()


def _param(case: Case) -> object:
    """A case as a pytest parameter; a known disagreement with the sources is a strict xfail."""
    marks = [pytest.mark.xfail(reason=case.xfail_reason, strict=True)] if case.xfail_reason else []
    return pytest.param(case, id=case.id, marks=marks)


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
    result = run_case(case)
    assert result.passed, result.report()
