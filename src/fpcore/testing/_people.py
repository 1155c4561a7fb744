"""Strategies for resident IDs, residences, persons, children and disabilities, with
their histories (hukou changes, reissued disability certificates)."""

from __future__ import annotations

import datetime as dt
import functools

import attrs
import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from fpcore.model import (
    Child,
    ChildLink,
    Disability,
    Hukou,
    HukouChange,
    Person,
    Residence,
    Sex,
    check_digit,
    sample_county,
)
from fpcore.periods import birthday
from fpcore.testing._basics import dates_near, to_pendulum

DEFAULT_ON = pendulum.Date(2024, 12, 31)
"""The day generated records are complete on (nothing happens after it), unless told."""

PERSON_ANCHOR = pendulum.Date(1970, 1, 1)
CHILD_ANCHOR = pendulum.Date(2000, 1, 1)
_PERSON_FIRST_BIRTH = pendulum.Date(1920, 1, 1)
_PERSON_LAST_BIRTH = pendulum.Date(2006, 12, 31)
_CHILD_FIRST_BIRTH = pendulum.Date(1950, 1, 1)
_FIRST_DISABILITY = pendulum.Date(1990, 1, 1)
_FIRST_HUKOU_CHANGE = pendulum.Date(1958, 1, 1)

HOME_REGION = "371121"
"""The sample county's code: the region code generated IDs shrink towards."""

_SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "欧阳", "司马")
_GIVEN = "秀娟建国明华丽军伟芳强敏静磊洋艳勇杰娜涛小红"
_NO_ID_REASONS = ("尚未办理居民身份证", "户籍迁移中", "现役军人")

_SEXES = st.sampled_from([Sex.FEMALE, Sex.MALE])
_HUKOUS = st.sampled_from([Hukou.RURAL, Hukou.URBAN])
_REGIONS = st.one_of(st.just(HOME_REGION), st.integers(110000, 659999).map(str))


def one_in(draw: st.DrawFn, n: int) -> bool:
    """True about once in ``n`` draws; shrinks to False."""
    return draw(st.integers(0, n - 1)) == n - 1


def years_after(day: pendulum.Date, years: int) -> pendulum.Date:
    """The day someone born on ``day`` turns ``years`` (29 February: 1 March)."""
    return birthday(day, day.year + years)


def years_before(day: pendulum.Date, years: int) -> pendulum.Date:
    """The same day ``years`` earlier (29 February becomes 28 February)."""
    year = day.year - years
    try:
        return pendulum.Date(year, day.month, day.day)
    except ValueError:
        return pendulum.Date(year, 2, 28)


def between(
    draw: st.DrawFn, low: pendulum.Date, high: pendulum.Date, anchor: pendulum.Date | None = None
) -> pendulum.Date:
    """A day in ``[low, high]`` shrinking towards ``anchor`` (default ``low``)."""
    return draw(dates_near(low, high, low if anchor is None else anchor))


@functools.cache
def sample_villages() -> tuple[str, ...]:
    """The village codes of :func:`fpcore.model.sample_county`, built once."""
    county = sample_county()
    return tuple(v.code for t in county.townships for v in t.villages)


def names(surname: str | None = None) -> st.SearchStrategy[str]:
    """Chinese names: a surname (or ``surname``) and one or two given characters.

    Shrinks towards ``'王丽'``.

    Example:
        >>> from hypothesis import given
        >>> @given(names(surname="欧阳"))
        ... def test_family_name(name: str) -> None:
        ...     assert name.startswith("欧阳") and 3 <= len(name) <= 4
        >>> test_family_name()
    """
    surnames = st.just(surname) if surname else st.sampled_from(_SURNAMES)
    given = st.text(alphabet=_GIVEN, min_size=1, max_size=2)
    return st.builds(lambda s, g: s + g, surnames, given)


def id_for(region: str, birth: dt.date, order: int) -> str:
    """The valid 18-character ID with this region, birth date and 3-digit order code."""
    first17 = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{order:03d}"
    return first17 + check_digit(first17)


def order_code(draw: st.DrawFn, sex: Sex) -> int:
    """A 3-digit order code whose last digit's parity encodes ``sex`` (odd: male)."""
    return draw(st.integers(0, 499)) * 2 + (1 if sex is Sex.MALE else 0)


def resident_ids(
    *,
    birth_date: dt.date | None = None,
    sex: Sex | None = None,
    regions: st.SearchStrategy[str] = _REGIONS,
) -> st.SearchStrategy[str]:
    """Valid 18-character resident IDs (GB 11643-1999, MOD 11-2 check character).

    Any order code (not just those :func:`fpcore.model.make_resident_id` makes), so the
    check character ``X`` appears too. ``birth_date`` and ``sex`` fix what the ID
    encodes. Shrinks towards ``'371121197001010002'``: the sample county, born
    1970-01-01, order code 000 (a woman).

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> find(resident_ids(), lambda rid: True, settings=simplest)
        '371121197001010002'
    """

    @st.composite
    def ids(draw: st.DrawFn) -> str:
        region = draw(regions)
        if not (len(region) == 6 and region.isascii() and region.isdigit() and region[0] != "0"):
            raise InvalidArgument(f"{region!r} is not a 6-digit region code")
        born = birth_date or draw(
            dates_near(pendulum.Date(1900, 1, 1), pendulum.Date(2099, 12, 31), PERSON_ANCHOR)
        )
        chosen = sex or draw(_SEXES)
        return id_for(region, born, order_code(draw, chosen))

    return ids()


def residences(village: str | None = None) -> st.SearchStrategy[Residence]:
    """Residences in a village of the sample county (or in ``village``, a 12-digit code).

    Shrinks towards the sample county's first village, ``371121100201``.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> find(residences(), lambda r: True, settings=simplest)
        Residence(township='371121100', village='371121100201')
    """
    villages = st.just(village) if village else st.sampled_from(sample_villages())
    return villages.map(lambda code: Residence(township=code[:9], village=code))


def make_person(
    draw: st.DrawFn,
    *,
    birth: pendulum.Date,
    sex: Sex,
    hukou: Hukou,
    residence: Residence,
    taken: set[str],
    surname: str | None = None,
    death: pendulum.Date | None = None,
    hukou_changes: tuple[HukouChange, ...] = (),
) -> Person:
    """A person with these facts, a name and (usually) an ID not yet in ``taken``.

    Both the ID and the reason for none are always drawn, so a person with an ID is
    no larger to hypothesis than one without (shrinking keeps the ID).
    """
    name = draw(names(surname))
    without_id = one_in(draw, 8)
    reason = draw(st.sampled_from(_NO_ID_REASONS))
    region = draw(st.one_of(st.just(residence.village[:6]), _REGIONS))
    order = order_code(draw, sex)
    return Person(
        name=name,
        sex=sex,
        birth_date=birth,
        hukou=hukou,
        residence=residence,
        resident_id=None if without_id else unique_id(region, birth, order, taken),
        no_id_reason=reason if without_id else None,
        death_date=death,
        hukou_changes=hukou_changes,
    )


_HUKOU_REASONS = {Hukou.URBAN: ("农转非", "招工", "升学"), Hukou.RURAL: ("非转农", "回乡")}


def make_hukou_changes(
    draw: st.DrawFn, start: Hukou, low: pendulum.Date, high: pendulum.Date
) -> tuple[HukouChange, ...]:
    """None (usually), one or two dated changes of class in ``[low, high]``, in order,
    each to the other class (e.g. 农转非), with a reason or none."""
    if low > high or not one_in(draw, 4):
        return ()
    changes: list[HukouChange] = []
    current, since = start, low
    for _ in range(2 if one_in(draw, 4) else 1):
        on = between(draw, since, high)
        current = Hukou.URBAN if current is Hukou.RURAL else Hukou.RURAL
        reason = draw(st.sampled_from(_HUKOU_REASONS[current])) if not one_in(draw, 4) else None
        changes.append(HukouChange(on=on, hukou=current, reason=reason))
        since = on
    return tuple(changes)


def hukou_changes(
    *,
    start: Hukou = Hukou.RURAL,
    min_on: dt.date = _FIRST_HUKOU_CHANGE,
    max_on: dt.date = DEFAULT_ON,
) -> st.SearchStrategy[tuple[HukouChange, ...]]:
    """Hukou histories after ``start``: none, one or two changes in ``[min_on, max_on]``,
    in order, each to the other class, as :attr:`Person.hukou_changes` holds them.

    Shrinks towards no change.

    Example:
        >>> from hypothesis import given
        >>> @given(hukou_changes(start=Hukou.RURAL))
        ... def test_first_change_leaves_rural(changes: tuple[HukouChange, ...]) -> None:
        ...     assert not changes or changes[0].hukou is Hukou.URBAN
        >>> test_first_change_leaves_rural()
    """
    low, high = to_pendulum(min_on), to_pendulum(max_on)
    if low > high:
        raise InvalidArgument(f"min_on {min_on} is after max_on {max_on}")

    @st.composite
    def build(draw: st.DrawFn) -> tuple[HukouChange, ...]:
        return make_hukou_changes(draw, start, low, high)

    return build()


def unique_id(region: str, birth: dt.date, order: int, taken: set[str]) -> str:
    """The valid ID nearest ``order`` (same sex) that is not in ``taken`` (then added)."""
    resident_id = id_for(region, birth, order)
    while resident_id in taken:
        order = (order + 2) % 1000
        resident_id = id_for(region, birth, order)
    taken.add(resident_id)
    return resident_id


def persons(
    *,
    min_birth_date: dt.date = _PERSON_FIRST_BIRTH,
    max_birth_date: dt.date = _PERSON_LAST_BIRTH,
    sex: Sex | None = None,
    hukou: Hukou | None = None,
    village: str | None = None,
    on: dt.date = DEFAULT_ON,
    allow_death: bool = True,
) -> st.SearchStrategy[Person]:
    """Valid persons: ID (or a reason for none) agreeing with birth date and sex.

    Births fall in ``[min_birth_date, max_birth_date]`` and not after ``on``; a death,
    if any, falls between the birth and ``on``; hukou changes (unless ``hukou`` fixes
    the class for life) fall after the 16th birthday, by the death and ``on``.

    Shrinks towards a living woman named ``王丽``, rural for life, born 1970-01-01,
    with an ID from the sample county (``'371121197001010007'``), living in its first
    village.

    Example:
        >>> from hypothesis import given
        >>> @given(persons(sex=Sex.MALE, allow_death=False))
        ... def test_id_agrees(person: Person) -> None:
        ...     assert person.death_date is None
        ...     assert person.resident_id is None or person.resident_id[16] in "13579"
        >>> test_id_agrees()
    """
    on_day = to_pendulum(on)
    low, high = to_pendulum(min_birth_date), min(to_pendulum(max_birth_date), on_day)
    if low > high:
        raise InvalidArgument(f"no birth date in [{min_birth_date}, {max_birth_date}] by {on}")

    @st.composite
    def build(draw: st.DrawFn) -> Person:
        birth = between(draw, low, high, PERSON_ANCHOR)
        death = between(draw, birth, on_day) if allow_death and one_in(draw, 6) else None
        start = hukou or draw(_HUKOUS)
        changes = (
            ()
            if hukou
            else make_hukou_changes(draw, start, years_after(birth, 16), death or on_day)
        )
        return make_person(
            draw,
            birth=birth,
            sex=sex or draw(_SEXES),
            hukou=start,
            residence=draw(residences(village)),
            taken=set(),
            death=death,
            hukou_changes=changes,
        )

    return build()


def disabilities(
    *,
    min_issued: dt.date = _FIRST_DISABILITY,
    max_issued: dt.date = DEFAULT_ON,
    on: dt.date | None = None,
) -> st.SearchStrategy[Disability]:
    """Disability certificates: grade 1-4, issued in the window, maybe cancelled by ``on``.

    Shrinks towards a grade 1 certificate issued on ``min_issued``, never cancelled,
    without a number.

    Example:
        >>> from hypothesis import Phase, find, settings
        >>> simplest = settings(database=None, phases=[Phase.generate], max_examples=1)
        >>> find(disabilities(), lambda d: True, settings=simplest)
        Disability(grade=1, issued=Date(1990, 1, 1), cancelled=None, certificate_number=None)
    """
    low = pendulum.Date(min_issued.year, min_issued.month, min_issued.day)
    high = pendulum.Date(max_issued.year, max_issued.month, max_issued.day)
    last = high if on is None else max(high, pendulum.Date(on.year, on.month, on.day))
    if low > high:
        raise InvalidArgument(f"min_issued {min_issued} is after max_issued {max_issued}")

    @st.composite
    def build(draw: st.DrawFn) -> Disability:
        return make_disability(draw, low, high, last)

    return build()


def make_disability(
    draw: st.DrawFn,
    low: pendulum.Date,
    high: pendulum.Date,
    last: pendulum.Date,
    joined: pendulum.Date | None = None,
) -> Disability:
    """A certificate issued in ``[low, high]``, maybe cancelled by ``last`` (not before
    ``joined``, the day an adopted child joined its household)."""
    issued = between(draw, low, high)
    first = max(issued, joined or issued)
    cancelled = between(draw, first, max(first, last)) if one_in(draw, 4) else None
    number = f"残证{draw(st.integers(1, 99999)):05d}" if one_in(draw, 2) else None
    return Disability(
        grade=draw(st.integers(1, 4)), issued=issued, cancelled=cancelled, certificate_number=number
    )


def make_disabilities(
    draw: st.DrawFn,
    low: pendulum.Date,
    end: pendulum.Date,
    *,
    reissue: bool = True,
    joined: pendulum.Date | None = None,
) -> tuple[Disability, ...]:
    """A child's certificates in ``[low, end]``: usually none; else one, perhaps
    reissued (the next issued on or after the previous one's cancellation, perhaps of
    another grade) up to three times in all, the last perhaps cancelled (recovery)."""
    if not one_in(draw, 6):
        return ()
    found = [make_disability(draw, low, end, end, joined)]
    while reissue and len(found) < 3 and one_in(draw, 3):
        last = found[-1]
        cancelled = last.cancelled or between(draw, max(last.issued, joined or low), end)
        found[-1] = attrs.evolve(last, cancelled=cancelled)
        found.append(make_disability(draw, cancelled, end, end, joined))
    return tuple(found)


def make_child(
    draw: st.DrawFn,
    *,
    birth: pendulum.Date,
    on: pendulum.Date,
    link: ChildLink,
    adoption: pendulum.Date | None,
    surname: str | None,
    taken: set[str],
    within_policy: bool | None = None,
    allow_death: bool = True,
    allow_disability: bool = True,
    sex: Sex | None = None,
    parents: tuple[int, ...] | None = None,
    reissue: bool = True,
) -> Child:
    """A child born on ``birth`` with coherent later events, all by ``on``."""
    chosen_sex = sex or draw(st.sampled_from([Sex.MALE, Sex.FEMALE]))
    joined = birth if adoption is None else adoption
    death = between(draw, joined, on) if allow_death and one_in(draw, 8) else None
    end = on if death is None else death
    found = (
        make_disabilities(draw, birth, end, reissue=reissue, joined=joined)
        if allow_disability
        else ()
    )
    with_id = one_in(draw, 3)
    region = draw(_REGIONS)
    order = order_code(draw, chosen_sex)
    resident_id = unique_id(region, birth, order, taken) if with_id else None
    return Child(
        name=draw(names(surname)),
        sex=chosen_sex,
        birth_date=birth,
        link=link,
        adoption_date=adoption,
        within_policy=not one_in(draw, 4) if within_policy is None else within_policy,
        resident_id=resident_id,
        death_date=death,
        disabilities=found,
        parents=parents,
    )


def children(
    *,
    min_birth_date: dt.date = _CHILD_FIRST_BIRTH,
    max_birth_date: dt.date = DEFAULT_ON,
    on: dt.date = DEFAULT_ON,
    sex: Sex | None = None,
    link: ChildLink | None = None,
    allow_death: bool = True,
    allow_disability: bool = True,
) -> st.SearchStrategy[Child]:
    """Valid children on their own (no parents to agree with); every event by ``on``.

    An adopted child's adoption falls between the birth and ``on``, at most 14 years
    after the birth; a death and disability certificates fall between birth and ``on``
    (each certificate issued before the death; a reissue, perhaps of another grade, on
    or after the previous certificate's cancellation). Shrinks towards a living boy by
    birth, born 2000-01-01, within policy, without ID or disability, a child of every
    parent of the household (``parents`` null).

    Example:
        >>> from hypothesis import given
        >>> @given(children(link=ChildLink.ADOPTION))
        ... def test_adopted_after_birth(child: Child) -> None:
        ...     assert child.adoption_date is not None
        ...     assert child.birth_date <= child.adoption_date
        >>> test_adopted_after_birth()
    """
    on_day = pendulum.Date(on.year, on.month, on.day)
    low = pendulum.Date(min_birth_date.year, min_birth_date.month, min_birth_date.day)
    high = min(pendulum.Date(max_birth_date.year, max_birth_date.month, max_birth_date.day), on_day)
    if low > high:
        raise InvalidArgument(f"no birth date in [{min_birth_date}, {max_birth_date}] by {on}")

    @st.composite
    def build(draw: st.DrawFn) -> Child:
        birth = between(draw, low, high, CHILD_ANCHOR)
        chosen = link or (ChildLink.ADOPTION if one_in(draw, 5) else ChildLink.BIRTH)
        adoption = None
        if chosen is ChildLink.ADOPTION:
            adoption = between(draw, birth, min(years_after(birth, 14), on_day))
        return make_child(
            draw,
            birth=birth,
            on=on_day,
            link=chosen,
            adoption=adoption,
            surname=None,
            taken=set(),
            within_policy=None,
            allow_death=allow_death,
            allow_disability=allow_disability,
            sex=sex,
        )

    return build()
