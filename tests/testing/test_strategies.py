"""Tests for fpcore.testing: every strategy yields valid, coherent objects; the plugin registers."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import itertools
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from fpcore.model import (
    Certificate,
    CertificateKind,
    Child,
    ChildLink,
    Confirmation,
    County,
    Deposit,
    Disability,
    Household,
    Hukou,
    MaritalStatus,
    Marriage,
    Person,
    Residence,
    SecondChildQuota,
    Sex,
    Township,
    Village,
    resident_id_problems,
)
from fpcore.model._resident_id import encoded_birth_date, encoded_sex
from fpcore.money import Money, allocate
from fpcore.periods import Month, MonthSpan, Quarter, Year, age_on, birthday
from fpcore.testing import strategies as fst
from fpcore.testing._hypothesis_plugin import _register

HEAVY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIGHT = settings(max_examples=100, deadline=None)
SIMPLEST = settings(database=None, phases=[Phase.generate], max_examples=1)


def simplest(strategy: st.SearchStrategy[Any]) -> Any:
    """The example hypothesis tries first and shrinks towards."""
    return find(strategy, lambda _: True, settings=SIMPLEST)


def turns(birth: pendulum.Date, years: int) -> pendulum.Date:
    return birthday(birth, birth.year + years)


def assert_coherent(h: Household, on: pendulum.Date) -> None:
    """Everything households() promises, checked independently of its code."""
    assert attrs.evolve(h) == h  # every constructor check passes again
    ids = [p.resident_id for p in h.parents] + [c.resident_id for c in h.children]
    present = [rid for rid in ids if rid is not None]
    assert len(present) == len(set(present))
    for person in h.parents:
        assert person.residence.village == h.village
        assert person.age_on(on) >= 20 or person.death_date is not None
        classes = [person.hukou, *(change.hukou for change in person.hukou_changes)]
        assert all(a is not b for a, b in itertools.pairwise(classes))  # each a real change
        for change in person.hukou_changes:
            assert turns(person.birth_date, 16) <= change.on <= (person.death_date or on)
    status = h.marital_status
    deaths = [p.death_date for p in h.parents if p.death_date is not None]
    if len(h.parents) == 2:
        assert {p.sex for p in h.parents} == {Sex.FEMALE, Sex.MALE}
        assert status is (MaritalStatus.WIDOWED if deaths else MaritalStatus.MARRIED)
        assert len(deaths) <= 1
    else:
        assert status in (MaritalStatus.WIDOWED, MaritalStatus.DIVORCED)
        assert not deaths
    couple = [m for m in h.marriages if len(m.spouses) == 2]
    assert len(couple) == (1 if len(h.parents) == 2 else 0)
    for marriage in h.marriages:
        for day in (marriage.married, marriage.ended):
            assert day is None or day <= on
        if marriage.married is not None:
            assert all(
                marriage.married >= turns(h.parents[i].birth_date, 20) for i in marriage.spouses
            )
        if couple and len(marriage.spouses) == 1:  # an earlier marriage of one of the couple
            assert marriage.ended is not None
            assert couple[0].married is not None
            assert marriage.ended <= couple[0].married
    births = [c.birth_date for c in h.children]
    assert births == sorted(births)
    for child in h.children:
        assert child.birth_date <= child.adopted_on <= on
        if child.resident_id is not None:
            assert encoded_birth_date(child.resident_id) == child.birth_date
            assert encoded_sex(child.resident_id) is child.sex
        own = h.parents_of(child)
        if child.parents is not None:  # a child of an earlier marriage of that parent
            (index,) = child.parents
            earlier = [m for m in h.marriages if m.spouses == (index,)]
            assert any(
                m.married is not None
                and m.ended is not None
                and m.married <= child.birth_date <= m.ended
                for m in earlier
            )
        elif couple and couple[0].married is not None:
            assert couple[0].married <= child.adopted_on
        for parent in (h.parents[i] for i in own):
            assert parent.birth_date < child.birth_date
            if child.link is ChildLink.BIRTH:
                age = parent.age_on(child.birth_date)
                assert age >= 20
                assert age <= (45 if parent.is_female else 60)
            else:
                assert child.adoption_date is not None
                assert parent.age_on(child.adoption_date) >= 30
                assert age_on(child.birth_date, child.adoption_date) <= 14
            assert parent.death_date is None or child.adopted_on <= parent.death_date
        if child.death_date is not None:
            assert child.adopted_on <= child.death_date <= on
        end = child.death_date or on
        for before, after in itertools.pairwise(child.disabilities):
            assert before.cancelled is not None
            assert before.cancelled <= after.issued
        for disability in child.disabilities:
            assert child.birth_date <= disability.issued <= end
            if disability.cancelled is not None:
                assert disability.issued <= disability.cancelled <= end
                assert child.adopted_on <= disability.cancelled
    for certificate in h.certificates:
        assert certificate.issued <= on
        if certificate.returned is not None:
            assert certificate.issued <= certificate.returned <= on
        if certificate.kind is CertificateKind.HONOUR_CERTIFICATE:
            assert len(h.children) == 1
            assert h.children[0].adopted_on <= certificate.issued
    if h.second_child_quota is not None:
        assert len(h.children) == 1
        quota = h.second_child_quota
        assert h.children[0].adopted_on <= quota.granted <= on
        assert quota.waived is None or quota.granted <= quota.waived <= on
    for deposit in h.deposits:
        assert deposit.amount > Money(0)
        assert deposit.paid <= on
        assert deposit.refunded is None or deposit.paid <= deposit.refunded <= on
    for confirmation in h.confirmations:
        parent = h.parents[confirmation.parent]
        assert turns(parent.birth_date, 20) <= confirmation.confirmed <= on
        assert parent.death_date is None or confirmation.confirmed <= parent.death_date


def assert_snapshot(h: Household) -> None:
    """What a version 1 document could say, and no more."""
    assert len(h.marriages) == 1
    assert all(not p.hukou_changes and p.death_date is None for p in h.parents)
    assert all(c.parents is None and len(c.disabilities) <= 1 for c in h.children)
    assert all(c.returned is None for c in h.certificates)
    assert h.confirmations == ()


# values ----------------------------------------------------------------------------------


@LIGHT
@given(fst.dates(dt.date(2016, 2, 1), pendulum.Date(2016, 3, 31)))
def test_dates_are_pendulum_dates_in_bounds(day: pendulum.Date) -> None:
    assert type(day) is pendulum.Date
    assert pendulum.Date(2016, 2, 1) <= day <= pendulum.Date(2016, 3, 31)


@LIGHT
@given(
    fst.months(Month(year=2015, month=11), Month(year=2016, month=2)),
    fst.quarters(Quarter(year=2015, quarter=4), Quarter(year=2016, quarter=1)),
    fst.years(2015, 2016),
)
def test_periods_in_bounds(month: Month, quarter: Quarter, year: Year) -> None:
    assert Month(year=2015, month=11) <= month <= Month(year=2016, month=2)
    assert str(quarter) in {"2015Q4", "2016Q1"}
    assert year.year in {2015, 2016}


@LIGHT
@given(fst.month_spans(Month(year=2016, month=1), Month(year=2016, month=12), max_months=5))
def test_month_spans_in_bounds(span: MonthSpan) -> None:
    assert 1 <= span.month_count <= 5
    assert span.first.year == span.last.year == 2016


@LIGHT
@given(fst.periods(2010, 2011))
def test_periods_any_kind(period: Month | Quarter | Year | MonthSpan) -> None:
    assert isinstance(period, Month | Quarter | Year | MonthSpan)
    assert period.start.year >= 2010
    assert period.end.year <= 2011


@LIGHT
@given(fst.money("-5.5", 10), fst.money())
def test_money_is_money(bounded: Money, free: Money) -> None:
    assert type(bounded) is Money
    assert type(free) is Money
    assert Money("-5.50") <= bounded <= Money(10)


@LIGHT
@given(fst.money(), fst.ratios())
def test_ratios_allocate(total: Money, ratios: dict[str, int | Decimal | Fraction]) -> None:
    assert all(weight >= 0 for weight in ratios.values())
    assert any(weight != 0 for weight in ratios.values())
    assert sum(allocate(total, ratios).values()) == total


@LIGHT
@given(fst.resident_ids(), fst.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), st.data())
def test_resident_ids_valid(resident_id: str, born: pendulum.Date, data: st.DataObject) -> None:
    assert resident_id_problems(resident_id) == []
    sex = data.draw(st.sampled_from(Sex))
    fixed = data.draw(fst.resident_ids(birth_date=born, sex=sex))
    assert resident_id_problems(fixed) == []
    assert encoded_birth_date(fixed) == born
    assert encoded_sex(fixed) is sex


def test_resident_ids_reach_check_character_x() -> None:
    found = find(
        fst.resident_ids(), lambda rid: rid.endswith("X"), settings=settings(database=None)
    )
    assert resident_id_problems(found) == []


# people ----------------------------------------------------------------------------------


@LIGHT
@given(fst.persons(sex=Sex.MALE, hukou=Hukou.URBAN, village="371121105203", allow_death=False))
def test_persons_knobs(person: Person) -> None:
    assert attrs.evolve(person) == person
    assert person.sex is Sex.MALE
    assert person.hukou is Hukou.URBAN
    assert person.residence == Residence(township="371121105", village="371121105203")
    assert person.death_date is None
    assert pendulum.Date(1920, 1, 1) <= person.birth_date <= fst.DEFAULT_ON


@LIGHT
@given(fst.persons(on=pendulum.Date(1990, 6, 1)))
def test_persons_dead_before_on(person: Person) -> None:
    assert person.birth_date <= pendulum.Date(1990, 6, 1)
    assert person.death_date is None or person.death_date <= pendulum.Date(1990, 6, 1)


@LIGHT
@given(fst.children(on=pendulum.Date(2010, 1, 1)))
def test_children_valid(child: Child) -> None:
    assert attrs.evolve(child) == child
    on = pendulum.Date(2010, 1, 1)
    assert child.birth_date <= child.adopted_on <= on
    assert child.death_date is None or child.adopted_on <= child.death_date <= on


@LIGHT
@given(fst.children(link=ChildLink.ADOPTION, sex=Sex.FEMALE))
def test_children_knobs(child: Child) -> None:
    assert child.link is ChildLink.ADOPTION
    assert child.sex is Sex.FEMALE


@LIGHT
@given(fst.disabilities(), fst.certificates(), fst.deposits(), fst.second_child_quotas())
def test_records_valid(
    disability: Disability, certificate: Certificate, deposit: Deposit, quota: SecondChildQuota
) -> None:
    assert 1 <= disability.grade <= 4
    for record in (disability, certificate, deposit, quota):
        assert attrs.evolve(record) == record


# households ------------------------------------------------------------------------------


@HEAVY
@given(fst.households())
def test_households_coherent(h: Household) -> None:
    assert_coherent(h, fst.DEFAULT_ON)


@HEAVY
@given(fst.households(snapshot=True))
def test_snapshot_households(h: Household) -> None:
    assert_coherent(h, fst.DEFAULT_ON)
    assert_snapshot(h)
    assert fst.v1_document(h)["schema_version"] == 1


def test_v1_document_refuses_a_history() -> None:
    from fpcore.model import sample_history

    with pytest.raises(ValueError, match="hukou changes"):
        fst.v1_document(sample_history())


@HEAVY
@given(st.data())
def test_households_knobs(data: st.DataObject) -> None:
    on = data.draw(fst.dates(dt.date(1960, 1, 1), dt.date(2030, 12, 31)), label="on")
    status = data.draw(st.sampled_from(MaritalStatus), label="status")
    hukou = data.draw(st.sampled_from(Hukou), label="hukou")
    low = data.draw(st.integers(0, 3), label="min_children")
    high = data.draw(st.integers(low, 4), label="max_children")
    h = data.draw(
        fst.households(
            on=on,
            min_children=low,
            max_children=high,
            marital_status=status,
            hukou=hukou,
            village="371121103202",
            min_parent_age=25,
            max_parent_age=60,
        )
    )
    assert_coherent(h, on)
    assert h.marital_status is status
    assert all(p.hukou is hukou and not p.hukou_changes for p in h.parents)
    assert low <= len(h.children) <= high
    assert h.village == "371121103202"
    assert all(25 <= p.age_on(on) <= 60 for p in h.parents)


@HEAVY
@given(
    fst.households(
        min_children=2, allow_adoption=False, allow_child_death=False, allow_disability=False
    )
)
def test_households_switches(h: Household) -> None:
    assert len(h.children) >= 2
    for child in h.children:
        assert child.link is ChildLink.BIRTH
        assert child.death_date is None
        assert child.disabilities == ()


def test_households_cover_every_kind_of_record() -> None:
    """Each kind of record is reachable (the strategy is not stuck on simple cases)."""
    wanted: dict[str, Any] = {
        "adoption": lambda h: any(c.link is ChildLink.ADOPTION for c in h.children),
        "honour": lambda h: h.honour_certificate is not None,
        "waived": lambda h: h.second_child_quota is not None and h.second_child_quota.waived,
        "deposit refunded": lambda h: any(d.refunded for d in h.deposits),
        "disabled child": lambda h: any(c.disabilities for c in h.children),
        "reissued certificate": lambda h: any(len(c.disabilities) > 1 for c in h.children),
        "recovered": lambda h: any(
            c.disabilities and c.disabilities[-1].cancelled for c in h.children
        ),
        "hukou change": lambda h: any(p.hukou_changes for p in h.parents),
        "earlier marriage": lambda h: len(h.parents) == 2 and len(h.marriages) > 1,
        "child of one parent": lambda h: any(c.parents is not None for c in h.children),
        "spouse died": lambda h: any(p.death_date for p in h.parents),
        "end not recorded": lambda h: any(m.end_unknown for m in h.marriages),
        "undated marriage": lambda h: any(m.married is None for m in h.marriages),
        "returned": lambda h: any(c.returned for c in h.certificates),
        "confirmed": lambda h: bool(h.confirmations),
        "dead child": lambda h: any(c.death_date for c in h.children),
        "widowed": lambda h: h.marital_status is MaritalStatus.WIDOWED,
        "divorced": lambda h: h.marital_status is MaritalStatus.DIVORCED,
        "no id": lambda h: any(p.resident_id is None for p in h.parents),
        "urban": lambda h: any(p.hukou is Hukou.URBAN for p in h.parents),
        "three children": lambda h: len(h.children) == 3,
    }
    seen: set[str] = set()

    @settings(max_examples=300, database=None, deadline=None, derandomize=True)
    @given(fst.households())
    def collect(h: Household) -> None:
        seen.update(name for name, condition in wanted.items() if condition(h))

    collect()
    assert seen == set(wanted)


@LIGHT
@given(fst.counties())
def test_counties_valid(county: County) -> None:
    assert attrs.evolve(county) == county
    for township in county.townships:
        for village in township.villages:
            assert county.township_of(village.code) == township


# shrink targets (as the docstrings say) --------------------------------------------------


def test_simplest_household() -> None:
    h = simplest(fst.households())
    assert h.marital_status is MaritalStatus.MARRIED
    assert [(p.sex, p.hukou, p.birth_date) for p in h.parents] == [
        (Sex.FEMALE, Hukou.RURAL, pendulum.Date(1970, 1, 1)),
        (Sex.MALE, Hukou.RURAL, pendulum.Date(1970, 1, 1)),
    ]
    assert all(p.resident_id is not None for p in h.parents)
    assert all(p.hukou_changes == () for p in h.parents)
    assert h.marriages == (Marriage(spouses=(0, 1), married=pendulum.Date(1990, 1, 1)),)
    assert h.village == "371121100201"
    assert (h.children, h.certificates, h.second_child_quota, h.deposits) == ((), (), None, ())
    assert h.confirmations == ()


def test_simplest_household_for_old_records() -> None:
    """When 1970 is not allowed, the births move to the nearest allowed day."""
    h = simplest(fst.households(on=pendulum.Date(1985, 6, 30)))
    assert [p.birth_date for p in h.parents] == [pendulum.Date(1965, 6, 30)] * 2


def test_simplest_values() -> None:
    assert simplest(fst.dates()) == pendulum.Date(2000, 1, 1)
    assert simplest(fst.months()) == Month(year=2000, month=1)
    assert simplest(fst.month_spans()) == MonthSpan.parse("2000-01..2000-01")
    assert simplest(fst.periods()) == Month(year=2000, month=1)
    assert simplest(fst.money()) == Money(0)
    assert simplest(fst.ratios()) == {"a": 1}
    assert simplest(fst.resident_ids()) == "371121197001010002"


def test_simplest_people() -> None:
    person = simplest(fst.persons())
    assert (person.name, person.sex, person.hukou) == ("王丽", Sex.FEMALE, Hukou.RURAL)
    assert person.birth_date == pendulum.Date(1970, 1, 1)
    assert person.death_date is None
    assert person.resident_id == "371121197001010002"
    child = simplest(fst.children())
    assert (child.sex, child.link, child.birth_date) == (
        Sex.MALE,
        ChildLink.BIRTH,
        pendulum.Date(2000, 1, 1),
    )
    assert child.within_policy
    assert child.resident_id is None
    assert child.disabilities == ()
    assert child.parents is None
    assert simplest(fst.hukou_changes()) == ()
    assert simplest(fst.marriages()) == Marriage(spouses=(0, 1), married=pendulum.Date(1970, 1, 1))
    assert simplest(fst.confirmations()).confirmed == pendulum.Date(2008, 1, 1)
    county = simplest(fst.counties())
    assert county.code == "371121"
    assert county.village_count == 1


# bad arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: fst.dates(dt.date(2000, 1, 2), dt.date(2000, 1, 1)),
        lambda: fst.months(Month(year=2000, month=2), Month(year=2000, month=1)),
        lambda: fst.month_spans(max_months=0),
        lambda: fst.ratios(min_size=0),
        lambda: fst.households(min_children=3, max_children=2),
        lambda: fst.households(min_parent_age=15),
        lambda: fst.households(village="3711"),
        lambda: fst.persons(min_birth_date=dt.date(2030, 1, 1)),
        lambda: fst.children(max_birth_date=dt.date(1940, 1, 1)),
        lambda: fst.counties(max_townships=0),
    ],
)
def test_bad_arguments_are_reported(make: Any) -> None:
    with pytest.raises(InvalidArgument):
        make()


# registration and import cost ------------------------------------------------------------

REGISTERED = [
    Money,
    Month,
    Quarter,
    Year,
    MonthSpan,
    Residence,
    Person,
    Disability,
    Child,
    Certificate,
    SecondChildQuota,
    Deposit,
    Household,
    Marriage,
    Confirmation,
    County,
    Township,
    Village,
]


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.__name__)
def test_plugin_registers(cls: type) -> None:
    _register()
    found = find(st.from_type(cls), lambda _: True, settings=SIMPLEST)
    assert type(found) is cls


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_from_type_household_is_coherent(data: st.DataObject) -> None:
    _register()
    assert_coherent(data.draw(st.from_type(Household)), fst.DEFAULT_ON)


def test_entry_point_names_the_plugin() -> None:
    points = [
        point
        for point in importlib.metadata.entry_points(group="hypothesis")
        if point.value.startswith("fpcore.")
    ]
    if not points:
        pytest.skip("the hypothesis entry point is not in the installed metadata yet")
    assert [p.value for p in points] == ["fpcore.testing._hypothesis_plugin:_register"]


def test_core_never_imports_hypothesis() -> None:
    code = (
        "import sys, fpcore, fpcore.model, fpcore.serialization; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'hypothesis'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


HELPERS = {"v1_document"}  # functions beside the strategies, not strategies


def test_public_api_is_sorted_and_documented() -> None:
    import fpcore.testing

    assert fpcore.testing.__all__ == ["cases", "strategies"]
    assert fst.__all__ == sorted(fst.__all__)
    for name in fst.__all__:
        value = getattr(fst, name)
        if callable(value):
            assert value.__doc__, name
            assert "Example:" in value.__doc__, name
            if name not in HELPERS:
                assert "Shrinks towards" in value.__doc__, name
