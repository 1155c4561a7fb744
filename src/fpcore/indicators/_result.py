"""The indicator value: an exact ratio with its unit, basis, period, area and definition.

This module also holds the one presentation-rounding rule for indicators
(:func:`present`) and the population-basis error.
"""

from __future__ import annotations

import enum
import html
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import attrs

from fpcore.errors import InvalidInput, Problem
from fpcore.periods import Period


class Unit(enum.Enum):
    """The unit an indicator is published in, with the factor that scales the ratio.

    >>> Unit.PER_MILLE.scale, Unit.PER_MILLE.symbol
    (1000, '‰')
    """

    PER_MILLE = "per mille"
    PERCENT = "percent"
    PER_100_GIRLS = "boys per 100 girls"
    CHILDREN_PER_WOMAN = "children per woman"

    @property
    def scale(self) -> int:
        """What the plain ratio numerator / denominator is multiplied by."""
        return _SCALES[self]

    @property
    def symbol(self) -> str:
        """The suffix printed after a shown value."""
        return _SYMBOLS[self]


_SCALES = {
    Unit.PER_MILLE: 1000,
    Unit.PERCENT: 100,
    Unit.PER_100_GIRLS: 100,
    Unit.CHILDREN_PER_WOMAN: 1,
}
_SYMBOLS = {
    Unit.PER_MILLE: "‰",
    Unit.PERCENT: "%",
    Unit.PER_100_GIRLS: ":100",
    Unit.CHILDREN_PER_WOMAN: " children per woman",
}


class PopulationBasis(enum.Enum):
    """Which population the counts of an indicator belong to.

    ``REGISTERED`` is the 户籍 population (household registration here);
    ``RESIDENT`` is the 常住 population (usually living here). A rate's numerator and
    denominator must share one basis.
    """

    REGISTERED = "registered"
    RESIDENT = "resident"


class MixedPopulationBasis(InvalidInput):
    """Counts of the registered (户籍) and the resident (常住) population were mixed.

    A subclass of :class:`~fpcore.errors.InvalidInput` (so also ``ValueError``);
    ``problems`` names every input on the other basis.
    """


@attrs.frozen(kw_only=True)
class Definition:
    """The official definition of one indicator: formula, denominator, unit, source.

    ``proportion`` means the numerator counts a subset of the denominator, so the rate
    lies between 0 and the unit's scale; ``signed`` allows a negative numerator (natural
    growth); ``additive`` means areas combine by summing numerators and denominators
    (every indicator except the total fertility rate, which is a sum of rates);
    ``population_based`` means the counts carry a population basis.
    """

    key: str
    name: str
    chinese: str
    formula: str
    denominator: str
    unit: Unit
    source: str
    places: int = 2
    proportion: bool = False
    signed: bool = False
    additive: bool = True
    population_based: bool = True


def _to_fraction(value: int | Decimal | Fraction) -> Fraction:
    if isinstance(value, float):
        raise TypeError(f"indicators refuse float ({value!r}): pass an int, Decimal or Fraction")
    if isinstance(value, bool):
        raise TypeError(f"indicators refuse bool ({value!r}) as a count")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidInput(f"{value!r} is not a finite number")
        return Fraction(value)
    raise TypeError(f"expected int, Decimal or Fraction, not {type(value).__name__}")


def present(value: Fraction, places: int) -> Decimal:
    """Round an exact value half up (四舍五入) to ``places`` decimals: the one rule for shown rates.

    Exact: the value is first truncated (toward zero) to ``places + 1`` digits, which
    keeps the half-up decision intact, and then quantized with ``ROUND_HALF_UP``.
    Negative values round half away from zero.

    >>> present(Fraction(4658, 513000) * 1000, 2)
    Decimal('9.08')
    >>> present(Fraction(1, 200), 2), present(Fraction(-1, 200), 2), present(Fraction(1, 3), 1)
    (Decimal('0.01'), Decimal('-0.01'), Decimal('0.3'))
    """
    sign = -1 if value < 0 else 1
    magnitude = abs(value) * 10 ** (places + 1)
    truncated = magnitude.numerator // magnitude.denominator
    with localcontext() as context:
        context.prec = max(28, len(str(truncated)) + 2)
        return (
            Decimal(sign * truncated)
            .scaleb(-(places + 1))
            .quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        )


def plain(value: Fraction) -> str:
    """A count or exact quantity as text: whole, exact decimal, or ``p/q``.

    >>> plain(Fraction(1026001, 2)), plain(Fraction(1, 3))
    ('513000.5', '1/3')
    """
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:  # a terminating decimal: show it exactly
        with localcontext() as context:
            context.prec = 60
            return str(Decimal(value.numerator) / Decimal(value.denominator))
    return f"{value.numerator}/{value.denominator}"


@attrs.frozen(kw_only=True, str=False)
class AgeGroup:
    """Ages ``first`` to ``last`` in completed years (周岁), both included.

    >>> str(AgeGroup(first=15, last=19)), AgeGroup(first=15, last=19).width
    ('15-19', 5)
    """

    first: int
    last: int

    def __attrs_post_init__(self) -> None:
        problems = []
        for name in ("first", "last"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(Problem(name, f"{value!r} is not an age in whole years"))
        if not problems and self.last < self.first:
            problems.append(Problem("last", f"{self.last} is below the first age {self.first}"))
        if problems:
            raise InvalidInput(problems)

    @property
    def width(self) -> int:
        """How many single years of age the group spans."""
        return self.last - self.first + 1

    def __str__(self) -> str:
        return f"{self.first}-{self.last}"


@attrs.frozen(kw_only=True, str=False, repr=False)
class Indicator:
    """One indicator for one area and period: an exact ratio, never a float.

    The exact value is ``numerator / denominator * unit.scale`` (:attr:`rate`, a
    ``Fraction``); it is rounded half up only when shown (:meth:`rounded`, ``str()``),
    to ``definition.places`` decimals. A zero denominator is *undefined*: ``rate`` is
    ``None`` and the indicator shows as ``undefined``; no ZeroDivisionError, no fake 0.

    Args:
        definition: the official definition (see :data:`DEFINITIONS`).
        numerator: the count (or exact quantity) on top.
        denominator: the count below; an average population may be a half.
        basis: 户籍 or 常住 for population indicators, ``None`` for the others.
        period: the period the counts cover.
        area: the area, as a label (registers use ``county/township/village``).
        ages: the age group of an age-specific fertility rate.
        note: a setting that shaped the figure (e.g. the defect denominator).

    Raises:
        InvalidInput: a negative count, a numerator above its denominator for a
            proportion, or a basis missing (or present) where it must not be.
        TypeError: a float.

    Example:
        >>> from fpcore.indicators import rate_satisfaction
        >>> r = rate_satisfaction(satisfied=962, valid_responses=1000)
        >>> r.rate, r.rounded(), str(r)
        (Fraction(481, 5), Decimal('96.2'), '96.2%')
        >>> str(rate_satisfaction(satisfied=0, valid_responses=0))
        'undefined (0 / 0)'
        >>> r
        Indicator('satisfaction_rate', 962/1000, shown='96.2%')
    """

    definition: Definition
    numerator: Fraction = attrs.field(converter=_to_fraction)
    denominator: Fraction = attrs.field(converter=_to_fraction)
    basis: PopulationBasis | None = None
    period: Period | None = None
    area: str = ""
    ages: AgeGroup | None = None
    note: str = ""

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        d = self.definition
        if self.denominator < 0:
            problems.append(Problem("denominator", f"{plain(self.denominator)} is negative"))
        if self.numerator < 0 and not d.signed:
            problems.append(Problem("numerator", f"{plain(self.numerator)} is negative"))
        if d.proportion and self.numerator > self.denominator:
            problems.append(
                Problem(
                    "numerator",
                    f"{plain(self.numerator)} exceeds the denominator "
                    f"{plain(self.denominator)} ({d.name} counts a subset of it)",
                )
            )
        if d.population_based and self.basis is None:
            problems.append(Problem("basis", f"{d.name} needs a population basis (户籍 or 常住)"))
        if not d.population_based and self.basis is not None:
            problems.append(Problem("basis", f"{d.name} is not a population indicator"))
        if problems:
            raise InvalidInput(problems)

    @property
    def key(self) -> str:
        """The definition's key, e.g. ``crude_birth_rate``."""
        return self.definition.key

    @property
    def unit(self) -> Unit:
        """The unit the rate is expressed in."""
        return self.definition.unit

    @property
    def defined(self) -> bool:
        """False when the denominator is zero."""
        return self.denominator != 0

    @property
    def rate(self) -> Fraction | None:
        """The exact value in the indicator's unit, or ``None`` when undefined."""
        if self.denominator == 0:
            return None
        return self.numerator / self.denominator * self.unit.scale

    def rounded(self, places: int | None = None) -> Decimal | None:
        """The value rounded half up for showing (``None`` when undefined)."""
        rate = self.rate
        if rate is None:
            return None
        return present(rate, self.definition.places if places is None else places)

    def shown(self, places: int | None = None) -> str:
        """The value as published, e.g. ``9.08‰``, ``105.95:100`` or ``undefined``."""
        value = self.rounded(places)
        return "undefined" if value is None else f"{value}{self.unit.symbol}"

    @property
    def name(self) -> str:
        """The indicator's English name, with its age group if any."""
        suffix = f" {self.ages}" if self.ages is not None else ""
        return f"{self.definition.name}{suffix}"

    def __str__(self) -> str:
        if not self.defined:
            return f"undefined ({plain(self.numerator)} / {plain(self.denominator)})"
        return self.shown()

    def __repr__(self) -> str:
        parts = [f"{self.key!r}"]
        if self.ages is not None:
            parts.append(f"ages='{self.ages}'")
        if self.area:
            parts.append(f"area={self.area!r}")
        if self.period is not None:
            parts.append(f"period='{self.period}'")
        if self.basis is not None:
            parts.append(f"basis='{self.basis.value}'")
        parts.append(f"{plain(self.numerator)}/{plain(self.denominator)}")
        parts.append(f"shown={self.shown()!r}")
        return f"Indicator({', '.join(parts)})"

    def _repr_html_(self) -> str:
        """A small HTML table for Jupyter; every value is escaped."""
        d = self.definition
        rows = [
            ("indicator", f"{self.name} ({d.chinese})"),
            ("value", self.shown()),
            ("numerator", plain(self.numerator)),
            ("denominator", f"{plain(self.denominator)} ({d.denominator})"),
            ("area", self.area),
            ("period", "" if self.period is None else str(self.period)),
            ("basis", "" if self.basis is None else self.basis.value),
            ("formula", d.formula),
            ("source", d.source),
        ]
        if self.note:
            rows.append(("note", self.note))
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        return f"<table class='fpcore-indicator'>{body}</table>"


def check_same_basis(
    bases: Sequence[PopulationBasis | None], paths: Sequence[str], *, expected: PopulationBasis
) -> None:
    """Raise :class:`MixedPopulationBasis` naming every input not on ``expected``."""
    problems = [
        Problem(path, f"is on the {b.value} basis, expected {expected.value}")
        for b, path in zip(bases, paths, strict=True)
        if b is not None and b is not expected
    ]
    if problems:
        raise MixedPopulationBasis(problems)
