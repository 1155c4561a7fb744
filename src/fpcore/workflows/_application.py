"""Assistance applications (扶助申请): an immutable state machine with an audit trail."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import pendulum

from fpcore.errors import InvalidInput, InvalidTransition, Problem, UnknownName, shown
from fpcore.model import Confirmation, Household, Person
from fpcore.money import ZERO, Money
from fpcore.periods import Month
from fpcore.policies import get, person_role
from fpcore.rules import Decision, Policy
from fpcore.workflows._steps import (
    DEFAULT_NOTICE_DAYS,
    MIN_NOTICE_DAYS,
    REVIEWER,
    Action,
    AuditEvent,
    Role,
    Stage,
    State,
    Status,
    advance,
    entitled_amount,
    first_state,
    notice_last_day,
)


def beneficiary_key(person: Person) -> str:
    """A parent's beneficiary key as the catalogue's decisions use it (``mother``/``father``)."""
    return person_role(person)


def beneficiary_person(household: Household, beneficiary: str) -> Person | None:
    """The parent a beneficiary key names; for a household key, the mother or else the father."""
    for parent in household.parents:
        if beneficiary_key(parent) == beneficiary:
            return parent
    if beneficiary == household.household_id:
        return household.mother or household.father
    return None


def assess_eligibility(
    household: Household, on: pendulum.Date, policy: Policy | str = "county"
) -> Decision:
    """Run the rule engine on the household for the month of ``on``, with its explanation.

    This is the check attached to submissions and to the city's approval.

    Example:
        >>> from fpcore.model import sample_household
        >>> d = assess_eligibility(sample_household(), pendulum.Date(2008, 1, 15))
        >>> str(d.stamp.period), str(d.total("only_child_reward")), bool(d.explanations)
        ('2008-01', '20.00', True)
    """
    chosen = policy if isinstance(policy, Policy) else get(policy)
    return chosen.evaluate(household, Month.of(on), explain=True)


def parent_index(household: Household, beneficiary: str) -> int | None:
    """The place in ``household.parents`` of the parent a person beneficiary key names
    (``None`` for a household key)."""
    for index, parent in enumerate(household.parents):
        if beneficiary_key(parent) == beneficiary:
            return index
    return None


def with_confirmation(
    household: Household, benefit: str, beneficiary: str, on: pendulum.Date, reference: str
) -> Household:
    """The household with the beneficiary's eligibility for ``benefit`` confirmed on
    ``on`` (unchanged for a household beneficiary, a parent dead by then, or when already
    confirmed by then)."""
    index = parent_index(household, beneficiary)
    if index is None:
        return household
    died = household.parents[index].death_date
    if (died is not None and died < on) or any(
        c.benefit == benefit and c.parent == index and c.confirmed <= on
        for c in household.confirmations
    ):
        return household
    confirmation = Confirmation(benefit=benefit, parent=index, confirmed=on, reference=reference)
    return attrs.evolve(household, confirmations=(*household.confirmations, confirmation))


def why_not(decision: Decision, benefit: str, beneficiary: str) -> str:
    """The failed conditions of the benefit's rule for the beneficiary, as codes."""
    codes: list[str] = []
    for trace in decision.explanations:
        if trace.benefit == benefit and str(trace.beneficiary_id) == beneficiary:
            if not trace.in_force:
                codes.append(f"{trace.rule_id} not in force")
            codes.extend(code for code in trace.failed if code not in codes)
    return ", ".join(codes) or "no entitlement"


def _printable_utf8(value: str) -> bool:
    """Text an identifier may be: printable, at most 200 characters, valid UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return value.isprintable() and len(value) <= 200


def _to_events(events: Iterable[AuditEvent]) -> tuple[AuditEvent, ...]:
    return tuple(events)


def _policy_of(policy: Policy | str | None, default: str) -> Policy:
    if isinstance(policy, Policy):
        return policy
    return get(policy or default)


@attrs.frozen(kw_only=True)
class Application:
    """An application for assistance (扶助申请) and its audit trail (审批记录).

    The procedure is personal application -> village committee review (村委会审核)
    -> township investigation (乡镇调查核实) -> county bureau review (县局审核) -> city
    approval (市审批) -> public notice (公示) -> granted. Every step is a method that
    returns a *new* application with one more :class:`AuditEvent`; a step that is not
    allowed raises :class:`~fpcore.errors.InvalidTransition` and changes nothing.
    The stage and status are not stored: they are replayed from the events, so the
    constructor (and so the JSON reader) refuses a trail that breaks the rules.

    Eligibility is checked through the rule engine at submission (and resubmission)
    and again at the city's approval; the :class:`~fpcore.rules.Decision`, with its
    explanation, is attached to the event. The checks read the household as if the
    eligibility this procedure confirms were confirmed on the day of the check (special
    assistance for a woman already past 49 is paid from confirmation, domain.md 3.2);
    the grant produces that confirmation (:meth:`confirmation`). When the rules give
    nothing at approval, the city's step is a refusal citing the failed conditions:
    being ineligible is a result, not an error.

    Args:
        application_id: the bureau's number for the application.
        household: the applicant's household as submitted.
        benefit: the benefit applied for (``special_assistance``, ``reward_assistance``,
            ``only_child_reward``).
        beneficiary: ``mother`` / ``father`` for a person benefit, the household id for
            a household benefit (as in the catalogue's decisions).
        policy_id: the catalogue policy the checks use.
        notice_days: how many days the public notice lasts (7 by default).
        events: the audit trail, oldest first; it starts with the submission.

    Raises:
        InvalidInput: a bad field, or a trail that breaks the procedure (by path,
            e.g. ``events[3]``).

    Example:
        >>> from fpcore.workflows import sample_applicant
        >>> app = Application.submit(
        ...     application_id="TF-2008-001", household=sample_applicant(),
        ...     benefit="special_assistance", on=pendulum.Date(2008, 3, 3))
        >>> app.stage.value, app.status.value, app.beneficiary
        ('village_review', 'open', 'mother')
        >>> app = app.approve(pendulum.Date(2008, 3, 10)).approve(pendulum.Date(2008, 3, 20))
        >>> app.stage.value
        'county_review'
        >>> app.grant(pendulum.Date(2008, 3, 21))
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidTransition: at county_review the county_bureau approves, ...
    """

    application_id: str
    household: Household
    benefit: str
    beneficiary: str
    policy_id: str
    events: tuple[AuditEvent, ...] = attrs.field(converter=_to_events)
    notice_days: int = DEFAULT_NOTICE_DAYS

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        for name in ("application_id", "benefit", "beneficiary", "policy_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(name, f"{shown(value)} is not a non-empty text"))
            elif not _printable_utf8(value):
                problems.append(Problem(name, f"{shown(value)} is not printable UTF-8 text"))
        if not isinstance(self.household, Household):
            problems.append(Problem("household", "expected a Household"))
        elif isinstance(self.beneficiary, str) and (
            beneficiary_person(self.household, self.beneficiary) is None
        ):
            problems.append(
                Problem("beneficiary", f"{self.beneficiary!r} is no parent of the household")
            )
        days = self.notice_days
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            problems.append(
                Problem("notice_days", f"{shown(days)} is not a positive number of days")
            )
        elif days < MIN_NOTICE_DAYS:
            problems.append(
                Problem(
                    "notice_days", f"{days} is below the {MIN_NOTICE_DAYS}-day floor of a notice"
                )
            )
        if not self.events:
            problems.append(
                Problem("events", "is empty (an application starts with its submission)")
            )
        for index, event in enumerate(self.events):
            if not isinstance(event, AuditEvent):
                problems.append(Problem(f"events[{index}]", "expected an AuditEvent"))
        if problems:
            raise InvalidInput(problems)
        state = None
        for index, event in enumerate(self.events):
            try:
                state = self._step(state, event)
                self._check_evidence(index, event)
            except InvalidTransition as error:
                raise InvalidInput([Problem(f"events[{index}]", str(error))]) from None
        submitted = self.household_at(len(self.events) - 1)
        if submitted != self.household:
            raise InvalidInput(
                [Problem("household", "is not the household of the latest (re)submission")]
            )

    def household_at(self, index: int) -> Household:
        """The household event ``index`` was decided on: the one handed in with the
        latest submission or resubmission up to it (the application's own household
        for a trail written before events kept theirs)."""
        for event in reversed(self.events[: index + 1]):
            if event.action in (Action.SUBMIT, Action.RESUBMIT) and event.household is not None:
                return event.household
        return self.household

    def _check_evidence(self, index: int, event: AuditEvent) -> None:
        """What an event's attached check must agree with, without re-running the rules."""
        carries = event.action in (Action.SUBMIT, Action.RESUBMIT) or (
            event.stage is Stage.CITY_APPROVAL and event.action in (Action.APPROVE, Action.REJECT)
        )
        if event.household is not None and event.action not in (Action.SUBMIT, Action.RESUBMIT):
            raise InvalidTransition("only a submission or resubmission hands in a household")
        check = event.eligibility
        if check is None:
            return
        if not carries:
            raise InvalidTransition(
                f"{event.action.value} at {event.stage.value} carries no eligibility check"
            )
        if check.stamp.period != Month.of(event.on):
            raise InvalidTransition(
                f"the check attached on {event.on} is for {check.stamp.period}, "
                f"not {Month.of(event.on)}"
            )
        household_id = self.household_at(index).household_id
        ids = (
            {e.household_id for e in check.entitlements}
            | {st.household_id for st in check.statuses}
            | {t.household_id for t in check.explanations}
        )
        if ids - {household_id}:
            raise InvalidTransition(
                f"the check attached on {event.on} is for household "
                f"{shown(sorted(map(str, ids - {household_id}))[0])}, not {household_id}"
            )

    def verify(self, policies: Iterable[Policy] = ()) -> None:
        """Re-derive every check attached to the trail and compare it with the one recorded.

        Each decision is evaluated again on the household handed in at that point, for
        the month of its event, under the policy its stamp names with the same content
        hash (the catalogue's, or one of ``policies``), and must be the recorded one
        (the library version aside). The beneficiary must be the kind of beneficiary
        the benefit pays (a parent for a person benefit, the household otherwise).
        The JSON readers call this, so a document whose decisions were edited (an
        amount raised, a check made for another month, policy or household) is refused.

        Raises:
            InvalidInput: what does not agree, by event (``events[3].eligibility``).

        Example:
            >>> from fpcore.workflows import sample_applicant
            >>> app = Application.submit(application_id="TF-1", household=sample_applicant(),
            ...                          benefit="special_assistance", on=pendulum.Date(2008, 3, 3))
            >>> app.verify()
        """
        known = {(p.id, p.content_hash): p for p in policies}
        problems: list[Problem] = []
        rule_entities: set[str] = set()
        for index, event in enumerate(self.events):
            check = event.eligibility
            if check is None:
                continue
            path = f"events[{index}].eligibility"
            stamp = check.stamp
            policy = known.get((stamp.policy_id, stamp.policy_hash))
            if policy is None:
                try:
                    catalogue = get(stamp.policy_id)
                except UnknownName:
                    catalogue = None
                if catalogue is not None and catalogue.content_hash == stamp.policy_hash:
                    policy = catalogue
            if policy is None:
                problems.append(
                    Problem(
                        path,
                        f"decided under policy {shown(stamp.policy_id)} "
                        f"({shown(stamp.policy_hash[:19])}), which is not known here: "
                        "the check cannot be re-derived",
                    )
                )
                continue
            rule_entities |= {r.entity for r in policy.rules if r.benefit == self.benefit}
            again = policy.evaluate(self.household_at(index), Month.of(event.on), explain=True)
            again = attrs.evolve(
                again,
                stamp=attrs.evolve(
                    again.stamp,
                    fpcore_version=stamp.fpcore_version,
                    # the check was made on the household as confirmed that day: its
                    # outcome is compared, not the hash of its input
                    input_hash=stamp.input_hash,
                ),
                spans=again.spans if check.spans else (),  # a record from before spans
            )
            if again != check:
                problems.append(
                    Problem(
                        path,
                        f"is not what {policy.id} gives this household for {Month.of(event.on)} "
                        f"(recorded {self._amount_of(check)}, re-derived {self._amount_of(again)})",
                    )
                )
        person_keys = {beneficiary_key(p) for p in self.household.parents}
        if rule_entities == {"person"} and self.beneficiary not in person_keys:
            problems.append(
                Problem("beneficiary", f"{shown(self.beneficiary)} is not a parent's key")
            )
        if rule_entities == {"household"} and self.beneficiary != self.household.household_id:
            problems.append(
                Problem("beneficiary", f"{shown(self.beneficiary)} is not the household's id")
            )
        if problems:
            raise InvalidInput(problems)

    def _amount_of(self, check: Decision) -> str:
        return f"{entitled_amount(check, self.benefit, self.beneficiary)} for {self.beneficiary}"

    def _step(self, state: State | None, event: AuditEvent) -> State:
        if state is None:
            return first_state(event)
        return advance(
            state,
            event,
            benefit=self.benefit,
            beneficiary=self.beneficiary,
            notice_days=self.notice_days,
        )

    def _replay(self) -> State:
        state = None
        for event in self.events:
            state = self._step(state, event)
        assert state is not None
        return state

    # --- reading ---------------------------------------------------------------------
    @property
    def state(self) -> State:
        """The replayed state: stage, status, last event day, notice start."""
        return self._replay()

    @property
    def stage(self) -> Stage:
        """The stage the case is at (or ended at)."""
        return self.state.stage

    @property
    def status(self) -> Status:
        """Open, returned for documents, rejected or granted."""
        return self.state.status

    @property
    def is_final(self) -> bool:
        """Whether the case is closed (granted or rejected)."""
        return self.state.is_final

    @property
    def submitted_on(self) -> pendulum.Date:
        """The day of the personal application."""
        return self.events[0].on

    @property
    def granted_on(self) -> pendulum.Date | None:
        """The day of the grant, if granted."""
        return next((e.on for e in self.events if e.action is Action.GRANT), None)

    @property
    def notice_period(self) -> tuple[pendulum.Date, pendulum.Date] | None:
        """First and last day of the current (or, once granted, the last) public notice."""
        start = self.state.notice_start
        if start is None and self.status is Status.GRANTED:
            start = next(e.on for e in reversed(self.events) if e.action is Action.POST_NOTICE)
        if start is None:
            return None
        return start, notice_last_day(start, self.notice_days)

    @property
    def submission_check(self) -> Decision:
        """The rule engine's decision at the latest (re)submission."""
        for event in reversed(self.events):
            if event.action in (Action.SUBMIT, Action.RESUBMIT) and event.eligibility is not None:
                return event.eligibility
        raise AssertionError("a replayed application always has its submission check")

    @property
    def approval_check(self) -> Decision | None:
        """The rule engine's decision at the city's latest approval or refusal, if any."""
        for event in reversed(self.events):
            if (
                event.stage is Stage.CITY_APPROVAL
                and event.action in (Action.APPROVE, Action.REJECT)
                and event.eligibility is not None
            ):
                return event.eligibility
        return None

    @property
    def eligible_at_submission(self) -> bool:
        """Whether the rules gave the benefit at the latest (re)submission."""
        return entitled_amount(self.submission_check, self.benefit, self.beneficiary) > ZERO

    @property
    def monthly_amount(self) -> Money:
        """The monthly amount the city approved (zero before the city's approval)."""
        check = self.approval_check
        if check is None:
            return ZERO
        return entitled_amount(check, self.benefit, self.beneficiary)

    @property
    def person(self) -> Person:
        """The beneficiary (for a household benefit: the mother, or else the father)."""
        person = beneficiary_person(self.household, self.beneficiary)
        assert person is not None  # checked by the constructor
        return person

    def confirmation(self) -> Confirmation | None:
        """The eligibility confirmation (资格确认) the grant produces: the benefit, the
        beneficiary's place among the household's parents, confirmed on the grant day,
        referenced by the application's number. ``None`` before the grant, and for a
        household benefit (confirmations are per parent).

        Add it to the household's record (``Household.confirmations``): special
        assistance for a parent whose child died or was certified disabled after the
        starting age is paid from the month of confirmation (domain.md 3.2).

        Example:
            >>> from fpcore.workflows import sample_applicant
            >>> app = Application.submit(
            ...     application_id="TF-2008-001", household=sample_applicant(),
            ...     benefit="special_assistance", on=pendulum.Date(2008, 3, 3))
            >>> app.confirmation() is None
            True
            >>> for day in (10, 20, 25, 28):
            ...     app = app.approve(pendulum.Date(2008, 3, day))
            >>> app = app.post_notice(pendulum.Date(2008, 4, 1)).grant(pendulum.Date(2008, 4, 9))
            >>> c = app.confirmation()
            >>> c.benefit, c.parent, c.confirmed, c.reference
            ('special_assistance', 0, Date(2008, 4, 9), 'TF-2008-001')
            >>> app.confirmed_household().confirmations == (app.confirmation(),)
            True
        """
        granted = self.granted_on
        index = parent_index(self.household, self.beneficiary)
        if granted is None or index is None:
            return None
        return Confirmation(
            benefit=self.benefit, parent=index, confirmed=granted, reference=self.application_id
        )

    def confirmed_household(self) -> Household:
        """The household with :meth:`confirmation` added (unchanged before the grant, for a
        household benefit, or when the household already records a confirmation of the
        benefit for the beneficiary by then)."""
        granted = self.granted_on
        if granted is None:
            return self.household
        return self._as_confirmed(self.household, granted)

    def _as_confirmed(self, household: Household, on: pendulum.Date) -> Household:
        return with_confirmation(household, self.benefit, self.beneficiary, on, self.application_id)

    def history(self) -> str:
        """The audit trail, one event a line."""
        return "\n".join(event.summary() for event in self.events)

    # --- steps -----------------------------------------------------------------------
    @classmethod
    def submit(
        cls,
        *,
        application_id: str,
        household: Household,
        benefit: str,
        on: pendulum.Date,
        beneficiary: str | None = None,
        policy: Policy | str = "county",
        notice_days: int = DEFAULT_NOTICE_DAYS,
        note: str = "",
    ) -> Application:
        """The personal application (个人申请): a new case at the village committee.

        Args:
            application_id: the bureau's number for the application.
            household: the applicant's household.
            benefit: the benefit applied for (a rule's ``benefit`` in the policy).
            on: the day of the application.
            beneficiary: ``mother``/``father`` or the household id; by default the
                household for a household benefit, else the mother (or the father).
            policy: the policy (or catalogue id) whose rules check eligibility.
            notice_days: how long the public notice lasts.
            note: a remark.

        Raises:
            UnknownName: the policy has no rule for ``benefit``.
            InvalidInput: a bad field (e.g. a beneficiary who is not in the household).
        """
        chosen = _policy_of(policy, "county")
        rules = [r for r in chosen.rules if r.benefit == benefit]
        if not rules:
            raise UnknownName("benefit", benefit, {r.benefit for r in chosen.rules})
        if beneficiary is None:
            if rules[0].entity == "household":
                beneficiary = household.household_id
            else:
                person = household.mother or household.father
                beneficiary = beneficiary_key(person) if person else household.household_id
        confirmed = with_confirmation(household, benefit, beneficiary, on, application_id)
        check = assess_eligibility(confirmed, on, chosen)
        event = AuditEvent(
            stage=Stage.APPLICATION,
            actor=Role.APPLICANT,
            on=on,
            action=Action.SUBMIT,
            note=note,
            eligibility=check,
            household=household,
        )
        return cls(
            application_id=application_id,
            household=household,
            benefit=benefit,
            beneficiary=beneficiary,
            policy_id=chosen.id,
            notice_days=notice_days,
            events=(event,),
        )

    def _then(self, event: AuditEvent, household: Household | None = None) -> Application:
        self._step(self.state, event)
        return attrs.evolve(
            self, events=(*self.events, event), household=household or self.household
        )

    def _reviewer(self, at: Stage | None) -> tuple[Stage, Role]:
        stage = self.stage if at is None else at
        return stage, REVIEWER.get(stage, Role.COUNTY_BUREAU)

    def approve(
        self,
        on: pendulum.Date,
        *,
        note: str = "",
        at: Stage | None = None,
        policy: Policy | None = None,
    ) -> Application:
        """The current stage's reviewer approves: on to the next stage.

        At the city's approval the rules are checked again for the month of ``on``; if
        they give nothing the step is a refusal instead, citing the failed conditions.
        After the city, the case waits for the notice to be posted.

        Args:
            on: the day of the decision.
            note: a remark.
            at: the stage the caller acts at (default: the case's stage); a different
                stage is refused, so a stage cannot be skipped.
            policy: the policy for the city's check (default: the catalogue's
                ``policy_id``).

        Raises:
            InvalidTransition: approving is not possible now; nothing changed.
        """
        stage, actor = self._reviewer(at)
        check = None
        action = Action.APPROVE
        if stage is self.stage is Stage.CITY_APPROVAL and self.status is Status.OPEN:
            chosen = _policy_of(policy, self.policy_id)
            check = assess_eligibility(self._as_confirmed(self.household, on), on, chosen)
            if entitled_amount(check, self.benefit, self.beneficiary) <= ZERO:
                action = Action.REJECT
                reason = why_not(check, self.benefit, self.beneficiary)
                note = f"not entitled in {Month.of(on)} under {chosen.id}: {reason}" + (
                    f"; {note}" if note else ""
                )
        event = AuditEvent(
            stage=stage, actor=actor, on=on, action=action, note=note, eligibility=check
        )
        return self._then(event)

    def reject(self, on: pendulum.Date, reason: str, *, at: Stage | None = None) -> Application:
        """The current stage's reviewer refuses (不予批准), with a reason; the case closes.

        Raises:
            InvalidTransition: the case is closed or returned, the reason is empty, or
                ``at`` is not the case's stage.
        """
        stage, actor = self._reviewer(at)
        event = AuditEvent(stage=stage, actor=actor, on=on, action=Action.REJECT, note=reason)
        return self._then(event)

    def return_for_documents(
        self,
        on: pendulum.Date,
        missing: Iterable[str],
        *,
        note: str = "",
        at: Stage | None = None,
    ) -> Application:
        """The reviewer returns the case for more documents (退回补充材料).

        Raises:
            InvalidTransition: not at a review stage, or nothing is said to be missing.
        """
        stage, actor = self._reviewer(at)
        event = AuditEvent(
            stage=stage,
            actor=actor,
            on=on,
            action=Action.RETURN,
            note=note,
            missing_documents=tuple(missing) if not isinstance(missing, str) else (missing,),
        )
        return self._then(event)

    def resubmit(
        self,
        on: pendulum.Date,
        *,
        household: Household | None = None,
        note: str = "",
        policy: Policy | None = None,
    ) -> Application:
        """The applicant hands in the missing documents; the same stage reviews again.

        Eligibility is checked again on the (possibly corrected) household. The event
        keeps the household it was handed in with, and earlier events keep theirs: the
        trail never loses the evidence a decision was made on.

        Raises:
            InvalidTransition: the case was not returned.
        """
        changed = household or self.household
        chosen = _policy_of(policy, self.policy_id)
        check = assess_eligibility(self._as_confirmed(changed, on), on, chosen)
        event = AuditEvent(
            stage=self.stage,
            actor=Role.APPLICANT,
            on=on,
            action=Action.RESUBMIT,
            note=note,
            eligibility=check,
            household=changed,
        )
        return self._then(event, changed)

    def post_notice(self, on: pendulum.Date, *, note: str = "") -> Application:
        """The county bureau posts the public notice (张榜公示), from ``on``.

        Raises:
            InvalidTransition: the city has not approved, or the notice is already up.
        """
        event = AuditEvent(
            stage=self.stage, actor=Role.COUNTY_BUREAU, on=on, action=Action.POST_NOTICE, note=note
        )
        return self._then(event)

    def object(self, on: pendulum.Date, note: str) -> Application:
        """An objection during the notice (异议): the case goes back to county review.

        Raises:
            InvalidTransition: no notice is running on ``on``.
        """
        event = AuditEvent(
            stage=self.stage, actor=Role.PUBLIC, on=on, action=Action.OBJECT, note=note
        )
        return self._then(event)

    def grant(self, on: pendulum.Date, *, note: str = "") -> Application:
        """The notice has ended without objection: the county bureau grants.

        Raises:
            InvalidTransition: no notice, or ``on`` is not after its last day.
        """
        event = AuditEvent(
            stage=self.stage, actor=Role.COUNTY_BUREAU, on=on, action=Action.GRANT, note=note
        )
        return self._then(event)

    # --- JSON ------------------------------------------------------------------------
    def to_json(self, *, indent: int | None = 2, key: bytes | None = None) -> str:
        """The application as a JSON document (with ``schema_version``), signed with an
        HMAC-SHA256 ``signature`` when a ``key`` is given."""
        from fpcore.workflows._json import application_to_json

        return application_to_json(self, indent=indent, key=key)

    @classmethod
    def from_json(
        cls, text: str | bytes, *, policies: Iterable[Policy] = (), key: bytes | None = None
    ) -> Application:
        """Inverse of :meth:`to_json`: the trail replayed, every check re-derived
        (:meth:`verify`), the signature checked when a ``key`` is given.

        Raises:
            InvalidInput: malformed JSON, a bad field, a trail that breaks the rules, a
                check that is not what the rules give, a signature that does not match.
        """
        from fpcore.workflows._json import application_from_json

        return application_from_json(text, policies=policies, key=key)
