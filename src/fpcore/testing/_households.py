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
    County,
    Deposit,
    Household,
    Hukou,
    MaritalStatus,
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


def _first_day(days: list[pendulum.Date]) -> pendulum.Date | None:
    return min(days) if days else None


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
) -> st.SearchStrategy[Household]:
    """Coherent family-planning households, complete on the day ``on``.

    Every constructor check passes, and more holds than the constructor asks:

    - parents are ``min_parent_age`` to ``max_parent_age`` years old on ``on``; a married
      couple is a woman and a man at most ten years older or five years younger; a
      single (widowed or divorced) parent is a woman or a man;
    - children by birth are born when every parent is at least 20, the mother at most 45
      and the father at most 60; adopted children are adopted when every parent is at
      least 30, at most 14 years after their birth; children are in birth order;
    - a child's death and disability certificate follow its birth (and adoption), the
      certificate comes before the death, a cancellation after the issue;
    - the marriage (if dated) precedes the first birth; a widowed or divorced status
      (if dated) follows the marriage; nothing happens after ``on``;
    - an honour certificate or a second-child quota only for exactly one child, issued
      or granted after that child joined the household, a waiver after the grant;
    - birth permits in the year before a birth, deposits paid after the parents turned
      20, refunds after payment; resident IDs are unique and agree with birth and sex.

    Args:
        on: the day the records are complete on; nothing happens after it.
        min_children: at least this many children.
        max_children: at most this many children.
        marital_status: only households with this status (default: any).
        hukou: every parent has this hukou (default: each parent draws one).
        village: the 12-digit village code (default: a village of the sample county).
        min_parent_age: youngest parent age on ``on`` (at least 20).
        max_parent_age: oldest parent age on ``on``.
        allow_adoption: whether children may be adopted.
        allow_child_death: whether children may have died by ``on``.
        allow_disability: whether children may hold a disability certificate.

    Shrinks towards a married rural couple, both born 1970-01-01 (or the birth day
    nearest it allowed by the ages), with IDs, married on their 20th birthday, no
    children, certificates, quota or deposits, in village ``371121100201``.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> h = find(households(), lambda h: True, settings=simplest)
        >>> h.marital_status.value, [p.hukou.value for p in h.parents], h.children
        ('married', ['rural', 'rural'], ())
        >>> [str(p.birth_date) for p in h.parents], str(h.married)
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
        # Both parents' facts are always drawn, so a couple is no larger to hypothesis
        # than a single parent and shrinking ends at a married couple.
        first_birth = between(draw, eldest_birth, youngest_birth, PERSON_ANCHOR)
        gap = draw(st.integers(-3652, 1826))  # the man: up to 10 years older, 5 younger
        second_birth = min(max(first_birth.add(days=gap), eldest_birth), youngest_birth)
        single_sex = draw(st.sampled_from([Sex.FEMALE, Sex.MALE]))
        hukous = [hukou or draw(st.sampled_from([Hukou.RURAL, Hukou.URBAN])) for _ in "ab"]
        facts = [(first_birth, Sex.FEMALE), (second_birth, Sex.MALE)]
        if status is not MaritalStatus.MARRIED:
            facts = [(first_birth, single_sex), (second_birth, single_sex)]
        taken: set[str] = set()
        drawn = [
            make_person(draw, birth=birth, sex=sex, hukou=kind, residence=residence, taken=taken)
            for (birth, sex), kind in zip(facts, hukous, strict=True)
        ]
        parents = drawn if status is MaritalStatus.MARRIED else drawn[:1]
        surname = _surname((parents[1] if len(parents) == 2 else parents[0]).name)
        adult = max(years_after(p.birth_date, PARENT_AGE_AT_BIRTH) for p in parents)
        fertile_end = min(
            on_day,
            *(
                years_after(
                    p.birth_date, MOTHER_AGE_LIMIT if p.is_female else FATHER_AGE_LIMIT
                ).subtract(days=1)
                for p in parents
            ),
        )
        adopter = max(years_after(p.birth_date, ADOPTER_AGE) for p in parents)

        count = draw(st.integers(min_children, max_children))
        born: list[tuple[pendulum.Date, ChildLink, pendulum.Date | None]] = []
        for _ in range(count):
            if allow_adoption and adopter <= on_day and one_in(draw, 6):
                adopted = between(draw, adopter, on_day)
                earliest = max(years_before(adopted, ADOPTED_CHILD_MAX_AGE), adult)
                born.append((between(draw, earliest, adopted), ChildLink.ADOPTION, adopted))
            else:
                born.append((between(draw, adult, fertile_end), ChildLink.BIRTH, None))
        born.sort(key=lambda item: item[0])
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
            )
            for index, (birth, link, adopted) in enumerate(born)
        )
        first_natural = _first_day([c.birth_date for c in kids if c.link is ChildLink.BIRTH])
        married = None
        undated_single, undated_married = one_in(draw, 3), one_in(draw, 5)
        if not undated_married and (status is MaritalStatus.MARRIED or not undated_single):
            married = between(draw, adult, first_natural or on_day)
        status_since = None
        undated_status = one_in(draw, 4)
        if status is not MaritalStatus.MARRIED and not undated_status:
            status_since = between(draw, married or adult, on_day)
        return Household(
            household_id=f"HH-{draw(st.integers(1, 99999)):05d}",
            village=code,
            parents=tuple(parents),
            marital_status=status,
            married=married,
            status_since=status_since,
            children=kids,
            certificates=_certificates(draw, kids, adult, married, on_day),
            second_child_quota=_quota(draw, kids, on_day),
            deposits=_deposits(draw, adult, on_day),
        )

    return build()


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
            issued = between(draw, max(adult, kid.birth_date.subtract(days=365)), kid.birth_date)
            found.append(_certificate(draw, CertificateKind.BIRTH_PERMIT, issued))
    if len(kids) == 1 and one_in(draw, 2):
        joined = kids[0].adopted_on
        latest = max(joined, min(on, years_after(kids[0].birth_date, 14)))
        issued = between(draw, joined, latest)
        found.append(_certificate(draw, CertificateKind.HONOUR_CERTIFICATE, issued))
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
