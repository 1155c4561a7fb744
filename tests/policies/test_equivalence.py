"""One definition, two evaluators: on generated households, the batch evaluator over
population tables gives exactly the single evaluator's amounts, for every policy of
the catalogue, every rule, beneficiary and month count."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, target
from hypothesis import strategies as st

from fpcore.model import Household, Sex
from fpcore.money import Money
from fpcore.periods import Month, MonthSpan, Period, parse_period
from fpcore.policies import get, list_policies
from fpcore.rules import Policy, Population
from fpcore.tables import household_tables
from fpcore.testing.strategies import households

Key = tuple[int, str, str]  # household index, beneficiary (role or "household"), benefit


def _single(policy_id: str, homes: list[Household], period: Period) -> dict[Key, tuple[int, Money]]:
    return _single_with(get(policy_id), homes, period)


def _single_with(
    policy: Policy, homes: list[Household], period: Period
) -> dict[Key, tuple[int, Money]]:
    result: dict[Key, tuple[int, Money]] = {}
    for index, home in enumerate(homes):
        for e in policy.evaluate(home, period).entitlements:
            who = "household" if e.entity == "household" else str(e.beneficiary_id)
            if e.total:
                result[(index, who, e.benefit)] = (e.months, e.total)
    return result


def _batch(policy_id: str, homes: list[Household], period: Period) -> dict[Key, tuple[int, Money]]:
    return _batch_with(get(policy_id), homes, period)


def _batch_with(
    policy: Policy, homes: list[Household], period: Period
) -> dict[Key, tuple[int, Money]]:
    tables = household_tables(homes)
    roles = {
        person_id: "mother" if female else "father"
        for person_id, female in tables["persons"].select("person_id", "is_female").rows()
    }
    result = policy.evaluate_table(Population(tables), period)
    found: dict[Key, tuple[int, Money]] = {}
    for person_id, household_id, benefit, months, fen in result.persons.select(
        "person_id", "household_id", "benefit", "months", "amount_fen"
    ).rows():
        if fen:
            found[(household_id, roles[person_id], benefit)] = (months, Money.from_fen(fen))
    for household_id, benefit, months, fen in result.households.select(
        "household_id", "benefit", "months", "amount_fen"
    ).rows():
        if fen:
            found[(household_id, "household", benefit)] = (months, Money.from_fen(fen))
    return found


# households of every shape, evaluated in the years the rules change (2002-2030)
_periods = st.builds(
    lambda start, length: MonthSpan(
        first=Month.from_index(start), last=Month.from_index(start + length)
    ),
    st.integers(
        min_value=Month(year=2002, month=9).index, max_value=Month(year=2030, month=1).index
    ),
    st.integers(min_value=0, max_value=23),
)


@pytest.mark.parametrize("policy_id", list_policies())
@settings(max_examples=40)
@given(homes=st.lists(households(max_children=3), min_size=1, max_size=6), period=_periods)
def test_batch_equals_single(policy_id: str, homes: list[Household], period: Period) -> None:
    single = _single(policy_id, homes, period)
    target(float(len(single)))  # steer towards cases where benefits are paid
    assert _batch(policy_id, homes, period) == single


def test_the_sample_county_case_agrees_and_pays() -> None:
    """A fixed example, so the property is seen to compare non-empty results."""
    from fpcore.model import sample_household

    homes = [sample_household()]
    period = MonthSpan.parse("2004-01..2030-12")
    single = _single("county", homes, period)
    assert single[(0, "household", "only_child_reward")][1] > Money(0)
    assert single[(0, "mother", "reward_assistance")][1] > Money(0)
    assert _batch("county", homes, period) == single
    assert {p.sex for p in homes[0].parents} == {Sex.FEMALE, Sex.MALE}


def test_batch_equals_single_on_every_worked_case() -> None:
    """The worked cases' histories (remarriages, hukou changes, reissued certificates,
    confirmations, deaths of spouses) agree between the two evaluators, each under its
    own policy, settings and period."""
    from tests.policies.casebook import load_cases

    for case in load_cases():
        policy = get(case.policy)
        for name, value in case.settings.items():
            policy = policy.with_setting(name, value)
        homes = [case.household]
        period = parse_period(case.period)
        single = _single_with(policy, homes, period)
        assert _batch_with(policy, homes, period) == single, case.id
