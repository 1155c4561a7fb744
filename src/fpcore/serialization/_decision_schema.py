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
    ``explanations`` is empty unless the evaluation was asked to explain.

    Example:
        >>> schema = decision_schema()
        >>> schema["required"]
        ['schema_version', 'stamp', 'entitlements', 'statuses', 'explanations', 'spans']
        >>> sorted(schema["$defs"])[:3]
        ['BenefitSpans', 'Citation', 'ConditionTrace']
    """
    text = {"type": "string"}
    identifier = {"type": ["integer", "string"]}
    month = {"type": "string", "pattern": _MONTH_PATTERN}
    money = {"type": "string", "pattern": _MONEY_PATTERN, "description": "yuan, e.g. 10.50"}
    entity = {"enum": ["person", "household"]}

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
        "ConditionTrace": record(
            "A condition of a rule and its value (true, false or null).",
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
                "citation": {"$ref": "#/$defs/Citation"},
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
        "RuleTrace": record(
            "Why a rule did or did not give an outcome, for one beneficiary and month.",
            {
                "rule_id": text,
                "title_zh": text,
                "title_en": text,
                "benefit": text,
                "entity": entity,
                "beneficiary_id": identifier,
                "household_id": identifier,
                "month": month,
                "in_force": {"type": "boolean"},
                "applied": {"type": "boolean"},
                "outcome": {"type": ["string", "null"]},
                "exception": {"type": ["string", "null"]},
                "conditions": listing("ConditionTrace"),
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
                "citations": listing("Citation"),
            },
        ),
    }
    top = record(
        "The result of evaluating a policy on one household for a period.",
        {
            "schema_version": {"const": _DECISION_SCHEMA_VERSION},
            "stamp": {"$ref": "#/$defs/Stamp"},
            "entitlements": listing("Entitlement"),
            "statuses": listing("Status"),
            "explanations": listing("RuleTrace"),
            "spans": listing("BenefitSpans"),
        },
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "fpcore Decision document",
        **top,
        "$defs": dict(sorted(defs.items())),
    }
