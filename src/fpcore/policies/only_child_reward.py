"""Only-child parents' reward (独生子女父母奖励费), per couple per month.

Legal basis: Population and Family Planning Law (2001) Art. 27: couples who
voluntarily have only one child for life receive the honour certificate
(独生子女父母光荣证) and the reward under provincial rules; the 2015 text limits new
certificates to the one-child period and keeps existing holders' rewards.

Conventions (settings): paid from the certificate month through the month of the
child's 18th birthday (``only_child_reward_last_month``); the county doubles it for
couples who voluntarily waived a second-child quota, from the waiver month.

Example:
    >>> RULE.id, RULE.entity, RULE.benefit
    ('OCR', 'household', 'only_child_reward')
"""

from __future__ import annotations

import pendulum

from fpcore.policies._facts import (
    certificate_month,
    children_ever,
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
    "DOUBLE_FEE",
    "LAST_MONTH",
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
    document="五莲县人口和计划生育工作报告",
    article="自愿放弃二孩生育指标的79对夫妇享受双倍独生子女父母奖励费",
)

LAST_MONTH = Setting(
    name="only_child_reward_last_month",
    default="birthday_month",
    choices=("birthday_month", "month_before"),
    description="The last month paid: the month of the child's 18th birthday, or the month before",
)

_CERTIFICATE_HELD = Condition(
    code="HONOUR_CERTIFICATE_HELD",
    test=certificate_month <= month_index,
    en="the couple holds the only-child parents' honour certificate by this month",
    zh="已领取《独生子女父母光荣证》",
)
_ONLY_CHILD = Condition(
    code="ONLY_CHILD_LIVING",
    test=(living_children == 1) & (children_ever == 1),
    en="the couple has had one child for life, and the child is alive",
    zh="终身只生育 (收养) 一个子女且子女健在",
)
_ONE_CHILD_PERIOD = Condition(
    code="CHILD_BORN_IN_ONE_CHILD_PERIOD",
    test=living_child_birth < param("only_child_reward.certificate_cutoff", "date"),
    en="the only child was born before the end of the one-child period (2016-01-01)",
    zh="独生子女出生于国家提倡一对夫妻生育一个子女期间",
)
_UNDER_18 = Condition(
    code="CHILD_NOT_PAST_18",
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
    citations=(LAW_2001_ART_27, PROVINCIAL_ART_19),
    effective_from=pendulum.Date(2002, 9, 1),
    conditions=_CONDITIONS,
    outcome=param("only_child_reward.monthly"),
)
"""The reward at the base rate."""

DOUBLE_FEE = RuleException(
    label="second-child quota voluntarily waived: multiple of the fee",
    priority=1,
    when=waiver_month <= month_index,
    outcome=param("only_child_reward.monthly")
    * param("only_child_reward.waiver_multiplier", "int"),
)
"""The county's exception: from the waiver month, the fee times the waiver multiplier."""

RULE_WITH_DOUBLE_FEE = Rule(
    id="OCR",
    title_zh="独生子女父母奖励费",
    title_en="Only-child parents' reward",
    benefit="only_child_reward",
    entity="household",
    citations=(LAW_2001_ART_27, PROVINCIAL_ART_19, COUNTY_REPORT),
    effective_from=pendulum.Date(2002, 9, 1),
    conditions=_CONDITIONS,
    outcome=param("only_child_reward.monthly"),
    exceptions=(DOUBLE_FEE,),
)
"""The reward with the county's double fee for couples who waived a second-child quota."""
