"""The planned-birth deposit refund ledger (计划生育保证金退还台账)."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import pendulum

from fpcore.errors import InvalidInput, InvalidTransition, Problem, UnknownName
from fpcore.model import Household
from fpcore.money import ZERO, Money


@attrs.frozen(kw_only=True)
class DepositEntry:
    """One deposit: who paid it, the receipt, the amount, when paid and when refunded."""

    household_id: str
    receipt: str
    amount: Money
    paid: pendulum.Date
    refunded: pendulum.Date | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.amount, Money) or self.amount <= ZERO:
            problems.append(Problem("amount", f"{self.amount!r} is not a positive amount"))
        if self.refunded is not None and self.refunded < self.paid:
            problems.append(Problem("refunded", f"{self.refunded} is before the payment"))
        for name in ("household_id", "receipt"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(name, f"{value!r} is not a non-empty text"))
        if problems:
            raise InvalidInput(problems)

    def outstanding_on(self, day: pendulum.Date) -> bool:
        """Whether the deposit is held on ``day`` (paid, not yet refunded)."""
        return self.paid <= day and (self.refunded is None or day < self.refunded)


@attrs.frozen(kw_only=True)
class RefundCheck:
    """Whether every deposit paid by a deadline was refunded by it.

    ``outstanding`` lists the deposits still held at the end of the deadline day.
    """

    deadline: pendulum.Date
    deposits: int
    total_deposited: Money
    total_refunded: Money
    outstanding: tuple[DepositEntry, ...]

    @property
    def all_refunded(self) -> bool:
        """Whether nothing was outstanding after the deadline."""
        return not self.outstanding

    @property
    def outstanding_amount(self) -> Money:
        """What was still held after the deadline."""
        return sum((e.amount for e in self.outstanding), ZERO)

    def __str__(self) -> str:
        state = (
            "all refunded"
            if self.all_refunded
            else (f"{len(self.outstanding)} outstanding ({self.outstanding_amount})")
        )
        return (
            f"{self.deposits} deposits, {self.total_deposited} deposited, "
            f"{self.total_refunded} refunded by {self.deadline}: {state}"
        )


def _to_entries(entries: Iterable[DepositEntry]) -> tuple[DepositEntry, ...]:
    return tuple(entries)


@attrs.frozen(kw_only=True)
class DepositLedger:
    """The ledger of planned-birth deposits (计划生育保证金) and their refunds.

    Deposits are no policy amount: the county report only says all of them, 1,226,900
    yuan, were refunded by 30 October. The ledger is immutable: :meth:`refund`
    returns a new ledger. Receipts are unique.

    Example:
        >>> from fpcore.model import sample_household
        >>> ledger = DepositLedger.from_households([sample_household()])
        >>> print(ledger.check_refunded_by(pendulum.Date(2008, 10, 30)))
        1 deposits, 500.00 deposited, 500.00 refunded by 2008-10-30: all refunded
        >>> ledger.outstanding_amount(pendulum.Date(2008, 10, 1))
        Money('500.00')
    """

    entries: tuple[DepositEntry, ...] = attrs.field(converter=_to_entries, default=())

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        problems: list[Problem] = []
        for index, entry in enumerate(self.entries):
            if not isinstance(entry, DepositEntry):
                problems.append(Problem(f"entries[{index}]", "expected a DepositEntry"))
            elif entry.receipt in seen:
                problems.append(
                    Problem(f"entries[{index}].receipt", f"{entry.receipt} is listed twice")
                )
            else:
                seen.add(entry.receipt)
        if problems:
            raise InvalidInput(problems)

    @classmethod
    def from_households(cls, households: Iterable[Household]) -> DepositLedger:
        """The deposits recorded on households (a receipt-less deposit gets
        ``<household_id>#<n>``)."""
        entries = [
            DepositEntry(
                household_id=household.household_id,
                receipt=deposit.receipt or f"{household.household_id}#{index + 1}",
                amount=deposit.amount,
                paid=deposit.paid,
                refunded=deposit.refunded,
            )
            for household in households
            for index, deposit in enumerate(household.deposits)
        ]
        return cls(entries=entries)

    def entry(self, receipt: str) -> DepositEntry:
        """The deposit with a receipt number.

        Raises:
            UnknownName: no deposit has this receipt.
        """
        for entry in self.entries:
            if entry.receipt == receipt:
                return entry
        raise UnknownName("deposit receipt", receipt)

    def record(self, entry: DepositEntry) -> DepositLedger:
        """A new ledger with one more deposit (receipts must stay unique)."""
        return DepositLedger(entries=(*self.entries, entry))

    def refund(self, receipt: str, on: pendulum.Date) -> DepositLedger:
        """A new ledger in which the deposit with ``receipt`` was refunded on ``on``.

        Raises:
            UnknownName: no such receipt.
            InvalidTransition: it was already refunded, or ``on`` is before it was paid.
        """
        entry = self.entry(receipt)
        if entry.refunded is not None:
            raise InvalidTransition(f"deposit {receipt} was already refunded on {entry.refunded}")
        if on < entry.paid:
            raise InvalidTransition(f"deposit {receipt} was paid on {entry.paid}, after {on}")
        refunded = attrs.evolve(entry, refunded=on)
        return DepositLedger(
            entries=tuple(refunded if e.receipt == receipt else e for e in self.entries)
        )

    @property
    def total_deposited(self) -> Money:
        """All deposits ever paid."""
        return sum((e.amount for e in self.entries), ZERO)

    def refunded_by(self, day: pendulum.Date) -> Money:
        """What was refunded on or before ``day``."""
        return sum(
            (e.amount for e in self.entries if e.refunded is not None and e.refunded <= day),
            ZERO,
        )

    def outstanding_on(self, day: pendulum.Date) -> tuple[DepositEntry, ...]:
        """Deposits held on ``day``."""
        return tuple(e for e in self.entries if e.outstanding_on(day))

    def outstanding_amount(self, day: pendulum.Date) -> Money:
        """What was held on ``day``."""
        return sum((e.amount for e in self.outstanding_on(day)), ZERO)

    def check_refunded_by(self, deadline: pendulum.Date) -> RefundCheck:
        """Whether every deposit paid by ``deadline`` was refunded by the end of it."""
        due = [e for e in self.entries if e.paid <= deadline]
        late = tuple(e for e in due if e.refunded is None or e.refunded > deadline)
        return RefundCheck(
            deadline=deadline,
            deposits=len(due),
            total_deposited=sum((e.amount for e in due), ZERO),
            total_refunded=self.refunded_by(deadline),
            outstanding=late,
        )
