"""Strategies for plain values: dates, periods, money and allocation ratios."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from fpcore.money import MAX_FEN, Money
from fpcore.periods import Month, MonthSpan, Period, Quarter, Year

MIN_DATE = dt.date(1900, 1, 1)
"""Earliest date the strategies draw unless told otherwise."""

MAX_DATE = dt.date(2100, 12, 31)
"""Latest date the strategies draw unless told otherwise."""

_ANCHOR_YEAR = 2000
_FIRST_MONTH = Month(year=1900, month=1)
_LAST_MONTH = Month(year=2100, month=12)
_FIRST_QUARTER = Quarter(year=1900, quarter=1)
_LAST_QUARTER = Quarter(year=2100, quarter=4)


def _plain(day: dt.date) -> dt.date:
    """A stdlib date (hypothesis's ``st.dates`` wants exactly that type)."""
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise InvalidArgument(f"expected a date, got {day!r}")
    return dt.date(day.year, day.month, day.day)


def to_pendulum(day: dt.date) -> pendulum.Date:
    """The same day as a ``pendulum.Date``."""
    return pendulum.Date(day.year, day.month, day.day)


def dates_near(
    min_value: dt.date, max_value: dt.date, anchor: dt.date
) -> st.SearchStrategy[pendulum.Date]:
    """Days in ``[min_value, max_value]`` that shrink towards ``anchor`` (clamped)."""
    low, high = _plain(min_value).toordinal(), _plain(max_value).toordinal()
    if low > high:
        raise InvalidArgument(f"min_value {min_value} is after max_value {max_value}")
    centre = min(max(_plain(anchor).toordinal(), low), high)
    return st.integers(low - centre, high - centre).map(
        lambda offset: to_pendulum(dt.date.fromordinal(centre + offset))
    )


def dates(
    min_value: dt.date = MIN_DATE, max_value: dt.date = MAX_DATE
) -> st.SearchStrategy[pendulum.Date]:
    """Days as ``pendulum.Date`` (never ``DateTime``, never a stdlib ``date``).

    Bounds may be stdlib or pendulum dates; they are handed to ``st.dates`` as stdlib
    dates and the results mapped to ``pendulum.Date``.

    Shrinks towards 2000-01-01, or the bound nearest to it.

    Example:
        >>> from hypothesis import given
        >>> @given(dates(pendulum.Date(2017, 1, 1), pendulum.Date(2017, 12, 31)))
        ... def test_in_2017(day: pendulum.Date) -> None:
        ...     assert type(day) is pendulum.Date and day.year == 2017
        >>> test_in_2017()
    """
    low, high = _plain(min_value), _plain(max_value)
    if low > high:
        raise InvalidArgument(f"min_value {min_value} is after max_value {max_value}")
    return st.dates(low, high).map(to_pendulum)


def _indexes_near(low: int, high: int, anchor: int) -> st.SearchStrategy[int]:
    if low > high:
        raise InvalidArgument(f"the lower bound is after the upper bound ({low} > {high})")
    centre = min(max(anchor, low), high)
    return st.integers(low - centre, high - centre).map(lambda offset: centre + offset)


def months(
    min_value: Month = _FIRST_MONTH,
    max_value: Month = _LAST_MONTH,
) -> st.SearchStrategy[Month]:
    """Calendar months between two months, both included.

    Shrinks towards ``Month('2000-01')``, or the bound nearest to it.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> find(months(), lambda m: True, settings=simplest)
        Month('2000-01')
    """
    anchor = Month(year=_ANCHOR_YEAR, month=1).index
    return _indexes_near(min_value.index, max_value.index, anchor).map(Month.from_index)


def _quarter_index(quarter: Quarter) -> int:
    return quarter.year * 4 + quarter.quarter - 1


def _quarter_from_index(index: int) -> Quarter:
    year, quarter0 = divmod(index, 4)
    return Quarter(year=year, quarter=quarter0 + 1)


def quarters(
    min_value: Quarter = _FIRST_QUARTER,
    max_value: Quarter = _LAST_QUARTER,
) -> st.SearchStrategy[Quarter]:
    """Calendar quarters between two quarters, both included.

    Shrinks towards ``Quarter('2000Q1')``, or the bound nearest to it.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> find(quarters(), lambda q: True, settings=simplest)
        Quarter('2000Q1')
    """
    anchor = _ANCHOR_YEAR * 4
    return _indexes_near(_quarter_index(min_value), _quarter_index(max_value), anchor).map(
        _quarter_from_index
    )


def years(min_value: int = 1900, max_value: int = 2100) -> st.SearchStrategy[Year]:
    """Calendar years between two year numbers, both included.

    Shrinks towards ``Year('2000')``, or the bound nearest to it.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> find(years(2010, 2030), lambda y: True, settings=simplest)
        Year('2010')
    """
    return _indexes_near(min_value, max_value, _ANCHOR_YEAR).map(lambda y: Year(year=y))


def month_spans(
    min_value: Month = _FIRST_MONTH,
    max_value: Month = _LAST_MONTH,
    *,
    max_months: int = 120,
) -> st.SearchStrategy[MonthSpan]:
    """Runs of consecutive months inside ``[min_value, max_value]``, at most ``max_months`` long.

    Shrinks towards the one-month span ``MonthSpan('2000-01..2000-01')``.

    Example:
        >>> from hypothesis import given
        >>> @given(month_spans(max_months=24))
        ... def test_short(span: MonthSpan) -> None:
        ...     assert 1 <= span.month_count <= 24
        >>> test_short()
    """
    if max_months < 1:
        raise InvalidArgument(f"max_months={max_months} must be at least 1")

    @st.composite
    def spans(draw: st.DrawFn) -> MonthSpan:
        first = draw(months(min_value, max_value))
        room = min(max_months, max_value.index - first.index + 1)
        length = draw(st.integers(1, room))
        return MonthSpan(first=first, last=first + (length - 1))

    return spans()


def periods(min_year: int = 1900, max_year: int = 2100) -> st.SearchStrategy[Period]:
    """Any period an evaluation can cover: a month, quarter, year or span of months.

    Shrinks towards ``Month('2000-01')``.

    Example:
        >>> from hypothesis import given
        >>> @given(periods(2010, 2020))
        ... def test_inside(period: Period) -> None:
        ...     assert 2010 <= period.start.year and period.end.year <= 2020
        >>> test_inside()
    """
    first = Month(year=min_year, month=1)
    last = Month(year=max_year, month=12)
    return st.one_of(
        months(first, last),
        quarters(Quarter(year=min_year, quarter=1), Quarter(year=max_year, quarter=4)),
        years(min_year, max_year),
        month_spans(first, last),
    )


def _decimal_bound(value: Money | Decimal | int | str | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Money):
        return value.amount
    return Money(value).amount


def money(
    min_value: Money | Decimal | int | str | None = None,
    max_value: Money | Decimal | int | str | None = None,
) -> st.SearchStrategy[Money]:
    """Exact amounts of yuan (whole fen), by default any amount Money holds (±MAX_FEN fen).

    Built on ``st.decimals(places=2, allow_nan=False, allow_infinity=False)``, so no
    float is ever involved. Shrinks towards ``Money('0.00')``, or the bound nearest to it.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> find(money("100", "5000"), lambda m: True, settings=simplest)
        Money('100.00')
    """
    low = _decimal_bound(min_value)
    high = _decimal_bound(max_value)
    return st.decimals(
        min_value=Money.from_fen(-MAX_FEN).amount if low is None else low,
        max_value=Money.from_fen(MAX_FEN).amount if high is None else high,
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ).map(Money)


_RATIO_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


def ratios(
    keys: st.SearchStrategy[str] = _RATIO_KEYS, *, min_size: int = 1, max_size: int = 6
) -> st.SearchStrategy[dict[str, int | Decimal | Fraction]]:
    """Ratio maps that :func:`fpcore.money.allocate` accepts: non-negative, not all zero.

    Weights are ints, Decimals (three places) or Fractions, mixed. Shrinks towards
    ``{'a': 1}``.

    Example:
        >>> from hypothesis import given
        >>> from fpcore.money import allocate
        >>> @given(money(), ratios())
        ... def test_parts_sum(total: Money, shares: dict[str, int | Decimal | Fraction]) -> None:
        ...     assert sum(allocate(total, shares).values()) == total
        >>> test_parts_sum()
    """
    if min_size < 1 or max_size < min_size:
        raise InvalidArgument(f"need 1 <= min_size <= max_size, got {min_size}, {max_size}")
    weights: st.SearchStrategy[int | Decimal | Fraction] = st.one_of(
        st.integers(min_value=0, max_value=10**6),
        st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
        st.fractions(min_value=0, max_value=10**6, max_denominator=1000),
    )

    @st.composite
    def maps(draw: st.DrawFn) -> dict[str, int | Decimal | Fraction]:
        chosen = draw(st.lists(keys, min_size=min_size, max_size=max_size, unique=True))
        result = {key: draw(weights) for key in chosen}
        if all(weight == 0 for weight in result.values()):
            result[chosen[0]] = 1
        return result

    return maps()
