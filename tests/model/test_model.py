"""Tests for the domain model: every constructor check, with the path it names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings

from fpcore.errors import InvalidInput, UnknownName
from fpcore.model import (
    MIN_PARENT_AGE_AT_BIRTH,
    Certificate,
    CertificateKind,
    Child,
    ChildLink,
    County,
    Deposit,
    Disability,
    Household,
    Hukou,
    MaritalStatus,
    Marriage,
    MarriageEnd,
    Person,
    Residence,
    SecondChildQuota,
    Sex,
    Township,
    Village,
    make_resident_id,
    mask_name,
    mask_resident_id,
    sample_county,
    sample_household,
)
from fpcore.money import Money
from fpcore.testing import strategies as fst

D = pendulum.Date
DEATH, DIVORCE = MarriageEnd.DEATH, MarriageEnd.DIVORCE
HEAVY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HOME = Residence(township="371121100", village="371121100201")


def person(**changes: Any) -> Person:
    birth = changes.pop("birth_date", D(1970, 5, 1))
    sex = changes.pop("sex", Sex.FEMALE)
    fields: dict[str, Any] = {
        "name": "张秀娟",
        "sex": sex,
        "birth_date": birth,
        "hukou": Hukou.RURAL,
        "residence": HOME,
    }
    if "resident_id" not in changes:
        fields["resident_id"] = make_resident_id("371121", birth, 12, sex)
    fields.update(changes)
    return Person(**fields)


def paths(error: InvalidInput) -> list[str]:
    return [problem.path for problem in error.problems]


def problems_of(build: Callable[[], object]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        build()
    return caught.value


# persons ---------------------------------------------------------------------------------


def test_person_accepts_stdlib_date_and_hands_back_pendulum() -> None:
    p = person(birth_date=dt.date(1970, 5, 1), resident_id="371121197005011248")
    assert type(p.birth_date) is pendulum.Date
    assert p.age_on(D(2019, 4, 30)) == 48
    assert p.age_on(D(2019, 5, 1)) == 49
    assert p.is_female


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"resident_id": None}, ["resident_id"]),
        ({"no_id_reason": "lost"}, ["no_id_reason"]),
        ({"resident_id": "371121197005011249"}, ["resident_id"]),
        (
            {"resident_id": make_resident_id("371121", D(1970, 5, 2), 12, Sex.FEMALE)},
            ["birth_date"],
        ),
        ({"resident_id": make_resident_id("371121", D(1970, 5, 1), 12, Sex.MALE)}, ["sex"]),
        ({"death_date": D(1969, 1, 1)}, ["death_date"]),
        ({"name": "  "}, ["name"]),
        ({"name": 5, "sex": "female", "hukou": "rural"}, ["name", "sex", "hukou"]),
        ({"birth_date": "1970-05-01", "resident_id": "371121197005011248"}, ["birth_date"]),
        ({"residence": "371121100201"}, ["residence"]),
    ],
)
def test_person_problems_name_the_field(changes: dict[str, Any], expected: list[str]) -> None:
    assert paths(problems_of(lambda: person(**changes))) == expected


def test_person_without_id_needs_a_reason() -> None:
    p = person(resident_id=None, no_id_reason="现役军人")
    assert p.resident_id is None
    assert "resident_id=None" in repr(p)


def test_person_alive_on() -> None:
    p = person(death_date=D(2020, 1, 1))
    assert p.alive_on(D(2019, 12, 31))
    assert not p.alive_on(D(2020, 1, 1))
    assert not p.alive_on(D(1960, 1, 1))


def test_residence_codes() -> None:
    assert paths(problems_of(lambda: Residence(township="3711", village="371121100201"))) == [
        "township"
    ]
    assert paths(problems_of(lambda: Residence(township="371121100", village="371121101201"))) == [
        "village"
    ]


# children and disabilities ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"link": ChildLink.ADOPTION}, ["adoption_date"]),
        ({"adoption_date": D(2001, 1, 1)}, ["adoption_date"]),
        ({"link": ChildLink.ADOPTION, "adoption_date": D(1999, 5, 30)}, ["adoption_date"]),
        ({"death_date": D(1999, 5, 30)}, ["death_date"]),
        (
            {"disabilities": (Disability(grade=2, issued=D(1999, 1, 1)),)},
            ["disabilities[0].issued"],
        ),
        ({"disabilities": ("grade 2",)}, ["disabilities[0]"]),
        ({"disabilities": "grade 2"}, ["disabilities"]),
        ({"parents": ()}, ["parents"]),
        ({"parents": (0, 0)}, ["parents"]),
        ({"parents": ("0",)}, ["parents[0]"]),
        ({"within_policy": "yes"}, ["within_policy"]),
        ({"resident_id": make_resident_id("371121", D(1999, 6, 1), 3, Sex.MALE)}, ["birth_date"]),
        ({"link": "birth"}, ["link"]),
    ],
)
def test_child_problems_name_the_field(changes: dict[str, Any], expected: list[str]) -> None:
    fields: dict[str, Any] = {"name": "王小明", "sex": Sex.MALE, "birth_date": D(1999, 5, 31)}
    fields.update(changes)
    assert paths(problems_of(lambda: Child(**fields))) == expected


def test_child_joins_on_adoption() -> None:
    c = Child(
        name="王小明",
        sex=Sex.MALE,
        birth_date=D(1999, 5, 31),
        link=ChildLink.ADOPTION,
        adoption_date=D(2001, 1, 1),
        death_date=D(2010, 1, 1),
    )
    assert c.adopted_on == D(2001, 1, 1)
    assert not c.in_household_on(D(2000, 12, 31))
    assert c.in_household_on(D(2001, 1, 1))
    assert not c.in_household_on(D(2010, 1, 1))


@pytest.mark.parametrize("grade", [0, 5, -1, True, "2", 2.0])
def test_disability_grade_outside_1_to_4(grade: object) -> None:
    error = problems_of(lambda: Disability(grade=grade, issued=D(2005, 1, 1)))  # type: ignore[arg-type]
    assert paths(error) == ["grade"]


def test_disability_in_force() -> None:
    d = Disability(grade=1, issued=D(2005, 1, 1), cancelled=D(2007, 1, 1))
    assert d.in_force_on(D(2006, 1, 1))
    assert not d.in_force_on(D(2007, 1, 1))
    error = problems_of(lambda: Disability(grade=1, issued=D(2005, 1, 1), cancelled=D(2004, 1, 1)))
    assert paths(error) == ["cancelled"]


# households ------------------------------------------------------------------------------


def test_sample_household_is_valid() -> None:
    h = sample_household()
    assert attrs.evolve(h) == h
    assert h.mother is h.parents[0]
    assert h.father is h.parents[1]
    honour = h.honour_certificate
    assert honour is not None
    assert honour.issued == D(2000, 3, 15)
    assert h.certificate(CertificateKind.BIRTH_PERMIT) is None
    assert list(h.children_on(D(1999, 5, 30))) == []
    assert list(h.children_on(D(1999, 5, 31))) == [h.children[0]]
    assert [key for key, _ in h.persons()] == ["HN-0001/p0", "HN-0001/p1"]


def child(born: pendulum.Date, sex: Sex = Sex.MALE, **changes: Any) -> Child:
    return Child(name="王小明", sex=sex, birth_date=born, **changes)


def test_child_born_before_a_parent() -> None:
    h = sample_household()
    error = problems_of(lambda: attrs.evolve(h, children=(child(D(1969, 1, 1)),)))
    assert paths(error) == ["children[0].birth_date", "children[0].birth_date"]
    assert "before the birth of parents[0]" in str(error)


def test_child_born_when_a_parent_was_under_12() -> None:
    h = sample_household()  # mother born 1970-05-01, father 1968-08-08
    too_young = D(1970, 5, 1).add(years=MIN_PARENT_AGE_AT_BIRTH).subtract(days=1)
    error = problems_of(lambda: attrs.evolve(h, children=(child(too_young),)))
    assert paths(error) == ["children[0].birth_date"]
    assert "parents[0] would have been 11" in str(error)
    old_enough = attrs.evolve(h, children=(child(D(1982, 5, 1)),), certificates=())
    assert old_enough.children[0].birth_date == D(1982, 5, 1)


def test_adopted_child_may_be_born_when_parents_were_young() -> None:
    h = sample_household()
    adopted = child(D(1975, 1, 1), link=ChildLink.ADOPTION, adoption_date=D(2000, 1, 1))
    assert attrs.evolve(h, children=(adopted,)).children == (adopted,)


def test_certificate_issued_before_the_childs_birth() -> None:
    h = sample_household()
    early = Certificate(kind=CertificateKind.HONOUR_CERTIFICATE, number="1", issued=D(1999, 1, 1))
    error = problems_of(lambda: attrs.evolve(h, certificates=(early,)))
    assert paths(error) == ["certificates[0].issued"]
    error = problems_of(lambda: attrs.evolve(h, children=()))
    assert paths(error) == ["certificates[1]"]


def test_duplicate_persons() -> None:
    h = sample_household()
    mother = h.parents[0]
    twin = child(mother.birth_date, resident_id=mother.resident_id, sex=Sex.FEMALE)
    error = problems_of(
        lambda: attrs.evolve(
            h, children=(*h.children, twin), certificates=(), second_child_quota=None
        )
    )
    assert "children[1].resident_id" in paths(error)
    error = problems_of(lambda: attrs.evolve(h, parents=(mother, attrs.evolve(mother))))
    assert paths(error) == ["parents", "parents[1].resident_id"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"marriages": ()}, ["marriages"]),
        ({"marriages": (Marriage(spouses=(0, 2)),)}, ["marriages[0].spouses"]),
        (
            {"marriages": (Marriage(spouses=(0, 1), married=D(1960, 1, 1)),)},
            ["marriages[0].married", "marriages[0].married"],
        ),
        ({"village": "3711211002"}, ["village"]),
        ({"household_id": ""}, ["household_id"]),
        ({"parents": ("x",)}, ["parents[0]"]),
        ({"children": [1, 2]}, ["children[0]", "children[1]"]),
        ({"second_child_quota": "waived"}, ["second_child_quota"]),
        ({"marriages": ("1997-10-01",)}, ["marriages[0]"]),
        ({"confirmations": ("x",)}, ["confirmations[0]"]),
    ],
)
def test_household_problems_name_the_field(changes: dict[str, Any], expected: list[str]) -> None:
    error = problems_of(lambda: attrs.evolve(sample_household(), **changes))
    assert paths(error) == expected


def test_household_lists_every_problem_at_once() -> None:
    h = sample_household()
    early = Certificate(kind=CertificateKind.HONOUR_CERTIFICATE, number="1", issued=D(1974, 1, 1))
    error = problems_of(
        lambda: attrs.evolve(
            h,
            village="x",
            children=(child(D(1999, 5, 31)), child(D(1975, 1, 1))),
            certificates=(early,),
            marriages=(Marriage(spouses=(0, 1), married=D(1960, 1, 1)),),
        )
    )
    assert sorted(set(paths(error))) == [
        "certificates[0].issued",
        "children[1].birth_date",
        "marriages[0].married",
        "village",
    ]


def test_single_parent_household() -> None:
    h = sample_household()
    widowed = attrs.evolve(
        h,
        parents=h.parents[:1],
        marriages=(Marriage(spouses=(0,), married=D(1997, 10, 1), ended=D(2010, 1, 1), end=DEATH),),
    )
    assert widowed.father is None
    assert widowed.mother is h.parents[0]
    assert widowed.marital_status is MaritalStatus.WIDOWED
    assert widowed.marital_status_on(D(2009, 12, 31)) is MaritalStatus.MARRIED
    error = problems_of(lambda: attrs.evolve(h, parents=(h.parents[0], h.parents[0])))
    assert "parents" in paths(error)


def test_records_check_their_dates() -> None:
    error = problems_of(lambda: SecondChildQuota(granted=D(2004, 1, 1), waived=D(2003, 1, 1)))
    assert paths(error) == ["waived"]
    error = problems_of(lambda: Deposit(amount=Money(0), paid=D(2004, 1, 1)))
    assert paths(error) == ["amount"]
    error = problems_of(
        lambda: Deposit(amount="500", paid=D(2004, 1, 1), refunded=D(2003, 1, 1))  # type: ignore[arg-type]
    )
    assert paths(error) == ["amount", "refunded"]
    error = problems_of(lambda: Certificate(kind="honour", number="", issued="2000"))  # type: ignore[arg-type]
    assert paths(error) == ["kind", "number", "issued"]


def test_evolve_revalidates() -> None:
    with pytest.raises(InvalidInput):
        attrs.evolve(sample_household().parents[0], death_date=D(1900, 1, 1))


# geography -------------------------------------------------------------------------------


def test_sample_county() -> None:
    county = sample_county()
    assert county.village("371121100201").name == "洪凝1村"
    with pytest.raises(UnknownName):
        county.village("371121999999")
    with pytest.raises(KeyError):
        county.township_of("nowhere")


def test_geography_problems() -> None:
    error = problems_of(
        lambda: Township(
            code="371121100",
            name="洪凝镇",
            villages=(
                Village(code="371121100201", name="一村"),
                Village(code="371121100201", name="二村"),
                Village(code="371121101201", name=""),
            ),
        )
    )
    assert paths(error) == ["villages[1].code", "villages[2].code", "villages[2].name"]
    township = Township(code="371122100", name="洪凝镇")
    error = problems_of(lambda: County(code="371121", name="五莲县", townships=(township,)))
    assert paths(error) == ["townships[0].code"]
    error = problems_of(lambda: County(code="37112", name="", townships=("x",)))
    assert paths(error) == ["code", "name", "townships[0]"]


# personal data never leaks through repr or str -------------------------------------------


def _assert_masked(text: str, people: list[Person] | list[Child]) -> None:
    for someone in people:
        assert someone.name not in text
        assert mask_name(someone.name) in text
        if someone.resident_id is not None:
            assert someone.resident_id not in text


@HEAVY
@given(fst.persons(), fst.children())
def test_repr_of_persons_and_children_masks(p: Person, c: Child) -> None:
    for text in (repr(p), str(p)):
        _assert_masked(text, [p])
        if p.resident_id is not None:
            assert mask_resident_id(p.resident_id) in text
    for text in (repr(c), str(c)):
        _assert_masked(text, [c])
    assert p.resident_id is None or len(p.resident_id) == 18  # full values stay as fields


@HEAVY
@given(fst.households(min_children=1))
def test_repr_of_households_masks(h: Household) -> None:
    for text in (repr(h), str(h)):
        _assert_masked(text, list(h.parents))
        _assert_masked(text, list(h.children))
