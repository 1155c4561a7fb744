"""``project``: population tables drawn forward to a horizon, and what it assumed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

import attrs
import pendulum

from fpcore.errors import InvalidInput
from fpcore.projection._assumptions import Assumption, Assumptions

if TYPE_CHECKING:
    import polars as pl

    from fpcore.rules import Population

__all__ = ["Projection", "SupportsTables", "project"]

EARLIEST_START = pendulum.Date(2002, 8, 31)
"""Births are judged under the 2001 law and later: a projection starts on or after the
day before it took effect (2002-09-01)."""

LATEST_YEAR = 2100


class SupportsTables(Protocol):
    """Anything that builds population tables as of a day (a synthetic county)."""

    @property
    def on(self) -> pendulum.Date:
        """The day the tables are drawn up to."""

    def tables(self) -> dict[str, pl.DataFrame]:
        """The population tables."""


@attrs.frozen(kw_only=True, eq=False)
class Projection:
    """Population tables projected from ``start`` through 31 December ``until``.

    ``tables`` have the schema of :mod:`fpcore.tables`, with every event up to ``start``
    unchanged and the projected births, deaths, hukou changes, honour certificates,
    birth permits and special-assistance confirmations after it. ``events`` counts the
    projected events by year. ``assumptions`` lists what the projection assumed, each
    with its value and source; carry them with every figure computed on it.
    """

    tables: Mapping[str, pl.DataFrame]
    start: pendulum.Date
    until: int
    seed: int
    assumptions: tuple[Assumption, ...]
    events: pl.DataFrame
    _population: list[Population] = attrs.field(init=False, factory=list, repr=False)

    @property
    def end(self) -> pendulum.Date:
        """The last day projected (31 December of ``until``)."""
        return pendulum.Date(self.until, 12, 31)

    @property
    def years(self) -> tuple[int, ...]:
        """The years the projection draws events in: the start's year through ``until``."""
        return tuple(range(self.start.year, self.until + 1))

    @property
    def population(self) -> Population:
        """The projected tables as one :class:`~fpcore.rules.Population` (``as_of`` the
        horizon), built once so that evaluations share its caches."""
        if not self._population:
            from fpcore.rules import Population

            self._population.append(Population(dict(self.tables), as_of=self.end))
        return self._population[0]

    def population_for(self, year: int) -> Population:
        """The population to evaluate ``year`` on: the projected tables (a year reads
        only the events up to its end).

        Raises:
            InvalidInput: the year is after the horizon.
        """
        if year > self.until:
            raise InvalidInput(
                f"{year} is after the projection's horizon ({self.until}): project further",
                path="year",
            )
        return self.population


def _resolve(
    source: Mapping[str, pl.DataFrame] | Population | SupportsTables,
    start: pendulum.Date | None,
) -> tuple[dict[str, pl.DataFrame], pendulum.Date]:
    from fpcore.rules import Population

    as_of: pendulum.Date | None
    if isinstance(source, Population):
        tables, as_of = dict(source.tables), source.as_of
    elif isinstance(source, Mapping):
        tables, as_of = dict(source), None
    else:
        tables, as_of = dict(source.tables()), source.on
    day = start or as_of
    if day is None:
        raise InvalidInput(
            "the tables do not say the day they are drawn up to: pass start= "
            "(a synthetic county's `on`)",
            path="start",
        )
    return tables, day


def project(
    tables: Mapping[str, pl.DataFrame] | Population | SupportsTables,
    until: int = 2035,
    *,
    seed: int = 0,
    start: pendulum.Date | None = None,
    assumptions: Assumptions | None = None,
) -> Projection:
    """Project population tables year by year from ``start`` through ``until``.

    Each year, in this order: parents and children die by sex and age (a life table);
    rural couples convert to urban hukou together (农转非); married couples living
    together have a child by the mother's age and the birth's order, at the rates the
    law in force on the birth day allows (:mod:`fpcore.policies.birth_policy`), the
    birth judged within policy or not as :func:`~fpcore.policies.birth_policy.assess_birth`
    does; a second birth under the 2001 law gets a birth permit before it when the
    couple qualifies; a first child born before 2016 gets an honour certificate in the
    share of ``assumptions``; a newborn may die in its first year. After the years,
    one-child families whose child died after the mother's 49th birthday get a
    special-assistance confirmation. Children turning 18 and parents reaching 49 and
    60 follow from their dates. No new couples are formed, no adoptions or
    disabilities are projected (see :meth:`Assumptions.listed`).

    Args:
        tables: population tables (:mod:`fpcore.tables`), a
            :class:`~fpcore.rules.Population`, or a synthetic county.
        until: the last year projected (through 31 December).
        seed: the random seed; the same tables, seed and assumptions give the same
            projection.
        start: the day the tables are drawn up to; nothing on or before it changes.
            Default: the population's ``as_of`` or the county's ``on``.
        assumptions: fertility, mortality and hukou rates (default :class:`Assumptions`).

    Raises:
        InvalidInput: the tables break an invariant (:func:`check_tables`), the start is
            unknown or before 2002-08-31, or ``until`` is before the start's year.

    Example:
        >>> from fpcore.synth import synthetic_county
        >>> county = synthetic_county(households=2_000, seed=3)
        >>> projection = project(county, until=2012, seed=1)
        >>> projection.years
        (2008, 2009, 2010, 2011, 2012)
        >>> projection.events.columns[:3]
        ['year', 'births', 'births_within_policy']
        >>> again = project(county, until=2012, seed=1)
        >>> all(again.tables[n].equals(t) for n, t in projection.tables.items())
        True
    """
    from fpcore.projection._check import check_tables
    from fpcore.projection._engine import run

    frames, day = _resolve(tables, start)
    if day < EARLIEST_START:
        raise InvalidInput(
            f"{day} is before 2002-08-31: projected births are judged under the 2001 law and later",
            path="start",
        )
    if (
        not isinstance(until, int)
        or isinstance(until, bool)
        or not day.year <= until <= LATEST_YEAR
    ):
        raise InvalidInput(
            f"{until!r}: expected a year from the start's ({day.year}) to {LATEST_YEAR}",
            path="until",
        )
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise InvalidInput(f"{seed!r}: expected a non-negative integer", path="seed")
    check_tables(frames)
    chosen = assumptions or Assumptions()
    projected, events = run(frames, day, until, seed, chosen)
    return Projection(
        tables=projected,
        start=day,
        until=until,
        seed=seed,
        assumptions=chosen.listed(),
        events=events,
    )
