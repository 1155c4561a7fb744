"""The generic rule engine: dated cited parameters, facts, rules, policies, two evaluators.

A catalogue defines *facts* (derived quantities on a person or household for a
month, each with a Python implementation and a row expression from which the
polars one, its breakpoints in time and the compiled kernel's code follow),
*parameters* (dated, cited values, loaded from TOML) and *rules* (conditions with
reason codes, a default outcome and prioritised exceptions) written in a small expression algebra. A
:class:`Policy` bundles them with settings; ``policy.evaluate(household, period)``
gives an explainable :class:`Decision`, and ``policy.evaluate_table(population,
period)`` computes the same entitlements for a whole population with polars.

This package never imports the family-planning model, and imports polars only when
the batch evaluator is first used. See ``docs/engine.md``.

Example:
    >>> from fpcore.money import Money
    >>> age = fact("person", "int", name="age")(lambda person, month: month.year - person["born"])
    >>> amount = where(age >= 60, param("reward_assistance.annual") / 12, Money(0))
    >>> amount.kind, amount.key()
    ('money', "where((person.age >= 60), (param('reward_assistance.annual') / 12), Money('0.00'))")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fpcore.rules._decision import (
    ConditionTrace,
    Decision,
    Entitlement,
    Id,
    ParameterUse,
    Replay,
    RuleTrace,
    Stamp,
    Status,
)
from fpcore.rules._expr import (
    Expr,
    Kind,
    all_of,
    any_of,
    const,
    maximum,
    minimum,
    missing,
    month_index,
    not_,
    param,
    setting,
    where,
)
from fpcore.rules._facts import Aggregation, Entity, Fact, fact
from fpcore.rules._parameters import (
    Citation,
    DatedValue,
    Parameter,
    ParameterKind,
    load_parameters,
    parameters_from_toml,
)
from fpcore.rules._policy import (
    EntityAdapter,
    ParameterChange,
    Policy,
    PolicyDiff,
    Setting,
    diff,
)
from fpcore.rules._rule import Condition, Rule, RuleException
from fpcore.rules._shared import Combined, evaluate_combined, evaluate_tables, rule_fingerprint

if TYPE_CHECKING:
    from fpcore.rules._population import EntitlementTables, Population, TablesOutOfDateWarning

__all__ = [
    "Aggregation",
    "Citation",
    "Combined",
    "Condition",
    "ConditionTrace",
    "DatedValue",
    "Decision",
    "Entitlement",
    "EntitlementTables",
    "Entity",
    "EntityAdapter",
    "Expr",
    "Fact",
    "Id",
    "Kind",
    "Parameter",
    "ParameterChange",
    "ParameterKind",
    "ParameterUse",
    "Policy",
    "PolicyDiff",
    "Population",
    "Replay",
    "Rule",
    "RuleException",
    "RuleTrace",
    "Setting",
    "Stamp",
    "Status",
    "TablesOutOfDateWarning",
    "all_of",
    "any_of",
    "const",
    "diff",
    "evaluate_combined",
    "evaluate_tables",
    "fact",
    "load_parameters",
    "maximum",
    "minimum",
    "missing",
    "month_index",
    "not_",
    "param",
    "parameters_from_toml",
    "rule_fingerprint",
    "setting",
    "where",
]

_LAZY = {"EntitlementTables", "Population", "TablesOutOfDateWarning"}


def __getattr__(name: str) -> object:
    """Batch names import polars on first use (the optional ``batch`` extra)."""
    if name in _LAZY:
        from fpcore.rules import _population

        return getattr(_population, name)
    raise AttributeError(f"module 'fpcore.rules' has no attribute {name!r}")
