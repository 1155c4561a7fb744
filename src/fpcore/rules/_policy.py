"""Policies: versioned sets of rules, parameters and settings; reforms and diffs."""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import attrs
import pendulum

from fpcore.errors import InvalidInput, Problem, UnknownName
from fpcore.money import Money
from fpcore.periods import Period
from fpcore.rules._decision import Decision, Id
from fpcore.rules._expr import ParamRef, SettingRef
from fpcore.rules._facts import Fact
from fpcore.rules._parameters import Citation, Parameter, render_value
from fpcore.rules._rule import Rule

if TYPE_CHECKING:
    from fpcore.distributed import Dataset
    from fpcore.rules._population import EntitlementTables, Population

__all__ = ["EntityAdapter", "Policy", "Setting"]

H = TypeVar("H")
P = TypeVar("P")


@attrs.frozen(kw_only=True)
class EntityAdapter(Generic[H, P]):
    """How the engine finds entities in the object it is given.

    The engine never imports the domain model: a policy is given an adapter that,
    from the top object (a household), tells its id and yields its persons (the
    objects person facts receive) and their ids.

    Example:
        >>> adapter = EntityAdapter(
        ...     household_id=lambda h: h["id"],
        ...     persons=lambda h: h["members"],
        ...     person_id=lambda p: p["id"],
        ... )
        >>> adapter.household_id({"id": 7, "members": []})
        7
    """

    household_id: Callable[[H], Id]
    persons: Callable[[H], Iterable[P]]
    person_id: Callable[[P], Id]
    document: Callable[[H], object] | None = None
    """The top object as its JSON document, whose hash a decision records as the hash of
    its input (:attr:`~fpcore.rules.Stamp.input_hash`); None records none."""


def put_value(
    timeline: Parameter,
    start: pendulum.Date,
    value: Any,
    citation: Citation,
    until: pendulum.Date | None = None,
) -> Parameter:
    """``value`` in force from ``start``; with ``until``, the timeline resumes after it
    (the value in force the day after ``until`` comes back, as it was)."""
    changed = timeline.with_value(start, value, citation, until=until)
    if until is None:
        return changed
    resume = until.add(days=1)
    for i, entry in enumerate(timeline.values):
        later = timeline.values[i + 1].start if i + 1 < len(timeline.values) else None
        covers = entry.start <= resume and (entry.until is None or entry.until >= resume)
        if covers and (later is None or later > resume):
            end = entry.until
            if later is not None and (end is None or end >= later):
                end = later.subtract(days=1)
            return changed.with_value(resume, entry.value, entry.citation, until=end)
    return changed


def _day(value: str | pendulum.Date, path: str) -> pendulum.Date:
    """A day from ``YYYY-MM-DD`` text or a date; InvalidInput at ``path`` otherwise."""
    if isinstance(value, pendulum.Date):
        return value
    from fpcore.serialization import parse_date

    try:
        return parse_date(value)
    except InvalidInput as error:
        raise error.under(path) from None


def _choices(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class Setting:
    """A named convention where the sources are silent, with its default and choices.

    >>> Setting(name="ocr_last_month", default="birthday_month",
    ...         choices=("birthday_month", "month_before")).default
    'birthday_month'
    """

    name: str
    default: str
    choices: tuple[str, ...] = attrs.field(converter=_choices)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if self.default not in self.choices:
            raise InvalidInput(f"setting {self.name}: default {self.default!r} not a choice")


def _freeze_parameters(
    value: Mapping[str, Parameter] | Iterable[Parameter],
) -> Mapping[str, Parameter]:
    items = value.values() if isinstance(value, Mapping) else value
    out: dict[str, Parameter] = {}
    for p in items:
        if p.name in out:
            raise InvalidInput(f"parameter {p.name!r} is given twice")
        out[p.name] = p
    return MappingProxyType(dict(sorted(out.items())))


def _rules(items: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(items)


def _settings(items: Iterable[Setting]) -> tuple[Setting, ...]:
    return tuple(items)


def _freeze_str_map(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(sorted(value.items())))


@attrs.frozen(kw_only=True, eq=False)
class Policy:
    """A named, versioned set of rules, parameters and settings.

    Reforms (:meth:`with_parameter`, :meth:`with_setting`, :meth:`replace_rule`,
    :meth:`without_rule`, :meth:`with_rule`) return new policies; the baseline is
    never changed. :attr:`content_hash` is a SHA-256 over a canonical JSON form of
    the rules, parameters, settings and facts (not of the id, version or adapter).

    Raises:
        InvalidInput: duplicate rule ids, unknown parameters or settings, a parameter
            used as the wrong kind, a setting value that is not a choice, two facts
            with one name.
    """

    id: str
    version: str
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)
    parameters: Mapping[str, Parameter] = attrs.field(converter=_freeze_parameters)
    adapter: EntityAdapter[Any, Any]
    settings: tuple[Setting, ...] = attrs.field(converter=_settings, default=())
    setting_values: Mapping[str, str] = attrs.field(converter=_freeze_str_map, factory=dict)
    title: str = ""
    _cache: dict[str, Any] = attrs.field(init=False, factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        problems: list[str] = []
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"rule ids repeat: {dupes}")
        declared = {s.name: s for s in self.settings}
        for name, value in self.setting_values.items():
            if name not in declared:
                problems.append(f"setting {name!r} is not declared")
            elif value not in declared[name].choices:
                problems.append(f"setting {name}={value!r} is not one of {declared[name].choices}")
        facts: dict[str, Fact[Any]] = {}
        for rule in self.rules:
            for expr in rule.expressions():
                for node in expr.walk():
                    if isinstance(node, ParamRef):
                        param = self.parameters.get(node.name)
                        if param is None:
                            problems.append(f"rule {rule.id}: unknown parameter {node.name!r}")
                        elif param.kind != node.kind:
                            problems.append(
                                f"rule {rule.id}: parameter {node.name!r} is {param.kind}, "
                                f"used as {node.kind}"
                            )
                    elif isinstance(node, SettingRef) and node.name not in declared:
                        problems.append(f"rule {rule.id}: unknown setting {node.name!r}")
                    elif isinstance(node, Fact):
                        seen = facts.setdefault(node.key(), node)
                        if seen is not node and seen.signature() != node.signature():
                            problems.append(f"two different facts are named {node.key()}")
        if problems:
            raise InvalidInput(Problem(f"policy {self.id} {self.version}", p) for p in problems)
        self._cache["facts"] = dict(sorted(facts.items()))

    # --- reading ---------------------------------------------------------------------
    @property
    def facts(self) -> Mapping[str, Fact[Any]]:
        """The facts the rules use, by ``entity.name``."""
        return MappingProxyType(self._cache["facts"])

    def rule(self, rule_id: str) -> Rule:
        """The rule with an id.

        Raises:
            UnknownName: no such rule.
        """
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise UnknownName("rule", rule_id, (r.id for r in self.rules))

    def settings_in_force(self) -> dict[str, str]:
        """Every declared setting's value (the default unless set)."""
        return {s.name: self.setting_values.get(s.name, s.default) for s in self.settings}

    def parameters_of(self, rule: Rule) -> list[str]:
        """Names of the parameters a rule refers to."""
        key = f"params:{rule.id}"
        names = self._cache.get(key)
        if names is None:
            found = {
                n.name for e in rule.expressions() for n in e.walk() if isinstance(n, ParamRef)
            }
            names = self._cache[key] = sorted(found)
        return list(names)

    def canonical(self) -> dict[str, object]:
        """The canonical content hashed by :attr:`content_hash`."""
        return {
            "rules": [r.canonical() for r in sorted(self.rules, key=lambda r: r.id)],
            "parameters": [p.to_dict() for p in self.parameters.values()],
            "settings": [
                {"name": s.name, "default": s.default, "choices": list(s.choices)}
                for s in self.settings
            ],
            "setting_values": self.settings_in_force(),
            "facts": [f.signature() for f in self.facts.values()],
        }

    @property
    def content_hash(self) -> str:
        """``sha256:<hex>`` of :meth:`canonical` as sorted, compact JSON."""
        digest = self._cache.get("hash")
        if digest is None:
            text = json.dumps(
                self.canonical(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
            )
            digest = self._cache["hash"] = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        return str(digest)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Policy):
            return NotImplemented
        return (self.id, self.version, self.content_hash) == (
            other.id,
            other.version,
            other.content_hash,
        )

    def __hash__(self) -> int:
        return hash((self.id, self.version, self.content_hash))

    # --- reforms ---------------------------------------------------------------------
    def _evolve(self, **changes: Any) -> Policy:
        return attrs.evolve(self, **changes)

    def with_parameter(self, parameter: Parameter) -> Policy:
        """A new policy with this parameter timeline (replacing one of the same name)."""
        params = dict(self.parameters)
        params[parameter.name] = parameter
        return self._evolve(parameters=params)

    def with_amount(
        self,
        name: str,
        amount: str | int | Decimal | Money,
        *,
        from_: str | pendulum.Date,
        until: str | pendulum.Date | None = None,
        note: str = "",
        citation: Citation | None = None,
    ) -> Policy:
        """A new policy where the money parameter ``name`` is ``amount`` from ``from_``
        (through ``until``, when given: then the value in force before resumes).

        Without a ``citation`` the value cites ``what-if`` (and ``note``) as a
        placeholder, so outputs list it as an assumption, never as law.

        Raises:
            InvalidInput: an unknown parameter (with the closest name), a parameter that
                is not money, an amount that is not exact yuan, a day not ``YYYY-MM-DD``,
                ``until`` before ``from_``.

        Example:
            >>> from fpcore.policies import get
            >>> reform = get("county").with_amount(
            ...     "reward_assistance.annual", "1200.00", from_="2018-01-01", note="RA 1,200")
            >>> print(reform.parameters["reward_assistance.annual"].values[-1].value)
            1200.00
            >>> get("county").with_amount("reward_assistance.anual", "1200", from_="2018-01-01")
            Traceback (most recent call last):
            ...
            fpcore.errors.InvalidInput: 1 problem in the input:
              name: 'reward_assistance.anual' is not a parameter of county (did you mean 'reward_assistance.annual'?)
        """  # noqa: E501
        parameter = self.parameters.get(name)
        if parameter is None:
            close = difflib.get_close_matches(str(name), list(self.parameters), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InvalidInput(f"{name!r} is not a parameter of {self.id}{hint}", path="name")
        if parameter.kind != "money":
            raise InvalidInput(
                f"{name} is a {parameter.kind} parameter, not money: use "
                "with_parameter(policy.parameters[name].with_value(...))",
                path="name",
            )
        try:
            value = amount if isinstance(amount, Money) else Money(str(amount))
        except InvalidInput as error:
            raise InvalidInput([p.under("amount") for p in error.problems]) from None
        start = _day(from_, "from_")
        end = _day(until, "until") if until is not None else None
        if end is not None and end < start:
            raise InvalidInput(f"{end} is before from_ {start}", path="until")
        cited = citation or Citation(
            document=f"what-if: {note}" if note else "what-if",
            confidence="placeholder",
        )
        return self.with_parameter(put_value(parameter, start, value, cited, end))

    def with_setting(self, name: str, value: str) -> Policy:
        """A new policy with a setting changed.

        Raises:
            UnknownName: the setting is not declared.
        """
        if name not in {s.name for s in self.settings}:
            raise UnknownName("setting", name, (s.name for s in self.settings))
        return self._evolve(setting_values={**self.setting_values, name: value})

    def replace_rule(self, rule: Rule) -> Policy:
        """A new policy where the rule with ``rule.id`` is replaced."""
        self.rule(rule.id)
        return self._evolve(rules=tuple(rule if r.id == rule.id else r for r in self.rules))

    def without_rule(self, rule_id: str) -> Policy:
        """A new policy without a rule."""
        self.rule(rule_id)
        return self._evolve(rules=tuple(r for r in self.rules if r.id != rule_id))

    def with_rule(self, rule: Rule) -> Policy:
        """A new policy with one more rule."""
        return self._evolve(rules=(*self.rules, rule))

    def with_identity(self, *, id: str | None = None, version: str | None = None) -> Policy:
        """The same content under another id or version (e.g. a named reform)."""
        return self._evolve(id=id or self.id, version=version or self.version)

    # --- evaluation ------------------------------------------------------------------
    def evaluate(self, household: object, period: Period, *, explain: bool = False) -> Decision:
        """Evaluate every rule on one household (and its persons) for a period.

        Args:
            household: the top object the policy's adapter understands.
            period: a Month, Quarter, Year or MonthSpan; amounts are monthly.
            explain: also record, per rule, beneficiary and month, every condition's
                value, the values computed, the parameters used and their citations.

        Raises:
            ConflictingOutcomes, EmptyOutcome: a rule is ill-defined for this case.
            ParameterNotInForce: a rule in force uses a parameter with no value.
        """
        evaluator = self._cache.get("single")
        if evaluator is None:
            from fpcore.rules._single import SingleEvaluator

            evaluator = self._cache["single"] = SingleEvaluator(self)
        result = evaluator.evaluate(household, period, explain)
        assert isinstance(result, Decision)
        return result

    def evaluate_table(
        self,
        population: Population | Dataset,
        period: Period,
        *,
        client: Any = None,
        backend: Literal["auto", "polars", "kernel"] = "auto",
    ) -> EntitlementTables:
        """Evaluate every rule over a population of tables (needs polars).

        The rules are compiled once per month to one polars query per entity; see
        :class:`~fpcore.rules.Population` for the table schema.

        The population's tables hold no event after their ``as_of`` day: a period
        ending after it is evaluated on the county as it stood that day, with a
        :class:`~fpcore.rules.TablesOutOfDateWarning`.

        A partitioned dataset (:class:`fpcore.distributed.Dataset`) is evaluated one
        partition at a time, on the workers of a Dask ``client`` when one is given, else
        in this process: :func:`fpcore.distributed.evaluate_dataset`.

        Raises:
            InvalidInput: a ``client`` is given with population tables (it runs the
                partitions of a dataset).
        """
        from fpcore.distributed._dataset import Dataset

        if isinstance(population, Dataset):
            from fpcore.distributed import evaluate_dataset

            return evaluate_dataset(self, population, period, client=client)
        if client is not None:
            raise InvalidInput(
                "client= runs the partitions of a dataset (fpcore.distributed.open_dataset): "
                "population tables are evaluated in this process",
                path="client",
            )
        from fpcore.rules._batch import evaluate_table
        from fpcore.rules._population import warn_if_out_of_date

        warn_if_out_of_date(population.as_of, period, stacklevel=2)
        return evaluate_table(self, population, period, backend)


@attrs.frozen(kw_only=True)
class ParameterChange:
    """A parameter value that differs between two policies, from a date."""

    name: str
    start: str
    old: str | None
    new: str | None

    def __str__(self) -> str:
        return f"{self.name} from {self.start}: {self.old or '-'} -> {self.new or '-'}"


@attrs.frozen(kw_only=True)
class PolicyDiff:
    """What changed from one policy to another."""

    parameters: tuple[ParameterChange, ...]
    rules_added: tuple[str, ...]
    rules_removed: tuple[str, ...]
    rules_changed: tuple[str, ...]
    settings: tuple[tuple[str, str, str], ...]

    @property
    def is_empty(self) -> bool:
        """Whether nothing changed."""
        return not (
            self.parameters
            or self.rules_added
            or self.rules_removed
            or self.rules_changed
            or self.settings
        )

    def __str__(self) -> str:
        lines = [f"parameter {c}" for c in self.parameters]
        lines += [f"rule added {r}" for r in self.rules_added]
        lines += [f"rule removed {r}" for r in self.rules_removed]
        lines += [f"rule changed {r}" for r in self.rules_changed]
        lines += [f"setting {n}: {a} -> {b}" for n, a, b in self.settings]
        return "\n".join(lines) or "no changes"


def _timeline(param: Parameter | None) -> dict[str, str]:
    if param is None:
        return {}
    return {
        v.start.isoformat(): render_value(v.value)
        + (f" until {v.until.isoformat()}" if v.until else "")
        for v in param.values
    }


def diff(a: Policy, b: Policy) -> PolicyDiff:
    """What changed from policy ``a`` to policy ``b``.

    Parameter changes are listed per start date with the old and new value (an
    ``until`` shows after the value); rules by id; settings by name.
    """
    changes: list[ParameterChange] = []
    for name in sorted(set(a.parameters) | set(b.parameters)):
        old, new = _timeline(a.parameters.get(name)), _timeline(b.parameters.get(name))
        for start in sorted(set(old) | set(new)):
            if old.get(start) != new.get(start):
                changes.append(
                    ParameterChange(name=name, start=start, old=old.get(start), new=new.get(start))
                )
    rules_a = {r.id: r for r in a.rules}
    rules_b = {r.id: r for r in b.rules}
    sa, sb = a.settings_in_force(), b.settings_in_force()
    return PolicyDiff(
        parameters=tuple(changes),
        rules_added=tuple(sorted(set(rules_b) - set(rules_a))),
        rules_removed=tuple(sorted(set(rules_a) - set(rules_b))),
        rules_changed=tuple(
            sorted(i for i in set(rules_a) & set(rules_b) if rules_a[i] != rules_b[i])
        ),
        settings=tuple(
            (n, sa.get(n, "-"), sb.get(n, "-"))
            for n in sorted(set(sa) | set(sb))
            if sa.get(n) != sb.get(n)
        ),
    )
