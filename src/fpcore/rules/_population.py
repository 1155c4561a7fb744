"""Population tables for the batch evaluator (imports polars)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import pendulum
import polars as pl

from fpcore.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from fpcore.periods import Period

__all__ = [
    "HOUSEHOLD_KEY",
    "PERSON_KEY",
    "EntitlementTables",
    "Population",
    "TablesOutOfDateWarning",
    "warn_if_out_of_date",
    "yuan",
]

PERSON_KEY = "person_id"
HOUSEHOLD_KEY = "household_id"
ENTITY_TABLES = {"person": "persons", "household": "households"}
ENTITY_KEYS = {"person": PERSON_KEY, "household": HOUSEHOLD_KEY}
_INTEGER = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


MAX_POSITIONAL = 8
"""Entities with more rows than this in a table are aggregated by group-by instead."""


@attrs.frozen(kw_only=False, eq=False)
class Segments:
    """Where each entity's rows lie in a table sorted by the entity key (numpy arrays).

    ``entities`` is the number of entities, ``rows`` the table's; ``positions[j]`` is,
    for every entity, the row of its j-th row in the table, or ``rows`` (one past the
    last row, where the evaluator puts the aggregation's neutral value) when it has
    fewer; empty when ``longest`` is above :data:`MAX_POSITIONAL`. ``empty`` lists the
    entities without rows (None when every entity has some).
    """

    entities: int
    longest: int
    rows: int
    positions: tuple[Any, ...] = ()
    empty: Any = None


class TablesOutOfDateWarning(UserWarning):
    """A period is evaluated past the day its population tables were drawn up to.

    The tables hold no event after their ``as_of`` day (births, deaths, hukou changes),
    so a later period sees a county frozen on that day. Project the tables first
    (:func:`fpcore.projection.project`).
    """


def warn_if_out_of_date(as_of: pendulum.Date | None, period: Period, *, stacklevel: int) -> None:
    """Warn (:class:`TablesOutOfDateWarning`) when ``period`` ends after ``as_of``, the day
    population tables were drawn up to; ``stacklevel`` as for :func:`warnings.warn`, from
    the caller of this function."""
    if as_of is not None and period.end > as_of:
        warnings.warn(
            TablesOutOfDateWarning(
                f"evaluating {period} on population tables drawn up to {as_of}: no birth, "
                "death or hukou change after that day is in them; project the tables "
                "(fpcore.projection.project) first"
            ),
            stacklevel=stacklevel + 1,
        )


@attrs.frozen
class Population:
    """Population tables: polars DataFrames keyed by name, with integer keys.

    Required: ``persons`` with ``person_id`` and ``household_id``; ``households``
    with ``household_id``. Any other table (``children``...) carries the key of the
    entity it belongs to (``household_id`` or ``person_id``) and is read by facts
    declared ``over`` it. All other columns are whatever the facts' columnar
    implementations read (money as whole fen, Int64).

    Fast path: when an entity table's key is ``0..n-1`` in row order and a table a
    fact aggregates is sorted by that key, aggregation and the person -> household
    lookup are positional (no hash join or group-by). Otherwise the evaluator falls
    back to joins, with the same results.

    ``as_of`` is the day the tables were drawn up to, when known (a synthetic county's
    ``on``, a projection's horizon): evaluating a period that ends after it warns
    (:class:`TablesOutOfDateWarning`), since no later birth, death or hukou change is in
    the tables.

    Raises:
        InvalidInput: a required table or key column is missing or not integer.

    Example:
        >>> pop = Population.from_rows(
        ...     persons=[{"person_id": 0, "household_id": 0}],
        ...     households=[{"household_id": 0}],
        ... )
        >>> pop.persons.height, pop.is_dense("households", "household_id")
        (1, True)
    """

    tables: Mapping[str, pl.DataFrame]
    as_of: pendulum.Date | None = attrs.field(default=None, kw_only=True)
    _cache: dict[tuple[str, str], Any] = attrs.field(init=False, factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        for table, keys in (
            ("persons", (PERSON_KEY, HOUSEHOLD_KEY)),
            ("households", (HOUSEHOLD_KEY,)),
        ):
            frame = self.tables.get(table)
            if frame is None:
                problems.append(Problem(table, "table is missing"))
                continue
            for key in keys:
                if key not in frame.columns:
                    problems.append(Problem(f"{table}.{key}", "column is missing"))
                elif frame.schema[key] not in _INTEGER:
                    problems.append(
                        Problem(f"{table}.{key}", f"is {frame.schema[key]}, not an integer")
                    )
        if problems:
            raise InvalidInput(problems)

    @classmethod
    def from_rows(cls, **tables: Sequence[Mapping[str, object]]) -> Population:
        """Build from rows (mappings), one keyword per table: linear in the rows."""
        return cls({name: pl.DataFrame(list(rows)) for name, rows in tables.items()})

    @property
    def persons(self) -> pl.DataFrame:
        """The persons table."""
        return self.tables["persons"]

    @property
    def households(self) -> pl.DataFrame:
        """The households table."""
        return self.tables["households"]

    def table(self, name: str) -> pl.DataFrame:
        """Any table by name.

        Raises:
            InvalidInput: no such table.
        """
        try:
            return self.tables[name]
        except KeyError:
            raise InvalidInput(f"table {name!r} is missing from the population") from None

    def is_dense(self, table: str, key: str) -> bool:
        """Whether ``table[key]`` is exactly ``0..n-1`` in row order (cached)."""
        cache_key = ("dense", f"{table}.{key}")
        if cache_key not in self._cache:
            import numpy as np

            column = self.table(table)[key]
            n = column.len()
            dense = n == 0 or (
                column.null_count() == 0 and column[0] == 0 and column[n - 1] == n - 1
            )
            block = 1 << 20  # compared by blocks: no array the size of the table
            for start in range(0, n, block) if dense else ():
                stop = min(start + block, n)
                values = column.slice(start, stop - start).to_numpy()
                if not np.array_equal(values, np.arange(start, stop)):
                    dense = False
                    break
            self._cache[cache_key] = dense
        return bool(self._cache[cache_key])

    def keys_within(self, table: str, key: str, entities: int) -> bool:
        """Whether every ``table[key]`` is a row number ``0..entities-1`` (cached)."""
        cache_key = ("within", f"{table}.{key}.{entities}")
        if cache_key not in self._cache:
            column = self.table(table)[key]
            low, high = column.min(), column.max()
            self._cache[cache_key] = column.null_count() == 0 and (
                column.len() == 0
                or (isinstance(low, int) and isinstance(high, int) and low >= 0 and high < entities)
            )
        return bool(self._cache[cache_key])

    def segments(self, table: str, key: str, entities: int) -> Segments | None:
        """Row ranges of ``table`` per entity ``0..entities-1``, if sorted by ``key``."""
        cache_key = ("segments", f"{table}.{key}.{entities}")
        if cache_key not in self._cache:
            self._cache[cache_key] = self._segments(table, key, entities)
        result = self._cache[cache_key]
        assert result is None or isinstance(result, Segments)
        return result

    def _segments(self, table: str, key: str, entities: int) -> Segments | None:
        import numpy as np

        column = self.table(table)[key]
        rows = column.len()
        if rows == 0:
            empty = np.arange(entities) if entities else None
            return Segments(entities, 0, 0, (), empty)
        if column.null_count():
            return None
        keys = column.to_numpy()
        if keys.dtype == np.uint64:
            keys = keys.astype(np.int64)
        if rows > 1 and not bool((keys[1:] >= keys[:-1]).all()):
            return None
        if keys[0] < 0 or keys[-1] >= entities:  # sorted: the first and last are the bounds
            return None
        length = np.bincount(keys, minlength=entities)
        longest = int(length.max()) if entities else 0
        missing = np.flatnonzero(length == 0)
        empty = missing if missing.size else None
        if longest > MAX_POSITIONAL:
            return Segments(entities, longest, rows, (), empty)
        start = np.cumsum(length)
        start -= length
        # the j-th row of each entity, else one past the last row (the neutral row)
        positions = []
        for j in range(longest):
            if j == 0 and empty is None:
                positions.append(start)
                continue
            positions.append(np.where(length > j, start + j, rows))
        return Segments(entities, longest, rows, tuple(positions), empty)


_HUNDREDTH = pl.Series([Decimal("0.01")], dtype=pl.Decimal(18, 2))
_YUAN_SLICE = 1 << 17


def yuan(fen: pl.Series) -> pl.Series:
    """Whole fen (integers) as exact ``Decimal(18, 2)`` yuan, by slices of rows.

    Each slice is widened to a decimal of scale 0 and multiplied by the exact decimal
    ``0.01`` (128-bit integers: no float, no division), then narrowed to 18 digits:
    several times cheaper than casting to ``Decimal(18, 2)`` and dividing by 100, and by
    slices the decimals in flight are a slice's (the result has a chunk per slice).
    No lazy query: a loaded machine makes each one wait for polars' threads.

    Example:
        >>> yuan(pl.Series("amount_fen", [1050, -5, 0])).to_list()
        [Decimal('10.50'), Decimal('-0.05'), Decimal('0.00')]
    """
    slices = [
        (fen.slice(at, _YUAN_SLICE).cast(pl.Decimal(18, 0)) * _HUNDREDTH).cast(pl.Decimal(18, 2))
        for at in range(0, max(fen.len(), 1), _YUAN_SLICE)
    ]
    return (pl.concat(slices, rechunk=False) if len(slices) > 1 else slices[0]).alias(fen.name)


_MONEY = {"benefit": pl.String, "months": pl.Int64, "amount_fen": pl.Int64}
_AMOUNT = {"amount": pl.Decimal(18, 2)}


@attrs.frozen
class EntitlementTables:
    """Batch results: one row per beneficiary and benefit over the period (unordered).

    ``persons``: person_id, household_id, benefit, months, amount_fen, amount;
    ``households``: household_id, benefit, months, amount_fen, amount;
    ``statuses``: entity, beneficiary_id, household_id, benefit, status, months.
    ``amount`` is an exact ``Decimal(18, 2)`` of yuan and ``amount_fen`` the same
    amount in fen (Int64); ``months`` counts the months with a non-zero amount.
    The column types are :data:`SCHEMAS` whether a table has rows or not.

    Example:
        >>> empty = EntitlementTables.empty()
        >>> dict(empty.households.schema) == EntitlementTables.SCHEMAS["households"]
        True
    """

    SCHEMAS: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "persons": {PERSON_KEY: pl.Int64, HOUSEHOLD_KEY: pl.Int64, **_MONEY, **_AMOUNT},
        "households": {HOUSEHOLD_KEY: pl.Int64, **_MONEY, **_AMOUNT},
        "statuses": {
            "entity": pl.String,
            "beneficiary_id": pl.Int64,
            HOUSEHOLD_KEY: pl.Int64,
            "benefit": pl.String,
            "status": pl.String,
            "months": pl.Int64,
        },
    }
    """Each table's columns and their types."""

    persons: pl.DataFrame
    households: pl.DataFrame
    statuses: pl.DataFrame

    @classmethod
    def empty(cls) -> EntitlementTables:
        """Tables without rows, with the column types of tables with rows."""
        return cls(**{name: pl.DataFrame(schema=dict(s)) for name, s in cls.SCHEMAS.items()})
