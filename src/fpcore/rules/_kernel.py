"""The compiled per-household kernel: a policy's rules as one machine-code loop.

The batch evaluator's second backend (``Policy.evaluate_table(..., backend="kernel")``,
extra ``kernel``: numba). From the rules (as the policy's settings make them) and the
facts' row expressions (:mod:`fpcore.rules._rows`), one Python function is generated
and compiled by numba: for each household, it reads the household's rows of every
table (children, parents, hukou spells, certificates, confirmations), computes the
facts and the rules' outcomes of a month, and steps through the period **by
intervals**: the next month it evaluates is the earliest breakpoint found on the way
(a value ``v`` compared with the month changes the comparison only in ``v`` or
``v + 1``; a parameter, a rule in force: the months where they change), and every
amount holds until then. No per-rule code is written by hand: the generator reads the
same expression trees as the single evaluator and the polars backend, and a property
test holds the three equal.

Values follow polars' semantics for missing values (three-valued logic, aggregations
skip missing rows, a missing amount pays nothing), so that the kernel and the polars
backend agree to the fen on every population.

The population's columns are laid out once per :class:`~fpcore.rules.Population`
(integers, missing values as a sentinel; rows of each table grouped by entity) and
kept in its cache: evaluating another period or policy on the same population reuses
them. Compiled kernels are kept per generated source (one per policy reading and
column types) for the life of the process.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import importlib.util
import itertools
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import polars as pl

from fpcore.errors import ConflictingOutcomes, EmptyOutcome, InvalidInput
from fpcore.money import Money
from fpcore.periods import Month
from fpcore.rules import _intervals
from fpcore.rules import rows as _rows
from fpcore.rules._expr import (
    Arith,
    BoolOp,
    Compare,
    Const,
    Expr,
    Extreme,
    IsMissing,
    MonthIndex,
    Not,
    ParamRef,
    SettingRef,
    Where,
)
from fpcore.rules._facts import Fact
from fpcore.rules._population import (
    ENTITY_KEYS,
    ENTITY_TABLES,
    HOUSEHOLD_KEY,
    PERSON_KEY,
    Population,
)
from fpcore.rules._rule import Rule

__all__ = ["KernelUnavailable", "available", "evaluate"]

_EPOCH = datetime.date(1970, 1, 1)
_I32_NULL = int(np.iinfo(np.int32).min)
_I64_NULL = int(np.iinfo(np.int64).min)
_BOOL_NULL = 2
_INT32_LIKE = (pl.Int8, pl.Int16, pl.Int32, pl.UInt8, pl.UInt16, pl.Date)
_INT64_LIKE = (pl.Int64, pl.UInt32)


class KernelUnavailable(InvalidInput):
    """The compiled kernel cannot evaluate these rules or tables (the reason says why);
    ``backend="auto"`` then uses the polars backend."""


def available() -> bool:
    """Whether numba is installed (the ``kernel`` extra)."""
    return importlib.util.find_spec("numba") is not None


# --- reading the rules ------------------------------------------------------------------


def _scalar_physical(value: object) -> int | bool | None:
    """A constant or parameter value as the kernel holds it: fen, days, integers."""
    if value is None:
        return None
    if isinstance(value, Money):
        return value.fen
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime.date):
        return (datetime.date(value.year, value.month, value.day) - _EPOCH).days
    if isinstance(value, int):
        return value
    raise KernelUnavailable(f"a value of type {type(value).__name__} ({value!r})")


@attrs.frozen(slots=False)  # slots=False: the cached variable name lives in __dict__
class _Column:
    """A table's column as the kernel reads it: ``i32``, ``i64`` or ``b8`` (booleans as
    bytes, 2 for missing); ``equals``: a text column compared with this value (read as
    a boolean column computed once)."""

    table: str
    name: str
    form: str
    equals: str | None = None

    @functools.cached_property
    def variable(self) -> str:
        """The name of the kernel's argument that holds the column."""
        suffix = (
            ""
            if self.equals is None
            else "_eq" + hashlib.sha1(self.equals.encode()).hexdigest()[:8]
        )
        return f"c_{self.table}_{self.name}{suffix}"


def _enclosed(term: str) -> bool:
    """Whether a term is one name, literal or parenthesised whole (safe next to ``&``)."""
    if " " not in term:
        return True
    if not (term.startswith("(") and term.endswith(")")):
        return False
    depth = 0
    for position, char in enumerate(term):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position < len(term) - 1:
            return False
    return True


def _paren(term: str) -> str:
    return term if _enclosed(term) else f"({term})"


def _all(*terms: str) -> str:
    """The conjunction of boolean terms, constants folded."""
    kept = [_paren(t) for t in terms if t != "True"]
    if "False" in kept:
        return "False"
    if not kept:
        return "True"
    return kept[0] if len(kept) == 1 else "(" + " & ".join(kept) + ")"


def _any(*terms: str) -> str:
    """The disjunction of boolean terms, constants folded."""
    kept = [_paren(t) for t in terms if t != "False"]
    if "True" in kept:
        return "True"
    if not kept:
        return "False"
    return kept[0] if len(kept) == 1 else "(" + " | ".join(kept) + ")"


def _negate(term: str) -> str:
    return {"True": "False", "False": "True"}.get(term, f"(not {_paren(term)})")


Value = tuple[str, str]
"""A computed value: the variable (or literal) holding it, and the boolean term that
says it is present (``"True"`` when it cannot be missing)."""


class _Source:
    """The generated function's text: fresh variables, indentation, and the values
    already computed in the enclosing scopes (each subexpression is computed once)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0
        self.depth = 1
        self.scopes: list[dict[str, Value]] = [{}]

    def fresh(self, stem: str = "t") -> str:
        self.count += 1
        return f"{stem}{self.count}"

    def add(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def enter(self) -> None:
        """A nested block (a loop body): values computed in it stay in it."""
        self.depth += 1
        self.scopes.append({})

    def leave(self) -> None:
        self.depth -= 1
        self.scopes.pop()

    def known(self, key: str) -> Value | None:
        for scope in reversed(self.scopes):
            if key in scope:
                return scope[key]
        return None

    def assign(self, key: str, value: str, ok: str) -> Value:
        """``value`` (present where ``ok``) in fresh variables, remembered under ``key``."""
        if value in ("True", "False") or value.lstrip("-").isdigit():
            found = (value, ok)
        else:
            name = self.fresh()
            self.add(f"{name} = {value}")
            if ok in ("True", "False"):
                found = (name, ok)
            else:
                self.add(f"{name}_ok = {ok}")
                found = (name, f"{name}_ok")
        self.scopes[-1][key] = found
        return found


_OPS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class _Generator:
    """Writes the kernel of one set of rules for one schema of tables."""

    def __init__(
        self,
        schema: Mapping[str, Mapping[str, pl.DataType]],
        complete: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self.schema = schema
        self.complete = complete  # (table, column) without missing values: no test for them
        self.src = _Source()
        self.columns: dict[str, _Column] = {}  # variable -> column
        self.starts: set[tuple[str, str]] = set()  # (table, key) groupings
        self.params: dict[str, int] = {}  # parameter name -> position
        self.ratios: dict[str, int] = {}  # ratio parameter name -> position
        self.wanted: list[Fact[Any]] = []  # facts the rest of the current rule reads
        self.entity_vars = {"household": "h", "person": "p"}

    # --- row expressions ----------------------------------------------------------------
    def column(self, table: str, name: str, equals: str | None = None) -> _Column:
        dtypes = self.schema.get(table)
        if dtypes is None or name not in dtypes:
            raise KernelUnavailable(f"column {table}.{name} is not in the tables")
        dtype = dtypes[name]
        if equals is not None:
            if dtype != pl.String:
                raise KernelUnavailable(f"{table}.{name} compared with text")
            form = "b8"
        elif dtype == pl.Boolean:
            form = "b8"
        elif dtype in _INT32_LIKE:
            form = "i32"
        elif dtype in _INT64_LIKE:
            form = "i64"
        else:
            raise KernelUnavailable(f"column {table}.{name} of type {dtype}")
        found = _Column(table, name, form, equals)
        self.columns[found.variable] = found
        return found

    def read(self, column: _Column, row: str) -> Value:
        key = f"read {column.variable}[{row}]"
        found = self.src.known(key)
        if found is not None:
            return found
        name = self.src.fresh("x")
        self.src.add(f"{name} = {column.variable}[{row}]")
        complete = (column.table, column.name) in self.complete
        if column.form == "b8":
            ok = "True" if complete else f"{name} != {_BOOL_NULL}"
            value = self.src.assign(key + " value", f"{name} == 1", ok)
        elif complete:
            value = (name, "True")
        else:
            null = _I32_NULL if column.form == "i32" else _I64_NULL
            value = (name, f"({name} != {null})")
        self.src.scopes[-1][key] = value
        return value

    def breakpoint(self, value: Value) -> None:
        """The next month in which a comparison of ``value`` with the month may change."""
        x, ok = value
        # a call rather than branches here: numba compiles a kernel with fewer blocks
        # faster (18 s -> 15 s for the county policy, load 7), and it ran no slower
        self.src.add(f"nxt = _next(nxt, {x}, {_all('track', ok)}, m, first)")

    def every_month(self) -> None:
        """The month is read other than in a comparison: evaluate the next month too."""
        self.src.add("nxt = min(nxt, t + 1)")

    def row(self, node: _rows.Row, table: str, row: str) -> Value:
        key = f"row {table}[{row}] {node.text()}"
        found = self.src.known(key)
        if found is not None:
            return found
        src = self.src
        if isinstance(node, _rows.Column):
            return self.read(self.column(table, node.name), row)
        if isinstance(node, _rows.Value):
            if isinstance(node.value, str):
                raise KernelUnavailable(f"a text value {node.value!r} outside a comparison")
            return repr(node.value), "True"
        if isinstance(node, _rows.MonthRef):  # read other than as a side of a comparison
            self.every_month()
            return "m", "True"
        if isinstance(node, _rows.Compare):
            left, right = node.left, node.right
            if isinstance(right, _rows.Value) and isinstance(right.value, str):
                if not isinstance(left, _rows.Column) or node.op not in ("==", "!="):
                    raise KernelUnavailable(f"text comparison {node.text()}")
                value, ok = self.read(self.column(table, left.name, right.value), row)
                return src.assign(key, value if node.op == "==" else _negate(value), ok)
            a = self.row(left, table, row)
            if isinstance(right, _rows.MonthRef):  # the month on the right (rows.Compare)
                self.breakpoint(a)
                b: Value = ("m", "True")
            else:
                b = self.row(right, table, row)
            return src.assign(key, f"{a[0]} {_OPS[node.op]} {b[0]}", _all(a[1], b[1]))
        if isinstance(node, _rows.Logic):
            a = self.row(node.left, table, row)
            b = self.row(node.right, table, row)
            return self.logic(key, node.op, a, b)
        if isinstance(node, _rows.Invert):
            a = self.row(node.item, table, row)
            return src.assign(key, _negate(a[0]), a[1])
        if isinstance(node, _rows.Missing):
            a = self.row(node.item, table, row)
            return src.assign(key, _negate(a[1]) if node.null else a[1], "True")
        if isinstance(node, _rows.Arithmetic):
            a = self.row(node.left, table, row)
            b = self.row(node.right, table, row)
            return src.assign(key, f"{a[0]} {node.op} {b[0]}", _all(a[1], b[1]))
        if isinstance(node, _rows.When):
            c = self.row(node.condition, table, row)
            v = self.row(node.value, table, row)
            return src.assign(key, v[0], _all(c[1], c[0], v[1]))
        raise KernelUnavailable(f"row expression {node!r}")

    def logic(self, key: str, op: str, a: Value, b: Value) -> Value:
        """Three-valued ``and``/``or`` (as polars: false and missing is false)."""
        (x, x_ok), (y, y_ok) = a, b
        if op in ("&", "and"):
            if x_ok == "True" and y_ok == "True":
                return self.src.assign(key, f"{x} & {y}", "True")
            value = _all(_any(x, _negate(x_ok)), _any(y, _negate(y_ok)))
            ok = _any(_all(x_ok, y_ok), _all(x_ok, _negate(x)), _all(y_ok, _negate(y)))
            return self.src.assign(key, value, ok)
        if x_ok == "True" and y_ok == "True":
            return self.src.assign(key, f"{x} | {y}", "True")
        value = _any(_all(x_ok, x), _all(y_ok, y))
        ok = _any(_all(x_ok, y_ok), _all(x_ok, x), _all(y_ok, y))
        return self.src.assign(key, value, ok)

    # --- facts --------------------------------------------------------------------------
    def facts(self, facts: Sequence[Fact[Any]], entity_var: str) -> None:
        """Compute the facts of the entity in ``entity_var``: the plain ones on its row,
        the others in one loop per table over its rows."""
        by_table: dict[str, list[Fact[Any]]] = {}
        seen: set[str] = set()
        for f in facts:
            if self.src.known(f"fact {f.key()}") is not None or f.key() in seen:
                continue
            seen.add(f.key())
            if f.row is None:
                raise KernelUnavailable(f"fact {f.key()} has no row expression")
            if f.kind not in ("int", "money", "bool", "date"):
                raise KernelUnavailable(f"fact {f.key()} of kind {f.kind}")
            if f.over is not None and f.agg is None:
                raise KernelUnavailable(f"fact {f.key()} aggregates by an expression")
            if f.over is None:
                value = self.row(f.row, ENTITY_TABLES[f.entity], entity_var)
                self.src.scopes[-1][f"fact {f.key()}"] = value
            else:
                by_table.setdefault(f.over, []).append(f)
        for table, group in by_table.items():
            self.aggregate(table, group, entity_var)

    def aggregate(self, table: str, group: Sequence[Fact[Any]], entity_var: str) -> None:
        src = self.src
        key = ENTITY_KEYS[group[0].entity]
        self.starts.add((table, key))
        starts = f"s_{table}_{key}"
        lo, hi = src.fresh("lo"), src.fresh("hi")
        src.add(f"{lo} = {starts}[{entity_var}]")
        src.add(f"{hi} = {starts}[{entity_var} + 1]")
        names = []
        for f in group:
            name = src.fresh("F")
            names.append(name)
            src.add(f"# {f.key()}")
            src.add(f"{name} = {1 if f.agg == 'all' else 0}")
            if f.agg in ("min", "max"):
                src.add(f"{name}_ok = False")
        src.add(f"for r in range({lo}, {hi}):")
        src.enter()
        for f, name in zip(group, names, strict=True):
            assert f.row is not None
            value, ok = self.row(f.row, table, "r")
            if f.agg == "sum":
                if ok == "True":
                    src.add(f"{name} += {value}")
                else:
                    src.add(f"{name} += {value} if {ok} else 0")
            elif f.agg == "any":
                src.add(f"{name} |= {_all(ok, value)}")
            elif f.agg == "all":
                src.add(f"{name} &= {_any(_negate(ok), value)}")
            else:
                better = "<" if f.agg == "min" else ">"
                src.add(f"if {ok} and (not {name}_ok or {value} {better} {name}):")
                src.add(f"    {name} = {value}")
                src.add(f"    {name}_ok = True")
        src.leave()
        for f, name in zip(group, names, strict=True):
            fill = _scalar_physical(f.fill.fen if isinstance(f.fill, Money) else f.fill)
            natural = {"sum": 0, "any": 0, "all": 1}.get(str(f.agg))
            ok = f"{name}_ok" if f.agg in ("min", "max") else "True"
            if fill is None:
                if natural is not None:
                    ok = f"({lo} != {hi})"
            elif natural is None or int(fill) != natural:
                src.add(f"if {lo} == {hi}:")
                src.add(f"    {name} = {int(fill)}")
                if f.agg in ("min", "max"):
                    src.add(f"    {name}_ok = True")
            value = f"({name} != 0)" if f.kind == "bool" else name
            src.scopes[-1][f"fact {f.key()}"] = (value, ok)

    # --- rule expressions ---------------------------------------------------------------
    def param(self, node: ParamRef) -> Value:
        if node.kind == "ratio":
            raise KernelUnavailable(f"ratio parameter {node.name} outside a product")
        position = self.params.setdefault(node.name, len(self.params))
        return f"P{position}[t]", f"(PK{position}[t] != 0)"

    def expr(self, node: Expr, settings: Mapping[str, str]) -> Value:
        src = self.src
        key = f"expr {node.key()}"
        found = src.known(key)
        if found is not None:
            return found
        folded = _fold(node, settings)
        if folded is not _VARIES:
            if folded is None:
                return "0", "False"
            return repr(_scalar_physical(folded)), "True"
        if isinstance(node, Fact):
            value = src.known(f"fact {node.key()}")
            if value is None:  # first read here: with the rule's other facts of its table
                same = [
                    f
                    for f in self.wanted
                    if f.entity == node.entity and f.over == node.over and f.over is not None
                ]
                self.facts([node, *same], self.entity_vars[node.entity])
                value = src.known(f"fact {node.key()}")
            assert value is not None, node.key()
            return value
        if isinstance(node, ParamRef):
            return self.param(node)
        if isinstance(node, MonthIndex):  # read other than as a side of a comparison
            self.every_month()
            return "m", "True"
        if isinstance(node, Compare):
            # a side that is the month: the comparison can change only where the other
            # side's value is met (a month read deeper evaluates every month, above)
            sides = [
                ("m", "True") if isinstance(side, MonthIndex) else self.expr(side, settings)
                for side in (node.left, node.right)
            ]
            a, b = sides
            if isinstance(node.left, MonthIndex) and not isinstance(node.right, MonthIndex):
                self.breakpoint(b)
            elif isinstance(node.right, MonthIndex) and not isinstance(node.left, MonthIndex):
                self.breakpoint(a)
            return src.assign(key, f"{a[0]} {_OPS[node.op]} {b[0]}", _all(a[1], b[1]))
        if isinstance(node, BoolOp):
            parts = [self.expr(i, settings) for i in node.items]
            acc = parts[0]
            for n, part in enumerate(parts[1:]):
                acc = self.logic(f"{key} #{n}", node.op, acc, part)
            src.scopes[-1][key] = acc
            return acc
        if isinstance(node, Not):
            a = self.expr(node.item, settings)
            return src.assign(key, _negate(a[0]), a[1])
        if isinstance(node, IsMissing):
            a = self.expr(node.item, settings)
            return src.assign(key, _negate(a[1]), "True")
        if isinstance(node, Where):
            c = self.expr(node.cond, settings)
            a = self.expr(node.then, settings)
            b = self.expr(node.otherwise, settings)
            chosen = _all(c[1], c[0])
            ok = a[1] if a[1] == b[1] else f"{a[1]} if {chosen} else {b[1]}"
            return src.assign(key, f"{a[0]} if {chosen} else {b[0]}", ok)
        if isinstance(node, Extreme):
            name = src.fresh()
            src.add(f"{name} = 0")
            src.add(f"{name}_ok = False")
            better = "<" if node.op == "min" else ">"
            for item in node.items:
                v, v_ok = self.expr(item, settings)
                src.add(f"if {v_ok} and (not {name}_ok or {v} {better} {name}):")
                src.add(f"    {name} = {v}")
                src.add(f"    {name}_ok = True")
            src.scopes[-1][key] = (name, f"{name}_ok")
            return name, f"{name}_ok"
        if isinstance(node, Arith):
            return self.arith(key, node, settings)
        raise KernelUnavailable(f"expression {node.key()}")

    def arith(self, key: str, node: Arith, settings: Mapping[str, str]) -> Value:
        src = self.src
        op, left, right = node.op, node.left, node.right
        if op == "*" and "ratio" in (left.kind, right.kind):
            money, ratio = (left, right) if right.kind == "ratio" else (right, left)
            v, v_ok = self.expr(money, settings)
            if isinstance(ratio, ParamRef):
                position = self.ratios.setdefault(ratio.name, len(self.ratios))
                num, den, ok = f"RN{position}[t]", f"RD{position}[t]", f"(RD{position}[t] != 0)"
            elif isinstance(ratio, Const):
                if ratio.value is None:
                    return "0", "False"
                assert isinstance(ratio.value, Fraction | int)
                frac = Fraction(ratio.value)
                num, den, ok = str(frac.numerator), str(frac.denominator), "True"
            else:
                raise KernelUnavailable(f"ratio {ratio.key()}: only parameters and constants")
            return src.assign(key, f"_round_div({v}, {num}, {den})", _all(v_ok, ok))
        if op == "/":
            v, v_ok = self.expr(left, settings)
            d, d_ok = self.expr(right, settings)
            divided = f"_round_div({v}, 1, {d})"
            if d_ok != "True":
                divided = f"{divided} if {d_ok} else 0"
            return src.assign(key, divided, _all(v_ok, d_ok))
        a = self.expr(left, settings)
        b = self.expr(right, settings)
        return src.assign(key, f"{a[0]} {op} {b[0]}", _all(a[1], b[1]))


_VARIES = object()


def _fold(node: Expr, settings: Mapping[str, str]) -> object:
    """The value of a subtree made only of constants and settings, or ``_VARIES``."""
    if isinstance(node, Const):
        if node.kind == "ratio":
            return _VARIES  # products take ratios apart
        return node.value
    if isinstance(node, SettingRef):
        return settings[node.name]
    if isinstance(node, Compare):
        a, b = _fold(node.left, settings), _fold(node.right, settings)
        if a is _VARIES or b is _VARIES:
            return _VARIES
        if a is None or b is None:
            return None
        return {
            "==": a == b,
            "!=": a != b,
            "<": a < b,  # type: ignore[operator]
            "<=": a <= b,  # type: ignore[operator]
            ">": a > b,  # type: ignore[operator]
            ">=": a >= b,  # type: ignore[operator]
        }[node.op]
    if isinstance(node, Not):
        inner = _fold(node.item, settings)
        return inner if inner is _VARIES or inner is None else not inner
    return _VARIES


# --- the program ------------------------------------------------------------------------


@attrs.frozen(eq=False)
class _Benefit:
    entity: str
    name: str
    rules: tuple[int, ...]  # positions in the program's rules


@attrs.frozen(eq=False)
class Program:
    """A generated kernel and what to pass it."""

    source: str
    columns: tuple[_Column, ...]
    starts: tuple[tuple[str, str], ...]
    params: tuple[str, ...]
    ratios: tuple[str, ...]
    rules: tuple[Rule, ...]
    benefits: tuple[_Benefit, ...]
    function: Callable[..., None]


_ERR_EMPTY = 1
_ERR_CONFLICT = 2

_HEADER = '''"""A kernel generated by fpcore.rules._kernel from a policy's rules (do not edit)."""

import numba


@numba.njit(cache=True, nogil=True)
def _round_div(x, num, den):
    if den < 0:
        num = -num
        den = -den
    y = x * num
    if den == 1:
        return y
    q = (abs(y) * 2 + den) // (2 * den)
    return -q if y < 0 else q


@numba.njit(cache=True, nogil=True)
def _next(nxt, x, ok, m, first):
    """The next month offset to evaluate, given a value ``x`` compared with the month:
    the comparison can change only in ``x`` (from ``x`` on) or ``x + 1``."""
    if ok and x >= m:
        c = (x + 1 if x == m else x) - first
        if c < nxt:
            return c
    return nxt
'''


def _generate(
    rules: Sequence[Rule],
    settings: Mapping[str, str],
    schema: Mapping[str, Mapping[str, pl.DataType]],
    complete: frozenset[tuple[str, str]] = frozenset(),
) -> tuple[str, _Generator, tuple[_Benefit, ...]]:
    gen = _Generator(schema, complete)
    src = gen.src
    by_entity: dict[str, list[int]] = {"household": [], "person": []}
    for i, rule in enumerate(rules):
        if rule.kind != "money":
            raise KernelUnavailable(f"rule {rule.id} is a status rule")
        by_entity[rule.entity].append(i)
    benefits: list[_Benefit] = []
    for entity in ("household", "person"):
        names: dict[str, list[int]] = {}
        for i in by_entity[entity]:
            names.setdefault(rules[i].benefit, []).append(i)
        benefits.extend(_Benefit(entity, b, tuple(idx)) for b, idx in names.items())

    def facts_of(entity: str, positions: Sequence[int]) -> list[Fact[Any]]:
        found: dict[str, Fact[Any]] = {}
        for i in positions:
            for expr in rules[i].expressions():
                for node in expr.walk():
                    if isinstance(node, Fact) and node.entity == entity:
                        found.setdefault(node.key(), node)
        return list(found.values())

    if facts_of("person", by_entity["household"]):
        raise KernelUnavailable("a household rule reads a person fact")
    src.depth = 3
    src.add("m = first + t")
    src.add("nxt = seg_next[t]")
    _entity_rules(gen, rules, benefits, "household", settings)
    if by_entity["person"]:
        src.add("for p in range(ps[h], ps[h + 1]):")
        src.enter()
        _entity_rules(gen, rules, benefits, "person", settings)
        src.leave()
    src.add("t = nxt")
    columns = sorted(gen.columns)
    starts = [f"s_{table}_{key}" for table, key in sorted(gen.starts)]
    params = [f"P{i}, PK{i}" for i in range(len(gen.params))]
    ratios = [f"RN{i}, RD{i}" for i in range(len(gen.ratios))]
    outs = [f"O{i}, M{i}, C{i}" for i in range(len(benefits))]
    live = [f"L{i}" for i in range(len(rules))]
    arguments = ", ".join(
        [
            "h_lo",
            "h_hi",
            "h0",
            "p0",
            "ps",
            "first",
            "count",
            "seg_next",
            "err",
            *columns,
            *starts,
            *params,
            *ratios,
            *live,
            *outs,
        ]
    )
    lines = [
        _HEADER,
        "",
        "@numba.njit(cache=True, nogil=True)",
        f"def kernel({arguments}):",
        "    track = count > 1",
        "    for h in range(h_lo, h_hi):",
        "        t = 0",
    ]
    lines.append("        while t < count:")
    lines.extend(src.lines)
    lines.append("        if err[0] != 0:")
    lines.append("            return")
    return "\n".join(lines) + "\n", gen, tuple(benefits)


def _facts_in(exprs: Sequence[Expr]) -> list[Fact[Any]]:
    found: dict[str, Fact[Any]] = {}
    for expr in exprs:
        for node in expr.walk():
            if isinstance(node, Fact):
                found.setdefault(node.key(), node)
    return list(found.values())


def _cost(test: Expr, entity: str) -> int:
    """How much a condition reads: nothing but the entity's row (0), its own rows of
    other tables (1 each), its household's rows (2 each). The conditions of a rule are
    all required (a missing one fails), so their order is free: the cheap ones first,
    and the rest only where those hold."""
    tables = {(f.entity, f.over) for f in _facts_in([test]) if f.over is not None}
    return sum(1 if e == entity else 2 for e, _ in tables)


def _entity_rules(
    gen: _Generator,
    rules: Sequence[Rule],
    benefits: Sequence[_Benefit],
    entity: str,
    settings: Mapping[str, str],
) -> None:
    """Each of the entity's benefits' amount of the month (its rules in force summed, a
    missing amount as 0), and its totals as if held to the end of the period (corrected
    at the next step where it changes).

    A rule's conditions are tested cheapest first, each only where the ones before hold,
    and facts are computed where first read: what a failed condition skips cannot change
    the outcome before that condition's own breakpoints, which are collected. Rules with
    the same conditions (a reform's copy of a rule beside the original, in a comparison)
    test them once, and each gives its own outcome where they hold."""
    src = gen.src
    entity_var = "h" if entity == "household" else "p"
    mine = [(number, b) for number, b in enumerate(benefits) if b.entity == entity]
    amounts = {}
    benefit_of = {}
    for number, benefit in mine:
        amounts[number] = src.fresh("a")
        src.add(f"{amounts[number]} = 0")
        for i in benefit.rules:
            benefit_of[i] = number
    groups: dict[tuple[str, ...], list[tuple[int, list[Expr]]]] = {}
    for i in sorted(benefit_of):
        rule = rules[i]
        conditions = sorted(
            (c.test for c in rule.conditions_under(settings)), key=lambda e: _cost(e, entity)
        )
        groups.setdefault(tuple(c.key() for c in conditions), []).append((i, conditions))
    for group in groups.values():
        conditions = group[0][1]
        rests = {}
        for i, _ in group:
            rule = rules[i]
            rest = [*(e.when for e in rule.exceptions), *(e.outcome for e in rule.exceptions)]
            if rule.outcome is not None:
                rest.append(rule.outcome)
            rests[i] = rest
        every_rest = [e for rest in rests.values() for e in rest]
        src.add("# rules " + ", ".join(rules[i].id for i, _ in group))
        src.add("if " + " or ".join(f"L{i}[t] != 0" for i, _ in group) + ":")
        src.enter()
        opened = 1
        for k, test in enumerate(conditions):
            gen.wanted = _facts_in(conditions[k:] + every_rest)
            v, ok = gen.expr(test, settings)
            src.add(f"if {_all(ok, v)}:")
            src.enter()
            opened += 1
        for i, _ in group:
            rule = rules[i]
            amount = amounts[benefit_of[i]]
            if len(group) > 1:
                src.add(f"if L{i}[t] != 0:")
                src.enter()
            gen.wanted = _facts_in(rests[i])
            value, value_ok = _outcome(gen, rule, i, entity_var, settings, "True")
            if value_ok == "True":
                src.add(f"{amount} += {value}")
            else:
                src.add(f"if {value_ok}:")
                src.add(f"    {amount} += {value}")
            if len(group) > 1:
                src.leave()
        for _ in range(opened):
            src.leave()
    gen.wanted = []
    slot = f"{entity_var} - {entity_var}0"  # outputs hold the range's rows only
    for number, _ in mine:
        amount = amounts[number]
        src.add(f"if {amount} != C{number}[{slot}]:")
        src.add("    held = count - t")
        src.add(f"    O{number}[{slot}] += ({amount} - C{number}[{slot}]) * held")
        src.add(
            f"    M{number}[{slot}] += ((1 if {amount} != 0 else 0) - "
            f"(1 if C{number}[{slot}] != 0 else 0)) * held"
        )
        src.add(f"    C{number}[{slot}] = {amount}")


def _outcome(
    gen: _Generator,
    rule: Rule,
    i: int,
    entity_var: str,
    settings: Mapping[str, str],
    applied: str,
) -> Value:
    """The rule's outcome where it applies: the first exception fired (highest priority
    first), else the default; a conflict or no outcome stops the kernel with an error."""
    src = gen.src
    prior = "False"
    chain: list[tuple[str, Value]] = []
    priorities = sorted({e.priority for e in rule.exceptions}, reverse=True)
    for g, priority in enumerate(priorities):
        group = [e for e in rule.exceptions if e.priority == priority]
        fired, outs = [], []
        for e in group:
            w, w_ok = gen.expr(e.when, settings)
            fired.append(_all(w_ok, w))
            outs.append(gen.expr(e.outcome, settings))
        for a in range(len(group)):
            for b in range(a + 1, len(group)):
                (x, x_ok), (y, y_ok) = outs[a], outs[b]
                differ = f"(({x_ok}) != ({y_ok}) or (({x_ok}) and {x} != {y}))"
                both = _all(applied, _negate(prior), fired[a], fired[b])
                src.add(f"if {both} and {differ} and err[0] == 0:")
                for slot, code in enumerate((_ERR_CONFLICT, i, g, a, b)):
                    src.add(f"    err[{slot}] = {code}")
                src.add(f"    err[5] = {entity_var}")
                src.add("    err[6] = m")
        chain.extend(zip(fired, outs, strict=True))
        prior = _any(prior, *fired)
        if prior not in ("True", "False"):
            prior = src.assign(f"prior {rule.id} {g}", prior, "True")[0]
    if rule.outcome is not None:
        value, ok = gen.expr(rule.outcome, settings)
    else:
        value, ok = "0", "False"
        src.add(f"if {_all(applied, _negate(prior))} and err[0] == 0:")
        src.add(f"    err[0] = {_ERR_EMPTY}")
        src.add(f"    err[1] = {i}")
        src.add(f"    err[5] = {entity_var}")
        src.add("    err[6] = m")
    for fired_one, (x, x_ok) in reversed(chain):  # the first fired wins
        value = src.assign(
            f"outcome {rule.id} {value}", f"{x} if {fired_one} else {value}", "True"
        )[0]
        ok = _any(_all(fired_one, x_ok), _all(_negate(fired_one), ok))
    return value, ok


_COMPILED: dict[str, Callable[..., None]] = {}
_LOCK = threading.Lock()


def cache_directory() -> Path:
    """Where generated kernels and numba's compiled code are kept between processes:
    ``$FPCORE_KERNEL_CACHE``, else ``$XDG_CACHE_HOME/fpcore/kernels`` (``~/.cache``)."""
    configured = os.environ.get("FPCORE_KERNEL_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fpcore" / "kernels"


def _compile(source: str) -> Callable[..., None]:
    """The kernel of a generated source, compiled once per process. The source is
    written to the cache directory as a module named after its hash, so that numba
    keeps the machine code beside it and a later process loads it in milliseconds."""
    with _LOCK:
        found = _COMPILED.get(source)
        if found is not None:
            return found
        digest = hashlib.sha256(source.encode()).hexdigest()[:24]
        name = f"fpcore_kernel_{digest}"
        try:
            directory = cache_directory()
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            directory = Path(tempfile.gettempdir()) / "fpcore-kernels"
            directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name}.py"
        if not path.exists() or path.read_text(encoding="utf-8") != source:
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(source, encoding="utf-8")
            partial.replace(path)  # atomic: another process never reads half a file
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # numba's cache finds the module by name
        spec.loader.exec_module(module)  # the generated text, from the rules' trees
        kernel: Callable[..., None] = module.kernel
        _COMPILED[source] = kernel
        return kernel


_POOL: list[ThreadPoolExecutor] = []


def _pool(threads: int) -> ThreadPoolExecutor:
    """The threads that run ranges of households (kept: starting them costs more than a
    small evaluation)."""
    with _LOCK:
        if not _POOL or _POOL[0]._max_workers < threads:
            _POOL[:] = [ThreadPoolExecutor(max_workers=threads, thread_name_prefix="fpcore-kernel")]
        return _POOL[0]


_HOUSEHOLDS_PER_THREAD = 20_000
"""Fewer households than this per core run on one thread (threads would cost more)."""

_PROGRAMS: dict[tuple[object, ...], Program] = {}


def program(
    rules: Sequence[Rule],
    settings: Mapping[str, str],
    schema: Mapping[str, Mapping[str, pl.DataType]],
    complete: frozenset[tuple[str, str]] = frozenset(),
) -> Program:
    """The compiled kernel of ``rules`` (as ``settings`` make them) over tables of
    ``schema`` (``complete``: columns known to hold no missing value, read without a
    test); raises :class:`KernelUnavailable` when a rule or fact cannot be compiled."""
    source, gen, benefits = _generate(rules, settings, schema, complete)
    return Program(
        source=source,
        columns=tuple(gen.columns[v] for v in sorted(gen.columns)),
        starts=tuple(sorted(gen.starts)),
        params=tuple(sorted(gen.params, key=gen.params.__getitem__)),
        ratios=tuple(sorted(gen.ratios, key=gen.ratios.__getitem__)),
        rules=tuple(rules),
        benefits=benefits,
        function=_compile(source),
    )


# --- the population's layout --------------------------------------------------------------


def _column_array(pop: Population, column: _Column, order: np.ndarray | None) -> np.ndarray:
    cache_key = ("kernel_column", column.variable)
    found = pop._cache.get(cache_key)
    if found is None:
        series = pop.table(column.table)[column.name]
        if column.equals is not None:
            series = (series == column.equals).cast(pl.Int8).fill_null(_BOOL_NULL)
            found = series.to_numpy()
        elif column.form == "b8":
            found = series.cast(pl.Int8).fill_null(_BOOL_NULL).to_numpy()
        elif column.form == "i32":
            physical = series.to_physical()
            if physical.dtype != pl.Int32:
                physical = physical.cast(pl.Int32)
            found = (
                physical.fill_null(_I32_NULL).to_numpy()
                if physical.null_count()
                else physical.to_numpy()
            )
        else:
            physical = series.cast(pl.Int64)
            found = (
                physical.fill_null(_I64_NULL).to_numpy()
                if physical.null_count()
                else physical.to_numpy()
            )
        if order is not None:
            found = found[order]
        # read-only whether polars lent its buffer or a copy was made: one numba signature
        found.setflags(write=False)
        pop._cache[cache_key] = found
    assert isinstance(found, np.ndarray)
    return found


def _grouping(
    pop: Population, table: str, key: str, entities: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Where each entity's rows start in ``table`` (``entities + 1`` offsets), and the
    order that sorts the table by ``key`` (None when it is sorted already)."""
    cache_key = ("kernel_grouping", f"{table}.{key}")
    found = pop._cache.get(cache_key)
    if found is None:
        frame = pop.table(table)
        if key not in frame.columns or not pop.keys_within(table, key, entities):
            raise KernelUnavailable(f"{table}.{key} is not a key 0..{entities - 1}")
        keys = frame[key]
        order = None
        values = keys.to_numpy()
        if not keys.is_sorted():
            order = np.argsort(values, kind="stable")
            values = values[order]
        starts = np.searchsorted(values, np.arange(entities + 1), side="left").astype(np.int64)
        starts.setflags(write=False)
        found = (starts, order)
        pop._cache[cache_key] = found
    return found


def _orders(pop: Population, prog: Program, n: Mapping[str, int]) -> dict[str, np.ndarray | None]:
    """Each table's sort order (None: as it is) for the groupings the program reads."""
    orders: dict[str, np.ndarray | None] = {"households": None}
    for table, key in prog.starts:
        entity = "household" if key == HOUSEHOLD_KEY else "person"
        _, order = _grouping(pop, table, key, n[entity])
        if table in orders and (orders[table] is not None or order is not None):
            raise KernelUnavailable(f"table {table} is grouped by two keys in different orders")
        orders[table] = order
    return orders


SPECIALISE_FROM_PERSONS = 100_000
"""From this many persons, the kernel is compiled for the population's columns that hold
no missing value (read without a test: fewer instructions per row). A smaller population
shares one kernel whatever its missing values, so that small evaluations (tests) do not
compile a kernel per pattern of missing values."""


def _complete(pop: Population) -> frozenset[tuple[str, str]]:
    """The (table, column) pairs without a missing value (cached per population)."""
    found = pop._cache.get(("kernel_complete", ""))
    if found is None:
        found = frozenset(
            (name, column.name)
            for name, frame in pop.tables.items()
            for column in frame.get_columns()
            if column.null_count() == 0
        )
        pop._cache[("kernel_complete", "")] = found
    assert isinstance(found, frozenset)
    return found


def _program_for(
    policy: Any, rules: Sequence[Rule], settings: Mapping[str, str], pop: Population
) -> Program:
    """The program of ``rules`` for the tables of ``pop`` (their keys and order checked)."""
    if not available():
        raise KernelUnavailable("numba is not installed (pip install 'fpcore[kernel]')")
    n = {"household": pop.households.height, "person": pop.persons.height}
    if not pop.is_dense("households", HOUSEHOLD_KEY) or not pop.is_dense("persons", PERSON_KEY):
        raise KernelUnavailable("households and persons must be keyed 0..n-1")
    persons = pop.persons[HOUSEHOLD_KEY]
    if not pop.keys_within("persons", HOUSEHOLD_KEY, n["household"]) or not persons.is_sorted():
        raise KernelUnavailable("persons must be sorted by household")
    schema = {name: dict(frame.schema) for name, frame in pop.tables.items()}
    complete = _complete(pop) if n["person"] >= SPECIALISE_FROM_PERSONS else frozenset()
    cache_key = (
        policy.content_hash,
        tuple(r.id for r in rules),
        tuple((t, tuple((c, str(d)) for c, d in s.items())) for t, s in sorted(schema.items())),
        complete,
    )
    prog = _PROGRAMS.get(cache_key)
    if prog is None:
        if len(_PROGRAMS) >= 64:  # many reforms in one process: keep the memory bounded
            _PROGRAMS.clear()
        prog = program(rules, settings, schema, complete)
        _PROGRAMS[cache_key] = prog
    return prog


def prepare(policy: Any, pop: Population, period: Any) -> None:
    """Compile (or load from the cache directory) the kernel that evaluating ``policy``
    over ``pop`` for ``period`` will run, without evaluating it: the population's layout
    is not built. For benchmarks, and for a service that wants its first request fast.

    Raises:
        KernelUnavailable: as :func:`evaluate`.
    """
    from fpcore.rules._batch import _Evaluation, _in

    months = list(period.months())
    evaluation = _Evaluation(policy)
    rules = [p for r, p in zip(policy.rules, evaluation.pruned, strict=True) if _in(r, months)]
    prog = _program_for(policy, rules, evaluation.settings, pop)
    forms = {"b8": np.int8, "i32": np.int32, "i64": np.int64}
    dummies: list[np.ndarray] = [np.zeros(0, dtype=forms[c.form]) for c in prog.columns]
    dummies += [np.zeros(1, dtype=np.int64) for _ in prog.starts]
    for dummy in dummies:
        dummy.setflags(write=False)  # as the layout's arrays
    ps = np.zeros(1, dtype=np.int64)
    ps.setflags(write=False)
    params: list[np.ndarray] = []
    for _ in prog.params:
        params += [np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.uint8)]
    for _ in prog.ratios:
        params += [np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)]
    live = [np.zeros(1, dtype=np.uint8) for _ in prog.rules]
    outs = [np.zeros(1, dtype=np.int64) for _ in range(3 * len(prog.benefits))]
    err = np.zeros(8, dtype=np.int64)
    seg_next = np.ones(1, dtype=np.int64)
    prog.function(0, 0, 0, 0, ps, 0, 1, seg_next, err, *dummies, *params, *live, *outs)


def evaluate(
    policy: Any,
    rules: Sequence[Rule],
    settings: Mapping[str, str],
    pop: Population,
    months: Sequence[Month],
) -> list[Block]:
    """Evaluate ``rules`` over ``pop`` for consecutive ``months``: the rows paid, by ranges
    of households (:data:`Block`: the fen and months paid of each row paid).

    Raises:
        KernelUnavailable: numba is not installed, or the rules or tables cannot be
            compiled (the message says which).
    """
    prog = _program_for(policy, rules, settings, pop)
    inputs = _inputs(prog, policy, months)
    if pop.persons.height > LAYOUT_KEPT_PERSONS:
        ranges = _intervals.household_ranges(pop, _PART_HOUSEHOLDS)
        if ranges is not None:  # a layout per range of households, dropped after it
            blocks: list[Block] = []
            for lo, hi, rows in ranges:
                part, first_person = _intervals.household_range(pop, (lo, hi, rows))
                shift = {"household": lo, "person": first_person}
                for entity, name, base, paid, fen, held in _run(prog, part, inputs):
                    blocks.append((entity, name, base + shift[entity], paid, fen, held))
                del part
            return blocks
    return _run(prog, pop, inputs)


LAYOUT_KEPT_PERSONS = 2_000_000
"""Up to this many persons, a population's layout (its columns as the kernel reads them)
is kept with it, and later evaluations start at once; a larger one is laid out by ranges
of :data:`_PART_HOUSEHOLDS` households, each dropped once evaluated, so that the memory an
evaluation adds stays flat in the population's size."""

_PART_HOUSEHOLDS = 1 << 17


@attrs.frozen(eq=False)
class _Inputs:
    """What the kernel reads besides the tables: the months, the parameters' values and
    the rules in force per month, where a segment of equal ones ends."""

    first: int
    count: int
    seg_next: np.ndarray
    params: tuple[np.ndarray, ...]
    live: tuple[np.ndarray, ...]


def _inputs(prog: Program, policy: Any, months: Sequence[Month]) -> _Inputs:
    count = len(months)
    live = [np.array([r.in_force(m) for m in months], dtype=np.uint8) for r in prog.rules]
    params: list[np.ndarray] = []
    changes = np.zeros(count, dtype=np.bool_)
    readers: dict[str, np.ndarray] = {}  # per parameter: the months a rule reading it is in force
    for position, rule in enumerate(prog.rules):
        for name in policy.parameters_of(rule):
            found = readers.get(name)
            readers[name] = live[position] if found is None else found | live[position]

    def values_of(name: str) -> list[Any]:
        # read only where in force for a rule: a parameter may start after the period does
        needed = readers.get(name, np.zeros(count, dtype=np.uint8))
        return [
            policy.parameters[name].at(m.start) if needed[t] else None for t, m in enumerate(months)
        ]

    for name in prog.params:
        values = values_of(name)
        physical = [_scalar_physical(v) for v in values]
        params.append(np.array([0 if v is None else int(v) for v in physical], dtype=np.int64))
        params.append(np.array([v is not None for v in physical], dtype=np.uint8))
        changes[1:] |= np.array([a != b for a, b in itertools.pairwise(physical)], dtype=np.bool_)
    for name in prog.ratios:
        values = values_of(name)
        fracs = [None if v is None else Fraction(v) for v in values]
        params.append(np.array([0 if f is None else f.numerator for f in fracs], dtype=np.int64))
        params.append(np.array([0 if f is None else f.denominator for f in fracs], dtype=np.int64))
        changes[1:] |= np.array([a != b for a, b in itertools.pairwise(fracs)], dtype=np.bool_)
    for flags in live:
        changes[1:] |= flags[1:] != flags[:-1]
    _check_divisors(prog, policy, months, live)
    seg_next = np.empty(count, dtype=np.int64)
    following = count
    for t in range(count - 1, -1, -1):
        seg_next[t] = following
        if changes[t]:
            following = t
    return _Inputs(months[0].index, count, seg_next, tuple(params), tuple(live))


def _run(prog: Program, pop: Population, inputs: _Inputs) -> list[Block]:
    """The kernel over a population laid out whole (its layout kept with it), by ranges
    of households on the thread pool; only the rows paid are kept."""
    n = {"household": pop.households.height, "person": pop.persons.height}
    ps, _ = _grouping(pop, "persons", HOUSEHOLD_KEY, n["household"])
    orders = _orders(pop, prog, n)
    columns = [_column_array(pop, c, orders.get(c.table)) for c in prog.columns]
    starts = [
        _grouping(pop, table, key, n["household" if key == HOUSEHOLD_KEY else "person"])[0]
        for table, key in prog.starts
    ]
    count = inputs.count
    arrays = (ps, inputs.first, count, inputs.seg_next)
    shared = (*columns, *starts, *inputs.params, *inputs.live)
    n_h = n["household"]
    threads = min(os.cpu_count() or 1, max(1, n_h // _HOUSEHOLDS_PER_THREAD))
    size = min(_RANGE_HOUSEHOLDS, max(1, -(-n_h // threads)))
    bounds = [*range(0, n_h, size), n_h] if n_h else [0, 0]

    def run(part: int) -> tuple[np.ndarray, list[Block]]:
        """One range of households: its own outputs, then only the rows paid."""
        lo, hi = bounds[part], bounds[part + 1]
        p_lo, p_hi = int(ps[lo]), int(ps[hi])
        rows = {"household": hi - lo, "person": p_hi - p_lo}
        outs: list[np.ndarray] = []
        for b in prog.benefits:
            for _ in range(3):  # totals, months paid, the amount held
                outs.append(np.zeros(rows[b.entity], dtype=np.int64))
        err = np.zeros(8, dtype=np.int64)
        prog.function(lo, hi, lo, p_lo, *arrays, err, *shared, *outs)
        found: list[Block] = []
        for number, b in enumerate(prog.benefits):
            fen, months = outs[3 * number], outs[3 * number + 1]
            paid = np.flatnonzero(months)
            base = lo if b.entity == "household" else p_lo
            held = (  # a month: each row paid was paid that month
                np.broadcast_to(np.int64(1), paid.shape) if count == 1 else months.take(paid)
            )
            found.append((b.entity, b.name, base, paid, fen.take(paid), held))
        return err, found

    parts = range(len(bounds) - 1)
    # the kernel releases the GIL: ranges of households on every core
    done = [run(p) for p in parts] if threads == 1 else list(_pool(threads).map(run, parts))
    for err, _ in done:
        if err[0]:
            _raise(prog, err)
    return [block for _, found in done for block in found]


Block = tuple[str, str, int, np.ndarray, np.ndarray, np.ndarray]
"""Rows paid by a range of households: entity, benefit, the range's first row of the
entity, the rows paid (counted from it), their fen and their months paid."""

_RANGE_HOUSEHOLDS = 32_768
"""Households evaluated with one set of outputs: memory bounded by a range (rows paid
aside), not by the population; small enough for the outputs to stay in cache."""


def _check_divisors(
    prog: Program, policy: Any, months: Sequence[Month], live: Sequence[np.ndarray]
) -> None:
    """A division by a parameter that is zero in a month its rule is in force fails as
    in the polars backend."""
    for position, rule in enumerate(prog.rules):
        for expr in rule.expressions():
            for node in expr.walk():
                if (
                    isinstance(node, Arith)
                    and node.op == "/"
                    and isinstance(node.right, ParamRef | Const)
                ):
                    for t, month in enumerate(months):
                        if not live[position][t]:
                            continue
                        value = (
                            node.right.value
                            if isinstance(node.right, Const)
                            else policy.parameters[node.right.name].at(month.start)
                        )
                        if value == 0:
                            raise ZeroDivisionError(f"{node.key()}: division by zero")


def _raise(prog: Program, err: np.ndarray) -> None:
    rule = prog.rules[int(err[1])]
    who_key = ENTITY_KEYS[rule.entity]
    who = f"{who_key.removesuffix('_id')} {int(err[5])}"
    month = Month.from_index(int(err[6]))
    if err[0] == _ERR_EMPTY:
        raise EmptyOutcome(
            f"rule {rule.id}: no outcome for {who} in {month} "
            "(no default, and no exception applied)"
        )
    prio = sorted({e.priority for e in rule.exceptions}, reverse=True)[int(err[2])]
    group = [e for e in rule.exceptions if e.priority == prio]
    labels = (group[int(err[3])].label, group[int(err[4])].label)
    raise ConflictingOutcomes(
        f"rule {rule.id}: exceptions {labels[0]!r} and {labels[1]!r} give different "
        f"outcomes for {who} in {month}"
    )
