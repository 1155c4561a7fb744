"""Birth policy by law version: how many children a couple may have on a date, whether
a birth was within policy, and whether the social maintenance fee (社会抚养费) applies.

Law versions (Population and Family Planning Law, 人口与计划生育法):

- ``LAW-2001``, in force 2002-09-01: one child per couple is advocated (Art. 18);
  a further child needs the conditions of provincial rules, shown here by a birth
  permit (生育证) issued before the birth. Out-of-policy births pay the social
  maintenance fee (Art. 41).
- ``LAW-2015``, in force 2016-01-01: two children per couple (Art. 18).
- ``LAW-2021``, in force 2021-08-20: three children per couple (Art. 18); old
  Arts. 41-42 deleted, which abolished the social maintenance fee.

Example:
    >>> import pendulum
    >>> law_in_force(pendulum.Date(2021, 8, 20)).children_allowed
    3
    >>> law_in_force(pendulum.Date(2021, 8, 19)).social_maintenance_fee
    True
"""

from __future__ import annotations

import attrs
import pendulum

from fpcore.errors import InvalidInput
from fpcore.model import CertificateKind, Household
from fpcore.rules import Citation

__all__ = ["LAW_VERSIONS", "BirthAssessment", "LawVersion", "assess_birth", "law_in_force"]


@attrs.frozen(kw_only=True)
class LawVersion:
    """One text of the national law, with what it says about births."""

    id: str
    in_force_from: pendulum.Date
    children_allowed: int
    social_maintenance_fee: bool
    citation: Citation


LAW_VERSIONS: tuple[LawVersion, ...] = (
    LawVersion(
        id="LAW-2001",
        in_force_from=pendulum.Date(2002, 9, 1),
        children_allowed=1,
        social_maintenance_fee=True,
        citation=Citation(
            document="中华人民共和国人口与计划生育法 (2001)",
            article="第十八条 (提倡一对夫妻生育一个子女; "
            "符合法律、法规规定条件的, 可以要求安排生育第二个子女); 第四十一条 (社会抚养费)",
            issued_by="全国人民代表大会常务委员会",
        ),
    ),
    LawVersion(
        id="LAW-2015",
        in_force_from=pendulum.Date(2016, 1, 1),
        children_allowed=2,
        social_maintenance_fee=True,
        citation=Citation(
            document="中华人民共和国人口与计划生育法 (2015年修正)",
            article="第十八条 (国家提倡一对夫妻生育两个子女)",
            issued_by="全国人民代表大会常务委员会",
        ),
    ),
    LawVersion(
        id="LAW-2021",
        in_force_from=pendulum.Date(2021, 8, 20),
        children_allowed=3,
        social_maintenance_fee=False,
        citation=Citation(
            document="中华人民共和国人口与计划生育法 (2021年修正)",
            article="第十八条 (一对夫妻可以生育三个子女); "
            "原第四十一条、第四十二条删除 (取消社会抚养费)",
            issued_by="全国人民代表大会常务委员会",
            url="https://www.loc.gov/item/global-legal-monitor/2021-09-23/",
        ),
    ),
)


def law_in_force(on: pendulum.Date) -> LawVersion:
    """The law version in force on a day.

    Raises:
        InvalidInput: the day is before the 2001 law took effect (2002-09-01).
    """
    in_force = [law for law in LAW_VERSIONS if law.in_force_from <= on]
    if not in_force:
        raise InvalidInput(
            f"{on} is before the Population and Family Planning Law took effect (2002-09-01)",
            path="on",
        )
    return in_force[-1]


@attrs.frozen(kw_only=True)
class BirthAssessment:
    """Whether one birth of a household was within policy, and why."""

    child_index: int
    birth_order: int
    law: LawVersion
    within_policy: bool
    social_maintenance_fee_applies: bool
    reason: str


def assess_birth(household: Household, child_index: int) -> BirthAssessment:
    """Assess the birth of ``household.children[child_index]`` under the law of its date.

    The birth order counts deliveries (:meth:`~fpcore.model.Household.delivery_order`):
    twins or more born on one day are one delivery, so twins at a first delivery are a
    lawful first birth (domain.md 9); adopted children are not births. Under the 2001 law
    a birth beyond the first is within policy when a birth permit (生育证) was issued
    before it.

    Raises:
        InvalidInput: no such child, the child was adopted, or born before 2002-09-01.

    Example:
        >>> from fpcore.model import sample_household
        >>> assess_birth(sample_household(), 0)
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          on: 1999-05-31 is before the Population and Family Planning Law took effect (2002-09-01)
    """
    if not 0 <= child_index < len(household.children):
        raise InvalidInput(f"no child at index {child_index}", path=f"children[{child_index}]")
    child = household.children[child_index]
    if child.adoption_date is not None:
        raise InvalidInput("an adopted child is not a birth", path=f"children[{child_index}]")
    law = law_in_force(child.birth_date)
    order = household.delivery_order(child_index)
    permit = household.certificate(CertificateKind.BIRTH_PERMIT)
    if order <= law.children_allowed:
        within, reason = True, f"birth {order} of at most {law.children_allowed} under {law.id}"
    elif permit is not None and permit.issued <= child.birth_date and order == 2:
        within, reason = True, f"second birth with a birth permit issued {permit.issued}"
    else:
        within, reason = False, f"birth {order} exceeds {law.children_allowed} under {law.id}"
    return BirthAssessment(
        child_index=child_index,
        birth_order=order,
        law=law,
        within_policy=within,
        social_maintenance_fee_applies=not within and law.social_maintenance_fee,
        reason=reason,
    )
