"""The assistance application: every transition, every invalid one, and JSON."""

from __future__ import annotations

import attrs
import pytest

from fpcore.errors import InvalidInput, InvalidTransition, UnknownName
from fpcore.model import sample_household
from fpcore.money import Money
from fpcore.periods import parse_period
from fpcore.policies import get
from fpcore.rules import Decision
from fpcore.workflows import (
    REVIEW_STAGES,
    Action,
    Application,
    AuditEvent,
    Role,
    Stage,
    Status,
    application_from_json,
    assess_eligibility,
    dumps_applications,
    loads_applications,
    sample_applicant,
)
from tests.workflows.helpers import D, approved_by_city, granted, on_notice, submitted

REVIEWERS = {
    Stage.VILLAGE_REVIEW: Role.VILLAGE_COMMITTEE,
    Stage.TOWNSHIP_INVESTIGATION: Role.TOWNSHIP_GOVERNMENT,
    Stage.COUNTY_REVIEW: Role.COUNTY_BUREAU,
    Stage.CITY_APPROVAL: Role.CITY_COMMISSION,
}


def at_stage(stage: Stage) -> Application:
    """The sample application, open at a review stage (each step a day apart)."""
    app = submitted()
    day = 4
    while app.stage is not stage:
        app = app.approve(D(2008, 3, day))
        day += 1
    return app


def refused(app: Application, step: object) -> None:
    """The step raises InvalidTransition and the application is unchanged."""
    before = app.to_json()
    with pytest.raises(InvalidTransition):
        step()  # type: ignore[operator]
    assert app.to_json() == before


# --- submission ----------------------------------------------------------------------
def test_submission_opens_the_case_at_the_village_with_the_eligibility_check() -> None:
    app = submitted()
    assert (app.stage, app.status) == (Stage.VILLAGE_REVIEW, Status.OPEN)
    assert app.beneficiary == "mother"
    assert app.policy_id == "county"
    assert app.notice_days == 7
    [event] = app.events
    assert (event.stage, event.actor, event.action) == (
        Stage.APPLICATION,
        Role.APPLICANT,
        Action.SUBMIT,
    )
    assert event.eligibility is not None
    assert event.eligibility.explanations, "the check carries its explanation"
    assert str(event.eligibility.stamp.period) == "2008-03"
    assert app.eligible_at_submission
    assert app.submitted_on == D(2008, 3, 3)
    assert app.approval_check is None
    assert app.monthly_amount == Money(0)


def test_household_benefit_defaults_to_the_household_as_beneficiary() -> None:
    app = submitted(household=sample_household(), benefit="only_child_reward")
    assert app.beneficiary == "HN-0001"
    assert app.eligible_at_submission
    assert app.person.name == "张秀娟"


def test_an_ineligible_applicant_may_still_apply() -> None:
    app = submitted(household=sample_household())
    assert app.status is Status.OPEN
    assert not app.eligible_at_submission


def test_unknown_benefit_and_stranger_beneficiary_are_refused() -> None:
    with pytest.raises(UnknownName, match="benefit 'pension'"):
        submitted(benefit="pension")
    with pytest.raises(InvalidInput, match="beneficiary"):
        submitted(beneficiary="grandmother")


def test_bad_fields_are_all_reported() -> None:
    app = submitted()
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(app, application_id=" ", notice_days=0, events=())
    paths = {p.path for p in caught.value.problems}
    assert paths == {"application_id", "notice_days", "events"}


# --- review stages ---------------------------------------------------------------------
@pytest.mark.parametrize("stage", REVIEW_STAGES)
def test_approval_moves_to_the_next_stage_by_the_right_actor(stage: Stage) -> None:
    app = at_stage(stage)
    after = app.approve(app.state.last_day.add(days=1), note="材料齐全")
    order = [*REVIEW_STAGES, Stage.PUBLIC_NOTICE]
    assert after.stage is order[order.index(stage) + 1]
    assert after.status is Status.OPEN
    assert after.events[:-1] == app.events, "the trail is only appended to"
    last = after.events[-1]
    assert (last.stage, last.actor, last.action, last.note) == (
        stage,
        REVIEWERS[stage],
        Action.APPROVE,
        "材料齐全",
    )
    assert (last.eligibility is not None) == (stage is Stage.CITY_APPROVAL)


def test_the_city_checks_eligibility_again_and_fixes_the_amount() -> None:
    app = approved_by_city()
    assert app.stage is Stage.PUBLIC_NOTICE
    check = app.approval_check
    assert check is not None
    assert str(check.stamp.period) == "2008-03"
    assert check.explanations
    assert app.monthly_amount == Money("100")
    assert app.notice_period is None


def test_the_city_refuses_what_the_rules_do_not_give_citing_the_conditions() -> None:
    app = submitted(household=sample_household())  # the only child is alive
    for day in (5, 10, 14):
        app = app.approve(D(2008, 3, day))
    after = app.approve(D(2008, 3, 20))
    assert after.status is Status.REJECTED
    assert after.stage is Stage.CITY_APPROVAL
    last = after.events[-1]
    assert last.action is Action.REJECT
    assert last.actor is Role.CITY_COMMISSION
    assert "CHILD_DECEASED_OR_DISABLED" in last.note
    assert last.eligibility is not None
    assert after.approval_check is last.eligibility


def test_an_approval_without_an_entitling_check_is_not_a_valid_trail() -> None:
    app = at_stage(Stage.CITY_APPROVAL)
    bare = AuditEvent(
        stage=Stage.CITY_APPROVAL,
        actor=Role.CITY_COMMISSION,
        on=D(2008, 3, 20),
        action=Action.APPROVE,
    )
    refused(app, lambda: app._then(bare))
    with_other = attrs.evolve(bare, eligibility=sample_household_check())
    refused(app, lambda: app._then(with_other))


def sample_household_check() -> Decision:
    return submitted(household=sample_household()).submission_check


@pytest.mark.parametrize("stage", REVIEW_STAGES)
def test_rejection_at_each_review_stage_closes_the_case(stage: Stage) -> None:
    app = at_stage(stage)
    after = app.reject(D(2008, 3, 25), "不符合条件")
    assert (after.stage, after.status) == (stage, Status.REJECTED)
    assert after.is_final
    assert after.events[-1].actor is REVIEWERS[stage]
    refused(after, lambda: after.approve(D(2008, 3, 26)))
    refused(after, lambda: after.reject(D(2008, 3, 26), "again"))
    refused(after, lambda: after.resubmit(D(2008, 3, 26)))


@pytest.mark.parametrize("stage", REVIEW_STAGES)
def test_return_for_documents_then_resubmission_at_each_review_stage(stage: Stage) -> None:
    app = at_stage(stage)
    returned = app.return_for_documents(D(2008, 3, 25), ["死亡证明"], note="缺死亡证明")
    assert (returned.stage, returned.status) == (stage, Status.RETURNED)
    assert returned.events[-1].missing_documents == ("死亡证明",)
    refused(returned, lambda: returned.approve(D(2008, 3, 26)))
    refused(returned, lambda: returned.reject(D(2008, 3, 26), "no"))
    refused(returned, lambda: returned.return_for_documents(D(2008, 3, 26), ["x"]))
    again = returned.resubmit(D(2008, 3, 27))
    assert (again.stage, again.status) == (stage, Status.OPEN)
    last = again.events[-1]
    assert (last.actor, last.action, last.stage) == (Role.APPLICANT, Action.RESUBMIT, stage)
    assert last.eligibility is not None
    assert again.submission_check is last.eligibility


def test_resubmission_may_correct_the_household_and_is_checked_again() -> None:
    app = submitted(household=sample_household())
    assert not app.eligible_at_submission
    returned = app.return_for_documents(D(2008, 3, 4), ["死亡证明"])
    fixed = returned.resubmit(D(2008, 3, 6), household=sample_applicant())
    assert fixed.household == sample_applicant()
    assert fixed.eligible_at_submission


def test_return_needs_a_missing_document_and_a_review_stage() -> None:
    app = submitted()
    refused(app, lambda: app.return_for_documents(D(2008, 3, 4), []))
    notice = approved_by_city()
    refused(notice, lambda: notice.return_for_documents(D(2008, 3, 21), ["x"]))
    refused(app, lambda: app.resubmit(D(2008, 3, 4)))


def test_a_rejection_needs_a_reason() -> None:
    app = submitted()
    refused(app, lambda: app.reject(D(2008, 3, 4), "  "))


# --- skipping, order, dates -----------------------------------------------------------
def test_stages_cannot_be_skipped() -> None:
    app = submitted()
    refused(app, lambda: app.approve(D(2008, 3, 4), at=Stage.CITY_APPROVAL))
    refused(app, lambda: app.reject(D(2008, 3, 4), "no", at=Stage.COUNTY_REVIEW))
    refused(app, lambda: app.post_notice(D(2008, 3, 4)))
    refused(app, lambda: app.grant(D(2008, 3, 4)))
    refused(app, lambda: app.object(D(2008, 3, 4), "异议"))
    county = at_stage(Stage.COUNTY_REVIEW)
    refused(county, lambda: county.approve(D(2008, 3, 20), at=Stage.VILLAGE_REVIEW))


def test_dates_cannot_go_backwards_but_may_stay_on_the_same_day() -> None:
    app = submitted()
    refused(app, lambda: app.approve(D(2008, 3, 2)))
    same_day = app.approve(D(2008, 3, 3))
    assert same_day.stage is Stage.TOWNSHIP_INVESTIGATION
    notice = on_notice()
    refused(notice, lambda: notice.object(D(2008, 3, 20), "late"))


# --- public notice --------------------------------------------------------------------
def test_the_notice_is_posted_once_after_the_city() -> None:
    app = approved_by_city()
    refused(app, lambda: app.grant(D(2008, 4, 30)))
    refused(app, lambda: app.object(D(2008, 3, 21), "异议"))
    notice = app.post_notice(D(2008, 3, 21))
    assert notice.events[-1].actor is Role.COUNTY_BUREAU
    assert notice.notice_period == (D(2008, 3, 21), D(2008, 3, 27))
    refused(notice, lambda: notice.post_notice(D(2008, 3, 22)))
    refused(notice, lambda: notice.approve(D(2008, 3, 22)))


def test_no_grant_before_the_notice_ends() -> None:
    notice = on_notice()
    for day in (21, 24, 27):
        refused(notice, lambda day=day: notice.grant(D(2008, 3, day)))
    done = notice.grant(D(2008, 3, 28))
    assert (done.stage, done.status) == (Stage.GRANTED, Status.GRANTED)
    assert done.granted_on == D(2008, 3, 28)
    assert done.notice_period == (D(2008, 3, 21), D(2008, 3, 27))
    assert done.events[-1].actor is Role.COUNTY_BUREAU


def test_the_notice_length_is_a_setting() -> None:
    notice = on_notice(submitted(notice_days=10))
    assert notice.notice_period == (D(2008, 3, 21), D(2008, 3, 30))
    refused(notice, lambda: notice.grant(D(2008, 3, 30)))
    assert notice.grant(D(2008, 3, 31)).status is Status.GRANTED


def test_an_objection_sends_the_case_back_to_county_review() -> None:
    notice = on_notice()
    objected = notice.object(D(2008, 3, 27), "群众反映其子女尚在")
    assert (objected.stage, objected.status) == (Stage.COUNTY_REVIEW, Status.OPEN)
    assert objected.events[-1].actor is Role.PUBLIC
    assert objected.notice_period is None
    refused(objected, lambda: objected.grant(D(2008, 4, 30)))
    again = objected.approve(D(2008, 4, 2)).approve(D(2008, 4, 8)).post_notice(D(2008, 4, 9))
    assert again.notice_period == (D(2008, 4, 9), D(2008, 4, 15))
    refused(again, lambda: again.grant(D(2008, 4, 15)))
    assert again.grant(D(2008, 4, 16)).status is Status.GRANTED


def test_an_objection_after_the_notice_is_too_late() -> None:
    notice = on_notice()
    refused(notice, lambda: notice.object(D(2008, 3, 28), "too late"))


def test_rejection_during_the_notice() -> None:
    notice = on_notice()
    after = notice.reject(D(2008, 3, 24), "户籍信息不实")
    assert (after.stage, after.status) == (Stage.PUBLIC_NOTICE, Status.REJECTED)
    assert after.events[-1].actor is Role.COUNTY_BUREAU


def test_nothing_follows_a_grant() -> None:
    done = granted()
    assert done.is_final
    for step in (
        lambda: done.approve(D(2008, 4, 1)),
        lambda: done.reject(D(2008, 4, 1), "no"),
        lambda: done.return_for_documents(D(2008, 4, 1), ["x"]),
        lambda: done.resubmit(D(2008, 4, 1)),
        lambda: done.post_notice(D(2008, 4, 1)),
        lambda: done.object(D(2008, 4, 1), "x"),
        lambda: done.grant(D(2008, 4, 1)),
    ):
        refused(done, step)


def test_invalid_transition_is_a_value_error_saying_what_was_wrong() -> None:
    with pytest.raises(ValueError, match="no grant before it ends \\(earliest 2008-03-28\\)"):
        on_notice().grant(D(2008, 3, 27))


def test_history_lists_the_trail() -> None:
    text = granted().history()
    assert text.splitlines()[0] == "2008-03-03 application applicant: submit"
    assert text.splitlines()[-1] == "2008-03-28 public_notice county_bureau: grant"


# --- the trail is checked when built, so JSON cannot smuggle a bad one in ---------------
def test_a_trail_with_a_skipped_stage_is_refused_by_path() -> None:
    app = granted()
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(app, events=app.events[:2] + app.events[3:])
    assert caught.value.problems[0].path == "events[2]"


def test_a_trail_that_does_not_start_with_a_submission_is_refused() -> None:
    app = granted()
    with pytest.raises(InvalidInput, match="events\\[0\\]"):
        attrs.evolve(app, events=app.events[1:])


# --- JSON -----------------------------------------------------------------------------
def test_json_round_trip_is_lossless() -> None:
    objected = on_notice().object(D(2008, 3, 22), "异议")
    app = (
        objected.return_for_documents(D(2008, 3, 23), ["死亡证明", "户口簿"])
        .resubmit(D(2008, 3, 24))
        .approve(D(2008, 3, 25))
        .approve(D(2008, 3, 26))
        .post_notice(D(2008, 3, 27))
        .grant(D(2008, 4, 3))
    )
    text = app.to_json()
    back = application_from_json(text)
    assert back == app
    assert back.to_json() == text
    assert Application.from_json(text.encode()) == app


def test_a_list_of_applications_round_trips_and_errors_name_the_item() -> None:
    apps = [submitted(), granted()]
    assert loads_applications(dumps_applications(apps)) == apps
    assert loads_applications(apps[1].to_json()) == [apps[1]]
    import json

    data = json.loads(dumps_applications(apps))
    data[1]["events"][5]["on"] = "2008-03-01"  # backwards
    data[0]["colour"] = "red"
    with pytest.raises(InvalidInput) as caught:
        loads_applications(json.dumps(data))
    paths = [p.path for p in caught.value.problems]
    assert paths == ["[0].colour", "[1].events[5]"]
    with pytest.raises(InvalidInput, match="list of application documents"):
        loads_applications("3")


def test_a_trail_with_the_wrong_actor_is_refused() -> None:
    app = submitted().approve(D(2008, 3, 4))
    forged = attrs.evolve(app.events[1], actor=Role.COUNTY_BUREAU)
    with pytest.raises(InvalidInput, match="is for the village_committee, not the county_bureau"):
        attrs.evolve(app, events=(app.events[0], forged))


def test_audit_events_check_their_fields() -> None:
    with pytest.raises(InvalidInput) as caught:
        AuditEvent(
            stage="village",  # type: ignore[arg-type]
            actor=Role.APPLICANT,
            on="2008-03-03",  # type: ignore[arg-type]
            action=Action.SUBMIT,
            missing_documents=["", "户口簿"],
        )
    assert {p.path for p in caught.value.problems} == {"stage", "on", "missing_documents"}
    one = AuditEvent(
        stage=Stage.VILLAGE_REVIEW,
        actor=Role.VILLAGE_COMMITTEE,
        on=D(2008, 3, 4),
        action=Action.RETURN,
        missing_documents="户口簿",
    )
    assert one.missing_documents == ("户口簿",)


def test_approving_a_returned_case_at_the_city_says_it_was_returned() -> None:
    app = at_stage(Stage.CITY_APPROVAL).return_for_documents(D(2008, 3, 20), ["户口簿"])
    with pytest.raises(InvalidTransition, match="only the applicant's resubmission"):
        app.approve(D(2008, 3, 21))


def test_a_resubmission_at_the_city_is_not_the_city_check() -> None:
    app = at_stage(Stage.CITY_APPROVAL)
    app = app.return_for_documents(D(2008, 3, 20), ["户口簿"]).resubmit(D(2008, 3, 21))
    assert app.approval_check is None
    app = app.approve(D(2008, 3, 22))
    assert app.approval_check is app.events[-1].eligibility


# --- eligibility confirmed by the grant (资格确认) -------------------------------------
def late_loss() -> Application:
    """A special-assistance application for a woman already past 49 when her only son
    died (2007-11-01, she turned 49 in 2005): paid from confirmation (domain.md 3.2)."""
    household = sample_applicant()
    (son,) = household.children
    later = attrs.evolve(household, children=(attrs.evolve(son, death_date=D(2007, 11, 1)),))
    return submitted(household=later)


def test_the_grant_produces_the_confirmation() -> None:
    assert submitted().confirmation() is None
    assert on_notice().confirmation() is None
    app = granted()
    confirmation = app.confirmation()
    assert confirmation is not None
    assert (confirmation.benefit, confirmation.parent) == ("special_assistance", 0)
    assert (confirmation.confirmed, confirmation.reference) == (D(2008, 3, 28), "TF-2008-001")
    assert app.confirmed_household().confirmations == (confirmation,)
    assert submitted().confirmed_household() == submitted().household


def test_a_late_loss_is_checked_as_confirmed_and_paid_from_the_grant() -> None:
    app = late_loss()
    assert app.eligible_at_submission  # read as confirmed on the day of the check
    unconfirmed = assess_eligibility(app.household, D(2008, 3, 3))
    assert unconfirmed.total("special_assistance") == Money(0)
    app = on_notice(app).grant(D(2008, 3, 28))
    assert app.status is Status.GRANTED
    assert app.monthly_amount > Money(0)
    household = app.confirmed_household()
    decision = get("county").evaluate(household, parse_period("2008"))
    paid = [
        str(month)
        for e in decision.entitlements
        if e.benefit == "special_assistance" and e.beneficiary_id == "mother"
        for month, amount in e.monthly
        if amount > Money(0)
    ]
    assert min(paid) == "2008-03"  # the month of confirmation, not the son's death


def test_a_household_benefit_confirms_no_parent() -> None:
    app = Application.submit(
        application_id="OC-1",
        household=sample_household(),
        benefit="only_child_reward",
        on=D(2008, 3, 3),
    )
    app = on_notice(app).grant(D(2008, 3, 28))
    assert app.status is Status.GRANTED
    assert app.confirmation() is None
    assert app.confirmed_household() == app.household
