"""Fuzzing the readers (issue 14): households, applications and decisions.

Every document is a valid one with one to three mutations (a value replaced by a
hostile one, a key removed or added, a list emptied or doubled) or with its text
damaged. Reading must end in the object or in :class:`~fpcore.errors.InvalidInput`,
nothing else; whatever is accepted must evaluate, render as text, JSON, HTML and CSV,
and round-trip. Bounded so the suite stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.model import Household, sample_household
from fpcore.periods import Year
from fpcore.policies import get
from fpcore.rules import Decision
from fpcore.serialization import dumps, loads
from fpcore.workflows import (
    Application,
    Copy,
    Stage,
    Status,
    application_from_json,
    application_to_json,
    payment_register,
    public_notice,
)
from tests.workflows.helpers import D, granted, on_notice

T = TypeVar("T")
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
POLICY = get("county")

HOSTILE: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            0,
            -1,
            1.5,
            10**40,
            371121197005011248,
            "",
            " ",
            "\ud800",
            "=HYPERLINK(1)",
            "[/]",
            "[link=https://evil.example]x[/link]",
            "9940-05-01",
            "1849-12-31",
            "2008-02-30",
            "1e3",
            "+500",
            "١٠٠",
            "nobody",
            "2008-13",
            "x" * 300,
            [],
            {},
            [1.5],
            {"a": 1},
        ]
    ),
    st.text(max_size=8),
    st.integers(),
)


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*path, index))


def _mutate(data: Any, draw: st.DrawFn) -> Any:
    paths = [p for p in _paths(data) if p]
    path = draw(st.sampled_from(paths))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = draw(st.sampled_from(["replace", "replace", "delete", "add", "double"]))
    if action == "replace":
        parent[last] = draw(HOSTILE)
    elif action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["extra", "colour", "\ud800"]))] = draw(HOSTILE)
    elif action == "double" and isinstance(parent[last], list):
        parent[last] = parent[last] * 2
    return data


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str | bytes:
    data = json.loads(text)
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate(data, draw)
    out = json.dumps(data, ensure_ascii=draw(st.booleans()), default=str)
    if draw(st.integers(0, 9)) == 0:  # damaged text, sometimes
        at = draw(st.integers(0, len(out)))
        out = out[:at] + draw(st.sampled_from(["", "{", "]", '"', "\\", "NaN", "\x00"])) + out[at:]
    return out.encode("utf-8", "surrogatepass") if draw(st.booleans()) else out


def _decimal_free(data: Any) -> None:
    assert not isinstance(data, (float, Decimal))
    if isinstance(data, dict):
        for value in data.values():
            _decimal_free(value)
    elif isinstance(data, list):
        for value in data:
            _decimal_free(value)


def _read(reader: Callable[[str | bytes], T], text: str | bytes) -> T | None:
    """What the reader makes of the text: the object, or None for an InvalidInput
    (with at least one problem); any other exception fails the test."""
    failure: InvalidInput | None = None
    try:
        return reader(text)
    except InvalidInput as error:
        failure = error
    assert failure.problems
    return None


def _renders(decision: Decision) -> None:
    decision.to_text("en").encode("utf-8")
    decision.to_text("zh").encode("utf-8")
    decision._repr_html_().encode("utf-8")
    assert Decision.from_json(decision.to_json()) == decision


@FUZZ
@given(mutated(dumps(sample_household())))
def test_fuzzed_households(text: str | bytes) -> None:
    household = _read(lambda t: loads(t, Household), text)
    if household is None:
        return
    assert loads(dumps(household), Household) == household
    decision = POLICY.evaluate(household, Year(year=2008), explain=True)
    _renders(decision)
    register = payment_register([household], POLICY, Year(year=2008))
    for copy in (Copy.PUBLIC, Copy.OFFICE):
        register.to_csv(copy).encode("utf-8")
        register.to_text(copy).encode("utf-8")


_APPLICATIONS = [application_to_json(on_notice()), application_to_json(granted())]


@FUZZ
@given(st.sampled_from(_APPLICATIONS).flatmap(mutated))
def test_fuzzed_applications(text: str | bytes) -> None:
    application = _read(application_from_json, text)
    if application is None:
        return
    again = application_to_json(application)
    _decimal_free(json.loads(again))
    assert Application.from_json(again) == application
    application.history().encode("utf-8")
    if application.stage is Stage.PUBLIC_NOTICE and application.status is Status.OPEN:
        notice = public_notice([application])
        for rendered in (notice.to_text(), notice.to_html(), notice.to_csv()):
            rendered.encode("utf-8")
    for event in application.events:
        if event.eligibility is not None:
            _renders(event.eligibility)


_DECISION = POLICY.evaluate(sample_household(), Year(year=2008), explain=True).to_json()


@FUZZ
@given(mutated(_DECISION))
def test_fuzzed_decisions(text: str | bytes) -> None:
    decision = _read(Decision.from_json, text)
    if decision is None:
        return
    _renders(decision)
    _decimal_free(json.loads(decision.to_json()))


def test_the_fuzzed_documents_start_valid() -> None:
    assert loads(dumps(sample_household()), Household) == sample_household()
    assert all(application_from_json(text) for text in _APPLICATIONS)
    assert Decision.from_json(_DECISION).stamp.period == Year(year=2008)
    assert D(2008, 3, 21) in on_notice().notice_period  # type: ignore[operator]
