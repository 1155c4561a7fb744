"""Birth policy by law version: 2002-09-01, 2016-01-01 and 2021-08-20 boundaries."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings

from fpcore.errors import InvalidInput
from fpcore.model import ChildLink, Household
from fpcore.policies.birth_policy import LAW_VERSIONS, BirthAssessment, assess_birth, law_in_force
from fpcore.testing.strategies import households
from tests.policies.casebook import build_household

D = pendulum.Date
FEE_ABOLISHED = D(2021, 8, 20)


def _couple(*children: dict[str, Any], permit: str | None = None) -> Household:
    spec: dict[str, Any] = {
        "mother": {"born": "1980-03-01"},
        "father": {"born": "1978-07-01"},
        "children": list(children),
    }
    if permit is not None:
        spec["birth_permit"] = permit
    return build_household(spec)


def _last_birth(*births: str, permit: str | None = None) -> BirthAssessment:
    household = _couple(*({"born": day} for day in births), permit=permit)
    return assess_birth(household, len(births) - 1)


# --- the law in force by date -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "law_id", "children", "fee"),
    [
        (D(2002, 9, 1), "LAW-2001", 1, True),
        (D(2015, 12, 31), "LAW-2001", 1, True),
        (D(2016, 1, 1), "LAW-2015", 2, True),
        (D(2021, 8, 19), "LAW-2015", 2, True),
        (D(2021, 8, 20), "LAW-2021", 3, False),
        (D(2030, 1, 1), "LAW-2021", 3, False),
    ],
)
def test_the_law_in_force_on_each_side_of_each_boundary(
    day: pendulum.Date, law_id: str, children: int, fee: bool
) -> None:
    law = law_in_force(day)
    assert (law.id, law.children_allowed, law.social_maintenance_fee) == (law_id, children, fee)


def test_no_law_before_2002_09_01() -> None:
    with pytest.raises(InvalidInput, match="2002-08-31 is before"):
        law_in_force(D(2002, 8, 31))


def test_the_versions_are_dated_in_order_and_cited() -> None:
    starts = [law.in_force_from for law in LAW_VERSIONS]
    assert starts == sorted(starts) == [D(2002, 9, 1), D(2016, 1, 1), FEE_ABOLISHED]
    assert all(law.citation.document for law in LAW_VERSIONS)
    assert [law.children_allowed for law in LAW_VERSIONS] == [1, 2, 3]


# --- births under the 2001 law --------------------------------------------------------------


def test_a_first_birth_is_within_policy() -> None:
    result = _last_birth("2005-03-01")
    assert (result.birth_order, result.within_policy, result.law.id) == (1, True, "LAW-2001")
    assert not result.social_maintenance_fee_applies


def test_a_second_birth_without_a_permit_pays_the_fee() -> None:
    result = _last_birth("2003-03-01", "2008-06-01")
    assert (result.birth_order, result.within_policy) == (2, False)
    assert result.social_maintenance_fee_applies


def test_a_second_birth_with_a_permit_issued_before_it_is_within_policy() -> None:
    result = _last_birth("2003-03-01", "2008-06-01", permit="2007-10-01")
    assert result.within_policy
    assert not result.social_maintenance_fee_applies
    assert "permit" in result.reason


def test_a_permit_issued_after_the_birth_does_not_help() -> None:
    result = _last_birth("2003-03-01", "2008-06-01", permit="2008-07-01")
    assert not result.within_policy
    assert result.social_maintenance_fee_applies


def test_a_permit_on_the_day_of_birth_counts() -> None:
    assert _last_birth("2003-03-01", "2008-06-01", permit="2008-06-01").within_policy


def test_a_permit_covers_only_a_second_birth() -> None:
    result = _last_birth("2003-03-01", "2006-06-01", "2010-06-01", permit="2005-10-01")
    assert (result.birth_order, result.within_policy) == (3, False)
    assert result.social_maintenance_fee_applies


# --- 2016-01-01: two children ------------------------------------------------------------------


def test_a_second_birth_on_2015_12_31_is_out_of_policy() -> None:
    result = _last_birth("2010-03-01", "2015-12-31")
    assert (result.law.id, result.within_policy, result.social_maintenance_fee_applies) == (
        "LAW-2001",
        False,
        True,
    )


def test_a_second_birth_on_2016_01_01_is_within_policy() -> None:
    result = _last_birth("2010-03-01", "2016-01-01")
    assert (result.law.id, result.within_policy, result.social_maintenance_fee_applies) == (
        "LAW-2015",
        True,
        False,
    )


# --- 2021-08-20: three children, no social maintenance fee -------------------------------------


def test_a_third_birth_on_2021_08_19_pays_the_fee() -> None:
    result = _last_birth("2010-03-01", "2016-05-01", "2021-08-19")
    assert (result.law.id, result.birth_order, result.within_policy) == ("LAW-2015", 3, False)
    assert result.social_maintenance_fee_applies


def test_a_third_birth_on_2021_08_20_is_within_policy() -> None:
    result = _last_birth("2010-03-01", "2016-05-01", "2021-08-20")
    assert (result.law.id, result.birth_order, result.within_policy) == ("LAW-2021", 3, True)
    assert not result.social_maintenance_fee_applies


def test_no_social_maintenance_fee_from_2021_08_20_even_out_of_policy() -> None:
    result = _last_birth("2008-03-01", "2012-05-01", "2016-05-01", "2021-08-20")
    assert (result.birth_order, result.within_policy) == (4, False)
    assert not result.social_maintenance_fee_applies


# --- what counts as a birth ------------------------------------------------------------------


def test_an_adopted_child_is_refused() -> None:
    household = _couple({"born": "2004-01-01", "adopted": "2006-05-01"})
    with pytest.raises(InvalidInput, match="adopted child is not a birth"):
        assess_birth(household, 0)


def test_an_adopted_child_is_no_birth_in_the_order() -> None:
    household = _couple({"born": "2004-01-01", "adopted": "2006-05-01"}, {"born": "2008-03-01"})
    result = assess_birth(household, 1)
    assert (result.birth_order, result.within_policy) == (1, True)


def test_a_deceased_earlier_child_still_counts_as_a_birth() -> None:
    household = _couple({"born": "2003-01-01", "died": "2004-01-01"}, {"born": "2008-03-01"})
    assert assess_birth(household, 1).birth_order == 2


def test_no_such_child_and_births_before_the_law_are_refused() -> None:
    household = _couple({"born": "2001-01-01"})
    with pytest.raises(InvalidInput, match="no child at index 1"):
        assess_birth(household, 1)
    with pytest.raises(InvalidInput, match="before the Population and Family Planning Law"):
        assess_birth(household, 0)


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(household=households(on=pendulum.Date(2024, 12, 31), max_parent_age=45, max_children=4))
def test_the_fee_follows_the_law_of_the_birth_date(household: Household) -> None:
    for index, child in enumerate(household.children):
        if child.link is ChildLink.ADOPTION or child.birth_date < D(2002, 9, 1):
            continue
        result = assess_birth(household, index)
        assert result.law == law_in_force(child.birth_date)
        assert result.law.in_force_from <= child.birth_date
        if result.birth_order <= result.law.children_allowed:
            assert result.within_policy
        assert result.social_maintenance_fee_applies == (
            not result.within_policy and child.birth_date < FEE_ABOLISHED
        )


# --- twins (issue 9, item 3): birth order counts deliveries ----------------------------------


def test_twins_at_a_first_delivery_are_a_lawful_first_birth_with_no_fee() -> None:
    # domain.md 9: twins at a first delivery are a lawful first birth, no fee
    twins = _couple({"born": "2005-04-01"}, {"born": "2005-04-01", "sex": "female"})
    for index in (0, 1):
        assessed = assess_birth(twins, index)
        assert assessed.birth_order == 1
        assert assessed.within_policy
        assert not assessed.social_maintenance_fee_applies


def test_a_birth_after_twins_is_the_second_delivery() -> None:
    assessed = _last_birth("2005-04-01", "2005-04-01", "2008-06-01")
    assert assessed.birth_order == 2
    assert not assessed.within_policy  # no permit under the 2001 law
    assert assessed.social_maintenance_fee_applies
