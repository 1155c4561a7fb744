"""Population tables: households and their histories as columns, for the batch evaluator.

A population is a set of polars tables with integer keys (extra ``batch``). Dates are
month indexes (``year * 12 + month - 1``, :attr:`fpcore.periods.Month.index`); an
interval ``[start_index, end_index)`` includes its start month and excludes its end
month, and a null end means "still in force". Birthday months follow
:func:`fpcore.periods.month_reaching_age`.

``households``
    ``household_id`` (Int64, 0..n-1 in input order), ``household_key`` (the household's
    own id), ``village`` and ``township`` codes, ``marital_status`` (as the record
    stands; null for a never-married single parent), ``parent_count``,
    ``certificate_index`` / ``certificate_date`` / ``certificate_return_index`` (the honour
    certificate's issue month and day, and return month), ``waiver_index`` (second-child
    quota waiver), ``birth_permit_index`` (earliest birth permit).
``persons``
    one row per parent: ``person_id`` (Int64), ``household_id``, ``role_index`` (the
    parent's place in ``Household.parents``), ``is_female``, ``rural`` (the hukou class
    the record starts with), ``hukou_changed`` (whether it changes later),
    ``birth_date``, ``birth_index``, ``death_index`` (null while alive), ``age49_index``,
    ``age60_index``.
``hukou_spells``
    for each parent whose hukou changes, one row per hukou class in force: ``person_id``,
    ``household_id``, ``start_index``, ``end_index``, ``rural``. A change counts from
    its own month; a parent without changes has no rows (``persons.rural`` holds).
``children``
    one row per child: ``household_id``, ``child_index``, ``is_female``, ``birth_date``,
    ``birth_index``, ``join_index`` (month of birth or adoption), ``death_index``,
    ``adult_index`` (month of the 18th birthday), ``within_policy``, ``delivery_order``
    (birth order counted in deliveries; 0 for an adopted child), ``parent_mask`` (bit
    ``i`` set when linked to parent ``i``), ``siblings_alive_at_join`` (how many of the
    household's other children were alive on the day this one joined).
``parenthood``
    one row per parent and linked child, with the child's columns (as in ``children``)
    and ``siblings_alive_at_join`` counted among that parent's own children.
``parent_disabilities``
    one row per parent, linked child and disability certificate: ``person_id``,
    ``household_id``, ``child_index``, ``grade``, ``issued_index``, ``cancelled_index``,
    ``child_join_index``, ``child_death_index``.
``confirmations``
    one row per eligibility confirmation: ``person_id``, ``household_id``, ``benefit``,
    ``confirmed_index``.

Every table keyed by ``person_id`` is sorted by it. Building is linear in the size of
the households (a sort per household for the sibling counts), and lossless for every
fact the policy catalogue uses.

Example:
    >>> from fpcore.model import sample_household
    >>> tables = household_tables([sample_household()])
    >>> tables["persons"].select("person_id", "is_female", "age60_index").rows()
    [(0, True, 24364), (1, False, 24343)]
    >>> tables["parenthood"].select("person_id", "child_index").rows()
    [(0, 0), (1, 0)]
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pendulum

from fpcore.model import CertificateKind, Child, ChildLink, Household, Hukou, Person, Sex
from fpcore.periods import month_reaching_age

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "household_tables",
    "hukou_spells",
    "most_alive_together",
    "most_children_alive_together",
    "siblings_alive_at_join",
    "siblings_alive_at_joins",
]


def _index(day: pendulum.Date | None) -> int | None:
    return None if day is None else day.year * 12 + day.month - 1


def siblings_alive_at_join(children: tuple[Child, ...], index: int) -> int:
    """How many other children of the household were alive when child ``index`` joined it.

    A child born or adopted on the day a sibling died does not overlap with it. For every
    child at once, use :func:`siblings_alive_at_joins` (``O(n log n)``).

    >>> from fpcore.model import sample_household
    >>> siblings_alive_at_join(sample_household().children, 0)
    0
    """
    return siblings_alive_at_joins(children)[index]


def most_alive_together(children: Sequence[Child]) -> int:
    """The most of ``children`` alive on one day (0 for none), in ``O(n log n)``.

    >>> from fpcore.model import sample_household
    >>> most_alive_together(sample_household().children)
    1
    """
    return max((n + 1 for n in siblings_alive_at_joins(children)), default=0)


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

    child_columns = {
        "is_female": pl.Boolean,
        "birth_date": pl.Date,
        "birth_index": pl.Int32,
        "join_index": pl.Int32,
        "death_index": pl.Int32,
        "adult_index": pl.Int32,
        "within_policy": pl.Boolean,
        "delivery_order": pl.Int8,
    }
    return {
        "households": {
            "household_id": pl.Int64,
            "household_key": pl.String,
            "village": pl.String,
            "township": pl.String,
            "marital_status": pl.String,
            "parent_count": pl.Int8,
            "certificate_index": pl.Int32,
            "certificate_date": pl.Date,
            "certificate_return_index": pl.Int32,
            "waiver_index": pl.Int32,
            "birth_permit_index": pl.Int32,
        },
        "persons": {
            "person_id": pl.Int64,
            "household_id": pl.Int64,
            "role_index": pl.Int8,
            "is_female": pl.Boolean,
            "rural": pl.Boolean,
            "hukou_changed": pl.Boolean,
            "birth_date": pl.Date,
            "birth_index": pl.Int32,
            "death_index": pl.Int32,
            "age49_index": pl.Int32,
            "age60_index": pl.Int32,
        },
        "hukou_spells": {
            "person_id": pl.Int64,
            "household_id": pl.Int64,
            "start_index": pl.Int32,
            "end_index": pl.Int32,
            "rural": pl.Boolean,
        },
        "children": {
            "household_id": pl.Int64,
            "child_index": pl.Int16,
            **child_columns,
            "parent_mask": pl.Int8,
            "siblings_alive_at_join": pl.Int16,
        },
        "parenthood": {
            "person_id": pl.Int64,
            "household_id": pl.Int64,
            "child_index": pl.Int16,
            **child_columns,
            "siblings_alive_at_join": pl.Int16,
        },
        "parent_disabilities": {
            "person_id": pl.Int64,
            "household_id": pl.Int64,
            "child_index": pl.Int16,
            "grade": pl.Int8,
            "issued_index": pl.Int32,
            "cancelled_index": pl.Int32,
            "child_join_index": pl.Int32,
            "child_death_index": pl.Int32,
        },
        "confirmations": {
            "person_id": pl.Int64,
            "household_id": pl.Int64,
            "benefit": pl.String,
            "confirmed_index": pl.Int32,
        },
    }


def hukou_spells(person: Person) -> list[tuple[int, int | None, bool]]:
    """The parent's hukou classes as month intervals ``(start, end, rural)``.

    A change counts from its own month; of several changes in one month the last holds.
    The last interval ends after the month of death (null while the person lives).

    >>> from fpcore.model import sample_household
    >>> hukou_spells(sample_household().parents[0])
    [(23644, None, True)]
    """
    starts: list[tuple[int, bool]] = [(_month(person.birth_date), person.hukou is Hukou.RURAL)]
    for change in person.hukou_changes:
        month = _month(change.on)
        if month == starts[-1][0]:
            starts[-1] = (month, change.hukou is Hukou.RURAL)
        else:
            starts.append((month, change.hukou is Hukou.RURAL))
    ends: list[int | None] = [start for start, _ in starts[1:]]
    ends.append(None if person.death_date is None else _month(person.death_date) + 1)
    return [(start, end, rural) for (start, rural), end in zip(starts, ends, strict=True)]


def _month(day: pendulum.Date) -> int:
    return day.year * 12 + day.month - 1


def household_tables(households: Iterable[Household]) -> dict[str, pl.DataFrame]:
    """The population tables (see the module) of a list of households.

    Keys are integers in input order: household ``i`` has ``household_id == i``, and
    persons are numbered across the whole population in order.
    """
    import polars as pl

    schemas = _schemas()
    columns: dict[str, dict[str, list[Any]]] = {
        table: {name: [] for name in schema} for table, schema in schemas.items()
    }
    person_id = 0
    for household_id, household in enumerate(households):
        _add_household(columns, household_id, person_id, household)
        person_id += len(household.parents)
    return {
        table: pl.DataFrame(data, schema=schemas[table], strict=False)
        for table, data in columns.items()
    }


def _add_household(
    columns: dict[str, dict[str, list[Any]]],
    household_id: int,
    first_person: int,
    household: Household,
) -> None:
    homes, persons = columns["households"], columns["persons"]
    homes["household_id"].append(household_id)
    homes["household_key"].append(household.household_id)
    homes["village"].append(household.village)
    homes["township"].append(household.village[:9])
    status = household.marital_status
    homes["marital_status"].append(None if status is None else status.value)
    homes["parent_count"].append(len(household.parents))
    certificate = household.honour_certificate
    homes["certificate_index"].append(_index(certificate.issued) if certificate else None)
    homes["certificate_date"].append(certificate.issued if certificate else None)
    homes["certificate_return_index"].append(_index(certificate.returned) if certificate else None)
    quota = household.second_child_quota
    homes["waiver_index"].append(_index(quota.waived if quota else None))
    permit = household.certificate(CertificateKind.BIRTH_PERMIT)
    homes["birth_permit_index"].append(_index(permit.issued if permit else None))
    children = household.children
    kids = columns["children"]
    for child_index, (child, siblings) in enumerate(
        zip(children, siblings_alive_at_joins(children), strict=True)
    ):
        kids["household_id"].append(household_id)
        kids["child_index"].append(child_index)
        _add_child(kids, household, child_index, child)
        kids["parent_mask"].append(sum(1 << i for i in household.parents_of(child)))
        kids["siblings_alive_at_join"].append(siblings)
    for role_index, parent in enumerate(household.parents):
        person_id = first_person + role_index
        persons["person_id"].append(person_id)
        persons["household_id"].append(household_id)
        persons["role_index"].append(role_index)
        persons["is_female"].append(parent.sex is Sex.FEMALE)
        persons["rural"].append(parent.hukou is Hukou.RURAL)
        persons["hukou_changed"].append(bool(parent.hukou_changes))
        persons["birth_date"].append(parent.birth_date)
        persons["birth_index"].append(_index(parent.birth_date))
        persons["death_index"].append(_index(parent.death_date))
        persons["age49_index"].append(month_reaching_age(parent.birth_date, 49).index)
        persons["age60_index"].append(month_reaching_age(parent.birth_date, 60).index)
        spells = columns["hukou_spells"]
        for start, end, rural in hukou_spells(parent) if parent.hukou_changes else ():
            spells["person_id"].append(person_id)
            spells["household_id"].append(household_id)
            spells["start_index"].append(start)
            spells["end_index"].append(end)
            spells["rural"].append(rural)
        own = [(i, c) for i, c in enumerate(children) if role_index in household.parents_of(c)]
        links, disabled = columns["parenthood"], columns["parent_disabilities"]
        own_siblings = siblings_alive_at_joins([c for _, c in own])
        for (child_index, child), siblings in zip(own, own_siblings, strict=True):
            links["person_id"].append(person_id)
            links["household_id"].append(household_id)
            links["child_index"].append(child_index)
            _add_child(links, household, child_index, child)
            links["siblings_alive_at_join"].append(siblings)
            for disability in child.disabilities:
                disabled["person_id"].append(person_id)
                disabled["household_id"].append(household_id)
                disabled["child_index"].append(child_index)
                disabled["grade"].append(disability.grade)
                disabled["issued_index"].append(_index(disability.issued))
                disabled["cancelled_index"].append(_index(disability.cancelled))
                disabled["child_join_index"].append(_index(child.adopted_on))
                disabled["child_death_index"].append(_index(child.death_date))
        confirmed = columns["confirmations"]
        for confirmation in household.confirmations:
            if confirmation.parent == role_index:
                confirmed["person_id"].append(person_id)
                confirmed["household_id"].append(household_id)
                confirmed["benefit"].append(confirmation.benefit)
                confirmed["confirmed_index"].append(_index(confirmation.confirmed))


def _add_child(
    rows: dict[str, list[Any]], household: Household, child_index: int, child: Child
) -> None:
    rows["is_female"].append(child.sex is Sex.FEMALE)
    rows["birth_date"].append(child.birth_date)
    rows["birth_index"].append(_index(child.birth_date))
    rows["join_index"].append(_index(child.adopted_on))
    rows["death_index"].append(_index(child.death_date))
    rows["adult_index"].append(month_reaching_age(child.birth_date, 18).index)
    rows["within_policy"].append(child.within_policy)
    rows["delivery_order"].append(
        household.delivery_order(child_index) if child.link is ChildLink.BIRTH else 0
    )
