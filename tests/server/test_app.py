"""The application in-process: what a bug looks like (500, no data in the answer or log)."""

from __future__ import annotations

from tests.server.conftest import needs_the_server_extra

needs_the_server_extra()

import asyncio
import json
import logging
from collections.abc import MutableMapping
from typing import Any

import attrs
import pytest

import fpcore.policies as policies
from fpcore.model import Household
from fpcore.rules import EntityAdapter
from fpcore.server import PROBLEM_TYPE, create_app
from tests.server.test_http import BODY, HOUSEHOLD


def _call(app: Any, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """One POST /v1/decisions through the ASGI interface."""
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/decisions",
        "raw_path": b"/v1/decisions",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 2),
    }
    asyncio.run(app(scope, receive, send))
    start = sent[0]
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


def _failing_household_id(household: Household) -> str:
    if household.household_id == "BOOM":
        raise RuntimeError(f"a bug that quotes {household.parents[0].name}")
    return household.household_id


def test_a_bug_is_a_500_problem_without_data(caplog: pytest.LogCaptureFixture) -> None:
    county = policies.get("county")
    adapter = attrs.evolve(county.adapter, household_id=_failing_household_id)
    assert isinstance(adapter, EntityAdapter)
    app = create_app({"county": attrs.evolve(county, adapter=adapter)})
    body = json.dumps({**BODY, "household": {**HOUSEHOLD, "household_id": "BOOM"}}).encode()
    with caplog.at_level(logging.INFO, logger="fpcore.server"):
        status, headers, answer = _call(app, body)
    assert status == 500
    assert headers["content-type"] == PROBLEM_TYPE
    name = HOUSEHOLD["parents"][0]["name"]
    assert name not in answer.decode()
    assert name not in caplog.text
    assert "RuntimeError" in caplog.text
    # the same app still answers the next request
    status, _, answer = _call(app, json.dumps(BODY).encode())
    assert status == 200


def test_a_client_that_leaves_mid_body_is_no_error(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app()
    sent: list[dict[str, Any]] = []
    chunks: list[dict[str, Any]] = [
        {"type": "http.request", "body": b'{"house', "more_body": True},
        {"type": "http.disconnect"},
    ]
    messages = iter(chunks)

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/validate",
        "raw_path": b"/v1/validate",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 2),
    }
    with caplog.at_level(logging.INFO, logger="fpcore.server"):
        asyncio.run(app(scope, receive, send))
    assert "client left" in caplog.text
    assert "500" not in caplog.text
