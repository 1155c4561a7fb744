"""JSON Schema (draft 2020-12) of the decision document (``Decision.to_dict()``)."""

from __future__ import annotations

from typing import Any

from fpcore.rules._parameters import CONFIDENCE
from fpcore.serialization._schema import _DATE_PATTERN, _MONEY_PATTERN

_DECISION_SCHEMA_VERSION = 3  # fpcore.rules._decision.SCHEMA_VERSION (tested equal)
_MONTH_PATTERN = r"^\d{4}-\d{2}$"
_PERIOD_PATTERN = r"^\d{4}(-\d{2}|Q[1-4]|-\d{2}\.\.\d{4}-\d{2})?$"


def decision_schema() -> dict[str, Any]:
    """The JSON Schema of a decision document, as ``Decision.to_dict()`` writes it.

    Entitlements' monthly amounts are runs of months with one amount
    (``{"first", "last", "amount"}``); ``spans`` give every benefit and beneficiary as
    objects (``{"first", "last", "monthly"}`` when paid, ``{"first", "last", "failed"}``
    when not); amounts are decimal text, never numbers. The stamp has the hash of the
    input document. ``explanations`` is empty unless the evaluation was asked to
    explain; then it holds spans of each rule's trace for a beneficiary, with every
    thing the trace repeats given once and referred to by number: rules, sources
    (citations), expressions, (expression, value) pairs and parameter uses.

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

    def runs(name: str, value: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "array",
            "description": f"consecutive months with one {name} (both ends included)",
            "items": record("", {"first": month, "last": month, name: value}),
        }

    expression = {"type": "integer", "minimum": 0, "description": "index in expressions"}

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
                "input_hash": {
                    "type": ["string", "null"],
                    "pattern": r"^sha256:[0-9a-f]{64}$",
                    "description": "sha256 of the input document in canonical form (keys "
                    "sorted, no spaces, UTF-8); null when not recorded",
                },
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
                "monthly": runs("amount", money),
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
                "monthly": runs("value", text),
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
            "A condition of a rule: its code, test (an expression) and wording.",
            {"code": text, "test": expression, "en": text, "zh": text},
        ),
        "Expression": {
            "description": "An expression's text, or its parts: text and the indices of "
            "earlier (shorter) expressions it contains.",
            "anyOf": [
                text,
                {
                    "type": "array",
                    "items": {"anyOf": [text, {"type": "integer", "minimum": 0}]},
                },
            ],
        },
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
                    "description": "the values of the rule's conditions, in order: t (true), "
                    "f (false), n (null); or each in full where they differ from the rule's",
                    "anyOf": [
                        {"type": "string", "pattern": "^[tfn]*$"},
                        listing("ConditionTrace"),
                    ],
                },
                "values": {
                    "type": "array",
                    "description": "the values recorded, as indices in values",
                    "items": {"type": "integer", "minimum": 0},
                },
                "parameters": {
                    "type": "array",
                    "description": "the parameters used, as indices in parameters",
                    "items": {"type": "integer", "minimum": 0},
                },
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
            "expressions": {
                "type": "array",
                "description": "every expression once, shortest first (with explanations)",
                "items": {"$ref": "#/$defs/Expression"},
            },
            "values": {
                "type": "array",
                "description": "every (expression, value) pair a trace recorded, once",
                "items": {
                    "type": "array",
                    "prefixItems": [expression, text],
                    "minItems": 2,
                    "maxItems": 2,
                },
            },
            "parameters": {
                "type": "array",
                "description": "every parameter use once (with explanations)",
                "items": {"$ref": "#/$defs/ParameterUse"},
            },
        },
        optional=("rules", "sources", "expressions", "values", "parameters"),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "fpcore Decision document",
        **top,
        "$defs": dict(sorted(defs.items())),
    }
