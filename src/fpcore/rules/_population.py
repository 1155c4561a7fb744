"""Population tables for the batch evaluator (imports polars)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from fpcore.errors import InvalidInput, Problem

__all__ = ["HOUSEHOLD_KEY", "PERSON_KEY", "EntitlementTables", "Population"]

PERSON_KEY = "person_id"
HOUSEHOLD_KEY = "household_id"
ENTITY_TABLES = {"person": "persons", "household": "households"}
ENTITY_KEYS = {"person": PERSON_KEY, "household": HOUSEHOLD_KEY}
_INTEGER = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


MAX_POSITIONAL = 8
"""Entities with more rows than this in a table are aggregated by group-by instead."""


@attrs.frozen(kw_only=False)
class Segments:
    """Where each entity's rows lie in a table sorted by the entity key.

    ``length`` is each entity's number of rows; ``positions[j]`` is, for every
    entity, the row of its j-th row in the table, or of its last row when it has
    fewer (UInt32); empty when ``longest`` is above :data:`MAX_POSITIONAL`.
    """

    length: pl.Series
    longest: int
    positions: tuple[pl.Series, ...] = ()


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
            column = self.table(table)[key]
            n = column.len()
            dense = n == 0 or (
                column[0] == 0
                and column[n - 1] == n - 1
                and bool((column.diff().drop_nulls() == 1).all())
            )
            self._cache[cache_key] = dense
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
        column = self.table(table)[key]
        if column.len() == 0:
            zeros = pl.repeat(0, entities, dtype=pl.Int64, eager=True)
            return Segments(zeros, 0)
        if not column.is_sorted():
            return None
        if column[0] < 0 or column[column.len() - 1] >= entities:
            return None
        runs = column.rle().struct.unnest()
        lengths = runs["len"].cast(pl.Int64)
        if runs.height != entities:
            lengths = pl.repeat(0, entities, dtype=pl.Int64, eager=True).scatter(
                runs["value"], lengths
            )
        top = lengths.max()
        longest = top if isinstance(top, int) else 0
        count = longest if longest <= MAX_POSITIONAL else 0
        frame = lengths.to_frame("length").with_columns(
            start=pl.col("length").cum_sum() - pl.col("length")
        )
        length, start = pl.col("length"), pl.col("start")
        # the j-th row, else the entity's last row, else (no rows) any valid row
        frame = frame.with_columns(
            pl.when(length > j)
            .then(start + j)
            .when(start + length > 0)
            .then(start + length - 1)
            .otherwise(0)
            .cast(pl.UInt32)
            .alias(f"at{j}")
            for j in range(count)
        )
        positions = tuple(frame[f"at{j}"] for j in range(count))
        return Segments(frame["length"], longest, positions)


@attrs.frozen
class EntitlementTables:
    """Batch results: one row per beneficiary and benefit over the period (unordered).

    ``persons``: person_id, household_id, benefit, months, amount_fen, amount;
    ``households``: household_id, benefit, months, amount_fen, amount;
    ``statuses``: entity, beneficiary_id, household_id, benefit, status, months.
    ``amount`` is an exact ``Decimal(18, 2)`` of yuan and ``amount_fen`` the same
    amount in fen (Int64); ``months`` counts the months with a non-zero amount.
    """

    persons: pl.DataFrame
    households: pl.DataFrame
    statuses: pl.DataFrame
