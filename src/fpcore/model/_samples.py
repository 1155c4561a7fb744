"""Small embedded data for examples, docs and the demo.

The township names are the county's as remembered (only 洪凝镇 is in our sources);
their codes and the village names are placeholders, not official division codes.
"""

from __future__ import annotations

import pendulum

from fpcore.model._enums import CertificateKind, Hukou, MarriageEnd, Sex
from fpcore.model._geography import County, Township, Village
from fpcore.model._household import (
    Certificate,
    Confirmation,
    Deposit,
    Household,
    Marriage,
    SecondChildQuota,
)
from fpcore.model._people import Child, Disability, HukouChange, Person, Residence
from fpcore.model._resident_id import make_resident_id
from fpcore.money import Money

COUNTY_CODE = "371121"
_TOWNSHIP_NAMES = (
    "洪凝镇",
    "街头镇",
    "潮河镇",
    "许孟镇",
    "于里镇",
    "汪湖镇",
    "叩官镇",
    "中至镇",
    "高泽镇",
    "松柏镇",
    "石场乡",
    "户部乡",
)


def sample_county(villages_per_township: int = 3) -> County:
    """An illustrative county of 12 townships (placeholder codes and village names).

    >>> county = sample_county()
    >>> len(county.townships), county.village_count
    (12, 36)
    """
    townships = []
    for t_index, name in enumerate(_TOWNSHIP_NAMES):
        code = f"{COUNTY_CODE}{100 + t_index:03d}"
        villages = tuple(
            Village(code=f"{code}{201 + v:03d}", name=f"{name[:2]}{v + 1}村")
            for v in range(villages_per_township)
        )
        townships.append(Township(code=code, name=name, villages=villages))
    return County(code=COUNTY_CODE, name="五莲县", townships=tuple(townships))


def sample_household() -> Household:
    """A rural couple with one son, an honour certificate and a waived second-child quota.

    >>> sample_household().household_id
    'HN-0001'
    """
    residence = Residence(township="371121100", village="371121100201")
    mother_birth = pendulum.Date(1970, 5, 1)
    father_birth = pendulum.Date(1968, 8, 8)
    return Household(
        household_id="HN-0001",
        village=residence.village,
        parents=(
            Person(
                resident_id=make_resident_id(COUNTY_CODE, mother_birth, 12, Sex.FEMALE),
                name="张秀娟",
                sex=Sex.FEMALE,
                birth_date=mother_birth,
                hukou=Hukou.RURAL,
                residence=residence,
            ),
            Person(
                resident_id=make_resident_id(COUNTY_CODE, father_birth, 3, Sex.MALE),
                name="王建国",
                sex=Sex.MALE,
                birth_date=father_birth,
                hukou=Hukou.RURAL,
                residence=residence,
            ),
        ),
        marriages=(Marriage(spouses=(0, 1), married=pendulum.Date(1997, 10, 1)),),
        children=(Child(name="王小明", sex=Sex.MALE, birth_date=pendulum.Date(1999, 5, 31)),),
        certificates=(
            Certificate(
                kind=CertificateKind.SERVICE_HANDBOOK,
                number="WL-SC-1998-0102",
                issued=pendulum.Date(1998, 9, 1),
            ),
            Certificate(
                kind=CertificateKind.HONOUR_CERTIFICATE,
                number="WL-DZ-2000-0315",
                issued=pendulum.Date(2000, 3, 15),
            ),
        ),
        second_child_quota=SecondChildQuota(
            granted=pendulum.Date(2004, 1, 10), waived=pendulum.Date(2004, 6, 1)
        ),
        deposits=(
            Deposit(
                amount=Money("500"),
                paid=pendulum.Date(1998, 6, 1),
                refunded=pendulum.Date(2008, 10, 20),
                receipt="BZJ-1998-0456",
            ),
        ),
    )


def sample_history() -> Household:
    """The sample household's life history, with more in it than a snapshot can hold.

    The father was widowed in 1993 from a first marriage; he and 张秀娟 married in 1997;
    she moved to urban hukou (农转非) in 2010; their son's disability certificate of
    grade 3 (2005) was replaced by one of grade 2 in 2009; the mother's eligibility
    for special assistance was confirmed in 2019.

    >>> h = sample_history()
    >>> h.parents[0].hukou_on(pendulum.Date(2009, 1, 1)).value, h.parents[0].hukou_on(
    ...     pendulum.Date(2011, 1, 1)).value
    ('rural', 'urban')
    >>> [d.grade for d in h.children[0].disabilities]
    [3, 2]
    """
    base = sample_household()
    mother, father = base.parents
    son = base.children[0]
    return Household(
        household_id=base.household_id,
        village=base.village,
        parents=(
            Person(
                resident_id=mother.resident_id,
                name=mother.name,
                sex=mother.sex,
                birth_date=mother.birth_date,
                hukou=Hukou.RURAL,
                residence=mother.residence,
                hukou_changes=(
                    HukouChange(on=pendulum.Date(2010, 6, 1), hukou=Hukou.URBAN, reason="农转非"),
                ),
            ),
            father,
        ),
        marriages=(
            Marriage(
                spouses=(1,),
                married=pendulum.Date(1990, 3, 1),
                ended=pendulum.Date(1993, 7, 1),
                end=MarriageEnd.DEATH,
            ),
            *base.marriages,
        ),
        children=(
            Child(
                name=son.name,
                sex=son.sex,
                birth_date=son.birth_date,
                disabilities=(
                    Disability(
                        grade=3,
                        issued=pendulum.Date(2005, 4, 1),
                        cancelled=pendulum.Date(2009, 9, 1),
                        certificate_number="37112119990531001X13",
                    ),
                    Disability(
                        grade=2,
                        issued=pendulum.Date(2009, 9, 1),
                        certificate_number="37112119990531001X12",
                    ),
                ),
            ),
        ),
        certificates=base.certificates,
        second_child_quota=base.second_child_quota,
        deposits=base.deposits,
        confirmations=(
            Confirmation(
                benefit="special_assistance",
                parent=0,
                confirmed=pendulum.Date(2019, 6, 20),
                reference="TF-2019-0031",
            ),
        ),
    )
