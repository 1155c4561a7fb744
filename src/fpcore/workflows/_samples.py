"""Small embedded examples for the workflows' docs and tests."""

from __future__ import annotations

import pendulum

from fpcore.model import (
    Child,
    Household,
    Hukou,
    Marriage,
    Person,
    Residence,
    Sex,
    make_resident_id,
)


def sample_applicant() -> Household:
    """A rural couple in 洪凝镇 whose only son died in 2003: a special-assistance case.

    The mother turned 49 in 2005, so the rules give her special assistance
    (计划生育家庭特别扶助) from the scheme's start in 2008.

    Example:
        >>> h = sample_applicant()
        >>> h.household_id, h.mother.name, h.children[0].death_date
        ('HN-0107', '李桂英', Date(2003, 7, 1))
    """
    residence = Residence(township="371121100", village="371121100202")
    mother_birth = pendulum.Date(1956, 4, 12)
    father_birth = pendulum.Date(1953, 11, 2)
    return Household(
        household_id="HN-0107",
        village=residence.village,
        parents=(
            Person(
                resident_id=make_resident_id("371121", mother_birth, 34, Sex.FEMALE),
                name="李桂英",
                sex=Sex.FEMALE,
                birth_date=mother_birth,
                hukou=Hukou.RURAL,
                residence=residence,
            ),
            Person(
                resident_id=make_resident_id("371121", father_birth, 21, Sex.MALE),
                name="赵德明",
                sex=Sex.MALE,
                birth_date=father_birth,
                hukou=Hukou.RURAL,
                residence=residence,
            ),
        ),
        marriages=(Marriage(spouses=(0, 1), married=pendulum.Date(1978, 1, 10)),),
        children=(
            Child(
                name="赵小军",
                sex=Sex.MALE,
                birth_date=pendulum.Date(1980, 9, 5),
                death_date=pendulum.Date(2003, 7, 1),
            ),
        ),
    )
