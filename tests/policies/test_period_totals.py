"""Time adds up: over generated households (life histories) and periods of any length,
the batch total over a period is the sum of its months' batch totals, and the batch
evaluator still agrees with the single one over long periods."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings, target
from hypothesis import strategies as st

from fpcore.model import Household
from fpcore.money import Money
from fpcore.periods import Month, MonthSpan, Period
from fpcore.testing.strategies import households
from tests.policies.test_equivalence import Key, _batch, _single

_FIRST = Month(year=2002, month=9).index  # the first rule in force
_LAST = Month(year=2030, month=12).index


def _spans(max_months: int, min_months: int = 1) -> st.SearchStrategy[MonthSpan]:
    """Spans of ``min_months`` to ``max_months`` months within 2002-09..2030-12."""
    return st.integers(min_value=min_months, max_value=max_months).flatmap(
        lambda length: st.integers(min_value=_FIRST, max_value=_LAST - length + 1).map(
            lambda start: MonthSpan(
                first=Month.from_index(start), last=Month.from_index(start + length - 1)
            )
        )
    )


def _sum_of_months(homes: list[Household], period: Period) -> dict[Key, tuple[int, Money]]:
    months: Counter[Key] = Counter()
    fen: Counter[Key] = Counter()
    for month in period.months():
        for key, (count, amount) in _batch("county", homes, month).items():
            months[key] += count
            fen[key] += amount.fen
    return {key: (months[key], Money.from_fen(fen[key])) for key in fen if fen[key]}


@settings(max_examples=12, deadline=None)
@given(homes=st.lists(households(max_children=3), min_size=1, max_size=4), period=_spans(15))
def test_a_period_total_is_the_sum_of_its_months(homes: list[Household], period: MonthSpan) -> None:
    total = _batch("county", homes, period)
    target(float(len(total)))  # steer towards periods in which benefits are paid
    # amounts and months paid, per beneficiary and benefit, to the fen
    assert total == _sum_of_months(homes, period)


@settings(max_examples=5, deadline=None)
@given(
    homes=st.lists(households(max_children=3), min_size=1, max_size=3),
    period=_spans(max_months=120, min_months=25),
)
def test_batch_equals_single_over_long_periods(homes: list[Household], period: MonthSpan) -> None:
    # the equivalence test draws periods up to 24 months; these run to ten years
    single = _single("county", homes, period)
    target(float(len(single)))
    assert _batch("county", homes, period) == single


def test_a_year_is_the_sum_of_its_months_on_the_sample() -> None:
    """A fixed example that pays, so the property is seen to compare non-empty totals."""
    from fpcore.model import sample_household

    homes = [sample_household()]
    year = MonthSpan.parse("2016-01..2016-12")
    total = _batch("county", homes, year)
    assert total, "the sample household is paid in 2016"
    assert total == _sum_of_months(homes, year)
