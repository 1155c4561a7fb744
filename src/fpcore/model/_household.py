"""The family-planning household (计划生育家庭) and what it holds."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pendulum

from fpcore.errors import shown
from fpcore.model._checks import Collector, to_date, to_optional_date, to_tuple
from fpcore.model._enums import CertificateKind, ChildLink, MaritalStatus, Sex
from fpcore.model._limits import MAX_CERTIFICATES, MAX_CHILDREN, MAX_DEPOSITS, MAX_PARENTS
from fpcore.model._people import Child, Person
from fpcore.money import Money

#: A mother or father younger than this at a birth is taken to be an input error.
MIN_PARENT_AGE_AT_BIRTH = 12


@attrs.frozen(kw_only=True)
class Certificate:
    """A certificate issued to the household: honour certificate, birth permit, handbook.

    Example:
        >>> Certificate(kind=CertificateKind.HONOUR_CERTIFICATE, number="鲁0001",
        ...             issued=pendulum.Date(2000, 3, 1)).kind.value
        'honour_certificate'
    """

    kind: CertificateKind
    number: str
    issued: pendulum.Date = attrs.field(converter=to_date)

    def __attrs_post_init__(self) -> None:
        check = Collector()
        check.choice("kind", self.kind, CertificateKind)
        check.text("number", self.number)
        check.date("issued", self.issued)
        check.raise_if_any()


@attrs.frozen(kw_only=True)
class SecondChildQuota:
    """A second-child birth quota (二孩生育指标) and its voluntary waiver (自愿放弃).

    Couples who waive the quota receive the only-child reward at double rate (a county
    practice) from the month of the waiver.
    """

    granted: pendulum.Date = attrs.field(converter=to_date)
    waived: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)

    def __attrs_post_init__(self) -> None:
        check = Collector()
        granted_ok = check.date("granted", self.granted)
        if check.date("waived", self.waived, optional=True) and granted_ok:
            assert self.waived is not None
            if self.waived < self.granted:
                check.add("waived", f"{self.waived} is before the quota was granted")
        check.raise_if_any()


@attrs.frozen(kw_only=True)
class Deposit:
    """A planned-birth deposit (计划生育保证金) paid by the household, and its refund.

    Example:
        >>> Deposit(amount=Money("500"), paid=pendulum.Date(2005, 3, 1)).outstanding_on(
        ...     pendulum.Date(2008, 1, 1))
        True
    """

    amount: Money
    paid: pendulum.Date = attrs.field(converter=to_date)
    refunded: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)
    receipt: str | None = None

    def __attrs_post_init__(self) -> None:
        check = Collector()
        if not isinstance(self.amount, Money):
            check.add("amount", f"{shown(self.amount)} is not Money")
        elif self.amount.fen <= 0:
            check.add("amount", f"{self.amount} is not a positive amount")
        paid_ok = check.date("paid", self.paid)
        if check.date("refunded", self.refunded, optional=True) and paid_ok:
            assert self.refunded is not None
            if self.refunded < self.paid:
                check.add("refunded", f"{self.refunded} is before the deposit was paid")
        check.text("receipt", self.receipt, optional=True)
        check.raise_if_any()

    def outstanding_on(self, day: pendulum.Date) -> bool:
        """Whether the deposit is held on ``day``: paid and not yet refunded."""
        return self.paid <= day and (self.refunded is None or day < self.refunded)


@attrs.frozen(kw_only=True)
class Household:
    """A family-planning household: one or two parents, their children and records.

    The constructor checks the fields and their agreement and reports every problem
    at once (:class:`~fpcore.errors.InvalidInput`, with paths like
    ``children[1].birth_date``). What-ifs use ``attrs.evolve``, which checks again.
    A household holds at most 2 parents and 100 children, certificates and deposits
    (:data:`~fpcore.model.MAX_CHILDREN` and the other limits), so every evaluation is
    bounded.

    Args:
        household_id: the bureau's key for the household (户编号).
        village: the 12-digit code of the village the household belongs to.
        parents: the couple, or the single parent of a widowed or divorced family.
        marital_status: married (two parents), widowed or divorced (one parent).
        married: date of the marriage, if known.
        status_since: for a widowed or divorced parent, since when.
        children: children by birth or lawful adoption.
        certificates: honour certificate, birth permits, service handbook.
        second_child_quota: a granted second-child quota, possibly waived.
        deposits: planned-birth deposits and their refunds.

    Example:
        >>> from fpcore.model import sample_household
        >>> h = sample_household()
        >>> h.mother.name, len(h.children), h.honour_certificate.issued
        ('张秀娟', 1, Date(2000, 3, 15))
    """

    household_id: str
    village: str
    parents: tuple[Person, ...] = attrs.field(converter=to_tuple)
    marital_status: MaritalStatus = MaritalStatus.MARRIED
    married: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)
    status_since: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)
    children: tuple[Child, ...] = attrs.field(default=(), converter=to_tuple)
    certificates: tuple[Certificate, ...] = attrs.field(default=(), converter=to_tuple)
    second_child_quota: SecondChildQuota | None = None
    deposits: tuple[Deposit, ...] = attrs.field(default=(), converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        check = Collector()
        check.text("household_id", self.household_id)
        if check.text("village", self.village) and not (
            self.village.isascii() and self.village.isdigit() and len(self.village) == 12
        ):
            check.add("village", f"{shown(self.village)} is not a 12-digit village code")
        parents_ok = check.items("parents", self.parents, Person, at_most=MAX_PARENTS)
        children_ok = check.items("children", self.children, Child, at_most=MAX_CHILDREN)
        check.items("certificates", self.certificates, Certificate, at_most=MAX_CERTIFICATES)
        check.items("deposits", self.deposits, Deposit, at_most=MAX_DEPOSITS)
        status_ok = check.choice("marital_status", self.marital_status, MaritalStatus)
        if self.second_child_quota is not None and not isinstance(
            self.second_child_quota, SecondChildQuota
        ):
            check.add("second_child_quota", "expected a SecondChildQuota")
        check.date("married", self.married, optional=True)
        check.date("status_since", self.status_since, optional=True)
        if parents_ok and status_ok:
            self._check_parents(check)
        if parents_ok and children_ok:
            self._check_children(check)
            self._check_duplicates(check)
        if children_ok:
            self._check_certificates(check)
        check.raise_if_any()

    def _check_parents(self, check: Collector) -> None:
        count = len(self.parents)
        if self.marital_status is MaritalStatus.MARRIED:
            if count != 2:
                check.add("parents", f"a married couple has 2 parents, not {count}")
            elif self.parents[0].sex is self.parents[1].sex:
                check.add("parents", "a married couple is one woman and one man")
        elif count != 1:
            check.add(
                "parents",
                f"a {self.marital_status.value} single-parent household has 1 parent, not {count}",
            )
        if (
            self.married is not None
            and self.status_since is not None
            and self.status_since < self.married
        ):
            check.add("status_since", f"{self.status_since} is before the marriage")
        if self.marital_status is MaritalStatus.MARRIED and self.status_since is not None:
            check.add("status_since", "is only for a widowed or divorced parent")

    def _check_children(self, check: Collector) -> None:
        for c_index, child in enumerate(self.children):
            for p_index, parent in enumerate(self.parents):
                if child.birth_date < parent.birth_date:
                    check.add(
                        f"children[{c_index}].birth_date",
                        f"{child.birth_date} is before the birth of parents[{p_index}] "
                        f"({parent.birth_date})",
                    )
                elif child.link is ChildLink.BIRTH:
                    age = parent.age_on(child.birth_date)
                    if age < MIN_PARENT_AGE_AT_BIRTH:
                        check.add(
                            f"children[{c_index}].birth_date",
                            f"parents[{p_index}] would have been {age} at this birth "
                            f"(at least {MIN_PARENT_AGE_AT_BIRTH} expected)",
                        )

    def _check_duplicates(self, check: Collector) -> None:
        seen: dict[str, str] = {}
        people: list[tuple[str, str | None]] = [
            (f"parents[{i}]", p.resident_id) for i, p in enumerate(self.parents)
        ] + [(f"children[{i}]", c.resident_id) for i, c in enumerate(self.children)]
        for path, resident_id in people:
            if resident_id is None:
                continue
            if resident_id in seen:
                check.add(f"{path}.resident_id", f"is the same person as {seen[resident_id]}")
            else:
                seen[resident_id] = path

    def _check_certificates(self, check: Collector) -> None:
        first_birth = min((c.birth_date for c in self.children), default=None)
        for index, certificate in enumerate(self.certificates):
            if certificate.kind is not CertificateKind.HONOUR_CERTIFICATE:
                continue
            if first_birth is None:
                check.add(f"certificates[{index}]", "an honour certificate needs a child")
            elif certificate.issued < first_birth:
                check.add(
                    f"certificates[{index}].issued",
                    f"{certificate.issued} is before the child's birth ({first_birth})",
                )

    # --- convenient views -------------------------------------------------------------
    @property
    def mother(self) -> Person | None:
        """The woman of the household, if there is one."""
        return next((p for p in self.parents if p.sex is Sex.FEMALE), None)

    @property
    def father(self) -> Person | None:
        """The man of the household, if there is one."""
        return next((p for p in self.parents if p.sex is Sex.MALE), None)

    @property
    def honour_certificate(self) -> Certificate | None:
        """The only-child parents' honour certificate (独生子女父母光荣证), if issued."""
        return self.certificate(CertificateKind.HONOUR_CERTIFICATE)

    def certificate(self, kind: CertificateKind) -> Certificate | None:
        """The earliest certificate of a kind, if any."""
        found = [c for c in self.certificates if c.kind is kind]
        return min(found, key=lambda c: c.issued) if found else None

    def children_on(self, day: pendulum.Date) -> Iterator[Child]:
        """Children alive and already the household's on ``day``."""
        return (c for c in self.children if c.in_household_on(day))

    def persons(self) -> Iterator[tuple[str, Person]]:
        """The parents with stable beneficiary keys (``household_id/p0``, ``.../p1``)."""
        for index, parent in enumerate(self.parents):
            yield f"{self.household_id}/p{index}", parent
