"""Spans: runs of consecutive months with one outcome, the compact reasons of a decision.

A :class:`Span` says, for one benefit and one beneficiary, either "paid so much a month
from this month to that one" or "not paid from this month to that one, because these
conditions did not hold". The type does not depend on how the spans are computed; today
the single evaluator derives them from its monthly results (:func:`merge_months`).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from fpcore.money import ZERO, Money
from fpcore.periods import Month
from fpcore.rules._facts import Entity

__all__ = [
    "AMOUNT_UNKNOWN",
    "AMOUNT_ZERO",
    "NOT_IN_FORCE",
    "BenefitSpans",
    "Span",
    "merge_months",
]

NOT_IN_FORCE = "NOT_IN_FORCE"
"""The reason code of an unpaid month in which no rule of the benefit was in force."""

AMOUNT_UNKNOWN = "AMOUNT_UNKNOWN"
"""The reason code of a month whose rule applied but whose amount could not be known."""

AMOUNT_ZERO = "AMOUNT_ZERO"
"""The reason code of a month whose rule applied and gave an amount of 0.00."""


@attrs.frozen(kw_only=True)
class Span:
    """Consecutive months (both ends included) with the same outcome and reasons.

    A paid span has its ``monthly`` amount; an unpaid one has ``monthly`` None and the
    codes of the conditions that did not hold (``failed``), of which ``unknown`` are the
    ones that could not be decided for want of a value.

    Example:
        >>> span = Span(first=Month(year=2017, month=1), last=Month(year=2017, month=5),
        ...             monthly=Money("20"))
        >>> span.paid, span.months, str(span.total)
        (True, 5, '100.00')
    """

    first: Month
    last: Month
    monthly: Money | None = None
    failed: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.last.index < self.first.index:
            raise ValueError(f"span ends ({self.last}) before it starts ({self.first})")
        if self.monthly is not None and self.failed:
            raise ValueError("a paid span has no failed conditions")

    @property
    def paid(self) -> bool:
        """Whether the span carries an amount."""
        return self.monthly is not None

    @property
    def months(self) -> int:
        """How many months the span covers."""
        return self.last.index - self.first.index + 1

    @property
    def total(self) -> Money:
        """The amount over the span (0.00 when unpaid)."""
        return ZERO if self.monthly is None else self.monthly * self.months


@attrs.frozen(kw_only=True)
class BenefitSpans:
    """One benefit for one beneficiary over a decision's period, as spans in order.

    The spans cover the period exactly, month after month, without overlap.
    """

    benefit: str
    entity: Entity
    beneficiary_id: int | str
    household_id: int | str
    spans: tuple[Span, ...]

    @property
    def total(self) -> Money:
        """The amount over the period."""
        return sum((s.total for s in self.spans), ZERO)

    @property
    def paid(self) -> bool:
        """Whether any month is paid."""
        return any(s.paid for s in self.spans)


Outcome = tuple[Money | None, tuple[str, ...], tuple[str, ...]]
"""A month's outcome: (amount or None, failed codes, unknown codes)."""


def merge_months(months: Iterable[tuple[Month, Outcome]]) -> tuple[Span, ...]:
    """Spans from monthly outcomes, in month order: equal neighbours become one span.

    Example:
        >>> m = Month.parse
        >>> spans = merge_months([
        ...     (m("2017-04"), (Money(20), (), ())),
        ...     (m("2017-05"), (Money(20), (), ())),
        ...     (m("2017-06"), (None, ("CHILD_UNDER_18",), ())),
        ... ])
        >>> [(str(s.first), str(s.last), s.monthly) for s in spans]
        [('2017-04', '2017-05', Money('20.00')), ('2017-06', '2017-06', None)]
        >>> spans[1].failed
        ('CHILD_UNDER_18',)
    """
    out: list[Span] = []
    first: Month | None = None
    last: Month | None = None
    current: Outcome | None = None
    for month, outcome in months:
        if (
            first is not None
            and last is not None
            and outcome == current
            and month.index == last.index + 1
        ):
            last = month
            continue
        if first is not None and last is not None and current is not None:
            out.append(_span(first, last, current))
        first, last, current = month, month, outcome
    if first is not None and last is not None and current is not None:
        out.append(_span(first, last, current))
    return tuple(out)


def _span(first: Month, last: Month, outcome: Outcome) -> Span:
    amount, failed, unknown = outcome
    return Span(first=first, last=last, monthly=amount, failed=failed, unknown=unknown)
