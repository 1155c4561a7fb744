"""Option types and validators shared by the commands (each names its option on error).

Validators raise :class:`typer.BadParameter`, which the command line reports as
``Invalid value for '--policy': unknown policy 'County'; did you mean 'county'? ...``
with exit code 2. They import the part of fpcore they check only when called.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import typer

from fpcore.cli._contract import note, unknown

if TYPE_CHECKING:
    import pendulum

    from fpcore.periods import Period
    from fpcore.rules import Policy


class Lang(enum.StrEnum):
    """Languages of decision texts."""

    en = "en"
    zh = "zh"


def check_policy(value: str | None) -> str | None:
    """A catalogue policy id, or a usage error with the closest id."""
    if value is None:
        return None
    from fpcore.policies import list_policies

    known = list_policies()
    if value not in known:
        raise unknown("policy", value, known)
    return value


def check_period(value: str) -> str:
    """A period text that parses (``2017``, ``2017Q1``, ``2017-03``, ``2017-01..2017-06``)."""
    from fpcore.errors import InvalidInput
    from fpcore.periods import parse_period

    try:
        parse_period(value)
    except InvalidInput as error:
        raise typer.BadParameter("; ".join(p.message for p in error.problems)) from None
    return value


def check_date(value: str | None) -> str | None:
    """A day, ``YYYY-MM-DD``."""
    if value is None:
        return None
    from fpcore.errors import InvalidInput
    from fpcore.serialization import parse_date

    try:
        parse_date(value)
    except InvalidInput as error:
        raise typer.BadParameter("; ".join(p.message for p in error.problems)) from None
    return value


def in_force(policy: Policy) -> str:
    """What a policy has in force, as a sentence: each rule's start (and end), and the
    date of the latest dated parameter value.

    Example:
        >>> from fpcore.policies import get
        >>> print(in_force(get("national")))  # doctest: +ELLIPSIS
        policy national has rules in force from ... (OCR), ...; its latest parameter value dates from ...
    """  # noqa: E501
    rules = ", ".join(
        f"from {r.effective_from}"
        + (f" until {r.effective_until}" if r.effective_until else "")
        + f" ({r.id})"
        for r in sorted(policy.rules, key=lambda r: (r.effective_from, r.id))
    )
    return (
        f"policy {policy.id} has rules in force {rules}; "
        f"its latest parameter value dates from {latest_value(policy)}"
    )


def first_in_force(policy: Policy) -> pendulum.Date:
    """The first day any rule of the policy is in force."""
    return min(r.effective_from for r in policy.rules)


def latest_value(policy: Policy) -> pendulum.Date:
    """The start of the latest dated value of any of the policy's parameters."""
    return max(v.start for p in policy.parameters.values() for v in p.values)


def period_notes(policy: Policy, period: Period) -> None:
    """Notes on stderr when a period lies outside what the policy knows: before any rule
    is in force (nothing can be due), or after its latest parameter value (values carry on)."""
    if period.end < first_in_force(policy):
        note(f"no rule is in force in {period}: {in_force(policy)}")
    elif all(
        r.effective_until is not None and period.start > r.effective_until for r in policy.rules
    ):
        note(f"every rule has ended by {period}: {in_force(policy)}")
    elif period.start.year > latest_value(policy).year + 1:
        note(
            f"{period} is past the latest parameter value of policy {policy.id} "
            f"({latest_value(policy)}): the values then in force are used unchanged, as no "
            "later law is known to fpcore"
        )
