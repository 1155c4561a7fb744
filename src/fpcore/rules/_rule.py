"""Rules: conditions with reason codes, a default outcome and prioritised exceptions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs
import pendulum

from fpcore.periods import Month
from fpcore.rules._expr import Expr, ExprLike, lift
from fpcore.rules._facts import ENTITIES, Entity, Fact
from fpcore.rules._parameters import Citation

__all__ = ["Condition", "Rule", "RuleException"]


def _settings_dict(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


@attrs.frozen(kw_only=True, eq=False)
class Condition:
    """One named condition of a rule: a stable reason code, a test and its wording.

    ``code`` names the requirement (``AGE_60_OR_OVER``); a decision lists the codes
    of the conditions that failed ("why not"). ``en``/``zh`` word the requirement,
    ``missing_en``/``missing_zh`` what is missing when it fails ("独生子女已满十八周岁"),
    as a decision's text says it, and ``evidence_en``/``evidence_zh`` the document
    that settles it when a value is missing ("《独生子女父母光荣证》"); these four are
    wording, outside the policy's content hash. ``only_when`` makes the condition part
    of the rule only under a setting's value (``{"setting_name": "value"}``), so that a
    reading chosen by a setting is worded and cited as what it is.

    Example:
        >>> from fpcore.rules import const
        >>> c = Condition(code="X", test=const(True), only_when={"window": "1973-2001"})
        >>> c.applies({"window": "since-1973"}), c.applies({"window": "1973-2001"})
        (False, True)
    """

    code: str
    test: Expr = attrs.field(converter=lift)
    en: str = ""
    zh: str = ""
    missing_en: str = ""
    missing_zh: str = ""
    evidence_en: str = ""
    evidence_zh: str = ""
    only_when: Mapping[str, str] = attrs.field(factory=dict, converter=_settings_dict)
    citation: Citation | None = None

    def __attrs_post_init__(self) -> None:
        if self.test.kind != "bool":
            raise TypeError(f"condition {self.code}: {self.test.key()} is not a condition")

    def applies(self, settings: Mapping[str, str]) -> bool:
        """Whether the condition is part of its rule under these settings."""
        return all(settings.get(name) == value for name, value in self.only_when.items())

    def canonical(self) -> dict[str, object]:
        out: dict[str, object] = {
            "code": self.code,
            "test": self.test.key(),
            "en": self.en,
            "zh": self.zh,
        }
        if self.only_when:
            out["only_when"] = dict(sorted(self.only_when.items()))
        if self.citation is not None:
            out["citation"] = self.citation.to_dict()
        return out


@attrs.frozen(kw_only=True, eq=False)
class RuleException:
    """An exception to a rule's default outcome (default logic).

    When ``when`` holds, ``outcome`` replaces the default. Among the exceptions that
    fire, the highest ``priority`` wins; two firing at the same priority with
    different outcomes is a :class:`~fpcore.errors.ConflictingOutcomes` error.
    ``label`` identifies the exception; ``en`` and ``zh`` word it for a decision's text
    (wording, outside the policy's content hash).
    """

    label: str
    when: Expr = attrs.field(converter=lift)
    outcome: Expr = attrs.field(converter=lift)
    priority: int = 0
    citation: Citation | None = None
    en: str = ""
    zh: str = ""

    def canonical(self) -> dict[str, object]:
        return {
            "label": self.label,
            "when": self.when.key(),
            "outcome": self.outcome.key(),
            "priority": self.priority,
            "citation": self.citation.to_dict() if self.citation else None,
        }


def _citations(items: Iterable[Citation]) -> tuple[Citation, ...]:
    return tuple(items)


def _conditions(items: Iterable[Condition]) -> tuple[Condition, ...]:
    return tuple(items)


def _exceptions(items: Iterable[RuleException]) -> tuple[RuleException, ...]:
    return tuple(items)


def _lift_optional(value: ExprLike | None) -> Expr | None:
    return None if value is None else lift(value)


@attrs.frozen(kw_only=True, eq=False)
class Rule:
    """A rule of the law: who it applies to, when, under which conditions, what it gives.

    Args:
        id: stable identifier, e.g. ``"NAT-RA-2012"``.
        title_zh, title_en: the rule's name in Chinese and English.
        benefit: the entitlement it decides (rules of one benefit add up).
        entity: ``"person"`` (one outcome per person) or ``"household"``.
        citations: the legal basis.
        effective_from, effective_until: the rule is in force for a month when it is
            in force on the month's first day (``until`` inclusive; None: open).
        conditions: all must hold for the rule to apply.
        outcome: the default outcome, a monthly amount (money) or a status (text);
            ``None`` means the rule must be decided by an exception, and deciding
            nothing is an :class:`~fpcore.errors.EmptyOutcome` error.
        exceptions: labelled exceptions with priorities.

    A person rule may use person facts and the facts of the person's household; a
    household rule only household facts.
    """

    id: str
    title_zh: str
    title_en: str
    benefit: str
    entity: Entity
    citations: tuple[Citation, ...] = attrs.field(converter=_citations)
    effective_from: pendulum.Date
    effective_until: pendulum.Date | None = None
    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions, default=())
    outcome: Expr | None = attrs.field(converter=_lift_optional, default=None)
    exceptions: tuple[RuleException, ...] = attrs.field(converter=_exceptions, default=())

    def __attrs_post_init__(self) -> None:
        if self.entity not in ENTITIES:
            raise ValueError(f"rule {self.id}: entity must be one of {ENTITIES}")
        outcomes = [e.outcome for e in self.exceptions]
        if self.outcome is not None:
            outcomes.insert(0, self.outcome)
        if not outcomes:
            raise ValueError(f"rule {self.id}: needs an outcome or at least one exception")
        kinds = {o.kind for o in outcomes}
        if len(kinds) != 1 or next(iter(kinds)) not in ("money", "str"):
            raise TypeError(f"rule {self.id}: outcomes must all be money or all text: {kinds}")
        for exc in self.exceptions:
            if exc.when.kind != "bool":
                raise TypeError(f"rule {self.id}, exception {exc.label}: 'when' is not a test")
        codes = [c.code for c in self.conditions]
        if len(set(codes)) != len(codes):
            raise ValueError(f"rule {self.id}: condition codes repeat: {codes}")
        if self.effective_until is not None and self.effective_until < self.effective_from:
            raise ValueError(f"rule {self.id}: effective_until before effective_from")
        for node in self.expressions():
            for sub in node.walk():
                if isinstance(sub, Fact) and sub.entity == "person" and self.entity != "person":
                    raise TypeError(
                        f"rule {self.id} ({self.entity}) uses person fact {sub.name!r}; "
                        "aggregate it into a household fact"
                    )

    def conditions_under(self, settings: Mapping[str, str]) -> tuple[Condition, ...]:
        """The conditions that are part of the rule under these settings."""
        return tuple(c for c in self.conditions if c.applies(settings))

    @property
    def kind(self) -> str:
        """``money`` (monthly amount) or ``str`` (status)."""
        first = self.outcome if self.outcome is not None else self.exceptions[0].outcome
        return first.kind

    def in_force(self, month: Month) -> bool:
        """Whether the rule is in force in a month (on its first day)."""
        start = month.start
        if start < self.effective_from:
            return False
        return self.effective_until is None or start <= self.effective_until

    def expressions(self) -> list[Expr]:
        """Every top-level expression of the rule."""
        out = [c.test for c in self.conditions]
        if self.outcome is not None:
            out.append(self.outcome)
        for e in self.exceptions:
            out.extend((e.when, e.outcome))
        return out

    def canonical(self) -> dict[str, object]:
        """Canonical, JSON-ready form (for hashes and diffs)."""
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "benefit": self.benefit,
            "entity": self.entity,
            "citations": [c.to_dict() for c in self.citations],
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "conditions": [c.canonical() for c in self.conditions],
            "outcome": self.outcome.key() if self.outcome is not None else None,
            "exceptions": [e.canonical() for e in self.exceptions],
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rule):
            return NotImplemented
        return self.canonical() == other.canonical()

    def __hash__(self) -> int:
        return hash(self.id)
