"""The synthetic county as an indicator register (:class:`fpcore.indicators.Register`).

Built from the county's arrays with numpy and polars, one row per person, birth, death
and archived family; the same register :func:`fpcore.indicators.register_from_households`
makes of the county's households, except that a calibrated county's children leave home
(``LEAVE_HOME_AGE``): they leave the register then, and are not counted twice (once as
a child at home, once as a parent of their own household).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pendulum

from fpcore.synth._county import COMMON, NO_DATE, SyntheticCounty, days_of
from fpcore.synth._tables import deliveries

if TYPE_CHECKING:
    from fpcore.indicators import Register


def _dates(days: Any) -> Any:
    import numpy as np
    import polars as pl

    present = days != NO_DATE
    values = pl.Series(np.where(present, days, 0).astype("datetime64[D]"), dtype=pl.Date)
    return pl.select(pl.when(pl.Series(present)).then(values)).to_series()


STATUSES = ("single", "married", "widowed", "divorced")


def _names(names: tuple[str, ...], codes: Any) -> Any:
    """Text column of codes (indexes into ``names``): a gather, not numpy strings."""
    import polars as pl

    return pl.Series(names).gather(codes)


def _status(a: dict[str, Any], slot: int, day: Any) -> Any:
    """A parent's own marital status on ``day`` (one day per household), as indexes into
    :data:`STATUSES`: married, widowed, divorced or single (never married)."""
    import numpy as np

    spouse = ("mother", "father")[1 - slot]

    def by(event: Any) -> Any:
        return (event != NO_DATE) & (event <= day)

    couple = by(a["couple_married"])
    spouse_dead = a[f"has_{spouse}"] & by(a[f"{spouse}_death"])
    own = by(a["own_married"]) & (a["own_slot"] == slot)
    own_status = np.where(by(a["own_ended"]), np.where(a["own_by_death"], 2, 3), 1)
    couple_status = np.where(by(a["couple_divorced"]), 3, np.where(spouse_dead, 2, 1))
    return np.where(couple, couple_status, np.where(own, own_status, 0))


def county_register(county: SyntheticCounty, year: int | None = None) -> Register:
    """The county's register as of the end of ``year`` (default: its ``on`` day's year),
    never after its ``on`` day: persons, births, deaths and the archived families."""
    import numpy as np
    import polars as pl

    from fpcore.indicators import Register

    a = county.arrays
    last = county.on if year is None else min(county.on, pendulum.Date(year, 12, 31))
    end = days_of(last)
    townships = pl.Series([t.name for t in county.geography.townships for _ in t.villages])
    villages = pl.Series([v.name for t in county.geography.townships for v in t.villages])
    place = a["village"]

    frames: list[pl.DataFrame] = []
    deaths: list[pl.DataFrame] = []
    for slot, key in enumerate(("mother", "father")):
        present = a[f"has_{key}"]
        death = a[f"{key}_death"]
        dead = present & (death != NO_DATE) & (death <= end)
        day = np.where(dead, death - 1, end)
        frames.append(
            pl.DataFrame(
                {
                    "household": np.nonzero(present)[0],
                    "birth_date": _dates(a[f"{key}_birth"][present]),
                    "entry_date": _dates(np.full(int(present.sum()), NO_DATE)),
                    "exit_date": _dates(np.where(dead, death, NO_DATE)[present]),
                    "marital_status": _names(STATUSES, _status(a, slot, day)[present]),
                }
            ).with_columns(sex=pl.lit("female" if slot == 0 else "male"))
        )
        deaths.append(pl.DataFrame({"household": np.nonzero(dead)[0], "date": _dates(death[dead])}))
    valid = a["child_valid"] & (a["child_join"] <= end)
    hh = np.nonzero(valid)[0]
    birth, death, leaves = (
        a["child_birth"][valid],
        a["child_death"][valid],
        a["child_leaves"][valid],
    )
    left = (leaves != NO_DATE) & (leaves <= end) & ((death == NO_DATE) | (leaves < death))
    died = (death != NO_DATE) & (death <= end) & ~left
    frames.append(
        pl.DataFrame(
            {
                "household": hh,
                "sex": _names(("female", "male"), a["child_male"][valid].astype(np.int8)),
                "birth_date": _dates(birth),
                "entry_date": _dates(a["child_join"][valid]),
                "exit_date": _dates(np.where(left, leaves, np.where(died, death, NO_DATE))),
            }
        ).with_columns(marital_status=pl.lit("single"))
    )
    deaths.append(pl.DataFrame({"household": hh[died], "date": _dates(death[died])}))

    def placed(frame: pl.DataFrame) -> pl.DataFrame:
        at = place[frame["household"].to_numpy()]
        return frame.with_columns(
            township=townships.gather(at),
            village=villages.gather(at),
            registered=pl.lit(True),
            resident=pl.lit(True),
        )

    persons = placed(pl.concat(frames, how="diagonal_relaxed")).with_columns(
        person_id=pl.int_range(pl.len(), dtype=pl.Int64),
        menopausal=pl.lit(False),
        infertile=pl.lit(False),
        contraception=pl.lit(None, dtype=pl.Boolean),
    )
    # births: children by birth; the household's mother is the mother unless the child
    # is the father's own (from his earlier marriage)
    born = valid & ~a["child_adopted"]
    bh = np.nonzero(born)[0]
    own_mother = a["has_mother"][bh] & np.isin(a["child_parent"][born], (COMMON, 0))
    births = placed(
        pl.DataFrame(
            {
                "household": bh,
                "date": _dates(a["child_birth"][born]),
                "sex": _names(("female", "male"), a["child_male"][born].astype(np.int8)),
                "order": deliveries(a)[born],
                "in_policy": a["child_within"][born],
                "mother_birth_date": _dates(np.where(own_mother, a["mother_birth"][bh], NO_DATE)),
            }
        )
    ).with_columns(
        birth_id=pl.int_range(pl.len(), dtype=pl.Int64),
        outcome=pl.lit("live"),
        defect=pl.lit(False),
    )
    death_rows = placed(pl.concat(deaths, how="diagonal_relaxed")).with_columns(
        person_id=pl.int_range(pl.len(), dtype=pl.Int64)
    )
    return Register(
        county=county.geography.name,
        persons=persons,
        births=births,
        deaths=death_rows,
        archives=_archives(county, end, townships.gather(place), villages.gather(place)),
    )


def _archives(county: SyntheticCounty, end: int, township: Any, village: Any) -> Any:
    """One row a year per family allowed a second child for its disabled first child
    (the first child certified before the second was born), from the certificate's year:
    all archived (the report: 100 %)."""
    import numpy as np
    import polars as pl

    a = county.arrays
    issued = a["disability_issued"][:, 0, 0]
    (family,) = np.nonzero(
        a["child_valid"][:, 0]
        & a["child_valid"][:, 1]
        & (a["disability_grade"][:, 0, 0] > 0)
        & (issued < a["child_birth"][:, 1])
        & (a["child_birth"][:, 1] <= end)
    )
    first = issued[family].astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    last_year = int(np.datetime64(end, "D").astype("datetime64[Y]").astype(int)) + 1970
    repeats = last_year - first + 1
    rows = np.repeat(family, repeats)
    years = np.concatenate([np.arange(f, last_year + 1) for f in first]) if family.size else rows
    return pl.DataFrame(
        {
            "family_id": rows.astype(np.int64),
            "township": township.gather(rows),
            "village": village.gather(rows),
            "year": years.astype(np.int64),
            "archived": np.ones(rows.size, dtype=bool),
        }
    )
