"""The HTTP JSON API against a real server process, over HTTP."""

from __future__ import annotations

from tests.server.conftest import needs_the_server_extra

needs_the_server_extra()

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

import fpcore.policies as policies
from fpcore.model import Household, sample_history, sample_household
from fpcore.periods import parse_period
from fpcore.rules import Decision
from fpcore.serialization import (
    MAX_DOCUMENT_BYTES,
    MAX_NESTING,
    decision_schema,
    json_schema,
    loads,
    to_document,
)
from fpcore.server import PROBLEM_TYPE
from tests.server.conftest import Server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "household.json"
HOUSEHOLD: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
BODY: dict[str, Any] = {
    "household": HOUSEHOLD,
    "policy": "county",
    "period": "2017",
    "lang": "zh",
    "explain": False,
}


def _component(openapi: dict[str, Any], name: str) -> Draft202012Validator:
    """A validator for one component schema of the OpenAPI document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": openapi["components"]}
    return Draft202012Validator(schema)


def _problems(answer: httpx.Response, status: int) -> list[dict[str, str]]:
    """Check a problem answer and give its problem list."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM_TYPE
    body = answer.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:fpcore:problem:")
    assert isinstance(body["title"], str)
    assert isinstance(body["detail"], str)
    problems: list[dict[str, str]] = body["problems"]
    return problems


@pytest.fixture(scope="module")
def openapi(client: httpx.Client) -> dict[str, Any]:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


# --- the endpoints ----------------------------------------------------------------------


def test_health(client: httpx.Client, openapi: dict[str, Any]) -> None:
    answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.json()["policies"] == policies.list_policies()
    _component(openapi, "Health").validate(answer.json())


def test_openapi_document_is_valid(openapi: dict[str, Any]) -> None:
    validate_openapi(openapi)
    assert openapi["openapi"].startswith("3.1")
    assert set(openapi["paths"]) == {
        "/v1/decisions",
        "/v1/validate",
        "/v1/policies",
        "/v1/policies/{policy_id}",
        "/v1/schemas/{name}",
        "/openapi.json",
        "/health",
    }
    for schema in openapi["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_openapi_is_built_from_the_served_schemas(
    client: httpx.Client, openapi: dict[str, Any]
) -> None:
    def relocated(schema: dict[str, Any]) -> Any:
        return json.loads(json.dumps(schema).replace("#/$defs/", "#/components/schemas/"))

    household = client.get("/v1/schemas/household").json()
    components = openapi["components"]["schemas"]
    assert components["Household"] == relocated(household["$defs"]["Household"])
    assert components["HouseholdDocument"]["required"] == household["required"]
    assert components["TraceSpan"] == relocated(decision_schema()["$defs"]["TraceSpan"])


def test_policies(client: httpx.Client, openapi: dict[str, Any]) -> None:
    answer = client.get("/v1/policies")
    assert answer.status_code == 200
    _component(openapi, "PolicyList").validate(answer.json())
    listed = answer.json()["policies"]
    assert [p["id"] for p in listed] == policies.list_policies()
    for summary in listed:
        detail = client.get(summary["href"])
        assert detail.status_code == 200
        body = detail.json()
        _component(openapi, "PolicyDetail").validate(body)
        policy = policies.get(summary["id"])
        assert body["hash"] == summary["hash"] == policy.content_hash
        assert {p["name"] for p in body["parameters"]} == set(policy.parameters)
        for parameter in body["parameters"]:
            for value in parameter["values"]:
                assert value["citation"]["document"]
        for rule in body["rules"]:
            assert rule["citations"], rule["id"]


def test_unknown_policy(client: httpx.Client) -> None:
    problems = _problems(client.get("/v1/policies/atlantis"), 404)
    assert problems[0]["path"] == "policy_id"
    assert "county" in problems[0]["message"]


def test_schemas(client: httpx.Client) -> None:
    household = client.get("/v1/schemas/household")
    assert household.status_code == 200
    assert household.headers["content-type"] == "application/schema+json"
    assert household.json() == json_schema(Household)
    assert client.get("/v1/schemas/decision").json() == decision_schema()
    assert client.get("/v1/schemas/reform").json() == policies.reform_schema()
    assert _problems(client.get("/v1/schemas/person"), 404)[0]["path"] == "name"


def test_decision_of_the_example(client: httpx.Client, openapi: dict[str, Any]) -> None:
    answer = client.post("/v1/decisions", json=BODY)
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert list(Draft202012Validator(decision_schema()).iter_errors(document)) == []
    _component(openapi, "DecisionDocument").validate(document)
    household = loads(EXAMPLE.read_bytes(), Household)
    expected = policies.get("county").evaluate(household, parse_period("2017"))
    assert Decision.from_dict(document) == expected
    assert document["explanations"] == []


@pytest.mark.parametrize("lang", ["zh", "en", None])
def test_decision_as_text(client: httpx.Client, lang: str | None) -> None:
    body = {**BODY, "explain": True, "lang": lang}
    if lang is None:
        del body["lang"]
    answer = client.post("/v1/decisions", json=body, headers={"accept": "text/plain"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["content-language"] == (lang or "en")
    household = loads(EXAMPLE.read_bytes(), Household)
    expected = policies.get("county").evaluate(household, parse_period("2017"), explain=True)
    assert answer.text == expected.to_text("zh" if lang == "zh" else "en")


def test_decision_with_explanation(client: httpx.Client) -> None:
    body = {**BODY, "explain": True, "period": "2008Q2", "policy": "national"}
    document = client.post("/v1/decisions", json=body).json()
    assert document["explanations"]
    assert document["stamp"]["policy_id"] == "national"
    expected = policies.get("national").evaluate(
        sample_history(), parse_period("2008Q2"), explain=True
    )
    assert Decision.from_dict(document) == expected


def test_decision_under_a_reform(client: httpx.Client) -> None:
    reform = {
        "schema_version": 1,
        "base": "county",
        "id": "county-ocr-20",
        "parameters": {
            "only_child_reward.monthly": [
                {"start": "2008-01-01", "value": "20", "citation": {"document": "a reform"}}
            ]
        },
    }
    body = {"household": to_document(sample_household()), "reform": reform, "period": "2008"}
    base = client.post("/v1/decisions", json={**body, "policy": "county", "reform": None})
    assert base.status_code == 422  # a policy and a reform: one or the other
    del body["reform"]
    base = client.post("/v1/decisions", json={**body, "policy": "county"})
    changed = client.post("/v1/decisions", json={**body, "reform": reform})
    assert changed.status_code == 200, changed.text
    assert changed.json()["stamp"]["policy_id"] == "county-ocr-20"
    assert base.json()["entitlements"][0]["total"] == "240.00"
    assert changed.json()["entitlements"][0]["total"] == "480.00"
    again = client.post("/v1/decisions", json={**body, "reform": reform})  # from the cache
    assert again.json() == changed.json()


def test_bad_reform_paths(client: httpx.Client) -> None:
    reform = {
        "schema_version": 1,
        "base": "county",
        "parameters": {"only_child_reward.monthly": [{"start": "2008-01-01", "value": 20}]},
    }
    body = {"household": HOUSEHOLD, "reform": reform, "period": "2008"}
    problems = _problems(client.post("/v1/decisions", json=body), 422)
    assert [p["path"] for p in problems] == [
        "reform.parameters.only_child_reward.monthly[0].value",
        "reform.parameters.only_child_reward.monthly[0].citation",
    ]


def test_validate(client: httpx.Client, openapi: dict[str, Any]) -> None:
    answer = client.post("/v1/validate", json={"household": HOUSEHOLD})
    assert answer.status_code == 200
    _component(openapi, "Validation").validate(answer.json())
    assert client.post("/v1/validate", json=BODY).json() == {"valid": True, "problems": []}
    broken = json.loads(json.dumps(HOUSEHOLD))
    broken["children"][0]["birth_date"] = "2019-02-30"
    del broken["village"]
    problems = _problems(
        client.post("/v1/validate", json={"household": broken, "period": "2017-13"}), 422
    )
    assert [p["path"] for p in problems] == [
        "household.village",
        "household.children[0].birth_date",
        "period",
    ]


# --- bad bodies: 4xx problem+json with paths, never 500 -----------------------------------


def _post(
    client: httpx.Client, content: bytes | str, path: str = "/v1/decisions"
) -> httpx.Response:
    return client.post(path, content=content, headers={"content-type": "application/json"})


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"{",
        b"not json",
        b"\xff\xfe{}",
        b'{"household": NaN}',
        b'{"period": "2017", "period": "2018"}',
        b"[" * (MAX_NESTING + 1) + b"]" * (MAX_NESTING + 1),
        b'{"a": ' * (MAX_NESTING + 1) + b"1" + b"}" * (MAX_NESTING + 1),
        b"1" * 5000,
    ],
    ids=[
        "empty",
        "truncated",
        "text",
        "utf16",
        "nan",
        "repeated-key",
        "deep-list",
        "deep",
        "huge-int",
    ],
)
def test_malformed_bodies_are_400(client: httpx.Client, text: bytes) -> None:
    for path in ("/v1/decisions", "/v1/validate"):
        problems = _problems(_post(client, text, path), 400)
        assert problems
        assert all(p["path"] == "" for p in problems)


def test_too_large_body_is_413(client: httpx.Client) -> None:
    text = b'{"household": "' + b"x" * MAX_DOCUMENT_BYTES + b'"}'
    _problems(_post(client, text), 413)


def test_too_large_body_without_length_is_413(client: httpx.Client) -> None:
    def chunks() -> Any:
        for _ in range(MAX_DOCUMENT_BYTES // 65536 + 2):
            yield b" " * 65536

    answer = client.post(
        "/v1/decisions", content=chunks(), headers={"content-type": "application/json"}
    )
    _problems(answer, 413)


def test_not_json_media_type_is_415(client: httpx.Client) -> None:
    answer = client.post("/v1/decisions", data={"household": "x"})
    _problems(answer, 415)


@pytest.mark.parametrize(
    ("change", "paths"),
    [
        ({"household": 5}, ["household"]),
        ({"household": []}, ["household"]),
        ({"period": 2017}, ["period"]),
        ({"period": "2017-13"}, ["period"]),
        ({"period": "1850"}, ["period"]),
        ({"period": "2001-01..2017-12"}, ["period"]),
        ({"policy": ["county"]}, ["policy"]),
        ({"policy": "County"}, ["policy"]),
        ({"lang": "fr"}, ["lang"]),
        ({"explain": "yes"}, ["explain"]),
        ({"reform": "county"}, ["reform"]),
        ({"extra": 1}, ["extra"]),
        (
            {"household": {**HOUSEHOLD, "household_id": 5, "schema_version": 3}},
            ["household.schema_version", "household.household_id"],
        ),
    ],
)
def test_wrong_types_are_422_with_paths(
    client: httpx.Client, change: dict[str, Any], paths: list[str]
) -> None:
    body = {**BODY, **change}
    if "reform" in change:
        del body["policy"]
    problems = _problems(client.post("/v1/decisions", json=body), 422)
    assert [p["path"] for p in problems] == paths


def test_missing_parts_are_named(client: httpx.Client) -> None:
    problems = _problems(client.post("/v1/decisions", json={}), 422)
    assert [p["path"] for p in problems] == ["household", "policy", "period"]
    problems = _problems(client.post("/v1/decisions", json=[BODY]), 422)
    assert [p["path"] for p in problems] == [""]


def test_suggestion_for_a_policy_id(client: httpx.Client) -> None:
    problems = _problems(client.post("/v1/decisions", json={**BODY, "policy": "County"}), 422)
    assert "did you mean 'county'" in problems[0]["message"]


def test_unknown_route_and_method(client: httpx.Client) -> None:
    _problems(client.get("/v2/decisions"), 404)
    answer = client.get("/v1/decisions")
    _problems(answer, 405)
    assert "POST" in answer.headers["allow"]


# --- logs -------------------------------------------------------------------------------


def test_logs_hold_no_personal_data(client: httpx.Client, server: Server) -> None:
    broken = json.loads(json.dumps(HOUSEHOLD))
    broken["parents"][0]["name"] = 12345
    broken["children"][0]["birth_date"] = "王小明"
    client.post("/v1/decisions", json=BODY)
    client.post("/v1/decisions", json={**BODY, "household": broken})
    client.post("/v1/validate", json={"household": broken})
    logged = server.logged()
    assert "decision 200" in logged, logged[-3000:]
    assert "H*****1" in logged  # the household id, masked
    for person in HOUSEHOLD["parents"]:
        assert person["name"] not in logged
        assert person["resident_id"] not in logged
    for child in HOUSEHOLD["children"]:
        assert child["name"] not in logged
    assert "HN-0001" not in logged
    assert "Traceback" not in logged, logged[-3000:]
