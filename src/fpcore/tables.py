"""Population tables: households as columns, for the batch evaluator and for analysts.

A population is three polars tables with integer keys (extra ``batch``):

``households``
    ``household_id`` (Int64, 0..n-1 in input order), ``household_key`` (the
    household's own id, text), ``village`` and ``township`` (codes),
    ``marital_status``, ``parent_count``, ``certificate_index`` (month index of the
    honour certificate, null when none), ``waiver_index`` (month index of a second-child
    quota waiver, null when none), ``birth_permit_index`` (earliest birth permit).
``persons``
    one row per parent: ``person_id`` (Int64), ``household_id``, ``role_index`` (0 or
    1: the parent's place in ``Household.parents``), ``is_female``, ``rural``,
    ``birth_date`` (Date), ``birth_index``, ``death_index`` (null while alive), and the
    month indexes of the 49th and 60th birthdays ``age49_index``, ``age60_index``.
``children``
    one row per child: ``household_id``, ``child_index``, ``is_female``,
    ``birth_date``, ``birth_index``, ``join_index`` (month of birth or adoption),
    ``death_index``, ``adult_index`` (month of the 18th birthday), ``within_policy``,
    ``disability_grade``, ``disability_index`` (month issued), ``recovery_index``, and
    ``siblings_alive_at_join`` (how many of the household's other children were alive on
    the day this one joined it; 0 for every child means never two alive at once).

A month index is ``year * 12 + month - 1`` (:attr:`fpcore.periods.Month.index`); a
birthday month follows :func:`fpcore.periods.month_reaching_age` (29 February births
have their birthday on 1 March in common years). Building is linear in the number of
households, and lossless for every fact the policy catalogue uses.

Example:
    >>> from fpcore.model import sample_household
    >>> tables = household_tables([sample_household()])
    >>> tables["persons"].select("person_id", "is_female", "age60_index").rows()
    [(0, True, 24364), (1, False, 24343)]
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pendulum

from fpcore.model import CertificateKind, Child, Household, Hukou, Sex
from fpcore.periods import month_reaching_age

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "household_tables",
    "most_children_alive_together",
    "siblings_alive_at_join",
    "siblings_alive_at_joins",
]


def _index(day: pendulum.Date | None) -> int | None:
    return None if day is None else day.year * 12 + day.month - 1


def siblings_alive_at_join(children: tuple[Child, ...], index: int) -> int:
    """How many other children of the household were alive when child ``index`` joined it.

    A child born or adopted on the day a sibling died does not overlap with it.

    >>> from fpcore.model import sample_household
    >>> siblings_alive_at_join(sample_household().children, 0)
    0
    """
    joined = children[index].adopted_on
    return sum(
        1
        for other_index, other in enumerate(children)
        if other_index != index and other.adopted_on <= joined and other.alive_on(joined)
    )


def siblings_alive_at_joins(children: Sequence[Child]) -> tuple[int, ...]:
    """:func:`siblings_alive_at_join` for every child at once, in O(n log n).

    One sort and a binary search per child, instead of a pass over the others per
    child: a child counts for a later join on day *d* when it joined on or before *d*
    and had not died by *d*, so the count is the joins up to *d* minus the children
    who had both joined and died by *d* (less the child itself).

    >>> from fpcore.model import sample_household
    >>> siblings_alive_at_joins(sample_household().children)
    (0,)
    """
    joins = [child.adopted_on.toordinal() for child in children]
    deaths = [None if c.death_date is None else c.death_date.toordinal() for c in children]
    joined_sorted = sorted(joins)
    gone_sorted = sorted(max(j, d) for j, d in zip(joins, deaths, strict=True) if d is not None)
    counts = []
    for joined, died in zip(joins, deaths, strict=True):
        alive = bisect.bisect_right(joined_sorted, joined) - bisect.bisect_right(
            gone_sorted, joined
        )
        itself = died is None or died > joined  # the child is alive on its own join day
        counts.append(alive - (1 if itself else 0))
    return tuple(counts)


@functools.lru_cache(maxsize=32)
def _most_together_by_join(children: tuple[Child, ...]) -> tuple[list[int], list[int]]:
    """Join month indexes in order, and the running maximum of children alive together."""
    counts = siblings_alive_at_joins(children)
    pairs = sorted(
        (_index(child.adopted_on) or 0, count + 1)
        for child, count in zip(children, counts, strict=True)
    )
    months, running, best = [], [], 0
    for month, together in pairs:
        best = max(best, together)
        months.append(month)
        running.append(best)
    return months, running


def most_children_alive_together(children: tuple[Child, ...], month_index: int) -> int:
    """The most children alive at once among those who joined by the month (0 if none).

    The sweep runs once per list of children (cached), then each month is a binary
    search: evaluating a household over a year stays near-linear in its children.

    >>> from fpcore.model import sample_household
    >>> children = sample_household().children
    >>> most_children_alive_together(children, 0), most_children_alive_together(children, 30000)
    (0, 1)
    """
    months, running = _most_together_by_join(children)
    position = bisect.bisect_right(months, month_index)
    return running[position - 1] if position else 0


def _schemas() -> dict[str, dict[str, Any]]:
    import polars as pl

    return {
        "households": {
            "household_id": pl.Int64,
            "household_key": pl.String,
            "village": pl.String,
            "township": pl.String,
            "marital_status": pl.String,
            "parent_count": pl.Int8,
            "certificate_index": pl.Int32,
            "waiver_index": pl.Int32,
            "birth_permit_index": pl.Int32,
        },
        "persons": {
            "person_id": pl.Int64,
            "household_id": pl.Int64,
            "role_index": pl.Int8,
            "is_female": pl.Boolean,
            "rural": pl.Boolean,
            "birth_date": pl.Date,
            "birth_index": pl.Int32,
            "death_index": pl.Int32,
            "age49_index": pl.Int32,
            "age60_index": pl.Int32,
        },
        "children": {
            "household_id": pl.Int64,
            "child_index": pl.Int8,
            "is_female": pl.Boolean,
            "birth_date": pl.Date,
            "birth_index": pl.Int32,
            "join_index": pl.Int32,
            "death_index": pl.Int32,
            "adult_index": pl.Int32,
            "within_policy": pl.Boolean,
            "disability_grade": pl.Int8,
            "disability_index": pl.Int32,
            "recovery_index": pl.Int32,
            "siblings_alive_at_join": pl.Int8,
        },
    }


def household_tables(households: Iterable[Household]) -> dict[str, pl.DataFrame]:
    """The ``households``, ``persons`` and ``children`` tables of a list of households.

    Keys are integers in input order: household ``i`` has ``household_id == i``, and
    persons are numbered across the whole population in order.
    """
    import polars as pl

    columns: dict[str, dict[str, list[Any]]] = {
        table: {name: [] for name in schema} for table, schema in _schemas().items()
    }
    homes, persons, kids = columns["households"], columns["persons"], columns["children"]
    person_id = 0
    for household_id, household in enumerate(households):
        siblings = siblings_alive_at_joins(household.children)
        homes["household_id"].append(household_id)
        homes["household_key"].append(household.household_id)
        homes["village"].append(household.village)
        homes["township"].append(household.village[:9])
        homes["marital_status"].append(household.marital_status.value)
        homes["parent_count"].append(len(household.parents))
        certificate = household.honour_certificate
        homes["certificate_index"].append(_index(certificate.issued if certificate else None))
        quota = household.second_child_quota
        homes["waiver_index"].append(_index(quota.waived if quota else None))
        permit = household.certificate(CertificateKind.BIRTH_PERMIT)
        homes["birth_permit_index"].append(_index(permit.issued if permit else None))
        for role_index, parent in enumerate(household.parents):
            persons["person_id"].append(person_id)
            persons["household_id"].append(household_id)
            persons["role_index"].append(role_index)
            persons["is_female"].append(parent.sex is Sex.FEMALE)
            persons["rural"].append(parent.hukou is Hukou.RURAL)
            persons["birth_date"].append(parent.birth_date)
            persons["birth_index"].append(_index(parent.birth_date))
            persons["death_index"].append(_index(parent.death_date))
            persons["age49_index"].append(month_reaching_age(parent.birth_date, 49).index)
            persons["age60_index"].append(month_reaching_age(parent.birth_date, 60).index)
            person_id += 1
        for child_index, child in enumerate(household.children):
            disability = child.disability
            kids["household_id"].append(household_id)
            kids["child_index"].append(child_index)
            kids["is_female"].append(child.sex is Sex.FEMALE)
            kids["birth_date"].append(child.birth_date)
            kids["birth_index"].append(_index(child.birth_date))
            kids["join_index"].append(_index(child.adopted_on))
            kids["death_index"].append(_index(child.death_date))
            kids["adult_index"].append(month_reaching_age(child.birth_date, 18).index)
            kids["within_policy"].append(child.within_policy)
            kids["disability_grade"].append(disability.grade if disability else None)
            kids["disability_index"].append(_index(disability.issued) if disability else None)
            kids["recovery_index"].append(_index(disability.recovered) if disability else None)
            kids["siblings_alive_at_join"].append(siblings[child_index])
    schemas = _schemas()
    return {
        table: pl.DataFrame(data, schema=schemas[table], strict=False)
        for table, data in columns.items()
    }
