"""The draws of the synthetic county (see :mod:`fpcore.synth`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from fpcore.model import (
    County,
    Household,
    Township,
    Village,
    sample_county,
)
from fpcore.synth import _profile as profile

if TYPE_CHECKING:
    import polars as pl

    from fpcore.indicators import Register
    from fpcore.synth._calibration import CountyCalibration

__all__ = ["SyntheticCounty", "calibrated_county", "county_geography", "synthetic_county"]

MAX_CHILDREN = 3
#: disability certificates per child: the first, and a reissued or regraded one
MAX_CERTIFICATES = 2
#: hukou changes per parent: a change, and sometimes a change back
MAX_HUKOU_CHANGES = 2
EPOCH_YEAR = 1970
NO_DATE = -(2**31)  # sentinel for "no date" in day arrays
COMMON = -1  # a child of every parent of the household (``Child.parents`` is None)
SPECIAL_ASSISTANCE = "special_assistance"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("秀英", "桂英", "秀兰", "玉兰", "建国", "建华", "志强", "明", "丽", "强", "军", "静")
CHILD_COLUMNS = (
    "is_female",
    "birth_date",
    "birth_index",
    "join_index",
    "death_index",
    "adult_index",
    "within_policy",
    "delivery_order",
)


def county_geography(villages: int = 633) -> County:
    """The county's 12 townships with ``villages`` villages spread as evenly as possible.

    >>> county_geography().village_count
    633
    """
    names = [t.name for t in sample_county(1).townships]
    base, extra = divmod(villages, len(names))
    townships = []
    for t_index, name in enumerate(names):
        code = f"371121{100 + t_index:03d}"
        count = base + (1 if t_index < extra else 0)
        townships.append(
            Township(
                code=code,
                name=name,
                villages=tuple(
                    Village(code=f"{code}{201 + v:03d}", name=f"{name[:2]}{v + 1}村")
                    for v in range(count)
                ),
            )
        )
    return County(code="371121", name="五莲县", townships=tuple(townships))


def days_of(day: pendulum.Date) -> int:
    return (day - pendulum.Date(EPOCH_YEAR, 1, 1)).days


def date_of(days: int) -> pendulum.Date:
    return pendulum.Date(EPOCH_YEAR, 1, 1).add(days=int(days))


@attrs.frozen(kw_only=True)
class SyntheticCounty:
    """The random draws of a synthetic county, as arrays (one row per household).

    Day numbers count from 1970-01-01; ``NO_DATE`` marks a missing date. Parent arrays
    are per parent slot (mother, father) whether or not the household has that parent.
    Use :meth:`tables` for the population tables and :meth:`households` for objects.
    """

    geography: County
    on: pendulum.Date
    arrays: dict[str, Any] = attrs.field(repr=False, eq=False)
    calibrated: bool = False

    @property
    def size(self) -> int:
        """The number of households."""
        return int(self.arrays["village"].shape[0])

    def tables(self) -> dict[str, pl.DataFrame]:
        """The population tables (schema and row order of :mod:`fpcore.tables`), built
        with vectorised numpy and polars."""
        from fpcore.synth._tables import county_tables

        return county_tables(self)

    def households(self, indices: Sequence[int] | None = None) -> list[Household]:
        """The households as validated objects (all, or those at ``indices``)."""
        chosen = range(self.size) if indices is None else indices
        from fpcore.synth._objects import county_household

        return [county_household(self, int(i)) for i in chosen]

    def indicator_register(self, year: int | None = None) -> Register:
        """The county as an indicator register (:class:`fpcore.indicators.Register`) as
        of the end of ``year`` (default: the year of ``on``; never after ``on``):
        persons, births, deaths and the archived families, for ``fpcore indicators``.

        People count while at home: a calibrated county's children leave their parents'
        household, daughters at 19-25, sons at 21-30 (then parents of their own households).
        """
        from fpcore.synth._register import county_register

        return county_register(self, year)

    def age_pyramid(self, year: int | None = None) -> pl.DataFrame:
        """People at home at the end of ``year`` (default: the year of ``on``) by 5-year
        age group and sex (:func:`fpcore.synth._calibration.age_pyramid`)."""
        from fpcore.synth._calibration import age_pyramid

        return age_pyramid(self, year)

    def describe(self, year: int | None = None, *, policy: str = "county") -> CountyCalibration:
        """The county measured against the report's targets (:data:`fpcore.synth.TARGETS`)
        for ``year`` (default: the report year 2008): a table and printable text.

        Counts scale with the households (a county of a tenth of the households is held
        to a tenth of the report's counts); rates and shares do not.
        """
        from fpcore.synth._calibration import describe

        return describe(self, profile.REPORT_YEAR if year is None else year, policy=policy)


def synthetic_county(
    households: int = 168_000,
    *,
    seed: int = 2008,
    on: pendulum.Date | None = None,
    villages: int = 633,
    calibrated: bool = False,
) -> SyntheticCounty:
    """Draw a synthetic county of ``households`` households as of the day ``on``.

    Args:
        households: how many households (168,000 make about 513,000 people, parents
            and children).
        seed: the random seed; the same seed gives the same county.
        on: nothing happens after this day (default 2008-12-31).
        villages: how many villages over the 12 townships.
        calibrated: draw with the proportions calibrated to the report
            (:mod:`fpcore.synth._profile`; see :func:`calibrated_county`) instead of the
            illustrative ones, which make every rule fire even in a small county.
            ``on`` is then 2000-01-01 or later.

    Raises:
        ModuleNotFoundError: numpy or polars is missing; the message says what to install.
        InvalidInput: a calibrated county asked for before 2000.
    """
    try:
        import numpy as np
    except ModuleNotFoundError as error:  # the batch extra
        raise ModuleNotFoundError(
            'synthetic_county needs the batch extra: pip install "fpcore[batch]"', name=error.name
        ) from error

    on = on or pendulum.Date(2008, 12, 31)
    if calibrated and on < profile.EARLIEST_ON:
        from fpcore.errors import InvalidInput

        raise InvalidInput(
            f"{on} is before {profile.EARLIEST_ON}: the calibrated county's mothers are born "
            "up to 1988 and married from 20",
            path="on",
        )
    rng = np.random.default_rng(seed)
    n = households
    today = days_of(on)
    years = 365.25
    rows = np.arange(n)

    def uniform_days(low_years: float, high_years: float, size: Any = n) -> Any:
        return (rng.uniform(low_years, high_years, size) * years).astype(np.int64)

    # the calibrated county: the report's exact counts, scaled with the household count,
    # hold on the last day of the report year (or ``on`` if earlier)
    report_day = min(today, days_of(pendulum.Date(profile.REPORT_YEAR, 12, 31)))
    scale = n / profile.CALIBRATED_HOUSEHOLDS

    def exact(candidates: Any, count: int) -> Any:
        """``count`` (scaled) of the candidates, without replacement (all if fewer)."""
        k = min(candidates.size, round(count * scale))
        return np.sort(rng.choice(candidates, k, replace=False))

    def before_death(day: Any, death: Any) -> Any:
        return (death == NO_DATE) | (day < death)

    village = rng.integers(0, villages, n)
    # a couple, or a single parent: widowed, divorced, never married
    kind = rng.choice(4, n, p=[0.93, 0.05, 0.017, 0.003])
    couple = kind == 0
    single_is_mother = rng.random(n) < 0.7
    has_mother = couple | single_is_mother
    has_father = couple | ~single_is_mother
    # mothers born 1930-1990 (calibrated: by cohort); fathers up to 6 years older or 3 younger
    if calibrated:
        mother_birth = profile.cohort_births(rng, n, epoch=pendulum.Date(EPOCH_YEAR, 1, 1))
    else:
        mother_birth = days_of(pendulum.Date(1930, 1, 1)) + uniform_days(0, 60)
    father_birth = mother_birth - uniform_days(-3, 6)
    rural = rng.random(n) < 0.8
    father_rural = np.where(rng.random(n) < 0.9, rural, ~rural)

    def parent_death(birth: Any) -> Any:
        if calibrated:  # by the mortality of the profile, alive at 50
            life = profile.lifetimes(rng, n, survived=profile.PARENT_SURVIVES_TO)
            death = birth + (life * years).astype(np.int64)
            return np.where(death <= today, death, NO_DATE)
        # 15% of those past 70 died from 60; 3% of the others past 58 died from 56
        age = today - birth
        old = (age > 70 * years) & (rng.random(n) < 0.15)
        young = ~old & (age > 58 * years) & (rng.random(n) < 0.03)
        low = np.where(old, 60 * years, 56 * years)
        death = birth + low + rng.random(n) * np.maximum(age - low, 0)
        return np.where(old | young, np.minimum(death.astype(np.int64), today), NO_DATE)

    mother_death = parent_death(mother_birth)
    father_death = parent_death(father_birth)

    # children: up to 3, by birth order; births after `on` are dropped; 1.2% twins
    if calibrated:
        count = profile.children_counts(rng, mother_birth // 365.25 + EPOCH_YEAR)
        gaps = np.stack(
            [
                uniform_days(*profile.FIRST_CHILD_AGE),
                uniform_days(*profile.SECOND_CHILD_GAP),
                uniform_days(*profile.THIRD_CHILD_GAP),
            ],
            axis=1,
        )
    else:
        count = rng.choice(4, n, p=[0.06, 0.55, 0.33, 0.06])
        gaps = np.stack([uniform_days(21, 32), uniform_days(2, 7), uniform_days(2, 6)], axis=1)
    twins = rng.random(n) < 0.012
    gaps[:, 1] = np.where(twins, 0, gaps[:, 1])
    child_birth = mother_birth[:, None] + np.cumsum(gaps, axis=1)
    slots = np.arange(MAX_CHILDREN)[None, :]
    valid = (slots < count[:, None]) & (child_birth <= today)
    # the father may be younger than the mother: keep only births after both parents
    # turned 21, so no parent is implausibly young (the model refuses under 12)
    parents_ready = np.maximum(mother_birth, father_birth) + int(21 * years)
    valid &= child_birth >= parents_ready[:, None]
    male = rng.random((n, MAX_CHILDREN)) < (profile.MALE_AT_BIRTH if calibrated else 0.52)
    if calibrated:  # son preference: two daughters, then often a third child
        more = (count == 2) & ~male[:, 0] & ~male[:, 1] & (rng.random(n) < profile.SON_PREFERENCE)
        count = np.where(more & (mother_birth < days_of(pendulum.Date(1963, 1, 1))), 3, count)
        valid = (slots < count[:, None]) & (child_birth <= today)
        valid &= child_birth >= parents_ready[:, None]
    adopted = valid & (rng.random((n, MAX_CHILDREN)) < 0.01)
    adoption = np.where(
        adopted, np.minimum(child_birth + uniform_days(0, 3, (n, MAX_CHILDREN)), today), NO_DATE
    )
    join = np.where(adopted, adoption, child_birth)
    within = np.ones((n, MAX_CHILDREN), dtype=bool)
    if calibrated:  # out-of-policy shares by the birth's era
        era = np.searchsorted(
            [days_of(pendulum.Date(1980, 1, 1)), days_of(pendulum.Date(2000, 1, 1))],
            child_birth,
            side="right",
        )
        outside = rng.random((n, MAX_CHILDREN))
        within[:, 1] = twins | (outside[:, 1] >= np.take(profile.OUT_OF_POLICY_SECOND, era[:, 1]))
        within[:, 2] = outside[:, 2] >= np.take(profile.OUT_OF_POLICY_THIRD, era[:, 2])
        # the report year's births: exactly the report's share out of policy, second
        # or later deliveries chosen at random
        year_start = days_of(pendulum.Date(profile.REPORT_YEAR, 1, 1))
        in_year = valid & ~adopted & (child_birth >= year_start) & (child_birth <= report_day)
        later = in_year & (slots > 0) & ~(twins[:, None] & (slots == 1))
        within[later] = True
        (hh, kk) = np.nonzero(later)
        out = round(int(in_year.sum()) * (1 - profile.PLANNED_BIRTHS))
        pick = np.sort(rng.choice(hh.size, min(out, hh.size), replace=False))
        within[hh[pick], kk[pick]] = False
        life = profile.lifetimes(rng, (n, MAX_CHILDREN))
        death_draw = child_birth + (life * years).astype(np.int64)
        dies = valid & (death_draw <= today)
        leaves = child_birth + np.where(
            male,
            uniform_days(*profile.LEAVE_HOME_AGE["son"], (n, MAX_CHILDREN)),
            uniform_days(*profile.LEAVE_HOME_AGE["daughter"], (n, MAX_CHILDREN)),
        )
    else:
        within[:, 1] = twins | (rng.random(n) < 0.85)  # twins at a first delivery: lawful
        within[:, 2] = rng.random(n) < 0.2
        death_draw = child_birth + uniform_days(0, 25, (n, MAX_CHILDREN))
        dies = valid & (rng.random((n, MAX_CHILDREN)) < 0.03) & (death_draw <= today)
        leaves = np.full((n, MAX_CHILDREN), NO_DATE, dtype=np.int64)
    child_death = np.where(dies, np.maximum(death_draw, join), NO_DATE)

    def chosen(mask: Any, share: float) -> tuple[Any, ...]:
        """Indexes where ``mask`` holds, each kept with probability ``share``."""
        return np.nonzero(mask & (rng.random(mask.shape) < share))

    def alive_on(day: Any, death: Any) -> Any:
        return (death == NO_DATE) | (day <= death)

    # disability certificates (2% of children): cancelled on recovery (8%), or replaced
    # (12%) by a reissued one of the same or a neighbouring grade, cancelled in turn by 10%
    shape = (n, MAX_CHILDREN, MAX_CERTIFICATES)
    disability_grade = np.zeros(shape, dtype=np.int8)
    disability_issued = np.full(shape, NO_DATE, dtype=np.int64)
    disability_cancelled = np.full(shape, NO_DATE, dtype=np.int64)
    dh, dk = chosen(valid, profile.DISABLED_CHILDREN if calibrated else 0.02)
    issued = child_birth[dh, dk] + uniform_days(1, 15, dh.size)
    ok = (issued <= today) & before_death(issued, child_death[dh, dk])
    if calibrated:
        # a first child certified before a second was born is a family allowed a second
        # child for it: exactly the report's number of those, drawn below
        ok &= ~((dk == 0) & valid[dh, 1] & (issued < child_birth[dh, 1]))
        (allowed,) = np.nonzero(
            valid[:, 0]
            & valid[:, 1]
            & ~twins
            & (child_death[:, 0] == NO_DATE)
            & (child_birth[:, 1] <= report_day)
            & (child_birth[:, 1] - child_birth[:, 0] > int(2 * years))
        )
        allowed = exact(allowed, profile.DISABLED_FIRST_CHILD_FAMILIES)
        gap = child_birth[allowed, 1] - child_birth[allowed, 0]
        dh = np.concatenate([dh[ok], allowed])
        dk = np.concatenate([dk[ok], np.zeros(allowed.size, dtype=dk.dtype)])
        certified = (
            child_birth[allowed, 0]
            + int(years)
            + (rng.random(allowed.size) * (gap - int(1.5 * years))).astype(np.int64)
        )
        issued = np.concatenate([issued[ok], certified])
    else:
        dh, dk, issued = dh[ok], dk[ok], issued[ok]
    grade = rng.integers(1, 5, dh.size)
    disability_grade[dh, dk, 0] = grade
    disability_issued[dh, dk, 0] = issued
    ending = rng.choice(3, dh.size, p=[0.8, 0.08, 0.12])  # in force, recovered, replaced
    ended_on = issued + uniform_days(1, 6, dh.size)
    ends = (ending > 0) & (ended_on <= today) & before_death(ended_on, child_death[dh, dk])
    if calibrated:  # the archived families' certificates stay in force
        ends[dh.size - allowed.size :] = False
    disability_cancelled[dh[ends], dk[ends], 0] = ended_on[ends]
    new = ends & (ending == 2)
    regraded = np.clip(grade + rng.choice([-1, 1], dh.size), 1, 4)
    disability_grade[dh[new], dk[new], 1] = np.where(rng.random(dh.size) < 0.5, grade, regraded)[
        new
    ]
    disability_issued[dh[new], dk[new], 1] = ended_on[new]
    new_ended = ended_on + uniform_days(1, 6, dh.size)
    new_ends = new & (rng.random(dh.size) < 0.1) & (new_ended <= today)
    disability_cancelled[dh[new_ends], dk[new_ends], 1] = new_ended[new_ends]

    # marriages: the couple's before the first child; a single parent's, ended after it
    has_child = valid.any(axis=1)
    first = valid.argmax(axis=1)  # the first child's slot, where there is one
    first_birth = child_birth[rows, first]
    last_join = np.where(valid, join, NO_DATE).max(axis=1)
    youngest = np.where(
        couple,
        np.maximum(mother_birth, father_birth),
        np.where(has_mother, mother_birth, father_birth),
    )
    wedding = np.where(
        has_child, first_birth - uniform_days(0.5, 3), youngest + uniform_days(20, 28)
    )
    wedding = np.maximum(np.minimum(wedding, today), youngest)
    couple_married = np.where(couple, wedding, NO_DATE)
    # a marriage of one parent to a spouse outside the household
    own_slot = np.where(has_mother, 0, 1).astype(np.int8)  # 0: the mother's, 1: the father's
    own_married = np.full(n, NO_DATE, dtype=np.int64)
    own_ended = np.full(n, NO_DATE, dtype=np.int64)
    own_by_death = np.zeros(n, dtype=bool)
    (single,) = np.nonzero((kind == 1) | (kind == 2))
    single_end = np.minimum(
        np.maximum(last_join[single], wedding[single]) + uniform_days(0, 20, single.size), today
    )
    single_death = np.where(has_mother, mother_death, father_death)[single]
    own_married[single] = wedding[single]
    own_ended[single] = np.where(
        single_death == NO_DATE, single_end, np.minimum(single_end, single_death)
    )
    own_by_death[single] = kind[single] == 1
    # 4% of couples with children: one parent married before, the first child born then;
    # divorced (70%) or widowed, then remarried; the children born before are theirs only
    (again,) = chosen(couple & has_child, 0.04)
    ended = first_birth[again] + uniform_days(1, 6, again.size)
    remarriage = ended + uniform_days(0.3, 3, again.size)
    ok = (
        (remarriage <= today)
        & before_death(remarriage, mother_death[again])
        & before_death(remarriage, father_death[again])
    )
    again, ended, remarriage = again[ok], ended[ok], remarriage[ok]
    slot = (rng.random(again.size) < 0.5).astype(np.int8)
    own_slot[again] = slot
    own_married[again] = wedding[again]
    own_ended[again] = ended
    own_by_death[again] = rng.random(again.size) < 0.3
    couple_married[again] = remarriage
    child_parent = np.full((n, MAX_CHILDREN), COMMON, dtype=np.int8)
    child_parent[again] = np.where(join[again] < remarriage[:, None], slot[:, None], COMMON)
    # 0.6% of the other couples divorced after their last child joined
    remarried = np.zeros(n, dtype=bool)
    remarried[again] = True
    (split,) = chosen(couple & ~remarried, 0.006)
    divorce = np.maximum(last_join[split], wedding[split]) + uniform_days(1, 15, split.size)
    ok = (
        (divorce <= today)
        & before_death(divorce, mother_death[split])
        & before_death(divorce, father_death[split])
    )
    couple_divorced = np.full(n, NO_DATE, dtype=np.int64)
    couple_divorced[split[ok]] = divorce[ok]

    kept = np.zeros(n, dtype=bool)
    sa_event = np.full(n, NO_DATE, dtype=np.int64)
    if calibrated:
        # special assistance: exactly the report's families paid in the report year; in
        # the other families the scheme would pay that year, the children who died by
        # then live on, and the certificates of grade 1-3 are of grade 4
        kept, sa_event, repaired = special_assistance_families(
            n=n,
            report_day=report_day,
            arrays={
                "valid": valid,
                "join": join,
                "birth": child_birth,
                "death": child_death,
                "parent": child_parent,
                "within": within,
                "grade": disability_grade,
                "issued": disability_issued,
                "cancelled": disability_cancelled,
                "present": np.stack([has_mother, has_father], axis=1),
                "parent_birth": np.stack([mother_birth, father_birth], axis=1),
                "parent_death": np.stack([mother_death, father_death], axis=1),
            },
            keep=lambda candidates: exact(candidates, profile.SPECIAL_ASSISTANCE_FAMILIES),
        )
        child_death[repaired] = np.where(
            child_death[repaired] <= report_day, NO_DATE, child_death[repaired]
        )
        low = (disability_grade[repaired] >= 1) & (disability_grade[repaired] <= 3)
        disability_grade[repaired] = np.where(low, 4, disability_grade[repaired])

    # hukou: 3% of families converted to urban (农转非) on one day, 1% of persons on their
    # own (either way), 5% of those changed back later
    converts = rng.random(n) < 0.03
    family_day = np.maximum(mother_birth, father_birth) + uniform_days(18, 50)
    hukou: dict[str, Any] = {}
    for key, birth, death, initial in (
        ("mother", mother_birth, mother_death, rural),
        ("father", father_birth, father_death, father_rural),
    ):
        (family,) = np.nonzero(converts & initial)
        (alone,) = np.nonzero((rng.random(n) < 0.01) & ~(converts & initial))
        who = np.concatenate([family, alone])
        day = np.concatenate([family_day[family], birth[alone] + uniform_days(16, 50, alone.size)])
        ok = (day <= today) & alive_on(day, death[who])
        who, day = who[ok], day[ok]
        back = day + uniform_days(1, 10, who.size)
        backs = (rng.random(who.size) < 0.05) & (back <= today) & alive_on(back, death[who])
        changes = np.full((n, MAX_HUKOU_CHANGES), NO_DATE, dtype=np.int64)
        changes[who, 0] = day
        changes[who[backs], 1] = back[backs]
        hukou[key] = changes

    # the honour certificate, returned by 1%; quotas and waivers; birth permits
    children_now = valid.sum(axis=1)
    one_child = children_now == 1
    cutoff = days_of(pendulum.Date(2016, 1, 1))
    certificate_draw = join[rows, first] + uniform_days(0, 3)
    has_certificate = (
        one_child
        & (child_birth[rows, first] < cutoff)
        & (rng.random(n) < (profile.CERTIFICATE_SHARE if calibrated else 0.8))
        & (certificate_draw <= today)
    )
    certificate = np.where(has_certificate, certificate_draw, NO_DATE)
    (held,) = chosen(has_certificate, 0.01)
    returned = certificate[held] + uniform_days(1, 10, held.size)
    certificate_returned = np.full(n, NO_DATE, dtype=np.int64)
    certificate_returned[held[returned <= today]] = returned[returned <= today]
    quota_draw = certificate + uniform_days(1, 4)
    has_quota = has_certificate & (rng.random(n) < 0.005) & (quota_draw <= today)
    quota = np.where(has_quota, quota_draw, NO_DATE)
    waiver_draw = quota + uniform_days(0, 2)
    waived = has_quota & (rng.random(n) < 0.3) & (waiver_draw <= today)
    if calibrated:
        # exactly the report's couples on the double fee in the report year: rural
        # couples holding the certificate, their only child under 18, who waived a quota
        unchanged = (hukou["mother"][:, 0] == NO_DATE) & (hukou["father"][:, 0] == NO_DATE)
        first_child = child_birth[rows, first]
        double = (
            has_certificate
            & couple
            & rural
            & father_rural
            & unchanged
            & (certificate_returned == NO_DATE)
            & (certificate <= report_day - 120)
            & (couple_divorced == NO_DATE)
            & alive_on(report_day, mother_death)
            & alive_on(report_day, father_death)
            & alive_on(report_day, child_death[rows, first])
            & (first_child > report_day - int(17.5 * years))
        )
        (couples,) = np.nonzero(double)
        couples = exact(couples, profile.DOUBLE_FEE_COUPLES)
        granted = np.minimum(
            certificate[couples] + uniform_days(0.2, 4, couples.size), report_day - 90
        )
        quota[couples] = granted
        waiver_draw[couples] = granted + (rng.random(couples.size) * (report_day - granted)).astype(
            np.int64
        )
        waived = np.zeros(n, dtype=bool)
        waived[couples] = True
    waiver = np.where(waived, waiver_draw, NO_DATE)
    permit_draw = child_birth[:, 1] - uniform_days(0.25, 1)
    has_permit = valid[:, 1] & within[:, 1] & (permit_draw >= child_birth[:, 0])
    permit = np.where(has_permit, permit_draw, NO_DATE)

    # special assistance confirmed for 70% of one-child families whose child died or
    # was certified disabled (grade 1-3) after the woman's (or single father's) 49th
    # birthday, for each parent of the child alive on the day
    lone_death = child_death[rows, first]
    lone_grade = disability_grade[rows, first, 0]
    event = np.where(
        lone_death != NO_DATE,
        lone_death,
        np.where((lone_grade >= 1) & (lone_grade <= 3), disability_issued[rows, first, 0], NO_DATE),
    )
    turns_49 = np.where(has_mother, mother_birth, father_birth) + int(49 * years)
    (late,) = chosen(one_child & (event != NO_DATE) & (event > turns_49), 0.7)
    confirmed_on = np.maximum(event[late], days_of(pendulum.Date(2008, 1, 1)))
    confirmed_on += uniform_days(0.05, 1, late.size)
    if calibrated:  # the kept families are confirmed below
        late, confirmed_on = late[~kept[late]], confirmed_on[~kept[late]]
    late, confirmed_on = late[confirmed_on <= today], confirmed_on[confirmed_on <= today]
    linked = child_parent[late, first[late]]
    confirmations = np.full((n, 2), NO_DATE, dtype=np.int64)
    for slot_index, (present, death) in enumerate(
        ((has_mother, mother_death), (has_father, father_death))
    ):
        ok = present[late] & ((linked == COMMON) | (linked == slot_index))
        ok &= alive_on(confirmed_on, death[late])
        confirmations[late[ok], slot_index] = confirmed_on[ok]
    if calibrated:  # every kept family past 49 at its event: confirmed in the report year
        (kept_late,) = np.nonzero(kept & (sa_event > turns_49))
        first_day = np.maximum(sa_event[kept_late], days_of(pendulum.Date(2008, 1, 1)))
        on_time = np.maximum(np.minimum(first_day + 30, report_day), sa_event[kept_late])
        for slot_index, (present, death) in enumerate(
            ((has_mother, mother_death), (has_father, father_death))
        ):
            ok = present[kept_late] & alive_on(on_time, death[kept_late])
            confirmations[kept_late[ok], slot_index] = on_time[ok]

    arrays = {
        "village": village,
        "has_mother": has_mother,
        "has_father": has_father,
        "mother_birth": mother_birth,
        "father_birth": father_birth,
        "mother_rural": rural,
        "father_rural": father_rural,
        "mother_death": mother_death,
        "father_death": father_death,
        "mother_hukou": hukou["mother"],
        "father_hukou": hukou["father"],
        "couple_married": couple_married,
        "couple_divorced": couple_divorced,
        "own_married": own_married,
        "own_ended": own_ended,
        "own_by_death": own_by_death,
        "own_slot": own_slot,
        "child_valid": valid,
        "child_birth": child_birth,
        "child_male": male,
        "child_adopted": adopted,
        "child_adoption": adoption,
        "child_join": join,
        "child_within": within,
        "child_death": child_death,
        "child_parent": child_parent,
        "disability_grade": disability_grade,
        "disability_issued": disability_issued,
        "disability_cancelled": disability_cancelled,
        "certificate": certificate,
        "certificate_returned": certificate_returned,
        "quota": quota,
        "waiver": waiver,
        "permit": permit,
        "confirmed": confirmations,
        "child_leaves": leaves,
    }
    return SyntheticCounty(
        geography=county_geography(villages), on=on, arrays=arrays, calibrated=calibrated
    )


def special_assistance_families(
    *, n: int, report_day: int, arrays: dict[str, Any], keep: Any
) -> tuple[Any, Any, Any]:
    """The families special assistance would pay in the report year, as the rule reads
    them (domain.md 3.1), each parent on their own children: never two alive at once, or
    all born within policy; all dead by the report day, or the one alive disabled at grade
    1-3 (a certificate in force); the woman (or a single father) 49 by then; both born
    from 1933; alive at the start of the year. Returns the kept families (a mask, ``keep``
    of the candidates), their qualifying day (the last death or the certificate), and
    the other candidates.
    """
    import numpy as np

    from fpcore.synth._profile import REPORT_YEAR

    a = arrays
    years = 365.25
    joined = a["valid"] & (a["join"] <= report_day)
    death, join, birth = a["death"], a["join"], a["birth"]
    dead = (death != NO_DATE) & (death <= report_day)
    overlap = (
        (join[:, None, :] <= join[:, :, None])
        & (birth[:, None, :] <= join[:, :, None])
        & ((death[:, None, :] == NO_DATE) | (join[:, :, None] < death[:, None, :]))
        & ~np.eye(MAX_CHILDREN, dtype=bool)[None]
    )
    grade, issued, cancelled = a["grade"], a["issued"], a["cancelled"]
    in_force = (
        (grade >= 1)
        & (grade <= 3)
        & (issued <= report_day)
        & ((cancelled == NO_DATE) | (cancelled > report_day))
    )
    certified = np.where(in_force, issued, NO_DATE).max(axis=2)
    present, parent_birth, parent_death = a["present"], a["parent_birth"], a["parent_death"]
    woman = np.where(present[:, 0], parent_birth[:, 0], parent_birth[:, 1])
    from_1933 = (pendulum.Date(1933, 1, 1) - pendulum.Date(EPOCH_YEAR, 1, 1)).days
    year_start = (pendulum.Date(REPORT_YEAR, 1, 1) - pendulum.Date(EPOCH_YEAR, 1, 1)).days
    born_ok = (~present | (parent_birth >= from_1933)).all(axis=1)
    aged = woman + int(49 * years) <= report_day
    pays = np.zeros(n, dtype=bool)
    event = np.full(n, NO_DATE, dtype=np.int64)
    for slot in (0, 1):
        linked = joined & ((a["parent"] == COMMON) | (a["parent"] == slot)) & present[:, [slot]]
        together = ((overlap & linked[:, None, :]).sum(axis=2) + 1) * linked
        lawful = (linked & ~a["within"]).sum(axis=1) == 0
        one = linked.any(axis=1) & ((together.max(axis=1) <= 1) | lawful)
        alive_now = linked & ~dead
        all_dead = one & (alive_now.sum(axis=1) == 0)
        disabled = (
            one & (alive_now.sum(axis=1) == 1) & (alive_now & (certified != NO_DATE)).any(axis=1)
        )
        alive = (parent_death[:, slot] == NO_DATE) | (parent_death[:, slot] >= year_start)
        slot_pays = (all_dead | disabled) & born_ok & aged & present[:, slot] & alive
        last_death = np.where(linked & dead, death, NO_DATE).max(axis=1)
        slot_event = np.where(
            all_dead, last_death, np.where(alive_now, certified, NO_DATE).max(axis=1)
        )
        event = np.where(slot_pays, np.maximum(event, slot_event), event)
        pays |= slot_pays
    (candidates,) = np.nonzero(pays)
    kept = np.zeros(n, dtype=bool)
    kept[keep(candidates)] = True
    (repaired,) = np.nonzero(pays & ~kept)
    return kept, np.where(kept, event, NO_DATE), repaired


def calibrated_county(
    *, seed: int = 2008, on: pendulum.Date | None = None, scale: float = 1.0
) -> SyntheticCounty:
    """The county calibrated to the report: about 513,000 people in 12 townships and 633
    villages, its 2008 rates and counts within the tolerances of :data:`TARGETS`.

    Args:
        seed: the random seed; the same seed gives the same county.
        on: nothing happens after this day (default 2008-12-31, the end of the report
            year; the calibration holds for the report year).
        scale: a fraction (or multiple, up to 10) of the county's households (``0.1``: a
            tenth, the exact counts scaled too), for quick looks and benchmarks; the
            targets hold at scale 1.

    Example:
        >>> county = calibrated_county(scale=0.01)
        >>> county.size, county.calibrated
        (2120, True)
    """
    if not 0 < scale <= 10:
        from fpcore.errors import InvalidInput

        raise InvalidInput(f"{scale!r} is not a scale in (0, 10]", path="scale")
    households = max(1, round(profile.CALIBRATED_HOUSEHOLDS * scale))
    return synthetic_county(households, seed=seed, on=on, calibrated=True)
