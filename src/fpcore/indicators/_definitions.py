"""The catalogue of indicator definitions, each with its formula, denominator and source.

Sources are those of the project's domain research (section 5, "Indicators:
definitions and denominators"); where only a convention exists it says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from fpcore.errors import UnknownName
from fpcore.indicators._result import Definition, Unit

_DEMOGRAPHY = "人口统计公式, https://wddqxz.cn/d2c59bc3bb4cf7ec4afed0f8.html"

_ALL = (
    Definition(
        key="crude_birth_rate",
        name="crude birth rate",
        chinese="人口出生率",
        formula="live births in the period / average population x 1000",
        denominator="average population ((start + end) / 2, or mid-year)",
        unit=Unit.PER_MILLE,
        source=f"{_DEMOGRAPHY}; 出生人数指活产婴儿 (live births only)",
    ),
    Definition(
        key="crude_death_rate",
        name="crude death rate",
        chinese="死亡率",
        formula="deaths in the period / average population x 1000",
        denominator="average population ((start + end) / 2, or mid-year)",
        unit=Unit.PER_MILLE,
        source=_DEMOGRAPHY,
    ),
    Definition(
        key="natural_growth_rate",
        name="natural growth rate",
        chinese="人口自然增长率",
        formula="(live births - deaths) / average population x 1000, from unrounded counts",
        denominator="average population ((start + end) / 2, or mid-year)",
        unit=Unit.PER_MILLE,
        source=f"{_DEMOGRAPHY}; shuxueji.com/w/14687",
        signed=True,
    ),
    Definition(
        key="general_fertility_rate",
        name="general fertility rate",
        chinese="一般生育率",
        formula="live births / average number of women aged 15-49 x 1000",
        denominator="average number of women of childbearing age (15-49)",
        unit=Unit.PER_MILLE,
        source="qjyouth.com/ci/12/120002.html; cankaowang.com",
    ),
    Definition(
        key="age_specific_fertility_rate",
        name="age-specific fertility rate",
        chinese="年龄别生育率",
        formula="live births to mothers of the age group / average women of the group x 1000",
        denominator="average number of women of the age group (mother's age at the birth)",
        unit=Unit.PER_MILLE,
        source=(
            "statistics bureau explainer, "
            "http://pgelectron.net/bmzz/tjj/xxgk/qt/ywzs/content/post_11941938.html"
        ),
    ),
    Definition(
        key="total_fertility_rate",
        name="total fertility rate",
        chinese="总和生育率",
        formula="sum over ages 15-49 of the age-specific rates per woman x group width",
        denominator="(a sum of rates: no single denominator; areas do not add)",
        unit=Unit.CHILDREN_PER_WOMAN,
        source=(
            "statistics bureau explainer, "
            "http://pgelectron.net/bmzz/tjj/xxgk/qt/ywzs/content/post_11941938.html"
        ),
        additive=False,
    ),
    Definition(
        key="sex_ratio_at_birth",
        name="sex ratio at birth",
        chinese="出生人口性别比",
        formula="male live births / female live births x 100",
        denominator="female live births",
        unit=Unit.PER_100_GIRLS,
        source=(
            "township report (196 boys / 185 girls = 105.95:100), "
            "http://www.oh100.com/a/201806/1434259.html"
        ),
    ),
    Definition(
        key="planned_birth_rate",
        name="planned-birth rate",
        chinese="计划生育率 / 生育政策符合率",
        formula="births meeting the family-planning policy / all births x 100",
        denominator="all live births in the period",
        unit=Unit.PERCENT,
        source=(
            "《简明经济百科辞典》 (山东人民出版社) p.269, "
            "https://suinian.com/book/1441/481059.html; "
            "wddqxz.cn (生育政策符合率)"
        ),
        proportion=True,
    ),
    Definition(
        key="second_child_compliance_rate",
        name="second-child policy compliance rate",
        chinese="二孩生育政策符合率",
        formula="policy-compliant second births / all second births x 100",
        denominator="all second live births in the period",
        unit=Unit.PERCENT,
        source=_DEMOGRAPHY,
        proportion=True,
    ),
    Definition(
        key="out_of_policy_multi_child_rate",
        name="out-of-policy multi-child rate",
        chinese="政策外多孩率",
        formula="out-of-policy third and higher-order births / all births x 100",
        denominator="all live births in the period",
        unit=Unit.PERCENT,
        source=_DEMOGRAPHY,
        proportion=True,
    ),
    Definition(
        key="birth_defect_incidence",
        name="birth-defect incidence",
        chinese="出生缺陷发生率",
        formula="births with a defect / perinatal births x 1000",
        denominator=(
            "perinatal births, 28 weeks' gestation to 7 days after birth, stillbirths "
            "included (setting: live births)"
        ),
        unit=Unit.PER_MILLE,
        source=(
            "national monitoring 围产儿(包括死胎、死产), "
            "https://www.soulun.net/periodical/89c97f6521766c119a88e9dfd755ca92.html"
        ),
        proportion=True,
    ),
    Definition(
        key="contraceptive_prevalence",
        name="contraceptive prevalence",
        chinese="综合节育率",
        formula="women using contraception (by either partner) / eligible women x 100",
        denominator=(
            "married women under 50, excluding the widowed, divorced, menopausal and "
            "primarily infertile"
        ),
        unit=Unit.PERCENT,
        source="《中国大百科全书》 entry 节育率, http://enc.newdu.com/d65878.html",
        proportion=True,
    ),
    Definition(
        key="satisfaction_rate",
        name="satisfaction rate",
        chinese="群众满意率",
        formula="satisfied respondents / valid respondents x 100",
        denominator="valid survey responses (convention, not a sourced definition)",
        unit=Unit.PERCENT,
        source="county work report (96.2%); the formula is the usual convention",
        places=1,
        proportion=True,
        population_based=False,
    ),
    Definition(
        key="archive_coverage",
        name="archive (filing) coverage",
        chinese="建档率",
        formula="families with an archive / families that must be archived x 100",
        denominator=(
            "families in the archive's scope (e.g. disabled first child, second child allowed)"
        ),
        unit=Unit.PERCENT,
        source="county work report (90 families, 100% archived)",
        proportion=True,
        population_based=False,
    ),
    Definition(
        key="staff_qualification_share",
        name="staff with high-school education or more",
        chinese="高中以上学历人员比例",
        formula="staff with senior high school education or more / all staff x 100",
        denominator="family-planning staff on the roll in the year",
        unit=Unit.PERCENT,
        source="county work report (1,180 village staff, 47%)",
        proportion=True,
        population_based=False,
    ),
    Definition(
        key="training_coverage",
        name="training coverage",
        chinese="培训覆盖率",
        formula="staff who attended at least one training session / all staff x 100",
        denominator="family-planning staff on the roll in the year",
        unit=Unit.PERCENT,
        source="county work report (training sessions and person-times); convention",
        proportion=True,
        population_based=False,
    ),
)

DEFINITIONS: Mapping[str, Definition] = MappingProxyType({d.key: d for d in _ALL})
"""Every indicator definition by key, in report order."""


def definition(key: str) -> Definition:
    """The definition with this key.

    Raises:
        UnknownName: no indicator has that key (the message lists the known keys).

    >>> definition("crude_birth_rate").chinese
    '人口出生率'
    """
    try:
        return DEFINITIONS[key]
    except KeyError:
        raise UnknownName("indicator", key, DEFINITIONS) from None
