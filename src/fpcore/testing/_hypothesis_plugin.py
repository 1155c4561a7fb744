"""Registers fpcore's strategies with hypothesis (``st.from_type``) via its entry point.

pyproject.toml declares::

    [project.entry-points.hypothesis]
    _ = "fpcore.testing._hypothesis_plugin:_register"

so hypothesis calls :func:`_register` when it is imported. Importing this module is
cheap; the strategies are imported only inside :func:`_register`.
"""

from __future__ import annotations

import sys

_OURS = ("fpcore.testing._basics", "fpcore.testing._people", "fpcore.testing._households")
_pending = False


def _register() -> None:
    """Register a strategy for each of fpcore's own value and domain types.

    When hypothesis is first imported by fpcore's own strategy modules (``import
    fpcore.testing.strategies`` before ``import hypothesis``), those modules are still
    half-built: registration waits until :mod:`fpcore.testing.strategies` has loaded
    and calls :func:`register_if_pending`.
    """
    global _pending
    strategies = sys.modules.get("fpcore.testing.strategies")
    loading = any(name in sys.modules for name in _OURS) or strategies is not None
    if loading and not getattr(strategies, "LOADED", False):
        _pending = True
        return
    _pending = False
    from hypothesis import strategies as st

    from fpcore.model import (
        Certificate,
        Child,
        Confirmation,
        County,
        Deposit,
        Disability,
        Household,
        Marriage,
        Person,
        Residence,
        SecondChildQuota,
        Township,
        Village,
    )
    from fpcore.money import Money
    from fpcore.periods import Month, MonthSpan, Quarter, Year
    from fpcore.testing import strategies as fst

    counties = fst.counties()
    registry: list[tuple[type, st.SearchStrategy[object]]] = [
        (Money, fst.money()),
        (Month, fst.months()),
        (Quarter, fst.quarters()),
        (Year, fst.years()),
        (MonthSpan, fst.month_spans()),
        (Residence, fst.residences()),
        (Person, fst.persons()),
        (Disability, fst.disabilities()),
        (Child, fst.children()),
        (Certificate, fst.certificates()),
        (SecondChildQuota, fst.second_child_quotas()),
        (Deposit, fst.deposits()),
        (Household, fst.households()),
        (Marriage, fst.marriages()),
        (Confirmation, fst.confirmations()),
        (County, counties),
        (Township, counties.flatmap(lambda c: st.sampled_from(c.townships))),
        (Village, counties.flatmap(lambda c: st.sampled_from(c.townships[0].villages))),
    ]
    for cls, strategy in registry:
        st.register_type_strategy(cls, strategy)


def register_if_pending() -> None:
    """Register now if hypothesis asked while fpcore's strategies were loading."""
    if _pending:
        _register()
