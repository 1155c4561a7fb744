"""Periods (month, quarter, year, any span of months), ages and month counting.

Entitlements are monthly: a quarter or a year is a span of months, and what is paid
for it is the sum of its months. All calendar arithmetic of fpcore lives here, on
``pendulum.Date`` and on an integer month index, never on pendulum's month arithmetic
(``add(months=1)`` clamps at month ends and drifts when chained) nor
``Interval.in_months()``.

Example:
    >>> q = parse_period("2017Q1")
    >>> [str(m) for m in q.months()]
    ['2017-01', '2017-02', '2017-03']
    >>> age_on(pendulum.Date(1960, 2, 29), pendulum.Date(2020, 2, 28))
    59
    >>> age_on(pendulum.Date(1960, 2, 29), pendulum.Date(2021, 3, 1))
    61
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterator
from typing import TypeAlias

import attrs
import pendulum

from fpcore.errors import InvalidInput, shown

__all__ = [
    "LeapDayRule",
    "Month",
    "MonthSpan",
    "Period",
    "Quarter",
    "Year",
    "age_on",
    "birthday",
    "completed_months",
    "month_reaching_age",
    "months_exclusive",
    "months_inclusive",
    "parse_period",
]

_MIN_YEAR = 1
_MAX_YEAR = 9999


def _text(text: object) -> str:
    """A period's text, surrounding spaces dropped; anything but text is refused."""
    if not isinstance(text, str):
        raise InvalidInput(f"{shown(text)} is not a period (expected text such as 2017Q1)")
    return text.strip()


def _check_year(year: object, path: str = "year") -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidInput(f"{year!r} is not a whole year", path=path)
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise InvalidInput(f"{year} is outside 1..9999", path=path)
    return year


class _Period:
    """What every period offers; subclasses define ``first_month`` and ``last_month``."""

    @property
    def first_month(self) -> Month:
        raise NotImplementedError

    @property
    def last_month(self) -> Month:
        raise NotImplementedError

    def months(self) -> Iterator[Month]:
        """The months of the period, in order."""
        first = self.first_month.index
        for i in range(first, self.last_month.index + 1):
            yield Month.from_index(i)

    @property
    def month_count(self) -> int:
        """How many months the period has."""
        return self.last_month.index - self.first_month.index + 1

    @property
    def start(self) -> pendulum.Date:
        """The first day of the period."""
        return self.first_month.start

    @property
    def end(self) -> pendulum.Date:
        """The last day of the period (inclusive)."""
        return self.last_month.end

    def span(self) -> MonthSpan:
        """The period as a plain span of months."""
        return MonthSpan(first=self.first_month, last=self.last_month)

    def contains(self, when: pendulum.Date | Month) -> bool:
        """Whether a day or a month lies inside the period."""
        month = when if isinstance(when, Month) else Month.of(when)
        return self.first_month.index <= month.index <= self.last_month.index


@attrs.frozen(order=True, repr=False)
class Month(_Period):
    """A calendar month.

    >>> Month.parse("2017-03").end
    Date(2017, 3, 31)
    >>> str(Month(year=2017, month=12) + 1)
    '2018-01'
    """

    year: int = attrs.field(validator=lambda _i, _a, v: _check_year(v))
    month: int = attrs.field()

    @month.validator
    def _check_month(self, _attribute: object, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
            raise InvalidInput(f"{value!r} is not a month number 1..12", path="month")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``YYYY-MM`` (ASCII digits)."""
        match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", _text(text))
        if match is None:
            raise InvalidInput(f"{shown(text)} is not a month (expected YYYY-MM)")
        return cls(year=int(match[1]), month=int(match[2]))

    @classmethod
    def of(cls, day: pendulum.Date) -> Month:
        """The month a day falls in."""
        return cls(year=day.year, month=day.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        """Inverse of :attr:`index`."""
        year, month0 = divmod(index, 12)
        return cls(year=year, month=month0 + 1)

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months have consecutive indexes."""
        return self.year * 12 + self.month - 1

    @property
    def first_month(self) -> Month:
        return self

    @property
    def last_month(self) -> Month:
        return self

    @property
    def days(self) -> int:
        """Number of days in the month."""
        return pendulum.Date(self.year, self.month, 1).days_in_month

    @property
    def start(self) -> pendulum.Date:
        return pendulum.Date(self.year, self.month, 1)

    @property
    def end(self) -> pendulum.Date:
        return pendulum.Date(self.year, self.month, self.days)

    def __add__(self, months: int) -> Month:
        if isinstance(months, bool) or not isinstance(months, int):
            return NotImplemented
        return Month.from_index(self.index + months)

    def __sub__(self, months: int) -> Month:
        if isinstance(months, bool) or not isinstance(months, int):
            return NotImplemented
        return Month.from_index(self.index - months)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __repr__(self) -> str:
        return f"Month('{self}')"


@attrs.frozen(order=True, repr=False)
class Quarter(_Period):
    """A calendar quarter (Q1 = January to March).

    >>> Quarter.parse("2017Q2").first_month
    Month('2017-04')
    """

    year: int = attrs.field(validator=lambda _i, _a, v: _check_year(v))
    quarter: int = attrs.field()

    @quarter.validator
    def _check_quarter(self, _attribute: object, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
            raise InvalidInput(f"{value!r} is not a quarter 1..4", path="quarter")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Parse ``YYYYQn`` (also ``YYYY-Qn``)."""
        match = re.fullmatch(r"([0-9]{4})-?[Qq]([1-4])", _text(text))
        if match is None:
            raise InvalidInput(f"{shown(text)} is not a quarter (expected YYYYQn, n in 1..4)")
        return cls(year=int(match[1]), quarter=int(match[2]))

    @classmethod
    def of(cls, when: pendulum.Date | Month) -> Quarter:
        """The quarter a day or month falls in."""
        return cls(year=when.year, quarter=(when.month - 1) // 3 + 1)

    @property
    def first_month(self) -> Month:
        return Month(year=self.year, month=3 * self.quarter - 2)

    @property
    def last_month(self) -> Month:
        return Month(year=self.year, month=3 * self.quarter)

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.quarter}"

    def __repr__(self) -> str:
        return f"Quarter('{self}')"


@attrs.frozen(order=True, repr=False)
class Year(_Period):
    """A calendar year.

    >>> Year.parse("2008").month_count
    12
    """

    year: int = attrs.field(validator=lambda _i, _a, v: _check_year(v))

    @classmethod
    def parse(cls, text: str) -> Year:
        """Parse ``YYYY``."""
        match = re.fullmatch(r"([0-9]{4})", _text(text))
        if match is None:
            raise InvalidInput(f"{shown(text)} is not a year (expected YYYY)")
        return cls(year=int(match[1]))

    @property
    def first_month(self) -> Month:
        return Month(year=self.year, month=1)

    @property
    def last_month(self) -> Month:
        return Month(year=self.year, month=12)

    def __str__(self) -> str:
        return f"{self.year:04d}"

    def __repr__(self) -> str:
        return f"Year('{self}')"


@attrs.frozen(repr=False)
class MonthSpan(_Period):
    """Any run of consecutive months, both ends included.

    >>> span = MonthSpan.parse("2016-11..2017-02")
    >>> span.month_count, str(span)
    (4, '2016-11..2017-02')
    """

    first: Month
    last: Month

    def __attrs_post_init__(self) -> None:
        if self.last.index < self.first.index:
            raise InvalidInput(f"span ends ({self.last}) before it starts ({self.first})")

    @classmethod
    def parse(cls, text: str) -> MonthSpan:
        """Parse ``YYYY-MM..YYYY-MM``."""
        parts = _text(text).split("..")
        if len(parts) != 2:
            raise InvalidInput(f"{shown(text)} is not a span of months (expected YYYY-MM..YYYY-MM)")
        return cls(first=Month.parse(parts[0]), last=Month.parse(parts[1]))

    @property
    def first_month(self) -> Month:
        return self.first

    @property
    def last_month(self) -> Month:
        return self.last

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"

    def __repr__(self) -> str:
        return f"MonthSpan('{self}')"


Period: TypeAlias = Month | Quarter | Year | MonthSpan
"""Any period an evaluation can cover."""


def parse_period(text: str) -> Period:
    """Parse a period written as ``2017``, ``2017Q1``, ``2017-03`` or ``2017-01..2017-06``.

    Raises:
        InvalidInput: the text is none of those forms.

    >>> parse_period("2017-03"), parse_period("2017Q1"), parse_period("2017")
    (Month('2017-03'), Quarter('2017Q1'), Year('2017'))
    """
    stripped = _text(text)
    if ".." in stripped:
        return MonthSpan.parse(stripped)
    if re.fullmatch(r"[0-9]{4}", stripped):
        return Year.parse(stripped)
    if re.fullmatch(r"[0-9]{4}-?[Qq][0-9]", stripped):
        return Quarter.parse(stripped)
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}", stripped):
        return Month.parse(stripped)
    raise InvalidInput(
        f"{shown(text)} is not a period (expected YYYY, YYYYQn, YYYY-MM or YYYY-MM..YYYY-MM)"
    )


class LeapDayRule(enum.Enum):
    """When someone born on 29 February has a birthday in a common year.

    ``MARCH_1`` (the default) counts the birthday on 1 March, so the person is not a
    year older until 28 February has fully passed; ``FEBRUARY_28`` counts it a day
    earlier. Chinese law counts 周岁 by the Gregorian calendar and says nothing
    specific; March 1 never pays a benefit before the person has lived the full years.
    """

    MARCH_1 = "march-1"
    FEBRUARY_28 = "february-28"


def birthday(
    birth: pendulum.Date, year: int, *, leap_day: LeapDayRule = LeapDayRule.MARCH_1
) -> pendulum.Date:
    """The day in ``year`` on which a person born on ``birth`` has a birthday.

    >>> birthday(pendulum.Date(1960, 2, 29), 2021)
    Date(2021, 3, 1)
    >>> birthday(pendulum.Date(1960, 2, 29), 2021, leap_day=LeapDayRule.FEBRUARY_28)
    Date(2021, 2, 28)
    """
    if birth.month == 2 and birth.day == 29 and not _is_leap(year):
        if leap_day is LeapDayRule.MARCH_1:
            return pendulum.Date(year, 3, 1)
        return pendulum.Date(year, 2, 28)
    return pendulum.Date(year, birth.month, birth.day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def age_on(
    birth: pendulum.Date,
    on: pendulum.Date,
    *,
    leap_day: LeapDayRule = LeapDayRule.MARCH_1,
) -> int:
    """Age in completed years (周岁) on a day: it goes up by one on each birthday.

    Raises:
        InvalidInput: ``on`` is before ``birth``.

    >>> age_on(pendulum.Date(1959, 6, 15), pendulum.Date(2019, 6, 14))
    59
    >>> age_on(pendulum.Date(1959, 6, 15), pendulum.Date(2019, 6, 15))
    60
    """
    if on < birth:
        raise InvalidInput(f"{on} is before the birth date {birth}", path="on")
    years = on.year - birth.year
    if on < birthday(birth, on.year, leap_day=leap_day):
        years -= 1
    return years


def month_reaching_age(
    birth: pendulum.Date, age: int, *, leap_day: LeapDayRule = LeapDayRule.MARCH_1
) -> Month:
    """The month in which a person born on ``birth`` reaches ``age`` completed years.

    >>> month_reaching_age(pendulum.Date(1999, 5, 31), 18)
    Month('2017-05')
    >>> month_reaching_age(pendulum.Date(1960, 2, 29), 49)
    Month('2009-03')
    """
    return Month.of(birthday(birth, birth.year + age, leap_day=leap_day))


@functools.lru_cache(maxsize=4096)
def month_index_reaching_age(
    birth: pendulum.Date, age: int, *, leap_day: LeapDayRule = LeapDayRule.MARCH_1
) -> int:
    """:func:`month_reaching_age` as a plain month index (``year * 12 + month - 1``),
    without building a :class:`Month`: what the rules compare on every evaluation.

    >>> month_index_reaching_age(pendulum.Date(1999, 5, 31), 18) == Month(year=2017, month=5).index
    True
    """
    day = birthday(birth, birth.year + age, leap_day=leap_day)
    return day.year * 12 + day.month - 1


def months_inclusive(first: Month, last: Month) -> int:
    """Months from ``first`` through ``last``, both counted; 0 when ``last`` is earlier.

    >>> months_inclusive(Month.parse("2016-11"), Month.parse("2017-02"))
    4
    """
    return max(0, last.index - first.index + 1)


def months_exclusive(first: Month, last: Month) -> int:
    """Months strictly between ``first`` and ``last``; 0 when there are none.

    >>> months_exclusive(Month.parse("2016-11"), Month.parse("2017-02"))
    2
    """
    return max(0, last.index - first.index - 1)


def completed_months(start: pendulum.Date, end: pendulum.Date) -> int:
    """Whole months elapsed from ``start`` to ``end`` (0 when ``end`` is not later).

    A month is complete on the same day of a later month; when that month is too
    short (start on the 31st, a 30-day month), it is complete on that month's last
    day. So 31 January -> 28 February is one month, and 31 January -> 31 March two.

    >>> completed_months(pendulum.Date(2017, 1, 31), pendulum.Date(2017, 2, 28))
    1
    >>> completed_months(pendulum.Date(2017, 1, 31), pendulum.Date(2017, 3, 30))
    1
    """
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    days_in_end_month = end.days_in_month
    anniversary_day = min(start.day, days_in_end_month)
    if end.day < anniversary_day:
        months -= 1
    return months
