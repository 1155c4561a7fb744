"""The JSON Schemas the API serves, and the OpenAPI 3.1 document built from them."""

from __future__ import annotations

import copy
from typing import Any

from fpcore._version import __version__
from fpcore.model import Household
from fpcore.policies import reform_schema
from fpcore.rules import Parameter, Policy
from fpcore.serialization import decision_schema, json_schema
from fpcore.server._requests import KEYS, LANGS, MAX_PERIOD_MONTHS

_TEXT = {"type": "string"}


def document_schemas() -> dict[str, dict[str, Any]]:
    """The stand-alone JSON Schemas served at ``/v1/schemas/{name}``."""
    return {
        "household": json_schema(Household),
        "decision": decision_schema(),
        "reform": reform_schema(),
    }


def describe_policy(policy: Policy) -> dict[str, Any]:
    """A policy as JSON: rules with citations, parameters with cited dated values."""
    return {
        "id": policy.id,
        "version": policy.version,
        "title": policy.title,
        "hash": policy.content_hash,
        "rules": [
            {
                "id": rule.id,
                "title_en": rule.title_en,
                "title_zh": rule.title_zh,
                "benefit": rule.benefit,
                "entity": rule.entity,
                "effective_from": rule.effective_from.isoformat(),
                "effective_until": rule.effective_until.isoformat()
                if rule.effective_until
                else None,
                "citations": [c.to_dict() for c in rule.citations],
                "parameters": policy.parameters_of(rule),
            }
            for rule in policy.rules
        ],
        "parameters": [_parameter(p) for p in policy.parameters.values()],
        "settings": [
            {
                "name": s.name,
                "value": policy.settings_in_force()[s.name],
                "default": s.default,
                "choices": list(s.choices),
                "description": s.description,
            }
            for s in policy.settings
        ],
    }


def _parameter(parameter: Parameter) -> dict[str, Any]:
    data = parameter.to_dict()
    for value in data["values"]:  # type: ignore[attr-defined]
        if value["until"] is None:
            del value["until"]
    return data


def summarise_policy(policy: Policy) -> dict[str, Any]:
    """The short form listed by ``GET /v1/policies``."""
    return {
        "id": policy.id,
        "version": policy.version,
        "title": policy.title,
        "hash": policy.content_hash,
        "rules": [rule.id for rule in policy.rules],
        "href": f"/v1/policies/{policy.id}",
    }


def _obj(properties: dict[str, Any], *optional: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _api_schemas() -> dict[str, dict[str, Any]]:
    """Schemas of the API's own bodies (not fpcore documents)."""
    citation = {"$ref": "#/components/schemas/Citation"}
    date = {"type": "string", "format": "date"}
    request_properties = {
        "household": {"$ref": "#/components/schemas/HouseholdDocument"},
        "policy": {"type": "string", "description": "a policy id (GET /v1/policies)"},
        "reform": {"$ref": "#/components/schemas/ReformDocument"},
        "period": {
            "type": "string",
            "description": f"2017, 2017Q1, 2017-03 or 2017-01..2017-06; "
            f"at most {MAX_PERIOD_MONTHS} months",
            "examples": ["2017"],
        },
        "lang": {
            "enum": list(LANGS),
            "description": "the language of the plain-text answer (Accept: text/plain); "
            "the JSON decision carries both languages",
        },
        "explain": {
            "type": "boolean",
            "default": False,
            "description": "say why and why not, rule by rule and month by month",
        },
    }
    assert tuple(request_properties) == KEYS
    decision_request = {
        **_obj(request_properties, "policy", "reform", "lang", "explain"),
        "description": "One household, a policy id or a reform, a period.",
        "oneOf": [{"required": ["policy"]}, {"required": ["reform"]}],
    }
    validate_request = {
        **_obj(request_properties, "policy", "reform", "period", "lang", "explain"),
        "description": "A decision request checked without evaluating it; only the "
        "household is required.",
        "not": {"required": ["policy", "reform"]},
    }
    return {
        "DecisionRequest": decision_request,
        "ValidateRequest": validate_request,
        "Validation": _obj(
            {"valid": {"const": True}, "problems": {"type": "array", "maxItems": 0}}
        ),
        "Problem": {
            **_obj(
                {
                    "type": _TEXT,
                    "title": _TEXT,
                    "status": {"type": "integer"},
                    "detail": _TEXT,
                    "problems": {
                        "type": "array",
                        "items": _obj(
                            {
                                "path": {
                                    "type": "string",
                                    "description": "where, e.g. household.children[0]."
                                    "birth_date; empty for the whole body",
                                },
                                "message": _TEXT,
                            }
                        ),
                    },
                }
            ),
            "description": "An error (RFC 9457) with every problem of the input by path.",
        },
        "Health": _obj(
            {
                "status": {"const": "ok"},
                "fpcore_version": _TEXT,
                "policies": {"type": "array", "items": _TEXT},
            }
        ),
        "PolicySummary": _obj(
            {
                "id": _TEXT,
                "version": _TEXT,
                "title": _TEXT,
                "hash": _TEXT,
                "rules": {"type": "array", "items": _TEXT},
                "href": _TEXT,
            }
        ),
        "PolicyList": _obj(
            {"policies": {"type": "array", "items": {"$ref": "#/components/schemas/PolicySummary"}}}
        ),
        "PolicyDetail": _obj(
            {
                "id": _TEXT,
                "version": _TEXT,
                "title": _TEXT,
                "hash": _TEXT,
                "rules": {
                    "type": "array",
                    "items": _obj(
                        {
                            "id": _TEXT,
                            "title_en": _TEXT,
                            "title_zh": _TEXT,
                            "benefit": _TEXT,
                            "entity": {"enum": ["person", "household"]},
                            "effective_from": date,
                            "effective_until": {"anyOf": [date, {"type": "null"}]},
                            "citations": {"type": "array", "items": citation},
                            "parameters": {"type": "array", "items": _TEXT},
                        }
                    ),
                },
                "parameters": {
                    "type": "array",
                    "items": _obj(
                        {
                            "name": _TEXT,
                            "kind": {"enum": ["money", "int", "ratio", "date", "bool"]},
                            "description": _TEXT,
                            "values": {
                                "type": "array",
                                "items": _obj(
                                    {
                                        "start": date,
                                        "until": date,
                                        "value": _TEXT,
                                        "citation": citation,
                                    },
                                    "until",
                                ),
                            },
                        }
                    ),
                },
                "settings": {
                    "type": "array",
                    "items": _obj(
                        {
                            "name": _TEXT,
                            "value": _TEXT,
                            "default": _TEXT,
                            "choices": {"type": "array", "items": _TEXT},
                            "description": _TEXT,
                        }
                    ),
                },
            }
        ),
    }


def _relocate(node: Any, renames: dict[str, str]) -> Any:
    """Point ``#/$defs/X`` references at ``#/components/schemas/<renamed X>``."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                name = value.removeprefix("#/$defs/")
                out[key] = f"#/components/schemas/{renames.get(name, name)}"
            else:
                out[key] = _relocate(value, renames)
        return out
    if isinstance(node, list):
        return [_relocate(item, renames) for item in node]
    return node


def _components() -> dict[str, Any]:
    components: dict[str, Any] = {}
    for name, schema in document_schemas().items():
        schema = copy.deepcopy(schema)
        defs = schema.pop("$defs", {})
        schema.pop("$schema", None)
        renames: dict[str, str] = {}
        for def_name, body in defs.items():  # a name taken by a different schema: prefix
            if def_name in components and components[def_name] != _relocate(body, {}):
                renames[def_name] = f"{name.capitalize()}{def_name}"
        for def_name, body in defs.items():
            components[renames.get(def_name, def_name)] = _relocate(body, renames)
        components[f"{name.capitalize()}Document"] = _relocate(schema, renames)
    for name, schema in _api_schemas().items():
        assert name not in components, name
        components[name] = schema
    return dict(sorted(components.items()))


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _problems(*statuses: int) -> dict[str, Any]:
    reasons = {
        400: "malformed JSON, too deep, not UTF-8, duplicate keys, NaN",
        404: "no such policy or schema",
        413: "the body is larger than the limit",
        415: "the body is not sent as JSON",
        422: "the input is invalid: every problem with its path",
    }
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {str(s): {"description": reasons[s], "content": problem} for s in statuses}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the API, from the same JSON Schemas it serves."""
    name_param = {
        "name": "name",
        "in": "path",
        "required": True,
        "schema": {"enum": sorted(document_schemas())},
    }
    policy_param = {"name": "policy_id", "in": "path", "required": True, "schema": _TEXT}
    schema_any = {"application/schema+json": {"schema": {"type": "object"}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "fpcore HTTP JSON API",
            "version": __version__,
            "description": "Decisions on family-planning benefits for one household, the "
            "policy catalogue with its citations, and the JSON Schemas of the documents.",
        },
        "paths": {
            "/v1/decisions": {
                "post": {
                    "operationId": "decide",
                    "summary": "Evaluate one household under a policy or a reform",
                    "requestBody": {"required": True, "content": _json("DecisionRequest")},
                    "responses": {
                        "200": {
                            "description": "the decision (as text with Accept: text/plain)",
                            "content": {
                                **_json("DecisionDocument"),
                                "text/plain": {"schema": {"type": "string"}},
                            },
                        },
                        **_problems(400, 413, 415, 422),
                    },
                }
            },
            "/v1/validate": {
                "post": {
                    "operationId": "validate",
                    "summary": "Check a request (at least a household) without evaluating it",
                    "requestBody": {"required": True, "content": _json("ValidateRequest")},
                    "responses": {
                        "200": {"description": "valid", "content": _json("Validation")},
                        **_problems(400, 413, 415, 422),
                    },
                }
            },
            "/v1/policies": {
                "get": {
                    "operationId": "listPolicies",
                    "summary": "The named policy versions",
                    "responses": {"200": {"description": "ok", "content": _json("PolicyList")}},
                }
            },
            "/v1/policies/{policy_id}": {
                "get": {
                    "operationId": "getPolicy",
                    "summary": "One policy: rules, parameters by date with citations, settings",
                    "parameters": [policy_param],
                    "responses": {
                        "200": {"description": "ok", "content": _json("PolicyDetail")},
                        **_problems(404),
                    },
                }
            },
            "/v1/schemas/{name}": {
                "get": {
                    "operationId": "getSchema",
                    "summary": "The JSON Schema (draft 2020-12) of a document",
                    "parameters": [name_param],
                    "responses": {
                        "200": {"description": "the schema", "content": schema_any},
                        **_problems(404),
                    },
                }
            },
            "/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness: the policies are loaded",
                    "responses": {"200": {"description": "ok", "content": _json("Health")}},
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": _components()},
    }
