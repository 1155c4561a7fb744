"""Errors as ``application/problem+json`` (RFC 9457) with fpcore's problem list."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.responses import Response

from fpcore.errors import Problem

PROBLEM_TYPE = "application/problem+json"

_TYPES = {
    400: "malformed-request",
    404: "not-found",
    405: "method-not-allowed",
    413: "request-too-large",
    415: "unsupported-media-type",
    422: "invalid-input",
    500: "internal-error",
}
_TITLES = {
    400: "The request body is not acceptable JSON",
    404: "Not found",
    405: "Method not allowed",
    413: "The request body is too large",
    415: "The request body must be JSON",
    422: "The request has invalid input",
    500: "Internal error",
}


def problem_body(status: int, detail: str, problems: Iterable[Problem] = ()) -> dict[str, Any]:
    """The problem document: ``type``, ``title``, ``status``, ``detail``, ``problems``."""
    return {
        "type": f"urn:fpcore:problem:{_TYPES.get(status, 'error')}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "problems": [{"path": p.path, "message": p.message} for p in problems],
    }


def problem_response(
    status: int,
    detail: str,
    problems: Iterable[Problem] = (),
    *,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A ``Response`` carrying :func:`problem_body` as ``application/problem+json``."""
    body = json.dumps(problem_body(status, detail, problems), ensure_ascii=False)
    return Response(body.encode(), status_code=status, media_type=PROBLEM_TYPE, headers=headers)
