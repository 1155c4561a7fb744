"""Row expressions: what a fact reads in one row of a table, written once.

A fact over a population table (:class:`~fpcore.rules.Fact` with ``row=``) says what
each row contributes in month ``m`` as a small expression over the row's columns and
the month's index (:data:`MONTH`), for instance ``(col("join_index") <= MONTH)`` for a
child who has joined by the month. From that one definition follow:

- the polars expression of a month (:meth:`Row.polars`), or of months held in a
  column (stacked copies of households, :func:`fpcore.rules._intervals`);
- the columns compared with the month (:meth:`Row.month_columns`): the only months in
  which the fact can change for an entity are ``v`` and ``v + 1`` for the values ``v``
  of those columns in its rows, the breakpoints of time as intervals;
- the compiled per-household kernel's code (:mod:`fpcore.rules._kernel`).

Values follow polars' rules for missing values (``null``): a comparison or sum with a
missing value is missing, ``&`` and ``|`` use three-valued logic, and an aggregation
skips missing rows.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

import attrs

if TYPE_CHECKING:
    import polars as pl

__all__ = ["MONTH", "Row", "col", "lit", "when"]

RowLike: TypeAlias = "Row | int | bool | str"

CompareOp: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]


class Row:
    """A row-level expression over a table's columns and the month.

    Example:
        >>> joined = col("join_index") <= MONTH
        >>> joined.text()
        '(join_index <= month)'
        >>> sorted(joined.month_columns() or ())
        ['join_index']
    """

    __hash__ = object.__hash__
    precedence: ClassVar[int] = 0

    def children(self) -> tuple[Row, ...]:
        return ()

    def walk(self) -> Iterator[Row]:
        yield self
        for child in self.children():
            yield from child.walk()

    def text(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"Row({self.text()})"

    # --- building ----------------------------------------------------------------------
    def _compare(self, op: CompareOp, other: RowLike) -> Row:
        return _compare(op, self, lift(other))

    def __eq__(self, other: object) -> Row:  # type: ignore[override]
        return self._compare("==", other)  # type: ignore[arg-type]

    def __ne__(self, other: object) -> Row:  # type: ignore[override]
        return self._compare("!=", other)  # type: ignore[arg-type]

    def __lt__(self, other: RowLike) -> Row:
        return self._compare("<", other)

    def __le__(self, other: RowLike) -> Row:
        return self._compare("<=", other)

    def __gt__(self, other: RowLike) -> Row:
        return self._compare(">", other)

    def __ge__(self, other: RowLike) -> Row:
        return self._compare(">=", other)

    def __and__(self, other: RowLike) -> Row:
        return Logic("&", self, lift(other))

    def __or__(self, other: RowLike) -> Row:
        return Logic("|", self, lift(other))

    def __invert__(self) -> Row:
        return Invert(self)

    def __add__(self, other: RowLike) -> Row:
        return Arithmetic("+", self, lift(other))

    def __sub__(self, other: RowLike) -> Row:
        return Arithmetic("-", self, lift(other))

    def __floordiv__(self, other: int) -> Row:
        return Arithmetic("//", self, lift(other))

    def __mul__(self, other: RowLike) -> Row:
        return Arithmetic("*", self, lift(other))

    def is_null(self) -> Row:
        """True where the value is missing (never missing itself)."""
        return Missing(self, True)

    def is_not_null(self) -> Row:
        """True where the value is present (never missing itself)."""
        return Missing(self, False)

    # --- what follows from the definition ----------------------------------------------
    def columns(self) -> frozenset[str]:
        """The columns the expression reads."""
        return frozenset(n.name for n in self.walk() if isinstance(n, Column))

    def reads_month(self) -> bool:
        return any(isinstance(n, MonthRef) for n in self.walk())

    def month_columns(self) -> frozenset[str] | None:
        """The columns compared with the month, when the month is read only in
        comparisons ``column op month`` (then the value can change only in the months
        ``v`` and ``v + 1`` of their values ``v``); None if it is read otherwise."""
        found: set[str] = set()

        def visit(node: Row) -> bool:
            if isinstance(node, MonthRef):
                return False
            if isinstance(node, Compare) and isinstance(node.right, MonthRef):
                if isinstance(node.left, Column):
                    found.add(node.left.name)
                    return True
                return False
            return all(visit(child) for child in node.children())

        return frozenset(found) if visit(self) else None

    def polars(self, month: int | pl.Expr) -> pl.Expr:
        """The polars expression, the month given as its index or as an expression
        (a column of month indexes)."""
        raise NotImplementedError


def lift(value: RowLike) -> Row:
    """A row expression for a Python value (literals), or the expression itself."""
    if isinstance(value, Row):
        return value
    if isinstance(value, bool | int | str):
        return Value(value)
    raise TypeError(f"not a row expression: {value!r}")


@attrs.frozen(eq=False)
class Column(Row):
    name: str
    precedence: ClassVar[int] = 9

    def text(self) -> str:
        return self.name

    def polars(self, month: int | pl.Expr) -> pl.Expr:
        import polars as pl

        return pl.col(self.name)


@attrs.frozen(eq=False)
class Value(Row):
    value: bool | int | str

    def text(self) -> str:
        return repr(self.value)

    def polars(self, month: int | pl.Expr) -> pl.Expr:
        import polars as pl

        if isinstance(self.value, bool):
            return pl.lit(self.value, dtype=pl.Boolean)
        if isinstance(self.value, int):
            return pl.lit(self.value, dtype=pl.Int64)
        return pl.lit(self.value, dtype=pl.String)


@attrs.frozen(eq=False)
class MonthRef(Row):
    def text(self) -> str:
        return "month"

    def polars(self, month: int | pl.Expr) -> pl.Expr:
        import polars as pl

        return pl.lit(month, dtype=pl.Int64) if isinstance(month, int) else month


_OPERATORS: dict[CompareOp, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

_MIRROR: dict[CompareOp, CompareOp] = {
    "==": "==",
    "!=": "!=",
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
}


def _compare(op: CompareOp, left: Row, right: Row) -> Row:
    # the month on the right, so that analyses look at one shape
    if isinstance(left, MonthRef) and not isinstance(right, MonthRef):
        return Compare(_MIRROR[op], right, left)
    return Compare(op, left, right)


@attrs.frozen(eq=False)
class Compare(Row):
    op: CompareOp
    left: Row
    right: Row

    def children(self) -> tuple[Row, ...]:
        return (self.left, self.right)

    def text(self) -> str:
        return f"({self.left.text()} {self.op} {self.right.text()})"

    def polars(self, month: int | pl.Expr) -> pl.Expr:
        compare: Callable[[pl.Expr, pl.Expr], pl.Expr] = _OPERATORS[self.op]
        return compare(self.left.polars(month), self.right.polars(month))


@attrs.frozen(eq=False)
class Logic(Row):
    op: Literal["&", "|"]
    left: Row
    right: Row

    def children(self) -> tuple[Row, ...]:
        return (self.left, self.right)

    def text(self) -> str:
        return f"({self.left.text()} {self.op} {self.right.text()})"

    def polars(self, month: int | pl.Expr) -> pl.Expr:
        a, b = self.left.polars(month), self.right.polars(month)
        return a & b if self.op == "&" else a | b


@attrs.frozen(eq=False)
class Invert(Row):
    item: Row

    def children(self) -> tuple[Row, ...]:
        return (self.item,)

    def text(self) -> str:
        return f"~{self.item.text()}"

    def polars(self, month: int | pl.Expr) -> pl.Expr:
        return ~self.item.polars(month)


@attrs.frozen(eq=False)
class Missing(Row):
    item: Row
    null: bool  # True: is_null; False: is_not_null

    def children(self) -> tuple[Row, ...]:
        return (self.item,)

    def text(self) -> str:
        return f"{self.item.text()}.{'is_null' if self.null else 'is_not_null'}()"

    def polars(self, month: int | pl.Expr) -> pl.Expr:
        inner = self.item.polars(month)
        return inner.is_null() if self.null else inner.is_not_null()


@attrs.frozen(eq=False)
class Arithmetic(Row):
    op: Literal["+", "-", "*", "//"]
    left: Row
    right: Row

    def children(self) -> tuple[Row, ...]:
        return (self.left, self.right)

    def text(self) -> str:
        return f"({self.left.text()} {self.op} {self.right.text()})"

    def polars(self, month: int | pl.Expr) -> pl.Expr:
        a, b = self.left.polars(month), self.right.polars(month)
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        if self.op == "*":
            return a * b
        return a // b


@attrs.frozen(eq=False)
class When(Row):
    """``value`` where ``condition`` holds, else missing (aggregations skip it)."""

    condition: Row
    value: Row

    def children(self) -> tuple[Row, ...]:
        return (self.condition, self.value)

    def text(self) -> str:
        return f"when({self.condition.text()}, {self.value.text()})"

    def polars(self, month: int | pl.Expr) -> pl.Expr:
        import polars as pl

        return pl.when(self.condition.polars(month)).then(self.value.polars(month))


MONTH: Row = MonthRef()
"""The month's index (``year * 12 + month - 1``) in a row expression."""


def col(name: str) -> Row:
    """A column of the table the fact reads.

    Example:
        >>> (col("death_index").is_null() | (col("death_index") >= MONTH)).text()
        '(death_index.is_null() | (death_index >= month))'
    """
    return Column(name)


def lit(value: bool | int | str) -> Row:
    """A literal value."""
    return Value(value)


def when(condition: Row, value: RowLike) -> Row:
    """``value`` where ``condition`` holds, else missing (skipped by aggregations).

    Example:
        >>> when(col("is_female"), col("age49_index")).text()
        'when(is_female, age49_index)'
    """
    return When(condition, lift(value))
