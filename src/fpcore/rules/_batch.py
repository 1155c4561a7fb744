"""The batch evaluator: the same rules compiled to polars over population tables.

This module is the only one of :mod:`fpcore.rules` that imports polars (the optional
``batch`` extra); it is imported on the first call of ``Policy.evaluate_table``.
"""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import reduce
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import polars as pl

from fpcore.errors import ConflictingOutcomes, EmptyOutcome, InvalidInput
from fpcore.money import Money
from fpcore.periods import Month, Period
from fpcore.rules import _intervals, _kernel
from fpcore.rules._columnar import _DTYPES, _VARIES, _Env, _hoistable, _lit, to_polars
from fpcore.rules._expr import (
    Compare,
    Const,
    Expr,
    Not,
    SettingRef,
    Where,
    rebuilt,
)
from fpcore.rules._facts import Fact
from fpcore.rules._population import (
    ENTITY_KEYS,
    ENTITY_TABLES,
    HOUSEHOLD_KEY,
    PERSON_KEY,
    EntitlementTables,
    Population,
    Segments,
    yuan,
)
from fpcore.rules._rule import Rule

if TYPE_CHECKING:
    from fpcore.rules._policy import Policy

_CHUNK_ROWS = 1 << 17  # rows of an entity table evaluated at once (bounds memory)

_INT64_MAX = int(np.iinfo(np.int64).max)
_INT64_MIN = int(np.iinfo(np.int64).min)
_NARROW = (pl.Int8, pl.Int16, pl.Int32, pl.UInt8, pl.UInt16, pl.UInt32)
_EPOCH = datetime.date(1970, 1, 1)


def _facts_of(rules: Sequence[Rule]) -> dict[str, Fact[Any]]:
    found: dict[str, Fact[Any]] = {}
    for rule in rules:
        for expr in rule.expressions():
            for node in expr.walk():
                if isinstance(node, Fact):
                    found.setdefault(node.key(), node)
    return found


def _under_settings(rule: Rule, settings: Mapping[str, str]) -> Rule:
    """The rule as the policy's settings make it: only the conditions that belong to it,
    and of every ``where`` on settings only the branch taken, so that no column is
    computed (nor hoisted) for a reading the policy does not use."""
    return attrs.evolve(
        rule,
        conditions=[
            attrs.evolve(c, test=_pruned(c.test, settings)) for c in rule.conditions_under(settings)
        ],
        outcome=None if rule.outcome is None else _pruned(rule.outcome, settings),
        exceptions=[
            attrs.evolve(e, when=_pruned(e.when, settings), outcome=_pruned(e.outcome, settings))
            for e in rule.exceptions
        ],
    )


def _pruned(node: Expr, settings: Mapping[str, str]) -> Expr:
    if isinstance(node, Where):
        chosen = _setting_constant(node.cond, settings)
        if chosen is not _VARIES:
            return _pruned(node.then if chosen is True else node.otherwise, settings)
    children = node.children()
    if not children:
        return node
    pruned = tuple(_pruned(child, settings) for child in children)
    if all(a is b for a, b in zip(pruned, children, strict=True)):
        return node
    return rebuilt(node, pruned)


def _setting_constant(node: Expr, settings: Mapping[str, str]) -> object:
    """The value of a test on settings and constants alone, or ``_VARIES``."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, SettingRef):
        return settings.get(node.name, _VARIES)
    if isinstance(node, Not):
        inner = _setting_constant(node.item, settings)
        return inner if inner is _VARIES or inner is None else not inner
    if isinstance(node, Compare) and node.op in ("==", "!="):
        left = _setting_constant(node.left, settings)
        right = _setting_constant(node.right, settings)
        if left is _VARIES or right is _VARIES:
            return _VARIES
        return (left == right) if node.op == "==" else (left != right)
    return _VARIES


_STACKED: contextvars.ContextVar[Mapping[str, pl.Expr] | None] = contextvars.ContextVar(
    "fpcore_stacked_facts", default=None
)
"""While tables of several months are evaluated: each fact's expression reading the
month from its column (:func:`fpcore.rules._intervals.month_as_column`)."""


def _columnar(f: Fact[Any], month: Month) -> pl.Expr:
    stacked = _STACKED.get()
    if stacked is not None:
        return stacked[f.key()]
    if f.columnar is None:
        raise InvalidInput(f"fact {f.key()} has no columnar implementation for batch evaluation")
    if f.kind == "ratio":
        raise InvalidInput(
            f"fact {f.key()} is a ratio: the batch evaluator takes ratios only from "
            "parameters and constants"
        )
    return f.columnar(month)


def _fill(f: Fact[Any]) -> pl.Expr:
    value = f.fill.fen if isinstance(f.fill, Money) else f.fill
    return _lit(value, f.kind)


class _Memo:
    """Values that do not depend on the month, shared by the months of one evaluation.

    A fact's columnar expression is built for each month; when two months build the
    same expression (compared by its serialisation), its values over the same table
    are the same, so they are computed once. Only values the next month will read
    again are kept (its expression is built too, and compared), and a value no month
    read in the month just evaluated is dropped (:meth:`end_month`): month-dependent
    columns never accumulate, so memory does not grow with the number of months.
    """

    def __init__(self, months: Sequence[Month]) -> None:
        self.enabled = len(months) > 1
        self.following = dict(pairwise(months))
        self.values: dict[tuple[str, ...], pl.Series] = {}
        self.used: set[tuple[str, ...]] = set()

    def signature(self, *parts: str, expr: pl.Expr) -> tuple[str, ...] | None:
        if not self.enabled:
            return None
        try:
            return (*parts, expr.meta.serialize(format="json"))
        except Exception:  # an expression polars cannot serialise: computed every month
            return None

    def get(self, sig: tuple[str, ...] | None) -> pl.Series | None:
        """The value stored under ``sig`` (marked as read this month), or None."""
        if sig is None:
            return None
        found = self.values.get(sig)
        if found is not None:
            self.used.add(sig)
        return found

    def keep(
        self, sig: tuple[str, ...] | None, f: Fact[Any], month: Month, value: pl.Series
    ) -> None:
        """Store ``value`` if the next month of the period builds the same expression."""
        if sig is None:
            return
        following = self.following.get(month)
        if following is None:
            return
        again = self.signature(*sig[:-1], expr=_columnar(f, following))
        if again == sig:
            self.values[sig] = value
            self.used.add(sig)

    def end_month(self) -> None:
        """Drop the values no fact read or stored in the month just evaluated."""
        for sig in [s for s in self.values if s not in self.used]:
            del self.values[sig]
        self.used.clear()


def _aggregate_grouped(
    pop: Population,
    table: str,
    key: str,
    entity_table: str,
    group: list[Fact[Any]],
    month: Month,
) -> list[pl.Series]:
    """Facts ``over`` a table by group-by and join (any key layout), in entity order."""
    entities = pop.table(entity_table)
    marker = f"__rows_{table}"
    aggs = [
        (getattr(_columnar(f, month), f.agg)() if f.agg else _columnar(f, month)).alias(f.key())
        for f in group
    ]
    grouped = pop.table(table).lazy().group_by(key).agg([pl.len().alias(marker), *aggs])
    joined = entities.lazy().select(key).join(grouped, on=key, how="left", maintain_order="left")
    return (
        joined.select(
            [
                pl.when(pl.col(marker).is_null())
                .then(_fill(f))
                .otherwise(pl.col(f.key()))
                .cast(_DTYPES[f.kind])
                .alias(f.key())
                for f in group
            ]
        )
        .collect()
        .get_columns()
    )


_GROUP_DTYPES = {"u8": np.uint8, "i32": np.int32, "i64": np.int64}
_SPARSE = 8
"""A table with fewer rows than 1/_SPARSE of its entities is aggregated by group-by."""
_SMALL = (pl.Int8, pl.Int16, pl.UInt8, pl.UInt16)
_I32 = (pl.Int32, pl.Date)
_INT32_MAX = int(np.iinfo(np.int32).max)
_INT32_MIN = int(np.iinfo(np.int32).min)


@attrs.frozen
class _Plan:
    """How one fact's rows enter the positional reduction: a non-null column of a
    group of same-typed columns, combined by ``op`` (add or max; min only for Int64)
    from ``neutral`` (also the value of missing rows and of positions past an
    entity's last row), and how the result reads (``read``): as is, negated (a
    minimum as minus the maximum of minus the values), or as a count of rows that
    must be zero (``none``: all, the minimum of booleans) or not (``some``)."""

    fact: Fact[Any]
    expr: pl.Expr
    group: str
    op: str
    neutral: int
    read: str = "value"
    valid: pl.Expr | None = None  # 1 where the row's value is not missing (min, max)


def _plan(f: Fact[Any], e: pl.Expr, dtype: Any) -> _Plan | None:
    """A fact's plan from its row expression and the rows' dtype; None if unsupported.

    Byte columns are all counts (at most MAX_POSITIONAL rows, so they fit a byte) and
    integer columns mostly maxima, so that each table needs two matrices."""
    agg = f.agg
    if agg in ("all", "any"):
        if dtype != pl.Boolean:
            return None
        if agg == "all":  # no row false
            return _Plan(f, (~e).fill_null(False).cast(pl.UInt8), "u8", "add", 0, "none")
        return _Plan(f, e.fill_null(False).cast(pl.UInt8), "u8", "add", 0, "some")
    if agg == "sum":
        if dtype == pl.Boolean:
            return _Plan(f, e.fill_null(False).cast(pl.UInt8), "u8", "add", 0)
        if dtype in (*_NARROW, pl.Int64):
            return _Plan(f, e.fill_null(0).cast(pl.Int64), "i64", "add", 0)
        return None
    assert agg in ("min", "max")
    valid = e.is_not_null().cast(pl.UInt8)
    if dtype == pl.Boolean:  # min: no valid row false; max: some row true
        if agg == "min":
            return _Plan(f, (~e).fill_null(False).cast(pl.UInt8), "u8", "add", 0, "none", valid)
        return _Plan(f, e.fill_null(False).cast(pl.UInt8), "u8", "add", 0, "some", valid)
    if dtype in _SMALL or (dtype in _I32 and agg == "max"):
        # 16 bits or less: a minimum is minus the maximum of minus the values (exact)
        rows = e.to_physical().cast(pl.Int32)
        if agg == "min":
            rows = -rows
        read = "negate" if agg == "min" else "value"
        return _Plan(f, rows.fill_null(_INT32_MIN), "i32", "max", _INT32_MIN, read, valid)
    if dtype in _I32:
        rows = e.to_physical().cast(pl.Int32).fill_null(_INT32_MAX)
        return _Plan(f, rows, "i32", "min", _INT32_MAX, "value", valid)
    if dtype == pl.UInt32:
        neutral = _INT64_MAX if agg == "min" else _INT64_MIN
        rows = e.cast(pl.Int64).fill_null(neutral)
        return _Plan(f, rows, "i64", agg, neutral, "value", valid)
    if dtype == pl.Int64:
        neutral = _INT64_MAX if agg == "min" else _INT64_MIN
        return _Plan(f, e.fill_null(neutral), "i64", agg, neutral, "value", valid)
    return None


_UFUNCS = {"add": np.add, "min": np.minimum, "max": np.maximum}


def _reduce(
    values: pl.DataFrame | None,
    columns: list[tuple[str, int]],
    group: str,
    op: str,
    segments: Segments,
) -> dict[str, np.ndarray]:
    """Reduce same-typed columns with the same operation by position, all at once: the
    columns become one row-major matrix (plus a row of neutral values), the j-th rows of
    every entity are taken together and combined. Returns one array per column."""
    matrix = np.empty((segments.rows + 1, len(columns)), dtype=_GROUP_DTYPES[group])
    for i, (name, neutral) in enumerate(columns):
        if values is not None:
            matrix[:-1, i] = values[name].to_numpy()
        matrix[-1, i] = neutral
    if segments.positions:
        first, *rest = segments.positions
    else:  # no rows at all: every entity reads the neutral row
        first, rest = np.full(segments.entities, segments.rows, dtype=np.intp), []
    acc = matrix.take(first, axis=0)
    ufunc = _UFUNCS[op]
    for at in rest:
        ufunc(acc, matrix.take(at, axis=0), out=acc)
    return {name: acc[:, i] for i, (name, _) in enumerate(columns)}


def _fill_physical(f: Fact[Any]) -> int | None:
    value = f.fill
    if value is None:
        return None
    if isinstance(value, Money):
        return value.fen
    if isinstance(value, datetime.date):
        return (datetime.date(value.year, value.month, value.day) - _EPOCH).days
    assert isinstance(value, int)  # bool and int fills
    return int(value)


def _to_series(plan: _Plan, reduced: Mapping[str, np.ndarray], segments: Segments) -> pl.Series:
    """A fact's reduced values as its column: the fill for entities without rows, and
    missing where every row was missing (min, max)."""
    f = plan.fact
    kind = f.kind
    raw = reduced[f.key()]
    if plan.read == "none":
        raw = raw == 0
    elif plan.read == "some":
        raw = raw != 0
    elif plan.read == "negate":
        raw = np.negative(raw, dtype=np.int64)  # from 16-bit values: exact
    if kind == "bool":
        values = raw != 0
    elif kind == "date":
        values = raw.astype(np.int32)
    else:
        values = raw.astype(np.int64)
    missing = reduced[f.key() + "#valid"] == 0 if plan.valid is not None else None
    empty = segments.empty
    if empty is not None:
        fill = _fill_physical(f)
        if fill is None:
            if missing is None:
                missing = np.zeros(values.shape[0], dtype=np.bool_)
            missing[empty] = True
        else:
            values[empty] = fill
            if missing is not None:
                missing[empty] = False
    series = pl.Series(f.key(), values)
    if kind == "date":
        series = series.cast(pl.Date)
    if missing is not None and missing.any():
        series = series.set(pl.Series(missing), None)
    return series


def _aggregate_table(
    pop: Population,
    entity_table: str,
    key: str,
    over: str,
    group: list[Fact[Any]],
    month: Month,
    memo: _Memo,
) -> list[pl.Series]:
    """The facts ``over`` one table, one value per entity row, in order."""
    n = pop.table(entity_table).height
    columns: list[pl.Series] = []
    # a sparse table (rows for few entities: certificates, confirmations) is cheaper to
    # group and join than to lay out by position over every entity
    sparse = pop.table(over).height * _SPARSE < n
    if sparse and pop.is_dense(entity_table, key):
        scattered = [f for f in group if f.agg is not None and f.kind in _SCATTER_KINDS]
        rest = [f for f in group if f.agg is None or f.kind not in _SCATTER_KINDS]
        columns = _aggregate_sparse(pop, key, over, scattered, month, n) if scattered else []
        if rest:
            columns.extend(_aggregate_grouped(pop, over, key, entity_table, rest, month))
        return columns
    segments = (
        pop.segments(over, key, n) if pop.is_dense(entity_table, key) and not sparse else None
    )
    usable = segments is not None and (
        bool(segments.positions) or segments.longest == 0 or segments.rows == 0
    )
    grouped: list[Fact[Any]] = []
    todo: dict[str, tuple[Fact[Any], pl.Expr, tuple[str, ...] | None]] = {}
    for f in group:
        if not usable or f.agg is None or f.kind not in ("int", "money", "bool", "date"):
            grouped.append(f)
            continue
        expr = _columnar(f, month)
        sig = memo.signature(over, key, f.key(), expr=expr)
        cached = memo.get(sig)
        if cached is not None:
            columns.append(cached)
        else:
            todo[f.key()] = (f, expr, sig)
    if todo:
        assert segments is not None
        table = pop.table(over)
        dtypes = table.lazy().select([e.alias(k) for k, (_, e, _) in todo.items()])
        schema = dtypes.collect_schema()
        plans: dict[str, tuple[_Plan, tuple[str, ...] | None]] = {}
        for k, (f, e, sig) in todo.items():
            plan = _plan(f, e, schema[k])
            if plan is None:
                grouped.append(f)
            else:
                plans[k] = (plan, sig)
        exprs = []
        by_group: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for k, (plan, _) in plans.items():
            exprs.append(plan.expr.alias(k))
            by_group.setdefault((plan.group, plan.op), []).append((k, plan.neutral))
            if plan.valid is not None:
                exprs.append(plan.valid.alias(k + "#valid"))
                by_group.setdefault(("u8", "add"), []).append((k + "#valid", 0))
        values = table.lazy().select(exprs).collect() if exprs and segments.rows else None
        reduced: dict[str, np.ndarray] = {}
        for (dtype, op), group_columns in by_group.items():
            reduced.update(_reduce(values, group_columns, dtype, op, segments))
        del values
        for plan, sig in plans.values():
            series = _to_series(plan, reduced, segments)
            memo.keep(sig, plan.fact, month, series)
            columns.append(series)
    if grouped:
        columns.extend(_aggregate_grouped(pop, over, key, entity_table, grouped, month))
    return columns


_SCATTER_KINDS = ("int", "money", "bool", "date")


def _aggregate_sparse(
    pop: Population, key: str, over: str, group: list[Fact[Any]], month: Month, n: int
) -> list[pl.Series]:
    """Facts over a sparse table, by scattering its few rows into entity-sized arrays.

    The entity key is ``0..n-1``, so a row's key is its entity's position; nulls are
    skipped as in every aggregation; entities without rows get the fact's fill (or are
    missing), entities whose rows are all null are missing (min, max).
    """
    selected = [pl.col(key).cast(pl.Int64).alias("__key")]
    for f in group:  # per fact: valid rows, and values as integers (one query for all)
        e = _columnar(f, month)
        selected.append(e.is_not_null().alias(f.key() + "#valid"))
        if f.kind == "bool":
            selected.append(e.fill_null(False).alias(f.key()))
        else:
            selected.append(e.to_physical().cast(pl.Int64).fill_null(0).alias(f.key()))
    rows = pop.table(over).lazy().select(selected).collect()
    keys = rows["__key"].to_numpy()
    has_rows = np.zeros(n, dtype=np.bool_)
    has_rows[keys] = True
    columns: list[pl.Series] = []
    for f in group:
        valid = rows[f.key() + "#valid"].to_numpy()
        at = keys[valid]
        values = rows[f.key()].to_numpy()[valid]
        counted = np.zeros(n, dtype=np.int64)
        np.add.at(counted, at, 1)
        if f.agg == "sum":
            out = np.zeros(n, dtype=np.int64)
            np.add.at(out, at, values.astype(np.int64))
            missing = np.zeros(n, dtype=np.bool_)
        elif f.agg in ("any", "all"):
            hits = np.zeros(n, dtype=np.int64)
            wanted = values if f.agg == "any" else ~values
            np.add.at(hits, at[wanted], 1)
            out = (hits > 0 if f.agg == "any" else hits == 0).astype(np.int64)
            missing = np.zeros(n, dtype=np.bool_)
        else:
            assert f.agg in ("min", "max")
            start = _INT64_MAX if f.agg == "min" else _INT64_MIN
            out = np.full(n, start, dtype=np.int64)
            (np.minimum if f.agg == "min" else np.maximum).at(out, at, values.astype(np.int64))
            missing = counted == 0
        fill = _fill_physical(f)
        if fill is None:
            missing = missing | ~has_rows
        else:
            out = np.where(has_rows, out, fill)
            missing = missing & has_rows
        if f.kind == "bool":
            series = pl.Series(f.key(), out.astype(np.bool_))
        elif f.kind == "date":
            series = pl.Series(f.key(), np.where(missing, 0, out).astype(np.int32)).cast(pl.Date)
        else:
            series = pl.Series(f.key(), np.where(missing, 0, out))
        if missing.any():
            series = series.set(pl.Series(missing), None)
        columns.append(series.cast(_DTYPES[f.kind]))
    return columns


def _aggregated(
    pop: Population,
    entity: str,
    facts: Sequence[Fact[Any]],
    month: Month,
    memo: _Memo,
) -> list[pl.Series]:
    """The facts of an entity ``over`` other tables, one value per entity row, in order.

    When the entity key is ``0..n-1`` and the table is sorted by it, each table's row
    values are computed in one query and reduced by position with numpy; otherwise
    (or for aggregations given as expressions) by group-by and join.
    """
    entity_table, key = ENTITY_TABLES[entity], ENTITY_KEYS[entity]
    by_table: dict[str, list[Fact[Any]]] = {}
    for f in facts:
        if f.over is not None:
            by_table.setdefault(f.over, []).append(f)
    return [
        column
        for over, group in by_table.items()
        for column in _aggregate_table(pop, entity_table, key, over, group, month, memo)
    ]


def _rule_columns(rule: Rule, env: _Env, i: int) -> tuple[pl.Expr, list[pl.Expr]]:
    """The outcome column of a rule and its check columns (conflict, empty)."""
    applied = reduce(
        lambda x, y: x & y,
        [to_polars(c.test, env).fill_null(False) for c in rule.conditions_under(env.settings)],
        pl.lit(True),
    )
    prios = sorted({e.priority for e in rule.exceptions}, reverse=True)
    value: Any = None
    checks: list[pl.Expr] = []
    prior_fired: pl.Expr = pl.lit(False)
    for g, p in enumerate(prios):
        group = [e for e in rule.exceptions if e.priority == p]
        fired = [to_polars(e.when, env).fill_null(False) for e in group]
        outs = [to_polars(e.outcome, env) for e in group]
        for a in range(len(group)):
            for b in range(a + 1, len(group)):
                clash = applied & ~prior_fired & fired[a] & fired[b] & outs[a].ne_missing(outs[b])
                checks.append(clash.alias(f"__conflict_{i}_{g}_{a}_{b}"))
        for f, o in zip(fired, outs, strict=True):
            value = pl.when(f).then(o) if value is None else value.when(f).then(o)
        prior_fired = prior_fired | reduce(lambda x, y: x | y, fired)
    if rule.outcome is not None:
        default = to_polars(rule.outcome, env)
        value = default if value is None else value.otherwise(default)
    else:
        checks.append((applied & ~prior_fired).alias(f"__empty_{i}"))
        value = value.otherwise(None)
    return pl.when(applied).then(value).alias(f"__rule_{i}"), checks


def _raise_checks(
    frame: pl.DataFrame,
    rules: Sequence[Rule],
    key: str,
    month: Month,
    origin: Mapping[str, np.ndarray] | None = None,
) -> None:
    for name in frame.columns:
        if not name.startswith(("__conflict_", "__empty_")) or not frame[name].any():
            continue
        found = frame.filter(pl.col(name))[key][0]
        if origin is not None:  # a subset of the tables, keyed again: the original key
            found = int(origin[key][found])
        who = f"{key.removesuffix('_id')} {found}"
        if name.startswith("__empty_"):
            rule = rules[int(name.removeprefix("__empty_"))]
            raise EmptyOutcome(
                f"rule {rule.id}: no outcome for {who} in {month} "
                "(no default, and no exception applied)"
            )
        index, g, a, b = (int(x) for x in name.removeprefix("__conflict_").split("_"))
        rule = rules[index]
        prio = sorted({e.priority for e in rule.exceptions}, reverse=True)[g]
        group = [e for e in rule.exceptions if e.priority == prio]
        labels = (group[a].label, group[b].label)
        raise ConflictingOutcomes(
            f"rule {rule.id}: exceptions {labels[0]!r} and {labels[1]!r} give different "
            f"outcomes for {who} in {month}"
        )


_Paid = tuple[np.ndarray, np.ndarray, np.ndarray]
"""An entity's rows paid a benefit, their fen and their months paid (numpy arrays)."""

_Block = tuple[int, _Paid]
"""Rows paid counted from a first row (a range's first row in the population)."""


class _Totals:
    """Money per benefit and entity row, summed over the months of the period."""

    def __init__(self) -> None:
        self.fen: dict[str, np.ndarray] = {}
        self.months: dict[str, np.ndarray] = {}
        self.rows: dict[str, np.ndarray] = {}  # one month: the rows paid, and their fen

    def add(self, benefit: str, fen: np.ndarray, accumulate: bool) -> None:
        if not accumulate:  # one month: keep only the rows paid
            rows = np.flatnonzero(fen)
            self.rows[benefit] = rows
            self.fen[benefit] = fen.take(rows)
            return
        if benefit not in self.fen:
            self.fen[benefit] = fen.astype(np.int64, copy=True)
            self.months[benefit] = (fen != 0).astype(np.int64)
        else:
            self.fen[benefit] += fen
            self.months[benefit] += fen != 0

    def paid(self) -> dict[str, _Paid]:
        """The rows paid per benefit: (rows, fen, months); months read-only (a single
        month: a broadcast 1)."""
        out = {}
        for benefit, fen in self.fen.items():
            months = self.months.get(benefit)
            if months is None:
                rows = self.rows[benefit]
                out[benefit] = (rows, fen, np.broadcast_to(np.int64(1), rows.shape))
            else:
                rows = np.flatnonzero(months)
                out[benefit] = (rows, fen.take(rows), months.take(rows))
        return out

    def blocks(self) -> dict[str, list[_Block]]:
        """The rows paid per benefit, in blocks (here one per benefit, from row 0):
        what :func:`_tables` reads."""
        return {benefit: [(0, paid)] for benefit, paid in self.paid().items()}


def _household_index(pop: Population) -> np.ndarray | None:
    """Each person's household row, when households are keyed ``0..n-1`` (cached)."""
    households = pop.households.height
    if not (
        pop.is_dense("households", HOUSEHOLD_KEY)
        and pop.keys_within("persons", HOUSEHOLD_KEY, households)
    ):
        return None
    cache = pop._cache  # the population's own cache of derived arrays
    found = cache.get(("index", "persons.household_id"))
    if found is None:
        found = pop.persons[HOUSEHOLD_KEY].to_numpy().astype(np.intp, copy=False)
        cache[("index", "persons.household_id")] = found
    assert isinstance(found, np.ndarray)
    return found


def _lookup(
    pop: Population, looked_up: pl.DataFrame, booleans: set[str]
) -> tuple[list[pl.Series], set[str], set[str]]:
    """Household columns for each person (positional when households are dense), and
    which of the ``booleans`` (bytes 0/1, 2 for missing) read as plain 0/1 bytes and
    which keep the code for missing."""
    index = _household_index(pop)
    if index is None:
        joined = _lookup_households(pop, looked_up, pop.persons[HOUSEHOLD_KEY])
        return joined.get_columns(), set(), booleans
    columns = []
    plain, coded = set(), set()
    for column in looked_up.get_columns():
        if column.null_count() or column.dtype not in (*_NARROW, pl.Int64):
            columns.append(column.gather(pl.Series(index)))
            continue
        values = column.to_numpy()
        if column.name in booleans:
            if (values == 2).any():
                coded.add(column.name)
            else:
                plain.add(column.name)
                values = values.view(np.uint8)
        columns.append(pl.Series(column.name, values.take(index)))
    return columns, plain, coded


def _entity_month(
    pop: Population,
    entity: str,
    rules: Sequence[Rule],
    env: _Env,
    memo: _Memo,
    extra: list[pl.Series],
    hoisted: Mapping[str, Expr],
    probes: Sequence[Expr] = (),
    origin: Mapping[str, np.ndarray] | None = None,
) -> tuple[pl.DataFrame, dict[str, list[int]], list[int]]:
    """One query for the rules of an entity in a month (by slices of rows).

    The result has the ids, one fen column per money benefit (0 when nothing is
    paid), one column per status rule, the check columns, the ``hoisted``
    household subtrees (booleans as 0/1 bytes) for the person rules, and the
    ``probes`` (month indexes, ``__probe_k``, the int64 minimum when missing).
    """
    month = env.month
    table, key = ENTITY_TABLES[entity], ENTITY_KEYS[entity]
    ids = [PERSON_KEY, HOUSEHOLD_KEY] if entity == "person" else [HOUSEHOLD_KEY]
    facts = [f for f in _facts_of(rules).values() if f.entity == entity]
    if hoisted:
        facts.extend(
            f
            for f in _facts_of_exprs(hoisted.values()).values()
            if f.key() not in {g.key() for g in facts}
        )
    columns = _aggregated(pop, entity, facts, month, memo)
    base = pop.table(table)
    frame = base.hstack([*columns, *extra]) if columns or extra else base
    plain = [
        _columnar(f, month).cast(_DTYPES[f.kind]).alias(f.key()) for f in facts if f.over is None
    ]
    outs, checks = [], []
    money: dict[str, list[int]] = {}
    status_rules = []
    for i, rule in enumerate(rules):
        col, chk = _rule_columns(rule, env, i)
        outs.append(col)
        checks.extend(chk)
        if rule.kind == "money":
            money.setdefault(rule.benefit, []).append(i)
        else:
            status_rules.append(i)
    plain_env = _Env(month, env.params, env.settings)
    plain_env.month_column = env.month_column
    lifted = [
        (
            to_polars(node, plain_env).cast(pl.Int8).fill_null(2)  # booleans as bytes
            if node.kind == "bool"
            else to_polars(node, plain_env)
        ).alias(name)
        for name, node in hoisted.items()
    ]
    lifted.extend(
        to_polars(node, env).cast(pl.Int64).fill_null(_INT64_MIN).alias(f"__probe_{k}")
        for k, node in enumerate(probes)
    )
    query = [
        *ids,
        *(
            (
                pl.sum_horizontal([pl.col(f"__rule_{i}") for i in idx])
                if len(idx) > 1
                else pl.col(f"__rule_{idx[0]}")
            )
            .fill_null(0)
            .alias(f"__benefit_{b}")
            for b, idx in money.items()
        ),
        *(pl.col(f"__rule_{i}") for i in status_rules),
        *(pl.col(c.meta.output_name()) for c in checks),
        *(pl.col(name) for name in hoisted),
        *(pl.col(f"__probe_{k}") for k in range(len(probes))),
    ]
    parts = []
    for offset in range(0, max(frame.height, 1), _CHUNK_ROWS):
        # slices bound the memory of intermediate columns; the query is the same
        chunk = frame.slice(offset, _CHUNK_ROWS) if frame.height > _CHUNK_ROWS else frame
        lazy = chunk.lazy().with_columns(plain) if plain else chunk.lazy()
        parts.append(lazy.select([*ids, *outs, *checks, *lifted]).select(query).collect())
    result = pl.concat(parts) if len(parts) > 1 else parts[0]
    _raise_checks(result, rules, key, month, origin)
    return result, money, status_rules


def _facts_of_exprs(exprs: Iterable[Expr]) -> dict[str, Fact[Any]]:
    found: dict[str, Fact[Any]] = {}
    for expr in exprs:
        for node in expr.walk():
            if isinstance(node, Fact):
                found.setdefault(node.key(), node)
    return found


def _lookup_households(
    pop: Population, household_facts: pl.DataFrame, households: pl.Series
) -> pl.DataFrame:
    """Household columns for each of ``households`` by join (any household keys)."""
    keyed = household_facts.with_columns(pop.households[HOUSEHOLD_KEY].alias("__key"))
    return (
        households.alias("__key")
        .to_frame()
        .lazy()
        .join(keyed.lazy(), on="__key", how="left", maintain_order="left")
        .drop("__key")
        .collect()
    )


def _statuses_of(
    result: pl.DataFrame, rules: Sequence[Rule], status_rules: list[int], entity: str
) -> list[pl.DataFrame]:
    ids = [PERSON_KEY, HOUSEHOLD_KEY] if entity == "person" else [HOUSEHOLD_KEY]
    return [
        _status_frame(
            result.filter(pl.col(f"__rule_{i}").is_not_null()).select(
                [
                    *ids,
                    pl.lit(rules[i].benefit, dtype=pl.String).alias("benefit"),
                    pl.col(f"__rule_{i}").alias("status"),
                ]
            ),
            entity,
        )
        for i in status_rules
    ]


_Consume = Callable[[str, pl.DataFrame, dict[str, list[int]], list[int], list[Rule]], None]


class _Evaluation:
    """A policy's rules as its settings make them, evaluated month by month or by
    intervals over population tables."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.settings = policy.settings_in_force()
        pruned = policy._cache.get("batch_pruned_rules")  # a policy is immutable
        if pruned is None:
            pruned = policy._cache["batch_pruned_rules"] = [
                _under_settings(r, self.settings) for r in policy.rules
            ]
        self.pruned: list[Rule] = pruned

    def month(
        self,
        pop: Population,
        month: Month,
        memo: _Memo,
        consume: _Consume,
        probes: Mapping[str, Sequence[Expr]] | None = None,
        origin: Mapping[str, np.ndarray] | None = None,
        stacked: bool = False,
    ) -> None:
        """Evaluate one month; ``consume(entity, result, money, status_rules, rules)``
        receives each entity's result (households first) and may keep what it needs.
        ``stacked``: the tables hold households as of several months of one segment (the
        month in the column :data:`~fpcore.rules._intervals.MONTH_COLUMN`)."""
        column = _intervals.MONTH_COLUMN if stacked else None
        policy, settings = self.policy, self.settings
        probes = probes or {}
        live = [p for r, p in zip(policy.rules, self.pruned, strict=True) if r.in_force(month)]
        names = sorted({n for r in live for n in policy.parameters_of(r)})
        params = {n: policy.parameters[n].at(month.start) for n in names}
        hh_rules = [r for r in live if r.entity == "household"]
        p_rules = [r for r in live if r.entity == "person"]
        hoisted_nodes = _hoistable(p_rules) if p_rules else {}
        names_of = {k: f"__household_{n}" for n, k in enumerate(hoisted_nodes)}
        hoisted = {names_of[k]: node for k, node in hoisted_nodes.items()}
        lifted: list[pl.Series] = []
        plain: set[str] = set()
        coded: set[str] = set()
        if hh_rules or hoisted:
            env = _Env(month, params, settings)
            env.month_column = column
            result, money, status_rules = _entity_month(
                pop,
                "household",
                hh_rules,
                env,
                memo,
                [],
                hoisted,
                probes.get("household", ()) if hh_rules else (),
                origin,
            )
            consume("household", result, money, status_rules, hh_rules)
            if hoisted:
                booleans = {name for name, node in hoisted.items() if node.kind == "bool"}
                lifted, plain, coded = _lookup(pop, result.select(list(hoisted)), booleans)
            del result
        if p_rules:
            env = _Env(month, params, settings)
            env.month_column = column
            env.hoisted = names_of
            env.byte_booleans, env.coded_booleans = plain, coded
            result, money, status_rules = _entity_month(
                pop,
                "person",
                p_rules,
                env,
                memo,
                lifted,
                {},
                probes.get("person", ()),
                origin,
            )
            consume("person", result, money, status_rules, p_rules)
            del result


_PART_HOUSEHOLDS = 1 << 17
"""Households evaluated at once when the tables are sorted by household (bounds memory;
larger ranges were not faster on this machine, months or years)."""


Backend = Literal["auto", "polars", "kernel"]
"""How ``Policy.evaluate_table`` computes: ``polars`` (queries per month or interval),
``kernel`` (the compiled per-household kernel, :mod:`fpcore.rules._kernel`; extra
``kernel``), ``auto`` (the kernel when numba is installed, the population has at least
:data:`KERNEL_MIN_PERSONS` persons and the rules compile; else polars)."""

KERNEL_MIN_PERSONS = 100_000
"""Below this, ``auto`` uses polars: compiling a kernel (5-20 s the first time a policy
reading meets a machine; its machine code is then cached on disk) would cost more than
it saves."""


def evaluate_table(
    policy: Policy, pop: Population, period: Period, backend: Backend = "auto"
) -> EntitlementTables:
    """Evaluate a policy over population tables for a period with the chosen backend
    (see :data:`Backend`)."""
    if backend not in ("auto", "polars", "kernel"):
        raise InvalidInput(
            f"backend must be 'auto', 'polars' or 'kernel', not {backend!r}", path="backend"
        )
    if backend == "kernel" or (
        backend == "auto" and pop.persons.height >= KERNEL_MIN_PERSONS and _kernel.available()
    ):
        months = list(period.months())
        evaluation = _Evaluation(policy)
        rules = [p for r, p in zip(policy.rules, evaluation.pruned, strict=True) if _in(r, months)]
        try:
            found = _kernel.evaluate(policy, rules, evaluation.settings, pop, months)
        except _kernel.KernelUnavailable:
            if backend == "kernel":
                raise
        else:
            gathered = {"household": _Parts(), "person": _Parts()}
            for entity, benefit, first, rows, fen, paid in found:
                gathered[entity].add(benefit, first, rows, fen, paid)
            return _tables(pop, gathered, [], len(months) > 1)
    return _evaluate_polars(policy, pop, period)


def _evaluate_polars(policy: Policy, pop: Population, period: Period) -> EntitlementTables:
    """Evaluate a policy over population tables for a period (see ``Policy.evaluate_table``).

    When every table is sorted by household, the households are evaluated in ranges
    of :data:`_PART_HOUSEHOLDS` (slices of the tables), so that memory is bounded by
    a range, not by the population. A period of several months is evaluated by
    intervals when the rules and facts allow it (:mod:`fpcore.rules._intervals`): in
    full in its first month, then only for the households whose amounts may change;
    else month by month.
    """
    months = list(period.months())
    evaluation = _Evaluation(policy)
    rules = [p for r, p in zip(policy.rules, evaluation.pruned, strict=True) if _in(r, months)]
    analysis = _intervals.analyse(rules, months)
    several = len(months) > 1
    ranges = _intervals.household_ranges(pop, _PART_HOUSEHOLDS)
    if ranges is None:
        index = _household_index(pop)
        totals, statuses = _evaluate_part(evaluation, rules, analysis, pop, months, index, None)
        return _tables(pop, totals, statuses, several)
    gathered = {"household": _Parts(), "person": _Parts()}
    statuses = []
    for lo, hi, rows in ranges:
        part, first_person = _intervals.household_range(pop, (lo, hi, rows))
        origin = {
            HOUSEHOLD_KEY: np.arange(lo, hi),
            PERSON_KEY: np.arange(first_person, first_person + part.persons.height),
        }
        totals, found = _evaluate_part(
            evaluation, rules, analysis, part, months, _household_index(part), origin
        )
        gathered["household"].extend(totals["household"], lo)
        gathered["person"].extend(totals["person"], first_person)
        statuses.extend(
            frame.with_columns(
                pl.col("beneficiary_id")
                + pl.when(pl.col("entity") == "household").then(lo).otherwise(first_person),
                pl.col(HOUSEHOLD_KEY) + lo,
            )
            for frame in found
        )
        del part, totals, found
    return _tables(pop, gathered, statuses, several)


def _evaluate_part(
    evaluation: _Evaluation,
    rules: Sequence[Rule],
    analysis: _intervals.Analysis | None,
    pop: Population,
    months: Sequence[Month],
    index: np.ndarray | None,
    origin: Mapping[str, np.ndarray] | None,
) -> tuple[Mapping[str, _Totals], list[pl.DataFrame]]:
    interval = (
        _intervals.plan(pop, analysis, months, index)
        if analysis is not None and index is not None
        else None
    )
    if interval is not None and analysis is not None and _intervals.stackable(pop, interval):
        return _by_intervals(evaluation, rules, pop, months, interval, analysis, origin), []
    return _month_by_month(evaluation, pop, months, origin)


class _Parts:
    """The rows paid, gathered from ranges of households evaluated apart: kept as the
    ranges gave them, in narrow integers (12 to 16 bytes a row), until the output tables
    are built from them, once (:func:`_tables`)."""

    def __init__(self) -> None:
        self.parts: dict[str, list[_Block]] = {}

    def add(
        self, benefit: str, first: int, rows: np.ndarray, fen: np.ndarray, months: np.ndarray
    ) -> None:
        """Add rows paid ``benefit`` (numpy arrays of integers: rows counted from row
        ``first``, the fen and the months paid of each)."""
        narrow = (_narrow(rows), _narrow(fen), _narrow(months))
        self.parts.setdefault(benefit, []).append((first, narrow))

    def extend(self, totals: _Totals, offset: int) -> None:
        """Add a range's rows paid (its rows start at ``offset``)."""
        for benefit, (rows, fen, months) in totals.paid().items():
            self.add(benefit, offset, rows, fen, months)

    def blocks(self) -> dict[str, list[_Block]]:
        """The rows paid per benefit, a block per range, handed over: the gatherer is
        empty afterwards, so that :func:`_tables` frees each block once copied."""
        parts, self.parts = self.parts, {}
        return parts


def _narrow(values: np.ndarray) -> np.ndarray:
    """Whole numbers as int32 when they all fit (row numbers within a range, months,
    most amounts), unless they take no memory (a broadcast)."""
    if values.strides == (0,) or not values.size:
        return values
    fits = values.min() >= -(1 << 31) and values.max() < 1 << 31
    return values.astype(np.int32) if fits else values


def _in(rule: Rule, months: Sequence[Month]) -> bool:
    return any(rule.in_force(m) for m in months)


def _month_by_month(
    evaluation: _Evaluation,
    pop: Population,
    months: Sequence[Month],
    origin: Mapping[str, np.ndarray] | None = None,
) -> tuple[dict[str, _Totals], list[pl.DataFrame]]:
    accumulate = len(months) > 1
    memo = _Memo(months)
    totals = {"person": _Totals(), "household": _Totals()}
    statuses: list[pl.DataFrame] = []

    def consume(
        entity: str,
        result: pl.DataFrame,
        money: dict[str, list[int]],
        status_rules: list[int],
        rules: list[Rule],
    ) -> None:
        for b in money:
            totals[entity].add(b, result[f"__benefit_{b}"].to_numpy(), accumulate)
        statuses.extend(_statuses_of(result, rules, status_rules, entity))

    for month in months:
        evaluation.month(pop, month, memo, consume, origin=origin)
        memo.end_month()
    return totals, statuses


class _Running:
    """Each entity row's monthly amount per benefit, and the totals of the months before
    the last change: a row's total grows by its amount times the months it held."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.current: dict[str, np.ndarray] = {}
        self.fen: dict[str, np.ndarray] = {}
        self.months: dict[str, np.ndarray] = {}
        self.since = np.zeros(rows, dtype=np.int64)

    def settle(self, at: np.ndarray | None, offset: int) -> None:
        """Count the months up to ``offset`` (excluded) of rows ``at`` (None: all)."""
        since = self.since if at is None else self.since[at]
        held = offset - since
        for benefit, current in self.current.items():
            amount = current if at is None else current[at]
            if at is None:
                self.fen[benefit] += amount * held
                self.months[benefit] += (amount != 0) * held
            else:  # rows are distinct
                self.fen[benefit][at] += amount * held
                self.months[benefit][at] += (amount != 0) * held
        if at is None:
            self.since[:] = offset
        else:
            self.since[at] = offset

    def update(self, benefit: str, at: np.ndarray | None, fen: np.ndarray) -> None:
        """New amounts from now on (rows ``at``, or all), after :meth:`settle`."""
        if benefit not in self.current:
            self.current[benefit] = np.zeros(self.rows, dtype=np.int64)
            self.fen[benefit] = np.zeros(self.rows, dtype=np.int64)
            self.months[benefit] = np.zeros(self.rows, dtype=np.int64)
        if at is None:
            self.current[benefit][:] = fen
        else:
            self.current[benefit][at] = fen

    def totals(self) -> _Totals:
        out = _Totals()
        out.fen, out.months = self.fen, self.months
        return out


def _by_intervals(
    evaluation: _Evaluation,
    rules: Sequence[Rule],
    pop: Population,
    months: Sequence[Month],
    interval: _intervals.IntervalPlan,
    analysis: _intervals.Analysis,
    base: Mapping[str, np.ndarray] | None = None,
) -> dict[str, _Totals]:
    """A period by intervals. The months with the same rules, parameters and constant
    tests form a segment: all households are evaluated in its first month; then, in
    one query, copies of the households with a breakpoint in a later month of the
    segment, each as of that month (the month a column of the copies); breakpoints
    found by those (``month_index op X``) are evaluated in a further round. Every row
    holds its amount from one evaluation to its next."""
    policy = evaluation.policy
    first, count = months[0].index, len(months)
    names = [policy.parameters_of(r) for r in rules]
    n_h, n_p = pop.households.height, pop.persons.height
    running = {"household": _Running(n_h), "person": _Running(n_p)}
    memo = _Memo(months[:1])  # nothing shared between months here
    signatures = [
        _intervals.signature(
            m, rules, policy.parameters, names, evaluation.settings, interval.constants
        )
        for m in months
    ]
    starts = [i for i in range(count) if i == 0 or signatures[i] != signatures[i - 1]]
    for start, end in zip(starts, [*starts[1:], count], strict=True):
        live = signatures[start][0]
        assert isinstance(live, tuple)
        probes: dict[str, list[Expr]] = {"household": [], "person": []}
        for position, entity, node in interval.probes:
            if live[position]:
                probes[entity].append(node)
        # the segment's first month, everyone
        for entity in running:
            running[entity].settle(None, start)
            for current in running[entity].current.values():
                current[:] = 0
        events: list[tuple[np.ndarray, str, np.ndarray, dict[str, np.ndarray]]] = []
        later: list[tuple[np.ndarray, np.ndarray]] = []

        def consume_all(
            entity: str,
            result: pl.DataFrame,
            money: dict[str, list[int]],
            status_rules: list[int],
            rules: list[Rule],
            probes: Mapping[str, list[Expr]] = probes,
            start: int = start,
            end: int = end,
            later: list[tuple[np.ndarray, np.ndarray]] = later,
        ) -> None:
            for b in money:
                running[entity].update(b, None, result[f"__benefit_{b}"].to_numpy())
            homes = result[HOUSEHOLD_KEY].to_numpy()
            after = np.full(homes.size, start)
            for k in range(len(probes[entity])):
                values = result[f"__probe_{k}"].to_numpy()
                later.append(_intervals.breakpoints(values, homes, after, first, end))

        evaluation.month(pop, months[start], memo, consume_all, probes, base)
        for offset, homes in interval.static.items():
            if start < offset < end:
                later.append((np.full(homes.size, offset), homes))
        done = np.zeros(0, dtype=np.int64)  # offset * n_h + household, evaluated
        while later:
            offsets = np.concatenate([o for o, _ in later])
            homes = np.concatenate([h for _, h in later]).astype(np.int64)
            later.clear()
            codes = np.setdiff1d(np.unique(homes * count + offsets), done)  # household-major
            if not codes.size:
                break
            done = np.union1d(done, codes)
            homes, offsets = codes // count, codes % count
            copies, person_rows, person_copy = _intervals.stacked(
                pop, homes, offsets + first, interval
            )
            origin = {HOUSEHOLD_KEY: homes, PERSON_KEY: person_rows}
            if base is not None:
                origin = {key: base[key][rows] for key, rows in origin.items()}
            of_copy = {"household": (homes, offsets), "person": (person_rows, offsets[person_copy])}

            def consume_copies(
                entity: str,
                result: pl.DataFrame,
                money: dict[str, list[int]],
                status_rules: list[int],
                rules: list[Rule],
                probes: Mapping[str, list[Expr]] = probes,
                end: int = end,
                homes: np.ndarray = homes,
                offsets: np.ndarray = offsets,
                of_copy: Mapping[str, tuple[np.ndarray, np.ndarray]] = of_copy,
                later: list[tuple[np.ndarray, np.ndarray]] = later,
                events: list[tuple[np.ndarray, str, np.ndarray, dict[str, np.ndarray]]] = events,
            ) -> None:
                rows, at = of_copy[entity]
                fen = {b: result[f"__benefit_{b}"].to_numpy() for b in money}
                events.append((at, entity, rows, fen))
                copy = result[HOUSEHOLD_KEY].to_numpy()
                for k in range(len(probes[entity])):
                    values = result[f"__probe_{k}"].to_numpy()
                    later.append(
                        _intervals.breakpoints(values, homes[copy], offsets[copy], first, end)
                    )

            token = _STACKED.set(analysis.stacked)
            try:
                evaluation.month(
                    copies, months[start], memo, consume_copies, probes, origin, stacked=True
                )
            finally:
                _STACKED.reset(token)
        _replay(running, events)
    for entity in running:
        running[entity].settle(None, count)
    return {entity: r.totals() for entity, r in running.items()}


def _replay(
    running: Mapping[str, _Running],
    events: list[tuple[np.ndarray, str, np.ndarray, dict[str, np.ndarray]]],
) -> None:
    """Apply the amounts evaluated for rows at month offsets, in the order of months."""
    for entity in running:
        mine = [e for e in events if e[1] == entity]
        if not mine:
            continue
        at = np.concatenate([e[0] for e in mine])
        rows = np.concatenate([e[2] for e in mine])
        benefits = sorted({b for e in mine for b in e[3]})
        fen = {
            b: np.concatenate([e[3].get(b, np.zeros(e[2].size, np.int64)) for e in mine])
            for b in benefits
        }
        order = np.argsort(at, kind="stable")
        at, rows = at[order], rows[order]
        fen = {b: v[order] for b, v in fen.items()}
        cuts = np.flatnonzero(np.diff(at)) + 1
        for lo, hi in zip(
            np.concatenate(([0], cuts)), np.concatenate((cuts, [at.size])), strict=True
        ):
            running[entity].settle(rows[lo:hi], int(at[lo]))
            for b, v in fen.items():
                running[entity].update(b, rows[lo:hi], v[lo:hi])


def _tables(
    pop: Population,
    totals: Mapping[str, _Totals | _Parts],
    statuses: Sequence[pl.DataFrame],
    several: bool,
) -> EntitlementTables:
    """The output tables, from each entity's rows paid (``totals[entity].blocks()``) and
    the status rows found (see :class:`EntitlementTables`)."""

    def key(table: str, name: str) -> pl.Series | None:  # None: the row numbers
        return None if pop.is_dense(table, name) else pop.table(table)[name]

    return EntitlementTables(
        persons=_money_table(
            totals["person"].blocks(),
            {PERSON_KEY: key("persons", PERSON_KEY), HOUSEHOLD_KEY: pop.persons[HOUSEHOLD_KEY]},
        ),
        households=_money_table(
            totals["household"].blocks(), {HOUSEHOLD_KEY: key("households", HOUSEHOLD_KEY)}
        ),
        statuses=_count_statuses(statuses, not several),
    )


_INDEX = np.uint32 if pl.get_index_type() == pl.UInt32 else np.uint64
"""Row numbers as polars gathers them (its index type)."""


def _money_table(
    blocks: dict[str, list[_Block]], ids: Mapping[str, pl.Series | None]
) -> pl.DataFrame:
    """One row per entity row and benefit paid: ``ids`` (each entity row's; None: the
    ids are the row numbers), benefit, months, amount_fen, amount.

    Built once: every column is allocated at its final length and each block copied
    into it (then dropped: ``blocks`` is emptied); the ids are gathered by polars in
    one query; ``amount`` is computed from ``amount_fen`` (:func:`yuan`). The columns
    have their types with or without rows.
    """
    order = [(benefit, block) for benefit, parts in blocks.items() for block in parts]
    blocks.clear()
    order.reverse()  # popped from the end: the first block first
    total = sum(paid[0].size for _, (_, paid) in order)
    # the rows, for polars to gather the ids (from chunks, without copying them whole)
    index: np.ndarray = np.empty(total, dtype=_INDEX)
    months = np.empty(total, dtype=np.int64)
    fen = np.empty(total, dtype=np.int64)
    counts: dict[str, int] = {}
    at = 0
    while order:
        benefit, (first, (rows, paid, count)) = order.pop()
        end = at + rows.size
        index[at:end] = rows
        index[at:end] += first
        months[at:end] = count
        fen[at:end] = paid
        counts[benefit] = counts.get(benefit, 0) + rows.size
        at = end
    positions = pl.Series(index)
    gather = [
        pl.lit(c).gather(pl.lit(positions)).cast(pl.Int64).alias(n)
        for n, c in ids.items()
        if c is not None
    ]
    gathered = pl.select(*gather) if gather else pl.DataFrame()
    keys = [positions.cast(pl.Int64).alias(n) if c is None else gathered[n] for n, c in ids.items()]
    del positions, gathered, index
    names = [pl.Series("benefit", [b]).new_from_index(0, n) for b, n in counts.items()]
    return pl.DataFrame(
        [
            *keys,
            pl.concat(names) if names else pl.Series("benefit", [], dtype=pl.String),
            pl.Series("months", months),
            pl.Series("amount_fen", fen),
            yuan(pl.Series("amount", fen)),
        ]
    )


def _count_statuses(frames: Sequence[pl.DataFrame], single_month: bool) -> pl.DataFrame:
    """The status rows found (:func:`_status_frame`), with the months each held."""
    schema = EntitlementTables.SCHEMAS["statuses"]
    if not frames:
        return pl.DataFrame(schema=dict(schema))
    frame = pl.concat(frames) if len(frames) > 1 else frames[0]
    if single_month:
        return frame.with_columns(pl.lit(1, dtype=pl.Int64).alias("months"))
    return frame.group_by(["entity", "beneficiary_id", HOUSEHOLD_KEY, "benefit", "status"]).agg(
        pl.len().cast(pl.Int64).alias("months")
    )


def _status_frame(frame: pl.DataFrame, entity: str) -> pl.DataFrame:
    key = ENTITY_KEYS[entity]
    return frame.select(
        pl.lit(entity, dtype=pl.String).alias("entity"),
        pl.col(key).cast(pl.Int64).alias("beneficiary_id"),
        pl.col(HOUSEHOLD_KEY).cast(pl.Int64),
        "benefit",
        pl.col("status").cast(pl.String),
    )
