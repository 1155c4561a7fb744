"""Funding: cost shares by payer, exact to the fen, summing to the total."""

from __future__ import annotations

from decimal import Decimal

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fpcore.policies as policies
from fpcore.errors import ParameterNotInForce, UnknownName
from fpcore.money import ZERO, Money
from fpcore.periods import Year
from fpcore.policies.funding import cost_shares, fund_benefits, payers, share_assumptions
from tests.policies.casebook import build_household

ON = pendulum.Date(2008, 1, 1)
SCHEMES = {
    "county": ("contraception", "only_child_reward", "reward_assistance", "special_assistance"),
    "national": ("only_child_reward", "reward_assistance", "special_assistance"),
    "shandong": ("only_child_reward", "reward_assistance", "special_assistance"),
}


def test_free_contraception_is_shared_city_2_county_8() -> None:
    shares = cost_shares(policies.get("county"), "contraception", Money("900000"), ON)
    assert shares == {"city": Money("180000.00"), "county": Money("720000.00")}


def test_reward_assistance_is_shared_central_province_county_5_3_2() -> None:
    shares = cost_shares(policies.get("county"), "reward_assistance", Money("960"), ON)
    assert shares == {
        "central": Money("480.00"),
        "province": Money("288.00"),
        "county": Money("192.00"),
    }


def test_an_odd_fen_goes_to_the_largest_remainder() -> None:
    shares = cost_shares(policies.get("county"), "contraception", Money("0.01"), ON)
    assert shares == {"city": Money("0.00"), "county": Money("0.01")}


def test_the_payers_of_a_scheme() -> None:
    assert payers(policies.get("county"), "contraception") == {
        "city": "funding.contraception.city",
        "county": "funding.contraception.county",
    }
    assert payers(policies.get("national"), "contraception") == {}


def test_an_unknown_scheme_is_an_unknown_name() -> None:
    with pytest.raises(UnknownName, match="unknown funding scheme 'lottery'"):
        cost_shares(policies.get("county"), "lottery", Money("100"), ON)


def test_contraception_funding_is_the_county_s_own() -> None:
    with pytest.raises(UnknownName, match="contraception"):
        cost_shares(policies.get("national"), "contraception", Money("100"), ON)


def test_no_ratio_before_its_start() -> None:
    with pytest.raises(ParameterNotInForce):
        cost_shares(
            policies.get("county"), "special_assistance", Money("100"), pendulum.Date(2007, 12, 31)
        )


def test_every_payment_line_of_a_decision_has_its_payers() -> None:
    household = build_household(
        {
            "mother": {"born": "1940-03-01"},
            "father": {"born": "1938-06-01"},
            "children": [{"born": "1965-05-01", "died": "1990-08-01"}],
            "confirmed": {"mother": "2008-01-10", "father": "2008-01-10"},
        }
    )
    county = policies.get("county")
    decision = county.evaluate(household, Year(year=2009))
    totals = {e.benefit: decision.total(e.benefit) for e in decision.entitlements}
    assert totals == {"reward_assistance": Money("1440.00"), "special_assistance": Money("2400.00")}
    funded = fund_benefits(county, {**totals, "only_child_reward": ZERO}, ON)
    for benefit, total in totals.items():
        parts = [amount for (b, _), amount in funded.items() if b == benefit]
        assert sum(parts, ZERO) == total
    assert not any(b == "only_child_reward" for b, _ in funded), "a zero total needs no payer"
    with pytest.raises(UnknownName):
        fund_benefits(county, {"lottery": Money("1")}, ON)


@settings(max_examples=100, deadline=None)
@given(
    policy_id=st.sampled_from(sorted(SCHEMES)),
    data=st.data(),
    amount=st.decimals(
        min_value=Decimal("0.00"),
        max_value=Decimal("100000000.00"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    day=st.dates(min_value=pendulum.Date(2008, 1, 1), max_value=pendulum.Date(2030, 12, 31)),
)
def test_shares_always_sum_to_the_total(
    policy_id: str, data: st.DataObject, amount: Decimal, day: pendulum.Date
) -> None:
    scheme = data.draw(st.sampled_from(SCHEMES[policy_id]))
    total = Money(amount)
    on = pendulum.Date(day.year, day.month, day.day)
    shares = cost_shares(policies.get(policy_id), scheme, total, on)
    assert sum(shares.values(), ZERO) == total
    assert all(share >= ZERO for share in shares.values())
    assert set(shares) == set(payers(policies.get(policy_id), scheme))


# --- placeholders say so (issue 9, item 10) ---------------------------------------------------


def test_placeholder_shares_are_flagged_and_sourced_ones_are_not() -> None:
    county = policies.get("county")
    flagged = share_assumptions(
        county,
        ["reward_assistance", "special_assistance", "only_child_reward", "contraception"],
        ON,
    )
    assert set(flagged) == {"reward_assistance", "special_assistance", "only_child_reward"}
    assert all(c.confidence == "placeholder" for c in flagged.values())
    contraception = county.parameters["funding.contraception.city"].entry_at(ON).citation
    assert contraception.confidence == "report"
    assert "《计生委作风建设的计划》" in contraception.document
    assert "[placeholder]" in str(flagged["reward_assistance"])


def test_an_overriding_value_keeps_the_parameter_s_own_description() -> None:
    national, shandong = policies.get("national"), policies.get("shandong")
    for name in ("reward_assistance.annual", "special_assistance.death.urban"):
        assert shandong.parameters[name].description == national.parameters[name].description
        assert "Shandong" not in shandong.parameters[name].description


def test_no_standard_cites_an_invented_adjustment_document() -> None:
    for policy_id in policies.list_policies():
        for parameter in policies.get(policy_id).parameters.values():
            for entry in parameter.values:
                assert "标准调整" not in entry.citation.document, (parameter.name, entry.start)
