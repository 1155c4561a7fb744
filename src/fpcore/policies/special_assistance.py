"""Special assistance (计划生育家庭特别扶助), per person per month.

Legal basis: the national special-assistance scheme (from 2008; 国人口发〔2007〕78号
is recalled for the pilot, unconfirmed). All must hold: both spouses born on or
after 1933-01-01; the woman (or the single parent) aged 49 or over; one child by
birth or lawful adoption (never two alive at once counts as one); now no surviving
child, or the only child disabled at grade 1-3 with a certificate; no later birth or
adoption (a later child joining ends it from its month). Paid per person until death,
or until the child recovers.

Amounts per person per month: 100 (death) / 80 (disability) from 2008; 135 / 110
from 2012; from 2014 by the beneficiary's own hukou, urban 340 / 270 and rural
170 / 150; Shandong 2017: 500 / 400.

Conventions (settings): paid from the month of the woman's 49th birthday
(``special_assistance_start``); the recovery month and the month a new child joins
are not paid.

Example:
    >>> RULE.id, sorted(e.label for e in RULE.exceptions)
    ('SA', ['only child deceased', 'only child disabled (grade 1-3)'])
"""

from __future__ import annotations

import pendulum

from fpcore.policies._facts import (
    alive,
    children_ever,
    earliest_parent_birth,
    living_child_disability_grade,
    living_children,
    month_living_parent_turns_49,
    month_living_woman_turns_49,
    most_children_alive_together,
    out_of_policy_children,
    rural_hukou,
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

__all__ = ["RULE", "START"]

SA_CONDITIONS = Citation(
    document="计划生育家庭特别扶助制度 扶助对象条件",
    article="夫妻双方1933年1月1日以后出生; 女方年满49周岁; 只生育或合法收养一个子女; "
    "现无存活子女或独生子女被依法鉴定为残疾 (三级以上); 未再生育或合法收养子女",
    url="https://jendow.com.tw/wiki/%E8%A8%88%E7%95%AB%E7%94%9F%E8%82%B2%E5%AE%B6%E5%BA%AD%E7%89%B9%E5%88%A5%E6%89%B6%E5%8A%A9",
)
SA_START_STOP = Citation(
    document="国家人口计生委 关于进一步完善特别扶助对象条件的通知",
    article="女方年满49周岁时开始发放; 再生育或合法收养子女、子女康复时停止发放",
    url="http://www.zyruipu.com/contents/78/13940.html",
)

START = Setting(
    name="special_assistance_start",
    default="birthday_month",
    choices=("birthday_month", "next_month"),
    description="Paid from the month of the woman's 49th birthday, or from the next month",
)

# the woman's 49th birthday while she lives; after her death, the single parent's
_REFERENCE_49 = where(
    month_living_woman_turns_49.is_missing(),
    month_living_parent_turns_49,
    month_living_woman_turns_49,
)
_DISABLED = living_child_disability_grade <= param("special_assistance.max_disability_grade", "int")

RULE = Rule(
    id="SA",
    title_zh="计划生育家庭特别扶助",
    title_en="Special assistance for family-planning households",
    benefit="special_assistance",
    entity="person",
    citations=(SA_CONDITIONS, SA_START_STOP),
    effective_from=pendulum.Date(2008, 1, 1),
    conditions=(
        Condition(code="ALIVE", test=alive, en="alive (paid until death)", zh="健在"),
        Condition(
            code="PARENTS_BORN_FROM_1933",
            test=earliest_parent_birth >= param("special_assistance.born_from", "date"),
            en="both spouses born on or after 1933-01-01",
            zh="夫妻双方1933年1月1日以后出生",
        ),
        Condition(
            code="WOMAN_AGED_49",
            test=where(
                setting(START.name) == "birthday_month",
                month_index >= _REFERENCE_49,
                month_index > _REFERENCE_49,
            ),
            en="the woman (or the single parent) is aged 49 or over",
            zh="女方 (或单亲一方) 年满49周岁",
        ),
        Condition(
            code="ONE_CHILD",
            test=(children_ever >= 1)
            & ((most_children_alive_together <= 1) | (out_of_policy_children == 0)),
            en="had one child by birth or adoption: never two alive at once, or more "
            "than one only by lawful birth or adoption with one surviving",
            zh="只生育或合法收养一个子女 (含依法生育或收养多个子女后现存一个)",
        ),
        Condition(
            code="CHILD_DECEASED_OR_DISABLED",
            test=(living_children == 0) | ((living_children == 1) & _DISABLED),
            en="no surviving child, or the only child disabled at grade 1-3",
            zh="现无存活子女或独生子女伤残 (三级以上)",
        ),
    ),
    exceptions=(
        RuleException(
            label="only child deceased",
            when=living_children == 0,
            outcome=where(
                rural_hukou,
                param("special_assistance.death.rural"),
                param("special_assistance.death.urban"),
            ),
        ),
        RuleException(
            label="only child disabled (grade 1-3)",
            when=(living_children == 1) & _DISABLED,
            outcome=where(
                rural_hukou,
                param("special_assistance.disability.rural"),
                param("special_assistance.disability.urban"),
            ),
        ),
    ),
)
"""The special-assistance rule; the amount follows the beneficiary's own hukou."""
