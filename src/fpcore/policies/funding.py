"""Who pays: cost shares of each benefit by payer, exact to the fen.

A policy's parameters named ``funding.<scheme>.<payer>`` (whole-number ratios) say
how the cost of ``<scheme>`` is shared on a date: the report county's free
contraceptive services are ``funding.contraception.city`` : ``.county`` = 2 : 8;
reward assistance is central : province : county. Shares are allocated by largest
remainder, so the parts always sum to the total.

Example:
    >>> import pendulum
    >>> from fpcore.money import Money
    >>> from fpcore.policies import get
    >>> cost_shares(get("county"), "contraception", Money("900000"), pendulum.Date(2008, 1, 1))
    {'city': Money('180000.00'), 'county': Money('720000.00')}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pendulum

from fpcore.errors import UnknownName
from fpcore.money import ZERO, Money, allocate
from fpcore.rules import Citation, Policy

__all__ = ["cost_shares", "fund_benefits", "payers", "share_assumptions"]


def payers(policy: Policy, scheme: str) -> dict[str, str]:
    """The payers of a scheme and their parameter names, in the parameters' order."""
    prefix = f"funding.{scheme}."
    return {
        name.removeprefix(prefix): name for name in policy.parameters if name.startswith(prefix)
    }


def cost_shares(policy: Policy, scheme: str, total: Money, on: pendulum.Date) -> dict[str, Money]:
    """Share ``total`` among the payers of ``scheme`` by the ratios in force on ``on``.

    Raises:
        UnknownName: the policy has no ``funding.<scheme>.*`` parameters.
        ParameterNotInForce: a ratio has no value on ``on``.
    """
    named = payers(policy, scheme)
    if not named:
        schemes = {n.split(".")[1] for n in policy.parameters if n.startswith("funding.")}
        raise UnknownName("funding scheme", scheme, schemes)
    ratios: dict[str, int] = {}
    for payer, parameter in named.items():
        value = policy.parameters[parameter].at(on)
        assert isinstance(value, int)  # the policy checks kinds when it loads
        ratios[payer] = value
    return allocate(total, ratios)


def fund_benefits(
    policy: Policy, totals: Mapping[str, Money], on: pendulum.Date
) -> dict[tuple[str, str], Money]:
    """Cost shares of several benefits at once: ``{(benefit, payer): amount}``.

    A benefit without funding parameters raises :class:`~fpcore.errors.UnknownName`,
    so no amount goes unfunded silently; the shares of each benefit sum to its total.
    """
    result: dict[tuple[str, str], Money] = {}
    for benefit, total in totals.items():
        if total == ZERO:
            continue
        for payer, amount in cost_shares(policy, benefit, total, on).items():
            result[(benefit, payer)] = amount
    return result


def share_assumptions(
    policy: Policy, schemes: Iterable[str], on: pendulum.Date
) -> dict[str, Citation]:
    """The schemes whose payer shares on ``on`` rest on a placeholder or an uncertain
    reading, with the citation that says so: outputs show these beside the shares so a
    stand-in never reads as data.

    Example:
        >>> from fpcore.policies import get
        >>> notes = share_assumptions(get("county"), ["reward_assistance", "contraception"],
        ...                           pendulum.Date(2008, 1, 1))
        >>> sorted(notes), notes["reward_assistance"].confidence
        (['reward_assistance'], 'placeholder')
    """
    found: dict[str, Citation] = {}
    for scheme in schemes:
        for parameter in payers(policy, scheme).values():
            citation = policy.parameters[parameter].entry_at(on).citation
            if citation.is_assumption:
                found[scheme] = citation
                break
    return found
