"""Several policies over one population, sharing what they have in common.

A reform usually changes one benefit: a parameter, a setting one rule reads, a rule.
:func:`evaluate_tables` evaluates the benefits whose rules agree between the policies
once. Every benefit of the first policy is evaluated as it is; from each other policy,
only the benefits whose rules differ (a rule's definition, the timeline of a parameter
it reads, the value of a setting it reads, its facts) are added, as rules of their own
under a private benefit name, with the settings of their policy written into them and
the parameters that differ renamed. One batch evaluation of that combined policy
computes every fact once, and its rows are split back into one result per policy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from fpcore.errors import ConflictingOutcomes, EmptyOutcome, InvalidInput
from fpcore.periods import Period
from fpcore.rules._expr import (
    Const,
    Expr,
    ParamRef,
    SettingRef,
    rebuilt,
)
from fpcore.rules._facts import Fact
from fpcore.rules._parameters import Parameter
from fpcore.rules._rule import Rule

if TYPE_CHECKING:
    from fpcore.rules._policy import Policy
    from fpcore.rules._population import EntitlementTables, Population

__all__ = ["Combined", "evaluate_combined", "evaluate_tables", "rule_fingerprint"]

_TAG = "\x1f"
"""Separates a benefit's name from the policy it is evaluated for (never in a name)."""


def _settings_read(rule: Rule) -> list[str]:
    names = {c for condition in rule.conditions for c in condition.only_when}
    for expr in rule.expressions():
        names.update(n.name for n in expr.walk() if isinstance(n, SettingRef))
    return sorted(names)


def _params_read(rule: Rule) -> list[str]:
    return sorted({n.name for e in rule.expressions() for n in e.walk() if isinstance(n, ParamRef)})


def _facts_read(rule: Rule) -> list[Fact[Any]]:
    found: dict[str, Fact[Any]] = {}
    for expr in rule.expressions():
        for node in expr.walk():
            if isinstance(node, Fact):
                found.setdefault(node.key(), node)
    return [found[k] for k in sorted(found)]


def rule_fingerprint(policy: Policy, rule: Rule) -> str:
    """What a rule's results depend on in a policy, as text: its definition, the
    timeline of every parameter it reads, the value of every setting it reads and the
    facts it reads (by identity: two facts that merely share a name differ).

    Two policies give a rule the same results on any population when its fingerprints
    in both are equal.

    Example:
        >>> from fpcore.policies import get
        >>> county = get("county")
        >>> reform = county.with_setting("only_child_reward_last_month", "month_before")
        >>> ra, ocr = county.rule("RA"), county.rule("OCR")
        >>> rule_fingerprint(county, ra) == rule_fingerprint(reform, ra)
        True
        >>> rule_fingerprint(county, ocr) == rule_fingerprint(reform, ocr)
        False
    """
    settings = policy.settings_in_force()
    return json.dumps(
        {
            "rule": rule.canonical(),
            "parameters": {n: policy.parameters[n].to_dict() for n in _params_read(rule)},
            "settings": {n: settings.get(n) for n in _settings_read(rule)},
            "facts": [[f.key(), id(f)] for f in _facts_read(rule)],
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )


def _benefits(policy: Policy) -> dict[str, list[str]]:
    """Each benefit's rules, as fingerprints (a benefit's results come from its rules)."""
    out: dict[str, list[str]] = {}
    for rule in policy.rules:
        out.setdefault(rule.benefit, []).append(rule_fingerprint(policy, rule))
    return out


def _substituted(node: Expr, settings: Mapping[str, str], renamed: Mapping[str, str]) -> Expr:
    """``node`` with each setting replaced by its value and parameters renamed."""
    if isinstance(node, SettingRef):
        return Const(settings[node.name], "str")
    if isinstance(node, ParamRef):
        name = renamed.get(node.name)
        return node if name is None else ParamRef(name, node.kind)
    children = node.children()
    if not children:
        return node
    new = tuple(_substituted(c, settings, renamed) for c in children)
    if all(a is b for a, b in zip(new, children, strict=True)):
        return node
    return rebuilt(node, new)


def _own_rule(
    rule: Rule, tag: str, settings: Mapping[str, str], renamed: Mapping[str, str]
) -> Rule:
    """A rule of another policy as a rule of the combined one: its own id and benefit,
    its policy's settings written in, its differing parameters renamed."""

    def sub(e: Expr) -> Expr:
        return _substituted(e, settings, renamed)

    return attrs.evolve(
        rule,
        id=f"{rule.id}{tag}",
        benefit=f"{rule.benefit}{tag}",
        conditions=[
            attrs.evolve(c, test=sub(c.test), only_when={}) for c in rule.conditions_under(settings)
        ],
        outcome=None if rule.outcome is None else sub(rule.outcome),
        exceptions=[
            attrs.evolve(e, when=sub(e.when), outcome=sub(e.outcome)) for e in rule.exceptions
        ],
    )


@attrs.frozen
class _Plan:
    combined: Policy
    shared: tuple[frozenset[str], ...]  # per other policy: benefits taken from the first
    own: tuple[dict[str, str], ...]  # per other policy: private benefit name -> benefit


_PLANS: dict[tuple[int, ...], tuple[tuple[Policy, ...], _Plan]] = {}
"""Combined policies already made, by the identity of the policies (kept alive here, so
their ids stay theirs): the batch evaluator's caches keep working across calls."""


def _plan(policies: Sequence[Policy]) -> _Plan:
    key = tuple(id(p) for p in policies)
    found = _PLANS.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], policies, strict=True)):
        return found[1]
    plan = _make_plan(policies)
    if len(_PLANS) >= 16:
        _PLANS.clear()
    _PLANS[key] = (tuple(policies), plan)
    return plan


def _make_plan(policies: Sequence[Policy]) -> _Plan:
    first = policies[0]
    base = _benefits(first)
    rules: list[Rule] = list(first.rules)
    parameters: dict[str, Parameter] = dict(first.parameters)
    shared: list[frozenset[str]] = []
    own: list[dict[str, str]] = []
    for n, policy in enumerate(policies[1:], start=1):
        tag = f"{_TAG}{n}"
        benefits = _benefits(policy)
        same = frozenset(b for b, prints in benefits.items() if base.get(b) == prints)
        settings = policy.settings_in_force()
        names: dict[str, str] = {}
        for rule in policy.rules:
            if rule.benefit in same:
                continue
            renamed = {}
            for name in _params_read(rule):
                mine = policy.parameters[name]
                theirs = first.parameters.get(name)
                if theirs is None or not (mine is theirs or mine == theirs):
                    renamed[name] = f"{name}{tag}"
                    parameters[renamed[name]] = attrs.evolve(mine, name=renamed[name])
            rules.append(_own_rule(rule, tag, settings, renamed))
            names[f"{rule.benefit}{tag}"] = rule.benefit
        shared.append(same)
        own.append(names)
    combined = attrs.evolve(first, rules=rules, parameters=parameters)
    return _Plan(combined=combined, shared=tuple(shared), own=tuple(own))


@attrs.frozen(eq=False)
class Combined:
    """Several policies evaluated in one pass: every row once, and which rows are whose.

    ``tables`` holds the rows of every policy, the benefits a policy evaluated apart
    under a private name; ``benefits[i]`` maps the benefit names in ``tables`` that are
    the ``i``-th policy's to its own benefit names. A name in the maps of two policies
    is a benefit both share: its rows are the same rows for both (their rules have the
    same :func:`rule_fingerprint`), and a comparison need not line them up.
    """

    tables: EntitlementTables
    benefits: tuple[Mapping[str, str], ...]

    def shared(self, i: int, j: int) -> frozenset[str]:
        """The benefit names whose rows are the same for policies ``i`` and ``j``."""
        a, b = self.benefits[i], self.benefits[j]
        return frozenset(n for n, benefit in a.items() if b.get(n) == benefit)

    def part(self, i: int) -> EntitlementTables:
        """The ``i``-th policy's own results (its rows, under its benefit names)."""
        import polars as pl

        from fpcore.rules._population import EntitlementTables

        names = self.benefits[i]
        renamed = {n: b for n, b in names.items() if n != b}

        def rows(frame: pl.DataFrame) -> pl.DataFrame:
            picked = frame.filter(pl.col("benefit").is_in(sorted(names)))
            if not renamed:
                return picked
            return picked.with_columns(pl.col("benefit").replace(renamed))

        tables = self.tables
        return EntitlementTables(
            persons=rows(tables.persons),
            households=rows(tables.households),
            statuses=rows(tables.statuses),
        )


def _alone(population: Population, policies: Sequence[Policy], period: Period) -> Combined:
    """Each policy evaluated on its own, its benefits under private names (nothing shared)."""
    import polars as pl

    from fpcore.rules._population import EntitlementTables

    results = [p.evaluate_table(population, period) for p in policies]
    maps: list[dict[str, str]] = []
    frames: dict[str, list[pl.DataFrame]] = {"persons": [], "households": [], "statuses": []}
    for n, (policy, result) in enumerate(zip(policies, results, strict=True)):
        tag = f"{_TAG}{n}" if n else ""
        maps.append({f"{r.benefit}{tag}": r.benefit for r in policy.rules})
        for name, frame in (
            ("persons", result.persons),
            ("households", result.households),
            ("statuses", result.statuses),
        ):
            tagged = frame.with_columns(pl.col("benefit") + tag) if tag else frame
            frames[name].append(tagged)
    tables = EntitlementTables(
        **{name: pl.concat(parts, how="vertical_relaxed") for name, parts in frames.items()}
    )
    return Combined(tables=tables, benefits=tuple(maps))


def evaluate_combined(
    population: Population, policies: Sequence[Policy], period: Period, *, share: bool = True
) -> Combined:
    """Several policies over one population in one batch evaluation, the benefits whose
    rules agree evaluated once (see the module docstring), the rows left together:
    :meth:`Combined.part` gives each policy's results, :meth:`Combined.shared` the
    benefits whose rows two policies share. ``share=False`` evaluates each policy on
    its own (the reference sharing is checked against), as does a combined evaluation
    that fails (a rule ill-defined for some entity), so the error is the one the
    policy's own evaluation raises.

    Raises:
        InvalidInput: no policies.

    Example:
        >>> from fpcore.periods import Year
        >>> from fpcore.policies import get
        >>> from fpcore.rules import Population
        >>> from fpcore.synth import synthetic_county
        >>> population = Population(synthetic_county(households=500, seed=1).tables())
        >>> base = get("county")
        >>> reform = base.with_amount("reward_assistance.annual", "1200", from_="2008-01-01")
        >>> both = evaluate_combined(population, [base, reform], Year(2008))
        >>> sorted(both.shared(0, 1))
        ['only_child_reward', 'special_assistance']
        >>> sorted(set(both.benefits[1].values()))
        ['only_child_reward', 'reward_assistance', 'special_assistance']
        >>> sorted(evaluate_combined(population, [base, reform], Year(2008), share=False)
        ...        .shared(0, 1))
        []
    """
    if not policies:
        raise InvalidInput("no policies to evaluate", path="policies")
    if len(policies) == 1 or not share:
        return _alone(population, policies, period)
    try:
        plan = _plan(policies)
    except InvalidInput:  # e.g. two different facts under one name: nothing shared
        return _alone(population, policies, period)
    try:
        result = plan.combined.evaluate_table(population, period)
    except (ConflictingOutcomes, EmptyOutcome):
        return _alone(population, policies, period)
    maps: list[dict[str, str]] = [{r.benefit: r.benefit for r in policies[0].rules}]
    for policy, same, names in zip(policies[1:], plan.shared, plan.own, strict=True):
        mine = {r.benefit for r in policy.rules}
        maps.append({b: b for b in sorted(same & mine)} | dict(names))
    return Combined(tables=result, benefits=tuple(maps))


def evaluate_tables(
    population: Population, policies: Sequence[Policy], period: Period
) -> list[EntitlementTables]:
    """Evaluate several policies over one population for a period, the benefits whose
    rules agree evaluated once (see the module docstring): the same results, row for
    row, as ``[p.evaluate_table(population, period) for p in policies]``.

    A benefit is shared when every one of its rules has the same
    :func:`rule_fingerprint` in both policies. If the combined evaluation fails (a rule
    ill-defined for some entity), the policies are evaluated one by one, so the error
    is the one their own evaluation raises. :func:`evaluate_combined` keeps the rows
    together (what :func:`fpcore.scenario.compare` reads).

    Example:
        >>> from fpcore.periods import Year
        >>> from fpcore.policies import get
        >>> from fpcore.rules import Population
        >>> from fpcore.synth import synthetic_county
        >>> population = Population(synthetic_county(households=500, seed=1).tables())
        >>> base = get("county")
        >>> reform = base.with_setting("only_child_reward_last_month", "month_before")
        >>> shared = evaluate_tables(population, [base, reform], Year(2008))
        >>> alone = reform.evaluate_table(population, Year(2008))
        >>> shared[1].persons.sort("person_id", "benefit").equals(
        ...     alone.persons.sort("person_id", "benefit"))
        True
    """
    if not policies:
        return []
    if len(policies) == 1:
        return [policies[0].evaluate_table(population, period)]
    combined = evaluate_combined(population, policies, period)
    return [combined.part(i) for i in range(len(policies))]
