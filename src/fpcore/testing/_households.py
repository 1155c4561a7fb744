"""Strategies for coherent households and for the county's geography."""

from __future__ import annotations

import datetime as dt

import pendulum
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
    Household,
    Hukou,
    MaritalStatus,
    Marriage,
    MarriageEnd,
    Person,
    Residence,
    SecondChildQuota,
    Sex,
    Township,
    Village,
)
from fpcore.money import Money
from fpcore.testing._basics import money
from fpcore.testing._people import (
    DEFAULT_ON,
    HOME_REGION,
    PERSON_ANCHOR,
    between,
    make_child,
    make_hukou_changes,
    make_person,
    one_in,
    sample_villages,
    years_after,
    years_before,
)

#: Parents are at least this old at a birth, an adoption at least ``ADOPTER_AGE``.
PARENT_AGE_AT_BIRTH = 20
MOTHER_AGE_LIMIT = 45
FATHER_AGE_LIMIT = 60
ADOPTER_AGE = 30
ADOPTED_CHILD_MAX_AGE = 14

_STATUSES = st.sampled_from(
    [MaritalStatus.MARRIED, MaritalStatus.MARRIED, MaritalStatus.WIDOWED, MaritalStatus.DIVORCED]
)
_TOWNSHIP_NAMES = ("洪凝镇", "街头镇", "潮河镇", "许孟镇", "于里镇", "汪湖镇", "石场乡", "户部乡")
_VILLAGE_NAMES = ("东村", "西村", "南村", "北村", "河口村", "山前村", "李家庄", "王家庄")


def households(
    *,
    on: dt.date = DEFAULT_ON,
    min_children: int = 0,
    max_children: int = 3,
    marital_status: MaritalStatus | None = None,
    hukou: Hukou | None = None,
    village: str | None = None,
    min_parent_age: int = 20,
    max_parent_age: int = 80,
    allow_adoption: bool = True,
    allow_child_death: bool = True,
    allow_disability: bool = True,
    snapshot: bool = False,
) -> st.SearchStrategy[Household]:
    """Coherent family-planning households with their life histories, complete on ``on``.

    Every constructor check passes, and more holds than the constructor asks:

    - parents are ``min_parent_age`` to ``max_parent_age`` years old on ``on``; a couple
      is a woman and a man at most ten years older or five years younger; a single
      (widowed or divorced) parent is a woman or a man;
    - the couple's marriage (if dated) precedes their children's births; a parent of a
      couple may have an earlier marriage, ended by divorce or the other spouse's death
      before the couple married, with a child linked to that parent only; a couple
      may be widowed by the death of one of them (after the marriage and the births);
      a single parent's marriage to a spouse outside the household ended by divorce or
      death, on a day given or not, perhaps after an earlier divorce;
    - children by birth are born when each of their parents is at least 20, a mother at
      most 45 and a father at most 60; adopted children are adopted when every parent
      is at least 30, at most 14 years after their birth; children are in birth order;
    - a parent's hukou may change (农转非 and back) after their 16th birthday;
    - a child's death and disability certificates follow its birth (and adoption); a
      certificate is issued before the death, and may be reissued (perhaps of another
      grade) on or after the previous one's cancellation, the last perhaps cancelled;
    - an honour certificate or a second-child quota only for exactly one child, issued
      or granted after that child joined the household, a waiver after the grant;
      certificates may have been returned;
    - birth permits in the year before a birth, deposits paid after the parents turned
      20, refunds after payment; resident IDs are unique and agree with birth and sex;
    - eligibility confirmations for a living parent, after the parent turned 20;
    - nothing happens after ``on``.

    ``snapshot=True`` gives only what a version 1 document could say: no hukou change,
    no earlier marriage, no death of a parent, children of every parent, at most one
    disability certificate, no returned certificate, no confirmation.

    Args:
        on: the day the records are complete on; nothing happens after it.
        min_children: at least this many children.
        max_children: at most this many children.
        marital_status: only households with this status as the record stands
            (default: any).
        hukou: every parent has this hukou for life (default: each parent draws one,
            which may change).
        village: the 12-digit village code (default: a village of the sample county).
        min_parent_age: youngest parent age on ``on`` (at least 20).
        max_parent_age: oldest parent age on ``on``.
        allow_adoption: whether children may be adopted.
        allow_child_death: whether children may have died by ``on``.
        allow_disability: whether children may hold disability certificates.
        snapshot: only histories a version 1 document could hold.

    Shrinks towards a married rural couple, both born 1970-01-01 (or the birth day
    nearest it allowed by the ages), with IDs, married on their 20th birthday, no
    children, certificates, quota, deposits or confirmations, no other marriage, no
    hukou change, in village ``371121100201``.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> h = find(households(), lambda h: True, settings=simplest)
        >>> h.marital_status.value, [p.hukou.value for p in h.parents], h.children
        ('married', ['rural', 'rural'], ())
        >>> [str(p.birth_date) for p in h.parents], str(h.marriages[0].married)
        (['1970-01-01', '1970-01-01'], '1990-01-01')
        >>> from hypothesis import given
        >>> @settings(max_examples=20)
        ... @given(households(on=pendulum.Date(2010, 6, 30), min_children=1))
        ... def test_children_born_by_then(h: Household) -> None:
        ...     assert all(c.birth_date <= pendulum.Date(2010, 6, 30) for c in h.children)
        >>> test_children_born_by_then()
    """
    if not 0 <= min_children <= max_children:
        raise InvalidArgument(
            f"need 0 <= min_children <= max_children, got {min_children}, {max_children}"
        )
    if max_children > 12:
        raise InvalidArgument(f"max_children={max_children} is not a plausible household (<= 12)")
    if not PARENT_AGE_AT_BIRTH <= min_parent_age <= max_parent_age <= 110:
        raise InvalidArgument(
            f"need 20 <= min_parent_age <= max_parent_age <= 110, "
            f"got {min_parent_age}, {max_parent_age}"
        )
    if village is not None and not (len(village) == 12 and village.isascii() and village.isdigit()):
        raise InvalidArgument(f"{village!r} is not a 12-digit village code")
    on_day = pendulum.Date(on.year, on.month, on.day)
    if on_day.year - max_parent_age - 1 < 1:
        raise InvalidArgument(f"on={on} leaves no room for parents aged up to {max_parent_age}")
    youngest_birth = years_before(on_day, min_parent_age)
    eldest_birth = years_before(on_day, max_parent_age + 1).add(days=1)

    @st.composite
    def build(draw: st.DrawFn) -> Household:
        code = village or draw(st.sampled_from(sample_villages()))
        residence = Residence(township=code[:9], village=code)
        status = marital_status or draw(_STATUSES)
        history = not snapshot
        # Both parents' facts are always drawn, so a couple is no larger to hypothesis
        # than a single parent and shrinking ends at a married couple.
        first_birth = between(draw, eldest_birth, youngest_birth, PERSON_ANCHOR)
        gap = draw(st.integers(-3652, 1826))  # the man: up to 10 years older, 5 younger
        second_birth = min(max(first_birth.add(days=gap), eldest_birth), youngest_birth)
        single_sex = draw(st.sampled_from([Sex.FEMALE, Sex.MALE]))
        starts = [hukou or draw(st.sampled_from([Hukou.RURAL, Hukou.URBAN])) for _ in "ab"]
        widowed_couple = status is MaritalStatus.WIDOWED and history and one_in(draw, 3)
        couple = status is MaritalStatus.MARRIED or widowed_couple
        if couple:
            facts = [(first_birth, Sex.FEMALE), (second_birth, Sex.MALE)]
        else:
            facts = [(first_birth, single_sex)]
        plan = _Plan(draw, facts, on_day)
        count = draw(st.integers(min_children, max_children))
        if couple:
            plan.couple(count, undated=one_in(draw, 5), history=history)
        else:
            plan.single(count, status, history=history)
        plan.common_children(allow_adoption)
        if widowed_couple:
            plan.widow()
        taken: set[str] = set()
        parents = tuple(
            make_person(
                draw,
                birth=birth,
                sex=sex,
                hukou=start,
                residence=residence,
                taken=taken,
                death=plan.deaths.get(index),
                hukou_changes=(
                    make_hukou_changes(
                        draw, start, years_after(birth, 16), plan.deaths.get(index) or on_day
                    )
                    if history and hukou is None
                    else ()
                ),
            )
            for index, ((birth, sex), start) in enumerate(zip(facts, starts, strict=False))
        )
        surname = _surname(parents[-1].name)
        plan.born.sort(key=lambda item: item[0])
        kids = tuple(
            make_child(
                draw,
                birth=birth,
                on=on_day,
                link=link,
                adoption=adopted,
                surname=surname,
                taken=taken,
                within_policy=True if index == 0 else None,
                allow_death=allow_child_death,
                allow_disability=allow_disability,
                parents=linked,
                reissue=history,
            )
            for index, (birth, link, adopted, linked) in enumerate(plan.born)
        )
        certificates = _certificates(draw, kids, plan.adult, plan.married, on_day)
        if history:
            certificates = tuple(_returned(draw, c, on_day) for c in certificates)
        return Household(
            household_id=f"HH-{draw(st.integers(1, 99999)):05d}",
            village=code,
            parents=parents,
            marriages=tuple(plan.marriages),
            children=kids,
            certificates=certificates,
            second_child_quota=_quota(draw, kids, on_day),
            deposits=_deposits(draw, plan.adult, on_day),
            confirmations=_confirmations(draw, parents, plan.deaths, on_day) if history else (),
        )

    return build()


_Arrival = tuple[pendulum.Date, ChildLink, pendulum.Date | None, tuple[int, ...] | None]
"""A child's birth, link, adoption day and parents (None: every parent)."""


def _age_limit(sex: Sex) -> int:
    return MOTHER_AGE_LIMIT if sex is Sex.FEMALE else FATHER_AGE_LIMIT


class _Plan:
    """The dates of a household's history, drawn before its people are built."""

    def __init__(
        self, draw: st.DrawFn, facts: list[tuple[pendulum.Date, Sex]], on: pendulum.Date
    ) -> None:
        self.draw = draw
        self.facts = facts
        self.on = on
        self.adults = [years_after(birth, PARENT_AGE_AT_BIRTH) for birth, _ in facts]
        self.adult = max(self.adults)
        self.limits = [
            min(on, years_after(birth, _age_limit(sex)).subtract(days=1)) for birth, sex in facts
        ]
        self.fertile_end = min(self.limits)
        self.adopter = max(years_after(birth, ADOPTER_AGE) for birth, _ in facts)
        self.marriages: list[Marriage] = []
        self.married: pendulum.Date | None = None  # the marriage the children are of
        self.born: list[_Arrival] = []
        self.deaths: dict[int, pendulum.Date] = {}
        self.slots = 0

    def couple(self, count: int, *, undated: bool, history: bool) -> None:
        draw = self.draw
        self.slots = count
        latest = self.fertile_end if count else self.on
        earlier = [history and one_in(draw, 4) for _ in self.facts]
        if undated and not any(earlier):
            self.marriages.append(Marriage(spouses=(0, 1)))
            return
        married = between(draw, self.adult, max(self.adult, latest))
        for index, wanted in enumerate(earlier):
            if wanted and self.adults[index] < married:
                self._earlier(index, married)
        self.marriages.append(Marriage(spouses=(0, 1), married=married))
        self.married = married

    def _earlier(self, index: int, before: pendulum.Date) -> None:
        """An earlier marriage of parents[index], ended before ``before``, perhaps with
        a child of that parent only."""
        draw = self.draw
        start = between(self.draw, self.adults[index], before.subtract(days=1))
        ended = between(draw, start, before)
        end = MarriageEnd.DEATH if one_in(draw, 3) else MarriageEnd.DIVORCE
        self.marriages.append(Marriage(spouses=(index,), married=start, ended=ended, end=end))
        last = min(ended, self.limits[index])
        if self.slots and start <= last and one_in(draw, 2):
            self.born.append((between(draw, start, last), ChildLink.BIRTH, None, (index,)))
            self.slots -= 1

    def single(self, count: int, status: MaritalStatus, *, history: bool) -> None:
        draw = self.draw
        self.slots = count
        end = MarriageEnd.DEATH if status is MaritalStatus.WIDOWED else MarriageEnd.DIVORCE
        undated = one_in(draw, 3)
        earlier = history and one_in(draw, 4)
        married = None
        if not undated or earlier:
            latest = self.fertile_end if count else self.on
            married = between(draw, self.adult, max(self.adult, latest))
        if earlier and married is not None and self.adult < married:
            start = between(draw, self.adult, married.subtract(days=1))
            ended = between(draw, start, married)
            self.marriages.append(
                Marriage(spouses=(0,), married=start, ended=ended, end=MarriageEnd.DIVORCE)
            )
        since = None if one_in(draw, 4) else between(draw, married or self.adult, self.on)
        self.marriages.append(Marriage(spouses=(0,), married=married, ended=since, end=end))
        self.married = married

    def common_children(self, allow_adoption: bool) -> None:
        draw = self.draw
        first = max(self.adult, self.married) if self.married else self.adult
        for _ in range(self.slots):
            adopter = max(self.adopter, first)
            if allow_adoption and adopter <= self.on and one_in(draw, 6):
                adopted = between(draw, adopter, self.on)
                earliest = max(years_before(adopted, ADOPTED_CHILD_MAX_AGE), self.adult)
                born = between(draw, earliest, adopted)
                self.born.append((born, ChildLink.ADOPTION, adopted, None))
            else:
                low = min(first, self.fertile_end)
                born = between(draw, low, self.fertile_end)
                self.born.append((born, ChildLink.BIRTH, None, None))

    def widow(self) -> None:
        """One of the couple dies after the marriage and every child's arrival."""
        draw = self.draw
        who = draw(st.integers(0, 1))
        joined = [
            adopted or birth
            for birth, _, adopted, linked in self.born
            if linked is None or who in linked
        ]
        low = max([self.married or self.adult, self.adult, *joined])
        if low <= self.on:
            self.deaths[who] = between(draw, low, self.on)


def _surname(name: str) -> str:
    return name[:2] if name[:2] in ("欧阳", "司马") else name[:1]


def _certificates(
    draw: st.DrawFn,
    kids: tuple[Child, ...],
    adult: pendulum.Date,
    married: pendulum.Date | None,
    on: pendulum.Date,
) -> tuple[Certificate, ...]:
    found: list[Certificate] = []
    if one_in(draw, 3):
        issued = between(draw, married or adult, on)
        found.append(_certificate(draw, CertificateKind.SERVICE_HANDBOOK, issued))
    for kid in kids:
        if kid.link is ChildLink.BIRTH and one_in(draw, 3):
            earliest = max(min(adult, kid.birth_date), kid.birth_date.subtract(days=365))
            issued = between(draw, earliest, kid.birth_date)
            found.append(_certificate(draw, CertificateKind.BIRTH_PERMIT, issued))
    if len(kids) == 1 and one_in(draw, 2):
        joined = kids[0].adopted_on
        latest = max(joined, min(on, years_after(kids[0].birth_date, 14)))
        issued = between(draw, joined, latest)
        found.append(_certificate(draw, CertificateKind.HONOUR_CERTIFICATE, issued))
    return tuple(found)


def _returned(draw: st.DrawFn, certificate: Certificate, on: pendulum.Date) -> Certificate:
    """The certificate, returned (收回) between its issue and ``on`` once in eight."""
    if not one_in(draw, 8):
        return certificate
    returned = between(draw, certificate.issued, on)
    return Certificate(
        kind=certificate.kind,
        number=certificate.number,
        issued=certificate.issued,
        returned=returned,
    )


BENEFITS = ("special_assistance", "reward_assistance")
"""The benefits whose eligibility the generated confirmations confirm."""


def _confirmations(
    draw: st.DrawFn,
    parents: tuple[Person, ...],
    deaths: dict[int, pendulum.Date],
    on: pendulum.Date,
) -> tuple[Confirmation, ...]:
    if not one_in(draw, 4):
        return ()
    found = []
    for _ in range(draw(st.integers(1, 2))):
        index = draw(st.integers(0, len(parents) - 1))
        low = years_after(parents[index].birth_date, PARENT_AGE_AT_BIRTH)
        high = deaths.get(index) or on
        if low > high:
            continue
        serial = draw(st.integers(1, 9999))
        found.append(
            Confirmation(
                benefit=draw(st.sampled_from(BENEFITS)),
                parent=index,
                confirmed=between(draw, low, high),
                reference=f"TF-{serial:04d}" if one_in(draw, 2) else None,
            )
        )
    return tuple(found)


def _certificate(draw: st.DrawFn, kind: CertificateKind, issued: pendulum.Date) -> Certificate:
    prefix = {"honour_certificate": "DZ", "birth_permit": "SY", "service_handbook": "SC"}
    serial = draw(st.integers(1, 9999))
    return Certificate(
        kind=kind, number=f"WL-{prefix[kind]}-{issued.year}-{serial:04d}", issued=issued
    )


def _quota(draw: st.DrawFn, kids: tuple[Child, ...], on: pendulum.Date) -> SecondChildQuota | None:
    if len(kids) != 1 or not one_in(draw, 2):
        return None
    granted = between(draw, kids[0].adopted_on, on)
    waived = None if one_in(draw, 3) else between(draw, granted, on)
    return SecondChildQuota(granted=granted, waived=waived)


def _deposits(draw: st.DrawFn, adult: pendulum.Date, on: pendulum.Date) -> tuple[Deposit, ...]:
    count = draw(st.integers(1, 2)) if one_in(draw, 3) else 0
    return tuple(_deposit(draw, adult, on) for _ in range(count))


def _deposit(draw: st.DrawFn, earliest: pendulum.Date, on: pendulum.Date) -> Deposit:
    paid = between(draw, earliest, on)
    refunded = between(draw, paid, on) if one_in(draw, 2) else None
    receipt = f"BZJ-{paid.year}-{draw(st.integers(1, 9999)):04d}" if one_in(draw, 2) else None
    amount: Money = draw(money("100", "20000"))
    return Deposit(amount=amount, paid=paid, refunded=refunded, receipt=receipt)


def counties(*, max_townships: int = 4, max_villages: int = 4) -> st.SearchStrategy[County]:
    """Valid counties: codes nested county (6) -> township (9) -> village (12 digits).

    Shrinks towards county ``371121`` with one township ``371121100`` holding one
    village ``371121100200``.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> c = find(counties(), lambda c: True, settings=simplest)
        >>> c.code, [t.code for t in c.townships], c.village_count
        ('371121', ['371121100'], 1)
    """
    if max_townships < 1 or max_villages < 1:
        raise InvalidArgument("a county needs at least one township and one village")

    @st.composite
    def build(draw: st.DrawFn) -> County:
        code = draw(st.one_of(st.just(HOME_REGION), st.integers(110000, 659999).map(str)))
        t_codes = draw(
            st.lists(st.integers(100, 999), min_size=1, max_size=max_townships, unique=True)
        )
        townships = []
        for t_code in t_codes:
            t_full = f"{code}{t_code:03d}"
            v_codes = draw(
                st.lists(st.integers(200, 999), min_size=1, max_size=max_villages, unique=True)
            )
            villages = tuple(
                Village(code=f"{t_full}{v:03d}", name=draw(st.sampled_from(_VILLAGE_NAMES)))
                for v in v_codes
            )
            name = draw(st.sampled_from(_TOWNSHIP_NAMES))
            townships.append(Township(code=t_full, name=name, villages=villages))
        return County(code=code, name="五莲县", townships=tuple(townships))

    return build()


def certificates(on: dt.date = DEFAULT_ON) -> st.SearchStrategy[Certificate]:
    """Certificates of any kind issued from 1980 to ``on`` (no household to agree with).

    Shrinks towards an honour certificate issued on 1980-01-01.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> find(certificates(), lambda c: True, settings=simplest).number
        'WL-DZ-1980-0001'
    """

    @st.composite
    def build(draw: st.DrawFn) -> Certificate:
        kind = draw(st.sampled_from(list(CertificateKind)))
        issued = between(draw, pendulum.Date(1980, 1, 1), pendulum.Date(on.year, on.month, on.day))
        return _certificate(draw, kind, issued)

    return build()


def deposits(on: dt.date = DEFAULT_ON) -> st.SearchStrategy[Deposit]:
    """Planned-birth deposits of 100 to 20000 yuan paid, and perhaps refunded, by ``on``.

    Shrinks towards 100 yuan paid on 1980-01-01, never refunded, without a receipt.

    Example:
        >>> from hypothesis import given
        >>> @given(deposits(on=pendulum.Date(2000, 1, 1)))
        ... def test_refund_after_payment(d: Deposit) -> None:
        ...     assert d.refunded is None or d.paid <= d.refunded <= pendulum.Date(2000, 1, 1)
        >>> test_refund_after_payment()
    """

    @st.composite
    def build(draw: st.DrawFn) -> Deposit:
        return _deposit(draw, pendulum.Date(1980, 1, 1), pendulum.Date(on.year, on.month, on.day))

    return build()


def second_child_quotas(on: dt.date = DEFAULT_ON) -> st.SearchStrategy[SecondChildQuota]:
    """Second-child quotas granted from 1980 to ``on``, and perhaps waived by ``on``.

    Shrinks towards a quota granted on 1980-01-01 and never waived.

    Example:
        >>> from hypothesis import given
        >>> @given(second_child_quotas())
        ... def test_waived_after_grant(q: SecondChildQuota) -> None:
        ...     assert q.waived is None or q.granted <= q.waived
        >>> test_waived_after_grant()
    """

    @st.composite
    def build(draw: st.DrawFn) -> SecondChildQuota:
        last = pendulum.Date(on.year, on.month, on.day)
        granted = between(draw, pendulum.Date(1980, 1, 1), last)
        waived = between(draw, granted, last) if one_in(draw, 2) else None
        return SecondChildQuota(granted=granted, waived=waived)

    return build()


def marriages(
    *, spouses: tuple[int, ...] = (0, 1), on: dt.date = DEFAULT_ON
) -> st.SearchStrategy[Marriage]:
    """Marriages of these ``spouses`` (no household to agree with): married from 1970 to
    ``on`` or on an unknown date; a marriage to a spouse outside the household
    (``spouses`` of one) has ended by divorce or death, on a day given or not.

    Shrinks towards a marriage on 1970-01-01 in force (or ended by divorce that day).

    Example:
        >>> from hypothesis import given
        >>> @given(marriages(spouses=(0,)))
        ... def test_ended(m: Marriage) -> None:
        ...     assert m.end is not None
        >>> test_ended()
    """
    last = pendulum.Date(on.year, on.month, on.day)

    @st.composite
    def build(draw: st.DrawFn) -> Marriage:
        married = None if one_in(draw, 5) else between(draw, pendulum.Date(1970, 1, 1), last)
        if len(spouses) == 2 and not one_in(draw, 4):
            return Marriage(spouses=spouses, married=married)
        end = MarriageEnd.DEATH if one_in(draw, 2) else MarriageEnd.DIVORCE
        if len(spouses) == 2:
            end = MarriageEnd.DIVORCE  # a household spouse's death is their death_date
        ended = (
            None if one_in(draw, 5) else between(draw, married or pendulum.Date(1970, 1, 1), last)
        )
        return Marriage(spouses=spouses, married=married, ended=ended, end=end)

    return build()


def confirmations(*, parent: int = 0, on: dt.date = DEFAULT_ON) -> st.SearchStrategy[Confirmation]:
    """Eligibility confirmations for ``parents[parent]`` from 2008 to ``on``.

    Shrinks towards special assistance confirmed on 2008-01-01 without a reference.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> find(confirmations(), lambda c: True, settings=simplest).benefit
        'special_assistance'
    """
    last = pendulum.Date(on.year, on.month, on.day)

    @st.composite
    def build(draw: st.DrawFn) -> Confirmation:
        reference = f"TF-{draw(st.integers(1, 9999)):04d}" if one_in(draw, 2) else None
        return Confirmation(
            benefit=draw(st.sampled_from(BENEFITS)),
            parent=parent,
            confirmed=between(draw, min(pendulum.Date(2008, 1, 1), last), last),
            reference=reference,
        )

    return build()
