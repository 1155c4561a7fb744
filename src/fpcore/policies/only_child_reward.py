"""Only-child parents' reward (独生子女父母奖励费), per couple per month.

Legal basis: Population and Family Planning Law (2001) Art. 27: couples who
voluntarily have only one child for life receive the honour certificate
(独生子女父母光荣证) and the reward under provincial rules; the 2015 text limits new
certificates to the one-child period and keeps existing holders' rewards.

Conventions (settings): paid from the certificate month through the month of the
child's 18th birthday (``only_child_reward_last_month``), while the certificate is held
(not returned); the 2016-01-01 cut-off is keyed on the child's birth
(``only_child_certificate_cutoff_basis``); the county doubles it for couples who
voluntarily waived a second-child quota, from the waiver month, rural couples by
default (``only_child_double_fee_couples``). An only-child family has a child and never
child for life, ever (:data:`ONE_CHILD_FOR_LIFE`, the certificate desk's test too).

Example:
    >>> RULE.id, RULE.entity, RULE.benefit
    ('OCR', 'household', 'only_child_reward')
"""

from __future__ import annotations

import pendulum

from fpcore.policies._facts import (
    PARENTS_RURAL,
    children_ever,
    honour_certificate_held,
    honour_certificate_issued,
    living_child_birth,
    living_children,
    living_parents,
    month_child_turns_18,
    waiver_month,
)
from fpcore.rules import (
    Citation,
    Condition,
    Rule,
    RuleException,
    Setting,
    month_index,
    param,
    setting,
    where,
)

__all__ = [
    "CUTOFF_BASIS",
    "DOUBLE_FEE",
    "DOUBLE_FEE_COUPLES",
    "LAST_MONTH",
    "ONE_CHILD_FOR_LIFE",
    "RULE",
    "RULE_WITH_DOUBLE_FEE",
]

LAW_2001_ART_27 = Citation(
    document="中华人民共和国人口与计划生育法 (2001)",
    article="第二十七条",
    issued_by="全国人民代表大会常务委员会",
)
PROVINCIAL_ART_19 = Citation(
    document="某省人口与计划生育条例 (province not named; not confirmed for Shandong)",
    article="第十九条: 奖励费自领取《独生子女父母光荣证》之月起发至其独生子女满十八周岁止",
    url="http://uianet.net/dictionary/b6972920.html",
)
COUNTY_REPORT = Citation(
    document="《计生委作风建设的计划》 (the county family-planning commission's work plan; "
    "county name withheld)",
    confidence="report",
    article="兑现农村独生子女父母奖励费; 自愿放弃二孩生育指标的79对夫妇享受双倍独生子女父母奖励费",
)
LAW_2015_ART_27 = Citation(
    document="中华人民共和国人口与计划生育法 (2015年修正, 2016-01-01施行)",
    article="第二十七条: 在国家提倡一对夫妻生育一个子女期间, 自愿终身只生育一个子女的夫妻, "
    "国家发给《独生子女父母光荣证》",
    issued_by="全国人民代表大会常务委员会",
)

LAST_MONTH = Setting(
    name="only_child_reward_last_month",
    default="birthday_month",
    choices=("birthday_month", "month_before"),
    description="The last month paid: the month of the child's 18th birthday, or the month before",
)

CUTOFF_BASIS = Setting(
    name="only_child_certificate_cutoff_basis",
    default="child_birth",
    choices=("child_birth", "certificate_issue"),
    description="What the end of the one-child period (2016-01-01) is compared with: the "
    "only child's birth (a certificate issued later for a child born before is honoured), "
    "or the certificate's issue date",
)
DOUBLE_FEE_COUPLES = Setting(
    name="only_child_double_fee_couples",
    default="rural",
    choices=("rural", "all"),
    description="Who gets the double fee for a waived second-child quota: rural couples "
    "(the report grants it with the rural only-child fee), or every couple",
)

ONE_CHILD_FOR_LIFE = children_ever == 1
"""The one fact that decides an only-child family (自愿终身只生育一个子女), for the reward
and the certificate desk alike: exactly one child born or adopted, ever (twins are two;
a child born after the only child's death is a second child)."""

_CERTIFICATE_HELD = Condition(
    code="HONOUR_CERTIFICATE_HELD",
    evidence_zh="《独生子女父母光荣证》",
    evidence_en="the only-child parents' honour certificate",
    missing_zh="未持有《独生子女父母光荣证》（未领取或已收回）",
    missing_en="the couple does not hold the only-child parents' honour certificate this "
    "month (not issued, or returned)",
    test=honour_certificate_held,
    en="the couple holds the only-child parents' honour certificate this month "
    "(issued, not returned)",
    zh="持有《独生子女父母光荣证》(已领取且未收回)",
)
_ONLY_CHILD = Condition(
    code="ONLY_CHILD_LIVING",
    evidence_zh="户口簿及子女的出生医学证明（或收养登记证）",
    evidence_en="the household register and the children's birth certificates (or adoption"
    " registration)",
    missing_zh="不是终身只生育（收养）一个子女，或者子女已不在世",
    missing_en="the couple has not had exactly one child for life, or the child is no longer alive",
    test=(living_children == 1) & ONE_CHILD_FOR_LIFE,
    en="the couple has had one child for life, and the child is alive",
    zh="终身只生育 (收养) 一个子女且子女健在",
)
_CUTOFF = param("only_child_reward.certificate_cutoff", "date")
_ONE_CHILD_PERIOD = Condition(
    code="CHILD_BORN_IN_ONE_CHILD_PERIOD",
    evidence_zh="独生子女的出生医学证明或户口簿",
    evidence_en="the only child's birth certificate or household register entry",
    missing_zh="独生子女出生于国家提倡一对夫妻生育一个子女期间结束之后",
    missing_en="the only child was born after the one-child period ended (2016-01-01)",
    test=where(
        setting(CUTOFF_BASIS.name) == "child_birth",
        living_child_birth < _CUTOFF,
        honour_certificate_issued < _CUTOFF,
    ),
    en="the only child was born (or, by setting, the certificate issued) before the end "
    "of the one-child period (2016-01-01)",
    zh="独生子女出生于国家提倡一对夫妻生育一个子女期间",
)
_UNDER_18 = Condition(
    code="CHILD_NOT_PAST_18",
    evidence_zh="独生子女的出生医学证明或户口簿",
    evidence_en="the only child's birth certificate or household register entry",
    missing_zh="独生子女已满十八周岁",
    missing_en="the only child has passed the month of the 18th birthday",
    test=where(
        setting(LAST_MONTH.name) == "birthday_month",
        month_index <= month_child_turns_18,
        month_index < month_child_turns_18,
    ),
    en="the only child has not passed the month of the 18th birthday",
    zh="独生子女未满十八周岁",
)
_PARENT_ALIVE = Condition(
    code="PARENT_ALIVE",
    evidence_zh="户口簿或死亡证明",
    evidence_en="the household register or a death certificate",
    missing_zh="父母双方均已亡故",
    missing_en="both parents have died",
    test=living_parents >= 1,
    en="at least one parent is alive",
    zh="父母至少一方健在",
)

_CONDITIONS = (_CERTIFICATE_HELD, _ONLY_CHILD, _ONE_CHILD_PERIOD, _UNDER_18, _PARENT_ALIVE)

RULE = Rule(
    id="OCR",
    title_zh="独生子女父母奖励费",
    title_en="Only-child parents' reward",
    benefit="only_child_reward",
    entity="household",
    citations=(LAW_2001_ART_27, LAW_2015_ART_27, PROVINCIAL_ART_19),
    effective_from=pendulum.Date(2002, 9, 1),
    conditions=_CONDITIONS,
    outcome=param("only_child_reward.monthly"),
)
"""The reward at the base rate."""

DOUBLE_FEE = RuleException(
    label="second-child quota voluntarily waived: multiple of the fee",
    zh="自愿放弃第二个子女生育指标，按倍数发放",
    en="second-child quota voluntarily waived: a multiple of the fee",
    priority=1,
    when=(waiver_month <= month_index)
    & ((setting(DOUBLE_FEE_COUPLES.name) == "all") | PARENTS_RURAL),
    citation=COUNTY_REPORT,
    outcome=param("only_child_reward.monthly")
    * param("only_child_reward.waiver_multiplier", "int"),
)
"""The county's exception: from the waiver month, the fee times the waiver multiplier,
for rural couples (by default: the report grants it with the rural fee)."""

RULE_WITH_DOUBLE_FEE = Rule(
    id="OCR",
    title_zh="独生子女父母奖励费",
    title_en="Only-child parents' reward",
    benefit="only_child_reward",
    entity="household",
    citations=(LAW_2001_ART_27, LAW_2015_ART_27, PROVINCIAL_ART_19, COUNTY_REPORT),
    effective_from=pendulum.Date(2002, 9, 1),
    conditions=_CONDITIONS,
    outcome=param("only_child_reward.monthly"),
    exceptions=(DOUBLE_FEE,),
)
"""The reward with the county's double fee for couples who waived a second-child quota."""
