"""Decisions: entitlements, per-rule explanations and the reproducibility stamp."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any, Literal, TypeAlias

import attrs
import pendulum

from fpcore.errors import InvalidInput
from fpcore.money import ZERO, Money
from fpcore.periods import Month, Period, parse_period
from fpcore.rules._facts import Entity
from fpcore.rules._parameters import Citation

__all__ = [
    "ConditionTrace",
    "Decision",
    "Entitlement",
    "ParameterUse",
    "RuleTrace",
    "Stamp",
    "Status",
]

SCHEMA_VERSION = 1

Id: TypeAlias = int | str
"""An entity id: an integer (required by population tables) or a text id."""


@attrs.frozen(kw_only=True)
class Stamp:
    """What makes a decision reproducible: library version, policy and period."""

    fpcore_version: str
    policy_id: str
    policy_version: str
    policy_hash: str
    period: Period


@attrs.frozen(kw_only=True)
class Entitlement:
    """A monthly amount of one benefit for one beneficiary over the period's months."""

    benefit: str
    entity: Entity
    beneficiary_id: Id
    household_id: Id
    monthly: tuple[tuple[Month, Money], ...]

    @property
    def total(self) -> Money:
        """The sum over the months."""
        return sum((amount for _, amount in self.monthly), ZERO)

    @property
    def months(self) -> int:
        """How many months carry an amount."""
        return len(self.monthly)


@attrs.frozen(kw_only=True)
class Status:
    """A status-valued outcome (e.g. ``eligible``) for one beneficiary, by month."""

    benefit: str
    entity: Entity
    beneficiary_id: Id
    household_id: Id
    monthly: tuple[tuple[Month, str], ...]


@attrs.frozen(kw_only=True)
class ConditionTrace:
    """A condition of a rule and its value (``true``, ``false`` or ``null``)."""

    code: str
    test: str
    value: str
    en: str = ""
    zh: str = ""

    @property
    def met(self) -> bool:
        """Whether the condition held (a missing value does not)."""
        return self.value == "true"


@attrs.frozen(kw_only=True)
class ParameterUse:
    """A parameter value a rule used, with the date it took effect and its citation."""

    name: str
    start: pendulum.Date
    value: str
    citation: Citation


@attrs.frozen(kw_only=True)
class RuleTrace:
    """Why a rule did or did not give an outcome, for one beneficiary and month."""

    rule_id: str
    title_zh: str
    title_en: str
    benefit: str
    entity: Entity
    beneficiary_id: Id
    household_id: Id
    month: Month
    in_force: bool
    applied: bool
    outcome: str | None = None
    exception: str | None = None
    conditions: tuple[ConditionTrace, ...] = ()
    values: tuple[tuple[str, str], ...] = ()
    parameters: tuple[ParameterUse, ...] = ()
    citations: tuple[Citation, ...] = ()

    @property
    def failed(self) -> tuple[str, ...]:
        """Codes of the conditions that did not hold ("why not")."""
        return tuple(c.code for c in self.conditions if not c.met)


_WORDS = {
    "en": {
        "decision": "Decision",
        "policy": "policy",
        "period": "period",
        "entitlements": "Entitlements",
        "none": "(none)",
        "statuses": "Statuses",
        "rules": "Rules",
        "months": "month(s)",
        "applied": "applies",
        "not_applied": "does not apply",
        "not_in_force": "not in force",
        "outcome": "outcome",
        "exception": "exception",
        "failed": "why not",
        "params": "parameter",
        "since": "since",
        "household": "household",
        "person": "person",
        "basis": "legal basis",
    },
    "zh": {
        "decision": "决定",
        "policy": "政策",
        "period": "期间",
        "entitlements": "待遇",
        "none": "（无）",
        "statuses": "状态",
        "rules": "规则",
        "months": "个月",
        "applied": "适用",
        "not_applied": "不适用",
        "not_in_force": "未生效",
        "outcome": "结果",
        "exception": "例外",
        "failed": "未满足",
        "params": "参数",
        "since": "自",
        "household": "家庭",
        "person": "个人",
        "basis": "依据",
    },
}


@attrs.frozen(kw_only=True)
class Decision:
    """The result of evaluating a policy on one household for a period.

    ``explanations`` is empty unless the evaluation was asked to explain.
    Being ineligible is a result: it shows as a trace whose conditions failed.
    """

    stamp: Stamp
    entitlements: tuple[Entitlement, ...]
    statuses: tuple[Status, ...] = ()
    explanations: tuple[RuleTrace, ...] = ()

    def total(self, benefit: str | None = None) -> Money:
        """Sum of all entitlements (of one benefit when given)."""
        return sum(
            (e.total for e in self.entitlements if benefit is None or e.benefit == benefit), ZERO
        )

    def why_not(self, rule_id: str) -> dict[tuple[Id, Month], tuple[str, ...]]:
        """For a rule: the failed condition codes by (beneficiary, month)."""
        return {
            (t.beneficiary_id, t.month): t.failed
            for t in self.explanations
            if t.rule_id == rule_id and not t.applied
        }

    # --- text ----------------------------------------------------------------------
    def to_text(self, lang: Literal["en", "zh"] = "en") -> str:
        """The decision as plain text, in English or Chinese."""
        w = _WORDS[lang]
        s = self.stamp
        lines = [
            f"{w['decision']}: {w['policy']} {s.policy_id} {s.policy_version} "
            f"({s.policy_hash[:12]}), {w['period']} {s.period}, fpcore {s.fpcore_version}",
            f"{w['entitlements']}:",
        ]
        if not self.entitlements:
            lines.append(f"  {w['none']}")
        for e in self.entitlements:
            who = f"{w[e.entity]} {e.beneficiary_id}"
            if e.entity == "person":
                who += f" ({w['household']} {e.household_id})"
            lines.append(f"  {e.benefit}: {who}: {e.total} ({e.months} {w['months']})")
        if self.statuses:
            lines.append(f"{w['statuses']}:")
            for st in self.statuses:
                values = ", ".join(f"{m} {v}" for m, v in st.monthly)
                lines.append(f"  {st.benefit}: {w[st.entity]} {st.beneficiary_id}: {values}")
        if self.explanations:
            lines.append(f"{w['rules']}:")
        for t in self.explanations:
            title = t.title_zh if lang == "zh" else t.title_en
            head = f"  [{t.rule_id}] {title}, {w[t.entity]} {t.beneficiary_id}, {t.month}: "
            if not t.in_force:
                lines.append(head + w["not_in_force"])
                continue
            if t.applied:
                head += f"{w['applied']}, {w['outcome']} {t.outcome}"
                if t.exception:
                    head += f" ({w['exception']}: {t.exception})"
            else:
                head += f"{w['not_applied']}; {w['failed']}: {', '.join(t.failed)}"
            lines.append(head)
            for c in t.conditions:
                mark = "+" if c.met else "-"
                text = (c.zh if lang == "zh" else c.en) or c.test
                lines.append(f"    {mark} {c.code}: {text} = {c.value}")
            for p in t.parameters:
                lines.append(
                    f"    {w['params']} {p.name} = {p.value} ({w['since']} {p.start}; {p.citation})"
                )
            if t.citations:
                basis = "; ".join(str(c) for c in t.citations)
                lines.append(f"    {w['basis']}: {basis}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text("en")

    def _repr_html_(self) -> str:
        """Jupyter rendering: the English and Chinese texts, HTML-escaped."""
        en = html.escape(self.to_text("en"))
        zh = html.escape(self.to_text("zh"))
        return f"<div class='fpcore-decision'><pre>{en}</pre><pre lang='zh'>{zh}</pre></div>"

    # --- JSON ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (with ``schema_version``)."""
        s = self.stamp
        return {
            "schema_version": SCHEMA_VERSION,
            "stamp": {
                "fpcore_version": s.fpcore_version,
                "policy_id": s.policy_id,
                "policy_version": s.policy_version,
                "policy_hash": s.policy_hash,
                "period": str(s.period),
            },
            "entitlements": [
                {
                    "benefit": e.benefit,
                    "entity": e.entity,
                    "beneficiary_id": e.beneficiary_id,
                    "household_id": e.household_id,
                    "monthly": [[str(m), str(a)] for m, a in e.monthly],
                    "total": str(e.total),
                }
                for e in self.entitlements
            ],
            "statuses": [
                {
                    "benefit": st.benefit,
                    "entity": st.entity,
                    "beneficiary_id": st.beneficiary_id,
                    "household_id": st.household_id,
                    "monthly": [[str(m), v] for m, v in st.monthly],
                }
                for st in self.statuses
            ],
            "explanations": [_trace_to_dict(t) for t in self.explanations],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The decision as JSON text (Chinese kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        """Inverse of :meth:`to_dict`.

        Raises:
            InvalidInput: the document is not a decision of a known schema version.
        """
        if data.get("schema_version") != SCHEMA_VERSION:
            raise InvalidInput(
                f"schema_version {data.get('schema_version')!r} is not {SCHEMA_VERSION}",
                path="schema_version",
            )
        try:
            s = data["stamp"]
            stamp = Stamp(
                fpcore_version=s["fpcore_version"],
                policy_id=s["policy_id"],
                policy_version=s["policy_version"],
                policy_hash=s["policy_hash"],
                period=parse_period(s["period"]),
            )
            entitlements = tuple(
                Entitlement(
                    benefit=e["benefit"],
                    entity=e["entity"],
                    beneficiary_id=e["beneficiary_id"],
                    household_id=e["household_id"],
                    monthly=tuple((Month.parse(m), Money(a)) for m, a in e["monthly"]),
                )
                for e in data["entitlements"]
            )
            statuses = tuple(
                Status(
                    benefit=st["benefit"],
                    entity=st["entity"],
                    beneficiary_id=st["beneficiary_id"],
                    household_id=st["household_id"],
                    monthly=tuple((Month.parse(m), v) for m, v in st["monthly"]),
                )
                for st in data["statuses"]
            )
            explanations = tuple(_trace_from_dict(t) for t in data["explanations"])
        except (KeyError, TypeError, ValueError) as err:
            if isinstance(err, InvalidInput):
                raise
            raise InvalidInput(f"not a decision document: {err!r}") from None
        return cls(
            stamp=stamp, entitlements=entitlements, statuses=statuses, explanations=explanations
        )

    @classmethod
    def from_json(cls, text: str) -> Decision:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))


def _trace_to_dict(t: RuleTrace) -> dict[str, Any]:
    return {
        "rule_id": t.rule_id,
        "title_zh": t.title_zh,
        "title_en": t.title_en,
        "benefit": t.benefit,
        "entity": t.entity,
        "beneficiary_id": t.beneficiary_id,
        "household_id": t.household_id,
        "month": str(t.month),
        "in_force": t.in_force,
        "applied": t.applied,
        "outcome": t.outcome,
        "exception": t.exception,
        "conditions": [attrs.asdict(c) for c in t.conditions],
        "values": [list(v) for v in t.values],
        "parameters": [
            {
                "name": p.name,
                "start": p.start.isoformat(),
                "value": p.value,
                "citation": p.citation.to_dict(),
            }
            for p in t.parameters
        ],
        "citations": [c.to_dict() for c in t.citations],
    }


def _trace_from_dict(d: Mapping[str, Any]) -> RuleTrace:
    return RuleTrace(
        rule_id=d["rule_id"],
        title_zh=d["title_zh"],
        title_en=d["title_en"],
        benefit=d["benefit"],
        entity=d["entity"],
        beneficiary_id=d["beneficiary_id"],
        household_id=d["household_id"],
        month=Month.parse(d["month"]),
        in_force=d["in_force"],
        applied=d["applied"],
        outcome=d["outcome"],
        exception=d["exception"],
        conditions=tuple(ConditionTrace(**c) for c in d["conditions"]),
        values=tuple((a, b) for a, b in d["values"]),
        parameters=tuple(
            ParameterUse(
                name=p["name"],
                start=_date(p["start"]),
                value=p["value"],
                citation=Citation.from_dict(p["citation"]),
            )
            for p in d["parameters"]
        ),
        citations=tuple(Citation.from_dict(c) for c in d["citations"]),
    )


def _date(text: str) -> pendulum.Date:
    parsed = pendulum.Date.fromisoformat(text)
    return pendulum.Date(parsed.year, parsed.month, parsed.day)
