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
(``special_assistance_start``); where the child dies or is certified disabled after
that, from the month eligibility is confirmed (``special_assistance_past_age_start``);
a reissued or regraded certificate is a new start; the recovery month and the month a
new child joins are not paid. Each person is assessed on their own children (remarried
spouses in their own right); after the woman's death a survivor already receiving
keeps receiving, a survivor not yet receiving is assessed on their own age.

Example:
    >>> RULE.id, sorted(e.label for e in RULE.exceptions)
    ('SA', ['only child deceased', 'only child disabled (grade 1-3)'])
"""

from __future__ import annotations

import pendulum

from fpcore.policies._facts import (
    RURAL_HUKOU,
    alive,
    earliest_parent_birth,
    is_woman,
    month_turning_49,
    own_child_disability_grade,
    own_child_disabled_since,
    own_children_ever,
    own_last_child_death,
    own_living_children,
    own_most_children_alive_together,
    own_out_of_policy_children,
    special_assistance_confirmed,
    woman_alive,
    woman_death_month,
    woman_turning_49,
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

__all__ = ["CONFIRMATION", "RULE", "START"]

SA_CONDITIONS = Citation(
    document="计划生育家庭特别扶助制度 扶助对象条件",
    article="夫妻双方1933年1月1日以后出生; 女方年满49周岁; 只生育或合法收养一个子女; "
    "现无存活子女或独生子女被依法鉴定为残疾 (三级以上); 未再生育或合法收养子女",
    url="https://jendow.com.tw/wiki/%E8%A8%88%E7%95%AB%E7%94%9F%E8%82%B2%E5%AE%B6%E5%BA%AD%E7%89%B9%E5%88%A5%E6%89%B6%E5%8A%A9",
)
SA_START_STOP = Citation(
    document="国家人口计生委 关于进一步完善特别扶助对象条件的通知",
    article="女方年满49周岁时开始发放, 女方已超过49周岁的, 从其扶助资格被确认时起发放; "
    "以个人为单位发放; 再生育或合法收养子女、子女康复时停止发放; 再婚夫妇按个人认定",
    url="http://www.zyruipu.com/contents/78/13940.html",
)

START = Setting(
    name="special_assistance_start",
    default="birthday_month",
    choices=("birthday_month", "next_month"),
    description="Paid from the month of the woman's 49th birthday, or from the next month",
)
CONFIRMATION = Setting(
    name="special_assistance_past_age_start",
    default="confirmation",
    choices=("confirmation", "qualifying_event"),
    description="When the child dies or is certified disabled after the starting age: paid "
    "from the month eligibility is confirmed (资格确认, domain.md 3.2), or from the event",
)

_LIVING = own_living_children
# no certificate in force is a known "not disabled" (the law asks for a certificate:
# 被依法鉴定为残疾), not an unknown grade
_DISABLED = ~own_child_disability_grade.is_missing() & (
    own_child_disability_grade <= param("special_assistance.max_disability_grade", "int")
)
# the month the current qualifying spell began: the last own child's death, or the issue
# of the disability certificate in force (a reissue or regrade is a new start)
_QUALIFYING_SINCE = where(_LIVING == 0, own_last_child_death, own_child_disabled_since)
# whose 49th birthday starts the payment: the woman's while she lives; after her death,
# hers still for a survivor already receiving at her death (she had turned 49 and the
# child had died or been certified), else the survivor's own as a single parent
_SURVIVOR_KEEPS = (woman_turning_49 <= woman_death_month) & (woman_death_month >= _QUALIFYING_SINCE)
_REFERENCE_49 = where(
    is_woman | woman_turning_49.is_missing(),
    month_turning_49,
    where(woman_alive | _SURVIVOR_KEEPS, woman_turning_49, month_turning_49),
)

RULE = Rule(
    id="SA",
    title_zh="计划生育家庭特别扶助",
    title_en="Special assistance for family-planning households",
    benefit="special_assistance",
    entity="person",
    citations=(SA_CONDITIONS, SA_START_STOP),
    effective_from=pendulum.Date(2008, 1, 1),
    conditions=(
        Condition(
            code="ALIVE",
            evidence_zh="户口簿或死亡证明",
            evidence_en="the household register or a death certificate",
            missing_zh="本人已亡故",
            missing_en="has died",
            test=alive,
            en="alive (paid until death)",
            zh="健在",
        ),
        Condition(
            code="PARENTS_BORN_FROM_1933",
            evidence_zh="夫妻双方的居民身份证（无身份证的，户口簿）",
            evidence_en="both spouses' resident ID cards (the household register without one)",
            missing_zh="夫妻一方1933年1月1日以前出生",
            missing_en="one of the couple was born before 1 January 1933",
            test=earliest_parent_birth >= param("special_assistance.born_from", "date"),
            en="both spouses born on or after 1933-01-01",
            zh="夫妻双方1933年1月1日以后出生",
        ),
        Condition(
            code="WOMAN_AGED_49",
            evidence_zh="女方的居民身份证（无身份证的，户口簿）",
            evidence_en="the woman's resident ID card (the household register without one)",
            missing_zh="女方未满49周岁（单亲或配偶亡故的，本人未满49周岁）",
            missing_en="the woman is not yet 49 (a single or widowed parent: not yet 49 themself)",
            test=where(
                setting(START.name) == "birthday_month",
                month_index >= _REFERENCE_49,
                month_index > _REFERENCE_49,
            ),
            en="the woman is aged 49 or over (a single parent, or a survivor not yet "
            "receiving at the woman's death: that parent)",
            zh="女方年满49周岁 (单亲或配偶亡故时尚未享受的, 本人年满49周岁)",
        ),
        Condition(
            code="ONE_CHILD",
            evidence_zh="户口簿及子女的出生医学证明（或收养登记证）",
            evidence_en="the household register and the children's birth certificates (or"
            " adoption registration)",
            missing_zh="生育或合法收养的子女不止一个",
            missing_en="has had or adopted more than one child",
            test=(own_children_ever >= 1)
            & ((own_most_children_alive_together <= 1) | (own_out_of_policy_children == 0)),
            en="had one child by birth or adoption: never two alive at once, or more "
            "than one only by lawful birth or adoption with one surviving (the person's "
            "own children: remarried spouses are assessed each in their own right)",
            zh="本人只生育或合法收养一个子女 "
            "(含依法生育或收养多个子女后现存一个; 再婚夫妇按个人认定)",
        ),
        Condition(
            code="CHILD_DECEASED_OR_DISABLED",
            evidence_zh="独生子女的死亡证明，或伤残等级为三级以上的《中华人民共和国残疾人证》",
            evidence_en="the only child's death certificate, or the disability certificate of the"
            " China Disabled Persons' Federation at grade 1 to 3",
            missing_zh="尚有存活子女，且独生子女未被认定为三级以上伤残",
            missing_en="a child is alive and the only child is not certified disabled "
            "(grade 1 to 3)",
            test=(_LIVING == 0) | ((_LIVING == 1) & _DISABLED),
            en="no surviving child, or the only child disabled at grade 1-3",
            zh="现无存活子女或独生子女伤残 (三级以上)",
        ),
        Condition(
            code="ELIGIBILITY_CONFIRMED",
            evidence_zh="县人口和计划生育局对扶助资格的确认",
            evidence_en="the county bureau's confirmation of eligibility",
            missing_zh="女方已超过49周岁，扶助资格尚未确认",
            missing_en="the woman was already past 49 and eligibility has not been confirmed yet",
            test=where(
                setting(CONFIRMATION.name) == "confirmation",
                _QUALIFYING_SINCE.is_missing()
                | (_QUALIFYING_SINCE <= _REFERENCE_49)
                | (special_assistance_confirmed >= _QUALIFYING_SINCE),
                True,
            ),
            en="eligibility confirmed, where the child died or was certified disabled after "
            "the starting age (paid from the month of confirmation)",
            zh="女方已超过49周岁的, 扶助资格已经确认 (自确认之月起发放)",
        ),
    ),
    exceptions=(
        RuleException(
            label="only child deceased",
            zh="独生子女死亡",
            en="the only child died",
            when=_LIVING == 0,
            outcome=where(
                RURAL_HUKOU,
                param("special_assistance.death.rural"),
                param("special_assistance.death.urban"),
            ),
        ),
        RuleException(
            label="only child disabled (grade 1-3)",
            zh="独生子女伤残（三级以上）",
            en="the only child is disabled (grade 1 to 3)",
            when=(_LIVING == 1) & _DISABLED,
            outcome=where(
                RURAL_HUKOU,
                param("special_assistance.disability.rural"),
                param("special_assistance.disability.urban"),
            ),
        ),
    ),
)
"""The special-assistance rule; the amount follows the beneficiary's own hukou in the month."""
