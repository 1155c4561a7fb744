"""The synthetic county's population tables, built with vectorised numpy and polars."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fpcore.synth._county import (
    CHILD_COLUMNS,
    COMMON,
    EPOCH_YEAR,
    MAX_CHILDREN,
    MAX_HUKOU_CHANGES,
    NO_DATE,
    SPECIAL_ASSISTANCE,
    SyntheticCounty,
)

if TYPE_CHECKING:
    import polars as pl


def _ymd(days: Any) -> tuple[Any, Any, Any]:
    """Year, month and day of day numbers: a calendar of the days spanned, then one
    lookup per value (numpy's datetime64 casts are slow on large arrays)."""
    import numpy as np

    if days.size == 0:
        return days, days, days
    low = int(days.min())
    span = np.arange(low, int(days.max()) + 1).astype("datetime64[D]")
    months = span.astype("datetime64[M]")
    year = span.astype("datetime64[Y]").astype(np.int64) + EPOCH_YEAR
    month = months.astype(np.int64) % 12 + 1
    day = (span - months).astype(np.int64) + 1
    at = days - low
    return year[at], month[at], day[at]


def _month_index(days: Any) -> Any:
    """Month indexes (:attr:`fpcore.periods.Month.index`) of day numbers, by lookup."""
    import numpy as np

    if days.size == 0:
        return days
    low = int(days.min())
    span = np.arange(low, int(days.max()) + 1).astype("datetime64[D]").astype("datetime64[M]")
    return (span.astype(np.int64) + EPOCH_YEAR * 12)[days - low]


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


def _indexed(days: Any) -> pl.Series:
    """Month indexes of day numbers, null where there is no date."""
    import numpy as np
    import polars as pl

    present = days != NO_DATE
    return _column(
        np.where(present, _month_index(np.where(present, days, 0)), 0), present, pl.Int32
    )


def _dated(days: Any) -> pl.Series:
    """Dates of day numbers, null where there is no date."""
    import numpy as np
    import polars as pl

    present = days != NO_DATE
    return _column(np.where(present, days, 0).astype("datetime64[D]"), present, pl.Date)


def _marital_status(a: dict[str, Any], alive: Any) -> pl.Series:
    """The households' marital status as the record stands (``Household.marital_status``):
    married while both live, else the survivor's widowed or divorced status; null when no
    parent lives or the single parent never married."""
    import numpy as np
    import polars as pl

    couple = a["couple_married"] != NO_DATE
    any_alive = alive.any(axis=1)
    divorced = a["couple_divorced"] != NO_DATE
    single = np.where(a["own_by_death"], 2, 3)
    code = np.where(
        couple,
        np.where(divorced, 3, np.where(alive.all(axis=1), 1, 2)),
        np.where(a["own_married"] != NO_DATE, single, 0),
    )
    code = np.where(any_alive, code, 0)
    names = pl.Series([None, "married", "widowed", "divorced"], dtype=pl.String)
    return names.gather(code)


def county_tables(county: SyntheticCounty) -> dict[str, pl.DataFrame]:
    import numpy as np
    import polars as pl

    from fpcore.tables import _schemas

    a = county.arrays
    n = county.size
    schemas = _schemas()
    codes = [v.code for t in county.geography.townships for v in t.villages]
    household_ids = np.arange(n, dtype=np.int64)

    # parents by slot (mother, father): present, role index, person id
    present = np.stack([a["has_mother"], a["has_father"]], axis=1)
    role = np.stack([np.zeros(n, dtype=np.int8), a["has_mother"].astype(np.int8)], axis=1)
    person = (np.cumsum(present.reshape(-1)) - 1).reshape(n, 2)
    birth = np.stack([a["mother_birth"], a["father_birth"]], axis=1)
    death = np.stack([a["mother_death"], a["father_death"]], axis=1)
    rural = np.stack([a["mother_rural"], a["father_rural"]], axis=1)
    alive = present & (death == NO_DATE)
    owner = np.broadcast_to(household_ids[:, None], (n, 2))

    households = pl.DataFrame(
        {
            "household_id": household_ids,
            "household_key": pl.select(
                pl.lit("SC-") + pl.int_range(n, dtype=pl.Int64).cast(pl.String).str.zfill(7)
            ).to_series(),
            "village": pl.Series(codes).gather(a["village"]),
            "township": pl.Series([c[:9] for c in codes]).gather(a["village"]),
            "marital_status": _marital_status(a, alive),
            "parent_count": present.sum(axis=1).astype(np.int8),
            "certificate_index": _indexed(a["certificate"]),
            "certificate_date": _dated(a["certificate"]),
            "certificate_return_index": _indexed(a["certificate_returned"]),
            "waiver_index": _indexed(a["waiver"]),
            "birth_permit_index": _indexed(a["permit"]),
        },
        schema=schemas["households"],
    )

    pick = present.reshape(-1)
    persons = pl.DataFrame(
        {
            "person_id": np.arange(int(pick.sum()), dtype=np.int64),
            "household_id": owner.reshape(-1)[pick],
            "role_index": role.reshape(-1)[pick],
            "is_female": np.tile(np.array([True, False]), n)[pick],
            "rural": rural.reshape(-1)[pick],
            "hukou_changed": (np.stack([a["mother_hukou"], a["father_hukou"]], axis=1) != NO_DATE)
            .any(axis=2)
            .reshape(-1)[pick],
            "birth_date": birth.reshape(-1)[pick].astype("datetime64[D]"),
            "birth_index": _month_index(birth.reshape(-1)[pick]),
            "death_index": _indexed(death.reshape(-1)[pick]),
            "age49_index": _reaching_age_index(birth.reshape(-1)[pick], 49),
            "age60_index": _reaching_age_index(birth.reshape(-1)[pick], 60),
        },
        schema=schemas["persons"],
    )
    tables = {
        "households": households,
        "persons": persons,
        "hukou_spells": _hukou_spells(a, present, person, owner, birth, death, rural),
    }
    tables.update(_child_tables(a, present, person, role))
    confirmed = present & (a["confirmed"] != NO_DATE)
    tables["confirmations"] = pl.DataFrame(
        {
            "person_id": person[confirmed],
            "household_id": owner[confirmed],
            "benefit": np.full(int(confirmed.sum()), SPECIAL_ASSISTANCE),
            "confirmed_index": _month_index(a["confirmed"][confirmed]),
        },
        schema=schemas["confirmations"],
    )
    return {name: tables[name] for name in schemas}


def _hukou_spells(
    a: dict[str, Any], present: Any, person: Any, owner: Any, birth: Any, death: Any, rural: Any
) -> pl.DataFrame:
    """One row per hukou class in force of each parent whose hukou changes
    (:func:`fpcore.tables.hukou_spells`);
    changes are at least a year apart and after the 16th birthday, so never two in one
    month."""
    import numpy as np
    import polars as pl

    from fpcore.tables import _schemas

    changes = np.stack([a["mother_hukou"], a["father_hukou"]], axis=1)  # (n, 2, changes)
    changed = changes != NO_DATE
    months = _month_index(np.where(changed, changes, 0))
    dead = death != NO_DATE
    death_end = _month_index(np.where(dead, death, 0)) + 1
    starts = np.concatenate([_month_index(birth)[..., None], months], axis=2)
    # rows only for parents whose hukou changes: the others read their class from persons
    moved = present & changed.any(axis=2)
    spell = np.concatenate([moved[..., None], present[..., None] & changed], axis=2)
    # a spell ends where the next begins, or after the month of death
    has_next = np.concatenate([changed, np.zeros_like(changed[..., :1])], axis=2)
    following = np.concatenate([months, np.zeros_like(months[..., :1])], axis=2)
    ends = np.where(has_next, following, death_end[..., None])
    ends_known = has_next | dead[..., None]
    flipped = np.arange(MAX_HUKOU_CHANGES + 1) % 2 == 1  # a change, then a change back
    classes = rural[..., None] ^ flipped[None, None, :]

    def flat(values: Any) -> Any:
        return np.broadcast_to(values, spell.shape).reshape(-1)[spell.reshape(-1)]

    return pl.DataFrame(
        {
            "person_id": flat(person[..., None]),
            "household_id": flat(owner[..., None]),
            "start_index": flat(starts),
            "end_index": _column(flat(ends), flat(ends_known), pl.Int32),
            "rural": flat(classes),
        },
        schema=_schemas()["hukou_spells"],
    )


def deliveries(a: dict[str, Any]) -> Any:
    """Each child's delivery order (0 for an adopted child): children by birth, twins
    born on one day counted once (:meth:`fpcore.model.Household.delivery_order`)."""
    import numpy as np

    birth = a["child_birth"]
    born = a["child_valid"] & ~a["child_adopted"]
    same_day = (birth[:, :, None] == birth[:, None, :]) & born[:, None, :]
    earlier = np.tril(np.ones((MAX_CHILDREN, MAX_CHILDREN), dtype=bool), k=-1)[None]
    first_of_day = born & ~(same_day & earlier).any(axis=2)
    delivery = (first_of_day[:, None, :] & (birth[:, None, :] <= birth[:, :, None])).sum(axis=2)
    return np.where(born, delivery, 0)


def _child_tables(
    a: dict[str, Any], present: Any, person: Any, role: Any
) -> dict[str, pl.DataFrame]:
    """The ``children``, ``parenthood`` and ``parent_disabilities`` tables."""
    import numpy as np
    import polars as pl

    from fpcore.tables import _schemas

    schemas = _schemas()
    valid = a["child_valid"]
    child_index = np.cumsum(valid, axis=1) - 1  # children keep birth order
    birth, join, death = a["child_birth"], a["child_join"], a["child_death"]
    delivery = deliveries(a)
    # pairs [household, k, j]: child j joined by the day child k joined and alive then
    overlap = (
        (join[:, None, :] <= join[:, :, None])
        & (birth[:, None, :] <= join[:, :, None])
        & ((death[:, None, :] == NO_DATE) | (join[:, :, None] < death[:, None, :]))
        & ~np.eye(MAX_CHILDREN, dtype=bool)[None]
    )
    siblings = (overlap & valid[:, None, :]).sum(axis=2)
    # links: a child of every parent, or of the remarried parent only (slot == role)
    parent_of = a["child_parent"]
    everyone = (1 << present.sum(axis=1)) - 1
    mask = np.where(parent_of == COMMON, everyone[:, None], 1 << np.maximum(parent_of, 0))
    slots = np.arange(2)[None, :, None]
    linked = (
        present[:, :, None]
        & valid[:, None, :]
        & ((parent_of[:, None, :] == COMMON) | (parent_of[:, None, :] == slots))
    )
    # a parent's own children alive together: the household's, but where a parent has
    # children of their own (remarried), among that parent's children only
    own_siblings = np.repeat(siblings[:, None, :], 2, axis=1)
    (mixed,) = np.nonzero((parent_of != COMMON).any(axis=1))
    own_siblings[mixed] = (overlap[mixed][:, None, :, :] & linked[mixed][:, :, None, :]).sum(axis=3)

    def per_link(values: Any) -> Any:
        return np.broadcast_to(values, linked.shape)[linked]

    # the child columns once, then gathered for each parent's link
    row_of = np.cumsum(valid.reshape(-1)).reshape(valid.shape) - 1
    kids = pl.DataFrame(
        {
            "child_index": child_index[valid],
            "is_female": ~a["child_male"][valid],
            "birth_date": birth[valid].astype("datetime64[D]"),
            "birth_index": _month_index(birth[valid]),
            "join_index": _month_index(join[valid]),
            "death_index": _indexed(death[valid]),
            "adult_index": _reaching_age_index(birth[valid], 18),
            "within_policy": a["child_within"][valid],
            "delivery_order": delivery[valid],
        },
        schema={c: schemas["children"][c] for c in ("child_index", *CHILD_COLUMNS)},
    )
    children = pl.concat(
        [
            pl.DataFrame({"household_id": np.nonzero(valid)[0]}),
            kids,
            pl.DataFrame({"parent_mask": mask[valid], "siblings_alive_at_join": siblings[valid]}),
        ],
        how="horizontal",
    ).cast(schemas["children"])  # type: ignore[arg-type]
    parenthood = pl.concat(
        [
            pl.DataFrame(
                {"person_id": per_link(person[:, :, None]), "household_id": np.nonzero(linked)[0]}
            ),
            kids.select(pl.all().gather(per_link(row_of[:, None, :]))),
            pl.DataFrame({"siblings_alive_at_join": own_siblings[linked]}),
        ],
        how="horizontal",
    ).cast(schemas["parenthood"])  # type: ignore[arg-type]

    grade = a["disability_grade"]
    ch, cs, ck, cc = np.nonzero(linked[..., None] & (grade[:, None, :, :] > 0))
    disabilities = pl.DataFrame(
        {
            "person_id": person[ch, cs],
            "household_id": ch.astype(np.int64),
            "child_index": child_index[ch, ck],
            "grade": grade[ch, ck, cc],
            "issued_index": _month_index(a["disability_issued"][ch, ck, cc]),
            "cancelled_index": _indexed(a["disability_cancelled"][ch, ck, cc]),
            "child_join_index": _month_index(join[ch, ck]),
            "child_death_index": _indexed(death[ch, ck]),
        },
        schema=schemas["parent_disabilities"],
    )
    return {"children": children, "parenthood": parenthood, "parent_disabilities": disabilities}
