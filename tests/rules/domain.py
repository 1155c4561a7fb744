"""A small test-only domain and catalogue for the engine (also the benchmark workload).

Three money rules and one status rule resembling the real ones:

- ``OCR``: only-child parents' reward per couple (household), 10 yuan a month from the
  certificate month through the only child's 18th-birthday month (a setting chooses
  the month before), doubled by an exception when a second-child quota was waived;
- ``RA``: rural reward assistance per person from age 60, 600/720/960 a year paid
  monthly (annual / 12);
- ``SA``: special assistance per person from 49 for a deceased (100 -> 135) or
  disabled (80 -> 110) only child, decided by exceptions only (no default);
- ``CERT``: a status per household, ``double`` or ``single`` fee.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pendulum
import polars as pl

from fpcore.periods import Month
from fpcore.rules import (
    Citation,
    Condition,
    EntityAdapter,
    Policy,
    Population,
    Rule,
    RuleException,
    Setting,
    any_of,
    fact,
    month_index,
    param,
    parameters_from_toml,
    setting,
    where,
)

# --- the domain objects ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Child:
    birth: pendulum.Date
    boy: bool
    died: pendulum.Date | None = None
    disabled: bool = False


@attrs.frozen(kw_only=True)
class Person:
    id: int
    birth: pendulum.Date
    rural: bool


@attrs.frozen(kw_only=True)
class Household:
    id: int
    persons: tuple[Person, ...]
    children: tuple[Child, ...] = ()
    certificate: pendulum.Date | None = None
    quota_waived: bool = False


ADAPTER: EntityAdapter[Household, Person] = EntityAdapter(
    household_id=lambda h: h.id,
    persons=lambda h: h.persons,
    person_id=lambda p: p.id,
)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _birthday_month(birth: pendulum.Date, year: int) -> int:
    if birth.month == 2 and birth.day == 29 and not _leap(year):
        return 3
    return birth.month


def _adult_index(birth: pendulum.Date) -> int:
    """Month index of the 18th birthday (as ``month_reaching_age(birth, 18).index``)."""
    year = birth.year + 18
    return year * 12 + _birthday_month(birth, year) - 1


def _alive(child: Child, m: int) -> bool:
    born = child.birth.year * 12 + child.birth.month - 1
    dead = None if child.died is None else child.died.year * 12 + child.died.month - 1
    return born <= m and (dead is None or dead > m)


def _born(child: Child, m: int) -> bool:
    return child.birth.year * 12 + child.birth.month - 1 <= m


# --- facts: each with its Python and its polars implementation --------------------------


def _age_columnar(month: Month) -> pl.Expr:
    birth_month = pl.col("birth_month")
    if not _leap(month.year):
        birth_month = pl.when(pl.col("feb29")).then(3).otherwise(pl.col("birth_month"))
    return month.year - pl.col("birth_year") - (birth_month > month.month).cast(pl.Int64)


@fact("person", "int", columnar=_age_columnar)
def age(person: Person, month: Month) -> int:
    """Age in completed years reached in the month (周岁)."""
    years = month.year - person.birth.year
    return years - (1 if _birthday_month(person.birth, month.year) > month.month else 0)


@fact("person", "int", columnar=lambda m: pl.col("birth_year"))
def birth_year(person: Person, month: Month) -> int:
    """Year of birth."""
    return person.birth.year


def _alive_col(m: Month) -> pl.Expr:
    return (pl.col("birth_index") <= m.index) & (
        pl.col("death_index").is_null() | (pl.col("death_index") > m.index)
    )


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    columnar=_alive_col,
)
def living_children(h: Household, month: Month) -> int:
    """Children alive in the month."""
    return sum(1 for c in h.children if _alive(c, month.index))


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    columnar=lambda m: pl.col("birth_index") <= m.index,
)
def children_born(h: Household, month: Month) -> int:
    """Children born by the month."""
    return sum(1 for c in h.children if _born(c, month.index))


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    columnar=lambda m: (pl.col("birth_index") <= m.index) & pl.col("boy"),
)
def boys_born(h: Household, month: Month) -> int:
    """Sons born by the month."""
    return sum(1 for c in h.children if _born(c, month.index) and c.boy)


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    columnar=lambda m: _alive_col(m) & pl.col("disabled"),
)
def living_disabled(h: Household, month: Month) -> int:
    """Living children with a disability of grade 1-3."""
    return sum(1 for c in h.children if _alive(c, month.index) and c.disabled)


@fact(
    "household",
    "int",
    over="children",
    agg="max",
    columnar=lambda m: pl.col("adult_index"),
)
def adult_month(h: Household, month: Month) -> int | None:
    """Month index of the youngest child's 18th birthday (missing without children)."""
    if not h.children:
        return None
    return max(_adult_index(c.birth) for c in h.children)


@fact("household", "int", columnar=lambda m: pl.col("certificate_index"))
def certificate_month(h: Household, month: Month) -> int | None:
    """Month index the only-child certificate was issued (missing when none)."""
    day = h.certificate
    return None if day is None else day.year * 12 + day.month - 1


@fact("household", "bool", columnar=lambda m: pl.col("quota_waived"))
def quota_waived(h: Household, month: Month) -> bool:
    """The couple voluntarily waived a second-child quota."""
    return h.quota_waived


@fact(
    "household", "bool", over="persons", agg="all", fill=False, columnar=lambda m: pl.col("rural")
)
def rural_couple(h: Household, month: Month) -> bool:
    """Every adult of the household holds a rural hukou."""
    return bool(h.persons) and all(p.rural for p in h.persons)


# --- parameters, settings, rules ------------------------------------------------------

PARAMETERS = parameters_from_toml(
    Path(__file__).with_name("params.toml").read_text(encoding="utf-8"), source="params.toml"
)

OCR_LAST_MONTH = Setting(
    name="only_child_reward_last_month",
    default="birthday_month",
    choices=("birthday_month", "month_before"),
    description="Whether the 18th-birthday month is still paid",
)

LAW = Citation(document="人口与计划生育条例", article="第十九条")
RA_BASIS = Citation(document="国办发〔2004〕21号", issued_by="国务院办公厅")
SA_BASIS = Citation(document="国人口发〔2007〕78号")

CERT_ISSUED = Condition(
    code="CERTIFICATE_ISSUED",
    test=certificate_month <= month_index,
    en="the certificate was issued by this month",
    zh="已领取独生子女父母光荣证",
)
CHILD_UNDER_18 = Condition(
    code="CHILD_UNDER_18",
    test=where(
        setting("only_child_reward_last_month") == "birthday_month",
        month_index <= adult_month,
        month_index < adult_month,
    ),
    en="the only child has not passed the 18th-birthday month",
    zh="独生子女未满十八周岁",
)

OCR = Rule(
    id="OCR",
    title_zh="独生子女父母奖励费",
    title_en="Only-child parents' reward",
    benefit="only_child_reward",
    entity="household",
    citations=(LAW,),
    effective_from=pendulum.Date(1980, 1, 1),
    conditions=(CERT_ISSUED, CHILD_UNDER_18),
    outcome=param("only_child_reward.monthly"),
    exceptions=(
        RuleException(
            label="quota waived: double fee",
            priority=1,
            when=quota_waived,
            outcome=param("only_child_reward.monthly")
            * param("only_child_reward.double_factor", "int"),
        ),
    ),
)

RA = Rule(
    id="RA",
    title_zh="农村部分计划生育家庭奖励扶助",
    title_en="Rural reward assistance",
    benefit="reward_assistance",
    entity="person",
    citations=(RA_BASIS,),
    effective_from=pendulum.Date(2004, 1, 1),
    conditions=(
        Condition(code="AGE_60_OR_OVER", test=age >= 60, en="aged 60 or over", zh="年满60周岁"),
        Condition(
            code="BORN_1933_OR_LATER",
            test=birth_year >= param("reward_assistance.birth_year_from", "int"),
            en="born in 1933 or later",
            zh="1933年1月1日以后出生",
        ),
        Condition(code="RURAL_COUPLE", test=rural_couple, en="rural couple", zh="农村户口"),
        Condition(
            code="ONE_CHILD_OR_TWO_GIRLS",
            test=any_of(
                children_born == 1,
                (children_born == 2) & (boys_born == 0),
                (children_born >= 1) & (living_children == 0),
            ),
            en="one child, or two girls, or no surviving child",
            zh="现存一个子女或两个女孩或子女死亡现无子女",
        ),
    ),
    outcome=param("reward_assistance.annual") / 12,
)

SA = Rule(
    id="SA",
    title_zh="计划生育家庭特别扶助",
    title_en="Special assistance",
    benefit="special_assistance",
    entity="person",
    citations=(SA_BASIS,),
    effective_from=pendulum.Date(2008, 1, 1),
    conditions=(
        Condition(code="AGE_49_OR_OVER", test=age >= 49, en="aged 49 or over", zh="年满49周岁"),
        Condition(code="ONE_CHILD", test=children_born == 1, en="one child", zh="只生育一个子女"),
        Condition(
            code="CHILD_DECEASED_OR_DISABLED",
            test=(living_children == 0) | (living_disabled >= 1),
            en="the only child died or is disabled",
            zh="独生子女死亡或伤残",
        ),
    ),
    exceptions=(
        RuleException(
            label="only child deceased",
            when=living_children == 0,
            outcome=param("special_assistance.death"),
        ),
        RuleException(
            label="only child disabled",
            when=living_disabled >= 1,
            outcome=param("special_assistance.disability"),
        ),
    ),
)

CERT = Rule(
    id="CERT",
    title_zh="光荣证奖励类别",
    title_en="Certificate fee class",
    benefit="certificate_class",
    entity="household",
    citations=(LAW,),
    effective_from=pendulum.Date(1980, 1, 1),
    conditions=(CERT_ISSUED,),
    outcome=where(quota_waived, "double", "single"),
)

POLICY = Policy(
    id="test-county",
    version="1.0",
    title="Test county catalogue",
    rules=(OCR, RA, SA, CERT),
    parameters=PARAMETERS,
    settings=(OCR_LAST_MONTH,),
    adapter=ADAPTER,
)


# --- tables ---------------------------------------------------------------------------


def _index(day: pendulum.Date | None) -> int | None:
    return None if day is None else day.year * 12 + day.month - 1


def to_population(households: list[Household]) -> Population:
    """Households as population tables: linear, lossless for the facts above."""
    persons: list[dict[str, object]] = []
    homes: list[dict[str, object]] = []
    children: list[dict[str, object]] = []
    for h in households:
        homes.append(
            {
                "household_id": h.id,
                "certificate_index": _index(h.certificate),
                "quota_waived": h.quota_waived,
            }
        )
        for p in h.persons:
            persons.append(
                {
                    "person_id": p.id,
                    "household_id": h.id,
                    "birth_year": p.birth.year,
                    "birth_month": p.birth.month,
                    "feb29": p.birth.month == 2 and p.birth.day == 29,
                    "rural": p.rural,
                }
            )
        for c in h.children:
            children.append(
                {
                    "household_id": h.id,
                    "birth_index": _index(c.birth),
                    "death_index": _index(c.died),
                    "adult_index": _adult_index(c.birth),
                    "boy": c.boy,
                    "disabled": c.disabled,
                }
            )
    schemas: dict[str, dict[str, pl.DataType | type[pl.DataType]]] = {
        "persons": {
            "person_id": pl.Int64,
            "household_id": pl.Int64,
            "birth_year": pl.Int64,
            "birth_month": pl.Int64,
            "feb29": pl.Boolean,
            "rural": pl.Boolean,
        },
        "households": {
            "household_id": pl.Int64,
            "certificate_index": pl.Int64,
            "quota_waived": pl.Boolean,
        },
        "children": {
            "household_id": pl.Int64,
            "birth_index": pl.Int64,
            "death_index": pl.Int64,
            "adult_index": pl.Int64,
            "boy": pl.Boolean,
            "disabled": pl.Boolean,
        },
    }
    rows = {"persons": persons, "households": homes, "children": children}
    return Population({name: pl.DataFrame(rows[name], schema=schemas[name]) for name in rows})
