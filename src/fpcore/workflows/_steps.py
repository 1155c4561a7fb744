"""The procedure's vocabulary and its allowed moves, as pure data and one pure function.

An application's state is a fold of its audit events: :func:`advance` takes the state
and the next event and returns the next state, or raises
:class:`~fpcore.errors.InvalidTransition` saying why the event cannot follow. The
:class:`~fpcore.workflows.Application` methods build events and use it, and its
constructor replays the whole trail with it, so a document read from JSON obeys the
same rules as a live application.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable

import attrs
import pendulum

from fpcore.errors import InvalidInput, InvalidTransition, Problem, shown
from fpcore.model import Household
from fpcore.money import ZERO, Money
from fpcore.rules import Decision

DEFAULT_NOTICE_DAYS = 7
"""Days a public notice (公示) lasts unless configured otherwise.

No family-planning source fixes it; nearby schemes use 7 days as a floor
(domain notes 2.5, [UNCERTAIN]), so it is a per-application setting, never below
:data:`MIN_NOTICE_DAYS`.
"""

MIN_NOTICE_DAYS = 7
"""The shortest public notice an application may have: the 7-day floor."""


class Stage(enum.StrEnum):
    """The steps of the assistance procedure, in order.

    - ``APPLICATION``: 个人申请, the personal application.
    - ``VILLAGE_REVIEW``: 村民委员会审核, review by the village committee.
    - ``TOWNSHIP_INVESTIGATION``: 乡镇人民政府调查核实, investigation by the township.
    - ``COUNTY_REVIEW``: 县人口和计划生育局审核, review by the county bureau.
    - ``CITY_APPROVAL``: 市人口和计划生育委员会审批, approval by the city.
    - ``PUBLIC_NOTICE``: 张榜公示, the public notice.
    - ``GRANTED``: 批准享受, granted (the end of the procedure).
    """

    APPLICATION = "application"
    VILLAGE_REVIEW = "village_review"
    TOWNSHIP_INVESTIGATION = "township_investigation"
    COUNTY_REVIEW = "county_review"
    CITY_APPROVAL = "city_approval"
    PUBLIC_NOTICE = "public_notice"
    GRANTED = "granted"


class Status(enum.StrEnum):
    """Where the case stands at its stage.

    - ``OPEN``: 办理中, waiting for the stage's decision.
    - ``RETURNED``: 退回补充材料, returned to the applicant for more documents.
    - ``REJECTED``: 不予批准, refused (final).
    - ``GRANTED``: 批准, granted (final).
    """

    OPEN = "open"
    RETURNED = "returned"
    REJECTED = "rejected"
    GRANTED = "granted"


class Role(enum.StrEnum):
    """Who acts in the procedure.

    - ``APPLICANT``: 申请人.
    - ``VILLAGE_COMMITTEE``: 村民委员会.
    - ``TOWNSHIP_GOVERNMENT``: 乡镇人民政府 (计生办).
    - ``COUNTY_BUREAU``: 县人口和计划生育局.
    - ``CITY_COMMISSION``: 市人口和计划生育委员会.
    - ``PUBLIC``: 群众, anyone raising an objection during the notice.
    """

    APPLICANT = "applicant"
    VILLAGE_COMMITTEE = "village_committee"
    TOWNSHIP_GOVERNMENT = "township_government"
    COUNTY_BUREAU = "county_bureau"
    CITY_COMMISSION = "city_commission"
    PUBLIC = "public"


class Action(enum.StrEnum):
    """The decision an audit event records.

    - ``SUBMIT``: 提出申请; ``RESUBMIT``: 补齐材料重新提交.
    - ``APPROVE``: 审核通过 (at the city: 批准).
    - ``RETURN``: 退回补充材料; ``REJECT``: 不予批准, with a reason.
    - ``POST_NOTICE``: 张榜公示; ``OBJECT``: 公示期内提出异议.
    - ``GRANT``: 公示期满无异议, 批准享受.
    """

    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"
    POST_NOTICE = "post_notice"
    OBJECT = "object"
    GRANT = "grant"


REVIEW_STAGES: tuple[Stage, ...] = (
    Stage.VILLAGE_REVIEW,
    Stage.TOWNSHIP_INVESTIGATION,
    Stage.COUNTY_REVIEW,
    Stage.CITY_APPROVAL,
)
"""The stages where a reviewer approves, rejects or returns the case, in order."""

REVIEWER: dict[Stage, Role] = {
    Stage.VILLAGE_REVIEW: Role.VILLAGE_COMMITTEE,
    Stage.TOWNSHIP_INVESTIGATION: Role.TOWNSHIP_GOVERNMENT,
    Stage.COUNTY_REVIEW: Role.COUNTY_BUREAU,
    Stage.CITY_APPROVAL: Role.CITY_COMMISSION,
    Stage.PUBLIC_NOTICE: Role.COUNTY_BUREAU,
}
"""Who decides at each stage (the county bureau posts the notice and grants)."""

_NEXT: dict[Stage, Stage] = {
    Stage.VILLAGE_REVIEW: Stage.TOWNSHIP_INVESTIGATION,
    Stage.TOWNSHIP_INVESTIGATION: Stage.COUNTY_REVIEW,
    Stage.COUNTY_REVIEW: Stage.CITY_APPROVAL,
    Stage.CITY_APPROVAL: Stage.PUBLIC_NOTICE,
}


def _to_names(names: Iterable[str]) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else tuple(names)


@attrs.frozen(kw_only=True)
class AuditEvent:
    """One entry of an application's audit trail (审批记录).

    Args:
        stage: the stage the case was at when this happened.
        actor: who acted.
        on: the day it happened.
        action: the decision taken.
        note: the reason (required for a rejection), or any remark.
        missing_documents: for a return, the documents asked for.
        eligibility: the rule engine's decision, with its explanation, attached to
            submissions and to the city's approval or refusal.
        household: for a submission or resubmission, the household as handed in: the
            evidence the checks of this and the following events were made on, kept
            when a resubmission corrects it.
    """

    stage: Stage
    actor: Role
    on: pendulum.Date
    action: Action
    note: str = ""
    missing_documents: tuple[str, ...] = attrs.field(default=(), converter=_to_names)
    eligibility: Decision | None = None
    household: Household | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        for name, kind in (("stage", Stage), ("actor", Role), ("action", Action)):
            if not isinstance(getattr(self, name), kind):
                problems.append(Problem(name, f"{getattr(self, name)!r} is not a {kind.__name__}"))
        if not isinstance(self.on, pendulum.Date) or isinstance(self.on, datetime.datetime):
            problems.append(Problem("on", f"{self.on!r} is not a date (expected pendulum.Date)"))
        if not isinstance(self.note, str):
            problems.append(Problem("note", f"{self.note!r} is not text"))
        if not isinstance(self.missing_documents, tuple) or not all(
            isinstance(d, str) and d.strip() for d in self.missing_documents
        ):
            problems.append(Problem("missing_documents", "expected a list of document names"))
        if self.eligibility is not None and not isinstance(self.eligibility, Decision):
            problems.append(Problem("eligibility", "expected a Decision"))
        if self.household is not None and not isinstance(self.household, Household):
            problems.append(Problem("household", "expected a Household"))
        texts = [("note", self.note)] if isinstance(self.note, str) else []
        if isinstance(self.missing_documents, tuple):
            texts += [(f"missing_documents[{i}]", d) for i, d in enumerate(self.missing_documents)]
        for path, text in texts:
            try:
                str(text).encode("utf-8")
            except UnicodeEncodeError:
                problems.append(Problem(path, f"{shown(text)} is not UTF-8 text"))
        if problems:
            raise InvalidInput(problems)

    def summary(self) -> str:
        """One line: date, stage, actor, action and note.

        >>> AuditEvent(stage=Stage.APPLICATION, actor=Role.APPLICANT,
        ...            on=pendulum.Date(2008, 3, 3), action=Action.SUBMIT).summary()
        '2008-03-03 application applicant: submit'
        """
        line = f"{self.on} {self.stage.value} {self.actor.value}: {self.action.value}"
        if self.missing_documents:
            line += f" (missing: {', '.join(self.missing_documents)})"
        if self.note:
            line += f" - {self.note}"
        return line


@attrs.frozen(kw_only=True)
class State:
    """What the replayed trail says: stage, status, last date, notice start."""

    stage: Stage
    status: Status
    last_day: pendulum.Date
    notice_start: pendulum.Date | None = None

    @property
    def is_final(self) -> bool:
        """Whether nothing can follow (granted or rejected)."""
        return self.status in (Status.REJECTED, Status.GRANTED)


def entitled_amount(decision: Decision, benefit: str, beneficiary: str) -> Money:
    """What a decision gives one beneficiary for one benefit over its period.

    >>> from fpcore.policies import get
    >>> from fpcore.model import sample_household
    >>> from fpcore.periods import Month
    >>> d = get("county").evaluate(sample_household(), Month(year=2008, month=1))
    >>> entitled_amount(d, "only_child_reward", "HN-0001")
    Money('20.00')
    """
    return sum(
        (
            e.total
            for e in decision.entitlements
            if e.benefit == benefit and str(e.beneficiary_id) == beneficiary
        ),
        ZERO,
    )


def expected_actor(stage: Stage, action: Action) -> Role:
    """Who may take ``action`` at ``stage``."""
    if action in (Action.SUBMIT, Action.RESUBMIT):
        return Role.APPLICANT
    if action is Action.OBJECT:
        return Role.PUBLIC
    if action in (Action.POST_NOTICE, Action.GRANT):
        return Role.COUNTY_BUREAU
    return REVIEWER.get(stage, Role.COUNTY_BUREAU)


def first_state(event: AuditEvent) -> State:
    """The state after the first event, which must be the applicant's submission."""
    if event.action is not Action.SUBMIT or event.stage is not Stage.APPLICATION:
        raise InvalidTransition(
            f"an application starts with the applicant's submission at the application "
            f"stage, not {event.action.value} at {event.stage.value}"
        )
    _check_actor(event)
    if event.eligibility is None:
        raise InvalidTransition("the submission must carry its eligibility check")
    return State(stage=Stage.VILLAGE_REVIEW, status=Status.OPEN, last_day=event.on)


def _check_actor(event: AuditEvent) -> None:
    role = expected_actor(event.stage, event.action)
    if event.actor is not role:
        raise InvalidTransition(
            f"{event.action.value} at {event.stage.value} is for the {role.value}, "
            f"not the {event.actor.value}"
        )


def notice_last_day(start: pendulum.Date, days: int) -> pendulum.Date:
    """The last day of a notice of ``days`` days starting on ``start`` (inclusive).

    >>> notice_last_day(pendulum.Date(2008, 3, 3), 7)
    Date(2008, 3, 9)
    """
    return start.add(days=days - 1)


def advance(
    state: State, event: AuditEvent, *, benefit: str, beneficiary: str, notice_days: int
) -> State:
    """The state after ``event``, or InvalidTransition saying why it cannot follow.

    Raises:
        InvalidTransition: the case is closed, the date goes backwards, the event is
            at another stage than the case (a skipped stage), by the wrong actor, not
            allowed at this stage and status, or missing what it needs (a rejection's
            reason, the city's eligibility check, a full notice period before a grant).
    """
    if state.is_final:
        raise InvalidTransition(
            f"the application is already {state.status.value} at {state.stage.value}; "
            f"nothing can follow ({event.action.value} on {event.on})"
        )
    if event.on < state.last_day:
        raise InvalidTransition(
            f"dates cannot go backwards: {event.on} is before the last event ({state.last_day})"
        )
    if event.stage is not state.stage:
        raise InvalidTransition(
            f"the case is at {state.stage.value}, so {event.action.value} at "
            f"{event.stage.value} is not possible (stages cannot be skipped or revisited)"
        )
    _check_actor(event)
    if state.status is Status.RETURNED:
        if event.action is not Action.RESUBMIT:
            raise InvalidTransition(
                f"the case was returned for more documents at {state.stage.value}; only the "
                f"applicant's resubmission can follow, not {event.action.value}"
            )
        if event.eligibility is None:
            raise InvalidTransition("a resubmission must carry its eligibility check")
        return attrs.evolve(state, status=Status.OPEN, last_day=event.on)
    if event.action is Action.RESUBMIT:
        raise InvalidTransition(
            f"the case was not returned for documents at {state.stage.value}; "
            "there is nothing to resubmit"
        )
    if event.action is Action.REJECT:
        if not event.note.strip():
            raise InvalidTransition("a rejection needs a reason (the note)")
        return attrs.evolve(state, status=Status.REJECTED, last_day=event.on)
    if state.stage in REVIEW_STAGES:
        return _review(state, event, benefit=benefit, beneficiary=beneficiary)
    return _notice(state, event, notice_days=notice_days)


def _review(state: State, event: AuditEvent, *, benefit: str, beneficiary: str) -> State:
    if event.action is Action.RETURN:
        if not (event.missing_documents or event.note.strip()):
            raise InvalidTransition("a return must say which documents are missing")
        return attrs.evolve(state, status=Status.RETURNED, last_day=event.on)
    if event.action is not Action.APPROVE:
        raise InvalidTransition(
            f"at {state.stage.value} the {REVIEWER[state.stage].value} approves, returns or "
            f"rejects; {event.action.value} is not possible"
        )
    if state.stage is Stage.CITY_APPROVAL:
        if event.eligibility is None:
            raise InvalidTransition("the city's approval must carry its eligibility check")
        if entitled_amount(event.eligibility, benefit, beneficiary) <= ZERO:
            raise InvalidTransition(
                f"the city cannot approve: the rules give {beneficiary} no {benefit} "
                f"in {event.eligibility.stamp.period}"
            )
    return attrs.evolve(state, stage=_NEXT[state.stage], last_day=event.on)


def _notice(state: State, event: AuditEvent, *, notice_days: int) -> State:
    start = state.notice_start
    if start is None:
        if event.action is not Action.POST_NOTICE:
            raise InvalidTransition(
                f"the city has approved; the notice must be posted before "
                f"{event.action.value} is possible"
            )
        return attrs.evolve(state, notice_start=event.on, last_day=event.on)
    last = notice_last_day(start, notice_days)
    if event.action is Action.OBJECT:
        if event.on > last:
            raise InvalidTransition(
                f"the notice ran {start} to {last}; an objection on {event.on} is too late"
            )
        return attrs.evolve(state, stage=Stage.COUNTY_REVIEW, notice_start=None, last_day=event.on)
    if event.action is Action.GRANT:
        if event.on <= last:
            raise InvalidTransition(
                f"the notice runs {start} to {last} ({notice_days} days); "
                f"no grant before it ends (earliest {last.add(days=1)})"
            )
        return attrs.evolve(state, stage=Stage.GRANTED, status=Status.GRANTED, last_day=event.on)
    raise InvalidTransition(
        f"during the notice ({start} to {last}) only an objection, a rejection or, once it "
        f"has ended, the grant can follow; not {event.action.value}"
    )
