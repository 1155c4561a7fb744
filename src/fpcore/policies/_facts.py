"""The facts the family-planning rules speak of, each over objects and over tables.

A fact is computed for one month ``m``. Conventions (see ``docs/catalogue.md``):

- a child counts from the month it joins the household (birth or adoption month)
  and no longer counts from the month of its death;
- a parent counts as alive through the month of death (paid for that month);
- a disability certificate counts from the month it is issued, and no longer from
  the month of recovery (the recovery month is not paid).

The Python implementations read :mod:`fpcore.model` objects; the columnar ones read
the tables of :mod:`fpcore.tables`. A property test holds them equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pendulum

from fpcore.model import Child, Household, Hukou, Person, Sex
from fpcore.periods import Month, month_reaching_age
from fpcore.rules import Fact, fact
from fpcore.tables import most_children_alive_together as _most_together

if TYPE_CHECKING:
    import polars as pl


def _index(day: pendulum.Date) -> int:
    return day.year * 12 + day.month - 1


def _alive_in(person: Person, month: Month) -> bool:
    return person.death_date is None or _index(person.death_date) >= month.index


def _joined(child: Child, m: int) -> bool:
    return _index(child.adopted_on) <= m


def _living(child: Child, m: int) -> bool:
    return _joined(child, m) and (child.death_date is None or _index(child.death_date) > m)


def _col(name: str) -> pl.Expr:
    import polars as pl

    return pl.col(name)


def _where(condition: pl.Expr, value: pl.Expr) -> pl.Expr:
    """``value`` where ``condition`` holds, else null (aggregations skip nulls)."""
    import polars as pl

    return pl.when(condition).then(value)


def _parent_alive_col(m: Month) -> pl.Expr:
    return _col("death_index").is_null() | (_col("death_index") >= m.index)


def _joined_col(m: Month) -> pl.Expr:
    return _col("join_index") <= m.index


def _living_col(m: Month) -> pl.Expr:
    death = _col("death_index")
    return _joined_col(m) & (death.is_null() | (death > m.index))


# --- person facts ------------------------------------------------------------------------


@fact(
    "person",
    "bool",
    columnar=lambda m: _col("death_index").is_null() | (_col("death_index") >= m.index),
)
def alive(person: Person, month: Month) -> bool:
    """The person is alive at the start of the month (paid through the month of death)."""
    return _alive_in(person, month)


@fact("person", "bool", columnar=lambda m: _col("rural"))
def rural_hukou(person: Person, month: Month) -> bool:
    """The person's own hukou is rural (agricultural)."""
    return person.hukou is Hukou.RURAL


@fact("person", "date", columnar=lambda m: _col("birth_date"))
def birth_date(person: Person, month: Month) -> pendulum.Date:
    """The person's date of birth."""
    return person.birth_date


@fact("person", "int", columnar=lambda m: _col("age60_index"))
def month_turning_60(person: Person, month: Month) -> int:
    """Month index of the person's 60th birthday."""
    return month_reaching_age(person.birth_date, 60).index


@fact("person", "int", columnar=lambda m: _col("age60_index") // 12 * 12)
def year_turning_60(person: Person, month: Month) -> int:
    """Month index of January of the year of the person's 60th birthday."""
    return Month(year=month_reaching_age(person.birth_date, 60).year, month=1).index


# --- household facts over the parents -----------------------------------------------------


@fact("household", "bool", over="persons", agg="all", fill=False, columnar=lambda m: _col("rural"))
def parents_rural(household: Household, month: Month) -> bool:
    """Every parent of the household holds a rural hukou."""
    return all(p.hukou is Hukou.RURAL for p in household.parents)


@fact("household", "date", over="persons", agg="min", columnar=lambda m: _col("birth_date"))
def earliest_parent_birth(household: Household, month: Month) -> pendulum.Date:
    """Birth date of the older parent."""
    return min(p.birth_date for p in household.parents)


@fact(
    "household",
    "int",
    over="persons",
    agg="max",
    columnar=lambda m: _where(_col("is_female") & _parent_alive_col(m), _col("age49_index")),
)
def month_living_woman_turns_49(household: Household, month: Month) -> int | None:
    """Month index of the 49th birthday of the woman, if she is alive in the month."""
    woman = household.mother
    if woman is None or not _alive_in(woman, month):
        return None
    return month_reaching_age(woman.birth_date, 49).index


@fact(
    "household",
    "int",
    over="persons",
    agg="max",
    columnar=lambda m: _where(_parent_alive_col(m), _col("age49_index")),
)
def month_living_parent_turns_49(household: Household, month: Month) -> int | None:
    """Month index of the 49th birthday of the younger living parent (the single
    parent's, once one has died or left); missing when no parent is alive."""
    months = [
        month_reaching_age(p.birth_date, 49).index for p in household.parents if _alive_in(p, month)
    ]
    return max(months, default=None)


@fact(
    "household",
    "int",
    over="persons",
    fill=0,
    agg="sum",
    columnar=lambda m: _parent_alive_col(m),
)
def living_parents(household: Household, month: Month) -> int:
    """Parents alive at the start of the month."""
    return sum(1 for p in household.parents if _alive_in(p, month))


# --- household facts over the children ----------------------------------------------------


@fact("household", "int", over="children", agg="sum", fill=0, columnar=_joined_col)
def children_ever(household: Household, month: Month) -> int:
    """Children born to or adopted by the household by the month, living or not."""
    return sum(1 for c in household.children if _joined(c, month.index))


@fact("household", "int", over="children", agg="sum", fill=0, columnar=_living_col)
def living_children(household: Household, month: Month) -> int:
    """Children of the household alive in the month."""
    return sum(1 for c in household.children if _living(c, month.index))


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    columnar=lambda m: _living_col(m) & _col("is_female"),
)
def living_daughters(household: Household, month: Month) -> int:
    """Daughters of the household alive in the month."""
    return sum(1 for c in household.children if _living(c, month.index) and c.sex is Sex.FEMALE)


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="max",
    columnar=lambda m: _where(_joined_col(m), _col("siblings_alive_at_join") + 1),
)
def most_children_alive_together(household: Household, month: Month) -> int:
    """The most children the household has had alive at one time, up to the month."""
    return _most_together(household.children, month.index)  # one sweep, cached


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    columnar=lambda m: _joined_col(m) & ~_col("within_policy"),
)
def out_of_policy_children(household: Household, month: Month) -> int:
    """Children born outside the family-planning rules, joined by the month (any year)."""
    return sum(1 for c in household.children if _joined(c, month.index) and not c.within_policy)


def _disabled_col(m: Month) -> pl.Expr:
    recovery = _col("recovery_index")
    in_force = (_col("disability_index") <= m.index) & (recovery.is_null() | (recovery > m.index))
    return _where(_living_col(m) & in_force, _col("disability_grade"))


@fact("household", "int", over="children", agg="min", columnar=_disabled_col)
def living_child_disability_grade(household: Household, month: Month) -> int | None:
    """The most severe disability grade (1 is most severe) of a living child, in force.

    Missing when no living child holds a disability certificate in force that month.
    """
    grades = [
        c.disability.grade
        for c in household.children
        if _living(c, month.index)
        and c.disability is not None
        and _index(c.disability.issued) <= month.index
        and (c.disability.recovered is None or _index(c.disability.recovered) > month.index)
    ]
    return min(grades, default=None)


@fact(
    "household",
    "int",
    over="children",
    agg="max",
    columnar=lambda m: _where(_living_col(m), _col("adult_index")),
)
def month_child_turns_18(household: Household, month: Month) -> int | None:
    """Month index of the 18th birthday of the youngest living child (missing if none)."""
    months = [
        month_reaching_age(c.birth_date, 18).index
        for c in household.children
        if _living(c, month.index)
    ]
    return max(months, default=None)


@fact(
    "household",
    "date",
    over="children",
    agg="max",
    columnar=lambda m: _where(_living_col(m), _col("birth_date")),
)
def living_child_birth(household: Household, month: Month) -> pendulum.Date | None:
    """Birth date of the youngest living child (missing if none)."""
    return max((c.birth_date for c in household.children if _living(c, month.index)), default=None)


def _out_of_policy_col(first_year: int, last_year: int | None) -> pl.Expr:
    # whole years as month-index bounds: integer compares, no date decoding per row
    birth = _col("birth_index")
    window = birth >= first_year * 12
    if last_year is not None:
        window = window & (birth <= last_year * 12 + 11)
    return ~_col("within_policy") & window


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    columnar=lambda m: _out_of_policy_col(1973, 2001),
)
def out_of_policy_births_1973_2001(household: Household, month: Month) -> int:
    """Births outside the family-planning rules from 1973 through 2001 (national window)."""
    return sum(
        1 for c in household.children if not c.within_policy and 1973 <= c.birth_date.year <= 2001
    )


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    columnar=lambda m: _out_of_policy_col(1973, None),
)
def out_of_policy_births_since_1973(household: Household, month: Month) -> int:
    """Births outside the family-planning rules since 1973 (Shandong's wording)."""
    return sum(1 for c in household.children if not c.within_policy and c.birth_date.year >= 1973)


# --- household facts over its records ------------------------------------------------------


@fact("household", "int", columnar=lambda m: _col("certificate_index"))
def certificate_month(household: Household, month: Month) -> int | None:
    """Month index of the honour certificate (独生子女父母光荣证); missing if none."""
    certificate = household.honour_certificate
    return None if certificate is None else _index(certificate.issued)


@fact("household", "int", columnar=lambda m: _col("waiver_index"))
def waiver_month(household: Household, month: Month) -> int | None:
    """Month index of the voluntary waiver of a second-child quota; missing if none."""
    quota = household.second_child_quota
    return None if quota is None or quota.waived is None else _index(quota.waived)


ALL_FACTS: tuple[Fact[Any], ...] = (
    alive,
    rural_hukou,
    birth_date,
    month_turning_60,
    year_turning_60,
    parents_rural,
    earliest_parent_birth,
    month_living_woman_turns_49,
    month_living_parent_turns_49,
    living_parents,
    children_ever,
    living_children,
    living_daughters,
    most_children_alive_together,
    out_of_policy_children,
    living_child_disability_grade,
    month_child_turns_18,
    living_child_birth,
    out_of_policy_births_1973_2001,
    out_of_policy_births_since_1973,
    certificate_month,
    waiver_month,
)
"""Every fact of the catalogue, for the equivalence test and the docs."""
