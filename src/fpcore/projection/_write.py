"""The projected tables: the start's tables with the projection's events written in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fpcore.projection._engine import NO, _State, month_of, reaching_age

if TYPE_CHECKING:
    import polars as pl


def _months(days: Any) -> pl.Series:
    """Month indexes of day numbers, null where there is no event."""
    import numpy as np
    import polars as pl

    present = days != NO
    values = pl.Series(month_of(np.where(present, days, 0)), dtype=pl.Int32)
    return pl.select(pl.when(pl.lit(pl.Series(present))).then(values)).to_series()


def write_tables(
    tables: dict[str, pl.DataFrame], s: _State, confirmations: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    import numpy as np
    import polars as pl

    from fpcore.tables import _schemas

    schemas = _schemas()
    out = dict(tables)

    # persons: deaths and hukou changes
    persons = tables["persons"]
    died = s.p_death != NO
    changed = s.p_change != NO
    out["persons"] = persons.with_columns(
        pl.coalesce(_months(s.p_death), pl.col("death_index")).alias("death_index"),
        (pl.col("hukou_changed") | pl.Series(changed)).alias("hukou_changed"),
    )
    out["hukou_spells"] = _spells(tables, s, died, changed)

    # households: marital status as the record now stands, certificates and permits
    households = tables["households"]
    n_h = households.height
    alive = ~s.p_dead_before & ~died
    living = np.bincount(s.p_household[alive], minlength=n_h)
    touched = np.bincount(s.p_household[died], minlength=n_h) > 0
    status = households["marital_status"]
    widowed = pl.Series(touched & (living > 0)) & (status == "married").fill_null(False)
    out["households"] = households.with_columns(
        pl.when(pl.Series(touched & (living == 0)))
        .then(pl.lit(None, dtype=pl.String))
        .when(widowed)
        .then(pl.lit("widowed"))
        .otherwise(pl.col("marital_status"))
        .alias("marital_status"),
        pl.coalesce(_months(s.new_certificate), pl.col("certificate_index")).alias(
            "certificate_index"
        ),
        pl.coalesce(
            pl.Series(np.where(s.new_certificate != NO, s.new_certificate, 0))
            .cast(pl.Date)
            .to_frame("d")
            .select(pl.when(pl.Series(s.new_certificate != NO)).then(pl.col("d")))
            .to_series(),
            pl.col("certificate_date"),
        ).alias("certificate_date"),
        pl.coalesce(_months(s.new_permit), pl.col("birth_permit_index")).alias(
            "birth_permit_index"
        ),
    )

    # children: deaths of the existing ones, then the projected births
    existing = s.existing_children
    children = tables["children"].with_columns(
        pl.coalesce(_months(s.c_death[:existing]), pl.col("death_index")).alias("death_index")
    )
    new = slice(existing, None)
    birth = s.c_birth[new]
    household_ids = s.household_ids[s.c_household[new]]
    born = pl.DataFrame(
        {
            "household_id": household_ids,
            "child_index": s.c_index[new],
            "is_female": s.c_female[new],
            "birth_date": pl.Series(birth).cast(pl.Date),
            "birth_index": month_of(birth),
            "join_index": month_of(birth),
            "death_index": _months(s.c_death[new]),
            "adult_index": reaching_age(birth, 18),
            "within_policy": s.c_within[new],
            "delivery_order": s.c_order[new],
            "parent_mask": s.c_mask[new],
            "siblings_alive_at_join": s.c_siblings[new],
        },
        schema_overrides=schemas["children"],
    ).cast(schemas["children"])  # type: ignore[arg-type]
    out["children"] = pl.concat([children, born]).sort(
        "household_id", "child_index", maintain_order=True
    )

    # parenthood and disabilities: the children's deaths, and a row per new child and parent
    deaths = children.select(
        "household_id", "child_index", pl.col("death_index").alias("projected_death")
    )
    parenthood = (
        tables["parenthood"]
        .join(deaths, on=["household_id", "child_index"], how="left", maintain_order="left")
        .with_columns(pl.col("projected_death").alias("death_index"))
        .drop("projected_death")
    )
    links = []
    for parent, siblings in ((s.mother, s.c_mother_siblings), (s.father, s.c_father_siblings)):
        person = parent[s.c_household[new]]
        links.append(
            born.drop("parent_mask", "siblings_alive_at_join").with_columns(
                pl.Series("person_id", s.p_person_id[np.maximum(person, 0)]),
                pl.Series("siblings_alive_at_join", siblings[new]),
            )
        )
    parenthood_schema = schemas["parenthood"]
    new_links = pl.concat(links).select(list(parenthood_schema)).cast(parenthood_schema)  # type: ignore[arg-type]
    out["parenthood"] = pl.concat([parenthood, new_links]).sort(
        "person_id", "child_index", maintain_order=True
    )
    out["parent_disabilities"] = (
        tables["parent_disabilities"]
        .join(deaths, on=["household_id", "child_index"], how="left", maintain_order="left")
        .with_columns(pl.col("projected_death").alias("child_death_index"))
        .drop("projected_death")
    )
    out["confirmations"] = pl.concat(
        [tables["confirmations"], confirmations.cast(schemas["confirmations"])]  # type: ignore[arg-type]
    ).sort("person_id", maintain_order=True)
    return {name: out[name] for name in tables}


def _spells(tables: dict[str, pl.DataFrame], s: _State, died: Any, changed: Any) -> pl.DataFrame:
    """Hukou spells with the projected changes and deaths written in."""
    import numpy as np
    import polars as pl

    from fpcore.tables import _schemas

    schema = _schemas()["hukou_spells"]
    persons = tables["persons"]
    change_month = np.where(changed, month_of(np.where(changed, s.p_change, 0)), 0)
    death_end = np.where(died, month_of(np.where(died, s.p_death, 0)) + 1, 0)
    events = pl.DataFrame(
        {
            "person_id": s.p_person_id,
            "change": pl.Series(change_month, dtype=pl.Int32),
            "changed": changed,
            "death_end": pl.Series(death_end, dtype=pl.Int32),
            "died": died,
        }
    )
    spells = tables["hukou_spells"].join(events, on="person_id", how="left", maintain_order="left")
    last = pl.col("start_index") == pl.col("start_index").max().over("person_id")
    kept = spells.with_columns(
        pl.when(last & pl.col("changed"))
        .then(pl.col("change"))
        .when(last & pl.col("died") & pl.col("end_index").is_null())
        .then(pl.col("death_end"))
        .otherwise(pl.col("end_index"))
        .alias("end_index")
    ).select(list(schema))
    had = persons["hukou_changed"].to_numpy().astype(bool)
    first = changed & ~had  # a first change: the class from birth, then the new one
    ends = pl.Series(np.where(died, death_end, 0), dtype=pl.Int32)
    new_class = pl.DataFrame(
        {
            "person_id": s.p_person_id,
            "household_id": persons["household_id"],
            "start_index": pl.Series(change_month, dtype=pl.Int32),
            "end_index": pl.select(pl.when(pl.lit(pl.Series(died))).then(ends)).to_series(),
            "rural": np.zeros(s.p_person_id.size, dtype=bool),
        }
    ).filter(pl.Series(changed))
    from_birth = pl.DataFrame(
        {
            "person_id": s.p_person_id,
            "household_id": persons["household_id"],
            "start_index": persons["birth_index"],
            "end_index": pl.Series(change_month, dtype=pl.Int32),
            "rural": persons["rural"],
        }
    ).filter(pl.Series(first))
    return (
        pl.concat([kept, from_birth.cast(schema), new_class.cast(schema)])  # type: ignore[arg-type]
        .sort("person_id", "start_index", maintain_order=True)
        .select(list(schema))
    )
