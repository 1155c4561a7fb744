"""A synthetic county: households drawn at random, built straight into population tables.

For what-ifs, benchmarks and the demo: a county shaped like the report's (12
townships, 633 villages, about 513,000 people in 168,000 households by default), with
couples, single parents, children by birth and adoption, deaths, disabilities, honour
certificates, second-child quotas and waivers and birth permits, in proportions that
make every rule of the catalogue fire. The proportions are illustrative, not
statistics of the real county.

The tables are built with numpy in a few vectorised passes (no Python object per
person), and are exactly what :func:`fpcore.tables.household_tables` makes of the same
households as objects: :meth:`SyntheticCounty.households` builds those objects, and a
test holds the two equal.

Example:
    >>> county = synthetic_county(households=1_000, seed=7)
    >>> tables = county.tables()
    >>> tables["households"].height, tables["persons"].height > 1_500
    (1000, True)
    >>> county.households([0])[0].household_id
    'SC-0000000'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from fpcore.model import (
    Certificate,
    CertificateKind,
    Child,
    ChildLink,
    County,
    Disability,
    Household,
    Hukou,
    MaritalStatus,
    Person,
    Residence,
    SecondChildQuota,
    Sex,
    Township,
    Village,
    make_resident_id,
    sample_county,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = ["SyntheticCounty", "county_geography", "synthetic_county"]

MAX_CHILDREN = 3
_EPOCH_YEAR = 1970
_NO_DATE = -(2**31)  # sentinel for "no date" in day arrays
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
_GIVEN = ("秀英", "桂英", "秀兰", "玉兰", "建国", "建华", "志强", "明", "丽", "强", "军", "静")


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


def _days(day: pendulum.Date) -> int:
    return (day - pendulum.Date(_EPOCH_YEAR, 1, 1)).days


def _date(days: int) -> pendulum.Date:
    return pendulum.Date(_EPOCH_YEAR, 1, 1).add(days=int(days))


@attrs.frozen(kw_only=True)
class SyntheticCounty:
    """The random draws of a synthetic county, as arrays (one row per household).

    Day numbers count from 1970-01-01; ``_NO_DATE`` marks a missing date. Use
    :meth:`tables` for the population tables and :meth:`households` for objects.
    """

    geography: County
    on: pendulum.Date
    arrays: dict[str, Any] = attrs.field(repr=False, eq=False)

    @property
    def size(self) -> int:
        """The number of households."""
        return int(self.arrays["village"].shape[0])

    def tables(self) -> dict[str, pl.DataFrame]:
        """The ``households``, ``persons`` and ``children`` tables (schema of
        :mod:`fpcore.tables`), built with vectorised numpy and polars."""
        return _tables(self)

    def households(self, indices: Sequence[int] | None = None) -> list[Household]:
        """The households as validated objects (all, or those at ``indices``)."""
        chosen = range(self.size) if indices is None else indices
        return [_household(self, int(i)) for i in chosen]


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
    today = _days(on)
    years = 365.25

    def uniform_days(low_years: float, high_years: float, size: Any) -> Any:
        return (rng.uniform(low_years, high_years, size) * years).astype(np.int64)

    village = rng.integers(0, villages, n)
    status = rng.choice(3, n, p=[0.93, 0.05, 0.02])  # married, widowed, divorced
    single_is_mother = rng.random(n) < 0.7
    has_mother = (status == 0) | single_is_mother
    has_father = (status == 0) | ~single_is_mother
    # mothers born 1930-1990; fathers up to 6 years older or 3 younger
    mother_birth = _days(pendulum.Date(1930, 1, 1)) + uniform_days(0, 60, n)
    father_birth = mother_birth - uniform_days(-3, 6, n)
    rural = rng.random(n) < 0.8
    father_rural = np.where(rng.random(n) < 0.9, rural, ~rural)

    def parent_death(birth: Any) -> Any:
        old = (today - birth) > 70 * years
        dies = old & (rng.random(n) < 0.15)
        death = birth + (60 * years + rng.random(n) * np.maximum(today - birth - 60 * years, 0))
        return np.where(dies, np.minimum(death.astype(np.int64), today), _NO_DATE)

    mother_death = parent_death(mother_birth)
    father_death = parent_death(father_birth)

    # children: up to 3, by birth order; births after `on` are dropped
    count = rng.choice(4, n, p=[0.06, 0.55, 0.33, 0.06])
    gaps = np.stack([uniform_days(21, 32, n), uniform_days(2, 7, n), uniform_days(2, 6, n)], axis=1)
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
        adopted, np.minimum(child_birth + uniform_days(0, 3, (n, MAX_CHILDREN)), today), _NO_DATE
    )
    join = np.where(adopted, adoption, child_birth)
    within = np.ones((n, MAX_CHILDREN), dtype=bool)
    within[:, 1] = rng.random(n) < 0.85
    within[:, 2] = rng.random(n) < 0.2
    death_draw = child_birth + uniform_days(0, 25, (n, MAX_CHILDREN))
    dies = valid & (rng.random((n, MAX_CHILDREN)) < 0.03) & (death_draw <= today)
    child_death = np.where(dies, np.maximum(death_draw, join), _NO_DATE)
    issued = child_birth + uniform_days(1, 15, (n, MAX_CHILDREN))
    disabled = (
        valid
        & (rng.random((n, MAX_CHILDREN)) < 0.02)
        & (issued <= today)
        & ((child_death == _NO_DATE) | (issued < child_death))
    )
    grade = np.where(disabled, rng.integers(1, 5, (n, MAX_CHILDREN)), 0)
    recovery_draw = issued + uniform_days(1, 5, (n, MAX_CHILDREN))
    recovers = disabled & (rng.random((n, MAX_CHILDREN)) < 0.1) & (recovery_draw <= today)
    disability_issued = np.where(disabled, issued, _NO_DATE)
    recovery = np.where(recovers, recovery_draw, _NO_DATE)

    children_now = valid.sum(axis=1)
    one_child = children_now == 1
    rows = np.arange(n)
    first = valid.argmax(axis=1)  # the only child's slot, where there is one
    cutoff = _days(pendulum.Date(2016, 1, 1))
    certificate_draw = join[rows, first] + uniform_days(0, 3, n)
    has_certificate = (
        one_child
        & (child_birth[rows, first] < cutoff)
        & (rng.random(n) < 0.8)
        & (certificate_draw <= today)
    )
    certificate = np.where(has_certificate, certificate_draw, _NO_DATE)
    quota_draw = certificate + uniform_days(1, 4, n)
    has_quota = has_certificate & (rng.random(n) < 0.005) & (quota_draw <= today)
    quota = np.where(has_quota, quota_draw, _NO_DATE)
    waiver_draw = quota + uniform_days(0, 2, n)
    waived = has_quota & (rng.random(n) < 0.3) & (waiver_draw <= today)
    waiver = np.where(waived, waiver_draw, _NO_DATE)
    permit_draw = child_birth[:, 1] - uniform_days(0.25, 1, n)
    has_permit = valid[:, 1] & within[:, 1] & (permit_draw >= child_birth[:, 0])
    permit = np.where(has_permit, permit_draw, _NO_DATE)

    arrays = {
        "village": village,
        "status": status,
        "has_mother": has_mother,
        "has_father": has_father,
        "mother_birth": mother_birth,
        "father_birth": father_birth,
        "mother_rural": rural,
        "father_rural": father_rural,
        "mother_death": mother_death,
        "father_death": father_death,
        "child_valid": valid,
        "child_birth": child_birth,
        "child_male": male,
        "child_adopted": adopted,
        "child_adoption": adoption,
        "child_join": join,
        "child_within": within,
        "child_death": child_death,
        "child_grade": grade,
        "child_disability": disability_issued,
        "child_recovery": recovery,
        "certificate": certificate,
        "quota": quota,
        "waiver": waiver,
        "permit": permit,
    }
    return SyntheticCounty(geography=county_geography(villages), on=on, arrays=arrays)


# --- tables ----------------------------------------------------------------------------


def _ymd(days: Any) -> tuple[Any, Any, Any]:
    import numpy as np

    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    year = dates.astype("datetime64[Y]").astype(np.int64) + _EPOCH_YEAR
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months).astype(np.int64) + 1
    return year, month, day


def _month_index(days: Any) -> Any:
    import numpy as np

    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) + _EPOCH_YEAR * 12


def _reaching_age_index(days: Any, age: int) -> Any:
    import numpy as np

    year, month, day = _ymd(days)
    target = year + age
    leap = (target % 4 == 0) & ((target % 100 != 0) | (target % 400 == 0))
    march = (month == 2) & (day == 29) & ~leap  # 29 February births: 1 March in common years
    return target * 12 + np.where(march, 2, month - 1)


def _column(values: Any, present: Any, dtype: Any) -> pl.Series:
    """A column of ``values`` with nulls where ``present`` is false."""
    import polars as pl

    frame = pl.DataFrame({"value": pl.Series(values, dtype=dtype), "present": present})
    return frame.select(pl.when(pl.col("present")).then(pl.col("value"))).to_series()


def _tables(county: SyntheticCounty) -> dict[str, pl.DataFrame]:
    import numpy as np
    import polars as pl

    from fpcore.tables import _schemas

    a = county.arrays
    n = county.size
    schemas = _schemas()
    codes = [v.code for t in county.geography.townships for v in t.villages]
    village_codes = np.array(codes)[a["village"]]
    status_names = np.array([s.value for s in MaritalStatus])[a["status"]]

    def indexed(days: Any) -> pl.Series:
        present = days != _NO_DATE
        return _column(
            np.where(present, _month_index(np.where(present, days, 0)), 0), present, pl.Int32
        )

    households = pl.DataFrame(
        {
            "household_id": np.arange(n, dtype=np.int64),
            "household_key": [f"SC-{i:07d}" for i in range(n)],
            "village": village_codes,
            "township": np.array([c[:9] for c in codes])[a["village"]],
            "marital_status": status_names,
            "parent_count": (a["has_mother"].astype(np.int8) + a["has_father"].astype(np.int8)),
            "certificate_index": indexed(a["certificate"]),
            "waiver_index": indexed(a["waiver"]),
            "birth_permit_index": indexed(a["permit"]),
        },
        schema=schemas["households"],
    )

    # persons: mother (if any) then father (if any), household by household
    present = np.stack([a["has_mother"], a["has_father"]], axis=1).reshape(-1)
    owner = np.repeat(np.arange(n, dtype=np.int64), 2)[present]
    role = np.tile(np.array([0, 1], dtype=np.int8), n)[present]
    role_index = role - (role == 1) * (~a["has_mother"][owner]).astype(np.int8)
    birth = np.stack([a["mother_birth"], a["father_birth"]], axis=1).reshape(-1)[present]
    death = np.stack([a["mother_death"], a["father_death"]], axis=1).reshape(-1)[present]
    rural = np.stack([a["mother_rural"], a["father_rural"]], axis=1).reshape(-1)[present]
    persons = pl.DataFrame(
        {
            "person_id": np.arange(owner.shape[0], dtype=np.int64),
            "household_id": owner,
            "role_index": role_index,
            "is_female": role == 0,
            "rural": rural,
            "birth_date": birth.astype("datetime64[D]"),
            "birth_index": _month_index(birth),
            "death_index": indexed(death),
            "age49_index": _reaching_age_index(birth, 49),
            "age60_index": _reaching_age_index(birth, 60),
        },
        schema=schemas["persons"],
    )

    valid = a["child_valid"]
    # children keep birth order; drop the slots that were not born
    household_of = np.repeat(np.arange(n, dtype=np.int64), MAX_CHILDREN).reshape(n, MAX_CHILDREN)
    child_index = np.cumsum(valid, axis=1) - 1
    join = a["child_join"]
    death_c = a["child_death"]
    birth_c = a["child_birth"]
    # siblings alive on the day each child joined: joined by then, born by then, not dead
    joined_by = join[:, None, :] <= join[:, :, None]
    born_by = birth_c[:, None, :] <= join[:, :, None]
    alive_then = (death_c[:, None, :] == _NO_DATE) | (join[:, :, None] < death_c[:, None, :])
    others = valid[:, None, :] & ~np.eye(MAX_CHILDREN, dtype=bool)[None, :, :]
    siblings = (others & joined_by & born_by & alive_then).sum(axis=2)
    pick = valid.reshape(-1)

    def flat(values: Any) -> Any:
        return values.reshape(-1)[pick]

    grade = flat(a["child_grade"])
    children = pl.DataFrame(
        {
            "household_id": flat(household_of),
            "child_index": flat(child_index).astype(np.int8),
            "is_female": ~flat(a["child_male"]),
            "birth_date": flat(birth_c).astype("datetime64[D]"),
            "birth_index": _month_index(flat(birth_c)),
            "join_index": _month_index(flat(join)),
            "death_index": indexed(flat(death_c)),
            "adult_index": _reaching_age_index(flat(birth_c), 18),
            "within_policy": flat(a["child_within"]),
            "disability_grade": _column(grade, grade > 0, pl.Int8),
            "disability_index": indexed(flat(a["child_disability"])),
            "recovery_index": indexed(flat(a["child_recovery"])),
            "siblings_alive_at_join": flat(siblings).astype(np.int8),
        },
        schema=schemas["children"],
    )
    return {"households": households, "persons": persons, "children": children}


# --- objects ---------------------------------------------------------------------------


def _household(county: SyntheticCounty, i: int) -> Household:
    a = county.arrays
    codes = [v.code for t in county.geography.townships for v in t.villages]
    village = codes[int(a["village"][i])]
    residence = Residence(township=village[:9], village=village)

    def optional(days: Any) -> pendulum.Date | None:
        return None if int(days) == _NO_DATE else _date(int(days))

    parents = []
    for key, sex, sequence in (("mother", Sex.FEMALE, 10), ("father", Sex.MALE, 11)):
        if not a[f"has_{key}"][i]:
            continue
        born = _date(int(a[f"{key}_birth"][i]))
        parents.append(
            Person(
                name=_SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i + sequence) % len(_GIVEN)],
                sex=sex,
                birth_date=born,
                hukou=Hukou.RURAL if a[f"{key}_rural"][i] else Hukou.URBAN,
                residence=residence,
                resident_id=make_resident_id("371121", born, sequence, sex),
                death_date=optional(a[f"{key}_death"][i]),
            )
        )
    children = []
    for k in range(MAX_CHILDREN):
        if not a["child_valid"][i, k]:
            continue
        grade = int(a["child_grade"][i, k])
        children.append(
            Child(
                name="王小" + _GIVEN[(i + k) % len(_GIVEN)][-1],
                sex=Sex.MALE if a["child_male"][i, k] else Sex.FEMALE,
                birth_date=_date(int(a["child_birth"][i, k])),
                link=ChildLink.ADOPTION if a["child_adopted"][i, k] else ChildLink.BIRTH,
                adoption_date=optional(a["child_adoption"][i, k]),
                within_policy=bool(a["child_within"][i, k]),
                death_date=optional(a["child_death"][i, k]),
                disability=None
                if grade == 0
                else Disability(
                    grade=grade,
                    issued=_date(int(a["child_disability"][i, k])),
                    recovered=optional(a["child_recovery"][i, k]),
                ),
            )
        )
    certificates = []
    if int(a["certificate"][i]) != _NO_DATE:
        certificates.append(
            Certificate(
                kind=CertificateKind.HONOUR_CERTIFICATE,
                number=f"DZ-{i:07d}",
                issued=_date(int(a["certificate"][i])),
            )
        )
    if int(a["permit"][i]) != _NO_DATE:
        certificates.append(
            Certificate(
                kind=CertificateKind.BIRTH_PERMIT,
                number=f"SY-{i:07d}",
                issued=_date(int(a["permit"][i])),
            )
        )
    quota = None
    if int(a["quota"][i]) != _NO_DATE:
        quota = SecondChildQuota(granted=_date(int(a["quota"][i])), waived=optional(a["waiver"][i]))
    return Household(
        household_id=f"SC-{i:07d}",
        village=village,
        parents=tuple(parents),
        marital_status=list(MaritalStatus)[int(a["status"][i])],
        children=tuple(children),
        certificates=tuple(certificates),
        second_child_quota=quota,
    )
