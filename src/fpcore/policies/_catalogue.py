"""The named policy versions: national, Shandong, and the report county's own."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import attrs

from fpcore.errors import UnknownName
from fpcore.model import Household, HouseholdParent, Person, Sex
from fpcore.policies import only_child_reward, reward_assistance, special_assistance
from fpcore.rules import EntityAdapter, Parameter, Policy, load_parameters

_DATA = "fpcore.policies.data"


def person_role(parent: HouseholdParent | Person) -> str:
    """A parent's beneficiary key within the household: ``mother`` or ``father``.

    Keys by role keep resident IDs out of decisions, their text and their logs; a
    household has at most one parent of each sex.
    """
    person = parent.person if isinstance(parent, HouseholdParent) else parent
    return "mother" if person.sex is Sex.FEMALE else "father"


ADAPTER: EntityAdapter[Household, HouseholdParent] = EntityAdapter(
    household_id=lambda household: household.household_id,
    persons=lambda household: household.parent_views(),
    person_id=person_role,
    document=lambda household: _document(household),
)
"""How the engine finds persons in a :class:`~fpcore.model.Household`: the household
by its ``household_id``, each parent (seen within the household, with their own
children and history) by role (``mother`` / ``father``); the household's document
(version 2) is what a decision's input hash is taken of."""


def _document(household: Household) -> object:
    from fpcore.serialization import to_document

    return to_document(household)


SETTINGS = (
    only_child_reward.LAST_MONTH,
    only_child_reward.CUTOFF_BASIS,
    only_child_reward.DOUBLE_FEE_COUPLES,
    reward_assistance.AGE_START,
    reward_assistance.COMPLIANCE_WINDOW,
    reward_assistance.CHILDREN_COUNTED,
    special_assistance.START,
    special_assistance.CONFIRMATION,
)


def _overlay(
    base: Mapping[str, Parameter], overrides: Mapping[str, Parameter]
) -> dict[str, Parameter]:
    """``base`` with each dated value of ``overrides`` put in force from its start."""
    result = dict(base)
    for name, override in overrides.items():
        if name not in result:
            result[name] = override
            continue
        merged = result[name]
        for entry in override.values:
            merged = merged.with_value(entry.start, entry.value, entry.citation, until=entry.until)
        # the base says what the parameter is; each value's own source says where it is from
        result[name] = merged
    return result


def national() -> Policy:
    """The national rules by date: reward assistance from 2004, special assistance
    from 2008, the only-child reward at the provincial-text base (10 yuan)."""
    return Policy(
        id="national",
        version="2026.1",
        title="National family-planning benefits (全国)",
        rules=(only_child_reward.RULE, reward_assistance.RULE, special_assistance.RULE),
        parameters=load_parameters(_DATA, "national.toml"),
        settings=SETTINGS,
        adapter=ADAPTER,
    )


def shandong() -> Policy:
    """Shandong: reward assistance from 2006-01-01, 'since 1973' compliance wording,
    and the 2017 provincial standards (80 a month; special assistance 500 / 400)."""
    parameters = _overlay(
        load_parameters(_DATA, "national.toml"), load_parameters(_DATA, "shandong.toml")
    )
    return Policy(
        id="shandong",
        version="2026.1",
        title="Shandong family-planning benefits (山东省)",
        rules=(only_child_reward.RULE, reward_assistance.SHANDONG_RULE, special_assistance.RULE),
        parameters=parameters,
        settings=SETTINGS,
        setting_values={reward_assistance.COMPLIANCE_WINDOW.name: "since-1973"},
        adapter=ADAPTER,
    )


def county() -> Policy:
    """The report county (五莲县): Shandong's rules plus the double only-child fee for
    couples who waived a second-child quota, and the city : county 2 : 8 funding."""
    base = shandong()
    parameters = _overlay(base.parameters, load_parameters(_DATA, "county.toml"))
    return attrs.evolve(
        base,
        id="county",
        title="The report county (五莲县): Shandong plus county practice",
        rules=(
            only_child_reward.RULE_WITH_DOUBLE_FEE,
            reward_assistance.SHANDONG_RULE,
            special_assistance.RULE,
        ),
        parameters=parameters,
    )


_FACTORIES: dict[str, Callable[[], Policy]] = {
    "national": national,
    "shandong": shandong,
    "county": county,
}
_BUILT: dict[str, Policy] = {}
_BUILDING = threading.Lock()


def get(policy_id: str) -> Policy:
    """The named policy version, built on first use, then shared (policies are immutable;
    one build even when threads ask at once).

    Raises:
        UnknownName: no policy has this id; the message lists the known ones.

    Example:
        >>> get("county").id
        'county'
        >>> get("atlantis")
        Traceback (most recent call last):
        ...
        fpcore.errors.UnknownName: unknown policy 'atlantis'; known: county, national, shandong
    """
    built = _BUILT.get(policy_id)
    if built is not None:
        return built
    factory = _FACTORIES.get(policy_id)
    if factory is None:
        raise UnknownName("policy", policy_id, _FACTORIES)
    with _BUILDING:  # threads asking at once share one build
        if policy_id not in _BUILT:
            _BUILT[policy_id] = factory()
    return _BUILT[policy_id]


def list_policies() -> list[str]:
    """The ids of the named policy versions.

    >>> list_policies()
    ['county', 'national', 'shandong']
    """
    return sorted(_FACTORIES)
