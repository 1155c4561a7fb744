"""The two evaluators agree exactly: for every rule, beneficiary, month count and amount."""

from __future__ import annotations

import datetime
from collections import Counter
from unittest import mock

import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fpcore.periods import Month, MonthSpan, Period
from fpcore.rules import Decision, EntitlementTables, Policy, Population

from .domain import POLICY, Child, Household, Person, to_population


def _dates(first: int, last: int) -> st.SearchStrategy[pendulum.Date]:
    return st.dates(datetime.date(first, 1, 1), datetime.date(last, 12, 31)).map(
        lambda d: pendulum.Date(d.year, d.month, d.day)
    )


@st.composite
def children(draw: st.DrawFn) -> Child:
    birth = draw(_dates(1955, 2016))
    died = draw(st.none() | _dates(birth.year, 2020).filter(lambda d: d >= birth))
    return Child(birth=birth, boy=draw(st.booleans()), died=died, disabled=draw(st.booleans()))


@st.composite
def households(draw: st.DrawFn) -> Household:
    rural = draw(st.booleans())
    persons = tuple(
        Person(
            id=0,
            birth=draw(st.sampled_from([pendulum.Date(1952, 2, 29)]) | _dates(1928, 1990)),
            rural=draw(st.booleans()) if draw(st.booleans()) else rural,
        )
        for _ in range(draw(st.integers(1, 2)))
    )
    return Household(
        id=0,
        persons=persons,
        children=tuple(draw(st.lists(children(), max_size=3))),
        certificate=draw(st.none() | _dates(1975, 2015)),
        quota_waived=draw(st.booleans()),
    )


@st.composite
def periods(draw: st.DrawFn) -> Period:
    first = Month(year=draw(st.integers(2003, 2020)), month=draw(st.integers(1, 12)))
    if draw(st.booleans()):
        return first
    return MonthSpan(first=first, last=first + draw(st.integers(0, 14)))


def _number(homes: list[Household], sparse: bool) -> list[Household]:
    """Give ids: dense 0..n-1 (positional fast path) or sparse (join fallback)."""
    out, pid = [], 0
    for i, h in enumerate(homes):
        persons = []
        for p in h.persons:
            persons.append(Person(id=pid * 3 + 5 if sparse else pid, birth=p.birth, rural=p.rural))
            pid += 1
        hid = (len(homes) - i) * 7 + 1 if sparse else i
        out.append(
            Household(
                id=hid,
                persons=tuple(persons),
                children=h.children,
                certificate=h.certificate,
                quota_waived=h.quota_waived,
            )
        )
    return out


Row = tuple[str, object, object, str, int, int]


def _from_decisions(decisions: list[Decision]) -> Counter[Row]:
    rows: Counter[Row] = Counter()
    for d in decisions:
        for e in d.entitlements:
            rows[
                (e.entity, e.beneficiary_id, e.household_id, e.benefit, e.months, e.total.fen)
            ] += 1
    return rows


def _from_tables(tables: EntitlementTables) -> Counter[Row]:
    rows: Counter[Row] = Counter()
    for r in tables.persons.iter_rows(named=True):
        rows[
            (
                "person",
                r["person_id"],
                r["household_id"],
                r["benefit"],
                r["months"],
                r["amount_fen"],
            )
        ] += 1
    for r in tables.households.iter_rows(named=True):
        key = ("household", r["household_id"], r["household_id"], r["benefit"], r["months"])
        rows[(*key, r["amount_fen"])] += 1
    for frame in (tables.persons, tables.households):
        as_fen = [round(a * 100) for a in frame["amount"].to_list()]
        assert as_fen == frame["amount_fen"].to_list()
    return rows


def _statuses(decisions: list[Decision]) -> Counter[tuple[str, object, str, str, int]]:
    rows: Counter[tuple[str, object, str, str, int]] = Counter()
    for d in decisions:
        for s in d.statuses:
            for status, count in Counter(v for _, v in s.monthly).items():
                rows[(s.entity, s.beneficiary_id, s.benefit, status, count)] += 1
    return rows


def _check(policy: Policy, homes: list[Household], period: Period) -> None:
    decisions = [policy.evaluate(h, period) for h in homes]
    tables = policy.evaluate_table(to_population(homes), period)
    assert _from_tables(tables) == _from_decisions(decisions)
    batch_status: Counter[tuple[str, object, str, str, int]] = Counter(
        (r["entity"], r["beneficiary_id"], r["benefit"], r["status"], r["months"])
        for r in tables.statuses.iter_rows(named=True)
    )
    assert batch_status == _statuses(decisions)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(households(), min_size=1, max_size=8),
    periods(),
    st.booleans(),
    st.sampled_from(["birthday_month", "month_before"]),
    st.sampled_from([3, 1 << 18]),
)
def test_batch_equals_single(
    homes: list[Household], period: Period, sparse: bool, last_month: str, chunk: int
) -> None:
    policy = POLICY.with_setting("only_child_reward_last_month", last_month)
    with (
        mock.patch("fpcore.rules._batch._CHUNK_ROWS", chunk),
        mock.patch("fpcore.rules._batch._PART_HOUSEHOLDS", chunk),  # ranges of 3 households
    ):
        _check(policy, _number(homes, sparse), period)


def test_an_empty_population() -> None:
    tables = POLICY.evaluate_table(to_population([]), Month(year=2012, month=1))
    assert tables.persons.height == tables.households.height == 0
    assert isinstance(to_population([]), Population)


@given(_dates(1900, 2100))
def test_the_domain_adult_index_is_month_reaching_age(birth: pendulum.Date) -> None:
    from fpcore.periods import month_reaching_age

    from .domain import _adult_index

    assert _adult_index(birth) == month_reaching_age(birth, 18).index
