"""Facts: named derived quantities on an entity for a month, with two implementations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, Literal, TypeAlias, TypeVar

import attrs

from fpcore.periods import Month
from fpcore.rules._expr import Expr, Kind
from fpcore.rules.rows import Row

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ENTITIES", "Aggregation", "Entity", "Fact", "fact"]

Aggregation: TypeAlias = Literal["sum", "min", "max", "all", "any"]
"""How a fact declared ``over`` a table combines that table's rows (nulls ignored)."""

Entity: TypeAlias = Literal["person", "household"]
"""The entities rules apply to."""

ENTITIES: tuple[Entity, ...] = ("person", "household")

T = TypeVar("T")


@attrs.frozen(eq=False, kw_only=True)
class Fact(Expr, Generic[T]):
    """A named quantity on a person or household in a month; usable in expressions.

    Args:
        name: the fact's name, unique in a policy.
        entity: ``"person"`` or ``"household"``.
        kind: the kind of its values (``money`` facts are ``Money``; in tables, fen).
        python: ``f(entity_object, month) -> value`` over the domain objects.
        row: what the fact reads in one row, as a row expression
            (:func:`fpcore.rules.col`, :data:`fpcore.rules.MONTH`): of the entity's
            table, or with ``over``, of table ``over``, combined per entity by ``agg``.
            The polars expression, the breakpoints of time as intervals and the
            compiled kernel all follow from it (``columnar`` is then derived).
        columnar: ``g(month) -> polars expression``, for a fact no row expression
            can say: over the entity's table; with ``over``, a row-level expression
            over table ``over`` that ``agg`` combines per entity key (or, when
            ``agg`` is None, an aggregation expression run in a ``group_by``; slower).
        over: the name of a population table aggregated by the entity key.
        agg: ``sum``, ``min``, ``max``, ``all`` or ``any`` of the rows' values.
        fill: the value for entities that have no rows in ``over`` (else missing).
        description: what the fact means, for docs and traces.

    The two implementations must agree; a property test should hold them equal.
    """

    name: str
    entity: Entity
    kind: Kind
    python: Callable[[T, Month], object]
    columnar: Callable[[Month], pl.Expr] | None = None
    row: Row | None = None
    over: str | None = None
    agg: Aggregation | None = None
    fill: object = None
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if self.row is not None:
            if self.columnar is not None:
                raise ValueError(f"fact {self.name!r}: give row= or columnar=, not both")
            object.__setattr__(self, "columnar", _RowColumnar(self.row))
        if self.agg is not None and self.over is None:
            raise ValueError(f"fact {self.name!r}: agg needs over=<table>")
        if self.entity not in ENTITIES:
            raise ValueError(f"fact {self.name!r}: entity must be one of {ENTITIES}")

    def key(self) -> str:
        return f"{self.entity}.{self.name}"

    def signature(self) -> dict[str, object]:
        """Canonical description for the policy hash (code is named, not hashed)."""
        return {
            "name": self.name,
            "entity": self.entity,
            "kind": self.kind,
            "python": _qualname(self.python),
            "columnar": (
                None
                if self.columnar is None
                else self.row.text()
                if self.row is not None
                else _qualname(self.columnar)
            ),
            "over": self.over,
            "agg": self.agg,
            "fill": repr(self.fill),
        }


class _RowColumnar:
    """A fact's polars expression for a month, from its row expression."""

    __slots__ = ("row",)

    def __init__(self, row: Row) -> None:
        self.row = row

    def __call__(self, month: Month) -> pl.Expr:
        return self.row.polars(month.index)


def _qualname(fn: object) -> str:
    module = getattr(fn, "__module__", "?")
    name = getattr(fn, "__qualname__", type(fn).__name__)
    return f"{module}.{name}"


def fact(
    entity: Entity,
    kind: Kind,
    *,
    columnar: Callable[[Month], pl.Expr] | None = None,
    row: Row | None = None,
    over: str | None = None,
    agg: Aggregation | None = None,
    fill: object = None,
    name: str | None = None,
) -> Callable[[Callable[[T, Month], object]], Fact[T]]:
    """Decorator: turn ``f(entity_object, month)`` into a :class:`Fact` named after it.

    Example:
        >>> @fact("person", "int")
        ... def age(person: dict[str, int], month: Month) -> int:
        ...     return month.year - person["birth_year"]
        >>> age.key(), (age >= 60).key()
        ('person.age', '(person.age >= 60)')
    """

    def wrap(fn: Callable[[T, Month], object]) -> Fact[T]:
        return Fact(
            name=name or fn.__name__,
            entity=entity,
            kind=kind,
            python=fn,
            columnar=columnar,
            row=row,
            over=over,
            agg=agg,
            fill=fill,
            description=(fn.__doc__ or "").strip().split("\n")[0],
        )

    return wrap
