"""Rural reward assistance (农村部分计划生育家庭奖励扶助), per person per month.

Legal basis: 国办发〔2004〕21号 (national pilot from 2004; Shandong province-wide from
2006 under 鲁政办发〔2006〕22号). Each spouse is assessed separately. All four
national conditions must hold: both spouses rural; no out-of-policy birth from 1973
to 2001 (Shandong: since 1973); one living child, two daughters, or children who all
died; born on or after 1933-01-01 and aged 60 or over. Paid until death.

Amounts: an annual standard per person (600 from 2004, 720 from 2009, 960 from
2012), paid monthly as the annual amount / 12 (exact for every standard).

Conventions (settings): the year of the 60th birthday is paid from the birthday month
(``reward_assistance_age_start``); no back-pay before the local start date, which is
the rule's ``effective_from`` (national 2004-01-01, Shandong 2006-01-01); the
compliance window is the national 1973-2001 or Shandong's "since 1973"
(``reward_assistance_compliance_window``; the condition and its citation follow it);
each person is assessed on their own children (``reward_assistance_children``); hukou
is read month by month (a 农转非 conversion ends eligibility from its month).

Example:
    >>> RULE.id, RULE.entity, [c.code for c in RULE.conditions][:3]
    ('RA', 'person', ['ALIVE', 'BORN_FROM_1933', 'AGED_60'])
"""

from __future__ import annotations

import attrs
import pendulum

from fpcore.policies._facts import (
    PARENTS_RURAL,
    alive,
    birth_date,
    children_ever,
    living_children,
    living_daughters,
    month_turning_60,
    out_of_policy_births_1973_2001,
    out_of_policy_births_since_1973,
    own_children_ever,
    own_living_children,
    own_living_daughters,
    own_out_of_policy_births_1973_2001,
    own_out_of_policy_births_since_1973,
    year_turning_60,
)
from fpcore.rules import (
    Citation,
    Condition,
    Expr,
    Rule,
    Setting,
    any_of,
    month_index,
    param,
    setting,
    where,
)

__all__ = ["AGE_START", "CHILDREN_COUNTED", "COMPLIANCE_WINDOW", "RULE", "SHANDONG_RULE"]

GUOBANFA_2004_21 = Citation(
    document="国办发〔2004〕21号",
    article="关于开展对农村部分计划生育家庭实行奖励扶助制度试点工作的意见",
    issued_by="国务院办公厅",
    url="https://m.tftnews.com/news5911967",
)
CONDITIONS_AS_APPLIED = Citation(
    document="农村部分计划生育家庭奖励扶助对象条件 (Weihai, Xuanzhou, Qingyang)",
    article="本人及配偶均为农业户口; 1973年至2001年间没有违反计划生育法律法规; "
    "现存一个子女或两个女孩或子女死亡现无子女; 1933年1月1日以后出生, 年满60周岁",
    url="https://www.xuanzhou.gov.cn/OpennessContent/show/1595284.html",
)
SINCE_1973 = Citation(
    document="威海市 农村部分计划生育家庭奖励扶助对象条件 (鲁政办发〔2006〕22号 as applied)",
    article="1973年以来没有违反计划生育法律法规和政策规定生育; 1933年1月1日以后出生",
    url="http://lsbar.com:8000/law/104027",
)
LUZHENGBANFA_2006_22 = Citation(
    document="鲁政办发〔2006〕22号",
    article="在全省实行农村部分计划生育家庭奖励扶助制度",
    issued_by="山东省人民政府办公厅",
    url="http://lsbar.com:8000/law/104027",
)

AGE_START = Setting(
    name="reward_assistance_age_start",
    default="birthday_month",
    choices=("birthday_month", "whole_year", "next_year"),
    description="In the year of the 60th birthday: paid from the birthday month, "
    "for the whole year, or only from the next year",
)
COMPLIANCE_WINDOW = Setting(
    name="reward_assistance_compliance_window",
    default="1973-2001",
    choices=("1973-2001", "since-1973"),
    description="Years in which an out-of-policy birth disqualifies: the national "
    "1973-2001, or Shandong's 'since 1973'",
)

CHILDREN_COUNTED = Setting(
    name="reward_assistance_children",
    default="own",
    choices=("own", "couple"),
    description="Whose children decide a person's eligibility: the person's own (each "
    "spouse of a remarried couple in their own right), or both spouses' together",
)

_OWN = setting(CHILDREN_COUNTED.name) == "own"


def _children(own: Expr, couple: Expr) -> Expr:
    """The person's own children's count, or the couple's, by the setting."""
    return where(_OWN, own, couple)


_AGED_60 = Condition(
    code="AGED_60",
    evidence_zh="本人的居民身份证（无身份证的，户口簿）",
    evidence_en="the person's resident ID card (the household register without one)",
    missing_zh="本人未满60周岁",
    missing_en="not yet 60 years old",
    test=where(
        setting(AGE_START.name) == "birthday_month",
        month_index >= month_turning_60,
        where(
            setting(AGE_START.name) == "whole_year",
            month_index >= year_turning_60,
            month_index >= year_turning_60 + 12,
        ),
    ),
    en="aged 60 or over (from the month of the 60th birthday by default)",
    zh="年满60周岁",
)

_LIVING = _children(own_living_children, living_children)
_DAUGHTERS = _children(own_living_daughters, living_daughters)
_EVER = _children(own_children_ever, children_ever)

_CONDITIONS = (
    Condition(
        code="ALIVE",
        evidence_zh="户口簿或死亡证明",
        evidence_en="the household register or a death certificate",
        missing_zh="本人已亡故",
        missing_en="has died",
        test=alive,
        en="alive (paid until death)",
        zh="健在 (发放至亡故为止)",
    ),
    Condition(
        code="BORN_FROM_1933",
        evidence_zh="本人的居民身份证（无身份证的，户口簿）",
        evidence_en="the person's resident ID card (the household register without one)",
        missing_zh="本人1933年1月1日以前出生",
        missing_en="born before 1 January 1933",
        test=birth_date >= param("reward_assistance.born_from", "date"),
        en="born on or after 1933-01-01",
        zh="1933年1月1日以后出生",
    ),
    _AGED_60,
    Condition(
        code="RURAL_COUPLE",
        evidence_zh="本人及配偶的户口簿",
        evidence_en="the household registers of the person and the spouse",
        missing_zh="本人或配偶当月不是农业户口",
        missing_en="the person or the spouse does not hold a rural hukou this month",
        test=PARENTS_RURAL,
        en="the person and the spouse both hold rural hukou in the month",
        zh="本人及配偶均为农业户口 (按当月户口性质)",
    ),
    Condition(
        code="NO_OUT_OF_POLICY_BIRTH_1973_2001",
        evidence_zh="村（居）民委员会出具的生育情况证明",
        evidence_en="the village committee's statement of the births",
        missing_zh="1973年至2001年间有违反计划生育法律法规和政策规定生育的情形",
        missing_en="had a birth outside the family-planning rules between 1973 and 2001",
        test=_children(own_out_of_policy_births_1973_2001, out_of_policy_births_1973_2001) == 0,
        en="no birth in breach of family-planning rules from 1973 to 2001",
        zh="1973年至2001年间没有违反计划生育法律法规和政策规定生育",
        only_when={COMPLIANCE_WINDOW.name: "1973-2001"},
        citation=CONDITIONS_AS_APPLIED,
    ),
    Condition(
        code="NO_OUT_OF_POLICY_BIRTH_SINCE_1973",
        evidence_zh="村（居）民委员会出具的生育情况证明",
        evidence_en="the village committee's statement of the births",
        missing_zh="1973年以来有违反计划生育法律法规和政策规定生育的情形",
        missing_en="had a birth outside the family-planning rules since 1973",
        test=_children(own_out_of_policy_births_since_1973, out_of_policy_births_since_1973) == 0,
        en="no birth in breach of family-planning rules since 1973",
        zh="1973年以来没有违反计划生育法律法规和政策规定生育",
        only_when={COMPLIANCE_WINDOW.name: "since-1973"},
        citation=SINCE_1973,
    ),
    Condition(
        code="ONE_CHILD_TWO_GIRLS_OR_NONE_LEFT",
        evidence_zh="户口簿及子女的出生医学证明或死亡证明",
        evidence_en="the household register and the children's birth or death certificates",
        missing_zh="现存子女不是一个，也不是两个女孩，且并非子女死亡现无子女",
        missing_en="has living children other than one child or two girls",
        test=any_of(
            _LIVING == 1,
            (_LIVING == 2) & (_DAUGHTERS == 2),
            (_EVER >= 1) & (_LIVING == 0),
        ),
        en="one living child, or two daughters, or children who have all died",
        zh="现存一个子女或两个女孩或子女死亡现无子女",
    ),
)

RULE = Rule(
    id="RA",
    title_zh="农村部分计划生育家庭奖励扶助",
    title_en="Rural reward assistance for family-planning households",
    benefit="reward_assistance",
    entity="person",
    citations=(GUOBANFA_2004_21, CONDITIONS_AS_APPLIED),
    effective_from=pendulum.Date(2004, 1, 1),
    conditions=_CONDITIONS,
    outcome=param("reward_assistance.annual") / 12,
)
"""The national rule, in force from the national pilot (2004-01-01)."""

SHANDONG_RULE = attrs.evolve(
    RULE,
    citations=(GUOBANFA_2004_21, SINCE_1973, LUZHENGBANFA_2006_22),
    effective_from=pendulum.Date(2006, 1, 1),
)
"""Shandong's rule: the same conditions, paid from the provincial start (2006-01-01)."""
