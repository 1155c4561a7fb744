"""The law as code: one module per regime, and the catalogue of named policy versions.

- :mod:`fpcore.policies.only_child_reward` (独生子女父母奖励费)
- :mod:`fpcore.policies.reward_assistance` (农村部分计划生育家庭奖励扶助)
- :mod:`fpcore.policies.special_assistance` (计划生育家庭特别扶助)

Example:
    >>> import fpcore.policies as policies
    >>> from fpcore.model import sample_household
    >>> from fpcore.periods import parse_period
    >>> decision = policies.get("county").evaluate(sample_household(), parse_period("2008"))
    >>> str(decision.total("only_child_reward"))
    '240.00'
"""

from fpcore.policies._catalogue import (
    ADAPTER,
    SETTINGS,
    county,
    get,
    list_policies,
    national,
    person_role,
    shandong,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fpcore.policies._reforms import (
        REFORM_SCHEMA_VERSION,
        reform_from_document,
        reform_from_file,
        reform_schema,
    )

_LAZY = ("REFORM_SCHEMA_VERSION", "reform_from_document", "reform_from_file", "reform_schema")


def __getattr__(name: str) -> object:
    """The reform reader, loaded on first use (a decision does not need it)."""
    if name in _LAZY:
        from fpcore.policies import _reforms

        value = getattr(_reforms, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'fpcore.policies' has no attribute {name!r}")


# the catalogue's documented name is fpcore.policies.list()
list = list_policies

__all__ = [
    "ADAPTER",
    "REFORM_SCHEMA_VERSION",
    "SETTINGS",
    "county",
    "get",
    "list",
    "list_policies",
    "national",
    "person_role",
    "reform_from_document",
    "reform_from_file",
    "reform_schema",
    "shandong",
]
