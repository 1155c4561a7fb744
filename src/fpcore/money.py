"""Exact money in yuan, to the fen, and exact allocation.

:class:`Money` is an immutable amount of yuan with at most two decimal places. It
refuses ``float`` (binary fractions cannot hold 0.1 yuan) and never rounds on its own:
an amount with more than two decimals is an error, and the only place fpcore rounds is
:func:`round_to_fen` (half up, 四舍五入), called by name where a division happens.
Splitting into cost shares or instalments uses the largest-remainder method, so the
parts always sum to the total, to the fen.

Example:
    >>> allocate(Money("900000.00"), {"city": 2, "county": 8})
    {'city': Money('180000.00'), 'county': Money('720000.00')}
    >>> split(Money("500"), 3)
    [Money('166.67'), Money('166.67'), Money('166.66')]
    >>> Money("500").divide(3)
    Money('166.67')
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Context, Decimal, Overflow
from fractions import Fraction
from typing import TypeVar

from fpcore.errors import InvalidInput, shown

__all__ = [
    "AMOUNT_PATTERN",
    "FEN",
    "MAX_FEN",
    "ZERO",
    "Money",
    "allocate",
    "round_to_fen",
    "split",
    "total",
]

K = TypeVar("K", bound=Hashable)

_FEN_EXPONENT = Decimal("0.01")

AMOUNT_PATTERN = r"-?[0-9]{1,16}(\.[0-9]{1,2})?"
"""The only text :class:`Money` reads (and the JSON Schema states): ASCII digits, an
optional minus, at most 16 digits of yuan (:data:`MAX_FEN`) and two decimals; no
spaces, ``+``, ``_``, exponent or other scripts' digits."""

_AMOUNT_TEXT = re.compile(AMOUNT_PATTERN)


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, float):
        raise TypeError(
            f"Money refuses float ({value!r}): pass a str such as '10.50', an int or a Decimal"
        )
    if isinstance(value, bool):
        raise TypeError(f"Money refuses bool ({value!r})")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        if _AMOUNT_TEXT.fullmatch(value) is None:
            loose = re.fullmatch(r"-?([0-9]+)(?:\.([0-9]+))?", value)
            if loose is not None and len(loose[1]) > 16:
                raise InvalidInput(
                    f"{shown(value)} is beyond the largest amount fpcore handles "
                    f"({Money.from_fen(MAX_FEN)} yuan)"
                )
            if loose is not None:
                raise InvalidInput(
                    f"{shown(value)} has more than two decimal places; "
                    "round explicitly with fpcore.money.round_to_fen"
                )
            raise InvalidInput(
                f"{shown(value)} is not an amount of yuan (expected digits with at most two "
                "decimals, e.g. '10.50')"
            )
        return Decimal(value)
    raise TypeError(f"Money takes str, int or Decimal, not {type(value).__name__}")


class Money:
    """An exact amount of yuan, a whole number of fen.

    Args:
        value: ``"10.50"``, ``10`` or ``Decimal("10.5")``; at most two decimal places.

    Raises:
        TypeError: ``value`` is a float (or another non-numeric type).
        InvalidInput: it is not a finite number, is too large (beyond Decimal's exponent
            range), or has more than two decimal places.

    Example:
        >>> Money("10.5") + Money(2)
        Money('12.50')
        >>> Money("10") * 2
        Money('20.00')
        >>> str(Money("180000"))
        '180000.00'
        >>> Money(0.1)
        Traceback (most recent call last):
        ...
        TypeError: Money refuses float (0.1): pass a str such as '10.50', an int or a Decimal
    """

    __slots__ = ("_fen",)
    _fen: int

    def __init__(self, value: str | int | Decimal) -> None:
        amount = _to_decimal(value)
        if not amount.is_finite():
            raise InvalidInput(f"{shown(value)} is not a finite amount of yuan")
        # scaleb in a context as wide as the amount shifts the exponent and keeps every
        # digit; `amount * 100` in the default 28-digit context would round wide amounts.
        try:
            fen = amount.scaleb(2, Context(prec=len(amount.as_tuple().digits)))
        except Overflow:  # beyond Decimal's exponent range (e.g. '1e999999')
            raise InvalidInput(f"{shown(value)} is too large an amount of yuan") from None
        if fen != fen.to_integral_value():
            raise InvalidInput(
                f"{shown(value)} has more than two decimal places; "
                "round explicitly with fpcore.money.round_to_fen"
            )
        object.__setattr__(self, "_fen", _in_range(int(fen), value))

    @classmethod
    def from_fen(cls, fen: int) -> Money:
        """An amount given as a whole number of fen.

        >>> Money.from_fen(16667)
        Money('166.67')
        """
        if isinstance(fen, bool) or not isinstance(fen, int):
            raise TypeError(f"fen must be an int, not {type(fen).__name__}")
        money = object.__new__(cls)
        object.__setattr__(money, "_fen", _in_range(fen, fen))
        return money

    @property
    def fen(self) -> int:
        """The amount as a whole number of fen."""
        return self._fen

    @property
    def amount(self) -> Decimal:
        """The amount in yuan as a Decimal with exactly two places."""
        return Decimal(str(self))  # exact; scaleb(-2) would round past 28 digits

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Money is immutable")

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return (Money.from_fen, (self._fen,))

    # arithmetic: exact, so no rounding is ever needed here
    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money.from_fen(self._fen + other._fen)

    def __radd__(self, other: object) -> Money:
        # lets sum() start from 0
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money.from_fen(self._fen - other._fen)

    def __neg__(self) -> Money:
        return Money.from_fen(-self._fen)

    def __abs__(self) -> Money:
        return Money.from_fen(abs(self._fen))

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented  # a fractional factor must say how it rounds: use .multiply
        return Money.from_fen(self._fen * factor)

    __rmul__ = __mul__

    def multiply(self, factor: int | Decimal | Fraction) -> Money:
        """Multiply by any exact factor, rounding the result half up to the fen.

        >>> Money("960").multiply(Decimal("0.3"))
        Money('288.00')
        """
        return round_to_fen(Fraction(self._fen, 100) * _exact(factor))

    def divide(self, divisor: int | Decimal | Fraction) -> Money:
        """Divide by an exact divisor, rounding the result half up to the fen.

        >>> Money("960").divide(12)
        Money('80.00')
        """
        exact = _exact(divisor)
        if exact == 0:
            raise ZeroDivisionError("cannot divide an amount by zero")
        return round_to_fen(Fraction(self._fen, 100) / exact)

    def ratio(self, other: Money) -> Fraction:
        """The exact ratio of two amounts.

        >>> Money("720").ratio(Money("960"))
        Fraction(3, 4)
        """
        if other._fen == 0:
            raise ZeroDivisionError("cannot take a ratio to a zero amount")
        return Fraction(self._fen, other._fen)

    # comparison and hashing
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._fen == other._fen

    def __hash__(self) -> int:
        return hash(("Money", self._fen))

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._fen < other._fen

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._fen <= other._fen

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._fen > other._fen

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._fen >= other._fen

    def __bool__(self) -> bool:
        return self._fen != 0

    def __str__(self) -> str:
        sign = "-" if self._fen < 0 else ""
        yuan, fen = divmod(abs(self._fen), 100)
        return f"{sign}{yuan}.{fen:02d}"

    def __repr__(self) -> str:
        return f"Money('{self}')"


MAX_FEN = 10**18 - 1
"""The largest amount in fen (9,999,999,999,999,999.99 yuan, 16 digits of yuan): it fits
a 64-bit integer column, so an amount means the same in one household and in a
population table, and it is exactly what :data:`AMOUNT_PATTERN` (the JSON Schema's
amount pattern) can write."""


def _in_range(fen: int, given: object) -> int:
    if not -MAX_FEN <= fen <= MAX_FEN:
        raise InvalidInput(
            f"{shown(given)} is beyond the largest amount fpcore handles ({MAX_FEN} fen)"
        )
    return fen


ZERO = Money.from_fen(0)
"""No money."""

FEN = Money.from_fen(1)
"""One fen, the smallest amount."""


def _exact(value: int | Decimal | Fraction) -> Fraction:
    if isinstance(value, float):
        raise TypeError(f"refusing float {value!r}: use int, Decimal or Fraction")
    if isinstance(value, bool):
        raise TypeError(f"refusing bool {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidInput(f"{value!r} is not a finite number")
    if isinstance(value, int | Decimal | Fraction):
        return Fraction(value)
    raise TypeError(f"expected int, Decimal or Fraction, not {type(value).__name__}")


def round_to_fen(value: Decimal | Fraction | int) -> Money:
    """Round an exact number of yuan half up (四舍五入) to the fen: the one rounding rule.

    Negative amounts round half away from zero, like ``ROUND_HALF_UP``.

    >>> round_to_fen(Decimal("166.665"))
    Money('166.67')
    >>> round_to_fen(Fraction(500, 3))
    Money('166.67')
    >>> round_to_fen(Decimal("-0.005"))
    Money('-0.01')
    """
    exact = _exact(value)
    if isinstance(value, Decimal):
        # one rounding, straight to the fen, in a context wide enough for every digit
        # (`value * 100` in the default 28-digit context would round half-even first).
        room = Context(prec=max(28, value.adjusted() + 4))
        fen = value.quantize(_FEN_EXPONENT, rounding=ROUND_HALF_UP, context=room)
        return Money.from_fen(int(fen.scaleb(2, room)))
    scaled = exact * 100
    sign = -1 if scaled < 0 else 1
    magnitude = abs(scaled)
    whole, remainder = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * remainder >= magnitude.denominator:  # half or more: away from zero
        whole += 1
    return Money.from_fen(sign * whole)


def allocate(total: Money, ratios: Mapping[K, int | Decimal | Fraction]) -> dict[K, Money]:
    """Share ``total`` by ``ratios`` so that the parts sum exactly to ``total``.

    Each part gets the whole fen of its exact share; the fen left over go one each to
    the parts with the largest remainders (ties to the earlier key). Ratios must be
    non-negative and not all zero.

    Raises:
        InvalidInput: a negative ratio, no ratios, or all ratios zero.

    >>> allocate(Money("100"), {"a": 1, "b": 1, "c": 1})
    {'a': Money('33.34'), 'b': Money('33.33'), 'c': Money('33.33')}
    """
    if not ratios:
        raise InvalidInput("no ratios to allocate by", path="ratios")
    weights = {key: _exact(weight) for key, weight in ratios.items()}
    bad = [key for key, weight in weights.items() if weight < 0]
    if bad:
        raise InvalidInput(f"negative ratio for {bad!r}", path="ratios")
    weight_sum = sum(weights.values(), Fraction(0))
    if weight_sum == 0:
        raise InvalidInput("all ratios are zero", path="ratios")
    sign = -1 if total.fen < 0 else 1
    magnitude = abs(total.fen)
    floors: dict[K, int] = {}
    remainders: list[tuple[Fraction, int, K]] = []
    for order, (key, weight) in enumerate(weights.items()):
        exact = magnitude * weight / weight_sum
        whole = exact.numerator // exact.denominator
        floors[key] = whole
        remainders.append((exact - whole, -order, key))
    leftover = magnitude - sum(floors.values())
    for _, _, key in sorted(remainders, reverse=True)[:leftover]:
        floors[key] += 1
    return {key: Money.from_fen(sign * fen) for key, fen in floors.items()}


def split(total: Money, parts: int) -> list[Money]:
    """Split ``total`` into ``parts`` instalments as equal as possible, earlier ones larger.

    >>> split(Money("960"), 4)
    [Money('240.00'), Money('240.00'), Money('240.00'), Money('240.00')]
    """
    if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
        raise InvalidInput(f"{parts!r} is not a positive number of parts", path="parts")
    shares = allocate(total, dict.fromkeys(range(parts), 1))
    return [shares[i] for i in range(parts)]


def total(amounts: Iterable[Money]) -> Money:
    """The sum of amounts (ZERO for none)."""
    return sum(amounts, ZERO)
