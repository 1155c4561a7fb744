"""Time as intervals for the batch evaluator: the months in which an entity's amounts
may change, derived from the rules and the facts' columnar implementations.

Everything the rules read is piecewise constant over months. A fact's columnar
expression depends on the month only through comparisons of a column with the month's
index (``join_index <= m``, ``death_index > m``...): its value for an entity can change
only in the months ``v`` and ``v + 1`` for the values ``v`` of those columns in the
entity's rows. A rule depends on the month directly only through comparisons
``month_index op X``: its value can change in the months ``X`` and ``X + 1`` (``X``
computed for each entity). Parameters, the rules in force and comparisons of the month
with constants change for everyone at once.

So a period is evaluated in full in its first month (and wherever a parameter, a rule
in force or such a constant test changes: a new *segment*); the households with a
breakpoint in a later month of the segment are copied, each copy as of that month (the
month's index a column of the copies, :data:`MONTH_COLUMN`, read by the facts in place
of the month literal), and all copies are evaluated in one query; breakpoints those
copies reveal (``X`` of a changed entity) are evaluated in a further round. Every
entity keeps its amounts in between. A year costs about a month plus its changes.

Both conditions are checked, not assumed: a fact's expressions for the months of the
period are compared (serialised) with the first month's, and must differ only in the
month literal of such comparisons; a rule must use ``month_index`` only as one side of
a comparison. When either fails (or the tables are not keyed ``0..n-1`` and sorted by
household, or a rule is a status rule), the evaluator goes month by month.

The same module cuts a population into ranges of households (:func:`household_ranges`)
evaluated apart, so that memory is bounded by a range, not by the population.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import polars as pl

from fpcore.periods import Month
from fpcore.rules._columnar import _Env
from fpcore.rules._expr import Compare, Const, Expr, MonthIndex, ParamRef, SettingRef
from fpcore.rules._facts import Fact
from fpcore.rules._population import (
    ENTITY_KEYS,
    ENTITY_TABLES,
    HOUSEHOLD_KEY,
    PERSON_KEY,
    Population,
)
from fpcore.rules._rule import Rule

_COMPARISONS = frozenset({"Eq", "NotEq", "Lt", "LtEq", "Gt", "GtEq", "EqValidity", "NotEqValidity"})


def _ints(node: object) -> list[int]:
    """Every integer in a serialised literal."""
    if isinstance(node, bool):
        return []
    if isinstance(node, int):
        return [node]
    if isinstance(node, dict):
        return [i for v in node.values() for i in _ints(v)]
    if isinstance(node, list):
        return [i for v in node for i in _ints(v)]
    return []


def _is_month_literal(node: object, index: int) -> bool:
    return isinstance(node, dict) and set(node) == {"Literal"} and _ints(node) == [index]


def _compared_columns(
    first: object, other: object, a: int, b: int, found: set[str], positions: list[int]
) -> bool:
    """Whether two serialised expressions (of months ``a`` and ``b``) differ only in the
    month literal of comparisons with a column; adds those columns to ``found``, and
    sets ``positions[0]`` to the number of such literals."""
    positions[0] = 0
    return _compared(first, other, a, b, found, positions)


def _compared(
    first: object, other: object, a: int, b: int, found: set[str], positions: list[int]
) -> bool:
    if first == other:
        return True
    if isinstance(first, dict) and isinstance(other, dict):
        if first.keys() != other.keys():
            return False
        binary, binary_other = first.get("BinaryExpr"), other.get("BinaryExpr")
        if (
            len(first) == 1
            and isinstance(binary, dict)
            and isinstance(binary_other, dict)
            and binary.get("op") in _COMPARISONS
            and binary.get("op") == binary_other.get("op")
        ):
            for side, literal in (("left", "right"), ("right", "left")):
                column = binary.get(side)
                if (
                    isinstance(column, dict)
                    and set(column) == {"Column"}
                    and column == binary_other.get(side)
                    and _is_month_literal(binary.get(literal), a)
                    and _is_month_literal(binary_other.get(literal), b)
                ):
                    found.add(str(column["Column"]))
                    positions[0] += 1
                    return True
        return all(_compared(first[k], other[k], a, b, found, positions) for k in first)
    if isinstance(first, list) and isinstance(other, list) and len(first) == len(other):
        return all(
            _compared(x, y, a, b, found, positions) for x, y in zip(first, other, strict=True)
        )
    return False


def month_columns(f: Fact[Any], months: Sequence[Month]) -> frozenset[str] | None:
    """The columns a fact compares with the month, if that is how (alone) it depends on
    the month over ``months``; None if it depends on it otherwise (or cannot be read).

    Example:
        >>> from fpcore.periods import Month
        >>> from fpcore.rules import fact
        >>> @fact("person", "bool", columnar=lambda m: pl.col("death_index") >= m.index)
        ... def alive(person: object, month: Month) -> bool:
        ...     return True
        >>> sorted(month_columns(alive, [Month(2014, 1), Month(2014, 2)]) or ())
        ['death_index']
    """
    if f.row is not None:  # read from the definition
        return f.row.month_columns()
    if f.columnar is None:
        return None
    return _month_columns(f.columnar, tuple(m.index for m in months))


@functools.lru_cache(maxsize=4096)
def _month_columns(
    columnar: Callable[[Month], pl.Expr], indexes: tuple[int, ...]
) -> frozenset[str] | None:
    """:func:`month_columns` of a columnar implementation over months (cached: a year
    of a fact is read once per process, not once per evaluation)."""
    months = [Month.from_index(i) for i in indexes]
    try:
        texts = [columnar(m).meta.serialize(format="json") for m in months]
    except Exception:  # an expression polars cannot serialise: month by month
        return None
    first = json.loads(texts[0])
    a = months[0].index
    found: set[str] = set()
    positions = [0]
    for month, text in zip(months[1:], texts[1:], strict=True):
        if positions[0] and text == texts[0].replace(f'"Int":{a}}}', f'"Int":{month.index}}}'):
            # the same tree, every literal of the first month's index replaced: each
            # is the month in a comparison (counted below), so nothing else differs
            continue
        if not _compared_columns(first, json.loads(text), a, month.index, found, positions):
            return None
        if positions[0] != texts[0].count(f'"Int":{a}}}'):
            positions[0] = 0  # some literal equal to the index is not the month: walk
    return frozenset(found)


def _month_constant(node: Expr) -> bool:
    return all(isinstance(n, Const | ParamRef | SettingRef) for n in node.walk())


def month_tests(exprs: Iterable[Expr]) -> tuple[list[Expr], list[Expr]] | None:
    """How rules depend on the month directly: the ``X`` of every ``month_index op X``
    (entity values, breakpoints in ``X`` and ``X + 1``), and the comparisons of the month
    with constants (the same for everyone); None if ``month_index`` is used otherwise."""
    probes: dict[str, Expr] = {}
    constants: dict[str, Expr] = {}

    def visit(node: Expr) -> bool:
        if isinstance(node, MonthIndex):
            return False  # the month used other than as one side of a comparison
        if isinstance(node, Compare) and (
            isinstance(node.left, MonthIndex) or isinstance(node.right, MonthIndex)
        ):
            other = node.right if isinstance(node.left, MonthIndex) else node.left
            if any(isinstance(n, MonthIndex) for n in other.walk()):
                return False
            if _month_constant(other):
                constants.setdefault(node.key(), node)
            else:
                probes.setdefault(other.key(), other)
            return True
        return all(visit(child) for child in node.children())

    for expr in exprs:
        if not visit(expr):
            return None
    return list(probes.values()), list(constants.values())


@attrs.frozen(eq=False)
class IntervalPlan:
    """What an evaluation by intervals needs: the probes (``X`` of ``month_index op X``)
    per entity, the constant month tests, and the households to evaluate again in each
    month offset of the period for breakpoints of the tables (``static``)."""

    probes: list[tuple[int, str, Expr]]  # (the rule's position, its entity, X)
    constants: list[tuple[int, Expr]]  # (the rule's position, the test)
    static: Mapping[int, np.ndarray]
    tables: Mapping[str, tuple[str, ...]]  # the tables and columns the facts read
    person_household: np.ndarray


def _row_households(pop: Population, name: str, person_household: np.ndarray) -> np.ndarray | None:
    """Each row's household (int32, cached), or None if the table cannot say."""
    cache = pop._cache  # the population's own cache of derived arrays
    cache_key = ("row_households", name)
    if cache_key in cache:
        found = cache[cache_key]
        assert found is None or isinstance(found, np.ndarray)
        return found
    table = pop.table(name)
    n_h, n_p = pop.households.height, pop.persons.height
    result: np.ndarray | None = None
    if name == "households":
        result = np.arange(n_h, dtype=np.int32)
    elif name == "persons":
        result = person_household.astype(np.int32)
    elif HOUSEHOLD_KEY in table.columns and pop.keys_within(name, HOUSEHOLD_KEY, n_h):
        result = table[HOUSEHOLD_KEY].to_numpy().astype(np.int32)
        if PERSON_KEY in table.columns:  # both keys: they must agree
            if not pop.keys_within(name, PERSON_KEY, n_p):
                result = None
            else:
                persons = table[PERSON_KEY].to_numpy()
                if not np.array_equal(person_household[persons], result):
                    result = None
    elif PERSON_KEY in table.columns and pop.keys_within(name, PERSON_KEY, n_p):
        result = person_household[table[PERSON_KEY].to_numpy()].astype(np.int32)
    cache[cache_key] = result
    return result


@attrs.frozen(eq=False)
class Analysis:
    """What the rules say about the month, for any population: the probes, the
    constant month tests, and each fact with the columns it compares with the month."""

    probes: list[tuple[int, str, Expr]]  # (the rule's position, its entity, X)
    constants: list[tuple[int, Expr]]  # (the rule's position, the test)
    facts: list[tuple[Fact[Any], frozenset[str]]]
    stacked: dict[str, pl.Expr]  # each fact with the month as column MONTH_COLUMN


def analyse(rules: Sequence[Rule], months: Sequence[Month]) -> Analysis | None:
    """How ``rules`` (as the settings make them) depend on the month over ``months``;
    None when the period must go month by month (see the module's docstring)."""
    if len(months) < 2 or not rules or any(r.kind != "money" for r in rules):
        return None
    probes: list[tuple[int, str, Expr]] = []
    constants: list[tuple[int, Expr]] = []
    facts: dict[str, Fact[Any]] = {}
    for position, rule in enumerate(rules):
        found = month_tests(rule.expressions())
        if found is None:
            return None
        probes.extend((position, rule.entity, x) for x in found[0])
        constants.extend((position, c) for c in found[1])
        for expr in rule.expressions():
            for node in expr.walk():
                if isinstance(node, Fact):
                    facts.setdefault(node.key(), node)
    compared = []
    stacked: dict[str, pl.Expr] = {}
    for f in facts.values():
        columns = month_columns(f, months)
        if columns is None:
            return None
        compared.append((f, columns))
        rebuilt = month_as_column(f, months[0], months[1])
        if rebuilt is None:
            return None
        stacked[f.key()] = rebuilt
    return Analysis(probes, constants, compared, stacked)


MONTH_COLUMN = "__month"
"""The column of the month's index in tables that hold several months (stacked)."""


def month_as_column(f: Fact[Any], a: Month, b: Month) -> pl.Expr | None:
    """The fact's expression with the month read from the column :data:`MONTH_COLUMN`
    (found as the literal that differs between months ``a`` and ``b``)."""
    if f.row is not None:
        return f.row.polars(pl.col(MONTH_COLUMN))
    assert f.columnar is not None
    text = _month_as_column(f.columnar, a.index, b.index)
    return None if text is None else pl.Expr.deserialize(io.StringIO(text), format="json")


@functools.lru_cache(maxsize=4096)
def _month_as_column(columnar: Callable[[Month], pl.Expr], a: int, b: int) -> str | None:
    try:
        first = json.loads(columnar(Month.from_index(a)).meta.serialize(format="json"))
        other = json.loads(columnar(Month.from_index(b)).meta.serialize(format="json"))
        return json.dumps(_month_column(first, other, a, b))
    except Exception:  # cannot be rebuilt: month by month
        return None


def _month_column(first: Any, other: Any, a: int, b: int) -> Any:
    if first == other:
        return first
    if isinstance(first, dict):
        binary, binary_other = first.get("BinaryExpr"), other.get("BinaryExpr")
        if isinstance(binary, dict) and isinstance(binary_other, dict):
            for literal in ("left", "right"):
                if _is_month_literal(binary.get(literal), a) and _is_month_literal(
                    binary_other.get(literal), b
                ):
                    return {"BinaryExpr": {**binary, literal: {"Column": MONTH_COLUMN}}}
        return {k: _month_column(v, other[k], a, b) for k, v in first.items()}
    if isinstance(first, list):
        return [_month_column(x, y, a, b) for x, y in zip(first, other, strict=True)]
    raise ValueError("not a month literal")  # pragma: no cover - checked by month_columns


def plan(
    pop: Population,
    analysis: Analysis,
    months: Sequence[Month],
    person_household: np.ndarray | None,
) -> IntervalPlan | None:
    """The breakpoints of ``pop``'s tables for an analysis of the rules; None when the
    tables cannot be evaluated by intervals (keys not ``0..n-1``)."""
    if person_household is None or not pop.is_dense("persons", PERSON_KEY):
        return None
    first, last = months[0].index, months[-1].index
    wanted: dict[str, dict[str, set[str]]] = {}  # table -> entity key -> columns
    read: dict[str, set[str]] = {"persons": {PERSON_KEY, HOUSEHOLD_KEY}, "households": set()}
    read["households"].add(HOUSEHOLD_KEY)
    for f, columns in analysis.facts:
        table = f.over or ENTITY_TABLES[f.entity]
        if table not in pop.tables or _row_households(pop, table, person_household) is None:
            return None
        assert f.columnar is not None  # month_columns read it
        frame = pop.table(table)
        needed = read.setdefault(table, set())
        needed.update(c for c in (HOUSEHOLD_KEY, PERSON_KEY) if c in frame.columns)
        needed.update(f.columnar(months[0]).meta.root_names())
        for column in columns:
            if column not in frame.columns or not frame.schema[column].is_integer():
                return None
        wanted.setdefault(table, {}).setdefault(ENTITY_KEYS[f.entity], set()).update(columns)
    # per table, one query: the rows with a value v or v + 1 in a month after the first
    names = [t for t in wanted if any(wanted[t].values())]
    queries = []
    for table in names:
        compared = sorted(set().union(*wanted[table].values()))
        in_period = [pl.col(c).is_between(first, last) for c in compared]
        queries.append(
            pop.table(table)
            .lazy()
            .filter(pl.any_horizontal(in_period))
            .select(
                *(pl.col(k).cast(pl.Int64) for k in sorted(wanted[table])),
                *(pl.col(c).cast(pl.Int64) for c in compared),
            )
        )
    offsets: list[np.ndarray] = []
    households: list[np.ndarray] = []
    for table, rows in zip(names, pl.collect_all(queries), strict=True):
        for key, by_key in wanted[table].items():
            ids = rows[key].to_numpy()
            homes = ids if key == HOUSEHOLD_KEY else person_household[ids]
            for column in sorted(by_key):
                values = rows[column]
                valid = values.is_not_null().to_numpy()
                at = values.fill_null(0).to_numpy()
                for step in (0, 1):
                    offset = at + (step - first)
                    keep = valid & (offset > 0) & (offset < len(months))
                    offsets.append(offset[keep])
                    households.append(homes[keep])
    static = _by_offset(offsets, households)
    return IntervalPlan(
        probes=analysis.probes,
        constants=analysis.constants,
        static=static,
        tables={
            name: tuple(sorted(c for c in columns if c in pop.table(name).columns))
            for name, columns in read.items()
        },
        person_household=person_household,
    )


def stacked(
    pop: Population,
    households: np.ndarray,
    months: np.ndarray,
    interval: IntervalPlan,
) -> tuple[Population, np.ndarray, np.ndarray]:
    """Copies of the households ``households[k]`` (ascending) as of month index
    ``months[k]``: household ``k`` of the result, every table with the month's column
    :data:`MONTH_COLUMN`, the columns the facts read only. Returns the population, and
    each of its persons' original row and copy ``k``. The tables must be sorted by
    household (:func:`stackable`)."""
    person_household = interval.person_household
    copies = np.arange(households.size)
    first_person = np.searchsorted(person_household, households, side="left")
    persons_of = np.searchsorted(person_household, households, side="right") - first_person
    person_start = np.cumsum(persons_of) - persons_of
    tables: dict[str, pl.DataFrame] = {}
    person_rows = person_copy = np.zeros(0, dtype=np.int64)
    for name, columns in interval.tables.items():
        rows = _row_households(pop, name, person_household)
        assert rows is not None
        starts = np.searchsorted(rows, households, side="left")
        lengths = np.searchsorted(rows, households, side="right") - starts
        total = int(lengths.sum())
        at = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        copy = np.repeat(copies, lengths)
        part = pop.table(name).select(columns)[at]
        keys = [pl.Series(MONTH_COLUMN, months[copy].astype(np.int32))]
        if HOUSEHOLD_KEY in part.columns:
            keys.append(pl.Series(HOUSEHOLD_KEY, copy).cast(part.schema[HOUSEHOLD_KEY]))
        if PERSON_KEY in part.columns:
            old = part[PERSON_KEY].to_numpy().astype(np.int64)
            new = person_start[copy] + (old - first_person[copy])
            keys.append(pl.Series(PERSON_KEY, new).cast(part.schema[PERSON_KEY]))
        if name == "persons":
            person_rows, person_copy = at, copy
        tables[name] = part.with_columns(keys)
    return Population(tables, as_of=pop.as_of), person_rows, person_copy


def stackable(pop: Population, interval: IntervalPlan) -> bool:
    """Whether every table the facts read is sorted by household (households can be
    copied by slices of rows)."""
    for name in interval.tables:
        rows = _row_households(pop, name, interval.person_household)
        if rows is None or not _sorted(pop, name, rows):
            return False
    return True


def _sorted(pop: Population, name: str, rows: np.ndarray) -> bool:
    cache_key = ("sorted_households", name)
    if cache_key not in pop._cache:
        pop._cache[cache_key] = rows.size < 2 or bool((rows[1:] >= rows[:-1]).all())
    return bool(pop._cache[cache_key])


def breakpoints(
    values: np.ndarray, households: np.ndarray, after: np.ndarray, first: int, end: int
) -> tuple[np.ndarray, np.ndarray]:
    """(month offset, household) of the breakpoints ``X`` and ``X + 1`` of probe values
    (month indexes; the int64 minimum when missing) later than the offsets ``after``
    and before offset ``end`` (the months from the first, ``first`` being the index of
    offset 0)."""
    offsets, chosen = [], []
    for step in (0, 1):
        offset = values + (step - first)
        keep = (offset > after) & (offset < end)
        offsets.append(offset[keep])
        chosen.append(households[keep])
    return np.concatenate(offsets), np.concatenate(chosen)


Range = tuple[int, int, dict[str, tuple[int, int]]]
"""Households ``lo..hi-1``, and each table's rows of them (``start``, ``stop``)."""


def household_ranges(pop: Population, size: int) -> list[Range] | None:
    """Ranges of ``size`` households to evaluate apart (memory bounded by a range, not
    by the population), when the keys are ``0..n-1`` and every table is sorted by
    household (each range's rows are then a slice of each table); None otherwise.

    Nothing the size of the population is kept: the checks and bounds are polars
    searches over the key columns.
    """
    n_h = pop.households.height
    if n_h <= size:
        return None
    if not (pop.is_dense("households", HOUSEHOLD_KEY) and pop.is_dense("persons", PERSON_KEY)):
        return None
    if not _sorted_by(pop, "persons", HOUSEHOLD_KEY):
        return None
    bounds = [*range(0, n_h, size), n_h]
    wanted = pl.Series(bounds, dtype=pl.Int64)
    person_bounds = _search(pop.persons[HOUSEHOLD_KEY], wanted)
    rows: dict[str, list[int]] = {"households": bounds, "persons": person_bounds}
    for name, table in pop.tables.items():
        if name in rows:
            continue
        if HOUSEHOLD_KEY in table.columns and _sorted_by(pop, name, HOUSEHOLD_KEY):
            if PERSON_KEY in table.columns and not _agree(pop, name):
                return None
            rows[name] = _search(table[HOUSEHOLD_KEY], wanted)
        elif HOUSEHOLD_KEY not in table.columns and _sorted_by(pop, name, PERSON_KEY):
            rows[name] = _search(table[PERSON_KEY], pl.Series(person_bounds, dtype=pl.Int64))
        else:
            return None
    return [
        (bounds[i], bounds[i + 1], {name: (b[i], b[i + 1]) for name, b in rows.items()})
        for i in range(len(bounds) - 1)
    ]


def _search(column: pl.Series, bounds: pl.Series) -> list[int]:
    found = column.cast(pl.Int64).search_sorted(bounds, side="left")
    return [int(x) for x in found.to_list()]


def _sorted_by(pop: Population, name: str, key: str) -> bool:
    """Whether ``name`` has a ``key`` column without nulls, in ascending order (cached)."""
    cache_key = ("sorted_by", f"{name}.{key}")
    if cache_key not in pop._cache:
        table = pop.table(name)
        pop._cache[cache_key] = (
            key in table.columns
            and table[key].dtype.is_integer()
            and table[key].null_count() == 0
            and table[key].is_sorted()
        )
    return bool(pop._cache[cache_key])


def _agree(pop: Population, name: str) -> bool:
    """Whether each row's person belongs to the row's household (cached)."""
    cache_key = ("keys_agree", name)
    if cache_key not in pop._cache:
        table = pop.table(name)
        n_p = pop.persons.height
        agree = pop.keys_within(name, PERSON_KEY, n_p)
        households = pop.persons[HOUSEHOLD_KEY]
        block = 1 << 20  # by blocks of rows: no array the size of the table
        for start in range(0, table.height, block) if agree else ():
            rows = table.slice(start, block)
            if not (households.gather(rows[PERSON_KEY]) == rows[HOUSEHOLD_KEY]).all():
                agree = False
                break
        pop._cache[cache_key] = agree
    return bool(pop._cache[cache_key])


def household_range(pop: Population, part: Range) -> tuple[Population, int]:
    """The tables of a range of households (slices, keys shifted to start at 0), and
    the row of its first person (see :func:`household_ranges`)."""
    lo, _, rows = part
    first_person = rows["persons"][0]
    shift = {HOUSEHOLD_KEY: lo, PERSON_KEY: first_person}
    tables: dict[str, pl.DataFrame] = {}
    for name, table in pop.tables.items():
        start, stop = rows[name]
        piece = table.slice(start, stop - start)
        tables[name] = piece.with_columns(
            (pl.col(key) - shift[key]).cast(piece.schema[key])
            for key in (HOUSEHOLD_KEY, PERSON_KEY)
            if key in piece.columns
        )
    return Population(tables, as_of=pop.as_of), first_person


def _by_offset(offsets: list[np.ndarray], households: list[np.ndarray]) -> dict[int, np.ndarray]:
    if not offsets:
        return {}
    offset = np.concatenate(offsets)
    household = np.concatenate(households)
    if not offset.size:
        return {}
    order = np.argsort(offset, kind="stable")
    offset, household = offset[order], household[order]
    cuts = np.flatnonzero(np.diff(offset)) + 1
    starts = np.concatenate(([0], cuts))
    return {
        int(offset[s]): household[s:e]
        for s, e in zip(starts, np.concatenate((cuts, [offset.size])), strict=True)
    }


def signature(
    month: Month,
    rules: Sequence[Rule],
    parameters: Mapping[str, Any],
    names: Sequence[Sequence[str]],
    settings: Mapping[str, str],
    constants: Sequence[tuple[int, Expr]],
) -> tuple[object, ...]:
    """What changes for everyone at once: the rules in force (``names``: each one's
    parameters), their parameters' values, their constant month tests. Months with the
    same signature differ only by entity."""
    from fpcore.rules._columnar import _constant

    live = [r.in_force(month) for r in rules]
    params = {
        n: parameters[n].at(month.start)
        for position, rule_names in enumerate(names)
        if live[position]
        for n in rule_names
    }
    env = _Env(month, params, settings)
    return (
        tuple(live),
        tuple(sorted(params.items())),
        tuple(_constant(c, env) for position, c in constants if live[position]),
    )
