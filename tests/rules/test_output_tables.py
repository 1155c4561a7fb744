"""The batch evaluator's output stage: rows paid -> :class:`EntitlementTables`.

The tables are built once from the rows paid per benefit (a block per range of
households): ranges give the tables of the whole, and the column types are the same
with or without rows.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pendulum
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.periods import Month, Year
from fpcore.rules import EntitlementTables, Population, _batch

BENEFITS = ("reward", "special", "only_child")


def _schemas(tables: EntitlementTables) -> dict[str, dict[str, object]]:
    return {name: dict(getattr(tables, name).schema) for name in EntitlementTables.SCHEMAS}


@st.composite
def populations(draw: st.DrawFn) -> tuple[Population, list[int]]:
    """A population (ids dense, sparse, narrow or with a missing id) and, per
    household, the number of its persons."""
    sizes = draw(st.lists(st.integers(0, 3), max_size=12))
    households = len(sizes)
    persons = sum(sizes)
    household_of = np.repeat(np.arange(households), sizes)
    ids = draw(st.sampled_from([0, 0, 5]))  # 0 and not spread: dense (the row numbers)
    person_ids = np.arange(persons) * draw(st.sampled_from([1, 3])) + ids
    dtype = draw(st.sampled_from([pl.Int64, pl.Int32, pl.UInt32]))
    person_id = pl.Series("person_id", person_ids, dtype=dtype)
    if persons and draw(st.booleans()):  # not a valid register: the id is kept missing
        person_id = person_id.scatter(draw(st.integers(0, persons - 1)), None)
    tables = {
        "persons": pl.DataFrame([person_id, pl.Series("household_id", household_of)]),
        "households": pl.DataFrame(
            {"household_id": np.arange(households) * draw(st.sampled_from([1, 2])) + ids}
        ),
    }
    return Population(tables), sizes


def _fen(data: st.DataObject, rows: int) -> np.ndarray:
    values = st.sampled_from([0, 0, 0, 1, -5, 1050, 30000, 10**15])
    return np.array(data.draw(st.lists(values, min_size=rows, max_size=rows)), dtype=np.int64)


@settings(max_examples=150, deadline=None)
@given(population=populations(), months=st.integers(1, 4), data=st.data())
def test_ranges_of_households_give_the_tables_of_the_whole(
    population: tuple[Population, list[int]], months: int, data: st.DataObject
) -> None:
    """Monthly amounts summed over the whole population, or over ranges of households
    gathered (each range's rows from its own first row), give the same tables, row for
    row; an empty result has the column types of a full one."""
    pop, sizes = population
    entities = {"household": len(sizes), "person": sum(sizes)}
    amounts = {
        entity: {
            b: [_fen(data, rows) for _ in range(months)]
            for b in data.draw(st.lists(st.sampled_from(BENEFITS), unique=True))
        }
        for entity, rows in entities.items()
    }
    cuts = sorted(
        data.draw(st.sets(st.integers(1, max(len(sizes) - 1, 1)))) & set(range(1, len(sizes)))
    )
    bounds = list(zip([0, *cuts], [*cuts, len(sizes)], strict=True)) if sizes else []
    first_person = np.concatenate(([0], np.cumsum(sizes))).astype(int)
    several = months > 1

    whole = {entity: _batch._Totals() for entity in entities}
    for entity, by_benefit in amounts.items():
        for b, fen in by_benefit.items():
            for month in fen:
                whole[entity].add(b, month, several)
    expected = _batch._tables(pop, whole, [], several)

    gathered = {entity: _batch._Parts() for entity in entities}
    for lo, hi in bounds:
        span = {"household": (lo, hi), "person": (first_person[lo], first_person[hi])}
        for entity, by_benefit in amounts.items():
            start, stop = span[entity]
            part = _batch._Totals()
            for b, fen in by_benefit.items():
                for month in fen:
                    part.add(b, month[start:stop], several)
            gathered[entity].extend(part, int(start))
    found = _batch._tables(pop, gathered, [], several)

    for name in ("persons", "households"):
        assert getattr(found, name).equals(getattr(expected, name))
    assert _schemas(found) == _schemas(expected) == _schemas(EntitlementTables.empty())
    for frame in (found.persons, found.households):
        as_fen = [int(a * 100) for a in frame["amount"].to_list()]
        assert as_fen == frame["amount_fen"].to_list()
        assert all(isinstance(a, Decimal) for a in frame["amount"].to_list())
    paid = sum(int(m.sum()) for fen in amounts["person"].values() for m in fen)
    assert int(found.persons["amount_fen"].sum()) == paid


def test_nothing_paid_keeps_the_column_types() -> None:
    """An empty population, or one where nobody is paid, gives tables with the column
    types of tables with rows, for a month or several."""
    from .domain import POLICY, Household, Person, to_population

    nobody = Household(
        id=0,
        persons=(Person(id=0, birth=pendulum.Date(1990, 1, 1), rural=True),),
        children=(),
        certificate=None,
        quota_waived=False,
    )
    for homes in ([], [nobody]):
        for period in (Month(year=2012, month=1), Year(year=2012)):
            tables = POLICY.evaluate_table(to_population(homes), period)
            assert tables.persons.height == tables.households.height == 0
            assert _schemas(tables) == _schemas(EntitlementTables.empty())
