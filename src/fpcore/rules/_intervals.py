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
in force or such a constant test changes), and in each other month only for the
households with a breakpoint in it; every entity keeps its amounts in between. A year
costs about a month plus its few changes.

Both conditions are checked, not assumed: a fact's expressions for the months of the
period are compared (serialised) with the first month's, and must differ only in the
month literal of such comparisons; a rule must use ``month_index`` only as one side of
a comparison. When either fails (or the tables are not keyed ``0..n-1``, or a rule is a
status rule), :func:`plan` returns None and the evaluator goes month by month.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
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
    if f.columnar is None:
        return None
    try:
        texts = [f.columnar(m).meta.serialize(format="json") for m in months]
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


def plan(
    pop: Population,
    rules: Sequence[Rule],
    months: Sequence[Month],
    person_household: np.ndarray | None,
) -> IntervalPlan | None:
    """How to evaluate ``rules`` (as the settings make them) by intervals over
    ``months``; None when it must go month by month (see the module's docstring)."""
    if len(months) < 2 or person_household is None or not rules:
        return None
    if any(r.kind != "money" for r in rules):
        return None
    if not pop.is_dense("persons", PERSON_KEY):
        return None
    probes: list[tuple[int, str, Expr]] = []
    constants: list[tuple[int, Expr]] = []
    for position, rule in enumerate(rules):
        found = month_tests(rule.expressions())
        if found is None:
            return None
        probes.extend((position, rule.entity, x) for x in found[0])
        constants.extend((position, c) for c in found[1])
    facts: dict[str, Fact[Any]] = {}
    for rule in rules:
        for expr in rule.expressions():
            for node in expr.walk():
                if isinstance(node, Fact):
                    facts.setdefault(node.key(), node)
    first, last = months[0].index, months[-1].index
    offsets: list[np.ndarray] = []
    households: list[np.ndarray] = []
    seen: set[tuple[str, str, str]] = set()
    read: dict[str, set[str]] = {"persons": {PERSON_KEY, HOUSEHOLD_KEY}, "households": set()}
    read["households"].add(HOUSEHOLD_KEY)
    for f in facts.values():
        columns = month_columns(f, months)
        if columns is None:
            return None
        table = f.over or ENTITY_TABLES[f.entity]
        if table not in pop.tables or _row_households(pop, table, person_household) is None:
            return None
        assert f.columnar is not None  # month_columns read it
        frame = pop.table(table)
        needed = read.setdefault(table, set())
        needed.update(c for c in (HOUSEHOLD_KEY, PERSON_KEY) if c in frame.columns)
        needed.update(f.columnar(months[0]).meta.root_names())
        key = ENTITY_KEYS[f.entity]
        for column in sorted(columns):
            if (table, column, key) in seen:
                continue
            seen.add((table, column, key))
            if not frame.schema[column].is_integer():
                return None
            # the rows whose value v or v + 1 is a month after the first
            rows = (
                frame.lazy()
                .filter(pl.col(column).is_between(first, last))
                .select(pl.col(column).cast(pl.Int64), pl.col(key).cast(pl.Int64))
                .collect()
            )
            at, ids = rows[column].to_numpy(), rows[key].to_numpy()
            homes = ids if f.entity == "household" else person_household[ids]
            for step in (0, 1):
                offset = at + (step - first)
                keep = (offset > 0) & (offset < len(months))
                offsets.append(offset[keep])
                households.append(homes[keep])
    static = _by_offset(offsets, households)
    return IntervalPlan(
        probes=probes,
        constants=constants,
        static=static,
        tables={
            name: tuple(sorted(c for c in columns if c in pop.table(name).columns))
            for name, columns in read.items()
        },
        person_household=person_household,
    )


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


def schedule(
    pending: dict[int, list[np.ndarray]],
    values: np.ndarray,
    households: np.ndarray,
    first: int,
    current: int,
    count: int,
) -> None:
    """Add the breakpoints ``X`` and ``X + 1`` of probe values (month indexes, one per
    household row in ``households``; nulls as the int64 minimum) after month offset
    ``current`` to ``pending`` (month offset -> households)."""
    for step in (0, 1):
        offset = values + (step - first)
        keep = (offset > current) & (offset < count)
        if not keep.any():
            continue
        offset, chosen = offset[keep], households[keep]
        for value in np.unique(offset):
            pending.setdefault(int(value), []).append(chosen[offset == value])


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


def _rows_of(rows: np.ndarray, chosen: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The rows of the households ``ids`` (sorted), by ranges when the table is sorted
    by household (``rows``: each row's household), else by mask (``chosen``)."""
    if rows.size > 1 and not bool((rows[1:] >= rows[:-1]).all()):
        return np.flatnonzero(chosen[rows])
    starts = np.searchsorted(rows, ids, side="left")
    lengths = np.searchsorted(rows, ids, side="right") - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    # ranges [start, start + length) concatenated
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return shift + np.arange(total)


def subset(
    pop: Population, chosen: np.ndarray, interval: IntervalPlan
) -> tuple[Population, np.ndarray, np.ndarray]:
    """The tables restricted to the households ``chosen`` (a boolean mask) and to the
    columns the facts read, keyed again ``0..k-1`` in the same order; and the original
    household and person rows."""
    person_household = interval.person_household
    households = np.flatnonzero(chosen)
    new_household = np.cumsum(chosen, dtype=np.int64) - 1
    person_rows = _row_households(pop, "persons", person_household)
    assert person_rows is not None
    persons = _rows_of(person_rows, chosen, households)
    new_person = np.full(person_household.size, -1, dtype=np.int64)
    new_person[persons] = np.arange(persons.size)
    tables: dict[str, pl.DataFrame] = {}
    for name, columns in interval.tables.items():
        rows = _row_households(pop, name, person_household)
        assert rows is not None  # checked by plan
        table = pop.table(name).select(columns)
        at = households if name == "households" else _rows_of(rows, chosen, households)
        part = table[at]
        keys = []
        if HOUSEHOLD_KEY in part.columns:
            keys.append(
                pl.Series(HOUSEHOLD_KEY, new_household[part[HOUSEHOLD_KEY].to_numpy()]).cast(
                    part.schema[HOUSEHOLD_KEY]
                )
            )
        if PERSON_KEY in part.columns:
            keys.append(
                pl.Series(PERSON_KEY, new_person[part[PERSON_KEY].to_numpy()]).cast(
                    part.schema[PERSON_KEY]
                )
            )
        tables[name] = part.with_columns(keys)
    return Population(tables, as_of=pop.as_of), households, persons
