"""The expression algebra rules are written in, with static kinds.

An expression is a small tree: constants, fact and parameter references, the
evaluation month, comparisons, and/or/not, arithmetic over money and integers,
``where`` and ``min``/``max``. Every node knows its *kind* (``money``, ``int``,
``bool``, ``ratio``, ``date`` or ``str``), checked when the tree is built, so a rule
that compares money with a number fails at import, not at run time.

Missing values (``None``; a null in a column) propagate through comparisons and
arithmetic; ``&``/``|`` follow three-valued (Kleene) logic; ``min``/``max`` ignore
missing values; a condition that is missing counts as not met.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal, TypeAlias

import attrs
import pendulum

from fpcore.money import Money

Kind: TypeAlias = Literal["money", "int", "bool", "ratio", "date", "str"]
"""The kind of an expression's value."""

KINDS: tuple[Kind, ...] = ("money", "int", "bool", "ratio", "date", "str")

Scalar: TypeAlias = Money | int | bool | Fraction | Decimal | pendulum.Date | str
ExprLike: TypeAlias = "Expr | Scalar"

_COMPARE_OPS = ("==", "!=", "<", "<=", ">", ">=")


class Expr:
    """A node of the expression algebra; build with the functions and operators.

    Python operators build trees rather than compute: ``AGE >= 60`` is a comparison
    node. ``&``, ``|`` and ``~`` are and, or, not; using an expression as a Python
    bool is an error (as in polars), since ``and``/``or`` cannot be overloaded.
    """

    __slots__ = ()
    kind: Kind

    def children(self) -> tuple[Expr, ...]:
        """The direct sub-expressions."""
        return ()

    def key(self) -> str:
        """Canonical text of the tree: stable, used for display, hashes and diffs."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.key()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key()}>"

    def __hash__(self) -> int:
        return hash(self.key())

    def __bool__(self) -> bool:
        raise TypeError(
            f"the truth of an expression ({self.key()}) is not known until evaluation; "
            "use & | ~ instead of and/or/not, and compare trees with .same_as()"
        )

    def same_as(self, other: Expr) -> bool:
        """Structural equality (``==`` builds a comparison node instead)."""
        return type(self) is type(other) and self.key() == other.key()

    def walk(self) -> list[Expr]:
        """This node and all its descendants, depth first."""
        out: list[Expr] = [self]
        for child in self.children():
            out.extend(child.walk())
        return out

    # comparisons
    def __eq__(self, other: object) -> Expr:  # type: ignore[override]
        return compare("==", self, other)  # type: ignore[arg-type]

    def __ne__(self, other: object) -> Expr:  # type: ignore[override]
        return compare("!=", self, other)  # type: ignore[arg-type]

    def __lt__(self, other: ExprLike) -> Expr:
        return compare("<", self, other)

    def __le__(self, other: ExprLike) -> Expr:
        return compare("<=", self, other)

    def __gt__(self, other: ExprLike) -> Expr:
        return compare(">", self, other)

    def __ge__(self, other: ExprLike) -> Expr:
        return compare(">=", self, other)

    # logic
    def __and__(self, other: ExprLike) -> Expr:
        return all_of(self, lift(other))

    def __rand__(self, other: ExprLike) -> Expr:
        return all_of(lift(other), self)

    def __or__(self, other: ExprLike) -> Expr:
        return any_of(self, lift(other))

    def __ror__(self, other: ExprLike) -> Expr:
        return any_of(lift(other), self)

    def __invert__(self) -> Expr:
        return not_(self)

    # arithmetic
    def __add__(self, other: ExprLike) -> Expr:
        return arith("+", self, other)

    def __radd__(self, other: ExprLike) -> Expr:
        return arith("+", other, self)

    def __sub__(self, other: ExprLike) -> Expr:
        return arith("-", self, other)

    def __rsub__(self, other: ExprLike) -> Expr:
        return arith("-", other, self)

    def __mul__(self, other: ExprLike) -> Expr:
        return arith("*", self, other)

    def __rmul__(self, other: ExprLike) -> Expr:
        return arith("*", other, self)

    def __truediv__(self, other: ExprLike) -> Expr:
        return arith("/", self, other)

    def is_missing(self) -> Expr:
        """True where the value is missing (never itself missing)."""
        return IsMissing(item=self)


def render_scalar(value: object) -> str:
    """Canonical text of a constant."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Money):
        return f"Money('{value}')"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, datetime.date):
        return f"date({value.isoformat()})"
    return str(value)


@attrs.frozen(eq=False)
class Const(Expr):
    """A constant of a kind (``value`` None is the missing value of that kind)."""

    value: object
    kind: Kind

    def key(self) -> str:
        return render_scalar(self.value)


@attrs.frozen(eq=False)
class ParamRef(Expr):
    """The value of a policy parameter in force on the first day of the evaluation month."""

    name: str
    kind: Kind

    def key(self) -> str:
        return f"param({self.name!r})"


@attrs.frozen(eq=False)
class SettingRef(Expr):
    """The value of a policy setting (a named convention; text)."""

    name: str
    kind: Kind = "str"

    def key(self) -> str:
        return f"setting({self.name!r})"


@attrs.frozen(eq=False)
class MonthIndex(Expr):
    """The evaluation month as an integer index (``Month.index``)."""

    kind: Kind = "int"

    def key(self) -> str:
        return "month_index"


@attrs.frozen(eq=False)
class Compare(Expr):
    """``left op right``; kind bool."""

    op: str
    left: Expr
    right: Expr
    kind: Kind = "bool"

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def key(self) -> str:
        return f"({self.left.key()} {self.op} {self.right.key()})"


@attrs.frozen(eq=False)
class BoolOp(Expr):
    """``and`` / ``or`` of several conditions."""

    op: Literal["and", "or"]
    items: tuple[Expr, ...]
    kind: Kind = "bool"

    def children(self) -> tuple[Expr, ...]:
        return self.items

    def key(self) -> str:
        return "(" + f" {self.op} ".join(i.key() for i in self.items) + ")"


@attrs.frozen(eq=False)
class Not(Expr):
    """Negation."""

    item: Expr
    kind: Kind = "bool"

    def children(self) -> tuple[Expr, ...]:
        return (self.item,)

    def key(self) -> str:
        return f"not {self.item.key()}"


@attrs.frozen(eq=False)
class IsMissing(Expr):
    """Whether a value is missing."""

    item: Expr
    kind: Kind = "bool"

    def children(self) -> tuple[Expr, ...]:
        return (self.item,)

    def key(self) -> str:
        return f"is_missing({self.item.key()})"


@attrs.frozen(eq=False)
class Arith(Expr):
    """``left op right``: + - over money or ints; money * int / ratio; money / int.

    Multiplying money by a ratio, or dividing it, rounds half up to the fen
    (:func:`fpcore.money.round_to_fen`).
    """

    op: str
    left: Expr
    right: Expr
    kind: Kind

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def key(self) -> str:
        return f"({self.left.key()} {self.op} {self.right.key()})"


@attrs.frozen(eq=False)
class Where(Expr):
    """``then`` where ``cond`` holds, else ``otherwise`` (a missing condition: otherwise)."""

    cond: Expr
    then: Expr
    otherwise: Expr
    kind: Kind

    def children(self) -> tuple[Expr, ...]:
        return (self.cond, self.then, self.otherwise)

    def key(self) -> str:
        return f"where({self.cond.key()}, {self.then.key()}, {self.otherwise.key()})"


@attrs.frozen(eq=False)
class Extreme(Expr):
    """``min`` / ``max`` of values of one kind, ignoring missing values."""

    op: Literal["min", "max"]
    items: tuple[Expr, ...]
    kind: Kind

    def children(self) -> tuple[Expr, ...]:
        return self.items

    def key(self) -> str:
        return f"{self.op}(" + ", ".join(i.key() for i in self.items) + ")"


# --- builders -------------------------------------------------------------------------


def lift(value: ExprLike) -> Expr:
    """A Python value as a constant expression (expressions pass through).

    >>> lift(Money(10)).kind, lift(3).kind, lift(True).kind, lift("deceased").kind
    ('money', 'int', 'bool', 'str')
    >>> lift(0.5)
    Traceback (most recent call last):
    ...
    TypeError: expressions refuse float 0.5: use int, Money, Decimal or Fraction
    """
    if isinstance(value, Expr):
        return value
    if isinstance(value, float):
        raise TypeError(f"expressions refuse float {value!r}: use int, Money, Decimal or Fraction")
    if isinstance(value, bool):
        return Const(value, "bool")
    if isinstance(value, int):
        return Const(value, "int")
    if isinstance(value, Money):
        return Const(value, "money")
    if isinstance(value, Fraction | Decimal):
        return Const(Fraction(value), "ratio")
    if isinstance(value, datetime.date):
        return Const(pendulum.Date(value.year, value.month, value.day), "date")
    if isinstance(value, str):
        return Const(value, "str")
    raise TypeError(f"cannot use {type(value).__name__} {value!r} in an expression")


def const(value: Scalar) -> Expr:
    """A constant (same as :func:`lift`, for readability)."""
    return lift(value)


def missing(kind: Kind) -> Expr:
    """The missing value of a kind (e.g. no amount)."""
    return Const(None, kind)


def param(name: str, kind: Kind = "money") -> Expr:
    """The policy parameter ``name`` (of ``kind``) in force in the evaluation month.

    >>> param("special_assistance.death").key()
    "param('special_assistance.death')"
    """
    if kind not in ("money", "int", "ratio", "date", "bool"):
        raise ValueError(f"a parameter cannot be of kind {kind!r}")
    return ParamRef(name, kind)


def setting(name: str) -> Expr:
    """The policy setting ``name`` (text), e.g. ``setting("ocr_last_month") == "birthday"``."""
    return SettingRef(name)


month_index: Expr = MonthIndex()
"""The evaluation month's integer index, to compare with month-index facts."""


def compare(op: str, left: ExprLike, right: ExprLike) -> Expr:
    """A comparison; both sides must be of the same kind."""
    a, b = lift(left), lift(right)
    if op not in _COMPARE_OPS:
        raise ValueError(f"unknown comparison {op!r}")
    if a.kind != b.kind:
        raise TypeError(f"cannot compare {a.kind} with {b.kind}: {a.key()} {op} {b.key()}")
    if op not in ("==", "!=") and a.kind in ("bool", "str"):
        raise TypeError(f"{a.kind} values can only be compared with == and !=")
    return Compare(op, a, b)


def _check_bool(items: Sequence[Expr]) -> None:
    for item in items:
        if item.kind != "bool":
            raise TypeError(f"{item.key()} is {item.kind}, not a condition (bool)")


def all_of(*items: ExprLike) -> Expr:
    """Every condition holds (Kleene and)."""
    exprs = _flatten("and", [lift(i) for i in items])
    _check_bool(exprs)
    return exprs[0] if len(exprs) == 1 else BoolOp("and", tuple(exprs))


def any_of(*items: ExprLike) -> Expr:
    """At least one condition holds (Kleene or)."""
    exprs = _flatten("or", [lift(i) for i in items])
    _check_bool(exprs)
    return exprs[0] if len(exprs) == 1 else BoolOp("or", tuple(exprs))


def _flatten(op: str, exprs: list[Expr]) -> list[Expr]:
    out: list[Expr] = []
    for e in exprs:
        if isinstance(e, BoolOp) and e.op == op:
            out.extend(e.items)
        else:
            out.append(e)
    if not out:
        raise ValueError(f"{op} needs at least one condition")
    return out


def not_(item: ExprLike) -> Expr:
    """The condition does not hold."""
    expr = lift(item)
    _check_bool([expr])
    return Not(expr)


_ARITH: dict[tuple[str, str, str], Kind] = {
    ("+", "money", "money"): "money",
    ("-", "money", "money"): "money",
    ("+", "int", "int"): "int",
    ("-", "int", "int"): "int",
    ("*", "int", "int"): "int",
    ("*", "money", "int"): "money",
    ("*", "int", "money"): "money",
    ("*", "money", "ratio"): "money",
    ("*", "ratio", "money"): "money",
    ("/", "money", "int"): "money",
}


def arith(op: str, left: ExprLike, right: ExprLike) -> Expr:
    """Arithmetic; the allowed kinds are listed in :class:`Arith`."""
    a, b = lift(left), lift(right)
    kind = _ARITH.get((op, a.kind, b.kind))
    if kind is None:
        raise TypeError(f"cannot compute {a.kind} {op} {b.kind}: {a.key()} {op} {b.key()}")
    return Arith(op, a, b, kind)


def where(cond: ExprLike, then: ExprLike, otherwise: ExprLike | None = None) -> Expr:
    """``then`` if ``cond`` holds, else ``otherwise`` (missing when not given).

    >>> where(lift(True), Money(20), Money(10)).kind
    'money'
    """
    c, t = lift(cond), lift(then)
    _check_bool([c])
    o = missing(t.kind) if otherwise is None else lift(otherwise)
    if t.kind != o.kind:
        raise TypeError(f"where branches differ: {t.kind} vs {o.kind}")
    return Where(c, t, o, t.kind)


def _extreme(op: Literal["min", "max"], items: Sequence[ExprLike]) -> Expr:
    exprs = [lift(i) for i in items]
    if not exprs:
        raise ValueError(f"{op} needs at least one value")
    kinds = {e.kind for e in exprs}
    if len(kinds) != 1 or next(iter(kinds)) not in ("money", "int", "date"):
        raise TypeError(f"{op} needs values of one kind among money, int, date; got {kinds}")
    return Extreme(op, tuple(exprs), exprs[0].kind)


def minimum(*items: ExprLike) -> Expr:
    """The smallest of the values (missing values ignored)."""
    return _extreme("min", items)


def maximum(*items: ExprLike) -> Expr:
    """The largest of the values (missing values ignored)."""
    return _extreme("max", items)


def rebuilt(node: Expr, children: tuple[Expr, ...]) -> Expr:
    """``node`` with new children, in the order ``children()`` gives them (for passes that
    rewrite a tree: settings folded, parameters renamed).

    Example:
        >>> tree = const(1) + const(2)
        >>> str(rebuilt(tree, (const(3), const(4))))
        '(3 + 4)'
    """
    if isinstance(node, Where):
        return attrs.evolve(node, cond=children[0], then=children[1], otherwise=children[2])
    if isinstance(node, BoolOp | Extreme):
        return attrs.evolve(node, items=children)
    if isinstance(node, Not | IsMissing):
        return attrs.evolve(node, item=children[0])
    if isinstance(node, Compare | Arith):
        return attrs.evolve(node, left=children[0], right=children[1])
    raise TypeError(f"cannot rebuild {node!r}")  # pragma: no cover - every node with children
