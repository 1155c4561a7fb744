"""Tests for fpcore.periods: periods, ages (周岁) and month counting."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pendulum
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.periods import (
    LeapDayRule,
    Month,
    MonthSpan,
    Period,
    Quarter,
    Year,
    age_on,
    birthday,
    completed_months,
    month_reaching_age,
    months_exclusive,
    months_inclusive,
    parse_period,
)

# strategies ------------------------------------------------------------------------------


def _pdate(day: date) -> pendulum.Date:
    return pendulum.Date(day.year, day.month, day.day)


def dates(
    lo: date = date(1900, 1, 1), hi: date = date(2100, 12, 31)
) -> st.SearchStrategy[pendulum.Date]:
    """pendulum Dates: stdlib bounds for ``st.dates``, mapped to ``pendulum.Date``."""
    return st.dates(min_value=lo, max_value=hi).map(_pdate)


leap_day_births = st.sampled_from(
    [pendulum.Date(y, 2, 29) for y in range(1904, 2097, 4) if calendar.isleap(y)]
)
births = st.one_of(dates(hi=date(2060, 12, 31)), leap_day_births)
leap_rules = st.sampled_from(LeapDayRule)
months = st.builds(
    Month,
    year=st.integers(min_value=1, max_value=9999),
    month=st.integers(min_value=1, max_value=12),
)
quarters = st.builds(
    Quarter,
    year=st.integers(min_value=1, max_value=9999),
    quarter=st.integers(min_value=1, max_value=4),
)
years = st.builds(Year, year=st.integers(min_value=1, max_value=9999))


@st.composite
def spans(draw: st.DrawFn) -> MonthSpan:
    first = draw(months)
    length = draw(
        st.integers(min_value=0, max_value=min(600, Month(year=9999, month=12).index - first.index))
    )
    return MonthSpan(first=first, last=first + length)


_FIRST_INDEX = Month(year=1, month=1).index
_LAST_INDEX = Month(year=9999, month=12).index

periods: st.SearchStrategy[Period] = st.one_of(months, quarters, years, spans())


def _next_day(day: pendulum.Date) -> pendulum.Date:
    return _pdate(date(day.year, day.month, day.day) + timedelta(days=1))


def _previous_day(day: pendulum.Date) -> pendulum.Date:
    return _pdate(date(day.year, day.month, day.day) - timedelta(days=1))


# Month, Quarter, Year, MonthSpan ---------------------------------------------------------


def test_month_basics() -> None:
    march = Month.parse("2017-03")
    assert (march.year, march.month) == (2017, 3)
    assert march.start == pendulum.Date(2017, 3, 1)
    assert march.end == pendulum.Date(2017, 3, 31)
    assert Month.parse("2016-02").days == 29
    assert Month.parse("2017-02").days == 28
    assert str(Month(year=2017, month=12) + 1) == "2018-01"
    assert str(Month(year=2017, month=1) - 1) == "2016-12"
    assert Month.of(pendulum.Date(2017, 3, 15)) == march
    assert march.month_count == 1
    assert repr(march) == "Month('2017-03')"
    assert Month.parse("2017-01") < march < Month.parse("2018-01")


def test_quarter_and_year_basics() -> None:
    q2 = Quarter.parse("2017Q2")
    assert [str(m) for m in q2.months()] == ["2017-04", "2017-05", "2017-06"]
    assert Quarter.parse("2017-q2") == q2
    assert q2.start == pendulum.Date(2017, 4, 1)
    assert q2.end == pendulum.Date(2017, 6, 30)
    assert Quarter.of(pendulum.Date(2017, 6, 30)) == q2
    assert Quarter.of(Month.parse("2017-07")) == Quarter(year=2017, quarter=3)
    assert repr(q2) == "Quarter('2017Q2')"
    year = Year.parse("2008")
    assert year.month_count == 12
    assert (year.start, year.end) == (pendulum.Date(2008, 1, 1), pendulum.Date(2008, 12, 31))
    assert repr(year) == "Year('2008')"
    assert year.span() == MonthSpan.parse("2008-01..2008-12")


def test_span_basics() -> None:
    span = MonthSpan.parse("2016-11..2017-02")
    assert span.month_count == 4
    assert str(span) == "2016-11..2017-02"
    assert repr(span) == "MonthSpan('2016-11..2017-02')"
    assert span.contains(pendulum.Date(2016, 11, 1))
    assert span.contains(Month.parse("2017-02"))
    assert not span.contains(pendulum.Date(2017, 3, 1))
    assert MonthSpan.parse("2017-03..2017-03").month_count == 1
    with pytest.raises(InvalidInput, match="before it starts"):
        MonthSpan.parse("2017-03..2017-02")


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: Month(year=2017, month=13), "month"),
        (lambda: Month(year=2017, month=0), "month"),
        (lambda: Month(year=0, month=1), "year"),
        (lambda: Month(year=10000, month=1), "year"),
        (lambda: Month(year=2017, month=True), "month"),
        (lambda: Month(year="2017", month=1), "year"),  # type: ignore[arg-type]
        (lambda: Quarter(year=2017, quarter=5), "quarter"),
        (lambda: Year(year=2017.0), "year"),  # type: ignore[arg-type]
    ],
)
def test_constructors_validate(build: object, path: str) -> None:
    with pytest.raises(InvalidInput) as info:
        build()  # type: ignore[operator]
    assert [p.path for p in info.value.problems] == [path]


def test_month_arithmetic_refuses_non_int() -> None:
    with pytest.raises(TypeError):
        Month(year=2017, month=1) + True
    with pytest.raises(TypeError):
        Month(year=2017, month=1) - 1.0  # type: ignore[operator]
    with pytest.raises(InvalidInput):
        Month(year=1, month=1) - 1


@given(months, st.integers(min_value=-5000, max_value=5000))
def test_month_index_arithmetic(month: Month, shift: int) -> None:
    assert Month.from_index(month.index) == month
    assume(_FIRST_INDEX <= month.index + shift <= _LAST_INDEX)
    moved = month + shift
    assert moved.index == month.index + shift
    assert moved - shift == month
    assert (moved > month) == (shift > 0)


@given(months)
def test_month_round_trip_and_days(month: Month) -> None:
    assert Month.parse(str(month)) == month
    assert parse_period(str(month)) == month
    assert month.days == calendar.monthrange(month.year, month.month)[1]
    assert month.end.day == month.days
    assert Month.of(month.start) == Month.of(month.end) == month


@given(quarters)
def test_quarter_round_trip(quarter: Quarter) -> None:
    assert Quarter.parse(str(quarter)) == quarter
    assert parse_period(str(quarter)) == quarter
    assert quarter.month_count == 3
    assert all(Quarter.of(m) == quarter for m in quarter.months())


@given(years)
def test_year_round_trip(year: Year) -> None:
    assert Year.parse(str(year)) == year
    assert parse_period(str(year)) == year
    assert [m.month for m in year.months()] == list(range(1, 13))


@given(spans())
def test_span_round_trip(span: MonthSpan) -> None:
    assert MonthSpan.parse(str(span)) == span
    assert parse_period(str(span)) == span
    assert parse_period(f"  {span}\n") == span


@given(periods)
def test_period_shape(period: Period) -> None:
    listed = list(period.months())
    assert len(listed) == period.month_count
    assert listed[0] == period.first_month
    assert listed[-1] == period.last_month
    assert [m.index for m in listed] == list(range(listed[0].index, listed[-1].index + 1))
    assert period.start == period.first_month.start
    assert period.end == period.last_month.end
    assert period.span().month_count == period.month_count
    assert period.contains(period.start)
    assert period.contains(period.end)
    assert parse_period(str(period)) == period


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "2017-3",
        "17-03",
        "2017-13",
        "2017-00",
        "0000",
        "0000-01",
        "2017Q0",
        "2017Q5",
        "2017 Q1",
        "2017/03",
        "2017-03-01",
        "2017-03..",
        "..2017-03",
        "2017-03..2017-02",
        "2017-01..2017-02..2017-03",
        "2017..2018",
        "twenty seventeen",
        "2017-03\x00",
    ],
)
def test_invalid_period_strings(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_period(text)


@pytest.mark.parametrize("value", [2017, None, pendulum.Date(2017, 1, 1)])
def test_parse_period_refuses_non_text(value: object) -> None:
    with pytest.raises(InvalidInput):
        parse_period(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (Month.parse, "2017Q1"),
        (Month.parse, "2017"),
        (Quarter.parse, "2017-03"),
        (Quarter.parse, "2017Q12"),
        (Year.parse, "2017-03"),
        (Year.parse, "20170"),
        (MonthSpan.parse, "2017-03"),
    ],
)
def test_each_parser_takes_only_its_own_form(parse: object, text: str) -> None:
    with pytest.raises(InvalidInput):
        parse(text)  # type: ignore[operator]


@given(st.text(max_size=20))
def test_parse_period_fails_only_with_invalid_input(text: str) -> None:
    try:
        period = parse_period(text)
    except InvalidInput:
        return
    assert parse_period(str(period)) == period


# ages (周岁) -------------------------------------------------------------------------------


def test_age_examples() -> None:
    born = pendulum.Date(1959, 6, 15)
    assert age_on(born, pendulum.Date(2019, 6, 14)) == 59
    assert age_on(born, pendulum.Date(2019, 6, 15)) == 60
    assert age_on(born, born) == 0
    with pytest.raises(InvalidInput, match="before the birth date") as info:
        age_on(born, pendulum.Date(1959, 6, 14))
    assert info.value.problems[0].path == "on"


@pytest.mark.parametrize(
    ("rule", "on", "age"),
    [
        (LeapDayRule.MARCH_1, pendulum.Date(2021, 2, 28), 60),
        (LeapDayRule.MARCH_1, pendulum.Date(2021, 3, 1), 61),
        (LeapDayRule.FEBRUARY_28, pendulum.Date(2021, 2, 27), 60),
        (LeapDayRule.FEBRUARY_28, pendulum.Date(2021, 2, 28), 61),
        (LeapDayRule.MARCH_1, pendulum.Date(2020, 2, 28), 59),
        (LeapDayRule.MARCH_1, pendulum.Date(2020, 2, 29), 60),
        (LeapDayRule.FEBRUARY_28, pendulum.Date(2020, 2, 28), 59),
        (LeapDayRule.FEBRUARY_28, pendulum.Date(2020, 2, 29), 60),
        (LeapDayRule.MARCH_1, pendulum.Date(2100, 3, 1), 140),  # 2100 is not a leap year
    ],
)
def test_leap_day_births(rule: LeapDayRule, on: pendulum.Date, age: int) -> None:
    assert age_on(pendulum.Date(1960, 2, 29), on, leap_day=rule) == age


def test_birthday() -> None:
    assert birthday(pendulum.Date(1960, 2, 29), 2021) == pendulum.Date(2021, 3, 1)
    assert birthday(pendulum.Date(1960, 2, 29), 2021, leap_day=LeapDayRule.FEBRUARY_28) == (
        pendulum.Date(2021, 2, 28)
    )
    assert birthday(pendulum.Date(1960, 2, 29), 2000) == pendulum.Date(2000, 2, 29)
    assert birthday(pendulum.Date(1960, 2, 29), 1900) == pendulum.Date(1900, 3, 1)
    assert birthday(pendulum.Date(1961, 12, 31), 2021) == pendulum.Date(2021, 12, 31)


@given(births, dates(), dates(), leap_rules)
def test_age_is_non_decreasing(
    birth: pendulum.Date, a: pendulum.Date, b: pendulum.Date, rule: LeapDayRule
) -> None:
    early, late = sorted([a, b])
    assume(early >= birth)
    assert 0 <= age_on(birth, early, leap_day=rule) <= age_on(birth, late, leap_day=rule)


@given(births, st.integers(min_value=1, max_value=40 * 366), leap_rules)
def test_age_steps_by_one_exactly_on_birthdays(
    birth: pendulum.Date, days_after: int, rule: LeapDayRule
) -> None:
    on = _pdate(date(birth.year, birth.month, birth.day) + timedelta(days=days_after))
    step = age_on(birth, on, leap_day=rule) - age_on(birth, _previous_day(on), leap_day=rule)
    assert step == (1 if on == birthday(birth, on.year, leap_day=rule) else 0)


@given(births, st.integers(min_value=0, max_value=40), leap_rules)
def test_age_on_the_birthday_is_the_years(
    birth: pendulum.Date, years: int, rule: LeapDayRule
) -> None:
    day = birthday(birth, birth.year + years, leap_day=rule)
    assert age_on(birth, day, leap_day=rule) == years
    if years:
        assert age_on(birth, _previous_day(day), leap_day=rule) == years - 1


@given(leap_day_births, st.integers(min_value=1, max_value=40), leap_rules)
def test_leap_day_birth_ages_once_a_year(
    birth: pendulum.Date, years: int, rule: LeapDayRule
) -> None:
    year = birth.year + years
    start, end = pendulum.Date(year, 1, 1), pendulum.Date(year, 12, 31)
    assert age_on(birth, end, leap_day=rule) - age_on(birth, start, leap_day=rule) == 1
    feb_28, mar_1 = pendulum.Date(year, 2, 28), pendulum.Date(year, 3, 1)
    if calendar.isleap(year):
        assert age_on(birth, pendulum.Date(year, 2, 29), leap_day=rule) == years
        assert age_on(birth, feb_28, leap_day=rule) == years - 1
    elif rule is LeapDayRule.MARCH_1:
        assert (age_on(birth, feb_28, leap_day=rule), age_on(birth, mar_1, leap_day=rule)) == (
            years - 1,
            years,
        )
    else:
        assert age_on(birth, feb_28, leap_day=rule) == years
        assert age_on(birth, _previous_day(feb_28), leap_day=rule) == years - 1


@given(births, st.integers(min_value=0, max_value=40), leap_rules)
def test_month_reaching_age_agrees_with_age_on(
    birth: pendulum.Date, age: int, rule: LeapDayRule
) -> None:
    month = month_reaching_age(birth, age, leap_day=rule)
    assert age_on(birth, month.end, leap_day=rule) >= age
    before = _previous_day(month.start)
    assert before < birth or age_on(birth, before, leap_day=rule) < age


def test_month_reaching_age_examples() -> None:
    assert month_reaching_age(pendulum.Date(1999, 5, 31), 18) == Month.parse("2017-05")
    assert month_reaching_age(pendulum.Date(1960, 2, 29), 49) == Month.parse("2009-03")
    assert month_reaching_age(
        pendulum.Date(1960, 2, 29), 49, leap_day=LeapDayRule.FEBRUARY_28
    ) == Month.parse("2009-02")
    assert month_reaching_age(pendulum.Date(1960, 2, 29), 48) == Month.parse("2008-02")


# month counting --------------------------------------------------------------------------


def _completed_months_by_days(start: pendulum.Date, end: pendulum.Date) -> int:
    """Step day by day; a month completes on the day of the month equal to the start's,
    or on the month's last day when the month is too short for it."""
    count = 0
    day = date(start.year, start.month, start.day) + timedelta(days=1)
    last = date(end.year, end.month, end.day)
    while day <= last:
        if day.day == min(start.day, calendar.monthrange(day.year, day.month)[1]):
            count += 1
        day += timedelta(days=1)
    return count


@settings(max_examples=300)
@given(dates(date(1999, 1, 1), date(2003, 12, 31)), st.integers(min_value=-40, max_value=1200))
def test_completed_months_agrees_with_counting_days(start: pendulum.Date, span_days: int) -> None:
    end = _pdate(date(start.year, start.month, start.day) + timedelta(days=span_days))
    assert completed_months(start, end) == max(0, _completed_months_by_days(start, end))


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ((2017, 1, 31), (2017, 2, 27), 0),
        ((2017, 1, 31), (2017, 2, 28), 1),
        ((2016, 1, 31), (2016, 2, 28), 0),
        ((2016, 1, 31), (2016, 2, 29), 1),
        ((2017, 1, 31), (2017, 3, 30), 1),
        ((2017, 1, 31), (2017, 3, 31), 2),
        ((2017, 1, 30), (2017, 4, 30), 3),
        ((2017, 3, 15), (2018, 3, 14), 11),
        ((2017, 3, 15), (2018, 3, 15), 12),
        ((2017, 3, 15), (2017, 3, 15), 0),
        ((2017, 3, 15), (2016, 3, 15), 0),
    ],
)
def test_completed_months_examples(
    start: tuple[int, int, int], end: tuple[int, int, int], months: int
) -> None:
    assert completed_months(pendulum.Date(*start), pendulum.Date(*end)) == months


@given(dates(), dates(), dates())
def test_completed_months_is_monotone_in_the_end(
    start: pendulum.Date, a: pendulum.Date, b: pendulum.Date
) -> None:
    early, late = sorted([a, b])
    assert 0 <= completed_months(start, early) <= completed_months(start, late)


@given(months, st.integers(min_value=-1200, max_value=1200))
def test_months_inclusive_and_exclusive_count_the_span(first: Month, shift: int) -> None:
    assume(_FIRST_INDEX <= first.index + shift <= _LAST_INDEX)
    last = first + shift
    if last < first:
        assert months_inclusive(first, last) == 0
        assert months_exclusive(first, last) == 0
        return
    listed = list(MonthSpan(first=first, last=last).months())
    assert months_inclusive(first, last) == len(listed)
    assert months_exclusive(first, last) == len(listed[1:-1])


@pytest.mark.parametrize(
    "text", ["٢٠١٧", "２０１７Q1", "2017-٠٣", "٢٠١٧-01..2017-02", "2017-3", None, 2017, ["2017"]]
)
def test_periods_take_ascii_digits_only(text: object) -> None:
    """Issue 14, item 10: other scripts' digits passed (dates and IDs refused them), and
    ``Month.parse(None)`` was an AttributeError."""
    with pytest.raises(InvalidInput):
        parse_period(text)  # type: ignore[arg-type]
    for kind in (Month, Quarter, Year, MonthSpan):
        with pytest.raises(InvalidInput):
            kind.parse(text)  # type: ignore[arg-type]
