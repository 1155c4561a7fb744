"""Payment registers: lines, sums to the fen, payer shares, arrears, masking."""

from __future__ import annotations

import csv
import io

import attrs
import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.model import Household, sample_county, sample_household
from fpcore.money import ZERO, Money
from fpcore.periods import Period, Quarter, Year, parse_period
from fpcore.policies import get
from fpcore.testing.strategies import households
from fpcore.workflows import (
    Application,
    BackPay,
    Copy,
    LineKind,
    PaymentRegister,
    payment_register,
    sample_applicant,
)
from tests.workflows.helpers import D

COUNTY = get("county")


def granted_late(
    submitted_on: pendulum.Date | None = None, household: Household | None = None
) -> Application:
    """The mother's application, made in November 2007, granted on 2008-05-10."""
    app = Application.submit(
        application_id="TF-2007-031",
        household=household or sample_applicant(),
        benefit="special_assistance",
        on=submitted_on or D(2007, 11, 20),
    )
    for day in (D(2008, 3, 5), D(2008, 3, 10), D(2008, 3, 20), D(2008, 4, 20)):
        app = app.approve(day)
    return app.post_notice(D(2008, 4, 25)).grant(D(2008, 5, 10))


def mother_lines(register: PaymentRegister) -> list[tuple[str, str, str]]:
    return [
        (x.kind.value, x.months_text, str(x.amount))
        for x in register.lines
        if x.beneficiary == "mother"
    ]


def test_lines_by_township_and_village_with_totals() -> None:
    register = payment_register(
        [sample_household(), sample_applicant()],
        COUNTY,
        parse_period("2008Q2"),
        county=sample_county(),
    )
    assert [(x.village, x.beneficiary, x.benefit) for x in register.lines] == [
        ("洪凝1村", "HN-0001", "only_child_reward"),
        ("洪凝2村", "father", "special_assistance"),
        ("洪凝2村", "mother", "special_assistance"),
    ]
    assert register.total == Money("660")
    assert register.by_township() == {"371121100": Money("660")}
    assert register.by_village() == {"371121100201": Money("60"), "371121100202": Money("600")}
    assert register.by_benefit() == {
        "only_child_reward": Money("60"),
        "special_assistance": Money("600"),
    }
    assert sum(register.by_payer().values(), ZERO) == register.total
    assert register.arrears == ZERO


def test_arrears_for_a_late_confirmation_are_the_back_months_the_rules_allow() -> None:
    app = granted_late()
    register = payment_register(
        [sample_applicant()], COUNTY, Quarter(year=2008, quarter=2), applications=[app]
    )
    # the rules give special assistance from 2008-01 (the scheme's start); the
    # application was made in 2007-11, the grant came in 2008-05
    assert mother_lines(register) == [
        ("arrears", "2008-01..2008-04", "400.00"),
        ("regular", "2008-05..2008-06", "200.00"),
    ]
    assert register.arrears == Money("400")
    text = register.to_text()
    assert "补发 2008-01..2008-04  400.00" in text


def test_back_pay_from_the_grant_pays_no_arrears() -> None:
    register = payment_register(
        [sample_applicant()],
        COUNTY,
        Quarter(year=2008, quarter=2),
        applications=[granted_late()],
        back_pay=BackPay.FROM_GRANT,
    )
    assert mother_lines(register) == [("regular", "2008-05..2008-06", "200.00")]


def test_back_pay_from_an_application_made_after_the_rules_start() -> None:
    register = payment_register(
        [sample_applicant()],
        COUNTY,
        Quarter(year=2008, quarter=2),
        applications=[granted_late(D(2008, 3, 3))],
    )
    assert mother_lines(register) == [
        ("arrears", "2008-03..2008-04", "200.00"),
        ("regular", "2008-05..2008-06", "200.00"),
    ]


def test_a_loss_after_49_is_paid_from_the_grant_that_confirms_it() -> None:
    # the son died on 2007-11-01, when the mother was 51: paid from confirmation (资格确认,
    # domain.md 3.2), the grant of 2008-05-10, though the household record lacks it
    household = sample_applicant()
    (son,) = household.children
    late = attrs.evolve(household, children=(attrs.evolve(son, death_date=D(2007, 11, 1)),))
    app = granted_late(household=late)
    register = payment_register([late], COUNTY, Year(year=2008), applications=[app])
    assert mother_lines(register) == [("regular", "2008-05..2008-12", "800.00")]
    assert payment_register([late], COUNTY, Year(year=2008)).lines == ()


def test_payment_waits_for_the_grant_and_arrears_are_paid_once() -> None:
    app = granted_late()
    before = payment_register(
        [sample_applicant()], COUNTY, Quarter(year=2008, quarter=1), applications=[app]
    )
    assert mother_lines(before) == []
    assert [x.beneficiary for x in before.lines] == ["father"]
    after = payment_register(
        [sample_applicant()], COUNTY, Quarter(year=2008, quarter=3), applications=[app]
    )
    assert mother_lines(after) == [("regular", "2008-07..2008-09", "300.00")]
    year = payment_register([sample_applicant()], COUNTY, Year(year=2008), applications=[app])
    assert mother_lines(year) == [
        ("arrears", "2008-01..2008-04", "400.00"),
        ("regular", "2008-05..2008-12", "800.00"),
    ]


def test_an_open_or_rejected_application_pays_nothing() -> None:
    open_app = Application.submit(
        application_id="TF-9",
        household=sample_applicant(),
        benefit="special_assistance",
        on=D(2008, 1, 10),
    )
    rejected = open_app.reject(D(2008, 1, 20), "材料不实")
    for app in (open_app, rejected):
        register = payment_register(
            [sample_applicant()], COUNTY, Year(year=2008), applications=[app]
        )
        assert mother_lines(register) == []
        withheld = [w for w in register.withheld if w.beneficiary == "mother"]
        assert [w.application_id for w in withheld] == ["TF-9"]
        reason = "awaiting grant" if app is open_app else "application refused"
        assert withheld[0].reason.startswith(reason)
        assert withheld[0].amount > ZERO
        assert f"TF-9: {withheld[0].reason}" in register.to_text()


def test_public_copies_are_masked_and_office_copies_full() -> None:
    register = payment_register([sample_household()], COUNTY, Year(year=2008))
    mother = sample_household().parents[0]
    assert mother.resident_id is not None
    for rendering in (register.to_text(), register.to_csv()):
        assert "张*娟" in rendering
        assert mother.name not in rendering
        assert mother.resident_id not in rendering
    office = register.to_csv(Copy.OFFICE)
    assert mother.name in office
    assert mother.resident_id in office
    assert "paying office copy" in register.to_text(Copy.OFFICE)


def test_csv_rows_add_up_to_the_total() -> None:
    register = payment_register([sample_household(), sample_applicant()], COUNTY, Year(year=2009))
    rows = list(csv.DictReader(io.StringIO(register.to_csv())))
    assert len(rows) == len(register.lines)
    assert sum((Money(r["amount"]) for r in rows), ZERO) == register.total
    assert {r["signature"] for r in rows} == {""}


@settings(max_examples=30)
@given(
    population=st.lists(households(on=pendulum.Date(2020, 12, 31)), max_size=4),
    period=st.one_of(
        st.builds(Quarter, year=st.integers(2005, 2020), quarter=st.integers(1, 4)),
        st.builds(Year, year=st.integers(2005, 2020)),
    ),
)
def test_totals_are_sums_of_lines_and_public_copies_never_leak(
    population: list[Household], period: Period
) -> None:
    unique = list({h.household_id: h for h in population}.values())
    register = payment_register(unique, COUNTY, period, county=sample_county())
    assert register.total == sum((x.amount for x in register.lines), ZERO)
    for totals in (register.by_township(), register.by_village(), register.by_benefit()):
        assert sum(totals.values(), ZERO) == register.total
    assert sum(register.by_payer().values(), ZERO) == register.total
    for benefit, total in register.by_benefit().items():
        shares = [s.amount for s in register.shares if s.benefit == benefit]
        assert sum(shares, ZERO) == total
    for line in register.lines:
        assert line.amount > ZERO
        assert all(period.contains(m) for m in line.months) or line.kind is LineKind.ARREARS
    public = register.to_text() + register.to_csv()
    for household in unique:
        for parent in household.parents:
            assert parent.name not in public
            if parent.resident_id is not None:
                assert parent.resident_id not in public


def test_arrears_are_paid_even_when_nothing_is_due_in_the_period() -> None:
    # the mother dies in June 2008, after the grant: Q3 pays nothing regular, but a
    # grant in Q3 would still owe the back months
    mother = attrs.evolve(sample_applicant().parents[0], death_date=D(2008, 6, 15))
    household = attrs.evolve(sample_applicant(), parents=(mother, sample_applicant().parents[1]))
    app = Application.submit(
        application_id="TF-L",
        household=household,
        benefit="special_assistance",
        on=D(2008, 2, 1),
    )
    for day in (D(2008, 3, 5), D(2008, 3, 10), D(2008, 3, 20), D(2008, 6, 1)):
        app = app.approve(day)
    app = app.post_notice(D(2008, 6, 2)).grant(D(2008, 7, 2))
    register = payment_register(
        [household], COUNTY, Quarter(year=2008, quarter=3), applications=[app]
    )
    assert mother_lines(register) == [("arrears", "2008-02..2008-06", "500.00")]
