"""Invariants every set of population tables keeps: sorted, unique keys, consistent dates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from fpcore.errors import InvalidInput, Problem

if TYPE_CHECKING:
    import polars as pl

_PERSON_TABLES = ("parenthood", "hukou_spells", "parent_disabilities", "confirmations")


def _month(column: str) -> pl.Expr:
    import polars as pl

    day = pl.col(column)
    return (day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1).cast(pl.Int32)


def _reaching(column: str, age: int) -> pl.Expr:
    """Month index of the birthday reaching ``age`` (29 February: 1 March in common years)."""
    import polars as pl

    day = pl.col(column)
    target = day.dt.year().cast(pl.Int32) + age
    leap = ((target % 4) == 0) & (((target % 100) != 0) | ((target % 400) == 0))
    march = (day.dt.month() == 2) & (day.dt.day() == 29) & ~leap
    month = pl.when(march).then(2).otherwise(day.dt.month().cast(pl.Int32) - 1)
    return (target * 12 + month).cast(pl.Int32)


def table_problems(tables: Mapping[str, pl.DataFrame]) -> list[Problem]:
    """Every broken invariant of population tables (see :func:`check_tables`)."""
    import polars as pl

    from fpcore.tables import _schemas

    problems: list[Problem] = []
    schemas = _schemas()
    for name, schema in schemas.items():
        frame = tables.get(name)
        if frame is None:
            problems.append(Problem(name, "table is missing"))
            continue
        for column, dtype in schema.items():
            if column not in frame.columns:
                problems.append(Problem(f"{name}.{column}", "column is missing"))
            elif frame.schema[column] != dtype:
                problems.append(
                    Problem(f"{name}.{column}", f"is {frame.schema[column]}, expected {dtype}")
                )
    if problems:
        return problems

    def bad(table: str, what: str, rows: pl.DataFrame | int) -> None:
        count = rows if isinstance(rows, int) else rows.height
        if count:
            problems.append(Problem(table, f"{count} row(s) {what}"))

    def unsorted(frame: pl.DataFrame, *keys: str) -> int:
        if frame.height < 2:
            return 0
        ordered = frame.select(*keys).with_row_index("row").sort(*keys, maintain_order=True)
        return int((ordered["row"] != pl.int_range(frame.height, eager=True)).sum())

    households, persons, children = tables["households"], tables["persons"], tables["children"]
    bad("households", "not sorted by household_id", unsorted(households, "household_id"))
    bad(
        "households",
        "with a duplicated household_id",
        households.filter(pl.col("household_id").is_duplicated()),
    )
    bad("persons", "not sorted by person_id", unsorted(persons, "person_id"))
    bad(
        "persons",
        "with a duplicated person_id",
        persons.filter(pl.col("person_id").is_duplicated()),
    )
    known = households.select("household_id")
    for name in ("persons", "children"):
        bad(
            name, "of an unknown household", tables[name].join(known, on="household_id", how="anti")
        )
    bad(
        "persons",
        "whose birth_index is not the month of birth_date",
        persons.filter(pl.col("birth_index") != _month("birth_date")),
    )
    bad(
        "persons",
        "whose age49_index or age60_index does not follow birth_date",
        persons.filter(
            (pl.col("age49_index") != _reaching("birth_date", 49))
            | (pl.col("age60_index") != _reaching("birth_date", 60))
        ),
    )
    bad(
        "persons",
        "dying before their birth",
        persons.filter(pl.col("death_index") < pl.col("birth_index")),
    )
    bad(
        "children",
        "not sorted by household_id and child_index",
        unsorted(children, "household_id", "child_index"),
    )
    bad(
        "children",
        "with a duplicated (household_id, child_index)",
        children.filter(pl.struct("household_id", "child_index").is_duplicated()),
    )
    for name in ("children", "parenthood"):
        frame = tables[name]
        bad(
            name,
            "whose birth_index or adult_index does not follow birth_date",
            frame.filter(
                (pl.col("birth_index") != _month("birth_date"))
                | (pl.col("adult_index") != _reaching("birth_date", 18))
            ),
        )
        bad(
            name,
            "joining before birth or dying before joining",
            frame.filter(
                (pl.col("join_index") < pl.col("birth_index"))
                | (pl.col("death_index") < pl.col("birth_index"))
            ),
        )
    people = persons.select("person_id", pl.col("household_id").alias("owner"))
    for name in _PERSON_TABLES:
        frame = tables[name]
        bad(name, "not sorted by person_id", unsorted(frame, "person_id"))
        joined = frame.join(people, on="person_id", how="left")
        bad(
            name,
            "of an unknown person or of another household",
            joined.filter(pl.col("owner").is_null() | (pl.col("owner") != pl.col("household_id"))),
        )
    columns = [c for c in schemas["parenthood"] if c not in ("person_id", "siblings_alive_at_join")]
    bad(
        "parenthood",
        "differing from their child's row in children",
        tables["parenthood"]
        .select(columns)
        .join(children.select(columns), on=columns, how="anti", nulls_equal=True),
    )
    spells = tables["hukou_spells"].with_columns(
        pl.col("start_index").shift(-1).over("person_id").alias("next")
    )
    bad(
        "hukou_spells",
        "not ending where the next begins, or empty",
        spells.filter(
            (
                pl.col("next").is_not_null()
                & (pl.col("end_index").is_null() | (pl.col("end_index") != pl.col("next")))
            )
            | (pl.col("end_index") <= pl.col("start_index"))
        ),
    )
    return problems


def check_tables(tables: Mapping[str, pl.DataFrame]) -> None:
    """Check the invariants of population tables (:mod:`fpcore.tables`).

    Every table of the schema is present with its columns and types; households and
    persons are sorted by their unique keys; children by household and child index,
    unique; the tables keyed by person sorted by it, each row's person belonging to its
    household; parenthood rows equal to their child's row; month indexes consistent with
    the dates (birth months, 18th, 49th and 60th birthdays); nobody joins before birth
    or dies before birth; hukou spells follow each other without gaps.

    Raises:
        InvalidInput: every broken invariant, by table, with the number of rows.

    Example:
        >>> from fpcore.model import sample_household
        >>> from fpcore.tables import household_tables
        >>> tables = household_tables([sample_household()])
        >>> check_tables(tables)
        >>> check_tables({**tables, "persons": tables["persons"].reverse()})
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          persons: 2 row(s) not sorted by person_id
    """
    problems = table_problems(tables)
    if problems:
        raise InvalidInput(problems)
