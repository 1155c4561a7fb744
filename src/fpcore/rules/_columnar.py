"""Expression trees compiled to polars expressions (the batch evaluator's compiler)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import reduce
from typing import Any

import polars as pl

from fpcore.money import Money
from fpcore.periods import Month
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
from fpcore.rules._rule import Rule

_DTYPES: dict[str, Any] = {
    "money": pl.Int64,
    "int": pl.Int64,
    "bool": pl.Boolean,
    "date": pl.Date,
    "str": pl.String,
}


def _lit(value: object, kind: str) -> pl.Expr:
    if value is None:
        return pl.lit(None, dtype=_DTYPES[kind])
    if isinstance(value, Money):
        return pl.lit(value.fen, dtype=pl.Int64)
    if isinstance(value, datetime.date):
        return pl.lit(datetime.date(value.year, value.month, value.day), dtype=pl.Date)
    return pl.lit(value, dtype=_DTYPES[kind])


class _Env:
    def __init__(
        self, month: Month, params: Mapping[str, object], settings: Mapping[str, str]
    ) -> None:
        self.month = month
        self.params = params
        self.settings = settings
        self.hoisted: dict[str, str] = {}  # subtree key -> column computed per household
        self.byte_booleans: set[str] = set()  # hoisted columns holding booleans as 0/1 bytes
        self.coded_booleans: set[str] = set()  # ... as bytes 0/1, and 2 for missing
        self.month_column: str | None = None  # rows of several months: the month's column

    def scalar(self, node: Expr) -> object:
        if isinstance(node, Const):
            return node.value
        if isinstance(node, ParamRef):
            return self.params[node.name]
        raise TypeError(f"{node.key()} must be a constant or parameter in batch evaluation")


def _round_div(x: pl.Expr, num: int, den: int) -> pl.Expr:
    """x * num / den rounded half away from zero, in integers (as round_to_fen)."""
    if den < 0:
        num, den = -num, -den
    y = x * num if num != 1 else x
    if den == 1:
        return y
    q = (y.abs() * 2 + den) // (2 * den)
    return pl.when(y < 0).then(-q).otherwise(q)


def to_polars(node: Expr, env: _Env) -> pl.Expr:
    """Compile an expression tree to a polars expression for one month."""
    if env.hoisted:
        column = env.hoisted.get(node.key())
        if column is not None:
            if column in env.byte_booleans:
                return pl.col(column).cast(pl.Boolean)
            if column in env.coded_booleans:
                return pl.when(pl.col(column) < 2).then(pl.col(column) == 1)
            return pl.col(column)
    if isinstance(node, Const):
        return _lit(node.value, node.kind)
    if isinstance(node, ParamRef):
        return _lit(env.params[node.name], node.kind)
    if isinstance(node, SettingRef):
        return pl.lit(env.settings[node.name], dtype=pl.String)
    if isinstance(node, MonthIndex):
        if env.month_column is not None:
            return pl.col(env.month_column).cast(pl.Int64)
        return pl.lit(env.month.index, dtype=pl.Int64)
    if isinstance(node, Fact):
        return pl.col(node.key())
    if isinstance(node, Compare):
        a, b = to_polars(node.left, env), to_polars(node.right, env)
        ops = {
            "==": a.__eq__,
            "!=": a.__ne__,
            "<": a.__lt__,
            "<=": a.__le__,
            ">": a.__gt__,
            ">=": a.__ge__,
        }
        return ops[node.op](b)
    if isinstance(node, BoolOp):
        parts = [to_polars(i, env) for i in node.items]
        if node.op == "and":
            return reduce(lambda x, y: x & y, parts)
        return reduce(lambda x, y: x | y, parts)
    if isinstance(node, Not):
        return ~to_polars(node.item, env)
    if isinstance(node, IsMissing):
        return to_polars(node.item, env).is_null()
    if isinstance(node, Arith):
        return _arith(node, env)
    if isinstance(node, Where):
        chosen = _constant(node.cond, env)
        if chosen is not _VARIES:  # a setting or a date test: compile only the branch taken
            if chosen is True:
                return to_polars(node.then, env)
            return to_polars(node.otherwise, env)
        return (
            pl.when(to_polars(node.cond, env))
            .then(to_polars(node.then, env))
            .otherwise(to_polars(node.otherwise, env))
        )
    if isinstance(node, Extreme):
        items = [to_polars(i, env) for i in node.items]
        return pl.min_horizontal(items) if node.op == "min" else pl.max_horizontal(items)
    raise TypeError(f"cannot compile {node!r} to polars")


_VARIES = object()


def _constant(node: Expr, env: _Env) -> object:
    """The value of a test that is the same for every row this month (settings,
    parameters, the month), or ``_VARIES``; missing is None, as in the single evaluator."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, ParamRef):
        return env.params[node.name]
    if isinstance(node, SettingRef):
        return env.settings[node.name]
    if isinstance(node, MonthIndex):
        return env.month.index
    if isinstance(node, Not):
        inner = _constant(node.item, env)
        return inner if inner is _VARIES or inner is None else not inner
    if isinstance(node, Compare):
        left, right = _constant(node.left, env), _constant(node.right, env)
        if left is _VARIES or right is _VARIES:
            return _VARIES
        if left is None or right is None:
            return None
        compare = {
            "==": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
        }
        return bool(compare[node.op](left, right))
    return _VARIES


def _arith(node: Arith, env: _Env) -> pl.Expr:
    op, left, right = node.op, node.left, node.right
    if op == "*" and "ratio" in (left.kind, right.kind):
        money, ratio = (left, right) if right.kind == "ratio" else (right, left)
        value = env.scalar(ratio)
        if value is None:
            return pl.lit(None, dtype=pl.Int64)
        assert isinstance(value, Fraction | int)
        frac = Fraction(value)
        return _round_div(to_polars(money, env), frac.numerator, frac.denominator)
    if op == "/":
        divisor = env.scalar(right)
        if divisor is None:
            return pl.lit(None, dtype=pl.Int64)
        if divisor == 0:
            raise ZeroDivisionError(f"{node.key()}: division by zero")
        assert isinstance(divisor, int)
        return _round_div(to_polars(left, env), 1, divisor)
    a, b = to_polars(left, env), to_polars(right, env)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    return a * b


def _household_only(node: Expr) -> bool:
    """Whether a tree reads household facts and no person fact nor anything per person."""
    facts = [n for n in node.walk() if isinstance(n, Fact)]
    return bool(facts) and all(f.entity == "household" for f in facts)


def _hoistable(rules: Sequence[Rule]) -> dict[str, Expr]:
    """The largest household-only subtrees of person rules, by key.

    They are computed once per household and looked up per person, which moves
    work from the person table to the (smaller) household table and looks up a few
    results instead of every household fact.
    """
    found: dict[str, Expr] = {}

    def visit(node: Expr) -> None:
        if _household_only(node):
            found.setdefault(node.key(), node)
        else:
            for child in node.children():
                visit(child)

    for rule in rules:
        for expr in rule.expressions():
            visit(expr)
    return found
