"""JSON Schema (draft 2020-12) of the decision document (``Decision.to_dict()``)."""

from __future__ import annotations

from typing import Any

from fpcore.rules._parameters import CONFIDENCE
from fpcore.serialization._schema import _DATE_PATTERN, _MONEY_PATTERN

_DECISION_SCHEMA_VERSION = 2  # fpcore.rules._decision.SCHEMA_VERSION (tested equal)
_MONTH_PATTERN = r"^\d{4}-\d{2}$"
_PERIOD_PATTERN = r"^\d{4}(-\d{2}|Q[1-4]|-\d{2}\.\.\d{4}-\d{2})?$"


def decision_schema() -> dict[str, Any]:
    """The JSON Schema of a decision document, as ``Decision.to_dict()`` writes it.

    Entitlements' monthly amounts are ``[month, amount]`` pairs; ``spans`` give every
    benefit and beneficiary as objects (``{"first", "last", "monthly"}`` when paid,
    ``{"first", "last", "failed"}`` when not); amounts are decimal text, never numbers.
    ``explanations`` is empty unless the evaluation was asked to explain; then it holds
    spans of each rule's trace for a beneficiary, with what a rule's trace repeats given
    once under ``rules`` and every citation once under ``sources``.

    Example:
        >>> schema = decision_schema()
        >>> schema["required"]
        ['schema_version', 'stamp', 'entitlements', 'statuses', 'explanations', 'spans']
        >>> sorted(schema["$defs"])[:3]
        ['BenefitSpans', 'Citation', 'Condition']
    """
    text = {"type": "string"}
    identifier = {"type": ["integer", "string"]}
    month = {"type": "string", "pattern": _MONTH_PATTERN}
    money = {"type": "string", "pattern": _MONEY_PATTERN, "description": "yuan, e.g. 10.50"}
    entity = {"enum": ["person", "household"]}
    source = {"type": "integer", "minimum": 0, "description": "index in sources"}

    def record(
        description: str, properties: dict[str, Any], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        return {
            "type": "object",
            "description": description,
            "properties": properties,
            "required": [name for name in properties if name not in optional],
            "additionalProperties": False,
        }

    def pairs(second: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "array",
            "items": {
                "type": "array",
                "prefixItems": [month, second],
                "minItems": 2,
                "maxItems": 2,
            },
        }

    def listing(name: str) -> dict[str, Any]:
        return {"type": "array", "items": {"$ref": f"#/$defs/{name}"}}

    defs: dict[str, Any] = {
        "Stamp": record(
            "What makes the decision reproducible: library version, policy and period.",
            {
                "fpcore_version": text,
                "policy_id": text,
                "policy_version": text,
                "policy_hash": {"type": "string", "pattern": r"^sha256:[0-9a-f]{64}$"},
                "period": {"type": "string", "pattern": _PERIOD_PATTERN},
            },
        ),
        "Entitlement": record(
            "A monthly amount of one benefit for one beneficiary over the period's months.",
            {
                "benefit": text,
                "entity": entity,
                "beneficiary_id": identifier,
                "household_id": identifier,
                "monthly": pairs(money),
                "total": money,
            },
        ),
        "Status": record(
            "A status-valued outcome for one beneficiary, by month.",
            {
                "benefit": text,
                "entity": entity,
                "beneficiary_id": identifier,
                "household_id": identifier,
                "monthly": pairs(text),
            },
        ),
        "Citation": record(
            "Where a value or a rule comes from.",
            {
                "document": text,
                "article": text,
                "issued_by": text,
                "url": text,
                "confidence": {
                    "enum": list(CONFIDENCE),
                    "description": "how sure the source is (absent: sourced)",
                },
            },
            optional=("article", "issued_by", "url", "confidence"),
        ),
        "Condition": record(
            "A condition of a rule: its code, test and wording.",
            {"code": text, "test": text, "en": text, "zh": text},
        ),
        "ConditionTrace": record(
            "A condition and its value, in full (only where it differs from its rule's).",
            {
                "code": text,
                "test": text,
                "value": {"enum": ["true", "false", "null"]},
                "en": text,
                "zh": text,
            },
        ),
        "ParameterUse": record(
            "A parameter value a rule used, the date it took effect and its citation.",
            {
                "name": text,
                "start": {"type": "string", "format": "date", "pattern": _DATE_PATTERN},
                "value": text,
                "citation": source,
            },
        ),
        "Rule": record(
            "What a rule's trace repeats: titles, benefit, entity, citations, conditions.",
            {
                "title_zh": text,
                "title_en": text,
                "benefit": text,
                "entity": entity,
                "citations": {"type": "array", "items": source},
                "conditions": listing("Condition"),
            },
        ),
        "RuleParts": record(
            "A rule's own parts where a trace differs from its rule's (hand-made decisions).",
            {
                "title_zh": text,
                "title_en": text,
                "benefit": text,
                "entity": entity,
                "citations": {"type": "array", "items": source},
            },
        ),
        "Span": record(
            "Consecutive months (both ends included) with one outcome: paid with a monthly "
            "amount, or not paid with the codes of the conditions that did not hold.",
            {
                "first": month,
                "last": month,
                "monthly": money,
                "failed": {"type": "array", "items": text, "minItems": 1},
                "unknown": {
                    "type": "array",
                    "items": text,
                    "description": "failed codes whose value was missing (absent: none)",
                },
            },
            optional=("monthly", "failed", "unknown"),
        ),
        "BenefitSpans": record(
            "One benefit for one beneficiary as spans covering the period in order.",
            {
                "benefit": text,
                "entity": entity,
                "beneficiary_id": identifier,
                "household_id": identifier,
                "spans": listing("Span"),
            },
        ),
        "TraceSpan": record(
            "Why a rule did or did not give an outcome for one beneficiary, over "
            "consecutive months with the same trace; rank is its place among each month's "
            "traces.",
            {
                "first": month,
                "last": month,
                "rule_id": text,
                "beneficiary_id": identifier,
                "household_id": identifier,
                "rank": {"type": "integer", "minimum": 0},
                "in_force": {"type": "boolean"},
                "applied": {"type": "boolean"},
                "outcome": {"type": ["string", "null"]},
                "exception": {"type": ["string", "null"]},
                "conditions": {
                    "type": "array",
                    "description": "the values of the rule's conditions, in order",
                    "items": {
                        "anyOf": [
                            {"enum": ["true", "false", "null"]},
                            {"$ref": "#/$defs/ConditionTrace"},
                        ]
                    },
                },
                "values": {
                    "type": "array",
                    "items": {
                        "type": "array",
                        "prefixItems": [text, text],
                        "minItems": 2,
                        "maxItems": 2,
                    },
                },
                "parameters": listing("ParameterUse"),
                "rule": {"$ref": "#/$defs/RuleParts"},
            },
            optional=("rule",),
        ),
    }
    top = record(
        "The result of evaluating a policy on one household for a period.",
        {
            "schema_version": {"const": _DECISION_SCHEMA_VERSION},
            "stamp": {"$ref": "#/$defs/Stamp"},
            "entitlements": listing("Entitlement"),
            "statuses": listing("Status"),
            "explanations": listing("TraceSpan"),
            "spans": listing("BenefitSpans"),
            "rules": {
                "type": "object",
                "description": "by rule id (with explanations)",
                "additionalProperties": {"$ref": "#/$defs/Rule"},
            },
            "sources": {
                "type": "array",
                "description": "every citation once, referred to by index (with explanations)",
                "items": {"$ref": "#/$defs/Citation"},
            },
        },
        optional=("rules", "sources"),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "fpcore Decision document",
        **top,
        "$defs": dict(sorted(defs.items())),
    }
