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

if TYPE_CHECKING:
    import polars as pl

__all__ = ["SyntheticCounty", "county_geography", "synthetic_county"]

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


def synthetic_county(
    households: int = 168_000,
    *,
    seed: int = 2008,
    on: pendulum.Date | None = None,
    villages: int = 633,
) -> SyntheticCounty:
    """Draw a synthetic county of ``households`` households as of the day ``on``.

    Args:
        households: how many households (168,000 make about 513,000 people, parents
            and children).
        seed: the random seed; the same seed gives the same county.
        on: nothing happens after this day (default 2008-12-31).
        villages: how many villages over the 12 townships.

    Raises:
        ModuleNotFoundError: numpy or polars is missing; the message says what to install.
    """
    try:
        import numpy as np
    except ModuleNotFoundError as error:  # the batch extra
        raise ModuleNotFoundError(
            'synthetic_county needs the batch extra: pip install "fpcore[batch]"', name=error.name
        ) from error

    on = on or pendulum.Date(2008, 12, 31)
    rng = np.random.default_rng(seed)
    n = households
    today = days_of(on)
    years = 365.25
    rows = np.arange(n)

    def uniform_days(low_years: float, high_years: float, size: Any = n) -> Any:
        return (rng.uniform(low_years, high_years, size) * years).astype(np.int64)

    def before_death(day: Any, death: Any) -> Any:
        return (death == NO_DATE) | (day < death)

    village = rng.integers(0, villages, n)
    # a couple, or a single parent: widowed, divorced, never married
    kind = rng.choice(4, n, p=[0.93, 0.05, 0.017, 0.003])
    couple = kind == 0
    single_is_mother = rng.random(n) < 0.7
    has_mother = couple | single_is_mother
    has_father = couple | ~single_is_mother
    # mothers born 1930-1990; fathers up to 6 years older or 3 younger
    mother_birth = days_of(pendulum.Date(1930, 1, 1)) + uniform_days(0, 60)
    father_birth = mother_birth - uniform_days(-3, 6)
    rural = rng.random(n) < 0.8
    father_rural = np.where(rng.random(n) < 0.9, rural, ~rural)

    def parent_death(birth: Any) -> Any:
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
    male = rng.random((n, MAX_CHILDREN)) < 0.52
    adopted = valid & (rng.random((n, MAX_CHILDREN)) < 0.01)
    adoption = np.where(
        adopted, np.minimum(child_birth + uniform_days(0, 3, (n, MAX_CHILDREN)), today), NO_DATE
    )
    join = np.where(adopted, adoption, child_birth)
    within = np.ones((n, MAX_CHILDREN), dtype=bool)
    within[:, 1] = twins | (rng.random(n) < 0.85)  # twins at a first delivery: lawful
    within[:, 2] = rng.random(n) < 0.2
    death_draw = child_birth + uniform_days(0, 25, (n, MAX_CHILDREN))
    dies = valid & (rng.random((n, MAX_CHILDREN)) < 0.03) & (death_draw <= today)
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
    dh, dk = chosen(valid, 0.02)
    issued = child_birth[dh, dk] + uniform_days(1, 15, dh.size)
    ok = (issued <= today) & before_death(issued, child_death[dh, dk])
    dh, dk, issued = dh[ok], dk[ok], issued[ok]
    grade = rng.integers(1, 5, dh.size)
    disability_grade[dh, dk, 0] = grade
    disability_issued[dh, dk, 0] = issued
    ending = rng.choice(3, dh.size, p=[0.8, 0.08, 0.12])  # in force, recovered, replaced
    ended_on = issued + uniform_days(1, 6, dh.size)
    ends = (ending > 0) & (ended_on <= today) & before_death(ended_on, child_death[dh, dk])
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
        & (rng.random(n) < 0.8)
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
    late, confirmed_on = late[confirmed_on <= today], confirmed_on[confirmed_on <= today]
    linked = child_parent[late, first[late]]
    confirmations = np.full((n, 2), NO_DATE, dtype=np.int64)
    for slot_index, (present, death) in enumerate(
        ((has_mother, mother_death), (has_father, father_death))
    ):
        ok = present[late] & ((linked == COMMON) | (linked == slot_index))
        ok &= alive_on(confirmed_on, death[late])
        confirmations[late[ok], slot_index] = confirmed_on[ok]

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
    }
    return SyntheticCounty(geography=county_geography(villages), on=on, arrays=arrays)
