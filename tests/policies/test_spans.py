"""Spans, the compact reasons every decision carries (issue 11).

For each money benefit and beneficiary the spans cover the period exactly, in order and
without overlap, their amounts add up to the entitlement, every unpaid span names a
condition that did not hold, and they are the same whether the decision was explained
or not.
"""

from __future__ import annotations

import itertools

import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fpcore.policies as policies
from fpcore.model import sample_household
from fpcore.money import ZERO
from fpcore.periods import Month, MonthSpan, Year
from fpcore.rules import Decision
from fpcore.rules._spans import AMOUNT_UNKNOWN, AMOUNT_ZERO, NOT_IN_FORCE, Outcome, merge_months
from fpcore.testing.strategies import households

ON = pendulum.Date(2024, 12, 31)
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

spans_of_months = st.builds(
    lambda first, length: MonthSpan(
        first=Month.from_index(first), last=Month.from_index(first + length - 1)
    ),
    st.integers(Month(year=1995, month=1).index, Month(year=2026, month=12).index),
    st.integers(1, 40),
)


def _check_spans(decision: Decision) -> None:
    period = decision.stamp.period
    months = list(period.months())
    by_key = {(e.benefit, e.beneficiary_id): e for e in decision.entitlements}
    for found in decision.spans:
        spans = found.spans
        assert spans, found
        assert spans[0].first == months[0]
        assert spans[-1].last == months[-1]
        for before, after in itertools.pairwise(spans):
            assert after.first.index == before.last.index + 1  # no gap, no overlap
            assert (before.monthly, before.failed, before.unknown) != (
                after.monthly,
                after.failed,
                after.unknown,
            )  # neighbours differ, else they would be one span
        assert sum(s.months for s in spans) == len(months)
        entitlement = by_key.pop((found.benefit, found.beneficiary_id), None)
        assert found.total == (entitlement.total if entitlement else ZERO)
        for span in spans:
            if span.paid:
                assert span.monthly is not None
                assert span.monthly > ZERO
                assert not span.failed
            else:
                assert span.failed, span
                assert set(span.unknown) <= set(span.failed)
    assert not by_key, f"entitlements without spans: {sorted(by_key)}"


def _check_against_trace(decision: Decision) -> None:
    """Every unpaid span's codes are conditions that the trace shows failed (or a
    rule not in force), month by month."""
    for found in decision.spans:
        traces = [
            t
            for t in decision.explanations
            if t.benefit == found.benefit and t.beneficiary_id == found.beneficiary_id
        ]
        for span in found.spans:
            if span.paid:
                continue
            for index in range(span.first.index, span.last.index + 1):
                month = [t for t in traces if t.month.index == index]
                failed = {code for t in month for code in t.failed}
                for code in span.failed:
                    if code == NOT_IN_FORCE:
                        assert not any(t.in_force for t in month)
                    elif code not in (AMOUNT_UNKNOWN, AMOUNT_ZERO):
                        assert code in failed, (span, month)


@PROPERTY
@given(
    household=households(on=ON),
    period=spans_of_months,
    policy_id=st.sampled_from(("county", "national", "shandong")),
)
def test_spans_cover_the_period_and_add_up(
    household: object, period: MonthSpan, policy_id: str
) -> None:
    policy = policies.get(policy_id)
    plain = policy.evaluate(household, period)
    _check_spans(plain)
    explained = policy.evaluate(household, period, explain=True)
    assert explained.spans == plain.spans
    _check_against_trace(explained)


def test_spans_from_the_monthly_results() -> None:
    """The evaluator's spans are what merging its monthly results gives."""
    decision = policies.get("county").evaluate(sample_household(), Year(2008), explain=True)
    for found in decision.spans:
        monthly: list[tuple[Month, Outcome]] = []
        for month in Year(2008).months():
            paid = [
                e
                for e in decision.entitlements
                if (e.benefit, e.beneficiary_id) == (found.benefit, found.beneficiary_id)
            ]
            amount = dict(paid[0].monthly).get(month) if paid else None
            if amount is not None:
                monthly.append((month, (amount, (), ())))
            else:
                (span,) = [s for s in found.spans if s.first <= month <= s.last]
                monthly.append((month, (None, span.failed, span.unknown)))
        assert merge_months(monthly) == found.spans


def test_the_sample_household_in_2008() -> None:
    decision = policies.get("county").evaluate(sample_household(), Year(2008))
    shown = {
        (b.benefit, b.beneficiary_id): [
            (str(s.first), str(s.last), str(s.monthly) if s.paid else s.failed) for s in b.spans
        ]
        for b in decision.spans
    }
    assert shown[("only_child_reward", "HN-0001")] == [("2008-01", "2008-12", "20.00")]
    assert shown[("reward_assistance", "father")] == [("2008-01", "2008-12", ("AGED_60",))]
