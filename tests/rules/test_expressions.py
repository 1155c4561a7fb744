"""The expression algebra: kinds, missing values, rounding, and single == batch per node."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import reduce
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.money import Money
from fpcore.periods import Month
from fpcore.rules import (
    Expr,
    Fact,
    all_of,
    any_of,
    const,
    fact,
    maximum,
    minimum,
    missing,
    month_index,
    not_,
    param,
    where,
)
from fpcore.rules._columnar import _Env, to_polars
from fpcore.rules._compile import Ctx, compile_expr

MONTH = Month(year=2012, month=3)


def _get(key: str) -> Any:
    return lambda row, month: row[key]


A: Fact[dict[str, object]] = fact("person", "int", columnar=lambda m: pl.col("a"), name="a")(
    _get("a")
)
B: Fact[dict[str, object]] = fact("person", "int", columnar=lambda m: pl.col("b"), name="b")(
    _get("b")
)
M: Fact[dict[str, object]] = fact("person", "money", columnar=lambda m: pl.col("m"), name="m")(
    _get("m")
)
P: Fact[dict[str, object]] = fact("person", "bool", columnar=lambda m: pl.col("p"), name="p")(
    _get("p")
)
Q: Fact[dict[str, object]] = fact("person", "bool", columnar=lambda m: pl.col("q"), name="q")(
    _get("q")
)
PARAMS: dict[str, object] = {"ratio": Fraction(3, 10), "fee": Money("10.05"), "n": 3}


def single(expr: Expr, row: dict[str, object]) -> object:
    fn = compile_expr(expr, "person", {})
    return fn(Ctx(MONTH, PARAMS, row, row, {}, {}))


def batch(expr: Expr, rows: list[dict[str, object]]) -> list[object]:
    frame = pl.DataFrame(
        [
            {
                "a": r["a"],
                "b": r["b"],
                "m": None if r["m"] is None else r["m"].fen,  # type: ignore[attr-defined]
                "p": r["p"],
                "q": r["q"],
            }
            for r in rows
        ],
        schema={"a": pl.Int64, "b": pl.Int64, "m": pl.Int64, "p": pl.Boolean, "q": pl.Boolean},
    ).rename({"a": "person.a", "b": "person.b", "m": "person.m", "p": "person.p", "q": "person.q"})
    column = frame.select(to_polars(expr, _Env(MONTH, PARAMS, {})).alias("x"))["x"].to_list()
    if expr.kind == "money":
        return [None if v is None else Money.from_fen(v) for v in column]
    return column


LEAF: Expr = A
EXPRESSIONS: list[Expr] = [
    A >= 60,
    A == B,
    A != 3,
    A + B * 2 - 1,
    M + M,
    M * 3,
    M * param("ratio", "ratio"),
    M * Decimal("0.5"),
    M / 3,
    M / param("n", "int"),
    M - param("fee"),
    all_of(P, Q),
    any_of(P, Q),
    not_(P),
    P & (A > B),
    where(P, M, Money(1)),
    where(Q, A),
    minimum(A, B, 5),
    maximum(A, B),
    minimum(M, param("fee")),
    A.is_missing(),
    where(month_index >= A, M * 2, M),
    # constants the generated code folds when it is compiled
    all_of(P, const(True)),
    all_of(P, missing("bool"), Q),
    any_of(const(False), Q, missing("bool")),
    any_of(P, const(True), Q),
    where(const(True), A, B),
    where(missing("bool"), A, B),
    missing("int") == A,
    not_(missing("bool")) | P,
    missing("int").is_missing() & Q,
    missing("money") + M,
    M + missing("money"),
    month_index >= A,
    # deeper than one generated function nests: subtrees become functions of their own
    reduce(lambda e, i: where(i < A, e, B - i), range(60), LEAF),
    all_of(*[P | (i < A) for i in range(30)]),
]

ints = st.none() | st.integers(-50, 24300)
money = st.none() | st.integers(-100_000, 100_000).map(Money.from_fen)
bools = st.none() | st.booleans()
rows = st.fixed_dictionaries({"a": ints, "b": ints, "m": money, "p": bools, "q": bools})


@settings(max_examples=60, deadline=None)
@given(st.lists(rows, min_size=1, max_size=20))
def test_single_equals_batch_for_every_expression(data: list[dict[str, object]]) -> None:
    for expr in EXPRESSIONS:
        assert [single(expr, r) for r in data] == batch(expr, data), expr.key()


def test_a_rule_is_one_generated_function() -> None:
    from fpcore.policies import get
    from fpcore.rules._compile import CompiledRule

    policy = get("county")
    compiled = CompiledRule(policy.rule("RA"), policy.settings_in_force())
    source = compiled.decide.__doc__ or ""
    assert source.startswith("def decide(c):")
    assert "setting(" not in source  # settings are decided when the rule is compiled


def test_three_valued_logic() -> None:
    row: dict[str, object] = {"a": None, "b": 1, "m": None, "p": None, "q": False}
    assert single(all_of(P, Q), row) is False
    assert single(any_of(P, Q), row) is None
    assert single(any_of(P, ~Q), row) is True
    assert single(A >= 60, row) is None
    assert single(where(P, 1, 2), row) == 2


def test_rounding_is_half_up_at_the_fen() -> None:
    row: dict[str, object] = {"a": 0, "b": 0, "m": Money("0.05"), "p": True, "q": True}
    assert single(M * Fraction(1, 2), row) == Money("0.03")
    assert single(M / 2, row) == Money("0.03")
    row["m"] = Money("-0.05")
    assert single(M * Fraction(1, 2), row) == Money("-0.03")
    row["m"] = Money(500)
    assert single(M / 3, row) == Money("166.67")


def test_kinds_are_checked_when_the_tree_is_built() -> None:
    with pytest.raises(TypeError, match="cannot compare money with int"):
        _ = M > 0
    with pytest.raises(TypeError, match="cannot compute"):
        _ = M * M
    with pytest.raises(TypeError, match="refuse float"):
        _ = A > 0.5  # type: ignore[operator]
    with pytest.raises(TypeError, match="not a condition"):
        all_of(A, P)
    with pytest.raises(TypeError, match="where branches differ"):
        where(P, 1, Money(1))
    with pytest.raises(TypeError, match="only be compared with =="):
        _ = P < Q


def test_an_expression_is_not_a_python_bool() -> None:
    with pytest.raises(TypeError, match=r"use & \| ~"):
        bool(A > 1)


def test_keys_are_canonical_and_readable() -> None:
    expr = where(P & (A >= 60), param("fee") * 2, Money(0))
    assert expr.key() == (
        "where((person.p and (person.a >= 60)), (param('fee') * 2), Money('0.00'))"
    )
    assert expr.same_as(where(P & (A >= 60), param("fee") * 2, Money(0)))
    assert not expr.same_as(A >= 60)
