# ruff: noqa: E501  (the template is a table: one column a line reads best)
"""The register template: its columns, their headers in Chinese and English, and the
words its cells use (男/女, 农业/非农业, 户主/配偶/子女 ...)."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping

import attrs

from fpcore.model import CertificateKind, ChildLink, Hukou, MarriageEnd, Sex


class Scope(enum.Enum):
    """Which rows a column is for."""

    EVERY = "every row"
    HOUSEHOLD = "the 户主 row (other rows: empty or the same value)"
    PARENT = "parent rows (户主, 配偶)"
    CHILD = "child rows (子女)"


@attrs.frozen
class Column:
    """A column of the register template.

    ``key`` is the English header, ``zh`` the Chinese one; either, or both as
    ``"zh key"``, names the column in a file.
    """

    key: str
    zh: str
    scope: Scope
    meaning: str
    required: bool = False

    @property
    def header(self) -> str:
        """The bilingual header the template uses, e.g. ``出生日期 birth_date``."""
        return f"{self.zh} {self.key}"


_E, _H, _P, _C = Scope.EVERY, Scope.HOUSEHOLD, Scope.PARENT, Scope.CHILD

COLUMNS: tuple[Column, ...] = (
    Column("household_id", "户编号", _E, "the household's key; rows with one key are one household", True),
    Column("relation", "与户主关系", _E, "户主 (first parent), 配偶 (second parent) or 子女 (a child)", True),
    Column("name", "姓名", _E, "the person's name", True),
    Column("sex", "性别", _E, "男 or 女", True),
    Column("birth_date", "出生日期", _E, "YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD)", True),
    Column("resident_id", "公民身份号码", _E, "18 characters, kept as text; a parent without one gives 无身份号码原因"),
    Column("no_id_reason", "无身份号码原因", _P, "why a parent has no resident ID"),
    Column("death_date", "死亡日期", _E, "the day of death, if the person has died"),
    Column("hukou", "户口性质", _P, "农业 (rural) or 非农业 (urban): the class the record starts with"),
    Column("hukou_changes", "户口性质变更", _P, "later changes: date/class[/reason]; ... e.g. 2010-06-01/非农业/农转非"),
    Column("township", "乡镇代码", _H, "the 9-digit township code (the first 9 digits of the village code)"),
    Column("village", "村代码", _H, "the 12-digit code of the household's village", True),
    Column("residence_village", "现住村代码", _P, "a parent's own village if not the household's (12 digits)"),
    Column("married", "结婚日期", _H, "the couple's marriage; empty or 不详 when the date is not recorded"),
    Column("divorced", "离婚日期", _H, "the couple's divorce; 不详 when divorced on a day not recorded"),
    Column("other_marriages", "其他婚姻", _P, "marriages to a spouse outside the household: married/ended/离婚 or 丧偶; ..."),
    Column("link", "子女类别", _C, "亲生 (by birth, the default) or 收养 (adopted)"),
    Column("adoption_date", "收养日期", _C, "the day of adoption, for an adopted child"),
    Column("within_policy", "政策内生育", _C, "是 (the default) or 否: the birth met the rules then in force"),
    Column("child_of", "子女所属", _C, "empty: a child of both parents; 户主 or 配偶: of that parent only"),
    Column("disabilities", "残疾证", _C, "grade/issued[/cancelled[/number]]; ... in order of issue"),
    Column("honour_certificate_number", "光荣证号", _H, "the only-child parents' honour certificate number"),
    Column("honour_certificate_issued", "光荣证发证日期", _H, "its issue date"),
    Column("honour_certificate_returned", "光荣证收回日期", _H, "the day it was returned (收回), if it was"),
    Column("other_certificates", "其他证件", _H, "kind/number/issued[/returned]; ... kinds 生育证, 生育服务手册, 光荣证"),
    Column("quota_granted", "二孩指标批准日期", _H, "a second-child quota's grant date"),
    Column("quota_waived", "二孩指标放弃日期", _H, "the day the quota was voluntarily waived"),
    Column("deposits", "保证金", _H, "amount/paid[/refunded[/receipt]]; ... amounts in yuan such as 500.00"),
    Column("confirmations", "资格确认", _P, "benefit/confirmed[/reference]; ... benefits 特别扶助, 奖励扶助"),
)  # fmt: skip
"""Every column of the template, in the template's order."""

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}

# -- the words cells use: Chinese first (what export writes), then accepted synonyms ----

HEAD, SPOUSE, CHILD = "户主", "配偶", "子女"
RELATIONS: dict[str, str] = {
    **dict.fromkeys(("户主", "本人", "head"), HEAD),
    **dict.fromkeys(("配偶", "妻", "夫", "spouse"), SPOUSE),
    **dict.fromkeys(("子女", "子", "女", "儿子", "女儿", "长子", "长女", "次子", "次女"), CHILD),
    **dict.fromkeys(("养子", "养女", "child"), CHILD),
}
SEXES = {"男": Sex.MALE, "女": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
HUKOUS = {
    "农业": Hukou.RURAL,
    "非农业": Hukou.URBAN,
    "农业户口": Hukou.RURAL,
    "非农业户口": Hukou.URBAN,
    "rural": Hukou.RURAL,
    "urban": Hukou.URBAN,
}
LINKS = {
    "亲生": ChildLink.BIRTH,
    "收养": ChildLink.ADOPTION,
    "birth": ChildLink.BIRTH,
    "adoption": ChildLink.ADOPTION,
}
ENDS = {
    "离婚": MarriageEnd.DIVORCE,
    "丧偶": MarriageEnd.DEATH,
    "divorce": MarriageEnd.DIVORCE,
    "death": MarriageEnd.DEATH,
}
BOOLEANS = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False}
KINDS = {
    "光荣证": CertificateKind.HONOUR_CERTIFICATE,
    "独生子女父母光荣证": CertificateKind.HONOUR_CERTIFICATE,
    "生育证": CertificateKind.BIRTH_PERMIT,
    "生育服务手册": CertificateKind.SERVICE_HANDBOOK,
    **{k.value: k for k in CertificateKind},
}
BENEFITS = {
    "特别扶助": "special_assistance",
    "奖励扶助": "reward_assistance",
    "独生子女父母奖励": "only_child_reward",
}
"""Benefit names in Chinese; any other benefit is written and read by its own key."""

UNKNOWN = ("不详", "unknown")
"""What a date cell says when the record has no date (married, divorced)."""


def chinese(table: Mapping[str, object], value: object) -> str:
    """The first word of ``table`` (the Chinese one) that means ``value``."""
    return next(word for word, meant in table.items() if meant == value)


# -- headers ------------------------------------------------------------------------------

_BY_NAME: dict[str, Column] = {
    **{c.zh: c for c in COLUMNS},
    **{c.key.casefold(): c for c in COLUMNS},
}
_SPLIT = re.compile(r"[\s|/()（）]+")


def column_of(header: str) -> Column | None:
    """The column a header names: its Chinese or English name, or both (``出生日期
    birth_date``, ``出生日期(birth_date)``); ``None`` if it names no column or two.

    Example:
        >>> column_of("出生日期 birth_date").key, column_of("Birth_Date").key
        ('birth_date', 'birth_date')
        >>> column_of("备注") is None
        True
    """
    text = header.strip().lstrip("\ufeff")
    found = _BY_NAME.get(text) or _BY_NAME.get(text.casefold())
    if found is not None:
        return found
    named = {_BY_NAME.get(t) or _BY_NAME.get(t.casefold()) for t in _SPLIT.split(text) if t}
    if len(named) == 1 and None not in named:
        return named.pop()
    return None


def letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index.

    >>> letter(0), letter(25), letter(26), letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name
