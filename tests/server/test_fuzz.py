"""A bounded fuzz of request bodies: every answer is a decision or a 4xx problem."""

from __future__ import annotations

from tests.server.conftest import needs_the_server_extra

needs_the_server_extra()

import copy
import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from fpcore.serialization import decision_schema
from fpcore.server import PROBLEM_TYPE
from tests.server.test_http import BODY

DECISION = Draft202012Validator(decision_schema())
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2017", "2017Q1", "2017-03", "county", "zh", "female", "1970-05-01", ""])
)
JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _check(answer: httpx.Response) -> None:
    assert answer.status_code in (200, 400, 413, 415, 422), answer.text
    if answer.status_code == 200:
        if answer.request.url.path == "/v1/decisions":
            assert list(DECISION.iter_errors(answer.json())) == []
        return
    assert answer.headers["content-type"] == PROBLEM_TYPE
    body = answer.json()
    assert body["status"] == answer.status_code
    assert body["problems"]
    for problem in body["problems"]:
        assert set(problem) == {"path", "message"}
        assert isinstance(problem["path"], str)
        assert isinstance(problem["message"], str)
        assert problem["message"]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


PATHS = [path for path in _paths(BODY) if path]


REFORM_BODY: dict[str, Any] = {
    "household": BODY["household"],
    "period": "2017",
    "reform": {
        "schema_version": 1,
        "base": "county",
        "id": "fuzz",
        "settings": {"only_child_reward_last_month": "month_before"},
        "parameters": {
            "only_child_reward.monthly": [
                {
                    "start": "2008-01-01",
                    "until": "2016-12-31",
                    "value": "20.00",
                    "citation": {"document": "a reform", "article": "1"},
                }
            ],
            "only_child_reward.waiver_multiplier": [
                {"start": "2010-01-01", "value": 3, "citation": {"document": "a reform"}}
            ],
        },
    },
}
REFORM_PATHS = [path for path in _paths(REFORM_BODY) if path[:1] == ("reform",)]


@st.composite
def mutated_bodies(draw: st.DrawFn, valid: Any = BODY, paths: Any = PATHS) -> Any:
    """A valid body with a few values replaced by arbitrary JSON or removed."""
    body = copy.deepcopy(valid)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(paths))
        parent: Any = body
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(JSON)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    return body


@FUZZ
@given(body=mutated_bodies(), endpoint=st.sampled_from(["/v1/decisions", "/v1/validate"]))
def test_mutated_bodies(client: httpx.Client, body: Any, endpoint: str) -> None:
    _check(client.post(endpoint, json=body))


@FUZZ
@given(body=mutated_bodies(REFORM_BODY, REFORM_PATHS))
def test_mutated_reforms(client: httpx.Client, body: Any) -> None:
    _check(client.post("/v1/decisions", json=body))


@FUZZ
@given(body=JSON)
def test_any_json_body(client: httpx.Client, body: Any) -> None:
    _check(client.post("/v1/decisions", content=json.dumps(body), headers=_JSON_TYPE))


@FUZZ
@given(body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes(client: httpx.Client, body: bytes) -> None:
    _check(client.post("/v1/decisions", content=body, headers=_JSON_TYPE))


_JSON_TYPE = {"content-type": "application/json"}


def test_the_reform_body_the_fuzz_starts_from_is_valid(client: httpx.Client) -> None:
    answer = client.post("/v1/decisions", json=REFORM_BODY)
    assert answer.status_code == 200, answer.text
    assert answer.json()["stamp"]["policy_id"] == "fuzz"
