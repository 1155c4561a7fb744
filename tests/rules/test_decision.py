"""Decisions: entitlements over periods, explanations (why not), text, JSON, HTML."""

from __future__ import annotations

import json

import attrs
import pendulum
import pytest

from fpcore._version import __version__
from fpcore.errors import InvalidInput, TraceNotKept, UnknownName
from fpcore.money import Money
from fpcore.periods import Month, MonthSpan, Quarter, Year
from fpcore.rules import Decision

from .domain import POLICY, Child, Household, Person


def _bereaved() -> Household:
    """A rural couple whose only child died in 2005."""
    return Household(
        id=7,
        persons=(
            Person(id=70, birth=pendulum.Date(1950, 3, 4), rural=True),
            Person(id=71, birth=pendulum.Date(1953, 2, 28), rural=True),
        ),
        children=(
            Child(birth=pendulum.Date(1980, 5, 1), boy=True, died=pendulum.Date(2005, 1, 1)),
        ),
        certificate=pendulum.Date(1981, 1, 1),
    )


def test_stamp() -> None:
    decision = POLICY.evaluate(_bereaved(), Month(year=2012, month=3))
    assert decision.stamp.fpcore_version == __version__
    assert decision.stamp.policy_id == "test-county"
    assert decision.stamp.policy_hash == POLICY.content_hash
    assert decision.stamp.period == Month(year=2012, month=3)
    assert decision.explanations == ()


def test_amounts_change_by_date_within_a_span() -> None:
    decision = POLICY.evaluate(_bereaved(), MonthSpan.parse("2011-11..2012-02"))
    sa = [e for e in decision.entitlements if e.benefit == "special_assistance"]
    assert [e.beneficiary_id for e in sa] == [70, 71]
    assert [str(a) for _, a in sa[0].monthly] == ["100.00", "100.00", "135.00", "135.00"]
    assert sa[0].total == Money(470)
    ra = [e for e in decision.entitlements if e.benefit == "reward_assistance"]
    assert [(e.beneficiary_id, e.months, str(e.total)) for e in ra] == [(70, 4, "280.00")]


def test_reward_assistance_starts_in_the_60th_birthday_month() -> None:
    household = _bereaved()
    for month, expected in (("2010-02", Money(0)), ("2010-03", Money(60))):
        decision = POLICY.evaluate(household, Month.parse(month))
        assert decision.total("reward_assistance") == expected


def test_explanation_says_why_not_with_citations() -> None:
    decision = POLICY.evaluate(_bereaved(), Month(year=2012, month=3), explain=True)
    ra_71 = next(t for t in decision.explanations if t.rule_id == "RA" and t.beneficiary_id == 71)
    assert not ra_71.applied
    assert ra_71.failed == ("AGE_60_OR_OVER",)
    assert {c.code: c.value for c in ra_71.conditions}["RURAL_COUPLE"] == "true"
    assert ("person.age", "59") in ra_71.values
    assert decision.why_not("RA") == {(71, Month(year=2012, month=3)): ("AGE_60_OR_OVER",)}
    sa_70 = next(t for t in decision.explanations if t.rule_id == "SA" and t.beneficiary_id == 70)
    assert sa_70.applied
    assert sa_70.outcome == "135.00"
    assert sa_70.exception == "only child deceased"
    (use,) = sa_70.parameters
    assert (use.name, use.value, str(use.start)) == (
        "special_assistance.death",
        "135.00",
        "2012-01-01",
    )
    assert "chinadaily" in use.citation.url


def test_rules_not_in_force_are_explained() -> None:
    decision = POLICY.evaluate(_bereaved(), Month(year=2007, month=6), explain=True)
    sa = [t for t in decision.explanations if t.rule_id == "SA"]
    assert sa
    assert all(not t.in_force and not t.applied for t in sa)
    assert "not paid: the benefit was not in force" in decision.to_text("en")
    assert "不予发放，因该项待遇当期尚未施行或已停止施行" in decision.to_text("zh")


def test_text_in_both_languages() -> None:
    decision = POLICY.evaluate(_bereaved(), Quarter(year=2012, quarter=1), explain=True)
    english, chinese = decision.to_text("en"), decision.to_text("zh")
    assert "2012-01 to 2012-03: paid 135.00 yuan a month, 3 month(s), 405.00 yuan." in english
    assert "not paid: the requirement 'aged 60 or over' is not met." in english
    assert "不予发放，因不符合“年满60周岁”的条件" in chinese
    assert "2012年1月至2012年3月：按月发放，月发放标准135.00元，共3个月，计405.00元。" in chinese
    assert str(decision) == english


def test_text_refuses_other_languages() -> None:
    decision = POLICY.evaluate(_bereaved(), Month(year=2012, month=3))
    with pytest.raises(InvalidInput, match="'fr' is not a language"):
        decision.to_text("fr")  # type: ignore[arg-type]


@pytest.mark.parametrize("explain", [False, True])
@pytest.mark.parametrize(
    "period", [Month(year=2012, month=3), Quarter(year=2009, quarter=4), Year(year=2011)]
)
def test_json_round_trip(explain: bool, period: Month | Quarter | Year) -> None:
    decision = POLICY.evaluate(_bereaved(), period, explain=explain)
    text = decision.to_json()
    assert Decision.from_json(text) == decision
    assert json.loads(text)["schema_version"] == 3


def test_a_version_1_decision_still_reads() -> None:
    decision = POLICY.evaluate(_bereaved(), Year(year=2011))
    data = decision.to_dict()
    del data["spans"]
    data["schema_version"] = 1
    del data["stamp"]["input_hash"]
    for e in data["entitlements"]:  # version 1 and 2 wrote [month, amount] pairs
        e["monthly"] = [[str(m), str(a)] for m, a in _months(e["monthly"], "amount")]
    for st in data["statuses"]:
        st["monthly"] = [[str(m), v] for m, v in _months(st["monthly"], "value")]
    assert Decision.from_dict(data) == attrs.evolve(decision, spans=())
    data["spans"] = []
    with pytest.raises(InvalidInput, match="spans: unknown field"):
        Decision.from_dict(data)


def _months(runs: list[dict[str, str]], name: str) -> list[tuple[Month, str]]:
    return [
        (Month.from_index(i), run[name])
        for run in runs
        for i in range(Month.parse(run["first"]).index, Month.parse(run["last"]).index + 1)
    ]


def test_json_rejects_other_schemas() -> None:
    data = POLICY.evaluate(_bereaved(), Month(year=2012, month=3)).to_dict()
    data["schema_version"] = 99
    with pytest.raises(InvalidInput, match="schema_version"):
        Decision.from_dict(data)
    del data["schema_version"]
    with pytest.raises(InvalidInput):
        Decision.from_dict({"schema_version": 1})


def test_html_is_escaped() -> None:
    household = _bereaved()
    decision = POLICY.evaluate(household, Month(year=2012, month=3), explain=True)
    html = decision._repr_html_()
    assert "<pre>" in html
    assert "Only-child parents&#x27; reward" in html
    assert "(person.age >= 60)" not in html or "&gt;" in html
    assert "<script" not in html


def test_why_not_and_why_accept_benefit_names() -> None:
    decision = POLICY.evaluate(_bereaved(), Month(year=2012, month=3), explain=True)
    assert decision.why_not("reward_assistance") == decision.why_not("RA")
    assert decision.why_not("reward_assistance") == {
        (71, Month(year=2012, month=3)): ("AGE_60_OR_OVER",)
    }
    assert set(decision.why("special_assistance")) == {
        (70, Month(year=2012, month=3)),
        (71, Month(year=2012, month=3)),
    }
    assert decision.why("RA")[(70, Month(year=2012, month=3))][0] == "AGE_60_OR_OVER"


def test_why_not_refuses_unknown_names_and_missing_traces() -> None:
    explained = POLICY.evaluate(_bereaved(), Month(year=2012, month=3), explain=True)
    with pytest.raises(UnknownName, match=r"unknown benefit 'reward'.*reward_assistance") as caught:
        explained.why_not("reward")
    assert "RA" not in str(caught.value).split()  # benefits are offered by name
    plain = POLICY.evaluate(_bereaved(), Month(year=2012, month=3))
    for ask in (plain.why_not, plain.why):
        with pytest.raises(TraceNotKept, match="explain=True"):
            ask("reward_assistance")


def test_total_of_one_benefit_and_beneficiary() -> None:
    decision = POLICY.evaluate(_bereaved(), MonthSpan.parse("2011-11..2012-02"))
    assert decision.total("special_assistance", 70) == Money(470)
    assert decision.total("special_assistance") == Money(940)
    assert decision.total("special_assistance", 99) == Money(0)
    assert decision.total() == decision.total("special_assistance") + Money(280)


def test_policy_hash_shows_twelve_hex_digits() -> None:
    decision = POLICY.evaluate(_bereaved(), Month(year=2012, month=3))
    short = decision.stamp.short_hash
    assert len(short) == 12
    assert set(short) <= set("0123456789abcdef")
    assert decision.stamp.policy_hash == f"sha256:{short}" + decision.stamp.policy_hash[19:]
    assert f"(sha256:{short})" in decision.to_text("en")
