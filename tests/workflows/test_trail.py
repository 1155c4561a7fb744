"""Loading an application re-derives its trail (issue 14, items 3, 4 and 11)."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

from fpcore.errors import InvalidInput
from fpcore.model import sample_county, sample_household
from fpcore.policies import get
from fpcore.workflows import (
    MIN_NOTICE_DAYS,
    Action,
    Application,
    application_from_json,
    application_to_json,
    loads_applications,
    public_notice,
)
from tests.workflows.helpers import D, approved_by_city, granted, on_notice, submitted

KEY = b"office-exchange-key-0123456789abcdef"


def document(app: Application) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(application_to_json(app))
    return data


def refused(data: dict[str, Any], **options: Any) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        application_from_json(json.dumps(data, ensure_ascii=False), **options)
    return [p.path for p in caught.value.problems]


def city_event(data: dict[str, Any]) -> int:
    return next(
        i
        for i, e in enumerate(data["events"])
        if e["stage"] == "city_approval" and e["action"] == "approve"
    )


def test_a_clean_trail_loads() -> None:
    app = granted()
    assert application_from_json(application_to_json(app)) == app
    assert loads_applications(application_to_json(app)) == [app]


def test_an_inflated_decision_is_refused() -> None:
    data = document(granted())
    index = city_event(data)
    entitlement = next(
        e
        for e in data["events"][index]["eligibility"]["entitlements"]
        if e["benefit"] == "special_assistance" and e["beneficiary_id"] == "mother"
    )
    assert entitlement["monthly"][0]["amount"] == "100.00"
    entitlement["monthly"][0]["amount"] = "9999.00"
    entitlement["total"] = "9999.00"
    assert refused(data) == [f"events[{index}].eligibility"]


def test_a_decision_for_another_month_is_refused() -> None:
    data = document(granted())
    index = city_event(data)
    data["events"][index]["eligibility"]["stamp"]["period"] = "2008-04"
    assert refused(data) == [f"events[{index}]"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("policy_id", "national"), ("policy_hash", "sha256:" + "0" * 64), ("policy_id", "mine")],
)
def test_a_decision_under_another_policy_or_hash_is_refused(field: str, value: str) -> None:
    data = document(granted())
    index = city_event(data)
    data["events"][index]["eligibility"]["stamp"][field] = value
    assert f"events[{index}].eligibility" in refused(data)


def test_a_decision_for_another_household_is_refused() -> None:
    data = document(granted())
    index = city_event(data)
    text = json.dumps(data["events"][index]["eligibility"]).replace('"HN-0107"', '"HN-9999"')
    data["events"][index]["eligibility"] = json.loads(text)
    assert refused(data) == [f"events[{index}]"]


def test_a_swapped_household_is_refused() -> None:
    data = document(granted())
    swapped = json.loads(json.dumps(document(submitted(household=sample_household()))))
    data["household"] = swapped["household"]
    assert "household" in refused(data)
    # a trail written before events kept their household: the checks are re-derived
    for event in data["events"]:
        event["household"] = None
    assert any(path.startswith("events[") for path in refused(data))


def test_a_policy_outside_the_catalogue_is_accepted_when_given() -> None:
    reform = get("county").with_identity(id="county-reform")
    app = submitted(policy=reform)
    text = application_to_json(app)
    with pytest.raises(InvalidInput, match="not known here"):
        application_from_json(text)
    assert application_from_json(text, policies=[reform]) == app


def test_the_beneficiary_must_be_of_the_benefits_kind() -> None:
    data = document(granted())
    data["beneficiary"] = data["household"]["household_id"]  # a person benefit
    assert refused(data) == ["events[4]"]  # the city's approval gives it nothing
    early = document(submitted())
    early["beneficiary"] = early["household"]["household_id"]
    assert refused(early) == ["beneficiary"]


def test_the_notice_has_a_seven_day_floor() -> None:
    assert MIN_NOTICE_DAYS == 7
    with pytest.raises(InvalidInput, match="7-day floor"):
        submitted(notice_days=1)
    data = document(on_notice())
    data["notice_days"] = 1
    assert refused(data) == ["notice_days"]


def test_the_printed_notice_is_the_enforced_one() -> None:
    posted = on_notice()  # posted 2008-03-21, enforced to 03-27
    with pytest.raises(InvalidInput, match="must show that period"):
        public_notice([posted], posted_on=D(2008, 4, 1))
    notice = public_notice([posted], county=sample_county())
    assert (notice.first_day, notice.last_day) == (D(2008, 3, 21), D(2008, 3, 27))
    waiting = approved_by_city()  # approved by the city on 2008-03-20, not posted
    with pytest.raises(InvalidInput, match="before the city's approval"):
        public_notice([waiting], posted_on=D(2008, 3, 19))
    assert public_notice([waiting], posted_on=D(2008, 3, 20)).days == 7


def test_resubmission_keeps_the_household_each_decision_was_made_on() -> None:
    first = submitted()
    returned = first.approve(D(2008, 3, 5)).return_for_documents(D(2008, 3, 6), ["户口簿"])
    corrected = attrs.evolve(first.household, household_id="HN-0107-B")
    again = returned.resubmit(D(2008, 3, 8), household=corrected)
    assert again.household == corrected
    assert again.events[0].household == first.household
    assert again.household_at(1) == first.household
    assert again.household_at(len(again.events) - 1) == corrected
    loaded = application_from_json(application_to_json(again))
    assert loaded == again
    assert loaded.events[0].household == first.household


def test_a_signature_detects_what_no_trail_rule_can() -> None:
    app = granted()
    signed = json.loads(application_to_json(app, key=KEY))
    assert signed["signature"]["algorithm"] == "hmac-sha256"
    assert application_from_json(json.dumps(signed), key=KEY) == app
    assert Application.from_json(app.to_json(key=KEY), key=KEY) == app
    # renaming the beneficiary to the other parent is a trail the procedure could produce
    renamed = dict(signed, beneficiary="father")
    assert refused(renamed, key=KEY) == ["signature"]
    # so is a trail with an objection cycle cut out (here: one never added) ...
    assert refused(dict(signed, application_id="TF-2008-002"), key=KEY) == ["signature"]
    assert refused(signed, key=b"another-office-key-0123456789abcd") == ["signature"]
    unsigned = document(app)
    assert refused(unsigned, key=KEY) == ["signature"]
    with pytest.raises(ValueError, match="at least 16"):
        application_to_json(app, key=b"short")


def test_an_objection_cycle_cut_out_is_caught_by_the_signature() -> None:
    app = on_notice().object(D(2008, 3, 23), "邻居反映")
    app = app.approve(D(2008, 3, 25)).approve(D(2008, 3, 28)).post_notice(D(2008, 3, 29))
    app = app.grant(D(2008, 4, 6))
    signed = json.loads(application_to_json(app, key=KEY))
    actions = [e["action"] for e in signed["events"]]
    objection = actions.index(Action.OBJECT.value)
    cut = dict(signed, events=signed["events"][:objection] + signed["events"][-1:])
    assert refused(cut, key=KEY) == ["signature"]
    unsigned = {k: v for k, v in cut.items() if k != "signature"}
    application_from_json(json.dumps(unsigned))  # without a key, a valid-looking trail loads


def test_text_that_cannot_be_written_is_refused_when_built() -> None:
    """Issue 14, item 2: a lone surrogate used to pass and crash ``to_json`` later."""
    app = submitted()
    with pytest.raises(InvalidInput, match="UTF-8"):
        attrs.evolve(app, application_id="TF-\ud800\uffff")
    with pytest.raises(InvalidInput, match="UTF-8"):
        attrs.evolve(app, beneficiary="\udc80")
    with pytest.raises(InvalidInput, match="UTF-8"):
        app.approve(D(2008, 3, 5), note="\ud800")
    with pytest.raises(InvalidInput, match="UTF-8"):
        app.return_for_documents(D(2008, 3, 5), ["户口\udfff"])
