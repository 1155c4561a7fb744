"""Properties of the procedure over generated sequences of steps."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidTransition
from fpcore.model import sample_household
from fpcore.money import ZERO
from fpcore.workflows import (
    Action,
    Application,
    Stage,
    Status,
    application_from_json,
    entitled_amount,
    sample_applicant,
)

OPEN, RETURNED, REJECTED, GRANTED = Status.OPEN, Status.RETURNED, Status.REJECTED, Status.GRANTED
_REVIEW = (
    Stage.VILLAGE_REVIEW,
    Stage.TOWNSHIP_INVESTIGATION,
    Stage.COUNTY_REVIEW,
    Stage.CITY_APPROVAL,
)
_AFTER = dict(zip(_REVIEW, (*_REVIEW[1:], Stage.PUBLIC_NOTICE), strict=True))

# The allowed edges, written out independently of the implementation:
# (stage, status, action) -> (stage, status)
ALLOWED: dict[tuple[Stage, Status, Action], tuple[Stage, Status]] = {}
for _stage in _REVIEW:
    ALLOWED[(_stage, OPEN, Action.APPROVE)] = (_AFTER[_stage], OPEN)
    ALLOWED[(_stage, OPEN, Action.REJECT)] = (_stage, REJECTED)
    ALLOWED[(_stage, OPEN, Action.RETURN)] = (_stage, RETURNED)
    ALLOWED[(_stage, RETURNED, Action.RESUBMIT)] = (_stage, OPEN)
ALLOWED[(Stage.PUBLIC_NOTICE, OPEN, Action.POST_NOTICE)] = (Stage.PUBLIC_NOTICE, OPEN)
ALLOWED[(Stage.PUBLIC_NOTICE, OPEN, Action.OBJECT)] = (Stage.COUNTY_REVIEW, OPEN)
ALLOWED[(Stage.PUBLIC_NOTICE, OPEN, Action.GRANT)] = (Stage.GRANTED, GRANTED)
ALLOWED[(Stage.PUBLIC_NOTICE, OPEN, Action.REJECT)] = (Stage.PUBLIC_NOTICE, REJECTED)

Step = tuple[str, int]
_OPS = (
    *("approve",) * 6,
    *("post", "grant", "resubmit") * 2,
    *("object", "return", "reject"),
)
steps = st.lists(
    st.tuples(st.sampled_from(_OPS), st.integers(min_value=-2, max_value=9)),
    max_size=25,
)


def _do(app: Application, op: str, on: pendulum.Date) -> Application:
    actions: dict[str, Callable[[], Application]] = {
        "approve": lambda: app.approve(on),
        "post": lambda: app.post_notice(on),
        "grant": lambda: app.grant(on),
        "object": lambda: app.object(on, "异议"),
        "reject": lambda: app.reject(on, "不符合条件"),
        "return": lambda: app.return_for_documents(on, ["证明材料"]),
        "resubmit": lambda: app.resubmit(on),
    }
    return actions[op]()


def _run(app: Application, plan: list[Step]) -> list[Application]:
    """Apply the plan; every refused step must leave the application as it was."""
    seen = [app]
    day = app.submitted_on
    for op, delta in plan:
        on = day.add(days=delta)
        before_events = app.events
        try:
            after = _do(app, op, on)
        except InvalidTransition:
            assert app.events is before_events
            assert seen[-1] == app
            continue
        # append-only: exactly one new event, the old ones untouched
        assert after.events[:-1] == before_events
        assert len(after.events) == len(before_events) + 1
        event = after.events[-1]
        assert event.on >= app.state.last_day
        edge = (app.stage, app.status, event.action)
        assert edge in ALLOWED, edge
        assert ALLOWED[edge] == (after.stage, after.status)
        app, day = after, on
        seen.append(app)
    return seen


def _check_granted(app: Application) -> None:
    events = app.events
    assert events[0].action is Action.SUBMIT
    approvals = [e.stage for e in events if e.action is Action.APPROVE]
    for stage in _REVIEW:
        assert stage in approvals, f"granted without passing {stage}"
    firsts = [approvals.index(stage) for stage in _REVIEW]
    assert firsts == sorted(firsts), "stages passed out of order"
    posts = [i for i, e in enumerate(events) if e.action is Action.POST_NOTICE]
    assert posts
    last_post = posts[-1]
    assert all(e.action is not Action.OBJECT for e in events[last_post:])
    assert events[last_post - 1].stage is Stage.CITY_APPROVAL
    assert events[last_post - 1].action is Action.APPROVE
    grant = events[-1]
    assert grant.action is Action.GRANT
    assert (grant.on - events[last_post].on).days >= app.notice_days, "a full notice period"
    city = events[last_post - 1].eligibility
    assert city is not None
    assert entitled_amount(city, app.benefit, app.beneficiary) > ZERO


def _start(eligible: bool, notice_days: int) -> Application:
    household = sample_applicant() if eligible else sample_household()
    return Application.submit(
        application_id="P-1",
        household=household,
        benefit="special_assistance",
        on=pendulum.Date(2008, 3, 3),
        notice_days=notice_days,
    )


@settings(max_examples=60)
@given(plan=steps, eligible=st.booleans(), notice_days=st.integers(7, 14))
def test_generated_step_sequences_keep_the_procedure(
    plan: list[Step], eligible: bool, notice_days: int
) -> None:
    seen = _run(_start(eligible, notice_days), plan)
    final = seen[-1]
    # states only move along allowed edges (checked in _run); final states are final
    for app in seen:
        if app.status is Status.GRANTED:
            _check_granted(app)
            assert eligible
    assert final.state == final.state  # replay is deterministic
    assert final.is_final == (final.status in (Status.REJECTED, Status.GRANTED))


# A plan that walks the happy path with random gaps, returns and objections, so that
# grants (and grants after an objection) happen often.
@settings(max_examples=40)
@given(
    gaps=st.lists(st.integers(0, 8), min_size=5, max_size=5),
    returns=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=2),
    objections=st.lists(st.integers(0, 12), max_size=2),
    notice_days=st.integers(7, 14),
    wait=st.integers(-2, 3),
)
def test_the_happy_path_with_detours_grants_only_after_every_stage_and_a_full_notice(
    gaps: list[int],
    returns: list[tuple[int, int]],
    objections: list[int],
    notice_days: int,
    wait: int,
) -> None:
    plan: list[Step] = [("approve", gap) for gap in gaps[:4]] + [("post", gaps[4])]
    for position, gap in sorted(returns, reverse=True):
        plan[position:position] = [("return", gap), ("resubmit", 1)]
    for delay in objections:
        plan += [("object", delay), ("approve", 1), ("approve", 1), ("post", 1)]
    plan += [("grant", notice_days + wait), ("grant", 1)]
    seen = _run(_start(True, notice_days), plan)
    granted = [app for app in seen if app.status is Status.GRANTED]
    for app in granted:
        _check_granted(app)
    final = seen[-1]
    assert application_from_json(final.to_json()) == final
