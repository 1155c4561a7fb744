"""The family-planning household (计划生育家庭) and what it holds."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import attrs
import pendulum

from fpcore.errors import shown
from fpcore.model._checks import Collector, to_date, to_optional_date, to_tuple
from fpcore.model._enums import CertificateKind, ChildLink, MaritalStatus, MarriageEnd, Sex
from fpcore.model._limits import (
    MAX_CERTIFICATES,
    MAX_CHILDREN,
    MAX_CONFIRMATIONS,
    MAX_DEPOSITS,
    MAX_MARRIAGES,
    MAX_PARENTS,
)
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
    returned: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)

    def __attrs_post_init__(self) -> None:
        check = Collector()
        check.choice("kind", self.kind, CertificateKind)
        check.text("number", self.number)
        issued_ok = check.date("issued", self.issued)
        if check.date("returned", self.returned, optional=True) and issued_ok:
            assert self.returned is not None
            if self.returned < self.issued:
                check.add("returned", f"{self.returned} is before the certificate was issued")
        check.raise_if_any()

    def in_force_on(self, day: pendulum.Date) -> bool:
        """Whether the certificate is held on ``day``: issued and not returned (收回)."""
        return self.issued <= day and (self.returned is None or day < self.returned)


@attrs.frozen(kw_only=True)
class Marriage:
    """A marriage (婚姻) of one or both parents of the household.

    ``spouses`` are indexes into ``Household.parents``: ``(0, 1)`` for the couple, ``(i,)``
    for a marriage of parent ``i`` to a spouse outside the household (an earlier
    marriage, ended by divorce or by that spouse's death). A household parent's death
    ends the couple's marriage by itself (their ``death_date``); ``ended`` records a
    divorce, or the death of a spouse outside the household. ``married`` is ``None``
    when the date is unknown (before the records begin). An ``end`` without an
    ``ended`` date says the marriage ended on a day the record does not give (e.g. a
    version 1 document's widowed parent without ``status_since``): such a marriage is
    in force on no day, so the parent reads as divorced or widowed throughout.

    Example:
        >>> m = Marriage(spouses=(0,), married=pendulum.Date(1990, 1, 1),
        ...              ended=pendulum.Date(1995, 3, 1), end=MarriageEnd.DIVORCE)
        >>> m.in_force_on(pendulum.Date(1994, 1, 1)), m.in_force_on(pendulum.Date(1995, 3, 1))
        (True, False)
    """

    spouses: tuple[int, ...] = attrs.field(converter=to_tuple)
    married: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)
    ended: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)
    end: MarriageEnd | None = None

    def __attrs_post_init__(self) -> None:
        check = Collector()
        if check.items("spouses", self.spouses, int):
            if not 1 <= len(self.spouses) <= 2:
                check.add("spouses", f"names {len(self.spouses)} parents (expected 1 or 2)")
            elif len(set(self.spouses)) != len(self.spouses):
                check.add("spouses", f"{list(self.spouses)} names a parent twice")
        married_ok = check.date("married", self.married, optional=True)
        ended_ok = check.date("ended", self.ended, optional=True)
        if self.end is not None:
            check.choice("end", self.end, MarriageEnd)
        if self.ended is not None and self.end is None:
            check.add("end", "is required with an end date (divorce or death)")
        if married_ok and ended_ok:
            assert self.married is not None
            assert self.ended is not None
            if self.ended < self.married:
                check.add("ended", f"{self.ended} is before the marriage ({self.married})")
        check.raise_if_any()

    def started_by(self, day: pendulum.Date) -> bool:
        """Whether the marriage had begun on ``day`` (an unknown date counts as begun)."""
        return self.married is None or self.married <= day

    @property
    def end_unknown(self) -> bool:
        """Whether the marriage ended on a day the record does not give."""
        return self.end is not None and self.ended is None

    def in_force_on(self, day: pendulum.Date) -> bool:
        """Whether the marriage had begun and had not ended by ``day`` (by its own record;
        a household spouse's death is read by :meth:`Household.marital_status_of`).
        A marriage whose end date is unknown is in force on no day."""
        if self.end_unknown:
            return False
        return self.started_by(day) and (self.ended is None or day < self.ended)


@attrs.frozen(kw_only=True)
class Confirmation:
    """A benefit's eligibility confirmed (资格确认) for a parent, e.g. the grant of the
    special-assistance procedure (:mod:`fpcore.workflows`).

    Example:
        >>> Confirmation(benefit="special_assistance", parent=0,
        ...              confirmed=pendulum.Date(2009, 6, 20)).confirmed
        Date(2009, 6, 20)
    """

    benefit: str
    parent: int
    confirmed: pendulum.Date = attrs.field(converter=to_date)
    reference: str | None = None

    def __attrs_post_init__(self) -> None:
        check = Collector()
        check.text("benefit", self.benefit)
        if isinstance(self.parent, bool) or not isinstance(self.parent, int):
            check.add("parent", f"{self.parent!r} is not a parent index")
        check.date("confirmed", self.confirmed)
        check.text("reference", self.reference, optional=True)
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


#: A day after every recorded event: the state "as the record stands".
_END_OF_RECORD = pendulum.Date(9999, 12, 31)

_ENDED_BY = {MarriageEnd.DIVORCE: MaritalStatus.DIVORCED, MarriageEnd.DEATH: MaritalStatus.WIDOWED}


@attrs.frozen(kw_only=True)
class Household:
    """A family-planning household: one or two parents, their children and their history.

    The household records a life history, not a snapshot: each parent's hukou with its
    dated changes, the marriages of the parents (divorces, widowhood, remarriage), each
    child linked to its parent or parents, disability certificates with their issue and
    cancellation, certificates issued and returned, and eligibility confirmations. The
    same history reads as a dated event list (:func:`fpcore.model.household_events`).

    The constructor checks the fields and their agreement and reports every problem
    at once (:class:`~fpcore.errors.InvalidInput`, with paths like
    ``children[1].birth_date``). What-ifs use ``attrs.evolve``, which checks again.
    A household holds at most 2 parents and 100 children, certificates and deposits
    (:data:`~fpcore.model.MAX_CHILDREN` and the other limits), so every evaluation is
    bounded.

    Args:
        household_id: the bureau's key for the household (户编号).
        village: the 12-digit code of the village the household belongs to.
        parents: the couple, or the single parent; a parent who has died stays listed
            with a ``death_date``.
        marriages: the parents' marriages, the couple's and earlier ones (see
            :class:`Marriage`); a household of two parents records their marriage.
        children: children by birth or lawful adoption, each linked to its parents.
        certificates: honour certificate, birth permits, service handbook.
        second_child_quota: a granted second-child quota, possibly waived.
        deposits: planned-birth deposits and their refunds.
        confirmations: eligibility confirmed for a parent and a benefit.

    Example:
        >>> from fpcore.model import sample_household
        >>> h = sample_household()
        >>> h.mother.name, len(h.children), h.honour_certificate.issued
        ('张秀娟', 1, Date(2000, 3, 15))
        >>> h.marital_status.value
        'married'
    """

    household_id: str
    village: str
    parents: tuple[Person, ...] = attrs.field(converter=to_tuple)
    marriages: tuple[Marriage, ...] = attrs.field(default=(), converter=to_tuple)
    children: tuple[Child, ...] = attrs.field(default=(), converter=to_tuple)
    certificates: tuple[Certificate, ...] = attrs.field(default=(), converter=to_tuple)
    second_child_quota: SecondChildQuota | None = None
    deposits: tuple[Deposit, ...] = attrs.field(default=(), converter=to_tuple)
    confirmations: tuple[Confirmation, ...] = attrs.field(default=(), converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        check = Collector()
        check.text("household_id", self.household_id)
        if check.text("village", self.village) and not (
            self.village.isascii() and self.village.isdigit() and len(self.village) == 12
        ):
            check.add("village", f"{shown(self.village)} is not a 12-digit village code")
        parents_ok = check.items("parents", self.parents, Person, at_most=MAX_PARENTS)
        marriages_ok = check.items("marriages", self.marriages, Marriage, at_most=MAX_MARRIAGES)
        children_ok = check.items("children", self.children, Child, at_most=MAX_CHILDREN)
        check.items("certificates", self.certificates, Certificate, at_most=MAX_CERTIFICATES)
        check.items("deposits", self.deposits, Deposit, at_most=MAX_DEPOSITS)
        confirmations_ok = check.items(
            "confirmations", self.confirmations, Confirmation, at_most=MAX_CONFIRMATIONS
        )
        if self.second_child_quota is not None and not isinstance(
            self.second_child_quota, SecondChildQuota
        ):
            check.add("second_child_quota", "expected a SecondChildQuota")
        if parents_ok:
            self._check_parents(check)
        if parents_ok and marriages_ok:
            self._check_marriages(check)
        if parents_ok and children_ok:
            self._check_children(check)
            self._check_duplicates(check)
        if children_ok:
            self._check_certificates(check)
        if parents_ok and confirmations_ok:
            self._check_confirmations(check)
        check.raise_if_any()

    def _check_parents(self, check: Collector) -> None:
        count = len(self.parents)
        if not 1 <= count <= 2:
            check.add("parents", f"a household has 1 or 2 parents, not {count}")
        elif count == 2 and self.parents[0].sex is self.parents[1].sex:
            check.add("parents", "a couple is one woman and one man")

    def _check_marriages(self, check: Collector) -> None:
        count = len(self.parents)
        for index, marriage in enumerate(self.marriages):
            path = f"marriages[{index}]"
            bad = [i for i in marriage.spouses if not 0 <= i < count]
            if bad:
                check.add(f"{path}.spouses", f"names parents{bad}, but there are {count} parents")
                continue
            for i in marriage.spouses:
                person = self.parents[i]
                if marriage.married is not None and marriage.married < person.birth_date:
                    check.add(
                        f"{path}.married",
                        f"{marriage.married} is before the birth of "
                        f"parents[{i}] ({person.birth_date})",
                    )
                died = person.death_date
                if died is not None and marriage.married is not None and marriage.married > died:
                    check.add(
                        f"{path}.married",
                        f"{marriage.married} is after the death of parents[{i}] ({died})",
                    )
                if died is not None and marriage.ended is not None and marriage.ended > died:
                    check.add(
                        f"{path}.ended",
                        f"{marriage.ended} is after the death of parents[{i}] ({died})",
                    )
            if len(marriage.spouses) == 2 and marriage.end is MarriageEnd.DEATH:
                check.add(
                    f"{path}.end",
                    "a household parent's death ends the marriage by "
                    "itself: record the parent's death_date, not an end",
                )
        if count == 2 and not any(len(m.spouses) == 2 for m in self.marriages):
            check.add("marriages", "a household of two parents records their marriage")
        for i in range(count):
            self._check_overlaps(check, i)

    def _check_overlaps(self, check: Collector, parent: int) -> None:
        own = sorted(
            (m.married or pendulum.Date(1, 1, 1), index, m)
            for index, m in enumerate(self.marriages)
            if parent in m.spouses
        )
        for (_, before_index, before), (_, index, after) in itertools.pairwise(own):
            if after.married is None:
                check.add(
                    f"marriages[{index}].married",
                    f"is required: parents[{parent}] married more than once",
                )
                continue
            if before.end_unknown:
                continue  # ended on a day not recorded: nothing to compare
            ended = self._marriage_end(before)
            if ended is None or ended > after.married:
                check.add(
                    f"marriages[{index}].married",
                    f"{after.married} overlaps marriages[{before_index}] of parents[{parent}], "
                    "which had not ended",
                )

    def _marriage_end(self, marriage: Marriage) -> pendulum.Date | None:
        """When a marriage ended: its own end, or a household spouse's death."""
        ends = [marriage.ended] if marriage.ended is not None else []
        if len(marriage.spouses) == 2:
            ends.extend(
                d for i in marriage.spouses if (d := self.parents[i].death_date) is not None
            )
        return min(ends, default=None)

    def _check_children(self, check: Collector) -> None:
        count = len(self.parents)
        for c_index, child in enumerate(self.children):
            if child.parents is not None:
                bad = [i for i in child.parents if not 0 <= i < count]
                if bad:
                    check.add(
                        f"children[{c_index}].parents",
                        f"names parents{bad}, but there are {count} parents",
                    )
                    continue
            for p_index in self.parents_of(child):
                parent = self.parents[p_index]
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
                elif parent.death_date is not None and child.adopted_on > parent.death_date:
                    check.add(
                        f"children[{c_index}].adoption_date",
                        f"{child.adopted_on} is after the death of parents[{p_index}] "
                        f"({parent.death_date})",
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

    def _check_confirmations(self, check: Collector) -> None:
        count = len(self.parents)
        for index, confirmation in enumerate(self.confirmations):
            path = f"confirmations[{index}]"
            if not 0 <= confirmation.parent < count:
                check.add(
                    f"{path}.parent", f"{confirmation.parent} is not a parent (there are {count})"
                )
                continue
            person = self.parents[confirmation.parent]
            if confirmation.confirmed < person.birth_date:
                check.add(f"{path}.confirmed", "is before the parent's birth")
            elif person.death_date is not None and confirmation.confirmed > person.death_date:
                check.add(
                    f"{path}.confirmed",
                    f"{confirmation.confirmed} is after the parent's death ({person.death_date})",
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

    def parents_of(self, child: Child) -> tuple[int, ...]:
        """Indexes of the child's parents in this household (every parent when the
        child's ``parents`` is ``None``)."""
        if child.parents is None:
            return tuple(range(len(self.parents)))
        return child.parents

    def children_of(self, parent: int) -> tuple[Child, ...]:
        """The children linked to ``parents[parent]``: common children and their own."""
        return tuple(c for c in self.children if c.parents is None or parent in c.parents)

    def delivery_order(self, child_index: int) -> int:
        """The birth order of a child counted in deliveries: twins born on one day to the
        household are one delivery, so twins at a first delivery are both first births.

        Example:
            >>> from fpcore.model import sample_household
            >>> sample_household().delivery_order(0)
            1
        """
        born = self.children[child_index].birth_date
        days = {c.birth_date for c in self.children if c.link is ChildLink.BIRTH}
        return len({day for day in days if day <= born})

    def children_on(self, day: pendulum.Date) -> Iterator[Child]:
        """Children alive and already the household's on ``day``."""
        return (c for c in self.children if c.in_household_on(day))

    def marital_status_of(self, parent: int, day: pendulum.Date) -> MaritalStatus | None:
        """A parent's marital status on ``day`` from the marriages (None: never married).

        Example:
            >>> from fpcore.model import sample_household
            >>> sample_household().marital_status_of(0, pendulum.Date(2008, 1, 1)).value
            'married'
        """
        latest: Marriage | None = None
        for marriage in self.marriages:
            if (
                parent in marriage.spouses
                and marriage.started_by(day)
                and (
                    latest is None
                    or (marriage.married or pendulum.Date(1, 1, 1))
                    >= (latest.married or pendulum.Date(1, 1, 1))
                )
            ):
                latest = marriage
        if latest is None:
            return None
        if latest.end_unknown:
            return _ENDED_BY[latest.end] if latest.end is not None else None
        ended = self._marriage_end(latest)
        if ended is None or day < ended:
            return MaritalStatus.MARRIED
        if latest.ended is not None and latest.ended == ended:
            return (
                MaritalStatus.DIVORCED
                if latest.end is MarriageEnd.DIVORCE
                else (MaritalStatus.WIDOWED)
            )
        return MaritalStatus.WIDOWED

    def marital_status_on(self, day: pendulum.Date) -> MaritalStatus | None:
        """The household's status on ``day``: married while a living parent is married;
        else the surviving (or single) parent's widowed or divorced status."""
        statuses = [
            self.marital_status_of(i, day)
            for i, p in enumerate(self.parents)
            if p.death_date is None or day < p.death_date
        ]
        if MaritalStatus.MARRIED in statuses:
            return MaritalStatus.MARRIED
        return next((s for s in statuses if s is not None), None)

    @property
    def marital_status(self) -> MaritalStatus | None:
        """The marital status as the record stands (after every recorded event)."""
        return self.marital_status_on(_END_OF_RECORD)

    def persons(self) -> Iterator[tuple[str, Person]]:
        """The parents with stable beneficiary keys (``household_id/p0``, ``.../p1``)."""
        for index, parent in enumerate(self.parents):
            yield f"{self.household_id}/p{index}", parent

    def parent_views(self) -> tuple[HouseholdParent, ...]:
        """Each parent seen within the household: what person rules read."""
        return tuple(HouseholdParent(household=self, index=i) for i in range(len(self.parents)))


@attrs.frozen(kw_only=True, eq=False, repr=False)
class HouseholdParent:
    """A parent seen within the household: the person, their children, their marriages.

    Person rules read this view, so a parent's own facts (the children linked to them,
    their spouse, their confirmations) come from the household's history.

    Example:
        >>> from fpcore.model import sample_household
        >>> view = sample_household().parent_views()[0]
        >>> view.person.name, len(view.children)
        ('张秀娟', 1)
    """

    household: Household
    index: int
    # read on every month of an evaluation: worked out once, when the view is made
    person: Person = attrs.field(init=False)
    children: tuple[Child, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "person", self.household.parents[self.index])
        object.__setattr__(self, "children", self.household.children_of(self.index))

    def __repr__(self) -> str:
        return f"HouseholdParent({self.household.household_id!r}, parents[{self.index}])"
