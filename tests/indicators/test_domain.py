"""From fpcore.model households to register tables."""

from __future__ import annotations

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.indicators import (
    PopulationBasis,
    register_counts,
    register_from_households,
    sum_counts,
)
from fpcore.model import (
    Child,
    ChildLink,
    Household,
    Marriage,
    MarriageEnd,
    Residence,
    Sex,
    sample_county,
    sample_household,
)
from fpcore.periods import age_on
from fpcore.testing.strategies import households

COUNTY = sample_county()
REG = PopulationBasis.REGISTERED


def _family() -> Household:
    """The sample couple, with a second child (out of policy) born in 2008 who died."""
    h = sample_household()
    second = Child(
        name="王小红",
        sex=Sex.FEMALE,
        birth_date=pendulum.Date(2008, 3, 1),
        within_policy=False,
        death_date=pendulum.Date(2008, 9, 1),
    )
    adopted = Child(
        name="王小军",
        sex=Sex.MALE,
        birth_date=pendulum.Date(2005, 1, 1),
        link=ChildLink.ADOPTION,
        adoption_date=pendulum.Date(2008, 7, 1),
    )
    return attrs.evolve(h, children=(*h.children, second, adopted))


def test_sample_household_counts() -> None:
    counts = register_counts(
        register_from_households([_family()], county=COUNTY), year=2008, by="village"
    )
    c = counts[("洪凝镇", "洪凝1村")]
    # start: two parents + the son; end: + the adopted boy (the girl died)
    assert (c.population_start, c.population_end) == (3, 4)
    assert (c.live_births, c.deaths, c.second_births, c.policy_second_births) == (1, 1, 1, 0)
    assert (c.male_births, c.female_births) == (0, 1)
    assert sum(c.births_by_age) == 1  # the mother was 37: group 35-39
    assert c.births_by_age[4] == 1
    # contraception is not in the model: no woman is counted, rather than a fake 0 %
    assert (c.contraception_eligible, c.contraception_users) == (0, 0)


def test_parent_living_elsewhere_counts_as_resident_there() -> None:
    h = _family()
    mother = attrs.evolve(
        h.parents[0], residence=Residence(township="371121101", village="371121101201")
    )
    moved = attrs.evolve(h, parents=(mother, h.parents[1]))
    reg = register_from_households([moved], county=COUNTY)
    resident = register_counts(reg, year=2008, basis=PopulationBasis.RESIDENT, by="village")
    registered = register_counts(reg, year=2008, by="village")
    assert registered[("洪凝镇", "洪凝1村")].population_end == 4
    assert resident[("洪凝镇", "洪凝1村")].population_end == 3
    assert resident[("街头镇", "街头1村")].population_end == 1
    # the birth counts where the mother lives for the resident basis
    assert resident[("街头镇", "街头1村")].live_births == 1
    assert registered[("洪凝镇", "洪凝1村")].live_births == 1


def test_single_parent_without_mother() -> None:
    h = sample_household()
    widowed = Marriage(
        spouses=(0,),
        married=pendulum.Date(1997, 10, 1),
        ended=pendulum.Date(2005, 1, 1),
        end=MarriageEnd.DEATH,
    )
    father_only = attrs.evolve(h, parents=(h.parents[1],), marriages=(widowed,))
    reg = register_from_households([father_only], county=COUNTY)
    assert reg.births is not None
    assert reg.births.get_column("mother_birth_date").null_count() == 1
    assert reg.persons.get_column("marital_status").to_list() == ["widowed", "single"]


def test_each_parent_has_their_own_marital_status() -> None:
    h = sample_household()
    father_died = attrs.evolve(
        h, parents=(h.parents[0], attrs.evolve(h.parents[1], death_date=pendulum.Date(2006, 5, 1)))
    )
    reg = register_from_households([father_died], county=COUNTY)
    # the widow is widowed; her husband died married
    assert reg.persons.get_column("marital_status").to_list() == ["widowed", "married", "single"]
    divorced = attrs.evolve(
        h,
        marriages=(
            Marriage(
                spouses=(0, 1),
                married=pendulum.Date(1997, 10, 1),
                ended=pendulum.Date(2004, 3, 1),
                end=MarriageEnd.DIVORCE,
            ),
        ),
    )
    reg = register_from_households([divorced], county=COUNTY)
    assert reg.persons.get_column("marital_status").to_list() == ["divorced", "divorced", "single"]


def test_twins_share_their_delivery_order() -> None:
    h = sample_household()
    born = h.children[0].birth_date
    twin = Child(name="王小丽", sex=Sex.FEMALE, birth_date=born)
    later = Child(name="王小刚", sex=Sex.MALE, birth_date=born.add(years=4), within_policy=False)
    family = attrs.evolve(h, children=(h.children[0], twin, later))
    reg = register_from_households([family], county=COUNTY)
    assert reg.births is not None
    orders = reg.births.get_column("order").to_list()
    assert orders == [family.delivery_order(i) for i in range(3)] == [1, 1, 2]
    twins_year = register_counts(reg, year=born.year, by="village")[("洪凝镇", "洪凝1村")]
    assert (twins_year.live_births, twins_year.second_births) == (2, 0)
    later_year = register_counts(reg, year=born.year + 4, by="village")[("洪凝镇", "洪凝1村")]
    assert later_year.second_births == 1


def test_a_child_of_the_father_alone_has_no_recorded_mother() -> None:
    h = sample_household()
    mother, father = h.parents
    earlier = Marriage(
        spouses=(1,),
        married=pendulum.Date(1990, 1, 1),
        ended=pendulum.Date(1994, 1, 1),
        end=MarriageEnd.DIVORCE,
    )
    his = Child(name="王小兵", sex=Sex.MALE, birth_date=pendulum.Date(1991, 5, 1), parents=(1,))
    family = attrs.evolve(h, marriages=(earlier, *h.marriages), children=(his, *h.children))
    reg = register_from_households([family], county=COUNTY)
    assert reg.births is not None
    assert reg.births.get_column("mother_birth_date").to_list() == [None, mother.birth_date]
    assert reg.births.get_column("order").to_list() == [1, 2]  # Household.delivery_order
    assert reg.persons.get_column("marital_status").to_list()[:2] == ["married", "married"]
    assert father.sex is Sex.MALE


def test_household_outside_the_county_is_reported() -> None:
    h = attrs.evolve(sample_household(), village="371121999201")
    with pytest.raises(InvalidInput) as info:
        register_from_households([sample_household(), h], county=COUNTY)
    assert [p.path for p in info.value.problems] == ["[1].village"]


def _direct_counts(households: list[Household], year: int) -> dict[str, object]:
    """The same counts computed one object at a time, without polars."""
    end = pendulum.Date(year, 12, 31)
    start = pendulum.Date(year - 1, 12, 31)
    people = [(p.sex, p.birth_date, p.alive_on) for h in households for p in h.parents] + [
        (c.sex, c.birth_date, c.in_household_on) for h in households for c in h.children
    ]
    women_end = [0] * 7
    for sex, birth, present in people:
        if sex is Sex.FEMALE and present(end) and 15 <= (age := age_on(birth, end)) <= 49:
            women_end[(age - 15) // 5] += 1
    births = [
        (h, c)
        for h in households
        for c in h.children
        if c.link is ChildLink.BIRTH and c.birth_date.year == year
    ]
    by_age = [0] * 7
    for h, c in births:
        mother = h.mother
        if mother is None or h.parents.index(mother) not in h.parents_of(c):
            continue  # another parent's own child: its mother is not in the household
        if 15 <= (a := age_on(mother.birth_date, c.birth_date)) <= 49:
            by_age[(a - 15) // 5] += 1
    died: list[pendulum.Date | None] = [p.death_date for h in households for p in h.parents]
    died += [c.death_date for h in households for c in h.children]
    deaths = [d for d in died if d is not None and d.year == year]
    return {
        "population_start": sum(present(start) for _, _, present in people),
        "population_end": sum(present(end) for _, _, present in people),
        "live_births": len(births),
        "policy_births": sum(c.within_policy for _, c in births),
        "deaths": len(deaths),
        "women_end": tuple(women_end),
        "births_by_age": tuple(by_age),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(households(max_children=3), max_size=4), st.integers(1985, 2020))
def test_register_counts_equal_counting_the_objects(families: list[Household], year: int) -> None:
    reg = register_from_households(families, county=COUNTY)
    total = sum_counts(register_counts(reg, year=year, by="village").values(), basis=REG)
    expected = _direct_counts(families, year)
    assert {k: getattr(total, k) for k in expected} == expected
