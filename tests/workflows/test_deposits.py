"""The deposit refund ledger: the report's 1,226,900 yuan refunded by 30 October."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fpcore.errors import InvalidInput, InvalidTransition, UnknownName
from fpcore.model import sample_household
from fpcore.money import Money, split
from fpcore.workflows import DepositEntry, DepositLedger, workflow_converter
from tests.workflows.helpers import D

DEADLINE = D(2008, 10, 30)


def report_ledger(refund_last_on: pendulum.Date = DEADLINE) -> DepositLedger:
    """1,226,900 yuan in 997 deposits, refunded from August to ``refund_last_on``."""
    amounts = split(Money("1226900"), 997)
    entries = [
        DepositEntry(
            household_id=f"HH-{n:04d}",
            receipt=f"BZJ-{n:04d}",
            amount=amount,
            paid=D(1995 + n % 12, 1 + n % 12, 1 + n % 28),
            refunded=D(2008, 8, 1).add(days=n % 60) if n else refund_last_on,
        )
        for n, amount in enumerate(amounts)
    ]
    return DepositLedger(entries=entries)


def test_all_refunded_by_the_deadline_as_in_the_report() -> None:
    check = report_ledger().check_refunded_by(DEADLINE)
    assert check.all_refunded
    assert check.deposits == 997
    assert check.total_deposited == Money("1226900")
    assert check.total_refunded == Money("1226900")
    assert str(check) == (
        "997 deposits, 1226900.00 deposited, 1226900.00 refunded by 2008-10-30: all refunded"
    )


def test_one_late_refund_is_outstanding_at_the_deadline() -> None:
    ledger = report_ledger(refund_last_on=D(2008, 10, 31))
    check = ledger.check_refunded_by(DEADLINE)
    assert not check.all_refunded
    assert [e.receipt for e in check.outstanding] == ["BZJ-0000"]
    assert check.total_refunded + check.outstanding_amount == check.total_deposited
    assert "1 outstanding" in str(check)


def test_refunds_return_a_new_ledger() -> None:
    ledger = DepositLedger().record(
        DepositEntry(household_id="HH-1", receipt="R1", amount=Money("500"), paid=D(2000, 1, 1))
    )
    assert ledger.outstanding_amount(D(2008, 1, 1)) == Money("500")
    refunded = ledger.refund("R1", D(2008, 10, 20))
    assert ledger.entry("R1").refunded is None
    assert refunded.entry("R1").refunded == D(2008, 10, 20)
    assert refunded.outstanding_on(D(2008, 10, 20)) == ()
    assert refunded.refunded_by(D(2008, 10, 19)) == Money(0)
    assert refunded.check_refunded_by(DEADLINE).all_refunded
    with pytest.raises(InvalidTransition, match="already refunded"):
        refunded.refund("R1", D(2008, 10, 21))
    with pytest.raises(InvalidTransition, match="paid on 2000-01-01"):
        ledger.refund("R1", D(1999, 1, 1))
    with pytest.raises(UnknownName):
        ledger.refund("R2", D(2008, 1, 1))


def test_receipts_are_unique_and_entries_valid() -> None:
    entry = DepositEntry(household_id="HH-1", receipt="R1", amount=Money("5"), paid=D(2000, 1, 1))
    with pytest.raises(InvalidInput, match="listed twice"):
        DepositLedger(entries=[entry, entry])
    with pytest.raises(InvalidInput) as caught:
        DepositEntry(
            household_id="",
            receipt="R",
            amount=Money("0"),
            paid=D(2000, 1, 1),
            refunded=D(1999, 1, 1),
        )
    assert {p.path for p in caught.value.problems} == {"amount", "refunded", "household_id"}


def test_from_households() -> None:
    ledger = DepositLedger.from_households([sample_household()])
    assert [e.receipt for e in ledger.entries] == ["BZJ-1998-0456"]
    assert ledger.total_deposited == Money("500")


@given(
    refunds=st.lists(st.integers(0, 400), min_size=1, max_size=30),
    day=st.dates(min_value=dt.date(2007, 12, 1), max_value=dt.date(2009, 6, 30)),
)
def test_refunded_plus_outstanding_is_what_was_paid(refunds: list[int], day: dt.date) -> None:
    on = pendulum.Date(day.year, day.month, day.day)
    entries = [
        DepositEntry(
            household_id=f"HH-{n}",
            receipt=f"R{n}",
            amount=Money(100 + n),
            paid=D(2000, 1, 1),
            refunded=D(2008, 1, 1).add(days=offset) if offset < 365 else None,
        )
        for n, offset in enumerate(refunds)
    ]
    ledger = DepositLedger(entries=entries)
    assert ledger.refunded_by(on) + ledger.outstanding_amount(on) == ledger.total_deposited
    check = ledger.check_refunded_by(on)
    assert check.all_refunded == (ledger.outstanding_amount(on) == Money(0))


def test_ledger_round_trips_through_the_workflow_converter() -> None:
    converter = workflow_converter()
    ledger = report_ledger()
    data = converter.unstructure(ledger)
    assert data["entries"][0]["amount"] == "1230.60"
    assert converter.structure(data, DepositLedger) == ledger
