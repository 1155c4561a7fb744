"""The single evaluator's caches stay bounded whatever periods it is asked about."""

from __future__ import annotations

import fpcore.policies as policies
from fpcore.model import sample_household
from fpcore.periods import Month, MonthSpan
from fpcore.rules._single import _MAX_CACHED_PERIODS, SingleEvaluator


def test_distinct_spans_do_not_grow_the_caches_without_bound() -> None:
    evaluator = SingleEvaluator(policies.get("county"))
    household = sample_household()
    first = Month(year=2000, month=1)
    spans = [
        MonthSpan(first=first + shift, last=first + shift + length)
        for shift in range(60)
        for length in range(24)
    ]
    assert len(spans) > _MAX_CACHED_PERIODS
    expected = evaluator.evaluate(household, spans[0], False)
    for span in spans:
        evaluator.evaluate(household, span, False)
    assert len(evaluator._periods) <= _MAX_CACHED_PERIODS
    assert len(evaluator._stamps) <= _MAX_CACHED_PERIODS
    assert evaluator.evaluate(household, spans[0], False) == expected
