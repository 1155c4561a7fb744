"""A household's history as a dated event list, the form a population system exports.

:func:`household_events` writes a :class:`~fpcore.model.Household` as events;
:func:`household_from_events` builds it back, losslessly. Members are named by key:
``p0``, ``p1`` for the parents, ``c0``, ``c1``... for the children (their places in
``Household.parents`` and ``Household.children``); an event about one item of a list
(a marriage, a certificate, a disability certificate, a hukou change, a deposit, a
confirmation) names it by ``item``, its place in that list.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Container, Iterable, Sequence
from typing import TypeVar

import attrs
import pendulum

from fpcore.errors import InvalidInput, Problem
from fpcore.model._checks import Collector, to_optional_date, to_tuple
from fpcore.model._enums import ChildLink, Hukou, MarriageEnd
from fpcore.model._household import (
    Certificate,
    Confirmation,
    Deposit,
    Household,
    Marriage,
    SecondChildQuota,
)
from fpcore.model._people import Child, Disability, HukouChange, Person

__all__ = ["EventKind", "LifeEvent", "household_events", "household_from_events"]


class EventKind(enum.StrEnum):
    """What happened (the event types of a population information system)."""

    BIRTH = "birth"
    ADOPTION = "adoption"
    DEATH = "death"
    MARRIAGE = "marriage"
    DIVORCE = "divorce"
    SPOUSE_DEATH = "spouse_death"
    HUKOU_CHANGE = "hukou_change"
    CERTIFICATE_ISSUED = "certificate_issued"
    CERTIFICATE_RETURNED = "certificate_returned"
    DISABILITY_CERTIFIED = "disability_certified"
    DISABILITY_CANCELLED = "disability_cancelled"
    QUOTA_GRANTED = "quota_granted"
    QUOTA_WAIVED = "quota_waived"
    ELIGIBILITY_CONFIRMED = "eligibility_confirmed"
    DEPOSIT_PAID = "deposit_paid"
    DEPOSIT_REFUNDED = "deposit_refunded"


# within one day: who must exist before what happens to them
_RANK = {kind: rank for rank, kind in enumerate(EventKind)}
_RANK[EventKind.DEATH] = len(_RANK)  # last on its day: the day of death is not alive


@attrs.frozen(kw_only=True)
class LifeEvent:
    """One dated event of a household's history.

    Only the fields its ``kind`` needs are set: a birth carries the member's record
    (``person`` for a parent, ``child`` for a child, as first registered: no death,
    no later changes), a hukou change its ``hukou`` and ``reason``, an issue its
    ``certificate``, ``disability`` or ``deposit``, an end event the ``item`` it ends.
    A child's disability certificate issued before an adoption stands on the day of
    the adoption (its ``disability`` keeps the issue date).
    ``on`` is missing only for a marriage whose date is unknown, or the end of a
    marriage on a day the record does not give; such an undated event stands right
    after the events it needs (the spouses' births, the marriage it ends) and takes no
    part in the date order.

    Example:
        >>> from fpcore.model import sample_household
        >>> for e in household_events(sample_household())[:3]:
        ...     print(e.on, e.kind.value, e.who)
        1968-08-08 birth ('p1',)
        1970-05-01 birth ('p0',)
        1997-10-01 marriage ('p0', 'p1')
    """

    kind: EventKind
    on: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)
    who: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    item: int | None = None
    person: Person | None = None
    child: Child | None = None
    hukou: Hukou | None = None
    reason: str | None = None
    end: MarriageEnd | None = None
    certificate: Certificate | None = None
    disability: Disability | None = None
    deposit: Deposit | None = None
    benefit: str | None = None
    reference: str | None = None

    def __attrs_post_init__(self) -> None:
        check = Collector()
        check.date("on", self.on, optional=True)
        check.choice("kind", self.kind, EventKind)
        check.items("who", self.who, str)
        item = self.item
        if item is not None and (isinstance(item, bool) or not isinstance(item, int)):
            check.add("item", f"{self.item!r} is not a position in a list")
        check.raise_if_any()


_UNDATED = {EventKind.MARRIAGE, EventKind.DIVORCE, EventKind.SPOUSE_DEATH}


def _sort_key(
    event: LifeEvent, position: int, placed: pendulum.Date
) -> tuple[pendulum.Date, int, int]:
    return (event.on or placed, _RANK[event.kind], position)


def household_events(household: Household) -> tuple[LifeEvent, ...]:
    """The household's history as dated events, in order (undated marriages first).

    Example:
        >>> from fpcore.model import sample_household
        >>> events = household_events(sample_household())
        >>> [e.kind.value for e in events][-3:]
        ['quota_granted', 'quota_waived', 'deposit_refunded']
    """
    events: list[LifeEvent] = []
    # where an undated event stands: right after the events it needs
    placed: dict[int, pendulum.Date] = {}
    add = events.append
    for i, parent in enumerate(household.parents):
        key = (f"p{i}",)
        record = attrs.evolve(parent, death_date=None, hukou_changes=())
        add(LifeEvent(on=parent.birth_date, kind=EventKind.BIRTH, who=key, person=record))
        for n, change in enumerate(parent.hukou_changes):
            add(
                LifeEvent(
                    on=change.on,
                    kind=EventKind.HUKOU_CHANGE,
                    who=key,
                    item=n,
                    hukou=change.hukou,
                    reason=change.reason,
                )
            )
        if parent.death_date is not None:
            add(LifeEvent(on=parent.death_date, kind=EventKind.DEATH, who=key))
    for n, marriage in enumerate(household.marriages):
        who = tuple(f"p{i}" for i in marriage.spouses)
        born = max(
            (
                household.parents[i].birth_date
                for i in marriage.spouses
                if 0 <= i < len(household.parents)
            ),
            default=pendulum.Date(1, 1, 1),
        )
        married_on = marriage.married or born
        placed[len(events)] = married_on
        add(LifeEvent(on=marriage.married, kind=EventKind.MARRIAGE, who=who, item=n))
        if marriage.end is not None:
            divorce = marriage.end is MarriageEnd.DIVORCE
            kind = EventKind.DIVORCE if divorce else EventKind.SPOUSE_DEATH
            placed[len(events)] = married_on
            add(LifeEvent(on=marriage.ended, kind=kind, who=who, item=n))
    for c, child in enumerate(household.children):
        key = (f"c{c}",)
        joined = attrs.evolve(child, death_date=None, disabilities=())
        joins = EventKind.ADOPTION if child.link is ChildLink.ADOPTION else EventKind.BIRTH
        add(LifeEvent(on=child.adopted_on, kind=joins, who=key, child=joined))
        for n, disability in enumerate(child.disabilities):
            add(
                LifeEvent(
                    on=max(disability.issued, child.adopted_on),
                    kind=EventKind.DISABILITY_CERTIFIED,
                    who=key,
                    item=n,
                    disability=attrs.evolve(disability, cancelled=None),
                )
            )
            if disability.cancelled is not None:
                add(
                    LifeEvent(
                        on=disability.cancelled,
                        kind=EventKind.DISABILITY_CANCELLED,
                        who=key,
                        item=n,
                    )
                )
        if child.death_date is not None:
            add(LifeEvent(on=child.death_date, kind=EventKind.DEATH, who=key))
    for n, certificate in enumerate(household.certificates):
        add(
            LifeEvent(
                on=certificate.issued,
                kind=EventKind.CERTIFICATE_ISSUED,
                item=n,
                certificate=attrs.evolve(certificate, returned=None),
            )
        )
        if certificate.returned is not None:
            add(LifeEvent(on=certificate.returned, kind=EventKind.CERTIFICATE_RETURNED, item=n))
    quota = household.second_child_quota
    if quota is not None:
        add(LifeEvent(on=quota.granted, kind=EventKind.QUOTA_GRANTED))
        if quota.waived is not None:
            add(LifeEvent(on=quota.waived, kind=EventKind.QUOTA_WAIVED))
    for n, deposit in enumerate(household.deposits):
        add(
            LifeEvent(
                on=deposit.paid,
                kind=EventKind.DEPOSIT_PAID,
                item=n,
                deposit=attrs.evolve(deposit, refunded=None),
            )
        )
        if deposit.refunded is not None:
            add(LifeEvent(on=deposit.refunded, kind=EventKind.DEPOSIT_REFUNDED, item=n))
    for n, confirmation in enumerate(household.confirmations):
        add(
            LifeEvent(
                on=confirmation.confirmed,
                kind=EventKind.ELIGIBILITY_CONFIRMED,
                who=(f"p{confirmation.parent}",),
                item=n,
                benefit=confirmation.benefit,
                reference=confirmation.reference,
            )
        )
    first = pendulum.Date(1, 1, 1)
    order = sorted(range(len(events)), key=lambda k: _sort_key(events[k], k, placed.get(k, first)))
    return tuple(events[k] for k in order)


class _Builder:
    """Replays events into the parts of a household, collecting every contradiction."""

    def __init__(self) -> None:
        self.check = Collector()
        self.parents: dict[int, Person] = {}
        self.children: dict[int, Child] = {}
        self.deaths: dict[str, pendulum.Date] = {}
        self.hukou: dict[int, dict[int, HukouChange]] = {}
        self.disabilities: dict[int, dict[int, Disability]] = {}
        self.marriages: dict[int, Marriage] = {}
        self.certificates: dict[int, Certificate] = {}
        self.deposits: dict[int, Deposit] = {}
        self.confirmations: dict[int, Confirmation] = {}
        self.quota: SecondChildQuota | None = None
        self.position = 0  # of the event being replayed
        # where each part of the household came from: household path -> the event's
        # position, the event's field holding the part, renamed fields
        self.where: dict[str, tuple[int, str, dict[str, str]]] = {}

    def mark(self, key: str, base: str = "", **renames: str) -> None:
        """Remember that the event being replayed made the household's ``key``."""
        self.where[key] = (self.position, base, {f".{k}": f".{v}" for k, v in renames.items()})

    def event_path(self, path: str) -> str:
        """The event path of a problem the household found at ``path``."""
        cuts = [i for i, char in enumerate(path) if char in ".["] + [len(path)]
        for cut in reversed(cuts):
            found = self.where.get(path[:cut])
            if found is None:
                continue
            position, base, renames = found
            rest = path[cut:]
            head = re.match(r"\.[a-z_]+", rest)
            if head is not None and head.group() in renames:
                rest = renames[head.group()] + rest[head.end() :]
            return f"events[{position}]{base}{rest}"
        return path

    def add(self, path: str, message: str) -> None:
        self.check.add(path, message)

    def member(self, path: str, event: LifeEvent, prefix: str) -> int | None:
        """The index of the event's one member, which must exist and be alive."""
        if len(event.who) != 1 or not event.who[0].startswith(prefix):
            self.add(f"{path}.who", f"expected one member key like {prefix}0")
            return None
        key = event.who[0]
        number = key[len(prefix) :]
        if not (number.isascii() and number.isdigit()):
            self.add(f"{path}.who", f"{key!r} is not a member key like {prefix}0")
            return None
        index = int(number)
        known = self.parents if prefix == "p" else self.children
        if index not in known:
            self.add(f"{path}.who", f"{key} has no birth or adoption event before this one")
            return None
        self.alive(path, event, key)
        return index

    def alive(self, path: str, event: LifeEvent, key: str) -> None:
        died = self.deaths.get(key)
        if died is not None and event.on is not None and event.on > died:
            self.add(f"{path}.on", f"{event.on} is after the death of {key} ({died})")

    def slot(self, path: str, found: Container[int], item: int | None, what: str) -> int | None:
        if item is None:
            self.add(f"{path}.item", f"is required: which {what}")
            return None
        if item in found:
            self.add(f"{path}.item", f"{what} {item} appears twice")
            return None
        return item

    def existing(self, path: str, found: Container[int], item: int | None, what: str) -> bool:
        if item is None or item not in found:
            self.add(f"{path}.item", f"{item!r} is no {what} recorded before this event")
            return False
        return True

    def need(self, path: str, value: object, name: str) -> bool:
        if value is None:
            self.add(f"{path}.{name}", "is required for this kind of event")
            return False
        return True

    def replay(self, path: str, e: LifeEvent) -> None:
        kind = e.kind
        if kind is EventKind.BIRTH and e.who and e.who[0].startswith("p"):
            self.birth_of_parent(path, e)
        elif kind in (EventKind.BIRTH, EventKind.ADOPTION):
            self.child_joins(path, e)
        elif kind is EventKind.DEATH:
            self.death(path, e)
        elif kind is EventKind.HUKOU_CHANGE:
            p = self.member(path, e, "p")
            if p is not None and self.need(path, e.hukou, "hukou") and e.on is not None:
                assert e.hukou is not None
                changes = self.hukou.setdefault(p, {})
                n = self.slot(path, changes, e.item, "hukou change")
                if n is not None:
                    changes[n] = HukouChange(on=e.on, hukou=e.hukou, reason=e.reason)
                    self.mark(f"parents[{p}].hukou_changes[{n}]")
        elif kind is EventKind.MARRIAGE:
            self.marriage(path, e)
        elif kind in (EventKind.DIVORCE, EventKind.SPOUSE_DEATH):
            if self.existing(path, self.marriages, e.item, "marriage"):
                assert e.item is not None
                marriage = self.marriages[e.item]
                if marriage.end is not None:
                    self.add(f"{path}.item", f"marriage {e.item} has already ended")
                    return
                keys = tuple(f"p{i}" for i in marriage.spouses)
                if e.who and e.who != keys:
                    self.add(
                        f"{path}.who",
                        f"{list(e.who)} are not the spouses of marriage {e.item} ({list(keys)})",
                    )
                    return
                for key in keys:
                    self.alive(path, e, key)
                end = MarriageEnd.DIVORCE if kind is EventKind.DIVORCE else MarriageEnd.DEATH
                self.marriages[e.item] = attrs.evolve(marriage, ended=e.on, end=end)
                self.mark(f"marriages[{e.item}].ended", ".on")
                self.mark(f"marriages[{e.item}].end", ".kind")
        elif kind is EventKind.DISABILITY_CERTIFIED:
            c = self.member(path, e, "c")
            if c is not None and self.need(path, e.disability, "disability"):
                assert e.disability is not None
                issued, joined = e.disability.issued, self.children[c].adopted_on
                if e.on != max(issued, joined):
                    self.add(
                        f"{path}.on",
                        f"{e.on} is not the certificate's issue date ({issued}), nor the day "
                        f"the child joined the household after it ({joined})",
                    )
                    return
                held = self.disabilities.setdefault(c, {})
                n = self.slot(path, held, e.item, "disability certificate")
                if n is not None:
                    assert e.disability is not None
                    held[n] = e.disability
                    self.mark(f"children[{c}].disabilities[{n}]", ".disability")
        elif kind is EventKind.DISABILITY_CANCELLED:
            c = self.member(path, e, "c")
            held = self.disabilities.get(c, {}) if c is not None else {}
            if c is not None and self.existing(path, held, e.item, "disability certificate"):
                assert e.item is not None
                assert e.on is not None
                held[e.item] = attrs.evolve(held[e.item], cancelled=e.on)
                self.mark(f"children[{c}].disabilities[{e.item}].cancelled", ".on")
        elif kind is EventKind.CERTIFICATE_ISSUED:
            n = self.slot(path, self.certificates, e.item, "certificate")
            if n is not None and self.need(path, e.certificate, "certificate"):
                assert e.certificate is not None
                self.certificates[n] = e.certificate
                self.mark(f"certificates[{n}]", ".certificate")
        elif kind is EventKind.CERTIFICATE_RETURNED:
            if self.existing(path, self.certificates, e.item, "certificate"):
                assert e.item is not None
                assert e.on is not None
                self.certificates[e.item] = attrs.evolve(self.certificates[e.item], returned=e.on)
                self.mark(f"certificates[{e.item}].returned", ".on")
        elif kind is EventKind.QUOTA_GRANTED:
            if self.quota is not None:
                self.add(path, "a second-child quota was already granted")
            elif e.on is not None:
                self.quota = SecondChildQuota(granted=e.on)
                self.mark("second_child_quota", granted="on")
        elif kind is EventKind.QUOTA_WAIVED:
            if self.quota is None:
                self.add(path, "no second-child quota was granted before this waiver")
            elif e.on is not None:
                self.quota = attrs.evolve(self.quota, waived=e.on)
                self.mark("second_child_quota.waived", ".on")
        elif kind is EventKind.ELIGIBILITY_CONFIRMED:
            p = self.member(path, e, "p")
            n = self.slot(path, self.confirmations, e.item, "confirmation")
            if p is not None and n is not None and self.need(path, e.benefit, "benefit"):
                assert e.benefit is not None
                assert e.on is not None
                self.confirmations[n] = Confirmation(
                    benefit=e.benefit, parent=p, confirmed=e.on, reference=e.reference
                )
                self.mark(f"confirmations[{n}]", confirmed="on", parent="who")
        elif kind is EventKind.DEPOSIT_PAID:
            n = self.slot(path, self.deposits, e.item, "deposit")
            if n is not None and self.need(path, e.deposit, "deposit"):
                assert e.deposit is not None
                self.deposits[n] = e.deposit
                self.mark(f"deposits[{n}]", ".deposit")
        elif kind is EventKind.DEPOSIT_REFUNDED and self.existing(
            path, self.deposits, e.item, "deposit"
        ):
            assert e.item is not None
            assert e.on is not None
            self.deposits[e.item] = attrs.evolve(self.deposits[e.item], refunded=e.on)
            self.mark(f"deposits[{e.item}].refunded", ".on")

    def birth_of_parent(self, path: str, e: LifeEvent) -> None:
        if not self.need(path, e.person, "person"):
            return
        assert e.person is not None
        key = e.who[0]
        index = _key_index(key, "p")
        if index is None or len(e.who) != 1:
            self.add(f"{path}.who", f"{key!r} is not a parent key like p0")
        elif index in self.parents:
            self.add(f"{path}.who", f"{key} is born twice")
        elif e.on != e.person.birth_date:
            self.add(f"{path}.on", f"{e.on} disagrees with the birth date {e.person.birth_date}")
        else:
            self.parents[index] = e.person
            self.mark(f"parents[{index}]", ".person")

    def child_joins(self, path: str, e: LifeEvent) -> None:
        if not self.need(path, e.child, "child"):
            return
        assert e.child is not None
        key = e.who[0] if e.who else ""
        index = _key_index(key, "c")
        if index is None or len(e.who) != 1:
            self.add(f"{path}.who", f"{key!r} is not a child key like c0")
        elif index in self.children:
            self.add(f"{path}.who", f"{key} joins the household twice")
        elif e.on != e.child.adopted_on:
            what = "adoption" if e.kind is EventKind.ADOPTION else "birth"
            self.add(f"{path}.on", f"{e.on} disagrees with the {what} date {e.child.adopted_on}")
        elif (e.kind is EventKind.ADOPTION) != (e.child.link is ChildLink.ADOPTION):
            self.add(f"{path}.kind", f"disagrees with the child's link {e.child.link}")
        else:
            self.children[index] = e.child
            self.mark(f"children[{index}]", ".child")

    def death(self, path: str, e: LifeEvent) -> None:
        prefix = e.who[0][:1] if len(e.who) == 1 else ""
        if prefix not in ("p", "c"):
            self.add(f"{path}.who", "expected one member key like p0 or c0")
            return
        index = self.member(path, e, prefix)
        if index is None:
            return
        if e.who[0] in self.deaths:
            self.add(f"{path}.who", f"{e.who[0]} dies twice")
        elif e.on is not None:
            self.deaths[e.who[0]] = e.on
            member = "parents" if prefix == "p" else "children"
            self.mark(f"{member}[{index}].death_date", ".on")

    def marriage(self, path: str, e: LifeEvent) -> None:
        spouses: list[int] = []
        for key in e.who:
            index = _key_index(key, "p")
            if index is None or index not in self.parents:
                self.add(f"{path}.who", f"{key!r} is no parent born before this event")
                return
            self.alive(path, e, key)
            spouses.append(index)
        n = self.slot(path, self.marriages, e.item, "marriage")
        if n is not None:
            self.marriages[n] = Marriage(spouses=tuple(spouses), married=e.on)
            self.mark(f"marriages[{n}]", married="on", spouses="who")

    def build(self, household_id: str, village: str) -> Household:
        check = self.check
        for name, found in (
            ("parents", self.parents),
            ("children", self.children),
            ("marriages", self.marriages),
            ("certificates", self.certificates),
            ("deposits", self.deposits),
            ("confirmations", self.confirmations),
        ):
            if sorted(found) != list(range(len(found))):
                check.add("events", f"the {name} are not numbered 0..{len(found) - 1}")
        check.raise_if_any()
        parents: list[Person] = []
        for i in range(len(self.parents)):
            try:
                parents.append(
                    attrs.evolve(
                        self.parents[i],
                        death_date=self.deaths.get(f"p{i}"),
                        hukou_changes=_ordered(self.hukou.get(i, {})),
                    )
                )
            except InvalidInput as error:
                check.extend(error, f"parents[{i}]")
        children: list[Child] = []
        for i in range(len(self.children)):
            try:
                children.append(
                    attrs.evolve(
                        self.children[i],
                        death_date=self.deaths.get(f"c{i}"),
                        disabilities=_ordered(self.disabilities.get(i, {})),
                    )
                )
            except InvalidInput as error:
                check.extend(error, f"children[{i}]")
        if not check.problems:
            try:
                return Household(
                    household_id=household_id,
                    village=village,
                    parents=tuple(parents),
                    marriages=_ordered(self.marriages),
                    children=tuple(children),
                    certificates=_ordered(self.certificates),
                    second_child_quota=self.quota,
                    deposits=_ordered(self.deposits),
                    confirmations=_ordered(self.confirmations),
                )
            except InvalidInput as error:
                check.extend(error, "")
        raise InvalidInput([Problem(self.event_path(p.path), p.message) for p in check.problems])


T = TypeVar("T")


def _ordered(found: dict[int, T]) -> tuple[T, ...]:
    return tuple(found[i] for i in sorted(found))


def _key_index(key: str, prefix: str) -> int | None:
    number = key[len(prefix) :] if key.startswith(prefix) else ""
    return int(number) if number.isascii() and number.isdigit() else None


def household_from_events(
    household_id: str, village: str, events: Iterable[LifeEvent]
) -> Household:
    """Build a household from its dated events (the inverse of :func:`household_events`).

    Raises:
        InvalidInput: events out of order, about members not (yet) in the household or
            already dead, ending what was never begun, or contradicting each other,
            named by path (``events[3].on``); then the household's own checks, each
            problem named by the event that made the part it is about (a child born
            before a parent could have had it: ``events[5].child.birth_date``).

    Example:
        >>> from fpcore.model import sample_household
        >>> h = sample_household()
        >>> household_from_events(h.household_id, h.village, household_events(h)) == h
        True
        >>> events = list(household_events(h))
        >>> household_from_events(h.household_id, h.village, events[::-1])
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 12 problems in the input:
          events[0].item: 0 is no deposit recorded before this event
          events[1].on: 2004-06-01 is before the event above it (2008-10-20)
          ...
    """
    listed: Sequence[LifeEvent] = list(events)
    builder = _Builder()
    previous: pendulum.Date | None = None
    for position, event in enumerate(listed):
        path = f"events[{position}]"
        if not isinstance(event, LifeEvent):
            builder.add(path, f"expected a LifeEvent, got {type(event).__name__}")
            continue
        if event.on is None:
            if event.kind not in _UNDATED:
                builder.add(f"{path}.on", "is required (only a marriage or its end may be undated)")
                continue
        else:
            if previous is not None and event.on < previous:
                builder.add(f"{path}.on", f"{event.on} is before the event above it ({previous})")
            previous = event.on
        builder.position = position
        try:
            builder.replay(path, event)
        except InvalidInput as error:
            builder.check.extend(error, path)
    return builder.build(household_id, village)
